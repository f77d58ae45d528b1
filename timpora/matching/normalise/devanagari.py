"""Devanagari: Hunterian letters with schwa deletion."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from timpora.matching.normalise.base import Parts, _ascii_upper, _table, _zip_forms


@cache
def _devanagari() -> dict[str, tuple[str, str]]:
    return {r["char"]: (r["kind"], r["latin"]) for r in _table("devanagari.csv")}


@lru_cache(maxsize=8192)
def _devanagari_word(word: str) -> tuple[str, ...]:
    """Hunterian letters with the inherent A, dropped at the end (RAM, SHARMA, not RAMA) and
    also between V C _ C V (ARVIND, and ARAVIND as the second form)."""
    table = _devanagari()
    chars = [c for c in unicodedata.normalize("NFC", word) if table.get(c, ("",))[0] != "nukta"]
    items: list[tuple[str, str]] = []  # (latin, kind) with kind C, V or a for the inherent vowel
    for i, char in enumerate(chars):
        kind, latin = table.get(char, ("other", _ascii_upper(char)))
        following = table.get(chars[i + 1], ("",))[0] if i + 1 < len(chars) else ""
        if kind == "consonant":
            items.append((latin, "C"))
            if following not in ("sign", "virama"):
                items.append(("A", "a"))
        elif kind == "nasal":
            labial = following == "consonant" and table[chars[i + 1]][1][0] in "PBM"
            velar = following == "consonant" and table[chars[i + 1]][1] == "H"
            items.append(("M" if labial else "NG" if velar else "N", "C"))
        elif kind in ("vowel", "sign"):
            items.append((latin, "V"))
        elif latin:
            items.append((latin, "C"))
    kinds = [k for _, k in items]
    cluster = kinds[-3:-1] == ["C", "C"] and items[-2][0] in ("R", "Y", "V")
    if len(items) > 2 and kinds[-1] == "a" and not cluster:
        items.pop()
        kinds.pop()
    full = "".join(latin for latin, _ in items)
    for j in range(len(items) - 3, 1, -1):
        between = (
            kinds[j - 2] in "Va"
            and kinds[j + 1] == "C"
            and "".join(kinds[j + 2 : j + 3]) in ("V", "a")
        )
        if kinds[j] == "a" and kinds[j - 1] == "C" and between:
            kinds[j] = "x"
    short = "".join(latin for (latin, _), k in zip(items, kinds, strict=True) if k != "x")
    return tuple(dict.fromkeys([short, full]))


def _devanagari_bases(name: str) -> list[Parts]:
    return _zip_forms([_devanagari_word(w) for w in re.split(r"[\s.\-]+", name) if w])
