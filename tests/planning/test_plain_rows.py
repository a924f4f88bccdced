"""Plain column rows (``stage_data.by_project(..., plain=True)``) read like the ORM objects they replace."""
from __future__ import annotations

from sqlalchemy.engine import Row
from sqlmodel import SQLModel

import tracker.publishing.read_models  # noqa: F401  (every model registered)


def test_no_column_is_shadowed_by_a_row_attribute():
    """A column named like a tuple or Row method would read as that method on a plain row."""
    shadowing = {name for name in dir(Row) if not name.startswith("__")}
    clashes = {(table.name, column) for table in SQLModel.metadata.tables.values()
               for column in table.columns.keys() if column in shadowing}
    assert clashes == set()
