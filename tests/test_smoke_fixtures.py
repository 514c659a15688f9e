from __future__ import annotations

from clas.selectors import scoped_location_ids


def test_mission_fixture_scopes_each_role(mission) -> None:
    assert scoped_location_ids(mission.cla) == [mission.base_a.pk]
    assert sorted(scoped_location_ids(mission.coordinator)) == sorted(
        [mission.office_a.pk, mission.base_a.pk]
    )
    assert sorted(scoped_location_ids(mission.force)) == sorted(
        [mission.office_a.pk, mission.base_a.pk]
    )
    assert scoped_location_ids(mission.hq) is None
