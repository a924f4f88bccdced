"""The engagement mechanism for EU partners: needs, partners, offers, partnerships, matching, notifications.

One module per concern; every operation is a keyword-only function taking a ``session`` that only flushes.
"""
