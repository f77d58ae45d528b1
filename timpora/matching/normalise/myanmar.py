"""Burmese names: syllables by longest match, honorifics, and the Latin spellings of syllables.

Burmese names have no family name; the order of the syllables carries meaning and is kept. A
name may start with honorifics (U, DAW, MAUNG, KO, MA, SAW, NANG, SAI...): forms with and
without them. Latin spellings of a name are written split or run together (AUNG SAN /
AUNGSAN); a name whose every part is made of known syllables is also split into them, and the
spellings of one syllable (SWE / SWAY, HTUN / TUN / HTOON) are one class for ``equivalent``.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from timpora.matching.normalise.base import Parts, _alts, _ascii_upper, _table, _zip_forms


@cache
def _myanmar() -> dict[str, tuple[list[str], bool]]:
    return {
        r["syllable"]: (_alts(r["latin"]), r["honorific"] == "yes")
        for r in _table("myanmar_syllables.csv")
    }


@cache
def _latin_syllables() -> tuple[frozenset[str], frozenset[str]]:
    """Every Latin spelling of a known syllable; those of the honorifics."""
    rows = _myanmar().values()
    return (
        frozenset(s for spellings, _ in rows for s in spellings),
        frozenset(s for spellings, honorific in rows if honorific for s in spellings),
    )


def syllable_classes() -> list[tuple[str, list[str]]]:
    """Each syllable with its Latin spellings, for the classes of ``equivalent``."""
    return [(syllable, spellings) for syllable, (spellings, _) in _myanmar().items()]


def _myanmar_bases(name: str) -> list[Parts]:
    """Known name syllables by longest match (anyascii for the others); honorifics dropped too."""
    table, options, honorifics, i = _myanmar(), [], [], 0
    text = re.sub(r"\s+", "", name)
    while i < len(text):
        size = next((k for k in range(min(8, len(text) - i), 0, -1) if text[i : i + k] in table), 0)
        if size:
            spellings, honorific = table[text[i : i + size]]
            options.append(spellings)
            honorifics.append(honorific)
        else:
            size = 1
            while i + size < len(text) and not _myanmar_onset(text, i + size):
                size += 1
            options.append([_ascii_upper(text[i : i + size])])
            honorifics.append(False)
        i += size
    primary = tuple(o[0] for o in options)
    singles = [
        (*primary[:i], spelling, *primary[i + 1 :])
        for i, o in enumerate(options)
        for spelling in o[1:2]
    ]
    forms = list(dict.fromkeys([primary, *singles, *_zip_forms(options)]))
    lead = 0
    while lead < min(2, len(options) - 2) and honorifics[lead]:
        lead += 1
    return [f[k:] for f in forms for k in range(lead + 1)]


def _myanmar_onset(text: str, at: int) -> bool:
    following = text[at + 1 : at + 2]
    return "\u1000" <= text[at] <= "\u102a" and following not in ("\u103a", "\u1039")


@lru_cache(maxsize=16384)
def _latin_split(word: str) -> Parts | None:
    """The fewest known syllables (of two letters or more) spelling ``word``, or None."""
    syllables = _latin_syllables()[0]
    best: list[Parts | None] = [()] + [None] * len(word)
    for end in range(2, len(word) + 1):
        for start in range(max(0, end - 7), end - 1):
            head, piece = best[start], word[start:end]
            if head is None or piece not in syllables:
                continue
            current = best[end]
            if current is None or len(head) + 1 < len(current):
                best[end] = (*head, piece)
    return best[len(word)]


def burmese_latin_forms(parts: Parts) -> list[Parts]:
    """A Latin name made only of Burmese syllables: split into them (SAWTHEINKYI), and without
    its leading honorifics (OO WAI MYAT -> WAI MYAT) when two parts or more are left."""
    syllables, honorifics = _latin_syllables()
    if not parts or not any(len(p) > 1 for p in parts):
        return [parts]
    split: list[str] = []
    for part in parts:
        if part in syllables:
            split.append(part)
        elif len(part) >= 5 and (pieces := _latin_split(part)):
            split.extend(pieces)
        else:
            return [parts]
    forms = [parts, tuple(split)]
    lead = 0
    while lead < min(2, len(split) - 2) and split[lead] in honorifics:
        lead += 1
    forms += [tuple(split[k:]) for k in range(1, lead + 1)]
    return list(dict.fromkeys(forms))
