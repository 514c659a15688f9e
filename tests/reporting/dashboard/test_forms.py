"""The dashboard's filters: a period with only one end gets the other from the default."""

from __future__ import annotations

import datetime as dt

from reporting.dashboard.forms import DashboardFilterForm
from tests.reporting.dashboard.support import Data


def test_only_a_start_runs_to_today_and_only_an_end_covers_90_days(data: Data) -> None:
    hq = data.mission.hq
    since = DashboardFilterForm({"start": "2024-01-01"}, user=hq).filters()
    until = DashboardFilterForm({"end": "2025-03-31"}, user=hq).filters()

    assert (since.start, since.end) == (dt.date(2024, 1, 1), data.today)
    assert (until.start, until.end) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
