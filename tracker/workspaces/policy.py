"""Which home a signed-in user has: one per role, and nobody sees another role's home."""
from __future__ import annotations

from tracker.accounts.models import User
from tracker.core.vocab import Role

#: The home each role lands on after signing in.
HOMES = {
    Role.PLANNER: "planner",
    Role.AUDITOR: "auditor",
    Role.PARTNER: "partner",
    Role.ADMIN: "admin",
    Role.MODERATOR: "moderator",
}


def home_of(user: User | None) -> str | None:
    """The name of ``user``'s home, or None (nobody signed in, or a role without one)."""
    if user is None:
        return None
    return HOMES.get(user.role)  # roles are StrEnum members: a stored code finds its home as the member does
