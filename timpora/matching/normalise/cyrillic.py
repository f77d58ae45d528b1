"""Cyrillic: ICAO 9303 and the older passport transliterations."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from timpora.matching.normalise.base import _NON_LETTERS, Parts, _ascii_upper, _table, _zip_forms
from timpora.matching.normalise.russian import is_cyrillic_patronymic


@cache
def _cyrillic() -> dict[str, tuple[str, str]]:
    return {r["letter"]: (r["icao"], r["popular"]) for r in _table("cyrillic.csv")}


# --- Cyrillic ---------------------------------------------------------------------------------

_CYRILLIC_VOWELS = frozenset("АЕЁИОУЫЭЮЯІЇЄЬЪ")


@lru_cache(maxsize=8192)
def _cyrillic_word_forms(word: str) -> Parts:
    """ICAO 9303 first (IURII), then the older passport spellings (YURIY, YURY, YURI), KS as X."""
    table, icao, popular = _cyrillic(), [], []
    for i, char in enumerate(word):
        latin = table.get(char)
        if latin is None:
            icao.append(_ascii_upper(char))
            popular.append(icao[-1])
            continue
        icao.append(latin[0])
        soft_start = i == 0 or word[i - 1] in _CYRILLIC_VOWELS
        popular.append("YE" if char == "\u0415" and soft_start else latin[1])
    first, second = "".join(icao), "".join(popular)
    forms = [first, second]
    if word.endswith(("ИЙ", "ЫЙ")):
        stem = second[:-2]
        forms += [stem + "Y", stem + "I", stem + "II"]
    if "KS" in second:
        forms.append(second.replace("KS", "X"))
    if "E" in second and "Ё" in word:
        forms.append(second.replace("YO", "E"))
    return tuple(dict.fromkeys(_NON_LETTERS.sub("", f) for f in forms if f))


def _cyrillic_bases(name: str) -> list[Parts]:
    """The zipped spellings of the words; with a patronymic, each also without it."""
    words = [w for w in re.split(r"[^\w]+", name.upper()) if w]
    ukrainian = any(c in "ІЇЄҐ" for c in name.upper())
    options = [_cyrillic_word_forms(w) for w in words]
    forms = _zip_forms(options)
    if ukrainian:  # the national transliteration of Ukrainian passports writes Г as H
        forms.insert(1, tuple(o[0].replace("G", "H") for o in options))
    at = [i for i, w in enumerate(words) if i and is_cyrillic_patronymic(w)]
    if len(words) >= 3 and len(at) == 1:
        forms = [g for f in forms for g in (f, f[: at[0]] + f[at[0] + 1 :])]
    return forms
