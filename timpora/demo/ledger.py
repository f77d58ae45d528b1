"""The demo's rows in the exchange formats: their columns, how they are built and written.

The column lists are the contract of ``shared/spec/exchange/README.md`` (v1), in its order.
Rows are collected while the population is built; the keys that real systems number in time
order (crossing ids per checkpoint and day, report ids per reporter) are given at the end, once
every row is known, so that they increase with time as they would in the agencies' systems.

A stay permit that was extended is sent twice, as Immigration's system sends it: first as issued
(``ACTIVE`` until the end of its first term) in ``stay-permit.csv``, then its extension, an update
of the same permit number with the later ``valid_until``, in ``stay-permit.updates.csv``. Loaded
in that order, the registry keeps the first validity in the permit's history.

The police send files of their own (``<kind>.police.csv``): the guest lists Polresta Barelang
copies by hand at lodgings (residence reports) and the wanted list (``DPO`` watch-list entries).
Watch lists come last, once every person is known.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any

from timpora.demo.identities import Traveller
from timpora.demo.places import Company, Place
from timpora.registry.records import as_text

IDENTITY = (
    "full_name", "given_names", "surname", "name_original", "sex", "date_of_birth",
    "place_of_birth", "nationality", "passport_number", "passport_issuing_state",
    "passport_expiry",
)  # fmt: skip

# In the order a loader must read them: companies before the facts that name them.
FIELDS: dict[str, tuple[str, ...]] = {
    "company": (
        "company_id", "name", "npwp", "sector", "address", "kelurahan", "kecamatan", "city",
        "industrial_estate",
    ),
    "stay-permit": (
        "permit_number", "permit_type", "visa_index", "status", "issued_on", "valid_from",
        "valid_until", *IDENTITY, "sponsor_type", "sponsor_id", "sponsor_name", "purpose",
        "address", "kelurahan", "kecamatan", "city", "issuing_office",
    ),
    "work-permit": (
        "rptka_number", "employer_id", "employer_name", "position", "work_address",
        "work_kecamatan", "valid_from", "valid_until", "status", *IDENTITY, "dkptka_paid_until",
    ),
    "residence-registration": (
        "registration_number", "registration_type", "issued_on", "valid_until", *IDENTITY,
        "address", "kelurahan", "kecamatan", "city",
    ),
    "border-crossing": (
        "crossing_id", "direction", "checkpoint", "crossed_at", *IDENTITY, "permit_type",
        "permit_number", "authorized_stay_until", "carrier", "port_from_or_to",
    ),
    "residence-report": (
        "report_id", "reporter_type", "reporter_id", "reporter_name", "place_name", "address",
        "kelurahan", "kecamatan", "city", "latitude", "longitude", *IDENTITY, "permit_type",
        "permit_number", "purpose", "check_in", "check_out", "reported_at",
    ),
    "watchlist-entry": (
        "list", "entry_id", "full_name", "aliases", "name_original", "sex", "date_of_birth",
        "nationality", "passport_numbers", "reason", "action_on_hit", "owning_agency",
        "legal_basis", "valid_from", "valid_until",
    ),
}  # fmt: skip

# The kinds whose later changes come in a second file, ``<kind>.updates.csv``.
UPDATED_KINDS = ("stay-permit",)
UPDATES = ".updates"
# The kinds the police send too, in a file of their own, ``<kind>.police.csv``.
POLICE_KINDS = ("residence-report", "watchlist-entry")
POLICE = ".police"


def _files() -> dict[str, str]:
    files: dict[str, str] = {}
    for kind in FIELDS:
        files[kind] = kind
        if kind in UPDATED_KINDS:
            files[kind + UPDATES] = kind
        if kind in POLICE_KINDS:
            files[kind + POLICE] = kind
    return files


# Every file by name (``<name>.csv``) with the kind of its rows, in the order a loader must read
# them: a kind's updates, then the police's file, right after the kind's file, before the kinds
# that follow.
FILES: dict[str, str] = _files()

_SORT_KEYS: dict[str, tuple[str, ...]] = {
    "company": ("company_id",),
    "stay-permit": ("valid_from", "permit_number"),
    "work-permit": ("valid_from", "rptka_number", "passport_number"),
    "residence-registration": ("issued_on", "registration_number"),
    "border-crossing": ("crossed_at", "crossing_id"),
    "residence-report": ("check_in", "report_id"),
    "watchlist-entry": ("valid_from", "entry_id"),
}
ISSUING_OFFICE = "Kanim Batam"
_PERMIT_PREFIX = {"ITAS": "2C", "ITAP": "2D", "ITK": "1C", "VOA": "B1"}
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def stamp(moment: datetime) -> str:
    """A local (WIB) time as the exchange formats write it, with its offset."""
    return moment.strftime("%Y-%m-%dT%H:%M:00+07:00")


def status_on(today: date, valid_until: date, extended: bool = False) -> str:
    if valid_until < today:
        return "EXPIRED"
    return "EXTENDED" if extended else "ACTIVE"


class Ledger:
    """Every row of the population, with the counters that keep the keys unique.

    Times are naive and mean WIB. Nothing happens on or after ``today``: the demo is generated
    as of the start of the day, so every event is already in the past whenever it is loaded.
    """

    def __init__(self, today: date, rng: random.Random) -> None:
        self.today = today
        self.now = datetime.combine(today, time())
        self.start = today - timedelta(days=365)
        self.rng = rng
        # Rows by file name (the updates excepted: they are kept apart until written).
        self.rows: dict[str, list[dict[str, str]]] = {
            name: [] for name in FILES if not name.endswith(UPDATES)
        }
        self._extensions: list[tuple[date, dict[str, str]]] = []
        self._crossing_times: list[tuple[datetime, dict[str, str]]] = []
        self._stays: list[tuple[datetime, Place, dict[str, str]]] = []
        self._permits = rng.randint(2000, 9000)
        self._registrations: dict[int, int] = defaultdict(lambda: rng.randint(100, 900))
        self._rptka: set[int] = set()

    # --- Keys ------------------------------------------------------------------------------------

    def permit_number(self, permit_type: str, issued: date) -> str:
        """A stay permit number in the style of the e-ITAS and e-VOA numbers; never reused."""
        self._permits += 1
        serial, rest = self._permits % 10000, self._permits // 10000
        letters = _LETTERS[rest // len(_LETTERS) % len(_LETTERS)] + _LETTERS[rest % len(_LETTERS)]
        check = self.rng.choice(_LETTERS)
        return f"{_PERMIT_PREFIX[permit_type]}{issued.year % 100:02d}{letters}{serial:04d}-{check}"

    def sktt_number(self, issued: date) -> str:
        self._registrations[issued.year] += 1
        return f"SKTT-2171-{issued.year}-{self._registrations[issued.year]:05d}"

    def rptka_number(self, company: Company, valid_from: date) -> str:
        """One RPTKA per employer and year covers all the workers it approves that year."""
        if valid_from.year not in company.rptka:
            number = self.rng.randint(10000, 99999)
            while number in self._rptka:
                number = self.rng.randint(10000, 99999)
            self._rptka.add(number)
            company.rptka[valid_from.year] = f"KEP.{number}/PPTKA/PTK/{valid_from.year}"
        return company.rptka[valid_from.year]

    # --- Rows ------------------------------------------------------------------------------------

    def company(self, company: Company) -> None:
        self.rows["company"].append(company.row())

    def crossing(
        self,
        who: Traveller,
        direction: str,
        checkpoint: str,
        at: datetime,
        *,
        carrier: str,
        port: str,
        permit_type: str = "",
        permit_number: str = "",
        stay_until: date | None = None,
    ) -> None:
        row = {
            "direction": direction,
            "checkpoint": checkpoint,
            "crossed_at": stamp(at),
            **who.block(),
            "permit_type": permit_type,
            "permit_number": permit_number,
            "authorized_stay_until": stay_until.isoformat() if stay_until else "",
            "carrier": carrier,
            "port_from_or_to": port,
        }
        self.rows["border-crossing"].append(row)
        self._crossing_times.append((at, row))

    def stay(
        self,
        who: Traveller,
        place: Place,
        check_in: datetime,
        *,
        check_out: datetime | None,
        reported_after: timedelta,
        permit_type: str,
        permit_number: str = "",
        purpose: str,
    ) -> None:
        """A residence report, sent ``reported_after`` the check-in (never after today began)."""
        reported_at = min(check_in + reported_after, self.now - timedelta(minutes=1))
        row = {
            **place.columns(),
            **who.block(),
            "permit_type": permit_type,
            "permit_number": permit_number,
            "purpose": purpose,
            "check_in": stamp(check_in),
            "check_out": stamp(check_out) if check_out and check_out < self.now else "",
            "reported_at": stamp(max(reported_at, check_in)),
        }
        self.rows["residence-report"].append(row)
        self._stays.append((check_in, place, row))

    def stay_permit(
        self, who: Traveller, *, extended_from: date | None = None, **values: Any
    ) -> None:
        """A stay permit in its state of today (``values``).

        A permit extended from ``extended_from`` (the end of its first term) is written as it was
        sent when issued, ``ACTIVE`` until that day, and its extension as a later update.
        """
        row = {key: as_text(value) for key, value in values.items()}
        row.update(who.block())
        row.setdefault("issuing_office", ISSUING_OFFICE)
        if extended_from is None:
            self.rows["stay-permit"].append(row)
            return
        if extended_from.isoformat() >= row["valid_until"]:
            raise ValueError(f"permit {row['permit_number']}: an extension must end later")
        issued = {**row, "status": "ACTIVE", "valid_until": extended_from.isoformat()}
        self.rows["stay-permit"].append(issued)
        self._extensions.append((extended_from, row))

    def work_permit(self, who: Traveller, company: Company, **values: Any) -> None:
        row = {
            "employer_id": company.company_id,
            "employer_name": company.name,
            "work_address": company.address,
            "work_kecamatan": company.kecamatan,
            **{key: as_text(value) for key, value in values.items()},
            **who.block(),
        }
        self.rows["work-permit"].append(row)

    def registration(self, who: Traveller, home: Place, **values: Any) -> None:
        row = {key: as_text(value) for key, value in values.items()}
        row.update(who.block())
        row.update(home.domicile())
        self.rows["residence-registration"].append(row)

    # --- Finishing -------------------------------------------------------------------------------

    def _number_crossings(self) -> None:
        counters: dict[tuple[str, date], int] = defaultdict(int)
        ordered = sorted(
            self._crossing_times,
            key=lambda item: (item[0], item[1]["checkpoint"], item[1]["passport_number"]),
        )
        for at, row in ordered:
            counters[(row["checkpoint"], at.date())] += 1
            short = row["checkpoint"].removeprefix("BTM-")
            row["crossing_id"] = (
                f"{short}-{at.date()}-{counters[(row['checkpoint'], at.date())]:06d}"
            )

    def police_report(self, row: dict[str, str], at: datetime) -> None:
        """A residence report copied by the police at ``at`` (numbered when written)."""
        self.rows["residence-report" + POLICE].append({**row, "reported_at": stamp(at)})

    def watchlist_entry(self, row: dict[str, str]) -> None:
        """An entry of a watch list: the police's wanted list (DPO) goes to their own file."""
        name = "watchlist-entry" + (POLICE if row["list"] == "DPO" else "")
        self.rows[name].append(row)

    def _number_police_reports(self) -> None:
        """Polresta Barelang numbers the rows it copies per year, in the order it copied them."""
        counters: dict[int, int] = defaultdict(int)
        rows = self.rows["residence-report" + POLICE]
        for row in sorted(
            rows, key=itemgetter("reported_at", "reporter_id", "check_in", "passport_number")
        ):
            year = int(row["reported_at"][:4])
            counters[year] += 1
            row["report_id"] = f"BRL-{year}-{counters[year]:05d}"

    def _number_reports(self) -> None:
        counters: dict[tuple[int, int], int] = defaultdict(int)
        ordered = sorted(
            self._stays, key=lambda item: (item[0], item[1].number, item[2]["passport_number"])
        )
        for at, place, row in ordered:
            if place.reporter_type == "LODGING":
                counters[(place.number, at.year)] += 1
                serial = counters[(place.number, at.year)]
                row["report_id"] = f"H-{place.number:04d}-{at.year}-{serial:06d}"
            else:
                counters[(place.number, 0)] += 1
                prefix = "C" if place.reporter_type == "COMPANY" else "P"
                row["report_id"] = f"{prefix}-{place.number:04d}-{counters[(place.number, 0)]:05d}"

    def write(self, out_dir: Path) -> dict[str, Path]:
        """Write the CSV files of ``FILES`` (UTF-8, header row); return their paths by name.

        The extensions are written in the order of the first terms they extend (each is granted
        before its first term ends).
        """
        self._number_crossings()
        self._number_reports()
        self._number_police_reports()
        out_dir.mkdir(parents=True, exist_ok=True)
        contents = {
            name: sorted(rows, key=itemgetter(*_SORT_KEYS[FILES[name]]))
            for name, rows in self.rows.items()
        }
        contents["stay-permit" + UPDATES] = [
            row
            for _, row in sorted(
                self._extensions, key=lambda item: (item[0], item[1]["permit_number"])
            )
        ]
        paths: dict[str, Path] = {}
        for name, kind in FILES.items():
            path = out_dir / f"{name}.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=FIELDS[kind], lineterminator="\n")
                writer.writeheader()
                writer.writerows(contents[name])
            paths[name] = path
        return paths
