"""A small world to write rule tests in: persons, crossings, permits, stays, as exchange rows.

Every fact goes through the real parser and ``record_facts`` (as an import would); ``detect``
runs the real engine. Times are local (WIB) unless an offset is given.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

from timpora.detection.engine import detect
from timpora.detection.models import Alert
from timpora.testing import Cast, Facts

_keys = itertools.count(1)


def _key(prefix: str) -> str:
    return f"{prefix}-{next(_keys):06d}"


def _time(value: str) -> str:
    """``2026-03-01 10:00`` → ``2026-03-01T10:00:00+07:00``; a date alone means noon."""
    if "T" in value and ("+" in value[10:] or value.endswith("Z")):
        return value
    if len(value) == 10:
        value += " 12:00"
    return value.replace(" ", "T") + ":00+07:00"


class World:
    def __init__(self, facts: Facts, cast: Cast) -> None:
        self.facts = facts
        self.cast = cast
        self.source = cast.imigrasi

    # --- identities -------------------------------------------------------------------

    def person(
        self,
        name: str = "TAN WEI MING",
        *,
        nationality: str = "SGP",
        date_of_birth: str = "1979-04-12",
        passport: str | None = None,
        sex: str = "M",
    ) -> dict[str, str]:
        return {
            "full_name": name,
            "sex": sex,
            "date_of_birth": date_of_birth,
            "nationality": nationality,
            "passport_number": passport or _key("P").replace("-", ""),
        }

    # --- facts --------------------------------------------------------------------------

    def add(self, kind: str, row: dict[str, Any]) -> dict[str, Any]:
        self.facts.add(kind, [{k: v for k, v in row.items() if v is not None}], source=self.source)
        return row

    def arrive(
        self,
        who: dict[str, str],
        at: str,
        *,
        permit_type: str = "BVK",
        until: str | None = None,
        key: str | None = None,
        checkpoint: str = "BTM-HB",
    ) -> dict[str, Any]:
        return self.add(
            "border-crossing",
            {
                "crossing_id": key or _key("BC"),
                "direction": "ARRIVAL",
                "checkpoint": checkpoint,
                "crossed_at": _time(at),
                "permit_type": permit_type,
                "authorized_stay_until": until,
                **who,
            },
        )

    def depart(
        self, who: dict[str, str], at: str, *, key: str | None = None, checkpoint: str = "BTM-HB"
    ) -> dict[str, Any]:
        return self.add(
            "border-crossing",
            {
                "crossing_id": key or _key("BC"),
                "direction": "DEPARTURE",
                "checkpoint": checkpoint,
                "crossed_at": _time(at),
                **who,
            },
        )

    def permit(
        self,
        who: dict[str, str],
        *,
        permit_type: str = "ITAS",
        valid_from: str = "2026-01-01",
        valid_until: str = "2026-12-31",
        visa_index: str = "E23",
        status: str = "ACTIVE",
        sponsor_id: str | None = "8120009876543",
        sponsor_name: str = "PT Sinar Baja Fabrikasi",
        number: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        return self.add(
            "stay-permit",
            {
                "permit_number": number or _key("IT"),
                "permit_type": permit_type,
                "visa_index": visa_index,
                "status": status,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "sponsor_type": "COMPANY" if sponsor_id else None,
                "sponsor_id": sponsor_id,
                "sponsor_name": sponsor_name if sponsor_id else None,
                **who,
                **extra,
            },
        )

    def work_permit(
        self,
        who: dict[str, str],
        *,
        employer_id: str = "8120009876543",
        employer_name: str = "PT Sinar Baja Fabrikasi",
        valid_from: str = "2026-01-01",
        valid_until: str = "2026-12-31",
        status: str = "ACTIVE",
        dkptka_paid_until: str | None = None,
        number: str | None = None,
    ) -> dict[str, Any]:
        return self.add(
            "work-permit",
            {
                "rptka_number": number or _key("RPTKA"),
                "employer_id": employer_id,
                "employer_name": employer_name,
                "position": "Welding supervisor",
                "valid_from": valid_from,
                "valid_until": valid_until,
                "status": status,
                "dkptka_paid_until": dkptka_paid_until,
                **who,
            },
        )

    def stay(
        self,
        who: dict[str, str],
        check_in: str,
        *,
        check_out: str | None = None,
        reported_at: str | None = None,
        reporter_type: str = "LODGING",
        reporter_id: str = "9120001112223",
        reporter_name: str = "Hotel Harbour Bay",
        address: str = "Jl. Duyung, Sei Jodoh",
        purpose: str | None = None,
        permit_type: str | None = None,
        key: str | None = None,
    ) -> dict[str, Any]:
        return self.add(
            "residence-report",
            {
                "report_id": key or _key("RR"),
                "reporter_type": reporter_type,
                "reporter_id": reporter_id,
                "reporter_name": reporter_name,
                "address": address,
                "kecamatan": "Batu Ampar",
                "city": "Batam",
                "check_in": _time(check_in),
                "check_out": _time(check_out) if check_out else None,
                "reported_at": _time(reported_at or check_in),
                "purpose": purpose,
                "permit_type": permit_type,
                **who,
            },
        )

    def registration(
        self, who: dict[str, str], issued_on: str, *, registration_type: str = "SKTT"
    ) -> dict[str, Any]:
        return self.add(
            "residence-registration",
            {
                "registration_number": _key("SKTT"),
                "registration_type": registration_type,
                "issued_on": issued_on,
                "address": "Jl. Raja Ali Haji",
                "kecamatan": "Batam Kota",
                "city": "Batam",
                **who,
            },
        )

    def company(self, company_id: str, name: str = "PT Sinar Baja Fabrikasi") -> dict[str, Any]:
        return self.add("company", {"company_id": company_id, "name": name, "city": "Batam"})

    # --- running and reading ------------------------------------------------------------

    def detect(self, as_of: str, *rules: str) -> Any:
        return detect(date.fromisoformat(as_of), rules=list(rules) or None)

    def alerts(self, rule: str, **filters: Any) -> list[Alert]:
        return list(Alert.objects.filter(rule=rule, **filters).order_by("pk"))

    def fires(self, rule: str, as_of: str) -> list[Alert]:
        """Run ``rule`` as of ``as_of`` and return its live (not resolved) alerts."""
        self.detect(as_of, rule)
        return [a for a in self.alerts(rule) if a.status != "RESOLVED"]


@pytest.fixture
def world(facts: Facts, cast: Cast) -> World:
    return World(facts, cast)
