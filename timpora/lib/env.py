"""Strict parsers for settings read from the environment.

A malformed value stops start-up with a message that names the variable, so that a typo in a
deployment never turns into a silently different behaviour. Every variable read here is listed in
``docs/configuration.md`` (a test keeps the two in step).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Env:
    """Reads typed values from a mapping (``os.environ`` by default) and remembers the names."""

    def __init__(self, source: Mapping[str, str] | None = None) -> None:
        self.source = os.environ if source is None else source
        self.names: set[str] = set()

    def _raw(self, name: str) -> str | None:
        self.names.add(name)
        value = self.source.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def text(self, name: str, default: str) -> str:
        value = self._raw(name)
        return default if value is None else value

    def optional_text(self, name: str) -> str | None:
        return self._raw(name)

    def flag(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a boolean: use one of true/false, yes/no, on/off, 1/0."
        )

    def integer(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name}={number} is below its minimum of {minimum}.")
        return number

    def fraction(self, name: str, default: float) -> float:
        """A number from 0 to 1 (a threshold)."""
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
        if not 0.0 <= number <= 1.0:
            raise ImproperlyConfigured(f"{name}={number} is not between 0 and 1.")
        return number

    def items(self, name: str, default: list[str]) -> list[str]:
        value = self._raw(name)
        if value is None:
            return list(default)
        items = [item.strip() for item in value.split(",")]
        if any(not item for item in items):
            raise ImproperlyConfigured(
                f"{name}={value!r} has an empty item: separate values with single commas."
            )
        return items

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self._raw(name)
        if value is None:
            return default
        if value not in choices:
            raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")
        return value

    def path(self, name: str, default: Path) -> Path:
        value = self._raw(name)
        return default if value is None else Path(value).expanduser().resolve()
