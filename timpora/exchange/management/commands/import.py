"""``timpora import KIND PATH --source AGENCY_CODE [--format …]`` (spec/cli.md)."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from timpora.accounts.models import Agency
from timpora.exchange.choices import Channel
from timpora.exchange.formats import FORMATS
from timpora.exchange.pipeline import ImportRefused, Progress, import_file
from timpora.exchange.report import write_report
from timpora.registry.choices import FactKind


def terminal_progress(stream: Any) -> tuple[Progress, Any]:
    """A progress bar (rows, rows/s, time left) on a terminal; plain lines otherwise."""
    from tqdm import tqdm

    bars: dict[str, Any] = {}
    labels = {"scan": "Reading the file", "apply": "Importing rows"}
    last_line = [0.0]

    def progress(phase: str, done: int, expected: int) -> None:
        if stream.isatty():
            bar = bars.get(phase)
            if bar is None:
                for other in bars.values():
                    other.close()
                # The terminal's width (a pseudo-terminal may report none: then 100 columns).
                width = shutil.get_terminal_size((100, 24)).columns or 100
                bar = bars[phase] = tqdm(
                    total=expected or None, desc=labels[phase], unit=" rows", file=stream,
                    unit_scale=True, ncols=width,
                )  # fmt: skip
            if expected and bar.total != expected:
                bar.total = expected
            bar.update(done - bar.n)
        elif time.monotonic() - last_line[0] >= 5 or (expected and done >= expected):
            last_line[0] = time.monotonic()
            stream.write(f"{labels[phase]}: {done} of {expected or '?'} rows\n")

    def close() -> None:
        for bar in bars.values():
            bar.close()

    return progress, close


class Command(BaseCommand):
    help = "Import one file of an exchange kind (CSV, XLSX, JSON, JSON Lines) from an agency."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=FactKind.values)
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", required=True, help="the sending agency's code")
        parser.add_argument("--format", choices=FORMATS, help="default: from the file name")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            source = Agency.objects.get(code=options["source"])
        except Agency.DoesNotExist:
            raise CommandError(f"unknown agency code {options['source']!r}") from None
        progress, close = terminal_progress(sys.stderr)
        started = time.monotonic()
        try:
            batch = import_file(
                options["kind"],
                path.resolve(),
                source=source,
                user=None,
                channel=Channel.COMMAND,
                fmt=options["format"],
                progress=progress,
            )
        except ImportRefused as refused:
            raise CommandError(f"{path.name} refused: {refused.batch.refusal}") from None
        finally:
            close()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{batch.rows_total} rows in {seconds:.1f} s: "
            f"accepted {batch.created}, updated {batch.updated}, unchanged {batch.unchanged}, "
            f"rejected {batch.rejected}, superseded {batch.superseded}"
        )
        self.stdout.write(
            f"new persons {batch.persons_created}, identity conflicts {batch.conflicts}; "
            f"batch {batch.code}"
        )
        for note in batch.notes:
            self.stdout.write(f"note: {note}")
        if batch.rejected or batch.superseded:
            reports = Path(settings.DATA_DIR) / "reports"
            reports.mkdir(parents=True, exist_ok=True)
            report = reports / f"{batch.code}-rejected.csv"
            with report.open("wb") as out:
                write_report(batch, out)
            self.stdout.write(f"rejection report: {report}")
