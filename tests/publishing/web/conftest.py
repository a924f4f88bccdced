"""Portal page tests share the report tests' fixtures: a report cache of their own and a world with stage data."""
from tests.publishing.services.conftest import app, rich  # noqa: F401  (pytest finds fixtures imported here)
