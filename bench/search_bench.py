"""Person search on a registry of 100,000 persons: latency per kind of query.

Run from the project directory (``make bench`` runs the first)::

    .venv/bin/python bench/search_bench.py      # a fresh SQLite file in a temporary directory
    .venv/bin/python bench/search_bench.py --database-url postgres://postgres@127.0.0.1/timpora_bench

It builds its own database (by default an SQLite file in a temporary directory, with the same
settings as production: WAL, synchronous=NORMAL), loads the reference data with ``init``,
generates the persons deterministically, then times the code path of the search page and the
API: ``search_persons`` + ``.count()`` + the first page of 25 rows of ``with_list_details``
(documents prefetched, last crossing annotated). Results go to docs/performance.md by hand.

A PostgreSQL database must be empty, or be named with ``--reset`` to drop its public schema.
``--explain`` prints a plan per kind of query; ``--keep`` keeps the SQLite file for profiling.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PAGE_SIZE = 25  # registry.views.PAGE_SIZE
CHUNK = 10_000


from search_names import (  # noqa: E402  (the script's own directory)
    COMMON_SURNAMES,
    KINDS,
    NATIONALITIES,
    make_identity,
    make_passport,
    tail_surnames,
)

# --- Setup -----------------------------------------------------------------------------------


def configure(database_url: str | None, data_dir: Path) -> str:
    """Point the settings at the benchmark database and start Django; return the URL used."""
    url = database_url or f"sqlite:///{data_dir / 'bench.sqlite3'}"
    os.environ["TIMPORA_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "timpora.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    for name in ("DEBUG", "SECRET_KEY"):
        os.environ.pop(name, None)  # no query log; the key comes from the temporary directory
    import django

    django.setup()
    return url


def prepare_postgres(reset: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        (tables,) = cursor.fetchone()
        if tables and not reset:
            sys.exit(
                f"The database has {tables} tables: give an empty database, or --reset to drop "
                "its public schema."
            )
        if tables:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")


@contextmanager
def step(label: str) -> Iterator[None]:
    start = time.perf_counter()
    print(f"  {label} ...", end="", flush=True)
    yield
    print(f" {time.perf_counter() - start:.1f} s", flush=True)


@dataclass
class Population:
    persons: int = 0
    documents: int = 0
    crossings: int = 0
    tokens: int = 0
    # What the queries are drawn from, by person.
    names: list[str] = field(default_factory=list)
    natives: list[str] = field(default_factory=list)
    passports: list[str] = field(default_factory=list)
    tail_names: list[str] = field(default_factory=list)


def populate(count: int, seed: int) -> Population:
    """Persons with one passport each and one or two crossings, written with bulk_create."""
    from django.db import transaction

    from timpora.accounts.models import Agency
    from timpora.lib.text import document_key
    from timpora.registry.actions import index_names
    from timpora.registry.choices import Direction, FactKind
    from timpora.registry.models import BorderCrossing, Checkpoint, Person, TravelDocument

    rng = random.Random(seed)
    tail = tail_surnames(rng)
    tail_set = set(tail)
    source = Agency.objects.get(code="IMI-BTM")
    checkpoints = list(Checkpoint.objects.order_by("code").values_list("pk", flat=True))
    countries, shares = zip(*NATIONALITIES, strict=True)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    pop = Population()
    numbers: set[str] = set()
    with transaction.atomic():
        for offset in range(0, count, CHUNK):
            persons: list[Person] = []
            passports: list[tuple[str, str]] = []
            for i in range(offset, min(offset + CHUNK, count)):
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
                    Person(
                        code=uuid.UUID(int=rng.getrandbits(128), version=4),
                        full_name=identity.full_name,
                        given_names=identity.given_names,
                        surname=identity.surname,
                        name_original=identity.name_original,
                        sex=rng.choice("MF"),
                        date_of_birth=birth,
                        nationality_id=nationality,
                        first_source=source,
                        first_source_kind=FactKind.BORDER_CROSSING,
                        first_source_key=f"BENCH-{i:07d}-1",
                    )
                )
                passports.append((number, nationality))
                pop.names.append(identity.full_name)
                pop.natives.append(identity.name_original)
                pop.passports.append(number)
                if identity.surname in tail_set:
                    pop.tail_names.append(identity.surname)
            Person.objects.bulk_create(persons)
            documents = [
                TravelDocument(
                    code=uuid.UUID(int=rng.getrandbits(128), version=4),
                    person=person,
                    number=number,
                    number_key=document_key(number),
                    issuing_state_id=state,
                    expiry=(start + timedelta(days=rng.randint(200, 3650))).date(),
                    first_source=source,
                )
                for person, (number, state) in zip(persons, passports, strict=True)
            ]
            TravelDocument.objects.bulk_create(documents)
            crossings: list[BorderCrossing] = []
            for n, (person, document) in enumerate(
                zip(persons, documents, strict=True), start=offset
            ):
                arrived = start + timedelta(minutes=rng.randint(0, 900 * 24 * 60))
                trips = [(Direction.ARRIVAL, arrived)]
                if rng.random() < 0.4:
                    left = arrived + timedelta(days=rng.randint(1, 60))
                    trips.append((Direction.DEPARTURE, left))
                crossings.extend(
                    BorderCrossing(
                        code=uuid.UUID(int=rng.getrandbits(128), version=4),
                        person=person,
                        document=document,
                        source=source,
                        source_key=f"BENCH-{n:07d}-{k}",
                        direction=direction,
                        checkpoint_id=rng.choice(checkpoints),
                        crossed_at=at,
                    )
                    for k, (direction, at) in enumerate(trips, start=1)
                )
            BorderCrossing.objects.bulk_create(crossings)
            index_names(persons)  # the tokens exactly as the importer writes them
            pop.persons += len(persons)
            pop.documents += len(documents)
            pop.crossings += len(crossings)
    return pop


def analyze() -> None:
    """Statistics for the planner; on PostgreSQL also the visibility map that index-only scans
    need, as autovacuum would write them soon after such a load, and a checkpoint, so that
    writing the load out to disk does not stall the queries measured."""
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        cursor.execute("VACUUM ANALYZE")
        try:
            cursor.execute("CHECKPOINT")
        except DatabaseError:
            print(" (no CHECKPOINT: needs a superuser or pg_checkpoint)", end="")


# --- Measuring -------------------------------------------------------------------------------


def draw_queries(pop: Population, kind: str, n: int, rng: random.Random) -> list[Any]:
    """``n`` searches of one kind, drawn from the persons (so common names come up often)."""
    from timpora.registry.queries import PersonSearch

    if kind == "name":
        texts = [" ".join(rng.choice(pop.names).split()[:2]) for _ in range(n)]
        return [PersonSearch(name=t) for t in texts]
    if kind == "surname":
        return [PersonSearch(name=COMMON_SURNAMES[i % len(COMMON_SURNAMES)]) for i in range(n)]
    if kind == "rare":
        return [PersonSearch(name=rng.choice(pop.tail_names)[:5]) for _ in range(n)]
    if kind == "native":
        natives = [name for name in pop.natives if name]
        return [PersonSearch(name="张伟" if i % 10 == 0 else rng.choice(natives)) for i in range(n)]
    if kind == "passport":
        return [PersonSearch(passport=rng.choice(pop.passports)) for _ in range(n)]
    if kind == "passport_prefix":
        return [
            PersonSearch(passport=rng.choice(pop.passports)[: rng.randint(4, 6)]) for _ in range(n)
        ]
    raise ValueError(kind)


def run_search(user: Any, search: Any) -> int:
    """What the search page and ``GET /api/v1/persons`` do for the first page, without the audit
    event: the user's access profile, the count, the page with its documents."""
    from timpora.accounts.access import forget_levels
    from timpora.registry import queries

    forget_levels(user)  # a request loads the user, hence the agency's profile, afresh
    found = queries.search_persons(user, search)
    count = found.count()
    page = list(queries.with_list_details(found, user)[:PAGE_SIZE])
    if page and count < len(page):
        raise AssertionError("count below the page")
    return count


