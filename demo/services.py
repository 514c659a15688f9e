"""A demo mission at the scale of MINUSCA: 44 locations in real towns of the Central African
Republic, 78 CLAs (16 women), 59 Community Alert Networks with 3,560 volunteers, 44
Community Protection Plans, triangulation queues, one login per role, and a few months of
alerts in every state. Used by `manage.py seed_demo`.

The seed writes straight to the models of every app (bulk, natural keys, idempotent): it is
demo data, not a way in for users, so it does not go through their services.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import transaction
from django.utils import timezone

from demo import alerts, board, cases, exports, follow_up, mission, reports, rotas


def demo_mission_seed(*, password: str, now: float | None = None) -> dict[str, int]:
    """Create what is missing of the demo mission; a second run changes no count.

    Returns the number of alerts added (0 when the demo alerts were there already) under
    "alerts_added".
    """
    now = now or time.time()
    today = timezone.localtime(dt.datetime.fromtimestamp(now, dt.UTC)).date()
    with transaction.atomic():
        sectors = mission.sectors_seed()
        locations = mission.locations_seed(sectors)
        languages = mission.languages_seed()
        usernames = mission.Usernames()
        clas_by_town = mission.clas_seed(locations, languages, usernames, today)
        mission.trainings_seed(locations, clas_by_town, today)
        mission.networks_seed(locations, clas_by_town, today)
        mission.plans_seed(locations, clas_by_town, today)
        staff = mission.staff_seed(locations, sectors, usernames, password)
        mission.queues_seed(sectors, staff)
        rotas.rotas_seed(now=now)
        added = alerts.alerts_demo_seed(now=now)
        follow_up.follow_up_seed(now=now)
        cases.cases_seed()
        board.board_seed(today=today)
    # After the transaction: an export's task is queued when the export is committed.
    exports.exports_seed()
    reports.reports_seed(today=today)
    return {"alerts_added": added}
