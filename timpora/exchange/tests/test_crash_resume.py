"""An import stopped at any moment and started again ends exactly as one clean run would."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from timpora.exchange import pipeline
from timpora.exchange.choices import BatchStatus, RowStatus
from timpora.exchange.export import export_rows
from timpora.exchange.models import ImportBatch, RawRecord
from timpora.exchange.pipeline import import_file
from timpora.registry.models import (
    BorderCrossing,
    FactRevision,
    IdentityConflict,
    Person,
    TravelDocument,
)

COLUMNS = [
    "crossing_id",
    "direction",
    "checkpoint",
    "crossed_at",
    "full_name",
    "date_of_birth",
    "nationality",
    "passport_number",
    "authorized_stay_until",
]


def crossings(path: Path, count: int) -> Path:
    """``count`` crossings: each person arrives, then leaves (two rows per passport)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for i in range(count):
            person = i // 2
            arrival = i % 2 == 0
            writer.writerow(
                [
                    f"BC-{i:06d}",
                    "ARRIVAL" if arrival else "DEPARTURE",
                    "BTM-HB" if person % 3 else "BTM-BC",
                    f"2026-03-{1 + person % 20:02d}T{8 + i % 2 * 9:02d}:{i % 60:02d}:00+07:00",
                    f"PERSON NUMBER {person}",
                    f"{1950 + person % 50}-0{1 + person % 9}-1{person % 10}",
                    ("SGP", "MYS", "CHN", "IND")[person % 4],
                    f"P{person:08d}",
                    "2026-04-30" if arrival else "",
                ]
            )
    return path


# --- In process: an exception in the middle of a batch -------------------------------------


def snapshot() -> dict[str, Any]:
    return {
        "rows": sorted(sorted(row.items()) for _pk, row in export_rows("border-crossing")),
        "crossings": BorderCrossing.objects.count(),
        "persons": sorted(
            Person.objects.values_list(
                "full_name", "date_of_birth", "in_country", "authorised_until"
            )
        ),
        "documents": sorted(TravelDocument.objects.values_list("number_key", "issuing_state")),
        "revisions": FactRevision.objects.count(),
        "conflicts": IdentityConflict.objects.count(),
    }


def flush() -> None:
    BorderCrossing.objects.all().delete()
    Person.objects.all().delete()


def counts(batch: ImportBatch) -> tuple[int, ...]:
    return (
        batch.rows_total,
        batch.created,
        batch.updated,
        batch.unchanged,
        batch.rejected,
        batch.superseded,
        batch.persons_created,
    )


class BoomError(Exception):
    pass


def failing_on_call(original: Any, number: int) -> Any:
    calls = {"n": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == number:
            raise BoomError(f"crash in call {number}")
        return original(*args, **kwargs)

    return wrapper


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["_write", "insert_rows", "refresh_derived"])
def test_a_batch_that_failed_midway_continues_to_the_same_end(
    cast: Any, tmp_path: Path, monkeypatch: Any, where: str
) -> None:
    path = crossings(tmp_path / "crossings.csv", 23)
    monkeypatch.setattr(pipeline, "CHUNK", 5)
    original = getattr(pipeline, where)
    # The derived facts are refreshed once, at the end: make that first call fail.
    monkeypatch.setattr(
        pipeline, where, failing_on_call(original, 1 if where == "refresh_derived" else 2)
    )
    with pytest.raises(BoomError):
        import_file("border-crossing", path, source=cast.imigrasi, user=None)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.APPLYING
    if where == "refresh_derived":
        # Every chunk was committed; only the end is missing.
        assert BorderCrossing.objects.count() == batch.created == 23
        assert not Person.objects.filter(in_country__isnull=False).exists()
    else:
        # The first chunk (its raw rows and its facts, together) was committed; the second not.
        assert BorderCrossing.objects.count() == batch.created == 5
        assert RawRecord.objects.count() == 5
        assert batch.staged_through == 6  # header on line 1, the first five rows on 2 to 6

    monkeypatch.setattr(pipeline, where, original)
    resumed = import_file("border-crossing", path, source=cast.imigrasi, user=None)
    assert resumed.pk == batch.pk  # the same batch continued, not a new one
    assert ImportBatch.objects.count() == 1
    resumed.refresh_from_db()
    assert resumed.status == BatchStatus.COMPLETED
    assert counts(resumed) == (23, 23, 0, 0, 0, 0, 12)
    assert resumed.processed == resumed.rows_total
    assert RawRecord.objects.filter(batch=resumed).count() == 23
    assert set(RawRecord.objects.values_list("status", flat=True)) == {RowStatus.CREATED}
    assert BorderCrossing.objects.count() == 23
    after_crash = snapshot()

    flush()
    monkeypatch.setattr(pipeline, "CHUNK", 5000)
    clean = import_file("border-crossing", path, source=cast.imigrasi, user=None)
    assert counts(clean) == counts(resumed)
    assert snapshot() == after_crash


