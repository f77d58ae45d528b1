"""Import pipeline: rows per second end to end, peak memory, and references to compare with.

Run from the project directory::

    .venv/bin/python bench/import_bench.py --rows 100000                 # both databases
    .venv/bin/python bench/import_bench.py --database sqlite             # 1,000,000 rows a file
    .venv/bin/python bench/import_bench.py --rows 100000 --database sqlite --profile /tmp/imp

It generates, deterministically and streamed to CSV files in a temporary directory, ``--rows``
``residence-report`` rows and as many ``border-crossing`` rows about ``--rows`` x 0.3 persons
(names of several nationalities, Han and Hangul ``name_original``, Batam checkpoints and
kecamatan, several thousand lodgings), then for each database, on a fresh database each time:

1. imports both files through ``exchange.pipeline.import_file`` in a child process (so that its
   peak memory, ``ru_maxrss``, is the import's), with the time of each phase, then imports the
   residence file again (every row unchanged);
2. imports the first ``--naive-rows`` residence rows through a naive per-row ORM loop
   (``parse_row``, then get-or-create the person, document and place, ``Stay.objects.create``)
   into another fresh database, for the ratio pipeline : naive;
3. loads the same CSV files into a bare table of text columns with PostgreSQL's own ``COPY``
   (on SQLite: ``executemany`` of the ``csv`` module's rows), the physical reference.

PostgreSQL databases are created and dropped by the script (``--pg-url`` names the server and
the database name prefix). ``--profile PREFIX`` writes a cProfile file per import. To measure
one commit while the working tree changes, extract it and put it first on the path; the child
processes inherit it::

    mkdir /tmp/tree && git archive HEAD | tar -x -C /tmp/tree
    PYTHONPATH=/tmp/tree .venv/bin/python bench/import_bench.py --rows 100000

Results go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from search_bench import configure, cpu_seconds, database_backend_pid
from search_names import NATIONALITIES, _words, make_identity, make_passport, tail_surnames

SHARED_DATA = Path("/work/shared/data")
RESIDENCE, CROSSING = "residence-report", "border-crossing"
KINDS = (RESIDENCE, CROSSING)
TARGET_ROWS_PER_S = 50_000
TARGET_RSS_MIB = 1024

# --- Generating the files (a child process of its own) ---------------------------------------

WIB = timezone(timedelta(hours=7))  # the files write +07:00, as Batam's systems do
START = datetime(2024, 1, 1, tzinfo=WIB)
SPAN_MINUTES = 820 * 24 * 60  # 2024-01-01 .. about 2026-03-31
LODGING_WORDS = _words(
    "Harbour Bay Nagoya Marina Sukajadi Golden Pelangi Nusantara Emerald Citra Panorama Sahid "
    "Swiss-Belhotel Amaris Aston Whiz Pacific Planet Holiday Nongsa Sekupang Batam Center Baloi "
    "Permata Indah Mutiara Kenanga Melati Anggrek Sakura Bintang Samudra Jaya Harmoni"
)
LODGING_KINDS = ("Hotel", "Hotel", "Hotel", "Guest House", "Homestay", "Villa", "Kost",
                 "Apartemen", "Residence", "Inn")  # fmt: skip
STREETS = (
    "Jl. Imam Bonjol",
    "Jl. Raja Ali Haji",
    "Jl. Sudirman",
    "Jl. Engku Putri",
    "Jl. Duyung",
    "Jl. Teuku Umar",
    "Jl. Gajah Mada",
    "Jl. Laksamana Bintan",
    "Jl. Ahmad Yani",
    "Jl. Bunga Raya",
    "Jl. Sriwijaya",
    "Jl. Hang Tuah",
    "Jl. Hang Jebat",
    "Jl. Pembangunan",
    "Jl. Kartini",
    "Jl. Brigjen Katamso",
    "Jl. Yos Sudarso",
    "Jl. Diponegoro",
)
PERMITS = (("BVK", 50), ("VOA", 25), ("ITAS", 12), ("ITK", 8), ("ITAP", 3), ("", 2))
PURPOSES = (("TOURISM", 55), ("BUSINESS", 24), ("WORK", 10), ("FAMILY", 6), ("MEDICAL", 2),
            ("TRANSIT", 1), ("", 2))  # fmt: skip
CHECKPOINT_WEIGHTS = {"BTM-BC": 45, "BTM-HB": 20, "BTM-SK": 12, "BTM-NP": 7, "BTM-MTS": 2,
                      "BTM-HN": 14}  # fmt: skip
FERRIES = ("BATAM FAST", "MAJESTIC FAST FERRY", "SINDO FERRY", "HORIZON FAST FERRY")
FERRY_PORTS = ("SINGAPORE HARBOURFRONT", "SINGAPORE TANAH MERAH", "JOHOR BAHRU STULANG LAUT",
               "PUTERI HARBOUR")  # fmt: skip
FLIGHTS = (("GA 153", "JAKARTA"), ("QZ 7583", "KUALA LUMPUR"), ("ID 7136", "JAKARTA"),
           ("JT 973", "MEDAN"), ("SC 8715", "SHENZHEN"), ("TR 2871", "SINGAPORE"))  # fmt: skip


def _weighted(rng: random.Random, items: Sequence[tuple[str, int]]) -> str:
    return rng.choices([i[0] for i in items], weights=[i[1] for i in items])[0]


def _at(minute: int) -> datetime:
    return START + timedelta(minutes=minute)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _persons(rng: random.Random, count: int) -> list[dict[str, str]]:
    tail = tail_surnames(rng)
    countries, shares = zip(*NATIONALITIES, strict=True)
    numbers: set[str] = set()
    persons = []
    for _ in range(count):
        nationality = rng.choices(countries, weights=shares)[0]
        identity = make_identity(rng, nationality, tail)
        number = make_passport(rng, nationality)
        while number in numbers:
            number = make_passport(rng, nationality)
        numbers.add(number)
        year = rng.randint(1950, 2006)
        birth = (
            str(year)
            if rng.random() < 0.05
            else f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        )
        persons.append(
            {
                "full_name": identity.full_name,
                "given_names": identity.given_names,
                "surname": identity.surname,
                "name_original": identity.name_original,
                "sex": rng.choice("MF"),
                "date_of_birth": birth,
                "place_of_birth": "",
                "nationality": nationality,
                "passport_number": number,
                "passport_issuing_state": nationality if rng.random() < 0.5 else "",
                "passport_expiry": f"{rng.randint(2026, 2035)}-{rng.randint(1, 12):02d}-"
                f"{rng.randint(1, 28):02d}",
            }
        )
    return persons


def _reporters(rng: random.Random, count: int) -> list[dict[str, Any]]:
    with (SHARED_DATA / "batam-kecamatan.csv").open(encoding="utf-8") as handle:
        areas = list(csv.DictReader(handle))
    weights = [int(a["population_2013"]) for a in areas]
    reporters = []
    for n in range(count):
        area = rng.choices(areas, weights=weights)[0]
        roll = rng.random()
        kind = "LODGING" if roll < 0.88 else "COMPANY" if roll < 0.96 else "INDIVIDUAL"
        if kind == "LODGING":
            name = f"{rng.choice(LODGING_KINDS)} {' '.join(rng.sample(LODGING_WORDS, 2))}"
            reporter_id = f"{rng.randint(10**12, 10**13 - 1)}"  # NIB, 13 digits
            place = name
        elif kind == "COMPANY":
            name = f"PT {' '.join(rng.sample(LODGING_WORDS, 2)).upper()} INDONESIA"
            reporter_id = f"{rng.randint(10**12, 10**13 - 1)}"
            place = f"Mess {name[3:].title()}"
        else:
            name = f"{rng.choice(('Budi', 'Siti', 'Agus', 'Dewi', 'Rudi', 'Wati'))} " + rng.choice(
                ("Santoso", "Hidayat", "Saputra", "Lestari", "Nasution", "Siregar")
            )
            reporter_id = f"2171{rng.randint(10**11, 10**12 - 1)}"  # NIK of Batam, 16 digits
            place = ""
        reporters.append(
            {
                "reporter_type": kind,
                "reporter_id": reporter_id,
                "reporter_name": name,
                "place_name": place,
                "address": f"{rng.choice(STREETS)} No. {rng.randint(1, 250)}",
                "kelurahan": rng.choice(area["kelurahan"].split(";")),
                "kecamatan": area["kecamatan"],
                "city": "Batam",
                "latitude": f"{float(area['latitude']) + rng.uniform(-0.02, 0.02):.6f}",
                "longitude": f"{float(area['longitude']) + rng.uniform(-0.02, 0.02):.6f}",
                "short": f"R{n:05d}",
            }
        )
    return reporters


def _residence_rows(
    rng: random.Random, rows: int, persons: list[dict[str, str]], reporters: list[dict[str, Any]]
) -> Iterator[dict[str, str]]:
    lodging_weights = [5 if r["reporter_type"] == "LODGING" else 1 for r in reporters]
    for i in range(rows):
        person = persons[rng.randrange(len(persons))]
        reporter = rng.choices(reporters, weights=lodging_weights)[0]
        check_in = _at(rng.randrange(SPAN_MINUTES))
        check_out = ""
        if rng.random() < 0.85:
            out = check_in + timedelta(days=rng.randint(1, 21))
            check_out = _stamp(out.replace(hour=rng.randint(9, 12), minute=rng.randint(0, 59)))
        permit = _weighted(rng, PERMITS)
        yield {
            **{k: v for k, v in reporter.items() if k != "short"},
            **person,
            "report_id": f"{reporter['short']}-{i:09d}",
            "permit_type": permit,
            "permit_number": f"2C21{rng.randint(10**8, 10**9 - 1)}"
            if permit in ("ITAS", "ITAP")
            else "",
            "purpose": _weighted(rng, PURPOSES),
            "check_in": _stamp(check_in),
            "check_out": check_out,
            "reported_at": _stamp(check_in + timedelta(minutes=rng.randint(5, 1400))),
        }


def _crossing_rows(
    rng: random.Random, rows: int, persons: list[dict[str, str]]
) -> Iterator[dict[str, str]]:
    with (SHARED_DATA / "batam-checkpoints.csv").open(encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    weights = [CHECKPOINT_WEIGHTS.get(code, 1) for code in codes]
    for i in range(rows):
        person = persons[rng.randrange(len(persons))]
        checkpoint = rng.choices(codes, weights=weights)[0]
        crossed = _at(rng.randrange(SPAN_MINUTES))
        arrival = rng.random() < 0.5
        if checkpoint == "BTM-HN":
            carrier, port = rng.choice(FLIGHTS)
        else:
            carrier, port = rng.choice(FERRIES), rng.choice(FERRY_PORTS)
        permit = _weighted(rng, PERMITS) if arrival else ""
        yield {
            **person,
            "crossing_id": f"{checkpoint}-{crossed:%Y%m%d}-{i:09d}",
            "direction": "ARRIVAL" if arrival else "DEPARTURE",
            "checkpoint": checkpoint,
            "crossed_at": _stamp(crossed),
            "permit_type": permit,
            "permit_number": "",
            "authorized_stay_until": (crossed + timedelta(days=30)).strftime("%Y-%m-%d")
            if permit in ("BVK", "VOA")
            else "",
            "carrier": carrier,
            "port_from_or_to": port,
        }


def generate(folder: Path, rows: int, persons: int, seed: int) -> dict[str, Any]:
    from timpora.registry.records import COLUMNS

    began = time.perf_counter()
    rng = random.Random(seed)
    people = _persons(rng, persons)
    reporters = _reporters(rng, max(50, min(4000, rows // 250)))
    files = {}
    for kind, source in (
        (RESIDENCE, _residence_rows(rng, rows, people, reporters)),
        (CROSSING, _crossing_rows(rng, rows, people)),
    ):
        path = folder / f"{kind}-{rows}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS[kind], lineterminator="\r\n")
            writer.writeheader()
            for row in source:  # streamed: one row at a time
                writer.writerow(row)
        files[kind] = str(path)
    return {
        "files": files,
        "sizes": {k: Path(p).stat().st_size for k, p in files.items()},
        "persons": persons,
        "reporters": len(reporters),
        "seconds": time.perf_counter() - began,
    }


# --- Measuring, in child processes -----------------------------------------------------------


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _init_database(url: str, data_dir: Path) -> None:
    configure(url, data_dir)
    from django.core.management import call_command

    call_command("init", verbosity=0)  # migrate, then the reference data (IMI-BTM among them)


def _import_one(kind: str, path: Path, profile: Path | None) -> dict[str, Any]:
    from timpora.accounts.models import Agency
    from timpora.exchange.choices import Channel
    from timpora.exchange.pipeline import import_file

    source = Agency.objects.get(code="IMI-BTM")
    marks: dict[str, float] = {}
    shown: dict[str, int] = {}

    def progress(phase: str, done: int, expected: int) -> None:
        now = time.perf_counter()
        marks[f"{phase}_last"] = now
        if done // 100_000 > shown.get(phase, 0) // 100_000:
            print(f"    {phase} {done:,}/{expected:,} at {now - began:.0f} s", flush=True)
        shown[phase] = done

    backend = database_backend_pid()
    cpu_before = cpu_seconds(backend)
    began = time.perf_counter()
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        batch = profiler.runcall(
            import_file, kind, path, source=source, user=None, channel=Channel.COMMAND,
            progress=progress,
        )  # fmt: skip
        profiler.dump_stats(str(profile))
    else:
        batch = import_file(
            kind, path, source=source, user=None, channel=Channel.COMMAND, progress=progress
        )
    ended = time.perf_counter()
    cpu_after = cpu_seconds(backend)
    stage_end = marks.get("stage_last", began)
    apply_end = marks.get("apply_last", stage_end)
    elapsed = ended - began
    others = None
    if cpu_before and cpu_after:
        others = ((cpu_after[0] - cpu_before[0]) - (cpu_after[1] - cpu_before[1])) / elapsed
    return {
        "kind": kind,
        "rows": batch.rows_total,
        "seconds": elapsed,
        "rows_per_s": batch.rows_total / elapsed,
        "stage_s": stage_end - began,  # file digest and line count, reading, staging
        "apply_s": apply_end - stage_end,  # superseded rows, parsing, facts, derived facts
        "finish_s": ended - apply_end,
        "counts": {
            name: getattr(batch, name)
            for name in (
                "status",
                "created",
                "updated",
                "unchanged",
                "rejected",
                "superseded",
                "persons_created",
                "conflicts",
            )
        },
        "maxrss_mib": _maxrss_mib(),
        "others_cpu": others,
    }


def worker_import(args: argparse.Namespace) -> dict[str, Any]:
    _init_database(args.url, Path(args.data_dir))
    from django.db import connection

    result: dict[str, Any] = {"rss_after_init_mib": _maxrss_mib(), "imports": []}
    for kind in KINDS:
        print(f"  import {kind} ({connection.vendor})", flush=True)
        profile = Path(f"{args.profile}-{connection.vendor}-{kind}.prof") if args.profile else None
        result["imports"].append(_import_one(kind, Path(args.files[kind]), profile))
        print(f"    {json.dumps(result['imports'][-1])}", flush=True)
    if not args.no_reimport:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # what autovacuum would have done by now
                began = time.perf_counter()
                cursor.execute("ANALYZE")
                result["analyze_s"] = time.perf_counter() - began
        print(f"  import {RESIDENCE} again ({connection.vendor})", flush=True)
        result["reimport"] = _import_one(RESIDENCE, Path(args.files[RESIDENCE]), None)
        print(f"    {json.dumps(result['reimport'])}", flush=True)
    result["maxrss_mib"] = _maxrss_mib()
    return result


def worker_naive(args: argparse.Namespace) -> dict[str, Any]:
    """The first rows of the residence file, one row at a time through the ORM (autocommit)."""
    _init_database(args.url, Path(args.data_dir))
    from timpora.accounts.models import Agency
    from timpora.lib.text import fold
    from timpora.registry.choices import PLACE_KIND_OF_REPORTER, FactKind, ReporterType
    from timpora.registry.models import Kecamatan, Person, Place, Stay, TravelDocument
    from timpora.registry.records import parse_row
    from timpora.registry.reference import current_reference

    source = Agency.objects.get(code="IMI-BTM")
    reference = current_reference()
    kecamatan = dict(Kecamatan.objects.values_list("name", "pk"))
    kind = FactKind.RESIDENCE_REPORT
    done = 0
    began = time.perf_counter()
    with Path(args.files[RESIDENCE]).open(encoding="utf-8", newline="") as handle:
        for values in csv.DictReader(handle):
            if done >= args.naive_rows:
                break
            r = parse_row(kind, values, reference)
            identity = r.identity  # type: ignore[attr-defined]
            number, state = identity.document_key
            document = (
                TravelDocument.objects.filter(number_key=number, issuing_state_id=state)
                .select_related("person")
                .first()
            )
            if document is None:
                person = Person.objects.create(
                    full_name=identity.full_name,
                    given_names=identity.given_names,
                    surname=identity.surname,
                    name_original=identity.name_original,
                    sex=identity.sex,
                    date_of_birth=identity.date_of_birth,
                    place_of_birth=identity.place_of_birth,
                    nationality_id=identity.nationality,
                    first_source=source,
                    first_source_kind=kind,
                    first_source_key=r.key,
                )
                document = TravelDocument.objects.create(
                    person=person,
                    number=identity.passport_number,
                    number_key=number,
                    issuing_state_id=state,
                    expiry=identity.passport_expiry,
                    first_source=source,
                )
            place, _created = Place.objects.get_or_create(
                reporter_id=r.reporter_id,  # type: ignore[attr-defined]
                address_key=fold(r.address),  # type: ignore[attr-defined]
                defaults={
                    "kind": PLACE_KIND_OF_REPORTER[ReporterType(r.reporter_type)],  # type: ignore[attr-defined]
                    "name": r.place_name,  # type: ignore[attr-defined]
                    "reporter_type": r.reporter_type,  # type: ignore[attr-defined]
                    "reporter_name": r.reporter_name,  # type: ignore[attr-defined]
                    "address": r.address,  # type: ignore[attr-defined]
                    "kelurahan": r.kelurahan,  # type: ignore[attr-defined]
                    "kecamatan_id": kecamatan.get(r.kecamatan),  # type: ignore[attr-defined]
                    "city": r.city,  # type: ignore[attr-defined]
                    "latitude": r.latitude,  # type: ignore[attr-defined]
                    "longitude": r.longitude,  # type: ignore[attr-defined]
                },
            )
            Stay.objects.create(
                person_id=document.person_id,
                document=document,
                source=source,
                source_key=r.key,
                place=place,
                permit_type=r.permit_type,  # type: ignore[attr-defined]
                permit_number=r.permit_number,  # type: ignore[attr-defined]
                purpose=r.purpose,  # type: ignore[attr-defined]
                check_in=r.check_in,  # type: ignore[attr-defined]
                check_out=r.check_out,  # type: ignore[attr-defined]
                reported_at=r.reported_at,  # type: ignore[attr-defined]
            )
            done += 1
    elapsed = time.perf_counter() - began
    return {"rows": done, "seconds": elapsed, "rows_per_s": done / elapsed}


def worker_generate(args: argparse.Namespace) -> dict[str, Any]:
    return generate(Path(args.data_dir), args.rows, args.persons, args.seed)


WORKERS = {"generate": worker_generate, "import": worker_import, "naive": worker_naive}


def run_worker(name: str, args: argparse.Namespace, **extra: Any) -> dict[str, Any]:
    """Run ``name`` in a child process of its own; return what it measured."""
    out = Path(args.data_dir) / f"result-{name}.json"
    spec = {**{k: v for k, v in vars(args).items() if not k.startswith("_")}, **extra}
    spec_path = Path(args.data_dir) / f"spec-{name}.json"
    spec_path.write_text(json.dumps(spec))
    subprocess.run(  # noqa: S603  (this very script, with a spec file it wrote)
        [sys.executable, __file__, "--worker", name, "--spec", str(spec_path), "--out", str(out)],
        check=True,
    )
    return json.loads(out.read_text())


# --- References: the database's own bulk load ------------------------------------------------


def copy_reference(url: str | None, files: dict[str, str]) -> dict[str, dict[str, float]]:
    """Load each CSV file into a bare table of text columns: COPY on PostgreSQL (the file sent
    over the connection, as the pipeline sends its rows), executemany on SQLite."""
    results = {}
    for kind, name in files.items():
        path = Path(name)
        with path.open(encoding="utf-8", newline="") as handle:
            columns = next(csv.reader(handle))
        table = "bench_bare_" + kind.replace("-", "_")
        definition = ", ".join(f'"{c}" text' for c in columns)
        rows = 0
        if url:
            import psycopg

            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"DROP TABLE IF EXISTS {table}")
                conn.execute(f"CREATE TABLE {table} ({definition})")
                began = time.perf_counter()
                sql = f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)"
                with conn.transaction(), conn.cursor() as cursor, path.open("rb") as handle:
                    with cursor.copy(sql) as copy:
                        for block in iter(lambda h=handle: h.read(1 << 20), b""):
                            copy.write(block)
                    rows = cursor.rowcount
                elapsed = time.perf_counter() - began
                conn.execute(f"DROP TABLE {table}")
        else:
            db = path.with_suffix(".bare.sqlite3")
            conn = sqlite3.connect(db, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"CREATE TABLE {table} ({definition})")
            marks = ", ".join("?" * len(columns))
            began = time.perf_counter()
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                next(reader)
                conn.execute("BEGIN")
                while block := [row for _, row in zip(range(10_000), reader, strict=False)]:
                    conn.executemany(f"INSERT INTO {table} VALUES ({marks})", block)  # noqa: S608
                    rows += len(block)
                conn.execute("COMMIT")
            elapsed = time.perf_counter() - began
            conn.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        results[kind] = {"rows": rows, "seconds": elapsed, "rows_per_s": rows / elapsed}
    return results


# --- Databases -------------------------------------------------------------------------------


def _pg_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def create_pg(base: str, name: str) -> str:
    import psycopg

    with psycopg.connect(_pg_url(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return _pg_url(base, name)


def drop_pg(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_pg_url(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def machine_text() -> str:
    cpu, memory = "?", "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, {memory}, Python {sys.version.split()[0]}"


# --- Report ----------------------------------------------------------------------------------


def report(results: dict[str, Any], generated: dict[str, Any]) -> None:
    print(f"\nMachine: {machine_text()}")
    print(
        f"Files: {generated['persons']:,} persons, {generated['reporters']:,} reporters; "
        + ", ".join(f"{k} {s / 2**20:,.0f} MiB" for k, s in generated["sizes"].items())
        + f"; generated in {generated['seconds']:.0f} s"
    )
    print(
        "\n| database | what | rows | s | rows/s | stage s | apply s | peak RSS MiB | "
        "other CPU |\n|---|---|---:|---:|---:|---:|---:|---:|---:|"
    )
    for database, r in results.items():
        imports = r["import"]["imports"]
        for item in imports:
            print(
                f"| {database} | {item['kind']} | {item['rows']:,} | {item['seconds']:.1f} | "
                f"{item['rows_per_s']:,.0f} | {item['stage_s']:.1f} | {item['apply_s']:.1f} | "
                f"{item['maxrss_mib']:,.0f} | {_pct(item['others_cpu'])} |"
            )
        rows = sum(i["rows"] for i in imports)
        seconds = sum(i["seconds"] for i in imports)
        print(
            f"| {database} | **both files** | {rows:,} | {seconds:.1f} | "
            f"**{rows / seconds:,.0f}** | {sum(i['stage_s'] for i in imports):.1f} | "
            f"{sum(i['apply_s'] for i in imports):.1f} | {r['import']['maxrss_mib']:,.0f} | |"
        )
        again = r["import"].get("reimport")
        if again:
            c = again["counts"]
            print(
                f"| {database} | {RESIDENCE} again (unchanged {c['unchanged']:,}, created "
                f"{c['created']:,}, updated {c['updated']:,}) | {again['rows']:,} | "
                f"{again['seconds']:.1f} | {again['rows_per_s']:,.0f} | {again['stage_s']:.1f} | "
                f"{again['apply_s']:.1f} | {again['maxrss_mib']:,.0f} | "
                f"{_pct(again['others_cpu'])} |"
            )
        naive = r.get("naive")
        if naive:
            print(
                f"| {database} | naive ORM loop, first {naive['rows']:,} {RESIDENCE} rows | "
                f"{naive['rows']:,} | {naive['seconds']:.1f} | {naive['rows_per_s']:,.0f} | | | | |"
            )
        for kind, ref in r.get("copy", {}).items():
            what = "COPY" if database == "postgresql" else "executemany"
            print(
                f"| {database} | {what} into a bare table, {kind} | {ref['rows']:,} | "
                f"{ref['seconds']:.1f} | {ref['rows_per_s']:,.0f} | | | | |"
            )
    print()
    for database, r in results.items():
        imports = r["import"]["imports"]
        overall = sum(i["rows"] for i in imports) / sum(i["seconds"] for i in imports)
        verdict = "met" if overall >= TARGET_ROWS_PER_S else "NOT met"
        print(
            f"{database}: {overall:,.0f} rows/s end to end, target {TARGET_ROWS_PER_S:,}: "
            f"{verdict}; peak RSS {r['import']['maxrss_mib']:,.0f} MiB (after init "
            f"{r['import']['rss_after_init_mib']:,.0f}), target {TARGET_RSS_MIB:,}: "
            f"{'met' if r['import']['maxrss_mib'] <= TARGET_RSS_MIB else 'NOT met'}"
        )
        residence = next(i for i in imports if i["kind"] == RESIDENCE)
        if r.get("naive"):
            print(
                f"  pipeline : naive = {residence['rows_per_s']:,.0f} : "
                f"{r['naive']['rows_per_s']:,.0f} = "
                f"{residence['rows_per_s'] / r['naive']['rows_per_s']:.1f} ({RESIDENCE})"
            )
        for item in imports:
            ref = r.get("copy", {}).get(item["kind"])
            if ref:
                print(
                    f"  {item['kind']}: pipeline at {item['rows_per_s'] / ref['rows_per_s']:.1%} "
                    f"of the bare bulk load ({ref['rows_per_s']:,.0f} rows/s)"
                )
        again = r["import"].get("reimport")
        if again:
            c = again["counts"]
            state = "all unchanged" if c["unchanged"] == again["rows"] else "NOT all unchanged"
            print(
                f"  re-import of {again['rows']:,} rows: {again['seconds']:.1f} s "
                f"({again['rows_per_s']:,.0f} rows/s), {state}: {c}"
            )


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


# --- Main ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per file")
    parser.add_argument("--persons", type=int, help="default: rows x 0.3")
    parser.add_argument("--naive-rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--pg-url",
        default="postgres://postgres@127.0.0.1:5432/timpora_bench_import",
        help="server and name of the PostgreSQL databases to create (and drop)",
    )
    parser.add_argument("--no-naive", action="store_true")
    parser.add_argument("--no-reimport", action="store_true")
    parser.add_argument("--no-copy", action="store_true")
    parser.add_argument("--profile", help="cProfile each import to PREFIX-<db>-<kind>.prof")
    parser.add_argument("--json", help="write all results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--worker", choices=tuple(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:  # a child process: its arguments come from the parent's spec file
        spec = argparse.Namespace(**json.loads(Path(args.spec).read_text()))
        result = WORKERS[args.worker](spec)
        Path(args.out).write_text(json.dumps(result))
        return

    args.persons = args.persons or max(1000, args.rows * 3 // 10)
    root = Path(tempfile.mkdtemp(prefix="timpora-import-bench-"))
    pg_name = urlsplit(args.pg_url).path.lstrip("/")
    created: list[str] = []
    try:
        args.data_dir = str(root)
        print(f"Generating 2 x {args.rows:,} rows about {args.persons:,} persons in {root}")
        generated = run_worker("generate", args)
        print(f"  {generated['seconds']:.0f} s: {generated['sizes']}")
        files = generated["files"]
        databases = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
        results: dict[str, Any] = {}
        for database in databases:
            print(f"\n== {database}")
            r: dict[str, Any] = {}
            for step, suffix in (("import", ""), ("naive", "_naive")):
                if step == "naive" and args.no_naive:
                    continue
                data_dir = root / f"{database}{suffix}"
                data_dir.mkdir()
                if database == "postgresql":
                    created.append(pg_name + suffix)
                    url = create_pg(args.pg_url, pg_name + suffix)
                else:
                    url = f"sqlite:///{data_dir / 'bench.sqlite3'}"
                r[step] = run_worker(step, args, url=url, data_dir=str(data_dir), files=files)
                if database == "postgresql":
                    drop_pg(args.pg_url, pg_name + suffix)
                    created.remove(pg_name + suffix)
                else:
                    shutil.rmtree(data_dir, ignore_errors=True)
            if not args.no_copy:
                print("  bulk load into a bare table (reference)", flush=True)
                if database == "postgresql":
                    created.append(pg_name + "_copy")
                    r["copy"] = copy_reference(create_pg(args.pg_url, pg_name + "_copy"), files)
                    drop_pg(args.pg_url, pg_name + "_copy")
                    created.remove(pg_name + "_copy")
                else:
                    r["copy"] = copy_reference(None, files)
            results[database] = r
        report(results, generated)
        if args.json:
            Path(args.json).write_text(json.dumps({"generated": generated, "results": results}))
    finally:
        for name in created:
            drop_pg(args.pg_url, name)
        if args.keep:
            print(f"\nKept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
