"""Names in any script to comparable Latin forms, and the keys that find candidates.

A name becomes a few *variants*: tuples of upper-case ASCII parts in the order written, the first
the passport-style romanisation, the others the spellings officers meet for the same name (dialect
surnames, Wade-Giles, older Cyrillic transliterations, Arabic particles with and without). Pure
functions without Django; the tables under ``data/`` (sources in ``data/SOURCES.md``) load once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

from timpora.matching.normalise.arabic import _arabic_bases
from timpora.matching.normalise.base import MAX_VARIANTS, NameForms, Parts, Script, _char_script
from timpora.matching.normalise.cyrillic import _cyrillic_bases
from timpora.matching.normalise.devanagari import _devanagari_bases
from timpora.matching.normalise.han import _han_bases, _han_chars, _japanese_bases
from timpora.matching.normalise.hangul import _hangul_bases
from timpora.matching.normalise.japanese import _japanese_split
from timpora.matching.normalise.keys import (
    _variant_keys as _variant_keys,  # the speed tests and bench/screen_bench.py clear it
)
from timpora.matching.normalise.keys import (
    blocking_keys,
    canonical_token,
    dated_keys,
    equivalent,
    loose_key,
    phonetic_key,
)
from timpora.matching.normalise.latin import _expand, _latin_bases
from timpora.matching.normalise.myanmar import _myanmar_bases
from timpora.matching.normalise.thai import _thai_bases

__all__ = [
    "MAX_VARIANTS",
    "NameForms",
    "Script",
    "blocking_keys",
    "canonical_token",
    "dated_keys",
    "detect_script",
    "equivalent",
    "loose_key",
    "name_forms",
    "phonetic_key",
]


def detect_script(name: str) -> Script:
    """The script most of the name's letters are written in (kana anywhere makes it Japanese)."""
    counts: dict[str, int] = {}
    for char in name:
        if char.isalpha() or unicodedata.category(char) in ("Mn", "Mc"):
            script = _char_script(char)
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return Script.OTHER
    if "KANA" in counts:
        return Script.JAPANESE
    dominant = Script(max(counts, key=lambda s: counts[s]))
    if dominant is Script.HAN:
        chars = _han_chars(name)
        if 2 <= len(chars) <= 4 and len(_japanese_split(chars)[0]) >= 2:
            return Script.JAPANESE
    return dominant


_BASES: dict[Script, Callable[[str], list[Parts]]] = {
    Script.HAN: _han_bases,
    Script.HANGUL: _hangul_bases,
    Script.CYRILLIC: _cyrillic_bases,
    Script.JAPANESE: _japanese_bases,
    Script.ARABIC: _arabic_bases,
    Script.DEVANAGARI: _devanagari_bases,
    Script.THAI: _thai_bases,
    Script.MYANMAR: _myanmar_bases,
}


# --- the public functions ---------------------------------------------------------------------


def name_forms(name: str) -> NameForms:
    """Every comparable form of a name in any script; the first is the passport-style one."""
    return _name_forms(unicodedata.normalize("NFC", name.strip()))


@lru_cache(maxsize=65536)
def _name_forms(name: str) -> NameForms:
    script = detect_script(name)
    bases = _BASES.get(script, _latin_bases)(name) or _latin_bases(name)
    latinish = script in (Script.LATIN, Script.OTHER)
    forms = _expand(bases, latin=latinish, thai=script is Script.THAI)
    return NameForms(name, script, forms)
