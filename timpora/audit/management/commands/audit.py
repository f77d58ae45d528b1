"""``timpora audit verify``: check the audit log's hash chain."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from timpora.audit.log import verify_chain


class Command(BaseCommand):
    help = "Work with the audit log. 'verify' checks its hash chain and names the first break."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = verify_chain()
        if broken is not None:
            where = f"event #{broken.seq}" + (f" ({broken.code})" if broken.code else "")
            raise CommandError(
                f"audit chain broken at {where}: {broken.reason}; "
                f"{checked} events before it are intact"
            )
        self.stdout.write(f"audit chain intact: {checked} events verified")