@dataclass
class Timing:
    example: str
    ms: list[float] = field(default_factory=list)
    found: list[int] = field(default_factory=list)
    slowest: str = ""

    def quantile(self, q: int) -> float:
        return statistics.quantiles(self.ms, n=100, method="inclusive")[q - 1]


def measure(
    user: Any, workload: dict[str, list[Any]], warmups: dict[str, list[Any]]
) -> dict[str, Timing]:
    for searches in warmups.values():  # caches, query plans, the connection
        for search in searches:
            run_search(user, search)
    timings = {kind: Timing(example(searches[0])) for kind, searches in workload.items()}
    rounds = max(len(searches) for searches in workload.values())
    for i in range(rounds):  # kinds interleaved, so that drift in the machine hits all alike
        for kind, searches in workload.items():
            if i < len(searches):
                began = time.perf_counter()
                found = run_search(user, searches[i])
                ms = (time.perf_counter() - began) * 1000
                timing = timings[kind]
                if not timing.ms or ms > max(timing.ms):
                    timing.slowest = f"{example(searches[i])}: {found:,} found, {ms:.1f} ms"
                timing.ms.append(ms)
                timing.found.append(found)
    return timings


def example(search: Any) -> str:
    return f'name "{search.name}"' if search.name else f'passport "{search.passport}"'


def explain(user: Any, workload: dict[str, list[Any]], vendor: str) -> None:
    from timpora.registry import queries

    for kind, searches in workload.items():
        found = queries.search_persons(user, searches[0])
        page = queries.with_list_details(found, user)[:PAGE_SIZE]
        options: dict[str, Any] = {"analyze": True} if vendor == "postgresql" else {}
        print(f"\n--- {KINDS[kind]}: {searches[0]}")
        print(page.explain(**options))


