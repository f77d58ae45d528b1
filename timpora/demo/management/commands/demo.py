"""``timpora demo``: init, a synthetic Batam population, demo log-ins, then serve (spec/cli.md).

The population of a seed is generated once into ``<DATA_DIR>/demo/seed-<N>/`` as exchange files
and imported through the exchange app's importer; a second run finds it in the database and
loads nothing. Once loaded, every detection rule runs as of the population's day (a full
sweep), so that the alerts of the planted cases await the officers; then the demo officers of
Imigrasi Batam open and work a few cases on them (``demo.cases.seed_cases``, once: a second run
finds them). The open review items and the open alerts per rule are printed on every run. The
log-ins are printed on every run, with
fresh passwords. While it serves, a ``timpora worker`` runs beside the server for the large
uploads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from timpora.demo.cases import seed_cases
from timpora.demo.generate import MIN_PERSONS, generate
from timpora.demo.load import DemoFileError, is_loaded, load_directory
from timpora.demo.users import Login, ensure_demo_users
from timpora.detection.choices import LIVE_STATUSES, RunKind
from timpora.detection.engine import detect
from timpora.detection.models import Alert, DetectionRun
from timpora.detection.rules import RULES
from timpora.matching.choices import ReviewKind, ReviewStatus
from timpora.matching.models import ReviewItem
from timpora.registry.actions import RecordResult
from timpora.registry.models import Person

MANIFEST = "manifest.json"
# The command speaks English, whatever the language of the labels.
_REVIEW_KINDS = {ReviewKind.SAME: "possibly the same person", ReviewKind.HIT: "watch-list hits"}


def _manifest(out_dir: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((out_dir / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


class Command(BaseCommand):
    help = "Set up a demo: init, a synthetic Batam population, log-ins; then serve it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Do not start the server.")
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the population.")
        parser.add_argument(
            "--persons", type=int, default=6000, help="Size of the population (default 6000)."
        )
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="Address to serve on (default 127.0.0.1:8000)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["persons"] < MIN_PERSONS:
            raise CommandError(f"--persons must be at least {MIN_PERSONS}.")
        started = time.monotonic()
        call_command("init", stdout=self.stdout, stderr=self.stderr)
        try:
            as_of = self._population(options["seed"], options["persons"])
        except DemoFileError as exc:
            raise CommandError(str(exc)) from exc
        logins = ensure_demo_users()
        self._cases(as_of)
        self._print_alerts()
        self._print_logins(logins, options["addr"])
        self.stdout.write(f"Demo ready in {time.monotonic() - started:.1f} s.")
        if not options["no_serve"]:
            # Large uploads are imported by a worker: run one beside the server while it serves.
            worker = subprocess.Popen(
                [sys.executable, "-m", "timpora.cli", "worker"], env=os.environ.copy()
            )
            try:
                call_command("runserver", options["addr"], use_reloader=False)
            finally:
                worker.terminate()
                worker.wait(timeout=10)

    def _population(self, seed: int, persons: int) -> date:
        """Generate and load the population (once); return its day."""
        out_dir = Path(settings.DATA_DIR) / "demo" / f"seed-{seed}"
        manifest = _manifest(out_dir)
        if manifest.get("persons") == persons and is_loaded(out_dir):
            self.stdout.write(
                f"The demo population of seed {seed} (as of {manifest.get('today')}) is "
                f"already loaded, from {out_dir}."
            )
            self._print_review()
            as_of = date.fromisoformat(manifest["today"]) if manifest.get("today") else None
            if as_of and not DetectionRun.objects.filter(kind=RunKind.FULL, as_of=as_of).exists():
                self._detect(as_of)
            return as_of or timezone.localdate()
        today = timezone.localdate()
        began = time.monotonic()
        paths = generate(seed, out_dir, persons=persons, today=today)
        (out_dir / MANIFEST).write_text(
            json.dumps(
                {"seed": seed, "persons": persons, "today": today.isoformat()}, sort_keys=True
            ),
            encoding="utf-8",
        )
        self.stdout.write(
            f"Generated the demo population of seed {seed} ({persons} persons, as of {today}) "
            f"in {time.monotonic() - began:.1f} s: {len(paths)} files in {out_dir}."
        )
        began = time.monotonic()
        load_directory(out_dir, actor=None, progress=self._progress)
        self.stdout.write(
            f"Loaded in {time.monotonic() - began:.1f} s; "
            f"{Person.objects.count()} persons in the registry."
        )
        self._print_review()
        self._detect(today)
        return today

    def _detect(self, as_of: date) -> None:
        """A full sweep of the rules as of the population's day."""
        began = time.monotonic()
        detect(as_of=as_of, kind=RunKind.FULL)
        self.stdout.write(
            f"Ran the {len(RULES)} detection rules as of {as_of} in "
            f"{time.monotonic() - began:.1f} s."
        )

    def _cases(self, as_of: date) -> None:
        """The officers' cases on what the sweep found (once: found again on a second run)."""
        seeded = seed_cases(as_of=as_of)
        for note in seeded.notes:
            self.stdout.write(f"  {note}")
        self.stdout.write(seeded.summary())

    def _print_alerts(self) -> None:
        """The open alerts by rule: what the rules found for the officers."""
        counts = dict(
            Alert.objects.filter(status__in=LIVE_STATUSES)
            .values_list("rule")
            .annotate(count=Count("pk"))
            .values_list("rule", "count")
        )
        parts = [f"{counts.get(code, 0)} {code}" for code in RULES]
        self.stdout.write(f"Open alerts: {sum(counts.values())} in all; {', '.join(parts)}.")

    def _print_review(self) -> None:
        """The open review items by kind: what the matching app found for the officers."""
        counts = dict(
            ReviewItem.objects.filter(status=ReviewStatus.OPEN)
            .values_list("kind")
            .annotate(count=Count("pk"))
            .values_list("kind", "count")
        )
        parts = [f"{counts.get(kind, 0)} {what}" for kind, what in _REVIEW_KINDS.items()]
        self.stdout.write(f"Open review items: {', '.join(parts)}.")

    def _progress(self, kind: str, result: RecordResult) -> None:
        self.stdout.write(
            f"  {kind:<24} {result.created:>6} created {result.updated:>6} updated "
            f"{result.unchanged:>6} unchanged {result.persons_created:>6} new persons"
        )

    def _print_logins(self, logins: list[Login], addr: str) -> None:
        header = ("user name", "password", "agency", "role", "sees")
        rows = [(x.username, x.password, x.agency, x.role, x.sees) for x in logins]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]

        def line(row: tuple[str, ...]) -> str:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            return "  " + "  ".join([*cells, row[-1]])

        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                "Log-ins (passwords are shown only now; run `timpora demo` again for new ones):"
            )
        )
        self.stdout.write(line(header))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
        self.stdout.write(f"Open http://{addr}/ and log in with one of them.")
