"""`vidnova jobs show|cancel ID`: an id no id column can hold is refused by the command line, not the database."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from tracker.cli import main


@pytest.mark.parametrize("command", ["show", "cancel"])
@pytest.mark.parametrize("job_id", ["2147483648", "99999999999999999999", "0"])
def test_an_id_out_of_range_is_a_usage_error(tmp_path, command, job_id):
    env = {"TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}  # refused before any query
    result = CliRunner().invoke(main, ["jobs", command, job_id], env=env)
    assert result.exit_code == 2, result.output
    assert "is not in the range 1<=x<=2147483647" in result.output
