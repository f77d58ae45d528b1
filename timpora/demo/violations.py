"""What the detection rules must find in the demo population, and what they must not.

The population of ``generate`` is clean: its facts agree with one another, so no rule of
``detection-rules.md`` has anything to say about it. This module plants, from a random stream
of its own, what goes wrong in Batam (DOMAIN.md), at a few to a few dozen cases per rule in the
default 6,000 persons, each case a realistic variant rather than one boundary: overstays of a
day to more than a year (mostly Singaporeans and Malaysians, some Myanmar workers waiting for
Singapore permits), visitors working in a company mess or named on an RPTKA, workers lent to
another company, lapsed RPTKA or unpaid DKPTKA, visa runs with a hop to Singapore or Johor,
lodgings that report late, a private landlord's house full of foreigners, one passport carried
by two identities, a fictitious sponsor, Disnaker and Immigration counting a company's workers
differently.

Beside them it plants clean traps, cases that look like a violation and are not: a visitor who
stays 29 days and leaves, a visa on arrival extended to 60 days, an ITAS resident no lodging
ever reports, a guest house reporting 23 hours after check-in, a renewed passport, weekend
visitors with many short trips, a company whose counts differ by one. (The watch-list namesakes
are planted with the watch lists, in ``watchlists.clean_traps``.)

Every case is written as exchange rows into the same ledger as the population, so that the
demo's importer, screens and rules see it as they would an agency's data. What was planted is
returned per rule and per trap kind, each subject named as ``bench/detect_eval.py`` matches
alerts to it: a person by nationality and passport number, a place by reporter id and address,
a company by its business id (NIB).

The number of persons each case adds is fixed by its variant (``VARIANTS``), so that
``generate`` can leave room for them and the population keeps the size asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from timpora.demo.identities import Name, Traveller, birth_date, new_traveller, weighted
from timpora.demo.known import Key
from timpora.demo.ledger import status_on
from timpora.demo.places import POSITIONS, WORKFORCE, Company, Place
from timpora.demo.residents import (
    EXTENDED_AHEAD_DAYS,
    RESIDENT_NATIONALITIES,
    Tenure,
    _permit,
    _settle,
)
from timpora.demo.travel import (
    BUSINESS_ZONES,
    HOTEL_ZONES,
    ROUTE_MIX,
    ROUTES,
    Route,
    Trip,
    World,
    leave_and_return,
    report_delay,
)
from timpora.demo.watchlists import _burmese, _myanmar_passport

RULES = (
    "OVERSTAY", "PERMIT_EXPIRING", "VISITOR_WORKING", "WORK_MISMATCH", "WORK_PERMIT_LAPSED",
    "UNREPORTED_STAY", "LATE_REPORT", "STAY_BEYOND_PERMIT", "NO_SKTT", "VISA_RUN",
    "ADDRESS_CLUSTER", "WATCHLIST_HIT", "DOCUMENT_CONFLICT", "SPONSOR_ANOMALY",
    "RECONCILIATION_GAP",
)  # fmt: skip
# The clean traps, by kind. ``watchlist_namesake`` is planted with the watch lists.
TRAPS = (
    "visitor_29_days", "voa_extended", "itas_without_reports", "hotel_23_hours",
    "watchlist_namesake", "renewed_passport", "weekend_commuter", "company_gap_of_one",
)  # fmt: skip

# Each rule's variants in turn (case i takes variant i modulo their number), with the number of
# persons a case of that variant adds to the registry. WATCHLIST_HIT is planted with the lists.
VARIANTS: dict[str, tuple[tuple[str, int], ...]] = {
    "OVERSTAY": (
        ("visa_free", 1), ("visa_free", 1), ("visa_on_arrival", 1), ("visa_free", 1),
        ("myanmar_worker", 1), ("visa_free", 1), ("family_itas", 1), ("visa_free", 1),
    ),
    "PERMIT_EXPIRING": (("worker", 1), ("worker", 1), ("spouse", 1), ("itap", 1)),
    "VISITOR_WORKING": (("mess", 1), ("rptka", 1), ("mess", 1), ("purpose", 1)),
    "WORK_MISMATCH": (("housed", 1), ("rptka", 1), ("housed", 1)),
    "WORK_PERMIT_LAPSED": (("unpaid", 1), ("expired", 1)),
    "UNREPORTED_STAY": (("first_visit", 1), ("first_visit", 1), ("returning", 1)),
    "LATE_REPORT": (("guest_house", 3), ("hotel", 1), ("mess", 1), ("landlord", 1)),
    "STAY_BEYOND_PERMIT": (("visa_free", 1), ("visa_free", 1), ("visa_on_arrival", 1)),
    "NO_SKTT": (("worker", 1), ("spouse", 1), ("worker", 1), ("old_sktt", 1)),
    "VISA_RUN": (("visa_free", 1), ("visa_free", 1), ("visa_on_arrival", 1)),
    "ADDRESS_CLUSTER": (("kontrakan", 7), ("group", 6), ("kontrakan", 9), ("group", 8)),
    "WATCHLIST_HIT": (),
    "DOCUMENT_CONFLICT": (("impostor", 2), ("typed_number", 3), ("typed_birth", 2)),
    "SPONSOR_ANOMALY": (("unregistered", 3), ("alerts", 6)),
    "RECONCILIATION_GAP": (("departed", 2), ("incoming", 4), ("departed", 3)),
}  # fmt: skip
TRAP_PERSONS = {
    "visitor_29_days": 1, "voa_extended": 1, "itas_without_reports": 1, "hotel_23_hours": 3,
    "watchlist_namesake": 0, "renewed_passport": 2, "weekend_commuter": 1,
    "company_gap_of_one": 1,
}  # fmt: skip
# How many cases of each rule per person of the population (and at least how many).
RATES: dict[str, tuple[int, int]] = {
    "OVERSTAY": (250, 3), "PERMIT_EXPIRING": (500, 2), "VISITOR_WORKING": (500, 3),
    "WORK_MISMATCH": (750, 2), "WORK_PERMIT_LAPSED": (600, 2), "UNREPORTED_STAY": (400, 3),
    "LATE_REPORT": (1000, 2), "STAY_BEYOND_PERMIT": (600, 2), "NO_SKTT": (600, 2),
    "VISA_RUN": (750, 2), "ADDRESS_CLUSTER": (2000, 1), "WATCHLIST_HIT": (1, 0),
    "DOCUMENT_CONFLICT": (1200, 1), "SPONSOR_ANOMALY": (2000, 2), "RECONCILIATION_GAP": (2000, 1),
}  # fmt: skip
TRAP_RATE = (2000, 2)

# The variants' figures, taken in turn.
OVERSTAY_DAYS = (3, 20, 75, 1, 400, 8, 45, 61, 150, 14, 30, 5)
EXPIRING_DAYS = (2, 11, 23, 6, 28, 17)
UNREPORTED_DAYS = (3, 9, 22, 5, 14, 27, 4, 17)
LATE_HOURS = (25, 49, 30, 72, 26, 100)
BEYOND_DAYS = (1, 4, 9, 2, 16, 33)
SKTT_ISSUED_DAYS = (15, 30, 19, 60, 120, 250, 45)
UNPAID_DAYS = (1, 35, 95, 12)
BVK_DAYS = 30
VOA_DAYS = 30
ITK_DAYS = 60
ASEAN_VISITORS = {"MYS": 0.4, "VNM": 0.3, "PHL": 0.3}
LONG_HAUL = {"CHN": 0.4, "IND": 0.4, "KOR": 0.2}
ASEAN = frozenset({"SGP", "MYS", "PHL", "VNM", "MMR"})


def counts_of(persons: int) -> tuple[dict[str, int], dict[str, int]]:
    """How many cases of each rule, and traps of each kind, ``persons`` people get."""
    rules = {code: max(least, round(persons / per)) for code, (per, least) in RATES.items()}
    rules["WATCHLIST_HIT"] = 0  # planted with the watch lists
    traps = {kind: max(TRAP_RATE[1], round(persons / TRAP_RATE[0])) for kind in TRAPS}
    traps["watchlist_namesake"] = 0
    return rules, traps


def persons_needed(rules: dict[str, int], traps: dict[str, int]) -> int:
    """The persons the planted cases add to the registry (``generate`` leaves room for them)."""
    total = 0
    for code, count in rules.items():
        variants = VARIANTS[code]
        total += sum(variants[i % len(variants)][1] for i in range(count)) if variants else 0
    return total + sum(TRAP_PERSONS[kind] * count for kind, count in traps.items())


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def person(who: Traveller) -> list[str]:
    return [who.nationality, who.passport_number]


def place(where: Place) -> list[str]:
    return [where.reporter_id, where.address]


@dataclass
class Visit:
    """A visit as planted: the arrival, the departure if it happened, the stay granted."""

    arrival: datetime
    departure: datetime | None
    route: Route
    stay_until: date
    permit_type: str
    number: str


class Planter:
    """Writes the planted cases into the population's ledger and records what it planted."""

    def __init__(self, world: World, companies: list[Company]) -> None:
        self.world = world
        self.rng = world.rng
        self.ledger = world.ledger
        self.places = world.places
        self.today = world.today
        self.companies = list(companies)
        self.rules: dict[str, list[dict[str, Any]]] = {code: [] for code in RULES}
        self.clean: dict[str, list[dict[str, Any]]] = {kind: [] for kind in TRAPS}
        self.keys: set[Key] = set()
        self.persons = 0
        # Per company (NIB): work permits valid today minus E23 permits valid today, as the
        # planted cases change them; and the companies a case has used that way.
        self.gap: Counter[str] = Counter()
        self.reserved: set[str] = set()
        # The sponsors of WORK_MISMATCH's workers, one case each: a company with several such
        # holders among few permits would read as a SPONSOR_ANOMALY.
        self.mismatch_sponsors: set[str] = set()

    # --- Days and people -------------------------------------------------------------------

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def traveller(
        self, nationality: str, *, ages: tuple[int, int] = (22, 60), male_share: float = 0.6
    ) -> Traveller:
        rng = self.rng
        if nationality == "MMR":
            sex = "M" if rng.random() < male_share else "F"
            full_name, original = _burmese(rng, sex)
            who = Traveller(
                name=Name(full_name, given_names=full_name, name_original=original),
                sex=sex,
                date_of_birth=birth_date(rng, self.today, ages[0], ages[1], nationality),
                place_of_birth="",
                nationality=nationality,
                passport_number=_myanmar_passport(rng, self.world.passports),
                passport_expiry=self.today + timedelta(days=rng.randint(200, 3600)),
            )
        else:
            _, who = new_traveller(
                rng, self.world.passports, self.today, nationality, male_share=male_share, ages=ages
            )
        self.persons += 1
        self.keys.add((who.nationality, who.passport_number))
        return who

    def visitor(self, options: dict[str, float]) -> Traveller:
        return self.traveller(weighted(self.rng, options))

    @staticmethod
    def visa(nationality: str) -> str:
        return "BVK" if nationality in ASEAN else "VOA"

    def routes(self, who: Traveller) -> dict[str, float]:
        return ROUTE_MIX.get(who.nationality, ROUTE_MIX["LONG_HAUL"])

    # --- Companies -------------------------------------------------------------------------

    def company(self, *, neutral: bool = False, exclude: frozenset[str] = frozenset()) -> Company:
        """A company of the population (the larger more often); ``neutral``: one whose worker
        counts no case has changed yet. A new company when none is left."""
        candidates = [
            c
            for c in self.companies
            if c.company_id not in exclude
            and (not neutral or (c.company_id not in self.reserved and not self.gap[c.company_id]))
        ]
        if not candidates:
            fresh = self.places.add_company()
            self.ledger.company(fresh)
            self.companies.append(fresh)
            return fresh
        return self.rng.choices(candidates, weights=[c.size for c in candidates])[0]

    def counts_change(self, company: Company, change: int) -> None:
        """A case changes the company's count of work permits (+) or E23 permits (-)."""
        self.gap[company.company_id] += change
        self.reserved.add(company.company_id)

    # --- Visits ----------------------------------------------------------------------------

    def arrive(
        self,
        who: Traveller,
        day: date,
        *,
        permit_type: str,
        days: int | None = None,
        number: str = "",
        route: Route | None = None,
        hours: range = range(8, 21),
    ) -> tuple[datetime, Route, date]:
        rng = self.rng
        route = route or ROUTES[weighted(rng, self.routes(who))]
        at, carrier = route.arrival(rng, day, hours)
        granted = days or {"BVK": BVK_DAYS, "VOA": VOA_DAYS, "ITK": ITK_DAYS}[permit_type]
        stay_until = day + timedelta(days=granted - 1)
        self.ledger.crossing(
            who,
            "ARRIVAL",
            route.checkpoint,
            at,
            carrier=carrier,
            port=route.port,
            permit_type=permit_type,
            permit_number=number,
            stay_until=stay_until,
        )
        return at, route, stay_until

    def depart(
        self,
        who: Traveller,
        day: date,
        after: datetime,
        route: Route,
        hours: range = range(8, 21),
    ) -> datetime:
        """The departure on ``day``, at least three hours after ``after`` (by ferry if the
        flight leaves too early)."""
        rng = self.rng
        if day >= self.today:
            raise ValueError("a planted departure must lie before today")
        at, carrier = route.departure(rng, day, hours)
        if at < after + timedelta(hours=3):
            route = route if not route.flights_out else ROUTES["SGHFC-BC"]
            earliest = max(after + timedelta(hours=3), datetime.combine(day, time(8)))
            if earliest.date() != day or earliest.hour > 20:
                raise ValueError("no departure left that day")
            at, carrier = route.departure(rng, day, range(earliest.hour + 1, 22))
        self.ledger.crossing(
            who, "DEPARTURE", route.checkpoint, at, carrier=carrier, port=route.port
        )
        return at

    def visit(
        self,
        who: Traveller,
        arrived: date,
        left: date | None,
        *,
        permit_type: str | None = None,
        extended_to: date | None = None,
        sponsor: Company | None = None,
        purpose: str = "TOURISM",
        domicile: Place | None = None,
        not_before: datetime | None = None,
        leave_early: bool = False,
    ) -> Visit:
        """An arrival, a departure unless ``left`` is None, and the visit permit if any.

        A day trip comes by ferry in the morning; ``not_before`` (a departure earlier that day)
        brings the arrival by a ferry hours later; ``leave_early`` takes a morning ferry out.
        """
        permit_type = permit_type or self.visa(who.nationality)
        number = ""
        if permit_type in ("VOA", "ITK"):
            number = self.ledger.permit_number(permit_type, arrived)
        route, hours = None, range(8, 21)
        ferries = {"SGHFC-HB": 0.5, "SGHFC-BC": 0.3, "SGTMFT-BC": 0.2}
        if left is not None and left == arrived:
            route, hours = ROUTES[weighted(self.rng, ferries)], range(8, 11)
        if not_before is not None and not_before.date() == arrived:
            route, hours = ROUTES[weighted(self.rng, ferries)], range(not_before.hour + 3, 21)
        at, route, stay_until = self.arrive(
            who, arrived, permit_type=permit_type, number=number, route=route, hours=hours
        )
        departure = None
        if left is not None:
            if leave_early and not route.flights_out:
                departure = self.depart(who, left, at, route, range(8, 11))
            elif leave_early:
                departure = self.depart(who, left, at, ROUTES["SGHFC-BC"], range(8, 11))
            else:
                departure = self.depart(who, left, at, route)
        if number:
            valid_until = extended_to or stay_until
            self.ledger.stay_permit(
                who,
                permit_number=number,
                permit_type=permit_type,
                visa_index="C2" if permit_type == "ITK" else "B1",
                status=status_on(self.today, valid_until, extended_to is not None),
                issued_on=arrived,
                valid_from=arrived,
                valid_until=valid_until,
                extended_from=stay_until if extended_to else None,
                sponsor_type="COMPANY" if sponsor else "NONE",
                sponsor_id=sponsor.company_id if sponsor else "",
                sponsor_name=sponsor.name if sponsor else "",
                purpose=purpose,
                **(domicile.domicile() if domicile else {}),
            )
        return Visit(at, departure, route, stay_until, permit_type, number)

    def lodge(
        self,
        who: Traveller,
        visit: Visit,
        where: Place,
        *,
        purpose: str = "TOURISM",
        check_in: datetime | None = None,
        check_out: datetime | None = None,
        open_ended: bool = False,
        delay: timedelta | None = None,
    ) -> None:
        """The residence report of (part of) a visit: from soon after the arrival to shortly
        before the departure unless told otherwise; open while the guest is there."""
        rng = self.rng
        check_in = check_in or visit.arrival + timedelta(minutes=rng.randint(30, 150))
        if check_out is None and visit.departure is not None and not open_ended:
            check_out = visit.departure - timedelta(minutes=rng.randint(60, 240))
        self.ledger.stay(
            who,
            where,
            check_in,
            check_out=check_out,
            reported_after=delay if delay is not None else report_delay(rng),
            permit_type=visit.permit_type,
            permit_number=visit.number,
            purpose=purpose,
        )

    def hotel(self, zones: dict[str, float] | None = None, visit: Visit | None = None) -> Place:
        if zones is None:
            checkpoint = visit.route.checkpoint if visit else "BTM-HB"
            zones = HOTEL_ZONES[checkpoint]
        return self.places.hotel_in(self.rng, zones)

    # --- Residents -------------------------------------------------------------------------

    def worker(
        self,
        company: Company,
        *,
        start: date,
        end: date,
        first_end: date | None = None,
        home: Place | None = None,
        employer: Company | None = None,
        rptka_until: date | None = None,
        rptka_status: str | None = None,
        paid_until: date | None = None,
        work_permit: bool = True,
        left_on: date | None = None,
        cancelled: bool = False,
        sktt: bool = True,
        report: bool = True,
        reported_after: timedelta | None = None,
    ) -> Traveller:
        """A worker with ITAS E23 sponsored by ``company``, the RPTKA of ``employer`` (the same
        company unless told), the SKTT and the mess's report unless told otherwise."""
        rng, ledger = self.rng, self.ledger
        who = self.traveller(
            weighted(rng, WORKFORCE[company.origin]), ages=(24, 58), male_share=0.88
        )
        term = Tenure(
            start, first_end or end, end, first_end is not None, left_on, cancelled=cancelled
        )
        home = home or company.mess
        number = ledger.permit_number("ITAS", start)
        _permit(
            self.world,
            who,
            term,
            home,
            permit_type="ITAS",
            visa_index="E23",
            number=number,
            sponsor=company,
            purpose="WORK",
        )
        if work_permit:
            self.rptka(
                who,
                employer or company,
                valid_from=start - timedelta(days=rng.randint(10, 45)),
                valid_until=rptka_until or end,
                status=rptka_status,
                paid_until=paid_until,
            )
        _settle(
            self.world,
            who,
            term,
            home,
            permit_type="ITAS",
            number=number,
            purpose="WORK",
            routes=ROUTE_MIX["WORKER"],
            sktt=sktt,
            report=report,
            reported_after=reported_after,
        )
        return who

    def rptka(
        self,
        who: Traveller,
        employer: Company,
        *,
        valid_from: date,
        valid_until: date,
        status: str | None = None,
        paid_until: date | None = None,
    ) -> None:
        self.ledger.work_permit(
            who,
            employer,
            rptka_number=self.ledger.rptka_number(employer, valid_from),
            position=self.rng.choice(POSITIONS[employer.sector]),
            valid_from=valid_from,
            valid_until=valid_until,
            status=status or status_on(self.today, valid_until),
            dkptka_paid_until=paid_until or valid_until,
        )

    def spouse(
        self, *, start: date, end: date, sktt: bool = True, report: bool = True
    ) -> Traveller:
        """A foreigner married to an Indonesian, on ITAS E31 sponsored by the spouse."""
        rng = self.rng
        who = self.traveller(weighted(rng, RESIDENT_NATIONALITIES), ages=(25, 60), male_share=0.5)
        home = self.places.add_host(self.today)
        term = Tenure(start, end, end)
        number = self.ledger.permit_number("ITAS", start)
        _permit(
            self.world,
            who,
            term,
            home,
            permit_type="ITAS",
            visa_index="E31",
            number=number,
            sponsor=home,
            purpose="FAMILY",
        )
        _settle(
            self.world,
            who,
            term,
            home,
            permit_type="ITAS",
            number=number,
            purpose="FAMILY",
            routes=ROUTE_MIX["RESIDENT"],
            sktt=sktt,
            report=report,
        )
        return who

    def term_end(self, start: date) -> tuple[date, date | None]:
        """The end of an ITAS begun on ``start`` (one or two years), extended by a year when
        its first term would end within the notice period: (end, end of the first term)."""
        first_end = start + timedelta(days=365 * (2 if self.rng.random() < 0.3 else 1) - 1)
        ahead = self.today + timedelta(days=EXTENDED_AHEAD_DAYS)
        if first_end < ahead:
            end = first_end + timedelta(days=365)
            return (end if end >= ahead else end + timedelta(days=365)), first_end
        return first_end, None

    # --- Recording -------------------------------------------------------------------------

    def planted(self, code: str, case: str, **subject: Any) -> None:
        self.rules[code].append({"case": case, **subject})

    def trap(self, kind: str, case: str, **subject: Any) -> None:
        self.clean[kind].append({"case": case, **subject})

    # --- The rules -------------------------------------------------------------------------

    def overstay(self, index: int, variant: str) -> None:
        """Still here after the stay granted ended: a day to more than a year."""
        rng = self.rng
        over = OVERSTAY_DAYS[index % len(OVERSTAY_DAYS)]
        until = self.ago(over)
        if variant == "family_itas":
            start = until - timedelta(days=364)
            who = self.spouse(start=start, end=until)
        else:
            if variant == "myanmar_worker":
                who = self.traveller("MMR", ages=(20, 40), male_share=0.85)
            elif variant == "visa_on_arrival":
                who = self.visitor(LONG_HAUL)
            else:
                who = self.traveller("SGP" if rng.random() < 0.45 else "MYS")
            visit = self.visit(who, until - timedelta(days=29), None)
            # A few weeks over: still at the hotel; longer: a room let by a landlord.
            where = self.hotel(visit=visit) if over <= 20 else self.places.add_host(self.today)
            self.lodge(who, visit, where)
        self.planted("OVERSTAY", f"{variant}, {_days(over)} over", person=person(who))

    def permit_expiring(self, index: int, variant: str) -> None:
        """An ITAS or ITAP ending within the notice period, with no later permit."""
        days = EXPIRING_DAYS[index % len(EXPIRING_DAYS)]
        end = self.today + timedelta(days=days)
        if variant == "worker":
            company = self.company()
            who = self.worker(company, start=end - timedelta(days=364), end=end)
        elif variant == "spouse":
            who = self.spouse(start=end - timedelta(days=364), end=end)
        else:
            who = self.itap(start=end - timedelta(days=5 * 365 - 1), end=end)
        self.planted("PERMIT_EXPIRING", f"{variant}, ends in {_days(days)}", person=person(who))

    def itap(self, *, start: date, end: date) -> Traveller:
        """A permanent resident (ITAP) married to an Indonesian, with a KTP-el."""
        rng, ledger = self.rng, self.ledger
        who = self.traveller(weighted(rng, RESIDENT_NATIONALITIES), ages=(35, 75), male_share=0.55)
        home = self.places.add_host(self.today)
        number = ledger.permit_number("ITAP", start)
        _permit(
            self.world,
            who,
            Tenure(start, end, end),
            home,
            permit_type="ITAP",
            visa_index="",
            number=number,
            sponsor=home,
            purpose="FAMILY",
        )
        born = date.fromisoformat((who.date_of_birth + "-01-01")[:10])
        ledger.registration(
            who,
            home,
            registration_number=self.places.nik(home.kecamatan, born, who.sex),
            registration_type="KTP_EL",
            issued_on=start + timedelta(days=rng.randint(7, 60)),
            valid_until=end,
        )
        moved_in = datetime.combine(start - timedelta(days=rng.randint(0, 400)), time(10))
        ledger.stay(
            who,
            home,
            moved_in + timedelta(minutes=rng.randint(0, 6 * 60)),
            check_out=None,
            reported_after=report_delay(rng),
            permit_type="ITAP",
            permit_number=number,
            purpose="FAMILY",
        )
        route = ROUTES[weighted(rng, ROUTE_MIX["RESIDENT"])]
        out, carrier_out = route.departure(rng, self.ago(rng.randint(40, 120)))
        back, carrier_back = route.arrival(rng, out.date() + timedelta(days=rng.randint(2, 6)))
        trip = Trip(out, back, route, route, carrier_out, carrier_back)
        leave_and_return(
            self.world, who, trip, permit_type="ITAP", permit_number=number, stay_until=end
        )
        return who

    def visitor_working(self, index: int, variant: str) -> None:
        """A visitor housed in a company mess, named on an RPTKA, or reported as working."""
        rng = self.rng
        if variant == "rptka":
            who = self.visitor(LONG_HAUL)
        else:
            who = self.visitor({**ASEAN_VISITORS, **LONG_HAUL})
        arrived = self.ago(rng.randint(4, 25))
        visit = self.visit(who, arrived, None, purpose="BUSINESS")
        if variant == "mess":
            company = self.company()
            self.lodge(who, visit, company.mess, purpose="WORK")
            case = f"{visit.permit_type} visitor housed in the mess of {company.company_id}"
        elif variant == "rptka":
            company = self.company(neutral=True)
            self.lodge(who, visit, self.hotel(BUSINESS_ZONES), purpose="BUSINESS")
            start = self.ago(rng.randint(20, 60))
            self.rptka(who, company, valid_from=start, valid_until=start + timedelta(days=364))
            self.counts_change(company, +1)
            case = f"{visit.permit_type} visitor named on an RPTKA of {company.company_id}"
        else:
            self.lodge(who, visit, self.hotel(visit=visit), purpose="WORK")
            case = f"{visit.permit_type} visitor reported by the hotel as working"
        self.planted("VISITOR_WORKING", case, person=person(who))

    def work_mismatch(self, index: int, variant: str) -> None:
        """An E23 worker of one company housed by, or working for, another."""
        rng = self.rng
        sponsor = self.company(
            neutral=variant == "rptka", exclude=frozenset(self.mismatch_sponsors)
        )
        self.mismatch_sponsors.add(sponsor.company_id)
        start = self.ago(rng.randint(60, 500))
        end, first_end = self.term_end(start)
        other = self.company(neutral=variant == "rptka", exclude=frozenset({sponsor.company_id}))
        if variant == "housed":
            who = self.worker(sponsor, start=start, end=end, first_end=first_end)
            moved = datetime.combine(self.ago(rng.randint(2, 25)), time(9)) + timedelta(
                minutes=rng.randint(0, 600)
            )
            self.ledger.stay(
                who,
                other.mess,
                moved,
                check_out=None,
                reported_after=report_delay(rng),
                permit_type="ITAS",
                purpose="WORK",
            )
            case = f"E23 of {sponsor.company_id} housed in the mess of {other.company_id}"
        else:
            home = self.hotel(BUSINESS_ZONES)
            who = self.worker(
                sponsor, start=start, end=end, first_end=first_end, home=home, employer=other
            )
            self.counts_change(sponsor, -1)
            self.counts_change(other, +1)
            case = f"E23 of {sponsor.company_id}, RPTKA of {other.company_id}"
        self.planted("WORK_MISMATCH", case, person=person(who))

    def work_permit_lapsed(self, index: int, variant: str) -> None:
        """An E23 worker whose DKPTKA is unpaid, or whose RPTKA ended while the ITAS runs."""
        rng = self.rng
        if variant == "unpaid":
            company = self.company()
            days = UNPAID_DAYS[index // 2 % len(UNPAID_DAYS)]
            start = self.ago(rng.randint(100, 600))
            end, first_end = self.term_end(start)
            who = self.worker(
                company, start=start, end=end, first_end=first_end, paid_until=self.ago(days)
            )
            case = f"DKPTKA paid until {_days(days)} ago"
        else:
            company = self.company(neutral=True)
            first_end = self.ago(rng.randint(5, 120))
            start = first_end - timedelta(days=364)
            who = self.worker(
                company,
                start=start,
                end=first_end + timedelta(days=365),
                first_end=first_end,
                rptka_until=first_end,
            )
            self.counts_change(company, -1)
            case = f"RPTKA ended {_days((self.today - first_end).days)} ago, ITAS extended"
        self.planted("WORK_PERMIT_LAPSED", case, person=person(who))

    def unreported_stay(self, index: int, variant: str) -> None:
        """A visitor here for days that no lodging has reported."""
        rng = self.rng
        days = UNREPORTED_DAYS[index % len(UNREPORTED_DAYS)]
        who = self.visitor({"SGP": 0.3, "MYS": 0.3, "CHN": 0.15, "IND": 0.15, "VNM": 0.1})
        if variant == "returning":  # reported on an earlier visit, not on this one
            before = self.ago(rng.randint(60, 200))
            earlier = self.visit(who, before, before + timedelta(days=rng.randint(1, 5)))
            self.lodge(who, earlier, self.hotel(visit=earlier))
        self.visit(who, self.ago(days), None)
        self.planted("UNREPORTED_STAY", f"{variant}, arrived {_days(days)} ago", person=person(who))

    def late_report(self, index: int, variant: str) -> None:
        """A reporter who reported a guest more than a day after check-in, lately."""
        rng = self.rng
        hours = LATE_HOURS[index % len(LATE_HOURS)]
        late = timedelta(hours=hours, minutes=rng.randint(1, 50))
        if variant == "mess":
            company = self.company()
            start = self.ago(rng.randint(12, 25))
            end = start + timedelta(days=364)
            self.worker(company, start=start, end=end, reported_after=late)
            where = company.mess
        else:
            if variant == "guest_house":
                where = self.places.add_hotel()
                guests = 3
            elif variant == "hotel":
                where = self.hotel({"Nagoya": 0.5, "Batam Centre": 0.5})
                guests = 1
            else:
                where = self.places.add_host(self.today)
                guests = 1
            for guest in range(guests):
                who = self.visitor({"SGP": 0.4, "MYS": 0.4, "IND": 0.1, "CHN": 0.1})
                arrived = self.ago(rng.randint(6, 25))
                nights = rng.randint(1, 12 if variant == "landlord" else 4)
                left = arrived + timedelta(days=nights)
                visit = self.visit(who, arrived, left if left < self.today else None)
                delay = late if guest == guests - 1 else None
                self.lodge(who, visit, where, delay=delay)
        self.planted(
            "LATE_REPORT", f"{variant}, one report {hours} hours after check-in", place=place(where)
        )

    def stay_beyond_permit(self, index: int, variant: str) -> None:
        """A stay checked out days after the stay granted had ended (the guest has left)."""
        rng = self.rng
        beyond = BEYOND_DAYS[index % len(BEYOND_DAYS)]
        if variant == "visa_on_arrival":
            who = self.visitor(LONG_HAUL)
        else:
            who = self.traveller("SGP" if rng.random() < 0.5 else "MYS")
        left = self.ago(rng.randint(2, 150))
        arrived = left - timedelta(days=29 + beyond)
        visit = self.visit(who, arrived, left)
        self.lodge(who, visit, self.hotel(visit=visit))
        self.planted(
            "STAY_BEYOND_PERMIT", f"{variant}, checked out {_days(beyond)} late", person=person(who)
        )

    def no_sktt(self, index: int, variant: str) -> None:
        """An ITAS holder with no SKTT since the permit began, more than 14 days ago."""
        days = SKTT_ISSUED_DAYS[index % len(SKTT_ISSUED_DAYS)]
        start = self.ago(days)
        end, first_end = self.term_end(start)
        if variant == "spouse":
            who = self.spouse(start=start, end=end, sktt=False)
        elif variant == "worker":
            who = self.worker(self.company(), start=start, end=end, first_end=first_end, sktt=False)
        else:  # an SKTT of the permit before, none for this one
            who = self.renewed_itas(self.company(), start=start, end=end)
        self.planted("NO_SKTT", f"{variant}, ITAS issued {_days(days)} ago", person=person(who))

    def renewed_itas(self, company: Company, *, start: date, end: date) -> Traveller:
        """A worker whose earlier ITAS had its SKTT, and who came back on a new one."""
        rng, ledger = self.rng, self.ledger
        who = self.traveller(
            weighted(rng, WORKFORCE[company.origin]), ages=(24, 58), male_share=0.88
        )
        first = start - timedelta(days=365)
        old = Tenure(first, start - timedelta(days=1), start - timedelta(days=1))
        old_number = ledger.permit_number("ITAS", first)
        _permit(
            self.world,
            who,
            old,
            company.mess,
            permit_type="ITAS",
            visa_index="E23",
            number=old_number,
            sponsor=company,
            purpose="WORK",
        )
        self.rptka(
            who, company, valid_from=first - timedelta(days=rng.randint(10, 45)), valid_until=end
        )
        route = ROUTES[weighted(rng, ROUTE_MIX["WORKER"])]
        at, _, _ = self.arrive(
            who,
            first,
            permit_type="ITAS",
            days=(old.end - first).days + 1,
            number=old_number,
            route=route,
        )
        ledger.registration(
            who,
            company.mess,
            registration_number=ledger.sktt_number(first + timedelta(days=5)),
            registration_type="SKTT",
            issued_on=first + timedelta(days=5),
            valid_until=old.end,
        )
        ledger.stay(
            who,
            company.mess,
            at + timedelta(hours=3),
            check_out=None,
            reported_after=report_delay(rng),
            permit_type="ITAS",
            permit_number=old_number,
            purpose="WORK",
        )
        self.depart(who, start - timedelta(days=3), at, route)
        term = Tenure(start, end, end)
        number = ledger.permit_number("ITAS", start)
        _permit(
            self.world,
            who,
            term,
            company.mess,
            permit_type="ITAS",
            visa_index="E23",
            number=number,
            sponsor=company,
            purpose="WORK",
        )
        _settle(
            self.world,
            who,
            term,
            company.mess,
            permit_type="ITAS",
            number=number,
            purpose="WORK",
            routes=ROUTE_MIX["WORKER"],
            sktt=False,
            report=False,
        )
        return who

    def visa_run(self, index: int, variant: str) -> None:
        """Three to five 25-to-29-day visits with a hop abroad of at most three days."""
        rng = self.rng
        count = (3, 4, 3, 5)[index % 4]
        if variant == "visa_on_arrival":
            who = self.visitor(LONG_HAUL)
        else:
            who = self.traveller("MYS" if rng.random() < 0.5 else "SGP")
        while True:
            ongoing = rng.random() < 0.3
            lengths = [rng.randint(25, 29) for _ in range(count)]
            gaps = [rng.randint(0, 3) for _ in range(count - 1)]
            last = self.ago(lengths[-1] + (0 if ongoing else rng.randint(1, 25)))
            first = last - timedelta(days=sum(lengths[:-1]) + sum(gaps))
            if first >= self.ago(175):
                break
        arrived, after = first, None
        for number, length in enumerate(lengths):
            final = number == count - 1
            left = None if final and ongoing else arrived + timedelta(days=length)
            hop = 0 if final else gaps[number]
            visit = self.visit(
                who, arrived, left, not_before=after, leave_early=not final and hop == 0
            )
            self.lodge(who, visit, self.hotel(visit=visit))
            if left is not None:
                arrived, after = left + timedelta(days=hop), visit.departure
        self.planted(
            "VISA_RUN",
            f"{variant}, {count} visits" + (", the last still going" if ongoing else ""),
            person=person(who),
        )

    def address_cluster(self, index: int, variant: str) -> None:
        """A private landlord's house where six or more foreigners stay at once."""
        rng = self.rng
        size = VARIANTS["ADDRESS_CLUSTER"][index % len(VARIANTS["ADDRESS_CLUSTER"])][1]
        host = self.places.add_host(self.today)
        if variant == "kontrakan":  # a subcontractor's workers in a rented house
            company = self.company()
            for _ in range(size):
                start = self.ago(rng.randint(25, 400))
                end, first_end = self.term_end(start)
                self.worker(company, start=start, end=end, first_end=first_end, home=host)
            case = f"{size} workers of {company.company_id} in one rented house"
        else:  # a group of visitors in a rented house, together on one day
            nationality = weighted(rng, {"VNM": 0.4, "CHN": 0.3, "MYS": 0.3})
            day = self.ago(rng.randint(8, 20))
            for _ in range(size):
                who = self.traveller(nationality)
                left = day + timedelta(days=rng.randint(1, 9))
                visit = self.visit(
                    who,
                    day - timedelta(days=rng.randint(0, 3)),
                    left if left < self.today else None,
                )
                self.lodge(who, visit, host, purpose="TOURISM")
            case = f"{size} {nationality} visitors in one rented house"
        self.planted("ADDRESS_CLUSTER", case, place=place(host))

    def document_conflict(self, index: int, variant: str) -> None:
        """One passport number with two identities."""
        rng = self.rng
        nationality = weighted(rng, {"SGP": 0.3, "MYS": 0.3, "CHN": 0.2, "IND": 0.2})
        holder = self.traveller(nationality)
        arrived = self.ago(rng.randint(120, 300))
        visit = self.visit(holder, arrived, arrived + timedelta(days=rng.randint(1, 5)))
        self.lodge(holder, visit, self.hotel(visit=visit))
        if variant == "impostor":  # someone else travelling on the holder's passport
            other = self.traveller(nationality)
            self.keys.discard((other.nationality, other.passport_number))
            impostor = replace(
                other,
                passport_number=holder.passport_number,
                passport_expiry=holder.passport_expiry,
                date_of_birth=self.other_birth(holder.date_of_birth),
            )
            arrived = self.ago(rng.randint(20, 100))
            visit = self.visit(impostor, arrived, arrived + timedelta(days=rng.randint(1, 4)))
            self.lodge(impostor, visit, self.hotel(visit=visit))
            case = "another identity on the same passport"
        elif variant == "typed_number":  # a hotel typed the holder's number on another guest
            other = self.traveller(nationality)
            arrived = self.ago(rng.randint(20, 100))
            visit = self.visit(other, arrived, arrived + timedelta(days=rng.randint(1, 4)))
            typed = replace(other, passport_number=holder.passport_number)
            self.persons += 1  # the report makes a third person, the guest under that number
            self.lodge(typed, visit, self.hotel(visit=visit))
            case = "a guest reported under the passport number of another"
        else:  # a hotel typed the day of check-in as the date of birth
            arrived = self.ago(rng.randint(20, 100))
            visit = self.visit(holder, arrived, arrived + timedelta(days=rng.randint(1, 4)))
            typed = replace(holder, date_of_birth=arrived.isoformat())
            self.persons += 1  # the report makes a second person of the holder
            self.lodge(typed, visit, self.hotel(visit=visit))
            case = "the check-in day typed as the date of birth"
        self.planted("DOCUMENT_CONFLICT", case, person=person(holder))

    def other_birth(self, *births: str) -> str:
        """A full date of birth more than two years from each of ``births``."""
        rng = self.rng
        years = {int(b[:4]) for b in births}
        while True:
            born = date(rng.randint(1955, 2004), rng.randint(1, 12), rng.randint(1, 28))
            if all(abs(born.year - year) > 2 for year in years):
                return born.isoformat()

    def sponsor_anomaly(self, index: int, variant: str) -> None:
        """A sponsor unknown to the company registry, or one whose visitors mostly work."""
        rng = self.rng
        sponsor = self.places.add_company()
        if variant == "unregistered":
            for number in range(3):
                who = self.visitor(LONG_HAUL)
                arrived = self.ago(rng.randint(3, 45))
                left = None if number == 0 else arrived + timedelta(days=rng.randint(2, 12))
                hotel = self.hotel(BUSINESS_ZONES)
                visit = self.visit(
                    who,
                    arrived,
                    left if left is None or left < self.today else None,
                    permit_type="ITK",
                    sponsor=sponsor,
                    purpose="BUSINESS",
                    domicile=hotel,
                )
                self.lodge(who, visit, hotel, purpose="BUSINESS")
            case = "sponsor of three visit permits, not in the company registry"
        else:
            self.ledger.company(sponsor)
            working = 4
            for number in range(6):
                who = self.visitor({**ASEAN_VISITORS, **LONG_HAUL})
                arrived = self.ago(rng.randint(5, 30))
                where = sponsor.mess if number < working else self.hotel(BUSINESS_ZONES)
                visit = self.visit(
                    who,
                    arrived,
                    None,
                    permit_type="ITK",
                    sponsor=sponsor,
                    purpose="BUSINESS",
                    domicile=where,
                )
                self.lodge(who, visit, where, purpose="WORK" if number < working else "BUSINESS")
                if number < working:
                    self.planted(
                        "VISITOR_WORKING",
                        f"ITK visitor sponsored and housed by {sponsor.company_id}",
                        person=person(who),
                    )
            case = "sponsor of six visit permits, four of them housed in its mess"
        self.planted("SPONSOR_ANOMALY", case, company=sponsor.company_id)

    def reconciliation_gap(self, index: int, variant: str) -> None:
        """A company with more valid work permits than E23 permits (by two or more)."""
        size = VARIANTS["RECONCILIATION_GAP"][index % len(VARIANTS["RECONCILIATION_GAP"])][1]
        company = self.company(neutral=True)
        if variant == "departed":  # left with an exit permit; Disnaker was not told
            for _ in range(size):
                self.departed_worker(company)
            case = f"{size} workers left, their RPTKA still active"
        else:  # RPTKA approved, the ITAS not granted yet
            for _ in range(size):
                self.incoming_worker(company)
            case = f"{size} workers approved by RPTKA, not arrived yet"
        self.counts_change(company, +size)
        self.planted("RECONCILIATION_GAP", case, company=company.company_id)

    def departed_worker(self, company: Company) -> Traveller:
        rng = self.rng
        start = self.ago(rng.randint(200, 500))
        end = start + timedelta(days=729)
        return self.worker(
            company,
            start=start,
            end=end,
            left_on=self.ago(rng.randint(10, 80)),
            cancelled=True,
            rptka_status="ACTIVE",
        )

    def incoming_worker(self, company: Company) -> Traveller:
        rng = self.rng
        who = self.traveller(
            weighted(rng, WORKFORCE[company.origin]), ages=(24, 58), male_share=0.88
        )
        start = self.ago(rng.randint(3, 40))
        self.rptka(who, company, valid_from=start, valid_until=start + timedelta(days=364))
        return who

    # --- The clean traps -------------------------------------------------------------------

    def visitor_29_days(self, index: int) -> None:
        rng = self.rng
        who = self.traveller("SGP" if index % 2 else "MYS")
        arrived = self.ago(rng.randint(32, 150))
        visit = self.visit(who, arrived, arrived + timedelta(days=29))
        self.lodge(who, visit, self.hotel(visit=visit))
        self.trap("visitor_29_days", "visa-free, 29 days, left on the last day", person=person(who))

    def voa_extended(self, index: int) -> None:
        rng = self.rng
        who = self.visitor({"IND": 0.4, "CHN": 0.3, "KOR": 0.2, "JPN": 0.1})
        if index % 2 == 0:  # still here on the extension
            arrived = self.ago(rng.randint(35, 55))
            left = None
        else:
            arrived = self.ago(rng.randint(70, 200))
            left = arrived + timedelta(days=rng.randint(50, 59))
        extended_to = arrived + timedelta(days=2 * VOA_DAYS - 1)
        first = self.hotel(BUSINESS_ZONES)
        visit = self.visit(who, arrived, left, extended_to=extended_to, domicile=first)
        moved = visit.arrival + timedelta(days=33, hours=2)  # after the first 30 days
        self.lodge(who, visit, first, check_out=moved)
        self.lodge(who, visit, self.hotel(visit=visit), check_in=moved + timedelta(hours=2))
        case = "VOA extended to 60 days" + (", still here" if left is None else ", left")
        self.trap("voa_extended", case, person=person(who))

    def itas_without_reports(self, index: int) -> None:
        rng = self.rng
        start = self.ago(rng.randint(30, 500))
        end, first_end = self.term_end(start)
        if index % 2 == 0:
            who = self.spouse(start=start, end=end, report=False)
            case = "E31 spouse of a citizen, living at home"
        else:
            who = self.worker(
                self.company(), start=start, end=end, first_end=first_end, report=False
            )
            case = "E23 worker in a house of his own"
        self.trap("itas_without_reports", case, person=person(who))

    def hotel_23_hours(self, index: int) -> None:
        rng = self.rng
        where = self.places.add_hotel()
        for guest in range(TRAP_PERSONS["hotel_23_hours"]):
            who = self.visitor({"SGP": 0.5, "MYS": 0.5})
            arrived = self.ago(rng.randint(4, 25))
            visit = self.visit(who, arrived, arrived + timedelta(days=rng.randint(1, 3)))
            minutes = (23 * 60, 23 * 60 + 59, 23 * 60 + 30)[guest % 3]
            self.lodge(who, visit, where, delay=timedelta(minutes=minutes))
        self.trap(
            "hotel_23_hours", "every report 23 to 24 hours after check-in", place=place(where)
        )

    def renewed_passport(self, index: int) -> None:
        rng = self.rng
        old = self.traveller("SGP" if index % 2 == 0 else "MYS")
        renewed_on = self.ago(rng.randint(150, 200))
        old = replace(old, passport_expiry=renewed_on + timedelta(days=rng.randint(100, 180)))
        new = replace(
            old,
            passport_number=self.world.passports.number(old.nationality),
            passport_expiry=renewed_on + timedelta(days=10 * 365),
        )
        self.persons += 1
        self.keys.add((new.nationality, new.passport_number))
        for who, first, last in ((old, 360, 210), (new, 140, 5)):
            day = self.ago(first)
            while day < self.ago(last):
                left = day + timedelta(days=rng.randint(1, 3))
                visit = self.visit(who, day, left)
                self.lodge(who, visit, self.hotel(visit=visit))
                day = left + timedelta(days=rng.randint(20, 60))
        self.trap("renewed_passport", "old passport", person=person(old))
        self.trap("renewed_passport", "new passport", person=person(new))

    def weekend_commuter(self, index: int) -> None:
        rng = self.rng
        who = self.traveller("SGP" if index % 2 == 0 else "MYS")
        favourite: Place | None = None
        day = self.ago(rng.randint(170, 178))
        trips = 0
        while True:
            nights = rng.choice((0, 1, 1, 2, 2, 3))
            left = day + timedelta(days=nights)
            if left >= self.ago(1):
                break
            visit = self.visit(who, day, left)
            if nights:
                if favourite is None or rng.random() < 0.2:
                    favourite = self.hotel(visit=visit)
                self.lodge(who, visit, favourite)
            trips += 1
            day = left + timedelta(days=rng.randint(2, 8))
        self.trap("weekend_commuter", f"{trips} short visits in 180 days", person=person(who))

    def company_gap_of_one(self, index: int) -> None:
        company = self.company(neutral=True)
        if index % 2 == 0:
            self.incoming_worker(company)
            case = "one worker approved by RPTKA, not arrived yet"
        else:
            self.departed_worker(company)
            case = "one worker left, the RPTKA still active"
        self.counts_change(company, +1)
        self.trap("company_gap_of_one", case, company=company.company_id)


@contextmanager
def _places_drawing_from(world: World) -> Iterator[None]:
    """New places (hosts, guest houses, companies) drawn from the planting stream."""
    places = world.places
    original = places.rng
    places.rng = world.rng
    try:
        yield
    finally:
        places.rng = original


def plant_violations(
    world: World, companies: list[Company], rules: dict[str, int], traps: dict[str, int]
) -> Planter:
    """Plant ``rules`` cases of each rule and ``traps`` traps of each kind into the ledger."""
    planter = Planter(world, companies)
    methods: dict[str, Callable[[int, str], None]] = {
        "OVERSTAY": planter.overstay,
        "PERMIT_EXPIRING": planter.permit_expiring,
        "VISITOR_WORKING": planter.visitor_working,
        "WORK_MISMATCH": planter.work_mismatch,
        "WORK_PERMIT_LAPSED": planter.work_permit_lapsed,
        "UNREPORTED_STAY": planter.unreported_stay,
        "LATE_REPORT": planter.late_report,
        "STAY_BEYOND_PERMIT": planter.stay_beyond_permit,
        "NO_SKTT": planter.no_sktt,
        "VISA_RUN": planter.visa_run,
        "ADDRESS_CLUSTER": planter.address_cluster,
        "DOCUMENT_CONFLICT": planter.document_conflict,
        "SPONSOR_ANOMALY": planter.sponsor_anomaly,
        "RECONCILIATION_GAP": planter.reconciliation_gap,
    }
    trap_methods: dict[str, Callable[[int], None]] = {
        "visitor_29_days": planter.visitor_29_days,
        "voa_extended": planter.voa_extended,
        "itas_without_reports": planter.itas_without_reports,
        "hotel_23_hours": planter.hotel_23_hours,
        "renewed_passport": planter.renewed_passport,
        "weekend_commuter": planter.weekend_commuter,
        "company_gap_of_one": planter.company_gap_of_one,
    }
    with _places_drawing_from(world):
        for code, method in methods.items():
            variants = VARIANTS[code]
            for index in range(rules.get(code, 0)):
                method(index, variants[index % len(variants)][0])
        for kind, trap in trap_methods.items():
            for index in range(traps.get(kind, 0)):
                trap(index)
    wanted = persons_needed(rules, traps)
    if planter.persons != wanted:
        raise RuntimeError(f"planted {planter.persons} persons, {wanted} expected")
    return planter
