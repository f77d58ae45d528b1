"""A small demo population, generated once per test session (generation needs no database)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from timpora.demo.generate import PLANTED, generate
from timpora.demo.ledger import FILES

TODAY = date(2026, 3, 15)
SMALL = 300


@dataclass
class Population:
    folder: Path
    paths: dict[str, Path]

    def rows(self, name: str) -> list[dict[str, str]]:
        """The rows of one file, by its name in ``FILES`` (``stay-permit.updates``, ...)."""
        with self.paths[name].open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def permits(self) -> dict[str, dict[str, str]]:
        """Every stay permit in its latest state: as issued, or as its update left it."""
        latest = {row["permit_number"]: row for row in self.rows("stay-permit")}
        latest.update({row["permit_number"]: row for row in self.rows("stay-permit.updates")})
        return latest

    def persons(self) -> set[tuple[str, str]]:
        """Every (nationality, passport) the files name: persons, and the copies of some."""
        return {
            (row["nationality"], row["passport_number"])
            for name in self.paths
            if FILES[name] not in ("company", "watchlist-entry")
            for row in self.rows(name)
        }

    def identities(self) -> set[tuple[str, str, str, str]]:
        """Every identity the files name: (nationality, passport, name, date of birth). One
        passport carried by two identities (planted for DOCUMENT_CONFLICT) is two persons."""
        return {
            (row["nationality"], row["passport_number"], row["full_name"], row["date_of_birth"])
            for name in self.paths
            if FILES[name] not in ("company", "watchlist-entry")
            for row in self.rows(name)
        }

    def planted(self) -> dict[str, Any]:
        """What the generator planted for the matching app and the rules to find
        (``planted.json``)."""
        return dict(json.loads((self.folder / PLANTED).read_text(encoding="utf-8")))

    def planted_persons(self, *rules: str) -> set[tuple[str, str]]:
        """The persons planted for ``rules`` (nationality, passport)."""
        cases = self.planted()["rules"]
        return {tuple(case["person"]) for rule in rules for case in cases[rule]}  # type: ignore[misc]


@pytest.fixture(scope="session")
def population(tmp_path_factory: Any) -> Population:
    folder = tmp_path_factory.mktemp("demo")
    return Population(folder, generate(2026, folder, persons=SMALL, today=TODAY))
