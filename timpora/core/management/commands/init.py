"""``timpora init``: create or upgrade the schema and load every app's reference data."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from timpora.core.apps import TimporaAppConfig


class Command(BaseCommand):
    help = "Create or upgrade the database schema and load the reference data (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options.get("verbosity", 1))
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        if verbosity:
            self.stdout.write("Schema is up to date.")
        with transaction.atomic():
            for config in apps.get_app_configs():
                if isinstance(config, TimporaAppConfig):
                    config.load_reference_data(log=self.stdout if verbosity else None)
        if verbosity:
            self.stdout.write("Reference data loaded.")
