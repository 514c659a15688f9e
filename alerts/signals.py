"""What the alert services announce, for the parts they must not import to act on.

The services never import a task module (the tasks import the services) nor another app
(reporting builds on alerts, not the other way round). They send these signals instead, with
`sender=Alert`; receivers are connected when the apps are ready (AlertsConfig, ReportingConfig).
A receiver that raises makes the sender fail: each signal says what the sender does about it.

- `routing_requested(alert_id)`: a new alert is committed; alerts.receivers hands it to a
  routing worker. If the broker is down the alert stays pending, and the sweep routes it.
- `flash_alert_routed(alert)`: an Immediate or Extreme alert was routed to its queue. Sent
  inside the routing transaction, so what a receiver writes (reporting opens the flash
  report) is committed with the routing or not at all; a receiver that raises undoes it.
- `flash_notification_requested(alert_id)`: after that routing is committed; alerts.receivers
  queues the email. If the broker is down, the sweep notifies later.
- `news_for_cla(alert_id, event_id)`: an action the CLA of the alert is told about
  (`Transition.tells_cla`: acknowledged, outcome, response, closed) is committed;
  notifications (page and email) and sms queue their work. Sent after the commit and
  robustly: a receiver that fails is logged and never undoes nor refuses the action.
"""

from __future__ import annotations

from django.dispatch import Signal

routing_requested = Signal()
flash_alert_routed = Signal()
flash_notification_requested = Signal()
news_for_cla = Signal()
