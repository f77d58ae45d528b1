"""Residents: foreign workers (ITAS E23), their families (E31), spouses of Indonesians, ITAP.

A worker's papers hang together as they do in Batam: the employer's RPTKA approves the position
before the worker comes; the ITAS is granted at the arrival and sponsored by the employer; the
SKTT follows within 14 days; the company mess (or a house rented from a private landlord)
reports the worker on the evening of arrival. Workers fly home now and then and come back on the
same permit; a permit whose first term ends is extended, and some workers have left for good.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from timpora.demo.identities import (
    Name,
    Traveller,
    make_traveller,
    new_traveller,
    relative_name,
    weighted,
)
from timpora.demo.ledger import status_on
from timpora.demo.places import POSITIONS, WORKFORCE, Company, Place
from timpora.demo.travel import (
    BUSINESS_ZONES,
    ROUTE_MIX,
    ROUTES,
    Route,
    Trip,
    World,
    leave_and_return,
    plan_trips,
    report_delay,
)

RESIDENT_NATIONALITIES = {
    "SGP": 0.20, "MYS": 0.20, "CHN": 0.12, "KOR": 0.10, "JPN": 0.10, "IND": 0.08, "PHL": 0.08,
    "AUS": 0.05, "GBR": 0.04, "NLD": 0.03,
}  # fmt: skip
SKTT_DAYS = 14
# A permit whose first term ends within this many days of today has been extended already.
EXTENDED_AHEAD_DAYS = 45


@dataclass(frozen=True)
class Tenure:
    """The period of a limited stay permit: its start, its first end, its end after extension."""

    start: date
    first_end: date
    end: date
    extended: bool = False
    left_on: date | None = None  # the day the holder left Indonesia for good
    cancelled: bool = False

    def status(self, today: date) -> str:
        return "CANCELLED" if self.cancelled else status_on(today, self.end, self.extended)

    def stay_granted(self, arrival: date) -> date:
        """The last day an arrival on this permit is granted: the extension counts once applied."""
        return self.end if arrival > self.first_end - timedelta(days=30) else self.first_end


def tenure(rng: random.Random, today: date, *, departed: bool = False) -> Tenure:
    term = 2 if rng.random() < 0.3 else 1
    if departed:
        end = today - timedelta(days=rng.randint(10, 200))
        early = rng.random() < 0.4  # left before the permit ran out: an exit permit (EPO)
        left = end - timedelta(days=rng.randint(20, 120) if early else rng.randint(0, 7))
        return Tenure(end - timedelta(days=365 * term - 1), end, end, False, left, early)
    # At least 20 days in: every current holder has had the time to obtain an SKTT. A permit
    # is extended well before its notice period (PERMIT_EXPIRING) begins: the permits about to
    # end without an extension are planted (``violations``).
    start = today - timedelta(days=rng.randint(20, 700))
    first_end = start + timedelta(days=365 * term - 1)
    if first_end < today + timedelta(days=EXTENDED_AHEAD_DAYS):
        end = first_end + timedelta(days=365)
        if end < today + timedelta(days=EXTENDED_AHEAD_DAYS):  # extended once more
            end += timedelta(days=365)
        return Tenure(start, first_end, end, extended=True)
    return Tenure(start, first_end, first_end)


@dataclass
class Settled:
    """How a resident came and went: the first arrival and the absences since."""

    arrival: datetime
    route: Route
    carrier: str
    absences: list[Trip] = field(default_factory=list)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _settle(
    world: World,
    who: Traveller,
    term: Tenure,
    home: Place,
    *,
    permit_type: str,
    number: str,
    purpose: str,
    routes: dict[str, float],
    together_with: Settled | None = None,
    joins_on: date | None = None,
    sktt: bool = True,
    report: bool = True,
    reported_after: timedelta | None = None,
    absences: bool = True,
) -> Settled:
    """Arrival on the permit, absences, SKTT, the residence report and, if any, the last exit.

    ``together_with`` makes a dependant travel with the head of the family: the same ferry in,
    the same trips home (those after the dependant came). The planted violations leave out the
    SKTT (``sktt``), the residence report (``report``) or the absences, or report late
    (``reported_after``); the population itself always has them all.
    """
    rng, ledger = world.rng, world.ledger
    if together_with and joins_on is None:
        settled = Settled(together_with.arrival, together_with.route, together_with.carrier)
    else:
        route = ROUTES[weighted(rng, routes)]
        arrival, carrier = route.arrival(rng, joins_on or term.start)
        settled = Settled(arrival, route, carrier)
    ledger.crossing(
        who,
        "ARRIVAL",
        settled.route.checkpoint,
        settled.arrival,
        carrier=settled.carrier,
        port=settled.route.port,
        permit_type=permit_type,
        permit_number=number,
        stay_until=term.stay_granted(settled.arrival.date()),
    )
    if together_with:
        settled.absences = [t for t in together_with.absences if t.first > settled.arrival]
    elif absences:
        last = min(ledger.today, (term.left_on or term.end) - timedelta(days=20))
        first = max(ledger.start, settled.arrival.date() + timedelta(days=30))
        count = int(weighted(rng, {"0": 0.40, "1": 0.35, "2": 0.18, "3": 0.07}))
        settled.absences = plan_trips(
            world,
            count,
            lambda r: r.randint(4, 21),
            routes,
            between=(first, last),
            into_batam=False,
        )
    for trip in settled.absences:
        leave_and_return(
            world,
            who,
            trip,
            permit_type=permit_type,
            permit_number=number,
            stay_until=term.stay_granted(trip.second.date()),
        )
    check_out = None
    if term.left_on:
        route = ROUTES[weighted(rng, routes)]
        leaving, carrier = route.departure(rng, term.left_on)
        ledger.crossing(
            who, "DEPARTURE", route.checkpoint, leaving, carrier=carrier, port=route.port
        )
        check_out = leaving - timedelta(minutes=rng.randint(120, 360))
    if permit_type == "ITAS" and sktt:
        issued = settled.arrival.date() + timedelta(days=rng.randint(2, SKTT_DAYS - 1))
        issued = min(issued, ledger.today - timedelta(days=1))
        ledger.registration(
            who,
            home,
            registration_number=ledger.sktt_number(issued),
            registration_type="SKTT",
            issued_on=issued,
            valid_until=term.end,
        )
    check_in = settled.arrival + timedelta(minutes=rng.randint(90, 480))
    delay = report_delay(rng)
    if report:
        ledger.stay(
            who,
            home,
            check_in,
            check_out=check_out,
            reported_after=reported_after or delay,
            permit_type=permit_type,
            permit_number=number,
            purpose=purpose,
        )
    return settled


def _permit(
    world: World,
    who: Traveller,
    term: Tenure,
    home: Place,
    *,
    permit_type: str,
    visa_index: str,
    number: str,
    sponsor: Company | Place | None,
    purpose: str,
) -> None:
    if isinstance(sponsor, Company):
        sponsor_type, sponsor_id, sponsor_name = "COMPANY", sponsor.company_id, sponsor.name
    elif sponsor is not None:  # an Indonesian spouse, by NIK
        sponsor_type, sponsor_id, sponsor_name = (
            "PERSON",
            sponsor.reporter_id,
            sponsor.reporter_name,
        )
    else:
        sponsor_type, sponsor_id, sponsor_name = "NONE", "", ""
    world.ledger.stay_permit(
        who,
        permit_number=number,
        permit_type=permit_type,
        visa_index=visa_index,
        status=term.status(world.today),
        issued_on=term.start,
        valid_from=term.start,
        valid_until=term.end,
        extended_from=term.first_end if term.extended else None,
        sponsor_type=sponsor_type,
        sponsor_id=sponsor_id,
        sponsor_name=sponsor_name,
        purpose=purpose,
        **home.domicile(),
    )


@dataclass(frozen=True)
class Worker:
    who: Traveller
    convention: str
    company: Company
    term: Tenure
    home: Place
    settled: Settled


def worker(world: World, company: Company, *, departed: bool, with_family: bool) -> Worker:
    """A foreign worker of ``company`` with ITAS E23, RPTKA and SKTT, housed in its mess."""
    rng, ledger, today = world.rng, world.ledger, world.today
    nationality = weighted(rng, WORKFORCE[company.origin])
    convention, who = new_traveller(
        rng, world.passports, today, nationality, male_share=0.88, ages=(24, 58)
    )
    term = tenure(rng, today, departed=departed)
    position = rng.choice(POSITIONS[company.sector])
    senior = any(word in position for word in ("Manager", "Director", "Chef", "Superintendent"))
    home = company.mess
    if with_family:
        home = world.places.add_host(today)
    elif senior and rng.random() < 0.5:
        home = world.places.hotel_in(rng, BUSINESS_ZONES)  # a serviced apartment
    number = ledger.permit_number("ITAS", term.start)
    _permit(
        world,
        who,
        term,
        home,
        permit_type="ITAS",
        visa_index="E23",
        number=number,
        sponsor=company,
        purpose="WORK",
    )
    rptka_from = term.start - timedelta(days=rng.randint(10, 45))
    paid_until = term.end
    if term.left_on is None and rng.random() < 0.4:  # DKPTKA paid some months ahead
        months_ahead = today + timedelta(days=31 * rng.randint(1, 6))
        paid_until = min(term.end, _month_end(months_ahead))
    ledger.work_permit(
        who,
        company,
        rptka_number=ledger.rptka_number(company, rptka_from),
        position=position,
        valid_from=rptka_from,
        valid_until=term.end,
        status=term.status(today),
        dkptka_paid_until=paid_until,
    )
    settled = _settle(
        world,
        who,
        term,
        home,
        permit_type="ITAS",
        number=number,
        purpose="WORK",
        routes=ROUTE_MIX["WORKER"],
    )
    return Worker(who, convention, company, term, home, settled)


def family_of(world: World, head: Worker) -> int:
    """The spouse, and sometimes a child, of a worker, on family ITAS (E31); returns how many."""
    rng, today = world.rng, world.today
    members = [("F" if head.who.sex == "M" else "M", False)]
    if rng.random() < 0.5:
        members.append(("M" if rng.random() < 0.5 else "F", True))
    later = head.term.start + timedelta(days=rng.randint(14, 60))
    joins_on = later if rng.random() < 0.4 and later <= today - timedelta(days=20) else None
    for sex, child in members:
        name: Name = relative_name(rng, head.convention, head.who.name, sex, child=child)
        who = make_traveller(
            rng,
            world.passports,
            today,
            head.who.nationality,
            sex=sex,
            ages=(2, 15) if child else (22, 55),
            name=name,
        )
        start = joins_on or head.term.start
        term = Tenure(start, head.term.first_end, head.term.end, head.term.extended)
        number = world.ledger.permit_number("ITAS", start)
        _permit(
            world,
            who,
            term,
            head.home,
            permit_type="ITAS",
            visa_index="E31",
            number=number,
            sponsor=head.company,
            purpose="FAMILY",
        )
        _settle(
            world,
            who,
            term,
            head.home,
            permit_type="ITAS",
            number=number,
            purpose="FAMILY",
            routes=ROUTE_MIX["WORKER"],
            together_with=head.settled,
            joins_on=joins_on,
        )
    return len(members)


def spouse_of_citizen(world: World) -> None:
    """A foreigner married to an Indonesian, on family ITAS (E31) sponsored by the spouse."""
    rng, today = world.rng, world.today
    nationality = weighted(rng, RESIDENT_NATIONALITIES)
    _, who = new_traveller(rng, world.passports, today, nationality, male_share=0.5, ages=(25, 60))
    spouse = world.places.add_host(today)
    term = tenure(rng, today)
    number = world.ledger.permit_number("ITAS", term.start)
    _permit(
        world,
        who,
        term,
        spouse,
        permit_type="ITAS",
        visa_index="E31",
        number=number,
        sponsor=spouse,
        purpose="FAMILY",
    )
    _settle(
        world,
        who,
        term,
        spouse,
        permit_type="ITAS",
        number=number,
        purpose="FAMILY",
        routes=ROUTE_MIX["RESIDENT"],
    )


def permanent_resident(world: World, employers: list[Company]) -> None:
    """An ITAP holder (renewed every five years) with a KTP-el, hopping to Singapore often."""
    rng, ledger, today = world.rng, world.ledger, world.today
    nationality = weighted(rng, RESIDENT_NATIONALITIES)
    _, who = new_traveller(rng, world.passports, today, nationality, male_share=0.55, ages=(30, 75))
    start = today - timedelta(days=rng.randint(30, 1790))
    term = Tenure(start, start + timedelta(days=5 * 365 - 1), start + timedelta(days=5 * 365 - 1))
    home = world.places.add_host(today)  # the Indonesian spouse, or a landlord
    by_spouse = rng.random() < 0.65 or not employers
    sponsor: Company | Place = (
        home if by_spouse else rng.choices(employers, weights=[c.size for c in employers])[0]
    )
    number = ledger.permit_number("ITAP", start)
    _permit(
        world,
        who,
        term,
        home,
        permit_type="ITAP",
        visa_index="",
        number=number,
        sponsor=sponsor,
        purpose="FAMILY" if by_spouse else "WORK",
    )
    year, month, day = (int(part) for part in (who.date_of_birth + "-01-01").split("-")[:3])
    ledger.registration(
        who,
        home,
        registration_number=world.places.nik(home.kecamatan, date(year, month, day), who.sex),
        registration_type="KTP_EL",
        issued_on=min(start + timedelta(days=rng.randint(7, 60)), today - timedelta(days=1)),
        valid_until=term.end,
    )
    moved_in = datetime.combine(start - timedelta(days=rng.randint(0, 400)), datetime.min.time())
    ledger.stay(
        who,
        home,
        moved_in + timedelta(minutes=rng.randint(9 * 60, 18 * 60)),
        check_out=None,
        reported_after=report_delay(rng),
        permit_type="ITAP",
        permit_number=number,
        purpose="FAMILY" if by_spouse else "WORK",
    )
    absences = plan_trips(
        world,
        rng.randint(1, 8),
        lambda r: r.randint(1, 6),
        ROUTE_MIX["RESIDENT"],
        into_batam=False,
    )
    for trip in absences:
        leave_and_return(
            world, who, trip, permit_type="ITAP", permit_number=number, stay_until=term.end
        )
