"""A registry of foreigners in Batam at scale, generated deterministically for the detection bench.

Pure Python, no Django: :func:`make_chunk` turns a range of person numbers into the rows of the
registry tables (persons, documents, crossings, permits, work permits, stays, registrations) as
tuples in the column order of :data:`COLUMNS`, ready for ``timpora.core.bulk.insert_rows``. The
same seed, as-of date and range always give the same rows, so chunks can be made in parallel.

Who lives in it (shares of the persons):

* **visitors** (75 %): Singaporeans and Malaysians on weekend trips, tourists, business
  visitors; each has one to eight visits (an arrival and, unless still here, a departure) on a
  visa-free visit (BVK), a visa on arrival (VOA) or a visit permit (ITK), mostly reported by a
  hotel (about nine in ten visits of a night or more), some by a private host; day trips have
  no report;
* **workers** (10 %): an ITAS with visa index E23 sponsored by their employer, renewed year by
  year, an RPTKA of the same employer with the DKPTKA paid, an SKTT after each permit, a
  report by the company housing (mess), and trips home;
* **residents** (7 %): family (E31), investors (E28A, sponsored by a company), remote workers
  (E33G) and ITAP holders, registered (SKTT or KTP-el), living at a private address;
* **visitors who entered elsewhere** (8 %): known only from hotel reports;
* and the **violations** every rule looks for, at rates of a few in a thousand: overstays (in
  the country or already gone, with a stay checked out after the permit), visitors housed by a
  company or reporting purpose WORK, unreported visits, late reports (a few sloppy hotels and
  many private hosts), visa runs, private houses crowded with visitors, workers whose RPTKA
  lapsed or whose DKPTKA is unpaid or who work or live at another company, residents without an
  SKTT, sponsors unknown to the company registry. Duplicate identities on one passport and
  watch-list entries are added by the bench after the chunks (they need the loaded rows).
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

HISTORY_DAYS = 800  # the registry holds about 2.2 years of crossings and reports
WIB_MINUTES = 7 * 60  # local time (Asia/Jakarta) is UTC+7, without daylight saving

# --- Shares and rates ----------------------------------------------------------------------

CLASSES = (
    ("visitor", 750),
    ("worker", 100),
    ("resident", 70),
    ("domestic", 79),
    ("cluster", 1),
)  # fmt: skip  (per mille)
VISITS = ((1, 60), (2, 20), (3, 9), (4, 4), (5, 3), (6, 2), (8, 2))  # visits per visitor
LENGTHS = (
    (0, 15),
    (1, 18),
    (2, 20),
    (3, 14),
    (4, 8),
    (5, 6),
    (7, 7),
    (10, 5),
    (14, 4),
    (21, 2),
    (28, 1),
)  # fmt: skip  (nights of a visit; 0 is a day trip)
ARRIVAL_PERMITS = (("BVK", 70), ("VOA", 25), ("ITK", 5))
GRANTED_DAYS = {"BVK": 30, "VOA": 30, "ITK": 60}
PURPOSES = (("TOURISM", 65), ("BUSINESS", 20), ("FAMILY", 10), ("MEDICAL", 3), ("OTHER", 2))
NATIONALITIES = (
    ("SGP", 28), ("MYS", 16), ("CHN", 14), ("IND", 7), ("KOR", 5), ("PHL", 4), ("JPN", 3),
    ("VNM", 3), ("THA", 2), ("AUS", 2), ("GBR", 2), ("USA", 2), ("TWN", 2), ("HKG", 1),
    ("DEU", 1), ("NLD", 1), ("FRA", 1), ("RUS", 1), ("BGD", 1), ("MMR", 1),
)  # fmt: skip
CHECKPOINT_WEIGHTS = {"BTM-BC": 45, "BTM-HB": 20, "BTM-SK": 12, "BTM-NP": 7, "BTM-MTS": 2,
                      "BTM-HN": 14}  # fmt: skip
FERRIES = ("BATAM FAST", "MAJESTIC FAST FERRY", "SINDO FERRY", "HORIZON FAST FERRY")
FERRY_PORTS = ("SINGAPORE HARBOURFRONT", "SINGAPORE TANAH MERAH", "JOHOR BAHRU STULANG LAUT")


def _words(text: str) -> list[str]:
    return text.split()


FLIGHTS = (("GA 153", "JAKARTA"), ("QZ 7583", "KUALA LUMPUR"), ("ID 7136", "JAKARTA"),
           ("SC 8715", "SHENZHEN"))  # fmt: skip
SURNAMES = _words(
    "TAN LIM LEE NG ONG WONG GOH CHUA CHAN KOH WANG LI ZHANG LIU CHEN YANG HUANG ZHAO KUMAR "
    "SINGH SHARMA PATEL KIM PARK CHOI SATO SUZUKI NGUYEN TRAN SANTOS REYES CRUZ SMITH JONES "
    "BROWN MUELLER IVANOV RAHMAN AHMED TANAKA HASHIM ISMAIL"
)
GIVEN = _words(
    "WEI MING HUI LING KAI JUN XIAN MEI JIA HAO ZHI CHENG BOON SIEW AHMAD MUHAMMAD NUR SITI RAJ "
    "PRIYA ARJUN MIN JI SEO HIROSHI YUKI VAN THI JOSE MARIA JOHN DAVID SARAH PETER ANNA OLGA "
    "DMITRI AISYAH FARID"
)

# Violations (probabilities).
OVERSTAY_LAST_VISIT = 0.006  # a visitor's last visit runs past the stay granted
VISIT_REPORTED = 0.90  # a visit of a night or more has a residence report
VISIT_SPLIT = 0.40  # a visit of three nights or more moves to a second lodging
VISITOR_AT_COMPANY = 0.003  # a visit of five nights or more housed by a company (mess)
VISITOR_PURPOSE_WORK = 0.003  # a visit whose report says purpose WORK
VISA_RUNNER = 0.0015  # a visitor whose visits are back-to-back month-long BVK stays
SLOPPY_HOTEL, SLOPPY_LATE, HOTEL_LATE, HOST_LATE, WORKER_LATE = 0.15, 0.08, 0.002, 0.10, 0.02
WORKER_LEAVES = 0.25  # a worker whose contract ends (and leaves) at some point
RENEWED_EARLY = 0.70  # a permit ending within 30 days already has its successor
WORKER_NO_RPTKA = 0.012  # the current RPTKA is missing
WORKER_DKPTKA_UNPAID = 0.008  # the current RPTKA's DKPTKA was paid until before D
WORKER_OTHER_EMPLOYER = 0.006  # the current RPTKA names another company
WORKER_OTHER_HOUSING = 0.004  # housed by another company in the last 30 days
NO_SKTT = 0.03  # a current ITAS without its SKTT
UNREGISTERED_COMPANY = 0.04  # a company known only as a sponsor or employer


def _weighted(items: Sequence[tuple[Any, int]]) -> tuple[list[Any], list[float]]:
    values = [v for v, _ in items]
    return values, list(itertools.accumulate(w for _, w in items))


# --- The rows -------------------------------------------------------------------------------

# Columns written per table, in the order of the generated tuples. Fact tables get ``id`` and
# ``source_key`` first from the writer (which numbers the rows), and the constant ``TAILS``.
COLUMNS: dict[str, tuple[str, ...]] = {
    "persons": ("id", "code", "full_name", "given_names", "surname", "sex", "date_of_birth",
                "nationality_id", "first_source_kind", "first_source_key"),
    "documents": ("id", "code", "person_id", "number", "number_key", "issuing_state_id"),
    "crossings": ("code", "person_id", "document_id", "direction", "checkpoint_id",
                  "crossed_at", "permit_type", "permit_number", "authorized_stay_until",
                  "carrier", "port_from_or_to"),
    "permits": ("code", "person_id", "document_id", "permit_number", "permit_type",
                "visa_index", "status", "issued_on", "valid_from", "valid_until",
                "sponsor_type", "sponsor_id", "sponsor_name", "sponsor_company_id", "purpose"),
    "work_permits": ("code", "person_id", "document_id", "rptka_number", "employer_id",
                     "position", "valid_from", "valid_until", "status", "dkptka_paid_until"),
    "stays": ("code", "person_id", "document_id", "place_id", "permit_type", "permit_number",
              "purpose", "check_in", "check_out", "reported_at"),
    "registrations": ("code", "person_id", "document_id", "registration_number",
                      "registration_type", "issued_on", "valid_until", "address",
                      "kecamatan_id"),
}  # fmt: skip
FACTS = ("crossings", "permits", "work_permits", "stays", "registrations")
KEY_PREFIX = {"crossings": "BC", "permits": "SP", "work_permits": "WP", "stays": "RR",
              "registrations": "RG"}  # fmt: skip


@dataclass
class Setting:
    """What every chunk needs to know: the date, the ids of the loaded organisations."""

    seed: int
    persons: int
    as_of: str  # ISO date
    vendor: str  # "sqlite" or "postgresql": how date-times are written
    person_base: int  # persons get ids person_base + 1 + number
    document_base: int
    checkpoints: dict[str, int]  # code → id
    kecamatan: list[int]
    # companies: (id, NIB, name, id of its mess); hotels, hosts, crowded hosts: place ids.
    companies: list[tuple[int, str, str, int]] = field(default_factory=list)
    company_weights: list[float] = field(default_factory=list)  # cumulative, Zipf
    hotels: list[int] = field(default_factory=list)
    hotel_weights: list[float] = field(default_factory=list)  # cumulative, Zipf
    sloppy_hotels: frozenset[int] = frozenset()
    hosts: list[int] = field(default_factory=list)
    crowded_hosts: list[int] = field(default_factory=list)


class Clock:
    """Local days and minutes from the start of the history (day 0, 00:00 WIB) to text."""

    def __init__(self, as_of: date, vendor: str) -> None:
        self.today = HISTORY_DAYS  # day number of the as-of date
        self.start = as_of - timedelta(days=HISTORY_DAYS)
        self.low = -3 * 365 - HISTORY_DAYS  # permits started up to three years before
        self.days = [
            (self.start + timedelta(days=d)).isoformat()
            for d in range(self.low, HISTORY_DAYS + 6 * 365)
        ]
        suffix = "+00" if vendor == "postgresql" else ""
        self.hm = [f" {m // 60:02d}:{m % 60:02d}:00{suffix}" for m in range(1440)]

    def day(self, d: int) -> str:
        return self.days[d - self.low]

    def moment(self, minute: int) -> str:
        """A local minute as the database stores the instant (UTC text)."""
        utc = minute - WIB_MINUTES
        return self.days[utc // 1440 - self.low] + self.hm[utc % 1440]


def passport_of(nationality: str, number: int) -> str:
    """A passport number unique to person ``number`` (7919 is prime to 10**8)."""
    return f"{nationality[0]}{nationality[2]}{(number * 7919 + 1234567) % 10**8:08d}"


class Chunk:
    """The rows of persons ``start`` .. ``start + size - 1``."""

    def __init__(self, setting: Setting, start: int, size: int) -> None:
        self.s = setting
        self.rng = random.Random(f"{setting.seed}-chunk-{start}")
        self.clock = Clock(date.fromisoformat(setting.as_of), setting.vendor)
        self.today = self.clock.today
        self.end_of_today = (self.today + 1) * 1440 - 1
        self.start, self.size = start, size
        self.rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in COLUMNS}
        self.serial = itertools.count()
        cps, weights = [], []
        for code, weight in CHECKPOINT_WEIGHTS.items():
            if code in setting.checkpoints:
                cps.append(code)
                weights.append(weight)
        self.checkpoints = cps
        self.checkpoint_weights = list(itertools.accumulate(weights))
        self.classes = _weighted(CLASSES)
        self.visits = _weighted(VISITS)
        self.lengths = _weighted(LENGTHS)
        self.arrival_permits = _weighted(ARRIVAL_PERMITS)
        self.purposes = _weighted(PURPOSES)
        self.nationalities = _weighted(NATIONALITIES)

    # --- small helpers ----------------------------------------------------------------

    def pick(self, table: tuple[list[Any], list[float]]) -> Any:
        values, cumulative = table
        return values[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]

    def code(self) -> str:
        """A random UUID (version 4), as the model's default would give, but seeded."""
        value = self.rng.getrandbits(128)
        value = (value & ~(0xF << 76)) | (4 << 76)
        value = (value & ~(0x3 << 62)) | (0x2 << 62)
        return f"{value:032x}"

    def number(self, prefix: str) -> str:
        return f"{prefix}{self.start:07d}{next(self.serial):06d}"

    def company(self) -> tuple[int, str, str, int]:
        s = self.s
        i = bisect.bisect(s.company_weights, self.rng.random() * s.company_weights[-1])
        return s.companies[i]

    def hotel(self) -> int:
        s = self.s
        return s.hotels[bisect.bisect(s.hotel_weights, self.rng.random() * s.hotel_weights[-1])]

    def late_rate(self, place: int, kind: str) -> float:
        if kind == "hotel":
            return SLOPPY_LATE if place in self.s.sloppy_hotels else HOTEL_LATE
        return HOST_LATE if kind == "host" else WORKER_LATE

    # --- facts --------------------------------------------------------------------------

    def crossing(
        self, who: tuple[int, int], direction: str, minute: int, permit: str = "",
        until: int | None = None,
    ) -> None:  # fmt: skip
        rng = self.rng
        checkpoint = self.checkpoints[
            bisect.bisect(self.checkpoint_weights, rng.random() * self.checkpoint_weights[-1])
        ]
        if checkpoint == "BTM-HN":
            carrier, port = FLIGHTS[rng.randrange(len(FLIGHTS))]
        else:
            carrier, port = FERRIES[rng.randrange(4)], FERRY_PORTS[rng.randrange(3)]
        self.rows["crossings"].append((
            self.code(), who[0], who[1], direction, self.s.checkpoints[checkpoint],
            self.clock.moment(minute), permit, "", None if until is None else self.clock.day(until),
            carrier, port,
        ))  # fmt: skip

    def stay(
        self, who: tuple[int, int], place: int, kind: str, check_in: int, check_out: int | None,
        permit: str, purpose: str, permit_number: str = "",
    ) -> None:  # fmt: skip
        """A residence report, if it was submitted by the as-of date."""
        rng = self.rng
        if rng.random() < self.late_rate(place, kind):
            reported = check_in + rng.randint(25 * 60, 240 * 60)  # more than 24 hours after
        else:
            reported = check_in + rng.randint(10, 20 * 60)
        if reported > self.end_of_today or check_in > self.end_of_today:
            return
        if check_out is not None and check_out > self.end_of_today:
            check_out = None
        clock = self.clock
        self.rows["stays"].append((
            self.code(), who[0], who[1], place, permit, permit_number, purpose,
            clock.moment(check_in), None if check_out is None else clock.moment(check_out),
            clock.moment(reported),
        ))  # fmt: skip

    def permit(
        self, who: tuple[int, int], permit_type: str, index: str, start: int, end: int,
        sponsor: tuple[int, str, str, int] | None, purpose: str, number: str,
        sponsor_type: str = "",
    ) -> None:  # fmt: skip
        status = "ACTIVE" if end >= self.today else "EXPIRED"
        clock = self.clock
        if sponsor is not None:
            sponsor_type, sponsor_id, sponsor_name, company = (
                "COMPANY",
                sponsor[1],
                sponsor[2],
                sponsor[0],
            )
        elif sponsor_type == "PERSON":
            sponsor_id, sponsor_name, company = (
                f"2171{self.rng.randrange(10**12):012d}",
                "WNI SPONSOR",
                None,
            )
        else:
            sponsor_type, sponsor_id, sponsor_name, company = "NONE", "", "", None
        self.rows["permits"].append((
            self.code(), who[0], who[1], number, permit_type, index, status,
            clock.day(start - self.rng.randint(3, 20)), clock.day(start), clock.day(end),
            sponsor_type, sponsor_id, sponsor_name, company, purpose,
        ))  # fmt: skip

    def work_permit(
        self, who: tuple[int, int], employer: int, start: int, end: int, paid_until: int
    ) -> None:
        clock = self.clock
        self.rows["work_permits"].append((
            self.code(), who[0], who[1], self.number("KEP."), employer, "Technician",
            clock.day(start), clock.day(end), "ACTIVE" if end >= self.today else "EXPIRED",
            clock.day(paid_until),
        ))  # fmt: skip

    def registration(self, who: tuple[int, int], kind: str, issued: int, until: int) -> None:
        if issued > self.today:
            return
        kecamatan = self.s.kecamatan[self.rng.randrange(len(self.s.kecamatan))]
        self.rows["registrations"].append((
            self.code(), who[0], who[1], self.number(kind), kind, self.clock.day(issued),
            self.clock.day(until), f"Jl. Raja Ali Haji No. {self.rng.randint(1, 200)}", kecamatan,
        ))  # fmt: skip

    # --- persons ------------------------------------------------------------------------

    def make(self) -> dict[str, list[tuple[Any, ...]]]:
        rng = self.rng
        s = self.s
        for number in range(self.start, self.start + self.size):
            nationality = self.pick(self.nationalities)
            person_id, document_id = s.person_base + 1 + number, s.document_base + 1 + number
            surname, given = (
                SURNAMES[rng.randrange(len(SURNAMES))],
                GIVEN[rng.randrange(len(GIVEN))],
            )
            kind = self.pick(self.classes)
            passport = passport_of(nationality, number)
            self.rows["persons"].append((
                person_id, self.code(), f"{given} {surname}", given, surname,
                "MF"[rng.random() < 0.4],
                f"{rng.randint(1955, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                nationality, "border-crossing" if kind != "domestic" else "residence-report",
                f"BENCH-P{number}",
            ))  # fmt: skip
            self.rows["documents"].append(
                (document_id, self.code(), person_id, passport, passport, nationality)
            )
            who = (person_id, document_id)
            if kind == "visitor":
                if rng.random() < VISA_RUNNER:
                    self.visa_runner(who)
                else:
                    self.visitor(who)
            elif kind == "worker":
                self.worker(who)
            elif kind == "resident":
                self.resident(who)
            elif kind == "domestic":
                self.domestic(who)
            else:
                self.crowded(who)
        return self.rows

    def visit(
        self, who: tuple[int, int], arrival: int, nights: int, permit: str, *,
        overstay: bool = False, place: tuple[int, str] | None = None, purpose: str | None = None,
    ) -> int:  # fmt: skip
        """One visit from the minute of arrival; returns the minute of departure."""
        rng = self.rng
        granted = GRANTED_DAYS[permit]
        day = arrival // 1440
        until = day + granted - 1
        if overstay:
            nights = granted + rng.randint(1, 90)
        self.crossing(who, "ARRIVAL", arrival, permit, until)
        if nights == 0:
            departure = arrival + rng.randint(3 * 60, 10 * 60)
        else:
            departure = (day + nights) * 1440 + rng.randint(7 * 60, 21 * 60)
        if departure <= self.end_of_today:
            self.crossing(who, "DEPARTURE", departure)
        if nights == 0 or rng.random() >= VISIT_REPORTED:
            return departure
        if purpose is None:
            purpose = self.pick(self.purposes)
            if rng.random() < VISITOR_PURPOSE_WORK:
                purpose = "WORK"
        if place is not None:
            where, kind = place
        elif nights >= 5 and rng.random() < VISITOR_AT_COMPANY:
            where, kind = self.company()[3], "company"
        elif rng.random() < 0.15:
            where, kind = self.s.hosts[rng.randrange(len(self.s.hosts))], "host"
        else:
            where, kind = self.hotel(), "hotel"
        check_in = arrival + rng.randint(60, 300)
        check_out = departure - rng.randint(60, 240)
        if nights >= 3 and rng.random() < VISIT_SPLIT:
            middle = (day + nights // 2) * 1440 + rng.randint(10 * 60, 13 * 60)
            self.stay(who, where, kind, check_in, middle, permit, purpose)
            self.stay(who, self.hotel(), "hotel", middle + rng.randint(30, 120), check_out,
                      permit, purpose)  # fmt: skip
        else:
            self.stay(who, where, kind, check_in, check_out, permit, purpose)
        return departure

    def visitor(self, who: tuple[int, int]) -> None:
        rng = self.rng
        count = self.pick(self.visits)
        gap = HISTORY_DAYS / count
        day = rng.randrange(HISTORY_DAYS + 1 if count == 1 else int(gap) + 1)
        permit = self.pick(self.arrival_permits)
        for n in range(count):
            if day > self.today:
                break
            arrival = day * 1440 + rng.randint(6 * 60, 21 * 60)
            nights = self.pick(self.lengths)
            last = n == count - 1
            departure = self.visit(
                who, arrival, nights, permit, overstay=last and rng.random() < OVERSTAY_LAST_VISIT
            )
            day = departure // 1440 + 1 + int(rng.expovariate(1 / gap))

    def visa_runner(self, who: tuple[int, int]) -> None:
        """Back-to-back month-long BVK stays, each a day or three apart, the last near D."""
        rng = self.rng
        runs = rng.randint(3, 5)
        nights = [rng.randint(25, 29) for _ in range(runs)]
        gaps = [rng.randint(1, 3) for _ in range(runs - 1)]
        day = self.today - sum(nights) - sum(gaps) + rng.randint(-10, 15)
        for n in range(runs):
            if day > self.today:
                break
            arrival = day * 1440 + rng.randint(8 * 60, 18 * 60)
            departure = self.visit(who, arrival, nights[n], "BVK")
            day = departure // 1440 + (gaps[n] if n < runs - 1 else 0)

    def crowded(self, who: tuple[int, int]) -> None:
        """One of a group of visitors housed together at a private house (a boarding house)."""
        rng = self.rng
        hosts = self.s.crowded_hosts
        group = (who[0] // 8) % len(hosts)  # about eight persons per house
        day = self.today - 38 + (group % 20) + rng.randint(0, 4)
        arrival = day * 1440 + rng.randint(8 * 60, 18 * 60)
        purpose = "WORK" if rng.random() < 0.3 else "TOURISM"
        self.visit(who, arrival, rng.randint(20, 29), "BVK", place=(hosts[group], "host"),
                   purpose=purpose)  # fmt: skip

    def domestic(self, who: tuple[int, int]) -> None:
        """A visitor who entered through Jakarta: hotel reports, no crossing in Batam."""
        rng = self.rng
        permit = self.pick(self.arrival_permits)
        for _ in range(rng.randint(1, 4)):
            day = rng.randrange(HISTORY_DAYS + 1)
            check_in = day * 1440 + rng.randint(12 * 60, 22 * 60)
            check_out = (day + rng.randint(1, 7)) * 1440 + rng.randint(8 * 60, 12 * 60)
            self.stay(who, self.hotel(), "hotel", check_in, check_out, permit,
                      self.pick(self.purposes))  # fmt: skip

    def periods(self, length: int, leaves: float) -> list[tuple[int, int]]:
        """Consecutive permit periods of ``length`` days: the first starts up to three years
        back, the last covers D (or ends earlier when the holder leaves)."""
        rng = self.rng
        start = rng.randint(self.clock.low // 2, self.today - 20)
        stop = self.today + length  # periods are issued while the holder stays
        if rng.random() < leaves:
            stop = start + length * rng.randint(1, 3)
        out = []
        while start <= min(self.today, stop - 1):
            out.append((start, start + length - 1))
            start += length
        end = out[-1][1]
        if self.today < end <= self.today + 30 and stop > end and rng.random() < RENEWED_EARLY:
            out.append((end + 1, end + length))  # the successor issued before the end
        return out

    def trips(self, who: tuple[int, int], start: int, end: int, count: int) -> None:
        """Trips abroad between days ``start`` and ``end`` (the last may still be under way)."""
        rng = self.rng
        start, end = max(start, 0), min(end, self.today)
        if end - start < 30:
            return
        days = sorted(rng.sample(range(start + 5, end), min(count, end - start - 5)))
        free = start
        for day in days:
            if day <= free:
                continue
            out = day * 1440 + rng.randint(7 * 60, 20 * 60)
            back = (day + rng.randint(3, 21)) * 1440 + rng.randint(7 * 60, 21 * 60)
            self.crossing(who, "DEPARTURE", out)
            if back <= self.end_of_today:
                self.crossing(who, "ARRIVAL", back, "ITAS")
            free = back // 1440 + 2

    def worker(self, who: tuple[int, int]) -> None:
        rng = self.rng
        employer = self.company()
        periods = self.periods(365, WORKER_LEAVES)
        first, last = periods[0][0], periods[-1][1]
        if first >= 0:
            self.crossing(who, "ARRIVAL", first * 1440 + rng.randint(8 * 60, 20 * 60), "ITAS")
        current = [p for p in periods if p[0] <= self.today <= p[1]]
        for start, end in periods:
            number = self.number("2C21")
            self.permit(who, "ITAS", "E23", start, end, employer, "WORK", number)
            is_current = (start, end) in current
            if is_current and rng.random() < NO_SKTT:
                pass
            else:
                self.registration(who, "SKTT", start + rng.randint(1, 12), end)
            employer_id, paid = employer[0], end
            if is_current:
                roll = rng.random()
                if roll < WORKER_NO_RPTKA:
                    continue
                roll -= WORKER_NO_RPTKA
                if roll < WORKER_DKPTKA_UNPAID:
                    paid = self.today - rng.randint(1, 60)
                elif roll < WORKER_DKPTKA_UNPAID + WORKER_OTHER_EMPLOYER:
                    employer_id = self.company()[0]
            self.work_permit(who, employer_id, start, end, paid)
        # Company housing: a report per permit period, the last open while they stay.
        left = last < self.today
        for start, end in periods:
            if start > self.today:
                break
            check_in = max(start, 0) * 1440 + rng.randint(9 * 60, 18 * 60)
            check_out = (end * 1440 + rng.randint(8 * 60, 12 * 60)) if end < self.today else None
            self.stay(who, employer[3], "company", check_in, check_out, "ITAS", "WORK")
        if current and rng.random() < WORKER_OTHER_HOUSING:
            other = self.company()
            check_in = (self.today - rng.randint(1, 25)) * 1440 + rng.randint(9 * 60, 18 * 60)
            self.stay(who, other[3], "company", check_in, None, "ITAS", "WORK")
        self.trips(who, first, last, rng.choice((0, 0, 1, 1, 2, 3)))
        if left and last >= 0:
            self.crossing(who, "DEPARTURE", last * 1440 + rng.randint(7 * 60, 20 * 60))

    def resident(self, who: tuple[int, int]) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.30:
            permit_type, index, length, purpose, sponsor_type = (
                "ITAP",
                "",
                5 * 365,
                "FAMILY",
                "NONE",
            )
        elif roll < 0.75:
            permit_type, index, length, purpose, sponsor_type = (
                "ITAS",
                "E31",
                365,
                "FAMILY",
                "PERSON",
            )
        elif roll < 0.95:
            permit_type, index, length, purpose, sponsor_type = (
                "ITAS",
                "E28A",
                2 * 365,
                "BUSINESS",
                "",
            )
        else:
            permit_type, index, length, purpose, sponsor_type = "ITAS", "E33G", 365, "OTHER", "NONE"
        sponsor = self.company() if index == "E28A" else None
        periods = self.periods(length, 0.1)
        host = self.s.hosts[rng.randrange(len(self.s.hosts))]
        for n, (start, end) in enumerate(periods):
            self.permit(who, permit_type, index, start, end, sponsor, purpose,
                        self.number("2D21"), sponsor_type)  # fmt: skip
            is_current = start <= self.today <= end
            if not (is_current and permit_type == "ITAS" and rng.random() < NO_SKTT):
                kind = "KTP_EL" if permit_type == "ITAP" else "SKTT"
                self.registration(who, kind, start + rng.randint(1, 12), end)
            if start <= self.today and (n == 0 or rng.random() < 0.3):
                check_in = max(start, 0) * 1440 + rng.randint(9 * 60, 18 * 60)
                self.stay(who, host, "host", check_in, None, permit_type, purpose)
        first, last = periods[0][0], periods[-1][1]
        if first >= 0:
            self.crossing(who, "ARRIVAL", first * 1440 + rng.randint(8 * 60, 20 * 60), permit_type)
        self.trips(who, first, last, rng.choice((0, 1, 1, 2, 3, 4)))
        if last < self.today and last >= 0:
            self.crossing(who, "DEPARTURE", last * 1440 + rng.randint(7 * 60, 20 * 60))


def make_chunk(task: tuple[Setting, int, int]) -> tuple[int, dict[str, list[tuple[Any, ...]]]]:
    setting, start, size = task
    return start, Chunk(setting, start, size).make()


# --- Organisations --------------------------------------------------------------------------


def zipf_cumulative(n: int, exponent: float = 0.8) -> list[float]:
    return list(itertools.accumulate(1 / (k + 1) ** exponent for k in range(n)))


def organisations(seed: int, persons: int) -> dict[str, Any]:
    """Companies (one mess each), hotels, private hosts: plain values, numbered from 0."""
    rng = random.Random(f"{seed}-organisations")
    words = _words(
        "BATAM SINAR JAYA ABADI MAKMUR SENTOSA NUSANTARA MARINE OFFSHORE ELECTRONICS PRECISION "
        "SHIPYARD STEEL MANDIRI GLOBAL TEKNIK INDAH KEPRI PRIMA"
    )
    companies = []
    for n in range(max(50, persons // 200)):
        name = f"PT {' '.join(rng.sample(words, 2))} {n}"
        companies.append({
            "company_id": f"81200{n:08d}",
            "name": name,
            "registered": rng.random() >= UNREGISTERED_COMPANY,
            "estate": rng.choice(("Batamindo", "Kabil", "Tanjung Uncang", "Sekupang", "")),
        })  # fmt: skip
    hotels = [
        {"reporter_id": f"91200{n:08d}", "name": f"Hotel {rng.choice(words).title()} {n}",
         "sloppy": rng.random() < SLOPPY_HOTEL}
        for n in range(max(20, persons // 700))
    ]  # fmt: skip
    hosts = [
        {"reporter_id": f"2171{n:012d}", "name": f"{rng.choice(GIVEN).title()} Santoso"}
        for n in range(max(50, persons // 40))
    ]
    crowded = max(2, persons // 8000)  # the houses of the "cluster" persons
    return {"companies": companies, "hotels": hotels, "hosts": hosts, "crowded": crowded}
