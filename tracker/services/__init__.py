"""Operations on the domain: keyword-only functions that take a session, validate, and only flush.

The caller (a request, a CLI command) owns the transaction and commits once.
"""
