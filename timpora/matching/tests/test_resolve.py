"""Batch resolution (``timpora resolve``) over a small registry with planted duplicates."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from timpora.accounts.models import Agency
from timpora.audit.choices import Verb
from timpora.audit.models import AuditEvent
from timpora.core.bulk import allocate_ids, insert_model_rows
from timpora.matching.actions import decide
from timpora.matching.choices import Decision, ReviewOrigin
from timpora.matching.models import ReviewItem
from timpora.matching.resolve import ResolveReport, resolve
from timpora.matching.splink_model import Training, metadata_path, models_dir, saved_models
from timpora.registry.choices import FactKind
from timpora.registry.models import Person, TravelDocument

pytestmark = pytest.mark.django_db

#: Enough of the registry to estimate u and m on, small enough to train in a second or two.
SMALL = Training(u_pairs=2e4, em_pairs=2e4, seed=7)

SURNAMES = ["LIM", "SANTOS", "KUMAR", "SMITH", "NGUYEN", "SATO", "MULLER", "IVANOV", "REYES",
            "HANSEN", "DUBOIS", "ROSSI"]  # fmt: skip
GIVEN = ["ANNA", "BUDI", "CARLOS", "DEWI", "ELENA", "FARID", "GRACE", "HIRO", "IRFAN", "JONAS",
         "KARIN", "LUCAS", "MARTA", "NADIA", "OSKAR", "PRIYA", "RAFAEL", "SONIA",
         "TOMAS"]  # fmt: skip
NATIONALITIES = ["SGP", "PHL", "IND", "GBR", "VNM", "JPN", "DEU", "RUS"]

#: (key, original, duplicate written differently) — each pair must be proposed.
PLANTED = {
    "typo": (
        ("MICHAEL TANAKA", "TANAKA", "1984-06-17", "M", "JPN", "TR1234567"),
        ("MICHEAL TANAKA", "TANAKA", "1984-06-17", "M", "JPN", "TR1234567"),
    ),
    "wade-giles": (
        ("ZHANG XIAOMING", "ZHANG", "1979-03-22", "M", "CHN", "E12345678"),
        ("CHANG HSIAO MING", "CHANG", "1979-03-22", "M", "CHN", "E87654321"),
    ),
    "order": (
        ("NGUYEN THI HUONG", "NGUYEN", "1991-09-05", "F", "VNM", "C7654321"),
        ("THI HUONG NGUYEN", "NGUYEN", "1991-09-05", "F", "VNM", "C7654321"),
    ),
    "day-month": (
        ("SIOBHAN OCONNELL", "OCONNELL", "1986-04-11", "F", "GBR", "GB5550001"),
        ("SIOBHAN OCONNELL", "OCONNELL", "1986-11-04", "F", "GBR", "GB5550001"),
    ),
}
#: Look-alikes that are two people: a common name, born years apart, other passports.
DISTINCT = (
    ("WANG FANG", "WANG", "1970-01-15", "F", "CHN", "E11110000"),
    ("WANG FANG", "WANG", "1995-08-30", "F", "CHN", "E22220000"),
)


def _registry() -> dict[str, tuple[int, int]]:
    """About 200 persons, each with a passport; returns the planted pairs' ids by kind."""
    rng = random.Random(2026)
    identities = []
    names = rng.sample([(g, s) for g in GIVEN for s in SURNAMES], 190)
    for n, (given, surname) in enumerate(names):
        birth = f"{1950 + n // 4}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        nationality = rng.choice(NATIONALITIES)
        identities.append(
            (f"{given} {surname}", surname, birth, rng.choice("MF"), nationality, f"X{n:07d}")
        )
    planted_at = {}
    for kind, (original, duplicate) in PLANTED.items():
        planted_at[kind] = (len(identities), len(identities) + 1)
        identities += [original, duplicate]
    planted_at["distinct"] = (len(identities), len(identities) + 1)
    identities += list(DISTINCT)
    source = Agency.objects.get(code="IMI-BTM").pk
    ids = allocate_ids(Person, len(identities))
    insert_model_rows(
        Person,
        [
            {
                "id": pk,
                "full_name": full,
                "surname": surname,
                "given_names": full.replace(surname, "").strip(),
                "date_of_birth": birth,
                "sex": sex,
                "nationality_id": nationality,
                "first_source_id": source,
                "first_source_kind": FactKind.BORDER_CROSSING,
                "first_source_key": f"TEST-{pk}",
            }
            for pk, (full, surname, birth, sex, nationality, _) in zip(ids, identities, strict=True)
        ],
    )
    insert_model_rows(
        TravelDocument,
        [
            {
                "person_id": pk,
                "number": number,
                "number_key": number,
                "issuing_state_id": nationality,
                "first_source_id": source,
            }
            for pk, (*_, nationality, number) in zip(ids, identities, strict=True)
        ],
    )
    return {kind: (ids[a], ids[b]) for kind, (a, b) in planted_at.items()}


