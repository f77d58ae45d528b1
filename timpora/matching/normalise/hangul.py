"""Hangul: Revised Romanization and the spellings Korean passports carry."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from timpora.matching.normalise.base import Parts, _alts, _ascii_upper, _table


@cache
def _korean_surnames() -> dict[str, list[str]]:
    return {r["hangul"]: _alts(r["romanisations"]) for r in _table("korean_surnames.csv")}


# --- Hangul -----------------------------------------------------------------------------------

# fmt: off
_KO_INITIALS = ("G", "KK", "N", "D", "TT", "R", "M", "B", "PP", "S", "SS", "", "J", "JJ", "CH", "K",
                "T", "P", "H")
_KO_VOWELS = ("A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE", "OE", "YO", "U",
              "WO", "WE", "WI", "YU", "EU", "UI", "I")
_KO_FINALS = ("", "K", "K", "K", "N", "N", "N", "T", "L", "K", "M", "L", "L", "L", "P", "L", "M",
              "P", "P", "T", "T", "NG", "T", "T", "K", "T", "P", "T")
# fmt: on
_KO_SOFT = {"G": "K", "D": "T", "B": "P", "J": "CH"}


def _hangul_rr(syllable: str) -> str:
    """Revised Romanization of one syllable (no sound changes across syllables, as in names)."""
    index = ord(syllable) - 0xAC00
    if not 0 <= index < 11172:
        return _ascii_upper(syllable)
    initial, vowel, final = index // 588, (index % 588) // 28, index % 28
    return _KO_INITIALS[initial] + _KO_VOWELS[vowel] + _KO_FINALS[final]


@lru_cache(maxsize=4096)
def _hangul_syllable_forms(syllable: str) -> Parts:
    """RR, then passport spellings: EO as U/O, EU as U, U as OO, K/T/P/CH for G/D/B/J."""
    rr = _hangul_rr(syllable)
    forms = [rr]
    for old, new in (("EO", "U"), ("YEONG", "YOUNG"), ("EO", "O"), ("EU", "U")):
        if old in rr:
            forms.append(rr.replace(old, new, 1))
    if re.search(r"(?<![EO])U", rr):
        forms.append(re.sub(r"(?<![EO])U", "OO", rr, count=1))
    if rr.startswith("S") and rr[1:2] in ("I", "Y"):
        forms.append("SH" + rr[1:])
    if rr[0] in _KO_SOFT and rr[:2] not in ("JJ", "GG", "DD", "BB"):
        forms += [_KO_SOFT[rr[0]] + f[1:] for f in forms[:2]]
    return tuple(dict.fromkeys(forms))


def _hangul_bases(name: str) -> list[Parts]:
    words = [w for w in re.split(r"[\s\-·.]+", name) if w]
    syllables = "".join(words)
    if not syllables:
        return []
    table = _korean_surnames()
    if len(words) > 1 and len(words[0]) <= 2:
        surname, given = words[0], list(syllables[len(words[0]) :])
    else:
        size = 2 if len(syllables) > 2 and syllables[:2] in table else 1
        surname, given = syllables[:size], list(syllables[size:])
    spellings = table.get(surname) or ["".join(_hangul_rr(s) for s in surname)]
    options = [_hangul_syllable_forms(s) for s in given]
    primary = tuple(o[0] for o in options)
    given_forms = [primary]
    for rank in range(1, max((len(o) for o in options), default=1)):
        given_forms += [
            (*primary[:i], o[rank], *primary[i + 1 :])
            for i, o in enumerate(options)
            if rank < len(o)
        ]
    forms: list[Parts] = []
    for spelling in spellings:
        forms += _joined_and_split(spelling, primary)
    for g in given_forms[1:]:
        forms += _joined_and_split(spellings[0], g)
    return forms


def _joined_and_split(surname: str, given: Parts) -> list[Parts]:
    if len(given) < 2:
        return [(*surname.split(), *given)]
    return [(*surname.split(), "".join(given)), (*surname.split(), *given)]
