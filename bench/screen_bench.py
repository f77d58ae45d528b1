"""Screening and linking at scale: one identity against 1,000,000 watch-list entries and persons.

Run from the project directory (one heavy run at a time)::

    .venv/bin/python bench/screen_bench.py --entries 100000 --persons 100000   # a quick check
    .venv/bin/python bench/screen_bench.py                                     # 1M + 1M, SQLite
    .venv/bin/python bench/screen_bench.py --db postgres                       # 127.0.0.1:5432

What it does, in a fresh database (an SQLite file in a temporary directory, or a PostgreSQL
database created and dropped by the script), after ``timpora init``:

1. **Build.** ``--entries`` watch-list entries and ``--persons`` persons, generated
   deterministically from the name tables of ``bench/data/names`` through the cultures of
   ``bench/crossscript.py`` (Chinese, Korean, Japanese, Russian, Arabic, Indian, Vietnamese,
   Thai, Myanmar, Malay, Western), each table row drawn with a Zipf skew (the tables are
   ordered commonest first: many ZHANG WEI, NGUYEN VAN NAM, MOHAMMED ALI). Name forms and
   blocking keys are computed by the app's own functions (``scoring.forms_of``,
   ``index.keys_for``: name and year-of-birth keys, exactly what ``index.index_entries`` /
   ``index_persons`` do) in
   two worker processes and written with the bulk writers of ``timpora.core.bulk``. The real
   ``index.index_entries`` and ``index.index_persons`` are then timed on a sample of the loaded
   rows, and must give the same keys as the bulk path.
2. **Screening latency.** ``--queries`` queries, ~30 % true variants of a listed person
   (another script or romanisation, a typo, the order swapped, a partial date of birth...:
   the positive kinds of ``crossscript.py``), ~70 % people not listed. Each through
   ``screening.screen(identity)`` as the API calls it; then a second pass doing what
   ``screen()`` does step by step, to split the time (normalising, candidate SQL, loading
   entries, scoring). Recall: true variants whose entry came back at or above the threshold.
3. **Throughput.** The query stream in 2 worker processes (own DB connection each) for
   ``--seconds``; screenings/s in total.
4. **Linking.** ``--links`` new records (30 % variants of a known person): the time of
   ``index.candidate_persons`` + ``index.person_identities`` + scoring every candidate.
5. **Brute force.** ``--brute`` queries scored against every entry (forms loaded in memory
   beforehand, not counted), or against a random ``--brute-sample`` of them, extrapolated.

Results go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import hashlib
import itertools
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crossscript as cs
from import_bench import create_pg, drop_pg, machine_text
from search_bench import configure

CHUNK = 20_000
TRUE_SHARE = 0.30
#: Shares of the cultures among listed people and queries (per cent).
CULTURE_WEIGHTS = {
    "chinese": 20, "malay": 12, "indian": 10, "arabic": 10, "vietnamese": 8, "western": 10,
    "myanmar": 7, "korean": 6, "russian": 6, "thai": 6, "japanese": 5,
}  # fmt: skip
ZIPF = 1.0  # exponent of the skew of table rows: the k-th row is drawn ∝ 1 / k**ZIPF
TODAY = datetime.date(2026, 1, 15)
LISTS = ("PENANGKALAN", "PENCEGAHAN", "DPO", "INTERPOL", "SANCTIONS", "LOCAL")


# --- Names -----------------------------------------------------------------------------------


class Skewed(random.Random):
    """A Random whose choice among table rows (dicts) favours the first, commonest rows."""

    _cumulative: dict[int, list[float]] = {}

    def _weights(self, n: int) -> list[float]:
        if n not in self._cumulative:
            self._cumulative[n] = list(itertools.accumulate(1 / (k + 1) ** ZIPF for k in range(n)))
        return self._cumulative[n]

    def choice(self, seq: Sequence[Any]) -> Any:
        if len(seq) > 2 and isinstance(seq[0], dict):
            cumulative = self._weights(len(seq))
            return seq[bisect.bisect_left(cumulative, self.random() * cumulative[-1])]
        return super().choice(seq)

    def sample(self, population: Sequence[Any], k: int, **kwargs: Any) -> list[Any]:
        if population and isinstance(population[0], dict):
            pool = list(population)
            return [pool.pop(pool.index(self.choice(pool))) for _ in range(k)]
        return super().sample(population, k, **kwargs)


def cultures(rng: random.Random) -> dict[str, cs.Culture]:
    return {name: cs.CULTURE_CLASSES[name](rng) for name in cs.CULTURES}


def draw_culture(rng: random.Random) -> str:
    return rng.choices(list(CULTURE_WEIGHTS), list(CULTURE_WEIGHTS.values()))[0]


@dataclass
class Record:
    """One generated watch-list entry or person, with its forms and keys computed."""

    full_name: str
    native: str
    aliases: list[str]
    sex: str
    date_of_birth: str
    nationality: str
    passport: str
    forms: list[list[str]]
    keys: list[int]


def make_record(rng: random.Random, c: cs.Culture, p: cs.Person, entry: bool) -> Record:
    from timpora.matching.index import keys_for
    from timpora.matching.scoring import forms_of

    f = c.forms(p)
    full = f["passport"]
    native = f.get("native", "")
    if native == full or rng.random() < 0.3:
        native = ""
    aliases: list[str] = []
    if entry and rng.random() < 0.25:
        others = sorted({v for k, v in f.items() if v not in (full, f.get("native"))})
        if others:
            aliases.append(rng.choice(others))
    birth = p.dob.isoformat() if rng.random() < 0.9 else str(p.dob.year)
    names = [full, native, *aliases] if entry else [full, native]
    forms = forms_of(names)
    return Record(full, native, aliases, p.sex, birth, p.nationality, p.passport,
                  [list(v) for v in forms], sorted(keys_for(forms, birth)))  # fmt: skip


@dataclass
class Chunk:
    start: int
    records: list[Record]
    targets: dict[int, tuple[str, cs.Person, Record]] = field(default_factory=dict)


def make_chunk(task: tuple[str, int, int, int, frozenset[int]]) -> Chunk:
    """Records start..start+size of one kind ("entry", "person"), deterministic for the seed."""
    kind, seed, start, size, targets = task
    rng = Skewed(f"{seed}-{kind}-{start}")
    pool = cultures(rng)
    chunk = Chunk(start, [])
    for i in range(start, start + size):
        name = draw_culture(rng)
        person = pool[name].person()
        record = make_record(rng, pool[name], person, kind == "entry")
        chunk.records.append(record)
        if i in targets:
            chunk.targets[i] = (name, person, record)
    return chunk


def variant_of(
    rng: random.Random, c: cs.Culture, p: cs.Person, listed: Record
) -> tuple[str, dict[str, Any]]:
    """Another record of a listed person: (kind, identity fields), as crossscript makes them."""
    stored = {listed.full_name, listed.native, *listed.aliases}
    kinds = dict(c.positive_weights)
    for _ in range(30):
        kind = rng.choices(list(kinds), list(kinds.values()))[0]
        v = c.generic_variant(p, kind) or c.variant(p, kind)
        if v is None:
            continue
        name = v.b if v.b not in stored or kind == "identical" else v.a
        if name in stored and kind != "identical":
            continue
        relation, _, birth = cs.positive_dob(rng, p.dob, v.strong, kind)
        if kind == "identical":
            kind = f"dob-{relation}"
        docs = [p.passport] if rng.random() < 0.25 else []
        return kind, {
            "names": (name,),
            "date_of_birth": birth,
            "sex": p.sex if rng.random() > 0.25 else "",
            "nationalities": (p.nationality,) if rng.random() > 0.15 else (),
            "documents": tuple(docs),
        }
    return "identical", {"names": (listed.full_name,), "date_of_birth": listed.date_of_birth}


def stranger(rng: random.Random, pool: dict[str, cs.Culture]) -> dict[str, Any]:
    """A person not listed, written as a passport (or a native-script police report) has it."""
    c = pool[draw_culture(rng)]
    p = c.person()
    f = c.forms(p)
    name = f["native"] if "native" in f and rng.random() < 0.3 else f["passport"]
    return {
        "names": (name,),
        "date_of_birth": p.dob.isoformat() if rng.random() < 0.9 else str(p.dob.year),
        "sex": p.sex if rng.random() > 0.2 else "",
        "nationalities": (p.nationality,) if rng.random() > 0.2 else (),
        "documents": (),
    }


@dataclass
class Query:
    fields: dict[str, Any]
    target: int | None = None  # the listed entry (person) it is a variant of
    kind: str = "stranger"


# --- Building --------------------------------------------------------------------------------


@contextmanager
def timed(label: str, out: dict[str, float]) -> Iterator[None]:
    began = time.perf_counter()
    print(f"  {label} ...", flush=True)
    yield
    out[label] = time.perf_counter() - began
    print(f"  {label}: {out[label]:.1f} s", flush=True)


def drop_indexes(table: str) -> list[str]:
    """Drop what can be dropped of the key table's indexes; return the SQL that rebuilds them.

    Loading millions of rows into random-ordered B-trees costs far more than building them
    afterwards; the final state is the migrated schema. SQLite keeps its inline UNIQUE.
    """
    from django.db import connection

    rebuild: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                rebuild.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexname NOT LIKE '%%pkey'",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                rebuild.append(definition)
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                rebuild.append(definition)
    # Unique constraints first (PostgreSQL builds each as an index), foreign keys last (they
    # need the unique key they point to).
    return sorted(rebuild, key=lambda sql: ("FOREIGN KEY" in sql, "UNIQUE" not in sql))


def run_sql(statements: Iterable[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def chunks_of(kind: str, count: int, seed: int, targets: set[int]) -> list[tuple[Any, ...]]:
    return [
        (kind, seed, start, min(CHUNK, count - start),
         frozenset(t for t in targets if start <= t < start + CHUNK))
        for start in range(0, count, CHUNK)
    ]  # fmt: skip


@dataclass
class Built:
    seconds: dict[str, float] = field(default_factory=dict)
    entry_ids: list[int] = field(default_factory=list)  # by generated index
    person_ids: list[int] = field(default_factory=list)
    entry_keys: int = 0
    person_keys: int = 0
    entry_targets: dict[int, tuple[str, cs.Person, Record]] = field(default_factory=dict)
    person_targets: dict[int, tuple[str, cs.Person, Record]] = field(default_factory=dict)


def build(args: argparse.Namespace, entry_targets: set[int], person_targets: set[int]) -> Built:
    from django.db import connection, connections, transaction

    from timpora.accounts.models import Agency
    from timpora.core.bulk import allocate_ids, insert_model_rows, insert_rows, refresh_statistics
    from timpora.lib.text import document_key
    from timpora.matching.models import EntryKey, PersonForms, PersonKey, WatchlistEntry
    from timpora.registry.choices import FactKind
    from timpora.registry.models import Country, Person, TravelDocument

    built = Built()
    source = Agency.objects.get(code="IMI-BTM")
    countries = set(Country.objects.values_list("pk", flat=True))
    rebuild = drop_indexes(EntryKey._meta.db_table) + drop_indexes(PersonKey._meta.db_table)
    connections.close_all()  # the workers are forked: no shared connection
    context = multiprocessing.get_context("fork")

    def load(kind: str, count: int, targets: set[int], write: Callable[[Chunk], int]) -> int:
        keys = 0
        with context.Pool(2) as pool:
            if connection.vendor == "sqlite":  # 4 GB of cache: the key B-trees stay in memory
                run_sql(["PRAGMA cache_size = -4000000"])
            for chunk in pool.imap(make_chunk, chunks_of(kind, count, args.seed, targets)):
                keys += write(chunk)
                if (chunk.start // CHUNK) % 10 == 9:
                    print(f"    {kind}: {chunk.start + len(chunk.records):,}", flush=True)
        return keys

    def write_entries(chunk: Chunk) -> int:
        built.entry_targets.update(chunk.targets)
        with transaction.atomic():
            ids = allocate_ids(WatchlistEntry, len(chunk.records))
            built.entry_ids.extend(ids)
            rows = []
            for n, (pk, r) in enumerate(zip(ids, chunk.records, strict=True)):
                listed = LISTS[(chunk.start + n) % len(LISTS)]
                rows.append({
                    "id": pk, "source_id": source.pk, "source_key": f"BENCH-{pk}",
                    "list": listed, "entry_id": f"B{chunk.start + n:07d}",
                    "full_name": r.full_name, "aliases": r.aliases, "name_original": r.native,
                    "sex": r.sex, "date_of_birth": r.date_of_birth,
                    "nationalities": [r.nationality],
                    "passport_numbers": [r.passport] if n % 2 else [],
                    "reason": "Benchmark entry", "action_on_hit": "Refer to the supervisor",
                    "owning_agency": source.code, "valid_from": datetime.date(2020, 1, 1),
                    "forms": r.forms,
                })  # fmt: skip
            insert_model_rows(WatchlistEntry, rows)
            key_rows = [(pk, k) for pk, r in zip(ids, chunk.records, strict=True) for k in r.keys]
            insert_rows(EntryKey._meta.db_table, ["entry_id", "key"], key_rows)
        return len(key_rows)

    def write_persons(chunk: Chunk) -> int:
        built.person_targets.update(chunk.targets)
        with transaction.atomic():
            ids = allocate_ids(Person, len(chunk.records))
            doc_ids = allocate_ids(TravelDocument, len(chunk.records))
            built.person_ids.extend(ids)
            persons, documents, forms = [], [], []
            for pk, doc, r in zip(ids, doc_ids, chunk.records, strict=True):
                words = r.full_name.split()
                nationality = r.nationality if r.nationality in countries else None
                persons.append({
                    "id": pk, "full_name": r.full_name, "given_names": " ".join(words[:-1]),
                    "surname": words[-1], "name_original": r.native, "sex": r.sex,
                    "date_of_birth": r.date_of_birth, "nationality_id": nationality,
                    "first_source_id": source.pk,
                    "first_source_kind": FactKind.BORDER_CROSSING,
                    "first_source_key": f"BENCH-{pk}",
                })  # fmt: skip
                if nationality:
                    documents.append({
                        "id": doc, "person_id": pk, "number": r.passport,
                        "number_key": document_key(r.passport), "issuing_state_id": nationality,
                        "first_source_id": source.pk,
                    })  # fmt: skip
                names = [n for n in (r.full_name, r.native) if n]
                forms.append({"person_id": pk, "forms": r.forms, "names": names})
            insert_model_rows(Person, persons)
            insert_model_rows(TravelDocument, documents)
            insert_model_rows(PersonForms, forms)
            key_rows = [(pk, k) for pk, r in zip(ids, chunk.records, strict=True) for k in r.keys]
            insert_rows(PersonKey._meta.db_table, ["person_id", "key"], key_rows)
        return len(key_rows)

    s = built.seconds
    with timed(f"entries: generate, forms and keys, write {args.entries:,}", s):
        built.entry_keys = load("entry", args.entries, entry_targets, write_entries)
    with timed(f"persons: generate, forms and keys, write {args.persons:,}", s):
        built.person_keys = load("person", args.persons, person_targets, write_persons)
    with timed("key indexes (unique key+id, by id) built", s):
        run_sql(rebuild)
    with timed("ANALYZE / checkpoint", s):
        refresh_statistics(
            [WatchlistEntry, EntryKey, Person, PersonKey, PersonForms, TravelDocument]
        )
        if connection.vendor == "sqlite":
            run_sql(["PRAGMA wal_checkpoint(TRUNCATE)"])
    return built


def check_real_indexing(built: Built, sample: int, seed: int) -> dict[str, Any]:
    """Time index.index_entries / index_persons on loaded rows; they must give the same keys."""
    from timpora.matching import index
    from timpora.matching.models import EntryKey, PersonKey

    rng = random.Random(seed)
    out: dict[str, Any] = {}
    for label, ids, model, column, run in (
        ("entries", built.entry_ids, EntryKey, "entry_id", index.index_entries),
        ("persons", built.person_ids, PersonKey, "person_id",
         lambda chosen: index.index_persons(chosen, force=True)),
    ):  # fmt: skip
        chosen = sorted(rng.sample(ids, min(sample, len(ids))))

        def keys_now(chosen: list[int] = chosen, model: Any = model, column: str = column) -> set:
            found: set[tuple[int, int]] = set()
            for part in range(0, len(chosen), 2000):
                found.update(
                    model.objects.filter(
                        **{f"{column}__in": chosen[part : part + 2000]}
                    ).values_list(column, "key")
                )
            return found

        before = keys_now()
        began = time.perf_counter()
        run(chosen)
        seconds = time.perf_counter() - began
        after = keys_now()
        out[label] = {"count": len(chosen), "seconds": seconds, "same": before == after}
    return out


def posting_stats() -> dict[str, Any]:
    from django.db import connection

    from timpora.matching.models import EntryKey, PersonKey, WatchlistEntry

    out: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for label, model, column in (("entry", EntryKey, "entry_id"),
                                     ("person", PersonKey, "person_id")):  # fmt: skip
            table = model._meta.db_table
            cursor.execute(
                f"SELECT key, COUNT(*) FROM {table} GROUP BY key ORDER BY 2 DESC LIMIT 5"  # noqa: S608
            )
            top = cursor.fetchall()
            cursor.execute(f"SELECT COUNT(DISTINCT key) FROM {table}")  # noqa: S608
            distinct = cursor.fetchone()[0]
            examples = []
            for key, count in top:
                cursor.execute(f"SELECT {column} FROM {table} WHERE key = %s LIMIT 3", [key])  # noqa: S608
                pks = [row[0] for row in cursor.fetchall()]
                if label == "entry":
                    names = WatchlistEntry.objects.filter(pk__in=pks).values_list(
                        "full_name", flat=True
                    )
                else:
                    from timpora.registry.models import Person

                    names = Person.objects.filter(pk__in=pks).values_list("full_name", flat=True)
                examples.append((key, count, " / ".join(names)))
            out[label] = {"distinct": distinct, "top": examples}
    return out


# --- Measuring -------------------------------------------------------------------------------


def identity_of(fields: dict[str, Any]) -> Any:
    from timpora.matching.scoring import Identity

    return Identity(**fields)


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary(values_s: Sequence[float]) -> str:
    ms = [v * 1000 for v in values_s]
    return (
        f"p50 {pct(ms, 50):.1f} ms, p95 {pct(ms, 95):.1f} ms, p99 {pct(ms, 99):.1f} ms, "
        f"max {max(ms):.1f} ms, mean {statistics.fmean(ms):.1f} ms"
    )


def clear_name_caches() -> None:
    """Empty the caches of whole names (per-part caches stay warm, as in a running server)."""
    import importlib

    for module_name in ("normalise", "normalise.keys", "scoring"):
        try:
            module = importlib.import_module(f"timpora.matching.{module_name}")
        except ImportError:
            continue
        for name in ("_name_forms", "_variant_keys", "_compare_names", "_align"):
            cached = getattr(module, name, None)
            if cached is not None and hasattr(cached, "cache_clear"):
                cached.cache_clear()


def screen_latency(queries: Sequence[Query]) -> dict[str, Any]:
    from timpora.matching.screening import screen

    for q in queries[:50]:  # warm-up: connection, statement caches, Django's machinery
        screen(identity_of(q.fields))
    clear_name_caches()
    times, hits, found = [], [], []
    for q in queries:
        identity = identity_of(q.fields)
        began = time.perf_counter()
        matches = screen(identity)
        times.append(time.perf_counter() - began)
        hits.append(len(matches))
        found.append(q.target is not None and any(m.entry.pk == q.target for m in matches))
    return {"times": times, "hits": hits, "found": found}


def screen_parts(queries: Sequence[Query]) -> dict[str, Any]:
    """What screen() does, step by step, each step timed; plus the rows each lookup reads."""
    from django.conf import settings

    from timpora.matching import index
    from timpora.matching.models import EntryKey
    from timpora.matching.scoring import Identity, score

    clear_name_caches()
    parts: dict[str, list[float]] = {"normalise": [], "candidates SQL": [], "load entries": [],
                                     "score": [], "score, bounded, cold caches": []}  # fmt: skip
    cut = settings.SCREEN_THRESHOLD
    same: list[bool] = []
    saved: list[tuple[Any, list[tuple[int, Any]], list[int]]] = []
    candidates_n, rows_read, in_candidates, per_score = [], [], [], []
    for q in queries:
        identity = identity_of(q.fields)
        t0 = time.perf_counter()
        query = Identity(
            names=identity.names, date_of_birth=identity.date_of_birth, sex=identity.sex,
            nationalities=identity.nationalities, documents=identity.documents,
            forms=identity.name_variants(),
        )  # fmt: skip
        index.keys_of(query)
        t1 = time.perf_counter()
        candidates = index.candidate_entries(query)
        t2 = time.perf_counter()
        entries = index.entries_in_force(candidates, TODAY)
        t3 = time.perf_counter()
        for pk in candidates:
            entry = entries.get(pk)
            if entry is not None:
                result = score(query, index.entry_identity(entry), at_least=cut)
                _ = result.value >= cut
        t4 = time.perf_counter()
        kept = [(pk, index.entry_identity(entries[pk])) for pk in candidates if pk in entries]
        plain = [pk for pk, other in kept if score(query, other).value >= cut]
        saved.append((query, kept, plain))
        for label, seconds in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=False):
            parts[label].append(seconds)
        candidates_n.append(len(candidates))
        if candidates:
            per_score.append((t4 - t3) / len(candidates))
        rows_read.append(EntryKey.objects.filter(key__in=index.keys_of(query)).count())
        if q.target is not None:
            in_candidates.append(q.target in candidates)
    # The check that bounding (names not compared when the other facts rule the threshold
    # out, as screen() does) gives the same hits as scoring every pair in full.
    clear_name_caches()
    for query, kept, plain in saved:
        began = time.perf_counter()
        bounded = [
            pk for pk, other in kept
            if score(query, other, at_least=cut).value >= cut
        ]  # fmt: skip
        parts["score, bounded, cold caches"].append(time.perf_counter() - began)
        same.append(bounded == plain)
    return {"parts": parts, "candidates": candidates_n, "rows_read": rows_read,
            "in_candidates": in_candidates, "per_score": per_score, "same": same}  # fmt: skip


def _throughput_worker(
    queries: Sequence[Query], offset: int, seconds: float, out: multiprocessing.Queue
) -> None:
    from timpora.matching.screening import screen

    done, times = 0, []
    began = time.perf_counter()
    stop = began + seconds
    i = offset
    while time.perf_counter() < stop:
        t = time.perf_counter()
        screen(identity_of(queries[i % len(queries)].fields))
        times.append(time.perf_counter() - t)
        i += 1
        done += 1
    out.put((done, time.perf_counter() - began, times))


def throughput(queries: Sequence[Query], workers: int, seconds: float) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    out: multiprocessing.Queue = context.Queue()
    procs = [
        context.Process(
            target=_throughput_worker,
            args=(queries, w * len(queries) // workers, seconds, out),
        )
        for w in range(workers)
    ]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    done = sum(r[0] for r in results)
    wall = max(r[1] for r in results)
    times = [t for r in results for t in r[2]]
    return {"done": done, "wall": wall, "rate": done / wall, "times": times}


def linking(records: Sequence[Query]) -> dict[str, Any]:
    from django.conf import settings

    from timpora.matching import index
    from timpora.matching.scoring import Identity, score

    clear_name_caches()
    times, parts, in_candidates, found, counts = [], {"candidates SQL": [], "load": [],
                                                      "score": []}, [], [], []  # fmt: skip
    for r in records[:20]:  # warm-up
        index.candidate_persons(identity_of(r.fields))
    for r in records:
        identity = identity_of(r.fields)
        t0 = time.perf_counter()
        query = Identity(
            names=identity.names, date_of_birth=identity.date_of_birth, sex=identity.sex,
            nationalities=identity.nationalities, documents=identity.documents,
            forms=identity.name_variants(),
        )  # fmt: skip
        candidates = index.candidate_persons(query)
        t1 = time.perf_counter()
        known = index.person_identities(candidates)
        t2 = time.perf_counter()
        scores = {
            pk: score(query, other, at_least=settings.MATCH_THRESHOLD).value
            for pk, other in known.items()
        }
        t3 = time.perf_counter()
        times.append(t3 - t0)
        for label, seconds in zip(parts, (t1 - t0, t2 - t1, t3 - t2), strict=True):
            parts[label].append(seconds)
        counts.append(len(candidates))
        if r.target is not None:
            in_candidates.append(r.target in scores)
            found.append(scores.get(r.target, 0.0) >= settings.MATCH_THRESHOLD)
    return {"times": times, "parts": parts, "in_candidates": in_candidates, "found": found,
            "candidates": counts}  # fmt: skip


def brute_force(queries: Sequence[Query], sample: int, seed: int) -> dict[str, Any]:
    """Score each query against every entry (or a sample), forms loaded beforehand."""
    from timpora.matching.models import WatchlistEntry
    from timpora.matching.scoring import Identity, score

    began = time.perf_counter()
    rows = WatchlistEntry.objects.values_list(
        "full_name", "forms", "date_of_birth", "sex", "nationalities", "passport_numbers"
    ).iterator(chunk_size=20_000)
    entries = [
        Identity(names=(name,), date_of_birth=dob, sex=sex, nationalities=tuple(nat),
                 documents=tuple(docs), forms=tuple(tuple(v) for v in forms))
        for name, forms, dob, sex, nat, docs in rows
    ]  # fmt: skip
    loading = time.perf_counter() - began
    total = len(entries)
    if sample and sample < total:
        entries = random.Random(seed).sample(entries, sample)
    times = []
    for q in queries:
        identity = identity_of(q.fields)
        query = Identity(
            names=identity.names, date_of_birth=identity.date_of_birth, sex=identity.sex,
            nationalities=identity.nationalities, documents=identity.documents,
            forms=identity.name_variants(),
        )  # fmt: skip
        t = time.perf_counter()
        for other in entries:
            score(query, other)
        times.append((time.perf_counter() - t) * total / len(entries))
    return {"loading": loading, "scored": len(entries), "total": total, "times": times}


def explain_slowest(queries: Sequence[Query], parts: dict[str, Any]) -> str:
    from django.db import connection

    from timpora.matching import index
    from timpora.matching.models import EntryKey

    sql_times = parts["parts"]["candidates SQL"]
    worst = max(range(len(queries)), key=lambda i: sql_times[i])
    keys = index.keys_of(identity_of(queries[worst].fields))
    qs = (
        EntryKey.objects.filter(key__in=keys).values("entry_id")
        .annotate(shared=Count_key()).order_by("-shared", "entry_id")[: index.CANDIDATES]
    )  # fmt: skip
    options = {"analyze": True, "buffers": True} if connection.vendor == "postgresql" else {}
    head = (
        f"slowest candidate lookup: {queries[worst].fields['names']} — "
        f"{sql_times[worst] * 1000:.1f} ms, {len(keys)} keys, "
        f"{parts['rows_read'][worst]:,} key rows read"
    )
    return head + "\n" + qs.explain(**options)


def Count_key() -> Any:  # noqa: N802 - reads as the aggregate it is
    from django.db.models import Count

    return Count("key")


# --- Report ----------------------------------------------------------------------------------


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0].split()[0]
        cursor.execute("SELECT sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]


def share(flags: Sequence[bool]) -> str:
    return f"{sum(flags) / len(flags):.1%} ({sum(flags)}/{len(flags)})" if flags else "n/a"


def make_queries(
    args: argparse.Namespace, targets: dict[int, tuple[str, cs.Person, Record]],
    ids: Sequence[int], count: int, salt: str,
) -> list[Query]:  # fmt: skip
    rng = Skewed(f"{args.seed}-{salt}")
    pool = cultures(rng)
    queries = []
    for i, (name, person, record) in sorted(targets.items()):
        kind, fields = variant_of(rng, pool[name], person, record)
        queries.append(Query(fields, target=ids[i], kind=kind))
    while len(queries) < count:
        queries.append(Query(stranger(rng, pool)))
    rng.shuffle(queries)
    return queries


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--links", type=int, default=1_000, help="new records to link")
    parser.add_argument("--seconds", type=float, default=30.0, help="throughput run")
    parser.add_argument("--workers", type=int, default=2, help="throughput processes")
    parser.add_argument("--brute", type=int, default=20, help="brute-force queries")
    parser.add_argument(
        "--brute-sample",
        type=int,
        default=100_000,
        help="entries scored per brute-force query, extrapolated (0: all)",
    )
    parser.add_argument(
        "--index-sample",
        type=int,
        default=2_000,
        help="rows re-indexed by index.index_entries/index_persons, timed",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/timpora_screen")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)  # fmt: skip

    data_dir = Path(tempfile.mkdtemp(prefix="timpora-screen-bench-"))
    name = args.pg_url.rsplit("/", 1)[1]
    url = create_pg(args.pg_url, name) if args.db == "postgres" else None
    try:
        run(args, url, data_dir)
    finally:
        from django.db import connections

        connections.close_all()
        if args.db == "postgres" and not args.keep:
            drop_pg(args.pg_url, name)
        if args.keep:
            print(f"\nKept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


CODE = {
    name: hashlib.sha256(
        (Path(__file__).resolve().parent.parent / f"timpora/matching/{name}.py").read_bytes()
    ).hexdigest()[:12]
    for name in ("scoring", "index")
}


def run(args: argparse.Namespace, url: str | None, data_dir: Path) -> None:
    configure(url, data_dir)
    from django.conf import settings
    from django.core.management import call_command

    call_command("init", verbosity=0)
    print(f"Machine: {machine_text()}; {platform.platform()}")
    print(f"Database: {database_version()}; {args.entries:,} entries, {args.persons:,} persons")

    rng = random.Random(args.seed)
    n_true = round(args.queries * TRUE_SHARE)
    entry_targets = set(rng.sample(range(args.entries), min(n_true, args.entries)))
    person_targets = set(rng.sample(range(args.persons), round(args.links * TRUE_SHARE)))
    print("\nBuilding")
    built = build(args, entry_targets, person_targets)
    entry_rate = args.entries / built.seconds[next(iter(built.seconds))]
    person_rate = args.persons / list(built.seconds.values())[1]
    real = check_real_indexing(built, args.index_sample, args.seed)
    stats = posting_stats()

    queries = make_queries(args, built.entry_targets, built.entry_ids, args.queries, "q")
    records = make_queries(args, built.person_targets, built.person_ids, args.links, "l")

    print("\nScreening latency (screen() end to end) ...", flush=True)
    latency = screen_latency(queries)
    print("Screening, step by step ...", flush=True)
    parts = screen_parts(queries)
    plan = explain_slowest(queries, parts)
    print("Linking ...", flush=True)
    link = linking(records)
    print(f"Throughput, {args.workers} processes for {args.seconds:.0f} s ...", flush=True)
    through = throughput(queries, args.workers, args.seconds)
    print("Brute force ...", flush=True)
    strangers = [q for q in queries if q.target is None]
    brute = brute_force(strangers[: args.brute], args.brute_sample, args.seed)

    # --- The report.
    print(f"\n## Screening and linking, {args.db}\n")
    print(f"Machine: {machine_text()}; cores usable: {len(os.sched_getaffinity(0))}")
    print(f"Database: {database_version()}; Python {platform.python_version()}")
    print(f"Command: {' '.join([sys.executable, *sys.argv])}")
    print(f"Code: scoring.py {CODE['scoring']}, index.py {CODE['index']} (sha256 at start)\n")
    print("Build:")
    for label, seconds in built.seconds.items():
        print(f"  {label}: {seconds:.1f} s")
    print(f"  written with forms and keys: entries {entry_rate:,.0f}/s, persons "
          f"{person_rate:,.0f}/s (2 processes compute, 1 writes)")  # fmt: skip
    for label, r in real.items():
        print(f"  index.index_{label} on {r['count']:,} loaded rows: {r['seconds']:.2f} s = "
              f"{r['count'] / r['seconds']:,.0f}/s (one process); same keys as the bulk path: "
              f"{r['same']}")  # fmt: skip
    print(f"  entry keys: {built.entry_keys:,} ({built.entry_keys / args.entries:.1f} per entry), "
          f"{stats['entry']['distinct']:,} distinct")  # fmt: skip
    print(f"  person keys: {built.person_keys:,} ({built.person_keys / args.persons:.1f} per "
          f"person), {stats['person']['distinct']:,} distinct")  # fmt: skip
    for label in ("entry", "person"):
        print(f"  largest {label} posting lists:")
        for key, count, example in stats[label]["top"]:
            print(f"    {count:>9,}  key {key:>20}  e.g. {example}")

    threshold = settings.SCREEN_THRESHOLD
    found = [f for f, q in zip(latency["found"], queries, strict=True) if q.target is not None]
    n_listed = sum(q.target is not None for q in queries)
    print(
        f"\nScreening {len(queries):,} queries ({n_listed} true variants, "
        f"{len(queries) - n_listed} not listed), one process, threshold {threshold}:"
    )
    print(f"  screen() end to end: {summary(latency['times'])}")
    for label, listed in (("true variants", True), ("not listed", False)):
        chosen = [
            t for t, q in zip(latency["times"], queries, strict=True)
            if (q.target is not None) == listed
        ]  # fmt: skip
        print(f"    {label:<14} {summary(chosen)}")
    print(f"  sequential rate: {len(queries) / sum(latency['times']):.1f} screenings/s")
    for label, values in parts["parts"].items():
        print(f"  {label:<15} {summary(values)}")
    print(f"  bounded scoring gives the same hits: {share(parts['same'])}")
    print(f"  candidates scored per query: mean {statistics.fmean(parts['candidates']):.1f}, "
          f"max {max(parts['candidates'])}")  # fmt: skip
    print(f"  scoring per candidate: mean {statistics.fmean(parts['per_score']) * 1e6:.0f} µs")
    rows_read = parts["rows_read"]
    print(f"  key rows read by the candidate lookup: mean {statistics.fmean(rows_read):,.0f}, "
          f"p95 {pct(rows_read, 95):,.0f}, max {max(rows_read):,}")  # fmt: skip
    print(f"  recall (listed entry at or above {threshold}): {share(found)}")
    print(f"  listed entry among the candidates: {share(parts['in_candidates'])}")
    kinds: dict[str, list[bool]] = {}
    for f, q in zip(latency["found"], queries, strict=True):
        if q.target is not None:
            kinds.setdefault(q.kind, []).append(f)
    print("  recall by kind: " + ", ".join(
        f"{k} {sum(v)}/{len(v)}" for k, v in sorted(kinds.items(), key=lambda kv: -len(kv[1]))
    ))  # fmt: skip
    strangers_hits = [h for h, q in zip(latency["hits"], queries, strict=True) if q.target is None]
    print(f"  hits returned for people not listed: {sum(strangers_hits)} over "
          f"{len(strangers_hits)} queries")  # fmt: skip
    print(f"\nThroughput: {through['done']:,} screenings in {through['wall']:.1f} s by "
          f"{args.workers} processes = {through['rate']:.1f} screenings/s; "
          f"latency under load {summary(through['times'])}")  # fmt: skip
    print(f"\nLinking {len(records):,} new records ({sum(r.target is not None for r in records)} "
          f"variants of a known person):")  # fmt: skip
    print(f"  candidate_persons + person_identities + scoring: {summary(link['times'])}")
    for label, values in link["parts"].items():
        print(f"  {label:<15} {summary(values)}")
    print(f"  candidates per record: mean {statistics.fmean(link['candidates']):.1f}; "
          f"known person among them: {share(link['in_candidates'])}, scored >= "
          f"{settings.MATCH_THRESHOLD}: "
          f"{share(link['found'])}")  # fmt: skip
    brute_p50 = statistics.median(brute["times"])
    print(f"\nBrute force: {len(brute['times'])} queries, each scored against "
          f"{brute['scored']:,} of {brute['total']:,} entries"
          f"{' (extrapolated to all)' if brute['scored'] < brute['total'] else ''}: "
          f"median {brute_p50:.2f} s per query, max {max(brute['times']):.2f} s "
          f"(loading the forms beforehand: {brute['loading']:.1f} s, not counted)")  # fmt: skip
    indexed_p50 = pct(latency["times"], 50)
    print(f"  ratio to the indexed screen() p50 ({indexed_p50 * 1000:.1f} ms): "
          f"{brute_p50 / indexed_p50:,.0f}x")  # fmt: skip
    print(f"\nPlan of the {plan}")


if __name__ == "__main__":
    main()