@pytest.fixture
def registry(reference_data: None, settings: Any, tmp_path: Path) -> dict[str, tuple[int, int]]:
    settings.MATCHING_MODEL_DIR = tmp_path / "models"  # models are saved there
    settings.RESOLVE_THRESHOLD = 0.9
    return _registry()


def _pairs(report: ResolveReport) -> set[tuple[int, int]]:
    return {(p.person_id, p.other_person_id) for p in report.pairs}


def test_it_proposes_the_planted_duplicates_and_not_the_look_alikes(registry: Any) -> None:
    report = resolve(train=True, training=SMALL)
    found = _pairs(report)
    for kind in PLANTED:
        assert registry[kind] in found, kind
    assert registry["distinct"] not in found
    assert len(found) <= len(PLANTED) + 2  # hardly anything else among 200 persons
    assert report.created == len(found)
    items = ReviewItem.objects.filter(origin=ReviewOrigin.RESOLVE)
    assert {(i.person_id, i.other_person_id) for i in items} == found
    item = items.get(person_id=registry["day-month"][0])
    assert item.algorithm == f"{report.algorithm}"
    assert item.algorithm.startswith("splink-") and item.algorithm.endswith("/model-1")
    reasons = {r["factor"]: r for r in item.reasons}
    assert reasons["date_of_birth"]["outcome"] == "day and month swapped"
    assert reasons["date_of_birth"]["detail"] == "1986-04-11 | 1986-11-04"
    assert reasons["document"]["outcome"] == "same document number"
    assert all(isinstance(r["weight"], float) for r in item.reasons)


def test_a_second_run_creates_nothing_new(registry: Any) -> None:
    first = resolve(train=True, training=SMALL)
    second = resolve()  # the saved model
    assert second.trained is False and second.model_version == first.model_version
    assert _pairs(second) == _pairs(first)
    assert second.created == 0
    assert second.already_open == len(second.pairs)
    assert ReviewItem.objects.count() == first.created


def test_a_pair_decided_different_is_not_proposed_again(registry: Any, cast: Any) -> None:
    resolve(train=True, training=SMALL)
    item = ReviewItem.objects.get(person_id=registry["typo"][0])
    decide(item, Decision.DIFFERENT, actor=cast.alice, note="Other photo, other parents")
    again = resolve()
    assert registry["typo"] in _pairs(again)  # still found by the model …
    assert again.created == 0  # … but not raised again
    assert again.already_decided == 1
    assert ReviewItem.objects.filter(person_id=registry["typo"][0]).count() == 1


def test_the_model_is_saved_and_versioned(registry: Any) -> None:
    first = resolve(train=True, training=SMALL)
    second = resolve(train=True, training=SMALL)
    assert [version for version, _ in saved_models()] == [1, 2]
    assert (first.model_version, second.model_version) == (1, 2)
    assert second.model_path == models_dir() / "splink-2.json"
    model = json.loads(second.model_path.read_text())
    assert model["link_type"] == "dedupe_only"
    assert [c["output_column_name"] for c in model["comparisons"]] == [
        "name", "surname", "date_of_birth", "sex", "nationality", "document"
    ]  # fmt: skip
    meta = json.loads(metadata_path(second.model_path).read_text())
    assert meta["version"] == 2
    assert meta["persons"] == Person.objects.count()
    assert meta["splink"] and meta["prediction_rules"] and meta["training_rules"]
    assert {p["comparison"] for p in meta["parameters"]} >= {"name", "date_of_birth"}
    assert resolve().model_version == 2  # the latest, unless asked to train


def test_the_command_reports_and_audits_the_run(registry: Any) -> None:
    out = io.StringIO()
    call_command("resolve", "--train", "--threshold", "0.9", stdout=out)
    text = out.getvalue()
    for line in ("Persons read: 200", "Pairs compared after blocking", "Model trained and saved",
                 "Review items created", "Peak memory", "Total"):  # fmt: skip
        assert line in text
    event = AuditEvent.objects.filter(verb=Verb.RESOLVE_RUN).get()
    assert event.changes["persons"] == 200 and event.changes["trained"] is True
