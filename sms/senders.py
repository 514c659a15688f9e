"""Who sent an SMS: the person a number is registered to, and on whose behalf an alert is logged.

A number (E.164) is registered at most once per kind of person, by the database (clas: CLA,
FocalPoint and User phones are unique). Across kinds it is checked here: a number that is a
CLA's and also a focal point's names nobody, and the message waits for a coordinator.

A CLA's alert is logged by the CLA. A focal point has no login: their alert is logged on behalf
of the CLA deployed at their network's location, the one deployed there longest (the earliest
open deployment), so the same CLA answers for a network as long as they stay; the focal point
is recorded as the source (network member, name and number).
"""

from __future__ import annotations

from dataclasses import dataclass

from clas.models import CLA, Deployment, FocalPoint, User


@dataclass(frozen=True)
class Sender:
    """Who a number belongs to. `user` logs the alert; `location_id` is their place."""

    user: User | None = None
    focal_point: FocalPoint | None = None
    location_id: int | None = None
    language: str = ""
    ambiguous: bool = False

    @property
    def known(self) -> bool:
        return not self.ambiguous and (self.user is not None or self.focal_point is not None)


def _open_location_id(user: User) -> int | None:
    return (
        Deployment.objects.filter(cla__user=user, end_date__isnull=True)
        .values_list("location_id", flat=True)
        .first()
    )


def network_cla(focal_point: FocalPoint) -> User | None:
    """The CLA an alert from a focal point is logged for: deployed at the network's location,
    the longest there first."""
    deployment = (
        Deployment.objects.filter(
            location_id=focal_point.network.location_id,
            end_date__isnull=True,
            cla__user__is_active=True,
        )
        .select_related("cla__user")
        .order_by("start_date", "pk")
        .first()
    )
    return deployment.cla.user if deployment else None


def sender_resolve(number: str) -> Sender:
    """The person registered with this E.164 number; an empty Sender when nobody is."""
    if not number:
        return Sender()
    clas = list(CLA.objects.filter(phone=number, user__is_active=True).select_related("user"))
    users = list(User.objects.filter(phone=number, is_active=True))
    points = list(
        FocalPoint.objects.filter(phone=number)
        .exclude(network__status="dissolved")
        .select_related("network")
    )
    people = {("user", c.user_id) for c in clas} | {("user", u.pk) for u in users}
    people |= {("focal_point", p.pk) for p in points}
    if len(people) > 1:
        return Sender(ambiguous=True)
    if clas or users:
        user = clas[0].user if clas else users[0]
        return Sender(user=user, location_id=_open_location_id(user), language=user.language)
    if points:
        point = points[0]
        cla = network_cla(point)
        # A focal point's language is the one they write in (the message tells).
        return Sender(user=cla, focal_point=point, location_id=point.network.location_id)
    return Sender()
