"""Alerts in the export shape of ``detection-rules.md`` (JSON Lines, and a flat CSV).

``{"rule", "status", "severity", "subject_type", "subject", "explanation", "evidence", "risk",
"first_detected_at", "as_of"}``; ``subject`` holds, for a person, ``full_name``, ``nationality``,
``passport_number``, ``date_of_birth``; for a place ``reporter_id``, ``reporter_name``,
``address``; for a company ``company_id``, ``name``. Read in chunks, so that any number of
alerts streams in constant memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone

from timpora.detection.models import Alert
from timpora.detection.risk import risks
from timpora.lib.text import neutralise_formula

CHUNK = 2000
CSV_COLUMNS = (
    "rule",
    "status",
    "severity",
    "subject_type",
    "subject_name",
    "subject_id",
    "nationality",
    "date_of_birth",
    "address",
    "explanation",
    "evidence",
    "risk",
    "first_detected_at",
    "as_of",
)


def _passports(person_ids: Iterable[int]) -> dict[int, str]:
    """Each person's passport: the one that expires last (the current one)."""
    from timpora.registry.models import TravelDocument

    numbers: dict[int, tuple[Any, str]] = {}
    rows = TravelDocument.objects.filter(person_id__in=list(person_ids)).values_list(
        "person_id", "number", "expiry", "pk"
    )
    for person_id, number, expiry, pk in rows:
        rank = (expiry.isoformat() if expiry else "", pk)
        if person_id not in numbers or rank > numbers[person_id][0]:
            numbers[person_id] = (rank, number)
    return {person_id: number for person_id, (_rank, number) in numbers.items()}


def _subject(alert: Alert, passports: dict[int, str]) -> dict[str, Any]:
    if alert.person is not None:
        person = alert.person
        return {
            "full_name": person.full_name,
            "nationality": person.nationality_id,
            "passport_number": passports.get(person.pk, ""),
            "date_of_birth": person.date_of_birth,
        }
    if alert.place is not None:
        place = alert.place
        return {
            "reporter_id": place.reporter_id,
            "reporter_name": place.reporter_name or place.name,
            "address": place.address,
        }
    company = alert.company
    if company is None:
        raise ValueError(f"alert {alert.code} has no subject")
    return {"company_id": company.company_id, "name": company.name}


def export_rows(alerts: QuerySet[Alert], *, language: str = "id") -> Iterator[dict[str, Any]]:
    """Every alert of ``alerts`` as a dict in the export shape, in chunks."""
    ids = list(alerts.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = list(
            Alert.objects.filter(pk__in=ids[start : start + CHUNK])
            .select_related("person", "place", "company")
            .order_by("pk")
        )
        person_ids = [a.person_id for a in chunk if a.person_id]
        passports = _passports(person_ids)
        scores = {
            "person": risks("person", person_ids),
            "place": risks("place", [a.place_id for a in chunk if a.place_id]),
            "company": risks("company", [a.company_id for a in chunk if a.company_id]),
        }
        for alert in chunk:
            field = "person" if alert.person_id else "place" if alert.place_id else "company"
            risk = scores[field].get(alert.subject_id)
            yield {
                "rule": alert.rule,
                "status": alert.status,
                "severity": alert.severity,
                "subject_type": alert.subject_type,
                "subject": _subject(alert, passports),
                "explanation": alert.explanation(language),
                "evidence": [
                    {"kind": e["kind"], "source": e["source"], "key": e["key"]}
                    for e in alert.evidence
                ],
                "risk": risk.score if risk else 0.0,
                "first_detected_at": timezone.localtime(alert.first_detected_at).isoformat(
                    timespec="seconds"
                ),
                "as_of": alert.as_of.isoformat(),
            }


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def flat(row: dict[str, Any]) -> dict[str, str]:
    """One export row as CSV cells (formulas neutralised: officers open these in a spreadsheet)."""
    subject = row["subject"]
    cells = {
        "rule": row["rule"],
        "status": row["status"],
        "severity": row["severity"],
        "subject_type": row["subject_type"],
        "subject_name": subject.get("full_name")
        or subject.get("reporter_name")
        or subject.get("name", ""),
        "subject_id": subject.get("passport_number")
        or subject.get("reporter_id")
        or subject.get("company_id", ""),
        "nationality": subject.get("nationality", ""),
        "date_of_birth": subject.get("date_of_birth", ""),
        "address": subject.get("address", ""),
        "explanation": row["explanation"],
        "evidence": "; ".join(f"{e['kind']}:{e['source']}:{e['key']}" for e in row["evidence"]),
        "risk": f"{row['risk']:.4f}",
        "first_detected_at": row["first_detected_at"],
        "as_of": row["as_of"],
    }
    return {key: neutralise_formula(str(value or "")) for key, value in cells.items()}


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(flat(row))
        count += 1
    return count
