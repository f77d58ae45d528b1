"""``timpora setrole USERNAME ROLE``: the platform operator grants a role, team roles included."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from timpora.accounts.actions import set_role
from timpora.accounts.choices import Role
from timpora.accounts.models import User


class Command(BaseCommand):
    help = "Give a user a role. Coordinator and auditor roles can only be granted this way."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        if user.agency is None:
            raise CommandError(f"{user.username} belongs to no agency")
        set_role(user, options["role"], actor=None)
        self.stdout.write(f"{user.username} ({user.agency.code}) is now {user.role}")
