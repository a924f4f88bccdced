"""``python -m tests.jobs.worker_process [vidnova arguments]``: the ``vidnova`` tool with the test job kinds."""
from __future__ import annotations

import sys

from tests.jobs import kinds as _kinds  # noqa: F401  (registers the test job kinds)
from tracker.cli import main

if __name__ == "__main__":
    main(sys.argv[1:] or ["worker"])
