"""The ``timpora`` command: Django's management commands under one name (see spec/cli.md)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timpora.settings")
    if len(argv) > 1 and argv[1] == "demo":
        # The demo serves plain HTTP on 127.0.0.1, where browsers drop Secure cookies.
        os.environ.setdefault("TIMPORA_SECURE_COOKIES", "false")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018  (reads the environment: fail here, and clearly)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"timpora: configuration error: {exc}\n")
        sys.exit(2)
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
