"""Detection at scale: the full sweep over 1,000,000 persons, and the run after an import.

Run from the project directory (one heavy run at a time)::

    .venv/bin/python bench/detect_bench.py --persons 100000               # a quick check, SQLite
    .venv/bin/python bench/detect_bench.py                                # 1,000,000, SQLite
    .venv/bin/python bench/detect_bench.py --db postgres                  # 127.0.0.1:5432
    .venv/bin/python bench/detect_bench.py --db postgres --keep           # keep the database,
    .venv/bin/python bench/detect_bench.py --db postgres --reuse timpora_bench_detect  # reuse it

What it does, in a fresh database (an SQLite file in a temporary directory, or a PostgreSQL
database created by the script and dropped at the end unless ``--keep``), after ``timpora init``:

1. **Build** (a child process). A registry of ``--persons`` foreigners in Batam, generated
   deterministically from ``--seed`` and the as-of date by ``bench/detect_world.py`` (visitors,
   workers, residents; hotels, company housing, private hosts; the violations each rule looks
   for), about 3 crossings and 2 residence reports per person, written straight into the tables
   of ``timpora/registry/models`` with ``timpora.core.bulk.insert_rows`` (``COPY`` on
   PostgreSQL): never through the importer. Indexes and constraints are dropped during the load
   and rebuilt after it; then duplicate identities on one passport (with their
   ``IdentityConflict``) and watch-list entries (some carrying registry passports) are added,
   and PostgreSQL's statistics are refreshed (``ANALYZE``; autovacuum may be off).
2. **Full sweep** (another child process, so that its memory is its own):
   ``engine.detect(as_of)`` cold (the first sweep opens the alerts) and warm (the second: the
   alerts exist, the steady nightly case). Total seconds, rows read, per rule the counts and
   the engine's ``load_seconds`` / ``rule_seconds`` / persist seconds (from
   ``DetectionRun.counts``), the load time per table (``Frame.load_seconds``), peak RSS and the
   CPU other processes took meanwhile.
3. **Incremental run.** A 10,000-row ``border-crossing`` file (departures of visitors in the
   country, arrivals of known persons, arrivals of new persons, all on the as-of date) imported
   through ``exchange.pipeline.import_file``, whose ``batch_imported`` signal runs detection for
   the touched persons: the import's time, and the detection run's own (the last ``INCREMENTAL``
   ``DetectionRun``: ``finished_at - started_at``, and its counts); then
   ``tasks.detect_for_batch`` called again directly, timed.

``--skip RULE …`` leaves rules out (one being rewritten). The rules that run are printed,
placeholders marked.

The incremental run evaluates as of today (as the signal does): keep ``--as-of`` at its default,
today, for the two to agree. ``--reuse`` skips the build (an SQLite file path, or a PostgreSQL
database name); the sweeps start from no alerts (the detection tables are emptied first) and
each incremental file has new keys, so a kept database can be measured again. ``--profile
PREFIX`` writes a cProfile file per sweep. Results go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import detect_world as world
import duckdb
from import_bench import create_pg, drop_pg, machine_text
from screen_bench import drop_indexes
from search_bench import configure, cpu_seconds, database_backend_pid

import timpora

ROOT = Path(str(timpora.__file__)).resolve().parent.parent  # the code measured, wherever run
TARGET_SWEEP_S = 60.0
TARGET_INCREMENTAL_S = 2.0
CHUNK = 20_000  # persons per generated chunk (about 100,000 rows of facts)
INCREMENTAL_ROWS = 10_000
LISTS = ("PENANGKALAN", "PENCEGAHAN", "DPO", "INTERPOL", "SANCTIONS", "LOCAL")


# --- Memory and CPU ---------------------------------------------------------------------------


def reset_peak() -> None:
    """Start a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Meter:
    """Wall time, peak RSS and the CPU share other processes took during a step."""

    def __init__(self) -> None:
        self.backend = database_backend_pid()
        reset_peak()
        self.cpu = cpu_seconds(self.backend)
        self.began = time.perf_counter()

    def done(self) -> dict[str, Any]:
        seconds = time.perf_counter() - self.began
        cpu = cpu_seconds(self.backend)
        others = None
        if self.cpu and cpu and seconds > 0:
            others = ((cpu[0] - self.cpu[0]) - (cpu[1] - self.cpu[1])) / seconds
            own = (cpu[1] - self.cpu[1]) / seconds
        else:
            own = None
        return {"seconds": seconds, "peak_mib": peak_mib(), "others_cpu": others, "own_cpu": own}


# --- Building ---------------------------------------------------------------------------------


def _now_value() -> Any:
    from datetime import UTC

    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    if connection.vendor == "postgresql":
        return now
    return str(now.astimezone(UTC).replace(tzinfo=None))


