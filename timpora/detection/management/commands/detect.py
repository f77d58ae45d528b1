"""``timpora detect [--as-of YYYY-MM-DD] [--rule CODE]``: evaluate the rules and update the alerts.

Prints, per rule, how many subjects fired and what changed (opened, updated, reopened,
resolved, condition ended) with the seconds it took (spec/cli.md).
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from timpora.detection.engine import UnknownRule, detect


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of {value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Evaluate the detection rules as of a date (today by default) and update the alerts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", help="evaluate as of this date (YYYY-MM-DD)")
        parser.add_argument(
            "--rule", action="append", dest="rules", metavar="CODE", help="only this rule"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _date(options["as_of"]) if options["as_of"] else None
        out = self.stdout
        terminal = sys.stdout.isatty()

        def progress(code: str, counts: dict[str, Any]) -> None:
            if terminal:
                out.write(f"  {code:<20} {counts['fired']:>8} fired  {counts['seconds']:.2f} s")

        try:
            run = detect(as_of, rules=options["rules"], progress=progress)
        except UnknownRule as error:
            raise CommandError(f"unknown rule: {error}") from None
        out.write(f"as_of {run.as_of:%Y-%m-%d}")
        for code, counts in run.counts.items():
            if code == "_total":
                continue
            out.write(
                f"{code} fired={counts['fired']} opened={counts['opened']} "
                f"updated={counts['updated']} reopened={counts['reopened']} "
                f"resolved={counts['resolved']} ended={counts['ended']} "
                f"seconds={counts['seconds']:.2f}"
            )
        total = run.counts.get("_total", {})
        out.write(
            f"total seconds={total.get('seconds', 0):.2f} rows_read={total.get('rows_read', 0)}"
        )
