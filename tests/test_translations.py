"""Both catalogues are complete, compiled, and hold every string the code marks."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "timpora" / "locale"
LANGUAGES = ("id", "en")


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_translates_every_string(language):
    catalogue = _catalogue(language)
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert (missing, fuzzy) == ([], [])


def _pairs(entries: list[polib.POEntry] | polib.MOFile) -> set[tuple[str, object]]:
    return {
        (e.msgid, e.msgstr or tuple(sorted((int(k), v) for k, v in e.msgstr_plural.items())))
        for e in entries
        if e.msgid
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_ships_a_compiled_catalogue_that_matches_the_source(language):
    compiled = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    assert _pairs(compiled) == _pairs(_catalogue(language).translated_entries())


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_it_holds_every_string_marked_in_the_code(tmp_path):
    """Extract the strings again from a copy of the code; its catalogue must not differ."""
    copy = tmp_path / "timpora"
    shutil.copytree(
        ROOT / "timpora",
        copy,
        ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo", "static", "reference"),
    )
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        call_command("makemessages", locale=["id"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    extracted = polib.pofile(str(copy / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    committed = _catalogue("id")
    assert {e.msgid for e in extracted} - {e.msgid for e in committed} == set()
    assert {e.msgid for e in committed} - {e.msgid for e in extracted} == set()
