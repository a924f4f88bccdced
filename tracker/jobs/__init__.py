"""Jobs: long work off the request (imports, big reports, exports, re-evaluation), as data with progress.

A job is a row (``models.Job``): who started it, what, its state and progress, its result or its errors. The
queue (``core.queue``, Huey) carries only the job's id; a worker claims the row, runs the kind's handler
(``registry``) and writes the outcome in the handler's own transaction (``runner``). The pages and
``vidnova jobs …`` read the rows.
"""
