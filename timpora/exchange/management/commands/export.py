"""``timpora export KIND [--format …] [--output PATH]`` (spec/cli.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.exchange.export import export_rows
from timpora.exchange.formats import FORMATS, detect_format, write_table
from timpora.registry.choices import FactKind
from timpora.registry.records import COLUMNS


class Command(BaseCommand):
    help = "Write the current records of an exchange kind in the exchange format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=FactKind.values)
        parser.add_argument("--format", choices=FORMATS, help="default: from --output, else csv")
        parser.add_argument("--output", type=Path, help="default: standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        kind: str = options["kind"]
        output: Path | None = options["output"]
        fmt = options["format"] or (detect_format(output.name) if output else "csv")
        rows = (row for _pk, row in export_rows(kind))
        try:
            if output is None:
                count = write_table(rows, COLUMNS[kind], fmt, sys.stdout.buffer)
                sys.stdout.flush()
            else:
                with output.open("wb") as handle:
                    count = write_table(rows, COLUMNS[kind], fmt, handle)
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror}") from None
        audit(
            actor=None,
            verb=Verb.RECORDS_EXPORTED,
            changes={"kind": kind, "format": fmt, "rows": count, "channel": "command"},
        )
        if output is not None:
            self.stderr.write(f"{count} {kind} records written to {output}")
