"""``timpora resolve [--train] [--threshold X] [--limit N]``: duplicate persons, found in batch.

Reads every person not merged away, finds with the latest saved Splink model (or trains one,
with ``--train`` or when none is saved) the pairs that are likely one human, and opens a review
item for each pair not already open or decided. Prints what it did and what it took: persons
read, pairs compared after blocking, time per phase, pairs found, items created, peak memory.
Audited as one event.
"""

from __future__ import annotations

import resource
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.matching.resolve import resolve


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Find duplicate persons across the registry with Splink and fill the review queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--train", action="store_true", help="train a new model (else: the latest saved one)"
        )
        parser.add_argument(
            "--threshold",
            type=_fraction,
            help="match probability from which a pair is proposed (default: the setting "
            "TIMPORA_RESOLVE_THRESHOLD)",
        )
        parser.add_argument("--limit", type=int, help="read only the first N persons (trials)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] is not None and options["limit"] < 2:
            raise CommandError("--limit must be at least 2")
        began = time.perf_counter()
        report = resolve(
            train=options["train"],
            threshold=options["threshold"],
            limit=options["limit"],
            progress=lambda phase: (
                self.stderr.write(f"{phase} …") if options["verbosity"] > 1 else None
            ),
        )
        total = time.perf_counter() - began
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        audit(
            actor=None,
            verb=Verb.RESOLVE_RUN,
            changes={
                "persons": report.persons,
                "model": report.algorithm,
                "trained": report.trained,
                "pairs": len(report.pairs),
                "created": report.created,
                "channel": "command",
            },
        )
        seconds = report.seconds
        out = self.stdout.write
        out(f"Persons read: {report.persons:,} ({report.documents:,} documents)")
        out(f"Pairs compared after blocking: {report.blocked_pairs:,}")
        if report.trained:
            out(f"Model trained and saved: {report.model_path} ({seconds.get('train', 0):.1f} s)")
        elif report.model_path:
            out(f"Model: {report.model_path}")
        out(f"Prediction: {seconds.get('block', 0) + seconds.get('predict', 0):.1f} s")
        out(f"Pairs above the threshold: {len(report.pairs):,}")
        out(
            f"Review items created: {report.created:,} "
            f"(already open {report.already_open:,}, already decided {report.already_decided:,})"
        )
        out(
            f"Peak memory: {peak_mib:,.0f} MiB resident; DuckDB at most "
            f"{report.duckdb_peak_bytes / 2**20:,.0f} MiB (sampled after each phase)"
        )
        phases = ", ".join(f"{name} {s:.1f} s" for name, s in seconds.items())
        out(f"Total: {total:.1f} s ({phases})")
