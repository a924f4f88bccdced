"""What governance announces to the features above it, so that it never imports them (blinker, as Flask uses).

A receiver runs inside the sender's transaction: whatever it writes (an outbox e-mail, say) commits or rolls back
with the change it reacts to.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A project moved into its next stage. Sent with ``session``, ``project``, ``from_stage``, ``to_stage``.
stage_moved = _signals.signal("stage-moved")
