"""Files as agencies send them: odd encodings, spreadsheet habits, broken files, bad rows."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from timpora.exchange import pipeline
from timpora.exchange.choices import BatchStatus, RowStatus
from timpora.exchange.models import ImportBatch, RawRecord
from timpora.exchange.pipeline import ImportRefused
from timpora.exchange.tests.samples import run, sample
from timpora.registry.models import (
    BorderCrossing,
    FactRevision,
    Person,
    Stay,
    StayPermit,
    TravelDocument,
)


def csv_text(columns: list[str], rows: list[dict[str, str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def refused(kind: str, path: Path, agency: Any) -> Any:
    with pytest.raises(ImportRefused) as info:
        run(kind, path, agency)
    batch = ImportBatch.objects.get(pk=info.value.batch.pk)
    assert batch.status == BatchStatus.REFUSED
    assert batch.refusal
    assert batch.refusal == str(info.value)
    return batch


def nothing_written(batch: Any) -> None:
    assert not RawRecord.objects.filter(batch=batch).exists()
    assert not RawRecord.objects.exists()
    assert not BorderCrossing.objects.exists()
    assert not Person.objects.exists()
    assert not TravelDocument.objects.exists()


# --- Encodings and spreadsheet habits ---------------------------------------------------------


@pytest.mark.django_db
def test_utf8_with_byte_order_mark(cast: Any, tmp_path: Path) -> None:
    columns, rows = sample("border-crossing")
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text(columns, rows).encode())
    batch = run("border-crossing", path, cast.imigrasi)
    assert batch.encoding == "utf-8-sig"
    assert batch.columns[0] == "crossing_id"  # the BOM is not part of the first column's name
    assert (batch.created, batch.rejected) == (3, 0)
    assert BorderCrossing.objects.get(source_key="HN-2026-03-02-000051").person.name_original == (
        "张伟"
    )


@pytest.mark.django_db
def test_utf16_tab_delimited_as_excel_unicode_text(cast: Any, tmp_path: Path) -> None:
    columns, rows = sample("border-crossing")
    path = tmp_path / "excel-unicode.txt"
    path.write_bytes(csv_text(columns, rows, delimiter="\t").encode("utf-16"))
    batch = run("border-crossing", path, cast.imigrasi)
    assert batch.encoding == "utf-16"
    assert any("tab" in note for note in batch.notes)
    assert (batch.created, batch.rejected) == (3, 0)
    zhang = BorderCrossing.objects.get(source_key="HN-2026-03-02-000051")
    assert zhang.person.name_original == "张伟"
    assert zhang.carrier == "QZ 511"


@pytest.mark.django_db
def test_windows_1252_detected_and_noted(cast: Any, tmp_path: Path) -> None:
    columns, rows = sample("border-crossing")
    rows = [{**rows[0], "name_original": "", "full_name": "JOSÉ GARCÍA", "nationality": "ESP"}]
    path = tmp_path / "latin.csv"
    path.write_bytes(csv_text(columns, rows).encode("cp1252"))
    batch = run("border-crossing", path, cast.imigrasi)
    assert batch.encoding == "cp1252"
    assert any("Windows-1252" in note for note in batch.notes)
    assert batch.created == 1
    assert Person.objects.get().full_name == "JOSÉ GARCÍA"


@pytest.mark.django_db
def test_excel_serial_dates(cast: Any, tmp_path: Path) -> None:
    columns, rows = sample("stay-permit")
    row = {**rows[0], "issued_on": "45352", "valid_from": "45352", "valid_until": "45716"}
    path = tmp_path / "serial.csv"
    path.write_text(csv_text(columns, [row]), encoding="utf-8")
    batch = run("stay-permit", path, cast.imigrasi)
    assert (batch.created, batch.rejected) == (1, 0)
    permit = StayPermit.objects.get()
    assert permit.issued_on == date(2024, 3, 1)
    assert permit.valid_from == date(2024, 3, 1)
    assert permit.valid_until == date(2025, 2, 28)


@pytest.mark.django_db
def test_stray_whitespace_in_header_and_cells(cast: Any, tmp_path: Path) -> None:
    columns, rows = sample("border-crossing")
    padded_columns = [f" {c}  " for c in columns]
    row = {f" {c}  ": f"  {v} " if v else v for c, v in rows[0].items()}
    row[" full_name  "] = "  TAN   WEI  MING "
    path = tmp_path / "spaces.csv"
    path.write_text(csv_text(padded_columns, [row]), encoding="utf-8")
    batch = run("border-crossing", path, cast.imigrasi)
    assert (batch.created, batch.rejected) == (1, 0)
    crossing = BorderCrossing.objects.get()
    assert crossing.source_key == "BC-2026-03-01-000118"
    assert crossing.checkpoint.code == "BTM-HB"
    assert crossing.carrier == "MV Horizon 3"
    assert crossing.person.full_name == "TAN WEI MING"
    assert crossing.document.number == "K1234567A"


# --- Files refused whole ----------------------------------------------------------------------


@pytest.mark.django_db
def test_two_thousand_columns_refused(cast: Any, tmp_path: Path) -> None:
    columns, rows = sample("border-crossing")
    extra = [f"x{i}" for i in range(2000 - len(columns))]
    path = tmp_path / "wide.csv"
    path.write_text(csv_text(columns + extra, rows), encoding="utf-8")
    batch = refused("border-crossing", path, cast.imigrasi)
    assert "2000" in batch.refusal
    nothing_written(batch)


@pytest.mark.django_db
def test_ten_megabyte_cell_refused_with_a_clear_reason(cast: Any, tmp_path: Path) -> None:
    columns, rows = sample("border-crossing")
    big = dict(rows[1], carrier="A" * 10_000_000)
    path = tmp_path / "big.csv"
    path.write_text(csv_text(columns, [rows[0], big, rows[2]]), encoding="utf-8")
    batch = refused("border-crossing", path, cast.imigrasi)
    assert "Line 3" in batch.refusal
    assert "carrier" in batch.refusal
    assert "65536" in batch.refusal
    nothing_written(batch)


@pytest.mark.django_db
def test_html_and_script_kept_verbatim_as_text(cast: Any, tmp_path: Path) -> None:
    columns, rows = sample("border-crossing")
    script = "<script>alert('x')</script>"
    row = dict(rows[0], carrier=script, port_from_or_to="<b>SG</b> &amp;")
    path = tmp_path / "html.csv"
    path.write_text(csv_text(columns, [row]), encoding="utf-8")
    batch = run("border-crossing", path, cast.imigrasi)
    assert batch.created == 1
    crossing = BorderCrossing.objects.get()
    assert crossing.carrier == script
    assert crossing.port_from_or_to == "<b>SG</b> &amp;"
    assert script in RawRecord.objects.get(batch=batch).values


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["empty.csv", "empty.json", "empty.jsonl"])
def test_empty_file_refused(cast: Any, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    batch = refused("border-crossing", path, cast.imigrasi)
    assert "empty" in batch.refusal
    nothing_written(batch)


@pytest.mark.django_db
def test_header_only_completes_with_no_rows(cast: Any, tmp_path: Path) -> None:
    columns, _rows = sample("border-crossing")
    path = tmp_path / "header.csv"
    path.write_text(",".join(columns) + "\r\n", encoding="utf-8")
    batch = run("border-crossing", path, cast.imigrasi)
    assert batch.status == BatchStatus.COMPLETED
    assert (batch.rows_total, batch.created, batch.rejected) == (0, 0, 0)
    assert any("no rows" in note for note in batch.notes)
    nothing_written(batch)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_missing_required_column_refused_whole(cast: Any, tmp_path: Path, fmt: str) -> None:
    columns, rows = sample("border-crossing")
    columns.remove("checkpoint")
    rows = [{c: v for c, v in row.items() if c != "checkpoint"} for row in rows]
    path = tmp_path / f"no-checkpoint.{fmt}"
    if fmt == "csv":
        path.write_text(csv_text(columns, rows), encoding="utf-8")
    elif fmt == "json":
        path.write_text(json.dumps(rows), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    batch = refused("border-crossing", path, cast.imigrasi)
    assert "checkpoint" in batch.refusal
    assert (batch.rows_total, batch.created) == (0, 0)
    nothing_written(batch)


def _pdf(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n")


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("rows.csv", "crossing_id\nX\n")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "make", "words"),
    [
        ("scan.csv", _pdf, "PDF"),
        ("archive.csv", _zip, "ZIP"),
        ("broken.json", lambda p: p.write_text('[{"crossing_id": "X",'), "JSON"),
        ("object.json", lambda p: p.write_text('{"crossing_id": "X"}'), "array"),
        ("broken.jsonl", lambda p: p.write_text('{"crossing_id": "X"\n'), "JSON"),
        ("not-a-workbook.xlsx", lambda p: p.write_text("a,b\n1,2\n"), "XLSX"),
    ],
)
def test_file_not_the_format_it_claims_refused(
    cast: Any, tmp_path: Path, name: str, make: Any, words: str
) -> None:
    path = tmp_path / name
    make(path)
    batch = refused("border-crossing", path, cast.imigrasi)
    assert words in batch.refusal
    nothing_written(batch)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_file_broken_after_good_rows_refused_and_staged_rows_removed(
    cast: Any, tmp_path: Path, monkeypatch: Any, fmt: str
) -> None:
    """Rows already kept in earlier chunks go too when a later record breaks the file."""
    monkeypatch.setattr(pipeline, "CHUNK", 1)
    _columns, rows = sample("border-crossing")
    path = tmp_path / f"half.{fmt}"
    if fmt == "json":
        text = "[" + ",\n".join(json.dumps(r) for r in rows) + ',\n{"crossing_id": "X", ]'
    else:
        text = "".join(json.dumps(r) + "\n" for r in rows) + '{"crossing_id": "X", \n'
    path.write_text(text, encoding="utf-8")
    batch = refused("border-crossing", path, cast.imigrasi)
    assert "4" in batch.refusal  # the fourth record is the broken one
    nothing_written(batch)


# --- Bad rows in a good file ------------------------------------------------------------------


@pytest.mark.django_db
def test_wrong_rows_rejected_with_every_reason_and_good_rows_kept(
    cast: Any, tmp_path: Path
) -> None:
    columns, rows = sample("border-crossing")
    bad = dict(
        rows[1],
        direction="SIDEWAYS",
        crossed_at="yesterday",
        nationality="QQQ",
        authorized_stay_until="2026-02-30",
    )
    path = tmp_path / "mixed.csv"
    path.write_text(csv_text(columns, [rows[0], bad, rows[2]]), encoding="utf-8")
    batch = run("border-crossing", path, cast.imigrasi)
    assert batch.status == BatchStatus.COMPLETED
    assert (batch.rows_total, batch.created, batch.rejected) == (3, 2, 1)
    assert sorted(BorderCrossing.objects.values_list("source_key", flat=True)) == [
        "BC-2026-03-01-000118",
        "HN-2026-03-02-000051",
    ]
    raw = RawRecord.objects.get(batch=batch, line=3)
    assert raw.status == RowStatus.REJECTED
    errors = {e["field"]: e for e in json.loads(raw.errors)}
    assert set(errors) == {"direction", "crossed_at", "nationality", "authorized_stay_until"}
    for error in errors.values():
        assert set(error) == {"field", "value", "expected"}
        assert error["expected"]
    assert errors["direction"]["value"] == "SIDEWAYS"
    assert "ARRIVAL" in errors["direction"]["expected"]
    assert errors["crossed_at"]["value"] == "yesterday"
    assert errors["nationality"]["value"] == "QQQ"
    assert errors["authorized_stay_until"]["value"] == "2026-02-30"
    # The row is kept exactly as received.
    assert json.loads(raw.values)["direction"] == "SIDEWAYS"
    assert json.loads(raw.values) == bad


@pytest.mark.django_db
def test_duplicate_keys_in_a_file_last_wins(cast: Any, tmp_path: Path) -> None:
    columns, rows = sample("border-crossing")
    first = dict(rows[0], carrier="MV Early")
    last = dict(rows[0], carrier="MV Late")
    path = tmp_path / "dupes.csv"
    path.write_text(csv_text(columns, [first, rows[1], last]), encoding="utf-8")
    batch = run("border-crossing", path, cast.imigrasi)
    assert (batch.rows_total, batch.created, batch.superseded, batch.rejected) == (3, 2, 1, 0)
    assert BorderCrossing.objects.get(source_key="BC-2026-03-01-000118").carrier == "MV Late"
    early = RawRecord.objects.get(batch=batch, line=2)
    assert early.status == RowStatus.SUPERSEDED
    [reason] = json.loads(early.errors)
    assert reason["field"] == "crossing_id"
    assert reason["value"] == "BC-2026-03-01-000118"
    assert "line 4" in reason["expected"]
    assert RawRecord.objects.get(batch=batch, line=4).status == RowStatus.CREATED

    again = run("border-crossing", path, cast.imigrasi)
    assert again.pk != batch.pk
    assert (again.created, again.updated, again.unchanged, again.superseded) == (0, 0, 2, 1)
    assert BorderCrossing.objects.count() == 2
    assert BorderCrossing.objects.get(source_key="BC-2026-03-01-000118").revision == 1
    assert not FactRevision.objects.exists()


@pytest.mark.django_db
def test_json_objects_with_different_optional_keys(cast: Any, tmp_path: Path) -> None:
    """JSON writers often leave out empty values: a key first seen on a later object counts."""
    _columns, rows = sample("residence-report")
    later = rows[0]  # has a check_out
    first = {k: v for k, v in rows[1].items() if v}  # no check_out, no latitude
    path = tmp_path / "reports.jsonl"
    path.write_text(json.dumps(first) + "\n" + json.dumps(later) + "\n", encoding="utf-8")
    batch = run("residence-report", path, cast.imigrasi)
    assert (batch.created, batch.rejected) == (2, 0)
    stay = Stay.objects.get(source_key=later["report_id"])
    assert stay.check_out is not None
    assert stay.place.latitude is not None
