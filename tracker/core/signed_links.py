"""Signed, expiring links sent by e-mail: a follow's confirmation, a citizen's item confirmation.

One door to ``itsdangerous`` so that every feature confirming an address without an account signs and checks
its links the same way: a salt per purpose (a link for one purpose confirms nothing else), the payload names
the row and the address, and a forged, altered or expired link is refused with a ``ServiceError`` on ``token``.
"""
from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from tracker.core.errors import ServiceError
from tracker.core.i18n import gettext as _

#: Seconds a confirmation link stays valid unless a feature says otherwise.
DEFAULT_MAX_AGE = 3 * 24 * 3600


def sign(*, secret_key: str, salt: str, payload: dict[str, Any]) -> str:
    """A URL-safe token carrying ``payload``, signed for ``salt``'s purpose."""
    return URLSafeTimedSerializer(secret_key, salt=salt).dumps(payload)


def unsign(*, secret_key: str, salt: str, token: str, max_age: int = DEFAULT_MAX_AGE) -> dict[str, Any]:
    """The payload of a token signed for ``salt``; ``ServiceError`` (field ``token``) when forged or expired."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=salt).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise ServiceError(_("this confirmation link has expired; ask again"), field="token") from error
    except BadSignature as error:
        raise ServiceError(_("this confirmation link is not valid"), field="token") from error
    if not isinstance(data, dict):
        raise ServiceError(_("this confirmation link is not valid"), field="token")
    return data
