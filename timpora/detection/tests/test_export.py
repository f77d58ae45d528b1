"""``timpora alerts export``: every line in the export shape of detection-rules.md exactly, for
each kind of subject; CSV cells safe to open in a spreadsheet; the status filter; the audit."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import date

import pytest
from django.core.management import call_command

from timpora.audit.models import AuditEvent
from timpora.detection import actions
from timpora.detection.rules import RULES, Context, Draft
from timpora.detection.rules.base import COMPANY, RESIDENCE_REPORT, STAY_PERMIT, Ref
from timpora.registry.models import Company, Place, Stay, StayPermit

KEYS = {
    "rule",
    "status",
    "severity",
    "subject_type",
    "subject",
    "explanation",
    "evidence",
    "risk",
    "first_detected_at",
    "as_of",
}
SUBJECT_KEYS = {
    "PERSON": {"full_name", "nationality", "passport_number", "date_of_birth"},
    "PLACE": {"reporter_id", "reporter_name", "address"},
    "COMPANY": {"company_id", "name"},
}
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("alerts", "export", *args, stdout=out)
    return out.getvalue()


def lines(*args: str) -> list[dict]:
    return [json.loads(line) for line in export("--format", "jsonl", *args).splitlines()]


def assert_shape(row: dict) -> None:
    """One alert exactly as the spec writes it: keys, types and formats."""
    assert set(row) == KEYS
    for key in ("rule", "status", "severity", "subject_type", "explanation"):
        assert isinstance(row[key], str) and row[key], key
    assert row["rule"] in RULES
    assert row["status"] in {"NEW", "ACKNOWLEDGED", "ESCALATED", "DISMISSED", "RESOLVED"}
    assert row["severity"] in {"HIGH", "MEDIUM", "LOW"}
    assert set(row["subject"]) == SUBJECT_KEYS[row["subject_type"]]
    assert all(isinstance(v, str) for v in row["subject"].values()), row["subject"]
    assert isinstance(row["evidence"], list) and row["evidence"]
    for item in row["evidence"]:
        assert set(item) == {"kind", "source", "key"}
        assert all(isinstance(v, str) for v in item.values()), item
        assert item["kind"] and item["key"], item
        # A company known only as a sponsor has no record of its own, so no source.
        assert item["source"] or item["kind"] == "company", item
    assert isinstance(row["risk"], float)
    assert 0.0 <= row["risk"] <= 1.0
    assert MOMENT.match(row["first_detected_at"]), row["first_detected_at"]
    assert DAY.match(row["as_of"])
    date.fromisoformat(row["as_of"])


def _found(rule_code: str, draft: Draft, as_of: str = "2026-04-20") -> None:
    """Persist what a rule of another subject found (written here: those rules are tested in
    their own files), as the engine does."""
    rule = replace(RULES[rule_code], explain=lambda facts, ctx: "Found for the export test.")
    day = date.fromisoformat(as_of)
    ctx = Context(as_of=day, parameters=actions.parameters_at(day))
    actions.persist(rule, [draft], ctx)


@pytest.fixture
def tan(world):
    who = world.person(passport="K1234567A")
    world.arrive(who, "2026-03-01 10:00", until="2026-03-30", key="BC-2026-03-01-000118")
    return who


@pytest.fixture
def every_subject(world, tan):
    """An OVERSTAY alert (a person), a place alert and a company alert."""
    world.stay(tan, "2026-03-01 14:00", key="RR-1", reporter_id="9120001112223")
    world.permit(
        world.person("LEE MIN HO", nationality="KOR"), number="2C21AB0099-Z", sponsor_id="81200"
    )
    world.company("81200")
    world.detect("2026-04-20", "OVERSTAY")
    place = Place.objects.get(reporter_id="9120001112223")
    stay = Stay.objects.get(place=place)
    _found("LATE_REPORT", Draft(place.pk, {}, [Ref(RESIDENCE_REPORT, stay.pk)]))
    company = Company.objects.get(company_id="81200")
    permit = StayPermit.objects.get(permit_number="2C21AB0099-Z")
    _found(
        "RECONCILIATION_GAP",
        Draft(company.pk, {}, [Ref(COMPANY, company.pk), Ref(STAY_PERMIT, permit.pk)]),
    )


def test_every_line_is_one_alert_in_the_export_shape(every_subject):
    rows = lines()

    assert sorted(r["subject_type"] for r in rows) == ["COMPANY", "PERSON", "PLACE"]
    for row in rows:
        assert_shape(row)


def test_a_person_alert_carries_the_persons_identity_and_the_arrival(every_subject):
    [row] = [r for r in lines() if r["subject_type"] == "PERSON"]

    assert row["rule"] == "OVERSTAY"
    assert (row["status"], row["severity"]) == ("NEW", "HIGH")
    assert row["subject"] == {
        "full_name": "TAN WEI MING",
        "nationality": "SGP",
        "passport_number": "K1234567A",
        "date_of_birth": "1979-04-12",
    }
    assert row["evidence"] == [
        {"kind": "border-crossing", "source": "IMI-BTM", "key": "BC-2026-03-01-000118"}
    ]
    assert row["risk"] == pytest.approx(0.6)
    assert row["as_of"] == "2026-04-20"
    assert "21" in row["explanation"]


def test_a_place_and_a_company_carry_their_own_subject_keys(every_subject):
    rows = {r["subject_type"]: r for r in lines()}

    assert rows["PLACE"]["subject"] == {
        "reporter_id": "9120001112223",
        "reporter_name": "Hotel Harbour Bay",
        "address": "Jl. Duyung, Sei Jodoh",
    }
    assert rows["PLACE"]["evidence"] == [
        {"kind": "residence-report", "source": "IMI-BTM", "key": "RR-1"}
    ]
    assert rows["COMPANY"]["subject"] == {"company_id": "81200", "name": "PT Sinar Baja Fabrikasi"}
    assert {(e["kind"], e["source"]) for e in rows["COMPANY"]["evidence"]} == {
        ("company", "IMI-BTM"),
        ("stay-permit", "IMI-BTM"),
    }


def test_the_explanation_is_in_the_language_asked(world, tan):
    world.detect("2026-04-20", "OVERSTAY")

    [english] = lines("--language", "en")
    [indonesian] = lines()

    assert "30 March 2026" in english["explanation"]
    assert "30 Maret 2026" in indonesian["explanation"]


def test_the_status_filter_keeps_only_those_statuses(world, cast, tan):
    lee = world.person("LEE MIN HO", nationality="KOR", date_of_birth="1985-02-03")
    world.arrive(lee, "2026-03-05 10:00", until="2026-04-03")
    world.detect("2026-04-20", "OVERSTAY")
    first, _second = world.alerts("OVERSTAY")
    actions.acknowledge(first, actor=cast.alice)

    new = lines("--status", "NEW")
    both = lines("--status", "NEW", "--status", "ACKNOWLEDGED")
    dismissed = lines("--status", "DISMISSED")

    assert [r["subject"]["full_name"] for r in new] == ["LEE MIN HO"]
    assert [r["status"] for r in both] == ["ACKNOWLEDGED", "NEW"]
    assert dismissed == []


def test_a_closed_alert_has_no_risk_left(world, cast, tan):
    world.detect("2026-04-20", "OVERSTAY")
    [alert] = world.alerts("OVERSTAY")
    actions.dismiss(alert, actor=cast.alice, reason="DATA_ERROR")

    [row] = lines()

    assert row["status"] == "DISMISSED"
    assert row["risk"] == 0.0


def test_csv_cells_that_look_like_formulas_are_neutralised(world):
    who = world.person('=HYPERLINK("http://evil.example/","open me")', passport="X1234567")
    world.arrive(who, "2026-03-01 10:00", until="2026-03-30")
    world.detect("2026-04-20", "OVERSTAY")

    text = export("--format", "csv")

    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["subject_name"].startswith("'=")
    assert "HYPERLINK" in row["subject_name"]
    assert row["rule"] == "OVERSTAY"
    assert row["subject_id"] == "X1234567"
    assert row["evidence"].startswith("border-crossing:IMI-BTM:")
    assert re.match(r"^0\.\d{4}$", row["risk"])
    assert MOMENT.match(row["first_detected_at"])
    assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values())


def test_the_csv_has_its_header_even_without_alerts(db, reference_data):
    text = export("--format", "csv")

    assert text.splitlines()[0].startswith("rule,status,severity,subject_type,subject_name")
    assert len(text.splitlines()) == 1


def test_an_export_is_audited_once_with_its_count(world, tan, tmp_path):
    world.detect("2026-04-20", "OVERSTAY")
    path = tmp_path / "alerts.jsonl"
    err = io.StringIO()

    call_command("alerts", "export", "--output", str(path), stdout=io.StringIO(), stderr=err)

    assert_shape(json.loads(path.read_text(encoding="utf-8").splitlines()[0]))
    assert "1 alerts written" in err.getvalue()
    event = AuditEvent.objects.get(verb="detection.alerts_exported")
    assert event.purpose == "SUPERVISION"
    assert event.changes["count"] == 1
    assert event.changes["format"] == "jsonl"
