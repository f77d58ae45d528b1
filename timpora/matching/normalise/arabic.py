"""Arabic script: the name table, AL- and ABD- prefixes, ICAO letters."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from timpora.matching.normalise.base import Parts, _alts, _ascii_upper, _table, _zip_forms

# --- Arabic -----------------------------------------------------------------------------------

_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_ARABIC_ALEFS = str.maketrans("أإآٱ", "\u0627" * 4)


@cache
def _arabic_tables() -> tuple[dict[str, list[str]], dict[str, str]]:
    names = {r["arabic"]: _alts(r["latin"]) for r in _table("arabic_names.csv")}
    return names, {r["letter"]: r["latin"] for r in _table("arabic_letters.csv")}


def _arabic_letters(word: str) -> str:
    """ICAO consonants; alef, waw and ya between consonants as A, U, I; an A between bare ones."""
    letters, out, bare = _arabic_tables()[1], [], False
    for i, char in enumerate(word):
        if char == "\u0627" or (char == "ع" and i == 0):
            out.append("A")
            bare = False
        elif char in "وي" and i > 0 and bare:
            out.append("U" if char == "و" else "I")
            bare = False
        else:
            latin = letters.get(char, _ascii_upper(char))
            if latin and bare:
                out.append("A")
            out.append(latin)
            bare = bool(latin) and char not in "ةى"
    return "".join(out)


@lru_cache(maxsize=8192)
def _arabic_word(word: str) -> tuple[str, ...]:
    """The usual spellings of one word: the name table, AL- and ABD- prefixes, then letters."""
    names = _arabic_tables()[0]
    if word in names:
        return tuple(names[word])
    if word.startswith("عبد") and len(word) > 4:
        rest = word[3:].removeprefix("ال")
        return tuple(f"ABDUL {s}" for s in _arabic_word(rest)[:3])
    if word.startswith(("ال", "لل")) and len(word) > 3:
        return tuple(f"AL {s}" for s in _arabic_word(word[2:])[:3])
    return (_arabic_letters(word),)


def _arabic_bases(name: str) -> list[Parts]:
    words = _ARABIC_MARKS.sub("", name).translate(_ARABIC_ALEFS).split()
    merged: list[str] = []
    for word in words:
        if merged and merged[-1] in ("عبد", "ابو"):
            merged[-1] += word
        else:
            merged.append(word)
    return _zip_forms([_arabic_word(w) for w in merged])
