"""``timpora worker``: run background tasks (large imports, detection) until stopped.

Besides the queued tasks, the worker asks every app about once a minute for its periodic tasks
that are due (the nightly detection sweep) and enqueues them.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from timpora.core.apps import TimporaAppConfig

logger = logging.getLogger(__name__)
INTERVAL_SECONDS = 60


def schedule_due() -> None:
    """Let every app enqueue its periodic tasks that are due."""
    for config in apps.get_app_configs():
        if isinstance(config, TimporaAppConfig):
            try:
                config.schedule()
            except Exception:
                logger.exception("Scheduling the periodic tasks of %s failed", config.label)
    close_old_connections()


class Command(BaseCommand):
    help = "Run background tasks until stopped (Ctrl-C); --batch runs what is waiting and exits."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="exit when no task is waiting")

    def handle(self, *args: Any, **options: Any) -> None:
        extra = ["--batch"] if options["batch"] else []
        stop = threading.Event()
        if options["batch"]:
            schedule_due()
        else:

            def scheduler() -> None:
                schedule_due()
                while not stop.wait(INTERVAL_SECONDS):
                    schedule_due()

            threading.Thread(target=scheduler, name="timpora-scheduler", daemon=True).start()
        try:
            call_command("db_worker", "--no-startup-delay", *extra, verbosity=options["verbosity"])
        finally:
            stop.set()
