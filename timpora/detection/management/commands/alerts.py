"""``timpora alerts export [--format jsonl|csv] [--status STATUS] [--output PATH]``.

Writes the alerts in the export shape of ``detection-rules.md``, one per line (JSON Lines) or
as a flat CSV, to standard output or a file. Audited as one event.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from timpora.audit.choices import Purpose, Verb
from timpora.audit.log import record as audit
from timpora.detection.choices import AlertStatus
from timpora.detection.export import export_rows, write_csv, write_jsonl
from timpora.detection.models import Alert


class Command(BaseCommand):
    help = "Work with the alerts: `alerts export` writes them in the export shape."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the alerts (JSON Lines or CSV)")
        export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        export.add_argument(
            "--status", action="append", choices=AlertStatus.values, help="only this status"
        )
        export.add_argument("--rule", action="append", help="only this rule")
        export.add_argument("--language", choices=["id", "en"], default="id")
        export.add_argument("--output", type=Path, help="write here instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        alerts = Alert.objects.all()
        if options["status"]:
            alerts = alerts.filter(status__in=options["status"])
        if options["rule"]:
            alerts = alerts.filter(rule__in=options["rule"])
        rows = export_rows(alerts, language=options["language"])
        write = write_csv if options["format"] == "csv" else write_jsonl
        output: Path | None = options["output"]
        try:
            if output is None:
                # Every line written ends with a newline, so the wrapper adds none.
                count = write(rows, cast(IO[str], self.stdout))
            else:
                with output.open("w", encoding="utf-8", newline="") as handle:
                    count = write(rows, handle)
        except OSError as error:
            raise CommandError(f"{output}: {error.strerror}") from None
        audit(
            actor=None,
            verb=Verb.ALERTS_EXPORTED,
            subject_type="detection.alert",
            purpose=Purpose.SUPERVISION,
            changes={"count": count, "format": options["format"], "status": options["status"]},
        )
        if output is not None:
            self.stderr.write(f"{count} alerts written to {output}")
