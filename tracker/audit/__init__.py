"""The auditor's workspace: checklists and manual marks, sign-offs, findings, the portfolio view,
and the tamper-evident audit trail of every write (``trail``).
"""