def _run(statements: Iterable[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _max_id(model: Any) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
        return int(cursor.fetchone()[0])


def _insert(model: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from timpora.core.bulk import insert_rows

    insert_rows(model._meta.db_table, list(columns), rows)


def build_organisations(seed: int, persons: int, source_id: int, now: Any) -> world.Setting:
    """Companies (each with its mess), hotels, private hosts and crowded houses; the setting
    every chunk of persons is generated against."""
    from django.db import connection, transaction

    from timpora.core.bulk import allocate_ids
    from timpora.lib.text import fold
    from timpora.registry.models import (
        Checkpoint,
        Company,
        Kecamatan,
        Person,
        Place,
        TravelDocument,
    )

    orgs = world.organisations(seed, persons)
    rng = random.Random(f"{seed}-places")
    kecamatan = list(Kecamatan.objects.order_by("pk").values_list("pk", flat=True))

    def code() -> str:
        return f"{rng.getrandbits(128):032x}"

    with transaction.atomic():
        company_ids = allocate_ids(Company, len(orgs["companies"]))
        _insert(
            Company,
            ("id", "code", "created_at", "updated_at", "company_id", "name", "npwp", "sector",
             "address", "kelurahan", "kecamatan_id", "city", "industrial_estate", "registered",
             "source_id", "revision"),
            [(pk, code(), now, now, c["company_id"], c["name"], "", "Manufacturing",
              f"Kawasan {c['estate'] or 'Industri'} Blok {n % 40 + 1}", "",
              kecamatan[n % len(kecamatan)], "Batam", c["estate"], c["registered"],
              source_id, 1)
             for n, (pk, c) in enumerate(zip(company_ids, orgs["companies"], strict=True))],
        )  # fmt: skip
        places: list[tuple[Any, ...]] = []

        def place(kind: str, reporter: str, reporter_id: str, name: str, address: str,
                  company: int | None) -> None:  # fmt: skip
            places.append((
                code(), now, now, kind, name if kind != "PRIVATE_ADDRESS" else "", reporter,
                reporter_id, name, address, fold(address), "",
                kecamatan[rng.randrange(len(kecamatan))], "Batam", None, None, company,
            ))  # fmt: skip

        for pk, c in zip(company_ids, orgs["companies"], strict=True):
            place("COMPANY_HOUSING", "COMPANY", c["company_id"], c["name"],
                  f"Mess {c['name']}, Kawasan {c['estate'] or 'Industri'}", pk)  # fmt: skip
        for n, h in enumerate(orgs["hotels"]):
            place("LODGING", "LODGING", h["reporter_id"], h["name"],
                  f"Jl. Imam Bonjol No. {n}", None)  # fmt: skip
        for n, h in enumerate(orgs["hosts"]):
            place("PRIVATE_ADDRESS", "INDIVIDUAL", h["reporter_id"], h["name"],
                  f"Perumahan Griya {n // 100} Blok {n % 100}", None)  # fmt: skip
        for n in range(orgs["crowded"]):
            place("PRIVATE_ADDRESS", "INDIVIDUAL", f"2172{n:012d}", f"Rumah Kos {n}",
                  f"Jl. Bengkong Harapan Gg. {n}", None)  # fmt: skip
        place_ids = allocate_ids(Place, len(places))
        _insert(
            Place,
            ("id", "code", "created_at", "updated_at", "kind", "name", "reporter_type",
             "reporter_id", "reporter_name", "address", "address_key", "kelurahan",
             "kecamatan_id", "city", "latitude", "longitude", "company_id"),
            [(pk, *row) for pk, row in zip(place_ids, places, strict=True)],
        )  # fmt: skip
    n_companies, n_hotels, n_hosts = len(company_ids), len(orgs["hotels"]), len(orgs["hosts"])
    hotels = place_ids[n_companies : n_companies + n_hotels]
    return world.Setting(
        seed=seed,
        persons=persons,
        as_of="",
        vendor=connection.vendor,
        person_base=_max_id(Person),
        document_base=_max_id(TravelDocument),
        checkpoints=dict(Checkpoint.objects.values_list("code", "pk")),
        kecamatan=kecamatan,
        companies=[
            (pk, c["company_id"], c["name"], place_ids[n])
            for n, (pk, c) in enumerate(zip(company_ids, orgs["companies"], strict=True))
        ],
        company_weights=world.zipf_cumulative(n_companies),
        hotels=hotels,
        hotel_weights=world.zipf_cumulative(n_hotels),
        sloppy_hotels=frozenset(
            pk for pk, h in zip(hotels, orgs["hotels"], strict=True) if h["sloppy"]
        ),
        hosts=place_ids[n_companies + n_hotels : n_companies + n_hotels + n_hosts],
        crowded_hosts=place_ids[n_companies + n_hotels + n_hosts :],
    )


FACT_MODELS = {
    "crossings": "BorderCrossing",
    "permits": "StayPermit",
    "work_permits": "WorkPermit",
    "stays": "Stay",
    "registrations": "Registration",
}
# Columns every row of a table shares, after the generated ones.
TAILS: dict[str, tuple[tuple[str, Any], ...]] = {
    "persons": (("name_original", ""), ("place_of_birth", ""), ("needs_resolution", False),
                ("current_address", "")),
    "documents": (),
    "crossings": (),
    "permits": (("address", ""), ("kelurahan", ""), ("city", "Batam"),
                ("issuing_office", "Kantor Imigrasi Kelas I Khusus TPI Batam")),
    "work_permits": (("work_address", ""),),
    "stays": (),
    "registrations": (("kelurahan", ""), ("city", "Batam")),
}  # fmt: skip


def build(spec: argparse.Namespace) -> dict[str, Any]:
    """The build step, in its own process: returns what it loaded and how long it took."""
    configure(spec.url, Path(spec.data_dir))
    import multiprocessing

    from django.core.management import call_command
    from django.db import connection, connections, transaction

    from timpora.accounts.models import Agency
    from timpora.core.bulk import refresh_statistics
    from timpora.registry import models as registry

    seconds: dict[str, float] = {}
    began = time.perf_counter()
    call_command("init", verbosity=0)
    seconds["init"] = time.perf_counter() - began
    source = Agency.objects.get(code="IMI-BTM")
    now = _now_value()
    if connection.vendor == "sqlite":
        _run(["PRAGMA cache_size = -4000000", "PRAGMA synchronous = OFF"])

    t = time.perf_counter()
    setting = build_organisations(spec.seed, spec.persons, source.pk, now)
    setting.as_of = spec.as_of
    seconds["organisations"] = time.perf_counter() - t

    models = {
        "persons": registry.Person,
        "documents": registry.TravelDocument,
        **{name: getattr(registry, model) for name, model in FACT_MODELS.items()},
    }
    t = time.perf_counter()
    rebuild = [sql for model in models.values() for sql in drop_indexes(model._meta.db_table)]
    seconds["drop indexes"] = time.perf_counter() - t

    next_id = {name: _max_id(models[name]) + 1 for name in world.FACTS}
    counts = dict.fromkeys(world.COLUMNS, 0)
    connections.close_all()  # the generating processes are forked: no shared connection
    tasks = [
        (setting, start, min(CHUNK, spec.persons - start))
        for start in range(0, spec.persons, CHUNK)
    ]
    t = time.perf_counter()
    context = multiprocessing.get_context("fork")
    with context.Pool(max(1, spec.workers)) as pool:
        if connection.vendor == "sqlite":
            _run(["PRAGMA cache_size = -4000000", "PRAGMA synchronous = OFF"])
        for start, rows in pool.imap(world.make_chunk, tasks):
            with transaction.atomic():
                for name, generated in rows.items():
                    tail = (now, now, *(v for _, v in TAILS[name]))
                    tail_columns = ["created_at", "updated_at", *(c for c, _ in TAILS[name])]
                    if name in ("persons", "documents"):
                        first = "first_source_id"
                        _insert(
                            models[name],
                            [*world.COLUMNS[name], *tail_columns, first],
                            [(*r, *tail, source.pk) for r in generated],
                        )
                    else:
                        first_id = next_id[name]
                        prefix = f"BENCH-{world.KEY_PREFIX[name]}"
                        _insert(
                            models[name],
                            ["id", "source_key", *world.COLUMNS[name], *tail_columns,
                             "source_id", "revision"],
                            [(first_id + n, f"{prefix}{first_id + n:010d}", *r, *tail,
                              source.pk, 1) for n, r in enumerate(generated)],
                        )  # fmt: skip
                        next_id[name] += len(generated)
                    counts[name] += len(generated)
            done = start + CHUNK
            if (done // CHUNK) % 10 == 0 or done >= spec.persons:
                elapsed = time.perf_counter() - t
                print(
                    f"    {min(done, spec.persons):,} persons, {counts['crossings']:,} "
                    f"crossings, {counts['stays']:,} stays, {elapsed:.0f} s",
                    flush=True,
                )
    seconds["generate and write"] = time.perf_counter() - t

    t = time.perf_counter()
    _run(rebuild)
    seconds["rebuild indexes and constraints"] = time.perf_counter() - t

    if connection.vendor == "postgresql":  # the ids were given: move the sequences on
        _run(
            f"SELECT setval(pg_get_serial_sequence('{m._meta.db_table}', 'id'), "  # noqa: S608
            f"(SELECT MAX(id) FROM {m._meta.db_table}))"
            for m in models.values()
        )
    t = time.perf_counter()
    extras = add_conflicts_and_watchlist(spec, source.pk, now)
    seconds["conflicts and watch list"] = time.perf_counter() - t

    t = time.perf_counter()
    if connection.vendor == "postgresql":
        refresh_statistics([*models.values(), registry.Place, registry.Company,
                            registry.IdentityConflict])  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        _run(["PRAGMA wal_checkpoint(TRUNCATE)"])
    seconds["analyze"] = time.perf_counter() - t
    tables = {name: models[name].objects.count() for name in models}
    tables["places"] = registry.Place.objects.count()
    tables["companies"] = registry.Company.objects.count()
    return {
        "seconds": seconds,
        "total_s": time.perf_counter() - began,
        "rows": tables,
        "extras": extras,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def add_conflicts_and_watchlist(spec: argparse.Namespace, source_id: int, now: Any) -> dict:
    """Identities sharing a passport (with their IdentityConflict and an arrival each), and
    watch-list entries, a tenth of them carrying the passport of a registry person."""
    from django.db import transaction

    from timpora.core.bulk import allocate_ids
    from timpora.matching.models import WatchlistEntry
    from timpora.registry.models import (
        BorderCrossing,
        Checkpoint,
        IdentityConflict,
        Person,
        TravelDocument,
    )

    rng = random.Random(f"{spec.seed}-extras")
    total = Person.objects.count()
    conflicts = max(5, spec.persons // 2000)
    entries = max(100, spec.persons // 200)
    chosen = sorted(rng.sample(range(1, total + 1), conflicts + entries // 10))
    documents = {
        d["person_id"]: d
        for part in range(0, len(chosen), 2000)
        for d in TravelDocument.objects.filter(person_id__in=chosen[part : part + 2000]).values(
            "person_id", "number", "number_key", "issuing_state_id", "person__full_name",
            "person__date_of_birth", "person__sex",
        )
    }  # fmt: skip
    holders = [documents[pk] for pk in chosen if pk in documents]
    rng.shuffle(holders)
    twins, listed = holders[:conflicts], holders[conflicts:]
    checkpoint = Checkpoint.objects.get(code="BTM-BC").pk
    as_of = date.fromisoformat(spec.as_of)
    with transaction.atomic():
        persons = allocate_ids(Person, len(twins))
        docs = allocate_ids(TravelDocument, len(twins))
        crossings = allocate_ids(BorderCrossing, len(twins))
        conflict_ids = allocate_ids(IdentityConflict, len(twins))
        person_rows, doc_rows, crossing_rows, conflict_rows = [], [], [], []
        for pk, doc, crossing, conflict, d in zip(
            persons, docs, crossings, conflict_ids, twins, strict=True
        ):
            year = int(d["person__date_of_birth"][:4]) + rng.choice((-3, -1, 1, 2, 5))
            born = f"{year}{d['person__date_of_birth'][4:]}"
            name = d["person__full_name"]
            person_rows.append({
                "id": pk, "full_name": name, "given_names": name.split()[0],
                "surname": name.split()[-1], "sex": d["person__sex"], "date_of_birth": born,
                "nationality_id": d["issuing_state_id"], "first_source_id": source_id,
                "first_source_kind": "border-crossing", "first_source_key": f"BENCH-TWIN-{pk}",
            })  # fmt: skip
            doc_rows.append({
                "id": doc, "person_id": pk, "number": d["number"], "number_key": d["number_key"],
                "issuing_state_id": d["issuing_state_id"], "first_source_id": source_id,
            })  # fmt: skip
            day = as_of.toordinal() - rng.randint(1, 200)
            crossing_rows.append({
                "id": crossing, "person_id": pk, "document_id": doc, "source_id": source_id,
                "source_key": f"BENCH-TWIN-BC-{crossing}", "direction": "ARRIVAL",
                "checkpoint_id": checkpoint,
                "crossed_at": datetime.fromisoformat(
                    f"{date.fromordinal(day).isoformat()}T10:00:00+07:00"
                ),
                "permit_type": "BVK",
                "authorized_stay_until": date.fromordinal(day + 29),
            })  # fmt: skip
            conflict_rows.append({
                "id": conflict, "number_key": d["number_key"],
                "issuing_state_id": d["issuing_state_id"], "person_id": d["person_id"],
                "other_person_id": pk, "reasons": ["date_of_birth"], "source_id": source_id,
                "kind": "border-crossing", "source_key": f"BENCH-TWIN-BC-{crossing}",
            })  # fmt: skip
        from timpora.core.bulk import insert_model_rows

        insert_model_rows(Person, person_rows)
        insert_model_rows(TravelDocument, doc_rows)
        insert_model_rows(BorderCrossing, crossing_rows)
        insert_model_rows(IdentityConflict, conflict_rows)

        entry_ids = allocate_ids(WatchlistEntry, entries)
        entry_rows = []
        for n, pk in enumerate(entry_ids):
            if n < len(listed):
                d = listed[n]
                name, born = d["person__full_name"], d["person__date_of_birth"]
                nationality, numbers = d["issuing_state_id"], [d["number"]]
            else:
                name = f"{rng.choice(world.GIVEN)} {rng.choice(world.SURNAMES)}"
                born = (
                    f"{rng.randint(1950, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                )
                nationality = rng.choice(("CHN", "MYS", "SGP", "IND", "RUS", "NGA", "IRN"))
                numbers = [f"W{rng.randrange(10**8):08d}"] if rng.random() < 0.5 else []
            entry_rows.append({
                "id": pk, "source_id": source_id, "source_key": f"BENCH-WL-{pk}",
                "list": LISTS[n % len(LISTS)], "entry_id": f"WL{n:07d}", "full_name": name,
                "sex": "", "date_of_birth": born, "nationalities": [nationality],
                "passport_numbers": numbers, "reason": "Benchmark entry",
                "action_on_hit": "Refer to the supervisor on duty", "owning_agency": "IMI-BTM",
                "valid_from": date(2020, 1, 1),
            })  # fmt: skip
        insert_model_rows(WatchlistEntry, entry_rows)
    return {"twins": len(twins), "watchlist_entries": entries, "listed_persons": len(listed)}


# --- Measuring --------------------------------------------------------------------------------


def rule_modules() -> dict[str, bool]:
    """Rule code → True when the module is real (not the skeleton's placeholder)."""
    from timpora.detection.rules import RULES

    return {
        code: "PLACEHOLDER" not in (sys.modules[rule.evaluate.__module__].__doc__ or "")
        for code, rule in RULES.items()
    }


class Frames:
    """Keep the frames the engine creates, to read their load time per table afterwards."""

    def __init__(self) -> None:
        from timpora.detection import engine
        from timpora.detection.frame import Frame

        self.made: list[Any] = []
        made = self.made

        class Recording(Frame):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                made.append(self)

        engine.Frame = Recording  # type: ignore[misc]

    def take(self) -> dict[str, Any]:
        """The last frame's load time and rows per table; the frame is let go."""
        if not self.made:
            return {}
        frame = self.made[-1]
        tables = {}
        for name, seconds in frame.load_seconds.items():
            try:
                rows = frame.db.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # noqa: S608
            except duckdb.Error:  # a table the loader named otherwise
                rows = None
            tables[name] = {"seconds": round(seconds, 3), "rows": rows}
        return {"rows_read": frame.rows_read, "tables": tables}

    def status_sample(self, rng: random.Random, in_country: int, away: int) -> dict[str, list]:
        """From the sweep's frame: visitors in the country at D (their last crossing an
        arrival before D) and persons whose last crossing was a departure."""
        frame = self.made[-1]
        frame.use("status")
        here = frame.rows(
            "SELECT person_id FROM status WHERE in_country AND last_direction = 'ARRIVAL' "
            "AND CAST(last_crossed_at AS DATE) < $as_of ORDER BY person_id"
        )
        gone = frame.rows(
            "SELECT person_id FROM status WHERE last_direction = 'DEPARTURE' "
            "AND CAST(last_crossed_at AS DATE) < $as_of ORDER BY person_id"
        )
        return {
            "here": rng.sample([r[0] for r in here], min(in_country, len(here))),
            "gone": rng.sample([r[0] for r in gone], min(away, len(gone))),
        }

    def clear(self) -> None:
        for frame in self.made:
            frame.db.close()
        self.made.clear()


def sweep(as_of: date, frames: Frames, profile: str | None, label: str) -> dict[str, Any]:
    from timpora.detection.engine import detect

    meter = Meter()
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        run = profiler.runcall(detect, as_of)
        profiler.dump_stats(f"{profile}-{label}.prof")
    else:
        run = detect(as_of)
    measured = meter.done()
    return {**measured, "counts": run.counts, "frame": frames.take()}


def incremental_file(
    path: Path, frames: Frames, as_of: date, seed: int, tag: str
) -> dict[str, int]:
    """10,000 border-crossing rows on the as-of date: 40 % departures of persons in the
    country, 30 % arrivals of persons who had left, 30 % arrivals of new persons."""
    from timpora.registry.models import TravelDocument
    from timpora.registry.records import COLUMNS

    rng = random.Random(f"{seed}-incremental-{tag}")
    departures, returns = INCREMENTAL_ROWS * 4 // 10, INCREMENTAL_ROWS * 3 // 10
    sample = frames.status_sample(rng, departures, returns)
    wanted = sample["here"] + sample["gone"]
    identities: dict[int, dict[str, Any]] = {}
    for part in range(0, len(wanted), 2000):
        for d in TravelDocument.objects.filter(person_id__in=wanted[part : part + 2000]).values(
            "person_id", "number", "issuing_state_id", "person__full_name",
            "person__date_of_birth", "person__sex", "person__nationality_id",
        ):  # fmt: skip
            identities.setdefault(d["person_id"], dict(d))

    def identity(d: dict[str, Any]) -> dict[str, str]:
        name = d["person__full_name"]
        return {
            "full_name": name, "given_names": name.split()[0], "surname": name.split()[-1],
            "sex": d["person__sex"], "date_of_birth": d["person__date_of_birth"],
            "nationality": d["person__nationality_id"], "passport_number": d["number"],
            "passport_issuing_state": d["issuing_state_id"],
        }  # fmt: skip

    day = as_of.isoformat()
    rows: list[dict[str, str]] = []
    counts = {"departures": 0, "returns": 0, "new": 0}

    def add(who: dict[str, str], direction: str, permit: str, what: str) -> None:
        n = len(rows)
        minute = 6 * 60 + rng.randrange(14 * 60)
        row = {
            **who,
            "crossing_id": f"BENCH-INC-{tag}-{n:06d}",
            "direction": direction,
            "checkpoint": rng.choice(("BTM-BC", "BTM-BC", "BTM-HB", "BTM-SK", "BTM-HN")),
            "crossed_at": f"{day}T{minute // 60:02d}:{minute % 60:02d}:00+07:00",
            "permit_type": permit,
            "authorized_stay_until": (
                date.fromordinal(as_of.toordinal() + 29).isoformat()
                if direction == "ARRIVAL"
                else ""
            ),
            "carrier": "BATAM FAST",
            "port_from_or_to": "SINGAPORE HARBOURFRONT",
        }
        rows.append(row)
        counts[what] += 1

    for pk in sample["here"]:
        if pk in identities:
            add(identity(identities[pk]), "DEPARTURE", "", "departures")
    for pk in sample["gone"]:
        if pk in identities:
            add(identity(identities[pk]), "ARRIVAL", rng.choice(("BVK", "BVK", "VOA")), "returns")
    n = 0
    while len(rows) < INCREMENTAL_ROWS:
        nationality = rng.choice(("SGP", "SGP", "MYS", "CHN", "IND", "KOR"))
        name = f"{rng.choice(world.GIVEN)} {rng.choice(world.SURNAMES)}"
        add({
            "full_name": name, "given_names": name.split()[0], "surname": name.split()[-1],
            "sex": rng.choice("MF"),
            "date_of_birth": f"{rng.randint(1955, 2005)}-{rng.randint(1, 12):02d}-"
                             f"{rng.randint(1, 28):02d}",
            "nationality": nationality,
            "passport_number": f"N{tag[-3:]}{n:07d}", "passport_issuing_state": nationality,
        }, "ARRIVAL", rng.choice(("BVK", "BVK", "VOA")), "new")  # fmt: skip
        n += 1
    kind = "border-crossing"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS[kind], lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return counts


def incremental(spec: argparse.Namespace, frames: Frames, as_of: date) -> dict[str, Any]:
    from django.utils import timezone

    from timpora.accounts.models import Agency
    from timpora.detection.choices import RunKind
    from timpora.detection.models import DetectionRun
    from timpora.detection.tasks import detect_for_batch
    from timpora.exchange.choices import Channel
    from timpora.exchange.models import ImportBatch
    from timpora.exchange.pipeline import import_file
    from timpora.exchange.signals import batch_imported

    tag = f"{ImportBatch.objects.count():03d}"
    path = Path(spec.data_dir) / f"crossings-{tag}.csv"
    t = time.perf_counter()
    made = incremental_file(path, frames, as_of, spec.seed, tag)
    written_s = time.perf_counter() - t
    frames.clear()
    if timezone.localdate() != as_of:
        print(f"  note: the import's detection runs as of today ({timezone.localdate()}), "
              f"not {as_of}", flush=True)  # fmt: skip

    touched: dict[str, Any] = {}

    def listen(sender: Any, *, batch: Any, person_ids: list[int], company_ids: list[str],
               **kwargs: Any) -> None:  # fmt: skip
        touched.update(batch=batch.pk, persons=list(person_ids), companies=list(company_ids))

    batch_imported.connect(listen, dispatch_uid="detect_bench.listen")
    source = Agency.objects.get(code="IMI-BTM")
    last_before = DetectionRun.objects.filter(kind=RunKind.INCREMENTAL).order_by("-pk").first()
    meter = Meter()
    batch = import_file("border-crossing", path, source=source, user=None, channel=Channel.COMMAND)
    imported = meter.done()
    run = DetectionRun.objects.filter(kind=RunKind.INCREMENTAL).order_by("-pk").first()
    detection: dict[str, Any] = {}
    if run is not None and (last_before is None or run.pk != last_before.pk):
        detection = {
            "seconds": (run.finished_at - run.started_at).total_seconds()
            if run.finished_at else None,
            "subjects": run.subjects,
            "counts": run.counts,
            "frame": frames.take(),
        }  # fmt: skip
    frames.clear()
    direct: dict[str, Any] = {}
    if touched:
        meter = Meter()
        again = detect_for_batch(touched["batch"], touched["persons"], touched["companies"])
        direct = {**meter.done(), "counts": again.counts if again else {},
                  "subjects": again.subjects if again else 0, "frame": frames.take()}  # fmt: skip
        frames.clear()
        from timpora.detection.engine import scope_of_persons

        t = time.perf_counter()
        scope = scope_of_persons(touched["persons"])
        direct["scope_seconds"] = time.perf_counter() - t
        direct["scope"] = {
            "persons": len(scope.person_ids), "places": len(scope.place_ids),
            "companies": len(scope.company_ids),
        }  # fmt: skip
    return {
        "file": made,
        "file_seconds": written_s,
        "import": {
            **imported,
            "rows": batch.rows_total,
            "status": batch.status,
            "created": batch.created,
            "updated": batch.updated,
            "unchanged": batch.unchanged,
            "rejected": batch.rejected,
            "persons_created": batch.persons_created,
        },
        "touched_persons": len(touched.get("persons", [])),
        "detection": detection,
        "direct": direct,
    }


def measure(spec: argparse.Namespace) -> dict[str, Any]:
    """The sweeps and the incremental run, in their own process."""
    configure(spec.url, Path(spec.data_dir))
    from django.db import connection
    from django.db.models import Count

    from timpora.detection.models import Alert, AlertEvent, DetectionRun

    as_of = date.fromisoformat(spec.as_of)
    through = Alert.agencies.through
    with connection.cursor() as cursor:  # a kept database: start from no alerts
        for model in (AlertEvent, through, Alert, DetectionRun):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
    result: dict[str, Any] = {"rules": rule_modules(), "database": database_version()}
    skipped = set(spec.skip or ())
    if skipped:
        from timpora.detection import rules as registry

        for code in skipped:
            registry.RULES.pop(code, None)
    frames = Frames()
    print(f"  cold sweep as of {as_of} ...", flush=True)
    result["cold"] = sweep(as_of, frames, spec.profile, "cold")
    print(f"    {result['cold']['seconds']:.1f} s", flush=True)
    frames.clear()
    print("  warm sweep ...", flush=True)
    result["warm"] = sweep(as_of, frames, spec.profile, "warm")
    print(f"    {result['warm']['seconds']:.1f} s", flush=True)
    if not spec.no_incremental:
        print(f"  incremental: import of {INCREMENTAL_ROWS:,} crossings ...", flush=True)
        result["incremental"] = incremental(spec, frames, as_of)
        print(f"    import {result['incremental']['import']['seconds']:.1f} s", flush=True)
    result["alerts"] = {
        f"{rule} {status}": n
        for rule, status, n in Alert.objects.values_list("rule", "status")
        .annotate(n=Count("pk"))
        .order_by("rule", "status")
    }
    return result


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0].split()[0]
        cursor.execute("SELECT sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]


# --- Child processes --------------------------------------------------------------------------

WORKERS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "build": build,
    "measure": measure,
}


def run_worker(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run step ``name`` in a child process of its own; return what it measured."""
    folder = Path(args.data_dir)
    out, spec_path = folder / f"result-{name}.json", folder / f"spec-{name}.json"
    spec_path.write_text(json.dumps({k: v for k, v in vars(args).items() if k != "worker"}))
    subprocess.run(  # noqa: S603  (this very script, with a spec file it wrote)
        [sys.executable, __file__, "--worker", name, "--spec", str(spec_path), "--out", str(out)],
        check=True,
    )
    return json.loads(out.read_text())


# --- Report -----------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "?" if value is None else f"{value:.0%}"


def _rule_table(counts: dict[str, Any], order: Sequence[str]) -> list[str]:
    """Per rule, in the order of evaluation (PostgreSQL's jsonb keeps no key order)."""
    lines = [
        "| rule | fired | opened | updated | resolved | load s | rule s | persist s | total s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for code in order:
        c = counts.get(code)
        if c is None:
            continue
        persist = c["seconds"] - c.get("load_seconds", 0) - c.get("rule_seconds", 0)
        lines.append(
            f"| {code} | {c.get('fired', 0):,} | {c.get('opened', 0):,} | "
            f"{c.get('updated', 0):,} | {c.get('resolved', 0):,} | "
            f"{c.get('load_seconds', 0):.2f} | {c.get('rule_seconds', 0):.2f} | "
            f"{persist:.2f} | {c['seconds']:.2f} |"
        )
    return lines


def _tables(frame: dict[str, Any]) -> str:
    tables = frame.get("tables", {})
    return ", ".join(
        f"{name} {t['seconds']:.2f} s ({t['rows']:,} rows)" if t["rows"] is not None
        else f"{name} {t['seconds']:.2f} s"
        for name, t in sorted(tables.items(), key=lambda kv: -kv[1]["seconds"])
    )  # fmt: skip


def report(args: argparse.Namespace, built: dict[str, Any] | None, m: dict[str, Any]) -> None:
    print(f"\n## Detection, {args.db}, {args.persons:,} persons\n")
    print(f"Machine: {machine_text()}; {platform.platform()}")
    print(f"Database: {m['database']}")
    print(f"Command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"Code: {CODE}")
    real = [c for c, ok in m["rules"].items() if ok]
    placeholders = [c for c, ok in m["rules"].items() if not ok]
    print(f"Rules run: {len(m['rules'])} registered; real: {', '.join(real) or 'none'}"
          + (f"; placeholders (evaluate nothing): {', '.join(placeholders)}" if placeholders
             else ""))  # fmt: skip
    if args.skip:
        print(f"Skipped with --skip: {', '.join(args.skip)}")
    print(f"As of: {args.as_of}")
    if built:
        print("\nBuild: " + ", ".join(f"{k} {v:,}" for k, v in built["rows"].items()))
        print("  " + ", ".join(f"{k} {v:.1f} s" for k, v in built["seconds"].items())
              + f"; total {built['total_s']:.0f} s; extras {built['extras']}")  # fmt: skip
    for label in ("cold", "warm"):
        s = m[label]
        total = s["counts"].get("_total", {})
        print(f"\n### Full sweep, {label}: {s['seconds']:.1f} s "
              f"(engine {total.get('seconds', 0):.1f} s, of which loading "
              f"{total.get('load_seconds', 0):.1f} s), {total.get('rows_read', 0):,} rows read, "
              f"peak RSS {s['peak_mib']:,.0f} MiB, CPU of other processes "
              f"{_pct(s['others_cpu'])} of one core\n")  # fmt: skip
        print("\n".join(_rule_table(s["counts"], list(m["rules"]))))
        print(f"\nLoad per table: {_tables(s['frame'])}")
    inc = m.get("incremental")
    if inc:
        imp, det, direct = inc["import"], inc["detection"], inc["direct"]
        print(f"\n### Incremental run after a {imp['rows']:,}-row border-crossing import\n")
        print(
            f"File: {inc['file']}; import {imp['status']}: created {imp['created']:,}, "
            f"updated {imp['updated']:,}, rejected {imp['rejected']:,}, new persons "
            f"{imp['persons_created']:,}; touched persons {inc['touched_persons']:,}"
        )
        print(
            f"Import, end to end (detection included): {imp['seconds']:.2f} s, peak RSS "
            f"{imp['peak_mib']:,.0f} MiB, CPU of other processes {_pct(imp['others_cpu'])}"
        )
        if det:
            total = det["counts"].get("_total", {})
            print(f"Detection run of the import (DetectionRun INCREMENTAL): {det['seconds']:.2f} s "
                  f"for {det['subjects']:,} subjects; engine {total.get('seconds', 0):.2f} s, "
                  f"loading {total.get('load_seconds', 0):.2f} s, "
                  f"{total.get('rows_read', 0):,} rows read")  # fmt: skip
            print("\n".join(_rule_table(det["counts"], list(m["rules"]))))
            print(f"\nLoad per table: {_tables(det['frame'])}")
        if direct:
            total = direct["counts"].get("_total", {})
            print(f"\ntasks.detect_for_batch again, directly: {direct['seconds']:.2f} s "
                  f"(scope_of_persons {direct['scope_seconds']:.2f} s: {direct['scope']}; "
                  f"engine {total.get('seconds', 0):.2f} s), CPU of other processes "
                  f"{_pct(direct['others_cpu'])}")  # fmt: skip
            print(f"Load per table: {_tables(direct['frame'])}")
    print("\n### Against the figures of the issue\n")
    for label in ("cold", "warm"):
        seconds = m[label]["seconds"]
        verdict = "met" if seconds <= TARGET_SWEEP_S else "NOT met"
        print(f"Full sweep ({label}): {seconds:.1f} s, target {TARGET_SWEEP_S:.0f} s: {verdict}")
    if inc and inc["detection"]:
        seconds = inc["detection"]["seconds"]
        verdict = "met" if seconds <= TARGET_INCREMENTAL_S else "NOT met"
        print(f"Incremental detection after the import: {seconds:.2f} s (directly "
              f"{inc['direct'].get('seconds', 0):.2f} s), target {TARGET_INCREMENTAL_S:.0f} s: "
              f"{verdict}")  # fmt: skip
    print(f"\nAlerts in the database: {m['alerts']}")


CODE = ", ".join(
    f"{name} {hashlib.sha256((ROOT / 'timpora/detection' / name).read_bytes()).hexdigest()[:10]}"
    for name in ("frame.py", "engine.py", "actions.py")
)


# --- Main -------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/timpora_bench_detect",
                        help="server and name of the PostgreSQL database to create")  # fmt: skip
    parser.add_argument(
        "--reuse", help="skip the build: an SQLite file, or a PostgreSQL database name"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database (and directory)")
    parser.add_argument("--as-of", default=None, help="the date of the sweeps (default: today)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=1, help="processes generating rows")
    parser.add_argument("--skip", nargs="*", help="rules left out (e.g. one being rewritten)")
    parser.add_argument("--no-incremental", action="store_true")
    parser.add_argument("--profile", help="cProfile each sweep to PREFIX-cold.prof, -warm.prof")
    parser.add_argument("--json", help="write all results to this file")
    parser.add_argument("--worker", choices=tuple(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)  # fmt: skip

    if args.worker:  # a child process: its arguments come from the parent's spec file
        spec = argparse.Namespace(**json.loads(Path(args.spec).read_text()))
        result = WORKERS[args.worker](spec)
        Path(args.out).write_text(json.dumps(result, default=str))
        return

    if args.as_of is None:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Jakarta"))
        args.as_of = datetime.now(zone).date().isoformat()
    root = Path(tempfile.mkdtemp(prefix="timpora-detect-bench-"))
    args.data_dir = str(root)
    created_pg = None
    try:
        if args.db == "postgres":
            base = args.pg_url
            name = args.reuse or urlsplit(base).path.lstrip("/")
            if not name.startswith("timpora_bench_detect"):
                sys.exit("The PostgreSQL database name must start with timpora_bench_detect.")
            if args.reuse:
                args.url = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
            else:
                args.url = create_pg(base, name)
                created_pg = name
        elif args.reuse:
            args.url = f"sqlite:///{Path(args.reuse).resolve()}"
        else:
            args.url = f"sqlite:///{root / 'bench.sqlite3'}"
        built = None
        if not args.reuse:
            print(f"Building {args.persons:,} persons ({args.db}, as of {args.as_of}) in {root}",
                  flush=True)  # fmt: skip
            built = run_worker("build", args)
            print(f"  built in {built['total_s']:.0f} s: {built['rows']}", flush=True)
        print("Measuring", flush=True)
        measured = run_worker("measure", args)
        report(args, built, measured)
        if args.json:
            Path(args.json).write_text(
                json.dumps({"args": vars(args), "build": built, "measure": measured}, default=str)
            )
    finally:
        if created_pg and not args.keep:
            drop_pg(args.pg_url, created_pg)
        elif created_pg:
            print(f"\nKept PostgreSQL database {created_pg} (--reuse {created_pg})")
        if args.keep:
            print(f"Kept {root}" + ("" if args.db == "postgres" else
                                    f" (--reuse {root / 'bench.sqlite3'})"))  # fmt: skip
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