# --- A real kill: the process dies with SIGKILL ---------------------------------------------


def _env(data_dir: Path, db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{db}",
            "TIMPORA_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "timpora.settings",
        }
    )
    return env


def _timpora(*args: str) -> list[str]:
    return [sys.executable, "-m", "timpora.cli", *args]


def _query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
        return connection.execute(sql).fetchall()


def _created_so_far(db: Path) -> int:
    try:
        rows = _query(db, "SELECT COALESCE(SUM(created), 0) FROM exchange_importbatch")
    except sqlite3.OperationalError:  # locked, or not yet created
        return 0
    return int(rows[0][0])


def _facts(db: Path) -> dict[str, Any]:
    pairs = _query(
        db,
        "SELECT c.source_key, d.number_key, d.issuing_state_id, c.direction, c.crossed_at "
        "FROM registry_bordercrossing c JOIN registry_traveldocument d ON d.id = c.document_id",
    )
    return {
        "crossings": sorted(pairs),
        "distinct keys": _query(
            db, "SELECT COUNT(DISTINCT source_key), COUNT(*) FROM registry_bordercrossing"
        ),
        "persons": sorted(
            _query(
                db,
                "SELECT full_name, date_of_birth, in_country, authorised_until "
                "FROM registry_person",
            )
        ),
        "documents": _query(db, "SELECT COUNT(*) FROM registry_traveldocument"),
        "revisions": _query(db, "SELECT COUNT(*) FROM registry_factrevision"),
        "batches": _query(
            db,
            "SELECT status, rows_total, created, updated, unchanged, rejected, superseded, "
            "persons_created FROM exchange_importbatch",
        ),
        "raw rows": _query(
            db, "SELECT status, COUNT(*), COUNT(DISTINCT line) FROM exchange_rawrecord GROUP BY 1"
        ),
    }


def test_an_import_killed_with_sigkill_resumes_to_the_same_end(tmp_path: Path) -> None:
    rows = 30_000
    data = crossings(tmp_path / "crossings.csv", rows)
    killed_dir, clean_dir = tmp_path / "killed", tmp_path / "clean"
    killed_dir.mkdir()
    clean_dir.mkdir()
    killed_db, clean_db = killed_dir / "db.sqlite3", clean_dir / "db.sqlite3"
    subprocess.run(  # noqa: S603  (our own interpreter and module)
        _timpora("init"), env=_env(killed_dir, killed_db), check=True, capture_output=True
    )
    shutil.copy(killed_db, clean_db)
    imported = ("import", "border-crossing", str(data), "--source", "IMI-BTM")

    clean = subprocess.Popen(  # noqa: S603  (our own interpreter and module)
        _timpora(*imported),
        env=_env(clean_dir, clean_db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    victim = subprocess.Popen(  # noqa: S603  (our own interpreter and module)
        _timpora(*imported),
        env=_env(killed_dir, killed_db),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while _created_so_far(killed_db) == 0 and victim.poll() is None:
        assert time.monotonic() < deadline, "the import never committed a chunk of facts"
        time.sleep(0.02)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert victim.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    [(status, created)] = _query(killed_db, "SELECT status, created FROM exchange_importbatch")
    assert status != BatchStatus.COMPLETED
    assert 0 < created < rows

    again = subprocess.run(  # noqa: S603  (our own interpreter and module)
        _timpora(*imported), env=_env(killed_dir, killed_db), capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    _out, err = clean.communicate(timeout=120)
    assert clean.returncode == 0, err

    killed, reference = _facts(killed_db), _facts(clean_db)
    assert killed["distinct keys"] == [(rows, rows)]
    assert len(killed["crossings"]) == rows
    assert killed["batches"] == [("COMPLETED", rows, rows, 0, 0, 0, 0, rows // 2)]
    assert killed["raw rows"] == [("CREATED", rows, rows)]
    assert killed == reference
