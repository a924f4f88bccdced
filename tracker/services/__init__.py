"""Operations on the domain: keyword-only functions that take a session, validate, and only flush.

The caller (a request, a CLI command) owns the transaction and commits once.

Importing this package installs the session listeners that every write path shares — the change
history, the audit trail and the re-evaluation of changed projects — so no caller can forget them.
"""
from . import change_history as _change_history  # noqa: E402,F401
from . import reevaluation as _reevaluation  # noqa: E402,F401
from .audit import trail as _audit_trail  # noqa: E402,F401
