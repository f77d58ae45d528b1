"""Batch resolution (``timpora resolve``): time per phase, peak memory, and quality.

Run from the project directory::

    .venv/bin/python bench/resolve_bench.py --persons 100000
    .venv/bin/python bench/resolve_bench.py                          # 1,000,000 persons, SQLite
    .venv/bin/python bench/resolve_bench.py --db postgres            # on 127.0.0.1:5432

It generates ``--persons`` persons deterministically (the names, nationalities and passports of
the search benchmark), a share ``--duplicates`` of them planted duplicates of another person
written differently (a typo in the name, Wade-Giles for pinyin, the name parts in another order,
day and month of birth swapped, a digit of the date off, only the year, a renewed or mistyped
passport, the native script dropped), and writes them with plain-row bulk inserts into a fresh
database (an SQLite file in a temporary directory, or a PostgreSQL database created and dropped
by the script). Then, in a child process so that its peak memory (``ru_maxrss``) is the
resolution's own, it runs ``timpora.matching.resolve.resolve`` with training, and compares the
pairs found with the planted ones: precision, recall, and recall by kind of difference.

Results go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from import_bench import create_pg, drop_pg, machine_text
from search_bench import configure
from search_names import NATIONALITIES, make_identity, make_passport, tail_surnames

CHUNK = 20_000
WADE_GILES = {
    "ZHANG": "CHANG", "ZHAO": "CHAO", "ZHOU": "CHOU", "ZHU": "CHU", "ZHENG": "CHENG",
    "ZHONG": "CHUNG", "XU": "HSU", "XIE": "HSIEH", "XIA": "HSIA", "XIAO": "HSIAO", "XIN": "HSIN",
    "XIU": "HSIU", "JIANG": "CHIANG", "JIN": "CHIN", "JIE": "CHIEH", "JIAN": "CHIEN",
    "JUN": "CHUN", "JING": "CHING", "QIANG": "CHIANG", "QIN": "CHIN", "ZHI": "CHIH",
    "GAO": "KAO", "GUO": "KUO", "DENG": "TENG", "DING": "TING", "CAO": "TSAO", "CAI": "TSAI",
    "ZOU": "TSOU", "SONG": "SUNG", "DONG": "TUNG", "BIN": "PIN", "PENG": "P'ENG", "RONG": "JUNG",
    "REN": "JEN", "DU": "TU", "TANG": "T'ANG", "TIAN": "T'IEN", "JIA": "CHIA", "GUI": "KUEI",
}  # fmt: skip
KINDS = ("typo", "wade-giles", "order", "day-month", "digit", "year-only", "passport")


# --- Generating ------------------------------------------------------------------------------


def _typo(rng: random.Random, name: str) -> str:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 4:
        return name + "H"
    i = rng.choice(letters[1:])
    roll = rng.random()
    if roll < 0.4:  # a letter replaced
        return name[:i] + rng.choice("AEIOUNRSTLH") + name[i + 1 :]
    if roll < 0.7:  # a letter dropped
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i] + name[i:]  # a letter doubled


def _wade_giles(name: str) -> str:
    return " ".join(WADE_GILES.get(word, word) for word in name.split())


def _date_digit(rng: random.Random, birth: str) -> str:
    i = rng.choice((2, 3, 8, 9))
    digit = rng.choice([d for d in "0123456789" if d != birth[i]])
    changed = birth[:i] + digit + birth[i + 1 :]
    month, day = int(changed[5:7]), int(changed[8:10])
    return (
        changed
        if 1 <= month <= 12 and 1 <= day <= 28
        else birth[:9] + str((int(birth[9]) + 1) % 10)
    )


def _variant(rng: random.Random, person: dict[str, Any], kind: str) -> dict[str, Any]:
    dup = dict(person)
    full = dup["full_name"]
    if kind == "typo":
        dup["full_name"] = _typo(rng, full)
    elif kind == "wade-giles":
        dup["full_name"] = _wade_giles(full)
        dup["surname"] = _wade_giles(dup["surname"])
        dup["given_names"] = _wade_giles(dup["given_names"])
        dup["name_original"] = ""
    elif kind == "order":
        words = full.split()
        dup["full_name"] = " ".join(words[1:] + words[:1])
    elif kind == "day-month":
        birth = dup["date_of_birth"]
        dup["date_of_birth"] = f"{birth[:4]}-{birth[8:10]}-{birth[5:7]}"
    elif kind == "digit":
        dup["date_of_birth"] = _date_digit(rng, dup["date_of_birth"])
    elif kind == "year-only":
        dup["date_of_birth"] = dup["date_of_birth"][:4]
    elif kind == "passport":
        number = dup["passport"]
        i = rng.randrange(1, len(number))
        dup["passport"] = number[:i] + rng.choice("0123456789") + number[i + 1 :]
    # Independently of the kind: a renewed passport, the native script dropped, sex unknown.
    if kind != "passport" and rng.random() < 0.4:
        dup["passport"] = make_passport(rng, dup["nationality_id"])
    if rng.random() < 0.3:
        dup["name_original"] = ""
    if rng.random() < 0.1:
        dup["sex"] = ""
    return dup


def _kinds_for(person: dict[str, Any]) -> list[str]:
    kinds = ["typo", "order", "digit", "year-only", "passport"]
    if (
        person["nationality_id"] == "CHN"
        and _wade_giles(person["full_name"]) != person["full_name"]
    ):
        kinds.append("wade-giles")
    if len(person["date_of_birth"]) == 10 and int(person["date_of_birth"][8:10]) <= 12:
        kinds.append("day-month")
    return [k for k in kinds if k != "digit" or len(person["date_of_birth"]) == 10]


def generate(count: int, share: float, seed: int) -> dict[str, Any]:
    """Write ``count`` persons, a ``share`` of them duplicates; return the planted pairs."""
    from django.db import transaction

    from timpora.accounts.models import Agency
    from timpora.core.bulk import allocate_ids, insert_model_rows
    from timpora.lib.text import document_key
    from timpora.registry.choices import FactKind
    from timpora.registry.models import Person, TravelDocument

    rng = random.Random(seed)
    tail = tail_surnames(rng)
    countries, shares = zip(*NATIONALITIES, strict=True)
    source = Agency.objects.get(code="IMI-BTM").pk
    originals: list[dict[str, Any]] = []  # persons that duplicates may copy
    clusters: dict[int, list[tuple[int, str]]] = {}  # original id → (duplicate id, kind)
    began = time.perf_counter()
    with transaction.atomic():
        for offset in range(0, count, CHUNK):
            size = min(CHUNK, count - offset)
            ids = allocate_ids(Person, size)
            document_ids = allocate_ids(TravelDocument, size)
            persons, documents = [], []
            for pk, document_id in zip(ids, document_ids, strict=True):
                if originals and rng.random() < share:
                    original = rng.choice(originals)
                    kind = rng.choice(_kinds_for(original))
                    person = _variant(rng, original, kind)
                    clusters.setdefault(original["root"], []).append((pk, kind))
                else:
                    nationality = rng.choices(countries, weights=shares)[0]
                    identity = make_identity(rng, nationality, tail)
                    year = rng.randint(1950, 2006)
                    birth = (
                        str(year)
                        if rng.random() < 0.05
                        else f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                    )
                    person = {
                        "full_name": identity.full_name,
                        "given_names": identity.given_names,
                        "surname": identity.surname,
                        "name_original": identity.name_original,
                        "sex": rng.choice("MF"),
                        "date_of_birth": birth,
                        "nationality_id": nationality,
                        "passport": make_passport(rng, nationality),
                    }
                person["id"] = pk
                person.setdefault("root", pk)
                if len(originals) < 200_000 or rng.random() < 0.1:
                    originals.append(person)
                persons.append(
                    {
                        **{k: v for k, v in person.items() if k not in ("passport", "root")},
                        "first_source_id": source,
                        "first_source_kind": FactKind.BORDER_CROSSING,
                        "first_source_key": f"BENCH-{pk}",
                    }
                )
                documents.append(
                    {
                        "id": document_id,
                        "person_id": pk,
                        "number": person["passport"],
                        "number_key": document_key(person["passport"]),
                        "issuing_state_id": person["nationality_id"],
                        "first_source_id": source,
                    }
                )
            insert_model_rows(Person, persons)
            insert_model_rows(TravelDocument, documents)
    truth: list[tuple[int, int, str]] = []
    for original, dups in clusters.items():
        members = [(original, ""), *dups]
        for (a, kind_a), (b, kind_b) in itertools.combinations(members, 2):
            kind = kind_b if not kind_a else f"{kind_a}+{kind_b}"
            truth.append((min(a, b), max(a, b), kind))
    return {"persons": count, "seconds": time.perf_counter() - began, "truth": truth}


# --- Workers (child processes) ---------------------------------------------------------------


def worker_generate(args: argparse.Namespace) -> dict[str, Any]:
    configure(args.url, Path(args.data_dir))
    from django.core.management import call_command

    call_command("init", verbosity=0)
    result = generate(args.persons, args.duplicates, args.seed)
    Path(args.data_dir, "truth.json").write_text(json.dumps(result.pop("truth")))
    return result


def worker_resolve(args: argparse.Namespace) -> dict[str, Any]:
    configure(args.url, Path(args.data_dir))
    from timpora.matching.resolve import Training, resolve

    began = time.perf_counter()
    report = resolve(
        train=True,
        threshold=args.threshold,
        training=Training(u_pairs=args.u_pairs, em_pairs=args.em_pairs),
        progress=lambda phase: print(f"  {phase} ...", file=sys.stderr, flush=True),
    )
    return {
        "total_s": time.perf_counter() - began,
        "seconds": report.seconds,
        "persons": report.persons,
        "documents": report.documents,
        "blocked_pairs": report.blocked_pairs,
        "created": report.created,
        "model": str(report.model_path),
        "duckdb_peak_mib": report.duckdb_peak_bytes / 2**20,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "pairs": [(p.person_id, p.other_person_id, p.score) for p in report.pairs],
    }


def run_worker(name: str, args: argparse.Namespace, url: str, data_dir: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", name, "--url", url, "--data-dir",
               str(data_dir), *sys.argv[1:]]  # fmt: skip
    out = subprocess.run(  # noqa: S603  (this very script, as a child process)
        command, check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- Quality ---------------------------------------------------------------------------------


def quality(truth: Sequence[Sequence[Any]], pairs: Sequence[Sequence[Any]]) -> dict[str, Any]:
    planted = {(a, b): kind for a, b, kind in truth}
    found = {(a, b) for a, b, _score in pairs}
    hits = found & planted.keys()
    by_kind: Counter[str] = Counter(planted.values())
    found_by_kind: Counter[str] = Counter(planted[p] for p in hits)
    return {
        "planted": len(planted),
        "found": len(found),
        "true_found": len(hits),
        "precision": len(hits) / len(found) if found else 1.0,
        "recall": len(hits) / len(planted) if planted else 1.0,
        "recall_by_kind": {
            kind: (found_by_kind[kind], total)
            for kind, total in sorted(by_kind.items(), key=lambda kv: -kv[1])
            if "+" not in kind
        },
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--duplicates", type=float, default=0.03, help="share of duplicates")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--u-pairs", type=float, default=1e7, help="pairs sampled for u")
    parser.add_argument("--em-pairs", type=float, default=2e6, help="pairs per EM session")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/timpora_resolve")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker = {"generate": worker_generate, "resolve": worker_resolve}[args.worker]
        print(json.dumps(worker(args)))
        return

    data_dir = Path(tempfile.mkdtemp(prefix="timpora-resolve-bench-"))
    name = args.pg_url.rsplit("/", 1)[1]
    url = create_pg(args.pg_url, name) if args.db == "postgres" else ""
    url = url or f"sqlite:///{data_dir / 'bench.sqlite3'}"
    try:
        print(f"Generating {args.persons:,} persons ({args.duplicates:.0%} duplicates) ...")
        generated = run_worker("generate", args, url, data_dir)
        print(f"  written in {generated['seconds']:.0f} s")
        print("Resolving (with training) ...")
        result = run_worker("resolve", args, url, data_dir)
        truth = json.loads((data_dir / "truth.json").read_text())
        report(args, result, quality(truth, result["pairs"]))
    finally:
        if args.db == "postgres":
            drop_pg(args.pg_url, name)
        if args.keep:
            print(f"\nKept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def report(args: argparse.Namespace, result: dict[str, Any], q: dict[str, Any]) -> None:
    print(f"\nMachine: {machine_text()}; {os.cpu_count()} CPUs seen; database {args.db}")
    print(
        f"Registry: {result['persons']:,} persons, {result['documents']:,} documents; "
        f"{result['blocked_pairs']:,} pairs compared after blocking"
    )
    print("\n| phase | s |\n|---|---:|")
    for phase, seconds in result["seconds"].items():
        print(f"| {phase} | {seconds:.1f} |")
    print(f"| **total** | **{result['total_s']:.1f}** |")
    print(
        f"\nPeak RSS {result['peak_rss_mib']:,.0f} MiB (DuckDB's own memory at most "
        f"{result['duckdb_peak_mib']:,.0f} MiB when sampled after each phase)"
    )
    print(
        f"Pairs above {args.threshold}: {q['found']:,}; review items created: "
        f"{result['created']:,}; planted pairs {q['planted']:,}\n"
        f"Precision {q['precision']:.3f}, recall {q['recall']:.3f}"
    )
    print("Recall by kind of difference: " + ", ".join(
        f"{kind} {hit}/{total}" for kind, (hit, total) in q["recall_by_kind"].items()
    ))  # fmt: skip


if __name__ == "__main__":
    main()
