"""``timpora screen``: one identity, or every row of a CSV file, against the watch lists.

``--name NAME [--dob DATE] [--nationality CODE] [--format text|json]`` screens one identity;
``--file PATH [--format jsonl]`` screens every row of a CSV with the columns ``query_id``,
``full_name`` and optionally ``date_of_birth`` and ``nationality``, writing one JSON line per
query: ``{"query_id": …, "matches": [{"list", "entry_id", "score", "reasons"}]}``, best first,
only matches at or above the screening threshold (spec/cli.md). Audited as one event.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from timpora.audit.choices import Purpose, Verb
from timpora.audit.log import record as audit
from timpora.matching.screening import Match, query_identity, screen

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
REQUIRED = ("query_id", "full_name")


def _date(value: str, where: str) -> str:
    value = value.strip()
    if value and not _DATE.match(value):
        raise ValueError(f"{where}: date_of_birth {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def _open_text(path: Path) -> TextIO:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return io.StringIO(data.decode(encoding), newline="")
        except UnicodeDecodeError:
            continue
    raise CommandError(f"{path}: not UTF-8 or Windows-1252 text")  # cp1252 decodes nearly all


class Command(BaseCommand):
    help = "Screen one identity, or every row of a CSV file, against the watch lists in force."

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--name", help="the full name to screen, in any script")
        what.add_argument(
            "--file", type=Path, help="a CSV: query_id, full_name[, date_of_birth, nationality]"
        )
        parser.add_argument("--dob", default="", help="date of birth: YYYY, YYYY-MM or YYYY-MM-DD")
        parser.add_argument("--nationality", default="", help="ISO 3166 alpha-3 code")
        parser.add_argument(
            "--format",
            choices=("text", "json", "jsonl"),
            help="default: text for --name, jsonl for --file",
        )
        parser.add_argument(
            "--purpose",
            choices=Purpose.values,
            default=Purpose.SUPERVISION,
            help="recorded in the audit log",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["name"] is not None:
            self._one(options)
        else:
            self._file(options)

    def _one(self, options: dict[str, Any]) -> None:
        try:
            dob = _date(options["dob"], "--dob")
        except ValueError as error:
            raise CommandError(str(error)) from None
        if not options["name"].strip():
            raise CommandError("--name is empty")
        identity = query_identity(
            options["name"],
            date_of_birth=dob,
            nationalities=[options["nationality"]] if options["nationality"] else [],
        )
        matches = screen(identity)
        self._audit(options["purpose"], queries=1, matches=matches)
        fmt = options["format"] or "text"
        if fmt == "text":
            if not matches:
                self.stdout.write(f"No match at or above {settings.SCREEN_THRESHOLD:.2f}.")
            for m in matches:
                e = m.entry
                self.stdout.write(
                    f"{m.score.value:.3f}  {e.list} {e.entry_id}  {e.full_name}  {e.date_of_birth}"
                )
                for r in m.score.reasons:
                    self.stdout.write(
                        f"        {r.factor}: {r.outcome} ({r.weight:+.1f}) {r.detail}"
                    )
                self.stdout.write(f"        reason: {e.reason}")
                self.stdout.write(f"        on a hit: {e.action_on_hit}")
            return
        self.stdout.write(
            json.dumps({"matches": [m.as_dict() for m in matches]}, ensure_ascii=False)
        )

    def _file(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if options["format"] not in (None, "jsonl"):
            raise CommandError("--file writes JSON Lines: use --format jsonl or leave it out")
        try:
            text = _open_text(path)
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        reader = csv.DictReader(text)
        columns = [c.strip() for c in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            found = ", ".join(columns) or "none"
            raise CommandError(f"{path}: missing column(s) {', '.join(missing)}; found: {found}")
        reader.fieldnames = columns
        queries = problems = 0
        hits: list[Match] = []
        for row in reader:
            line = reader.line_num
            values = {k: (v or "").strip() for k, v in row.items() if k is not None}
            query_id = values.get("query_id", "")
            try:
                if not values.get("full_name"):
                    raise ValueError(f"line {line}: full_name is empty")
                dob = _date(values.get("date_of_birth", ""), f"line {line}")
            except ValueError as error:
                problems += 1
                self.stderr.write(f"{path}: {error}; skipped")
                continue
            nationality = values.get("nationality", "")
            identity = query_identity(
                values["full_name"],
                date_of_birth=dob,
                nationalities=[nationality] if nationality else [],
            )
            matches = screen(identity)
            hits.extend(matches)
            queries += 1
            self.stdout.write(
                json.dumps(
                    {"query_id": query_id, "matches": [m.as_dict() for m in matches]},
                    ensure_ascii=False,
                )
            )
        self.stdout.flush()
        self._audit(options["purpose"], queries=queries, matches=hits)
        self.stderr.write(
            f"{queries} queries screened, {len(hits)} matches, {problems} rows skipped"
        )
        if problems:
            raise SystemExit(1)

    def _audit(self, purpose: str, *, queries: int, matches: list[Match]) -> None:
        audit(
            actor=None,
            verb=Verb.SCREENED,
            purpose=purpose,
            subject_type="matching.watchlistentry",
            changes={
                "channel": "command",
                "queries": queries,
                "matches": sorted({f"{m.entry.list}:{m.entry.entry_id}" for m in matches}),
            },
        )
