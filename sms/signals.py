"""What the SMS services announce, for the tasks they must not import (sms.tasks imports them).

Connected by SmsConfig.ready() to sms.receivers, which hand the work to the `sms` queue. A
receiver that raises (the broker is down) is caught by the service that sent the signal: the
row stays as it is and the periodic sweep (sms.services.sms_sweep) sends the work again.

- `incoming_received(message_id)`: an incoming SMS was committed, to be read by a worker.
- `outgoing_queued(message_id, countdown)`: an outgoing SMS is due (now, or in `countdown`
  seconds for a retry).
"""

from __future__ import annotations

from django.dispatch import Signal

incoming_received = Signal()
outgoing_queued = Signal()
