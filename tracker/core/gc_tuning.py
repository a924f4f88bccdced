"""The garbage collector's settings for a serving process (a gunicorn worker, a job worker).

Python's cyclic collector runs a young-generation pass every 700 net allocations and, now and then, walks
every object alive. In a worker most of those are what was loaded once and never freed (modules, SQLAlchemy's
and pydantic's machinery, the app, compiled templates, rule sets), and an export or report allocates hundreds
of thousands of small objects, so the collector kept walking the same long-lived heap: a hromada's OC4IDS
package (356 projects) took about a quarter longer than with the collector off. ``gc.freeze`` moves what is
loaded at start-up into a generation the collector never scans, and a higher first threshold makes young
passes rarer; reference counting still frees almost everything at once, so memory stays where it was.
"""
from __future__ import annotations

import gc

#: Young-generation threshold (Python's default is 700); the older generations' factors are kept.
YOUNG_THRESHOLD = 10_000


def tune_for_serving() -> None:
    """Freeze what is loaded so far out of the collector's sight and collect young objects less often."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
