"""Precision and recall of the detection rules on the demo population and its planted cases.

    .venv/bin/python bench/detect_eval.py                        # 6,000 persons, SQLite
    .venv/bin/python bench/detect_eval.py --persons 1500 --seed 7
    .venv/bin/python bench/detect_eval.py --db postgres   # a database created and dropped
    .venv/bin/python bench/detect_eval.py --json > detect-eval.json

What it does, in a fresh database (an SQLite file in a temporary directory, or a PostgreSQL
database created and dropped by the script), after ``timpora init``:

1. **Generate** the demo population of ``--seed`` and ``--persons`` as of ``--today`` (the
   demo's today: today in Batam unless given) into the temporary directory, with what
   ``timpora.demo.violations`` plants for every rule and its clean traps (``planted.json``).
2. **Load** it through the demo's loader (the exchange importer, then the screening of the
   watch lists), exactly as ``timpora demo`` does.
3. **Detect**: one full ``timpora.detection.engine.detect(as_of=today)``, every rule.
4. **Score** each rule: its open alerts are matched to the planted subjects, a person by
   nationality (issuing state) and passport number, a place by reporter id and address, a
   company by its business id (NIB). An alert whose subject was planted for that rule is a true
   positive; any other alert is a false positive (the population is clean); a planted subject
   with no alert is missed. Precision = true positives / alerts, recall = subjects found /
   subjects planted.
5. **Traps**: per kind of clean trap, how many were planted and how many have any open alert of
   any rule (there must be none).

Target: precision and recall at least 0.95 for every rule, and no alert on a clean trap; the
exit status is 1 when a target is missed. ``--show`` prints the false positives and the missed
subjects of each rule (with the alert's explanation), to see why.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_bench import create_pg, drop_pg, machine_text
from search_bench import configure

TARGET = 0.95


def report(result: dict[str, Any], show: bool) -> None:
    print(f"\n{'rule':<20} {'planted':>7} {'alerts':>7} {'true':>6} {'precision':>9} {'recall':>7}")
    for code, r in result["rules"].items():
        flag = "" if r["precision"] >= TARGET and r["recall"] >= TARGET else "  <- below target"
        if r["placeholder"]:
            flag += " (rule not written yet)"
        print(
            f"{code:<20} {r['planted']:>7} {r['alerts']:>7} {r['true_positives']:>6} "
            f"{r['precision']:>9.3f} {r['recall']:>7.3f}{flag}"
        )
    print(f"\n{'clean trap':<24} {'traps':>6} {'alerted':>8}")
    for kind, t in result["traps"].items():
        print(f"{kind:<24} {t['traps']:>6} {t['alerted']:>8}")
    if not show:
        return
    for code, r in result["rules"].items():
        for subjects, text in r["false_positives"]:
            print(f"\n{code} false positive {subjects}: {text}")
        for subject, case in r["missed"]:
            print(f"\n{code} missed {subject} ({case})")
    for kind, t in result["traps"].items():
        for subject, case, rule, text in t["alerts"]:
            print(f"\ntrap {kind} {subject} ({case}): {rule}: {text}")


def run(args: argparse.Namespace, url: str | None, data_dir: Path) -> dict[str, Any]:
    configure(url, data_dir)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from timpora.demo.answers import score
    from timpora.demo.generate import PLANTED, generate
    from timpora.demo.load import load_directory
    from timpora.detection.engine import detect

    call_command("init", verbosity=0)
    today = date.fromisoformat(args.today) if args.today else timezone.localdate()
    out_dir = data_dir / "demo"
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    generate(args.seed, out_dir, persons=args.persons, today=today)
    seconds["generate"] = time.perf_counter() - began
    planted = json.loads((out_dir / PLANTED).read_text(encoding="utf-8"))
    began = time.perf_counter()
    load_directory(out_dir)
    seconds["load"] = time.perf_counter() - began
    began = time.perf_counter()
    run_ = detect(as_of=today)
    seconds["detect"] = time.perf_counter() - began
    scored = score(planted)
    result = scored.as_dict()
    result["setup"] = {
        "seed": args.seed,
        "persons": args.persons,
        "today": today.isoformat(),
        "database": connection.vendor,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "detect_run": run_.pk,
        "machine": machine_text(),
    }
    result["met"] = scored.met(TARGET)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2026, help="seed of the population")
    parser.add_argument("--persons", type=int, default=6000, help="size (default 6000)")
    parser.add_argument("--today", help="the demo's today, YYYY-MM-DD (default: today)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/timpora_detect_eval"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--show", action="store_true", help="print false positives and misses")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)

    data_dir = Path(tempfile.mkdtemp(prefix="timpora-detect-eval-"))
    name = args.pg_url.rsplit("/", 1)[1]
    url = create_pg(args.pg_url, name) if args.db == "postgres" else None
    try:
        result = run(args, url, data_dir)
    finally:
        from django.db import connections

        connections.close_all()
        if args.db == "postgres" and not args.keep:
            drop_pg(args.pg_url, name)
        if args.keep:
            print(f"Kept {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
    else:
        setup = result["setup"]
        print(
            f"Seed {setup['seed']}, {setup['persons']:,} persons as of {setup['today']}, "
            f"{setup['database']}; generate {setup['seconds']['generate']} s, load "
            f"{setup['seconds']['load']} s, detect {setup['seconds']['detect']} s."
        )
        report(result, args.show)
        print(f"\nTarget (every rule >= {TARGET} on both, no trap alerted): ", end="")
        print("met." if result["met"] else "NOT met.")
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
