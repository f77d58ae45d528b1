"""Exports in the exchange format import back to the same facts; CSV exports defuse formulas."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from timpora.exchange.export import export_rows
from timpora.exchange.formats import read_table, write_table
from timpora.exchange.tests.samples import FILES, KINDS, run, sample
from timpora.matching.models import WatchlistEntry
from timpora.registry.models import (
    BorderCrossing,
    Company,
    FactRevision,
    IdentityConflict,
    Person,
    Place,
    Registration,
    Stay,
    StayPermit,
    WorkPermit,
)


def import_samples(agency: Any) -> None:
    for kind in KINDS:
        batch = run(kind, FILES / f"{kind}.csv", agency)
        assert batch.rejected == 0


def exported(kind: str) -> list[dict[str, str]]:
    return sorted((row for _pk, row in export_rows(kind)), key=lambda r: sorted(r.items()))


def flush_registry() -> None:
    """An empty registry, as a fresh instance has it (reference data kept)."""
    for model in (BorderCrossing, Stay, StayPermit, WorkPermit, Registration, WatchlistEntry):
        model.objects.all().delete()
    FactRevision.objects.all().delete()
    IdentityConflict.objects.all().delete()
    Person.objects.all().delete()
    Place.objects.all().delete()
    Company.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "jsonl"])
def test_export_imports_back_unchanged(cast: Any, tmp_path: Path, fmt: str) -> None:
    import_samples(cast.imigrasi)
    for kind in KINDS:
        path = tmp_path / f"{kind}.{fmt}"
        call_command("export", kind, output=path)
        with read_table(path) as table:
            rows = list(table.rows)
        assert len(rows) == len(sample(kind)[1]), kind
        batch = run(kind, path, cast.imigrasi)
        assert batch.rejected == 0, kind
        assert batch.unchanged == batch.rows_total == len(rows), kind
        assert (batch.created, batch.updated, batch.persons_created) == (0, 0, 0), kind
    assert not FactRevision.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_into_an_empty_registry_reproduces_the_facts(
    cast: Any, tmp_path: Path, fmt: str
) -> None:
    import_samples(cast.imigrasi)
    before = {kind: exported(kind) for kind in KINDS}
    counts = {m.__name__: m.objects.count() for m in (Person, Place, Company)}
    paths = {}
    for kind in KINDS:
        paths[kind] = tmp_path / f"{kind}.{fmt}"
        call_command("export", kind, format=fmt, output=paths[kind])

    flush_registry()
    assert not any(exported(kind) for kind in KINDS)
    for kind in KINDS:
        batch = run(kind, paths[kind], cast.imigrasi)
        assert (batch.rejected, batch.created) == (0, batch.rows_total), kind

    assert {kind: exported(kind) for kind in KINDS} == before
    assert {m.__name__: m.objects.count() for m in (Person, Place, Company)} == counts
    crossing = BorderCrossing.objects.get(source_key="BC-2026-03-01-000118")
    assert crossing.checkpoint.code == "BTM-HB"
    assert crossing.crossed_at.isoformat() == "2026-03-01T05:20:00+00:00"


FORMULAS = {
    "name": "=cmd|' /C calc'!A0",
    "npwp": "+62 21 555",
    "sector": "-2+3",
    "address": "@SUM(A1:A9)",
}


@pytest.mark.django_db
def test_csv_export_neutralises_formulas_and_import_restores_them(
    cast: Any, tmp_path: Path
) -> None:
    columns, rows = sample("company")
    source = tmp_path / "companies.json"
    with source.open("wb") as out:
        write_table([dict(rows[0], **FORMULAS)], columns, "json", out)
    assert run("company", source, cast.imigrasi).created == 1

    path = tmp_path / "export.csv"
    call_command("export", "company", output=path)
    with path.open(newline="", encoding="utf-8") as handle:
        [cells] = list(csv.DictReader(handle))
    for field, value in FORMULAS.items():
        assert cells[field] == "'" + value, field

    # The JSON export keeps the values as they are: only spreadsheets evaluate formulas.
    json_path = tmp_path / "export.jsonl"
    call_command("export", "company", output=json_path)
    with read_table(json_path) as table:
        [(_line, values)] = list(table.rows)
    assert {f: values[f] for f in FORMULAS} == FORMULAS

    batch = run("company", path, cast.imigrasi)
    assert (batch.unchanged, batch.updated) == (1, 0)
    company = Company.objects.get()
    assert {f: getattr(company, f) for f in FORMULAS} == FORMULAS


@pytest.mark.django_db
def test_empty_json_export_imports_back_with_no_rows(cast: Any, tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    call_command("export", "stay-permit", output=path)
    assert path.read_text().split() == ["[", "]"]
    batch = run("stay-permit", path, cast.imigrasi)
    assert (batch.status, batch.rows_total) == ("COMPLETED", 0)
