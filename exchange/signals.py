"""What the exchange services announce; exchange.receivers queues the work."""

from __future__ import annotations

from django.dispatch import Signal

# An export was asked for and committed: build it (kwargs: export_id).
export_requested = Signal()