def database_backend_pid() -> int | None:
    """The PostgreSQL server process serving this connection (SQLite runs in this process)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def cpu_seconds(backend: int | None) -> tuple[float, float] | None:
    """Busy CPU seconds of the whole machine, and of this process with its database backend
    (from /proc; None elsewhere). The difference is what other work took from the benchmark."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        busy = sum(fields[:8]) - fields[3] - fields[4]  # all but idle and iowait
        own = sum(os.times()[:2])
        if backend:
            stat = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
            own += (int(stat[11]) + int(stat[12])) / tick  # utime, stime
    except (OSError, ValueError, IndexError):
        return None
    return busy / tick, own


# --- Report ----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    memory = ""
    for path, key in (("/proc/cpuinfo", "model name"), ("/proc/meminfo", "MemTotal")):
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    value = line.split(":", 1)[1].strip()
                    if key == "model name":
                        cpu = value
                    else:
                        memory = f"{int(value.split()[0]) / 1024 / 1024:.0f} GiB"
                    break
        except OSError:
            pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = "PostgreSQL " + cursor.fetchone()[0].split()[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            database = "SQLite " + cursor.fetchone()[0]
    import django

    return {
        "cpu": cpu,
        "cores": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
    }


def report(timings: dict[str, Timing], info: dict[str, str], pop: Population) -> None:
    print(
        f"\nMachine: {info['cpu']}, {info['cores']} cores, {info['memory']}, {info['os']}; "
        f"Python {info['python']}, Django {info['django']}, {info['database']}"
    )
    print(
        f"Registry: {pop.persons:,} persons, {pop.documents:,} travel documents, "
        f"{pop.crossings:,} crossings, {pop.tokens:,} name tokens"
    )
    print(
        "\n| Query | Example | Found (median / max) | p50 ms | p95 ms | p99 ms | max ms |\n"
        "|---|---|---:|---:|---:|---:|---:|"
    )
    for kind, timing in timings.items():
        print(
            f"| {KINDS[kind]} | {timing.example} | "
            f"{statistics.median(timing.found):,.0f} / {max(timing.found):,} | "
            f"{timing.quantile(50):.1f} | {timing.quantile(95):.1f} | "
            f"{timing.quantile(99):.1f} | {max(timing.ms):.1f} |"
        )
    print("\nSlowest query of each kind:")
    for kind, timing in timings.items():
        print(f"- {KINDS[kind]}: {timing.slowest}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300, help="measured queries per kind")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured queries per kind")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--database-url", help="postgres://... (an empty database); default: a fresh SQLite file"
    )
    parser.add_argument("--reset", action="store_true", help="drop the PostgreSQL public schema")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="run ANALYZE on SQLite after loading (PostgreSQL always gets VACUUM ANALYZE, as "
        "autovacuum would do after such a load)",
    )
    parser.add_argument("--explain", action="store_true", help="print a query plan per kind")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a postgres:// URL (SQLite is the default)")

    data_dir = Path(tempfile.mkdtemp(prefix="timpora-bench-"))
    try:
        run(args, data_dir)
    finally:
        if args.keep:
            print(f"\nKept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def run(args: argparse.Namespace, data_dir: Path) -> None:
    configure(args.database_url, data_dir)
    from django.core.management import call_command
    from django.db import connection, connections

    from timpora.accounts.actions import create_user
    from timpora.accounts.choices import Role
    from timpora.accounts.models import Agency
    from timpora.registry.models import PersonNameToken

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    began = time.perf_counter()
    if connection.vendor == "postgresql":
        prepare_postgres(args.reset)
    with step("schema and reference data (init)"):
        call_command("init", verbosity=0)
    with step(f"{args.persons:,} persons with passports, crossings and name tokens"):
        pop = populate(args.persons, args.seed)
    if connection.vendor == "postgresql" or args.analyze:
        with step("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"):
            analyze()
    pop.tokens = PersonNameToken.objects.count()
    user, _password = create_user(
        agency=Agency.objects.get(code="IMI-BTM"),
        username="bench.officer",
        full_name="Bench Officer",
        role=Role.OFFICER,
        actor=None,
    )
    print(f"  set-up took {time.perf_counter() - began:.0f} s in all")

    rng = random.Random(args.seed + 1)
    measured: dict[str, list[Any]] = {}
    warmups: dict[str, list[Any]] = {}
    for kind in KINDS:
        searches = draw_queries(pop, kind, args.queries + args.warmup, rng)
        measured[kind], warmups[kind] = searches[: args.queries], searches[args.queries :]
    if args.explain:
        explain(user, measured, connection.vendor)
    print(f"  measuring {args.queries} queries of each kind after {args.warmup} warm-up ones")
    backend = database_backend_pid()
    began, cpu_before = time.perf_counter(), cpu_seconds(backend)
    timings = measure(user, measured, warmups)
    elapsed, cpu_after = time.perf_counter() - began, cpu_seconds(backend)
    report(timings, machine(), pop)
    if cpu_before and cpu_after:
        others = (cpu_after[0] - cpu_before[0]) - (cpu_after[1] - cpu_before[1])
        print(f"\nOther processes used {others / elapsed:.0%} of one core while measuring.")
        if others / elapsed > 0.2:
            print("Warning: the machine was busy with other work; the figures are pessimistic.")
    connections.close_all()


if __name__ == "__main__":
    main()
