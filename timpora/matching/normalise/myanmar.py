"""Burmese: name syllables by longest match, honorifics."""

from __future__ import annotations

import re
from functools import cache

from timpora.matching.normalise.base import Parts, _alts, _ascii_upper, _table, _zip_forms


@cache
def _myanmar() -> dict[str, list[str]]:
    return {r["syllable"]: _alts(r["latin"]) for r in _table("myanmar_syllables.csv")}


def _myanmar_bases(name: str) -> list[Parts]:
    """Known name syllables by longest match (anyascii for the others); honorifics dropped too."""
    table, options, i = _myanmar(), [], 0
    text = re.sub(r"\s+", "", name)
    while i < len(text):
        size = next((k for k in range(min(8, len(text) - i), 0, -1) if text[i : i + k] in table), 0)
        if size:
            options.append(table[text[i : i + size]])
        else:
            size = 1
            while i + size < len(text) and not _myanmar_onset(text, i + size):
                size += 1
            options.append([_ascii_upper(text[i : i + size])])
        i += size
    forms = _zip_forms(options)
    honorific = {"U", "DAW", "KO", "MA", "MAUNG", "SAW", "NAW"}
    return forms + [f[1:] for f in forms if len(f) > 2 and f[0] in honorific]


def _myanmar_onset(text: str, at: int) -> bool:
    following = text[at + 1 : at + 2]
    return "\u1000" <= text[at] <= "\u102a" and following not in ("\u103a", "\u1039")
