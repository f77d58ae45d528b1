"""Journeys to and from Batam: ferry and flight routes, planned trips, and stays during a visit.

Most foreigners reach Batam by ferry from Singapore (HarbourFront, Tanah Merah) or Johor, and
some fly in from Kuala Lumpur (DOMAIN.md). A visit is an arrival at a checkpoint with the stay
granted, a hotel that reports the guest within hours of check-in, and a departure; a resident's
absence is the same in reverse. Trips of one person never overlap.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from timpora.demo.identities import PassportOffice, Traveller, weighted
from timpora.demo.ledger import Ledger
from timpora.demo.places import Place, Places


@dataclass(frozen=True)
class Route:
    """A crossing between a Batam checkpoint and a port abroad, and who sails or flies it.

    Ferries run every ten minutes or so through the day; a flight keeps its timetable.
    """

    checkpoint: str
    port: str
    carriers: tuple[str, ...]
    flights_in: tuple[tuple[str, time], ...] = ()
    flights_out: tuple[tuple[str, time], ...] = ()

    def _at(
        self, rng: random.Random, day: date, flights: tuple[tuple[str, time], ...], hours: range
    ) -> tuple[datetime, str]:
        if flights:
            fitting = [f for f in flights if f[1].hour in hours] or list(flights)
            carrier, at = rng.choice(fitting)
            return datetime.combine(day, at), carrier
        minutes = rng.randrange(hours.start * 6, hours.stop * 6) * 10
        return datetime.combine(day, time()) + timedelta(minutes=minutes), rng.choice(self.carriers)

    def arrival(
        self, rng: random.Random, day: date, hours: range = range(8, 21)
    ) -> tuple[datetime, str]:
        return self._at(rng, day, self.flights_in, hours)

    def departure(
        self, rng: random.Random, day: date, hours: range = range(8, 21)
    ) -> tuple[datetime, str]:
        return self._at(rng, day, self.flights_out, hours)


ROUTES: dict[str, Route] = {
    "SGHFC-HB": Route("BTM-HB", "SGHFC", ("MV Horizon 3", "MV Horizon 5", "MV Majestic 8")),
    "SGHFC-BC": Route("BTM-BC", "SGHFC", ("MV Batam Fast 18", "MV Batam Fast 21", "MV Majestic 6")),
    "SGHFC-SK": Route("BTM-SK", "SGHFC", ("MV Sindo 3", "MV Sindo 7")),
    "SGHFC-MTS": Route("BTM-MTS", "SGHFC", ("MV Sindo 11", "MV Dolphin 2")),
    "SGTMFT-NP": Route("BTM-NP", "SGTMFT", ("MV Batam Fast 12", "MV Nongsa Express 2")),
    "SGTMFT-BC": Route("BTM-BC", "SGTMFT", ("MV Batam Fast 9", "MV Majestic 3")),
    "MYJHB-BC": Route("BTM-BC", "MYJHB", ("MV Citra Indomas 2", "MV Citra Indomas 5")),
    "MYJHB-HB": Route("BTM-HB", "MYJHB", ("MV Sindo 12", "MV Citra Indomas 7")),
    "KUL-HN": Route(
        "BTM-HN",
        "KUL",
        (),
        flights_in=(("AK 1382", time(12, 40)), ("OD 362", time(18, 55))),
        flights_out=(("AK 1383", time(13, 25)), ("OD 363", time(19, 45))),
    ),
}

# How each kind of traveller comes, by route.
ROUTE_MIX: dict[str, dict[str, float]] = {
    "SGP": {"SGHFC-HB": 0.33, "SGHFC-BC": 0.27, "SGHFC-SK": 0.10, "SGHFC-MTS": 0.04,
            "SGTMFT-NP": 0.14, "SGTMFT-BC": 0.12},
    "MYS": {"MYJHB-BC": 0.45, "MYJHB-HB": 0.15, "SGHFC-HB": 0.10, "SGHFC-BC": 0.10,
            "KUL-HN": 0.20},
    "LONG_HAUL": {"SGHFC-HB": 0.25, "SGHFC-BC": 0.25, "SGTMFT-NP": 0.10, "SGTMFT-BC": 0.05,
                  "KUL-HN": 0.35},
    "WORKER": {"SGHFC-BC": 0.35, "SGHFC-HB": 0.25, "KUL-HN": 0.40},
    "RESIDENT": {"SGHFC-BC": 0.35, "SGHFC-HB": 0.30, "SGTMFT-NP": 0.15, "MYJHB-BC": 0.20},
}  # fmt: skip

# Where visitors sleep, by the checkpoint they came through.
HOTEL_ZONES: dict[str, dict[str, float]] = {
    "BTM-HB": {"Harbour Bay": 0.5, "Nagoya": 0.4, "Batam Centre": 0.1},
    "BTM-BC": {"Batam Centre": 0.5, "Nagoya": 0.35, "Bengkong": 0.1, "Harbour Bay": 0.05},
    "BTM-SK": {"Waterfront": 0.5, "Nagoya": 0.4, "Harbour Bay": 0.1},
    "BTM-MTS": {"Waterfront": 0.6, "Nagoya": 0.4},
    "BTM-NP": {"Nongsa": 0.85, "Batam Centre": 0.15},
    "BTM-HN": {"Batam Centre": 0.4, "Nagoya": 0.4, "Nongsa": 0.2},
}
BUSINESS_ZONES = {"Batam Centre": 0.5, "Nagoya": 0.3, "Harbour Bay": 0.2}


@dataclass
class World:
    """What every part of the generator shares: its random stream, the rows and the places."""

    rng: random.Random
    ledger: Ledger
    places: Places
    passports: PassportOffice
    family_hosts: list[Place] = field(default_factory=list)

    @property
    def today(self) -> date:
        return self.ledger.today


@dataclass(frozen=True)
class Trip:
    """One journey: into Batam and out again for a visitor, out and back for a resident."""

    first: datetime
    second: datetime  # may lie on or after today: then it has not happened yet
    route_first: Route
    route_second: Route
    carrier_first: str
    carrier_second: str

    @property
    def nights(self) -> int:
        return (self.second.date() - self.first.date()).days


def _weekend(rng: random.Random, day: date, ledger: Ledger) -> date:
    """The Friday or Saturday of the week of ``day``, when Singaporeans cross for the weekend."""
    target = rng.choice((4, 4, 5))
    moved = day + timedelta(days=(target - day.weekday()) % 7)
    if moved >= ledger.today:
        moved -= timedelta(days=7)
    return moved if moved >= ledger.start else day


def plan_trips(
    world: World,
    count: int,
    nights: Callable[[random.Random], int],
    routes: dict[str, float],
    *,
    weekend: bool = False,
    between: tuple[date, date] | None = None,
    into_batam: bool = True,
) -> list[Trip]:
    """Up to ``count`` trips spread over the period, none overlapping the one before.

    Visitors' trips start with an arrival before today; a resident's absence (``into_batam``
    false) must also be over before today, so that the resident is home again.
    """
    rng, ledger = world.rng, world.ledger
    first_day, end = between or (ledger.start, ledger.today)
    span = (end - first_day).days
    if span <= 0 or count <= 0:
        return []
    segment = span / count
    trips: list[Trip] = []
    for index in range(count):
        day = first_day + timedelta(days=int(index * segment + rng.random() * segment))
        if weekend and rng.random() < 0.75:
            day = _weekend(rng, day, ledger)
        length = nights(rng)
        route_first = ROUTES[weighted(rng, routes)]
        route_second = route_first if rng.random() < 0.8 else ROUTES[weighted(rng, routes)]
        if into_batam:
            early, late = (range(8, 11), range(16, 21)) if length == 0 else (range(8, 21),) * 2
            first, carrier_first = route_first.arrival(rng, day, early)
            second, carrier_second = route_second.departure(rng, day + timedelta(days=length), late)
            if second < first + timedelta(hours=3):  # a flight in too late for a day trip
                second, carrier_second = route_second.departure(rng, day + timedelta(days=1))
        else:
            first, carrier_first = route_first.departure(rng, day)
            second, carrier_second = route_second.arrival(rng, day + timedelta(days=max(1, length)))
        if second <= first or (trips and first <= trips[-1].second + timedelta(hours=12)):
            continue
        if first >= ledger.now or (not into_batam and second.date() >= end):
            continue
        trips.append(Trip(first, second, route_first, route_second, carrier_first, carrier_second))
    return trips


def cross(
    world: World,
    who: Traveller,
    trip: Trip,
    *,
    permit_type: str,
    permit_number: str = "",
    stay_until: date | None,
) -> None:
    """The arrival (with the stay granted) and, once it happened, the departure of a visit."""
    ledger = world.ledger
    ledger.crossing(
        who,
        "ARRIVAL",
        trip.route_first.checkpoint,
        trip.first,
        carrier=trip.carrier_first,
        port=trip.route_first.port,
        permit_type=permit_type,
        permit_number=permit_number,
        stay_until=stay_until,
    )
    if trip.second < ledger.now:
        ledger.crossing(
            who,
            "DEPARTURE",
            trip.route_second.checkpoint,
            trip.second,
            carrier=trip.carrier_second,
            port=trip.route_second.port,
        )


def leave_and_return(
    world: World,
    who: Traveller,
    trip: Trip,
    *,
    permit_type: str,
    permit_number: str,
    stay_until: date,
) -> None:
    """A resident's absence: a departure, then the arrival home on the same permit."""
    ledger = world.ledger
    ledger.crossing(
        who,
        "DEPARTURE",
        trip.route_first.checkpoint,
        trip.first,
        carrier=trip.carrier_first,
        port=trip.route_first.port,
    )
    ledger.crossing(
        who,
        "ARRIVAL",
        trip.route_second.checkpoint,
        trip.second,
        carrier=trip.carrier_second,
        port=trip.route_second.port,
        permit_type=permit_type,
        permit_number=permit_number,
        stay_until=stay_until,
    )


def report_delay(rng: random.Random) -> timedelta:
    """How long after check-in the lodging sends its report: mostly within hours, always < 24 h."""
    if rng.random() < 0.8:
        return timedelta(minutes=rng.randint(5, 180))
    return timedelta(minutes=rng.randint(180, 1200))


def lodge(
    world: World,
    who: Traveller,
    trip: Trip,
    place: Place,
    *,
    permit_type: str,
    permit_number: str = "",
    purpose: str,
) -> None:
    """The residence report of a visit: check-in soon after arrival, check-out before leaving."""
    rng = world.rng
    check_in = trip.first + timedelta(minutes=rng.randint(30, 150))
    check_out = trip.second - timedelta(minutes=rng.randint(60, 240))
    world.ledger.stay(
        who,
        place,
        check_in,
        check_out=check_out,
        reported_after=report_delay(rng),
        permit_type=permit_type,
        permit_number=permit_number,
        purpose=purpose,
    )
