"""The one check of an e-mail address: every form and the command line accept exactly the same addresses.

``email_validator`` decides (as WTForms' ``Email`` did for the forms), without asking DNS; the stored form of
an address is trimmed and lower-cased, so sign-in, uniqueness and the brake on guessing compare like with like.
"""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from wtforms.validators import ValidationError

#: The longest address a column keeps (``User.email``, a partner's or follower's e-mail).
MAX_LENGTH = 255


class InvalidEmail(ValueError):
    """Not an e-mail address; the message says why (in English, for the command line and logs)."""


def normalise(address: str) -> str:
    """``address`` as stored and compared (trimmed, lower-case), or ``InvalidEmail``."""
    text = (address or "").strip()
    if not text:
        raise InvalidEmail("the e-mail address is empty")
    if len(text) > MAX_LENGTH:
        raise InvalidEmail(f"the e-mail address is longer than {MAX_LENGTH} characters")
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail(str(error)) from None
    return text.lower()


class EmailAddress:
    """The WTForms validator every e-mail field uses: the same check as ``normalise``."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        if not field.data:
            return  # DataRequired says so; one message per problem
        try:
            normalise(field.data)
        except InvalidEmail:
            raise ValidationError(field.gettext("Invalid email address.")) from None
