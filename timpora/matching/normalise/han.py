"""Han characters: pinyin, Wade-Giles, dialect surnames (and kanji that may be Japanese)."""

from __future__ import annotations

from functools import cache, lru_cache

from pypinyin import lazy_pinyin

from timpora.matching.normalise.base import Parts, Script, _alts, _char_script, _table
from timpora.matching.normalise.japanese import _is_kana, _japanese_forms, _japanese_split


@cache
def _wade_giles() -> dict[str, str]:
    return {r["pinyin"]: r["wade_giles"] for r in _table("wade_giles.csv")}


@cache
def _han_surnames() -> dict[str, tuple[str, list[str]]]:
    surnames: dict[str, tuple[str, list[str]]] = {}
    for row in _table("han_surnames.csv"):
        entry = (row["pinyin"], _alts(row["dialect_spellings"]))
        surnames[row["simplified"]] = surnames.get(row["simplified"], entry)
        surnames[row["traditional"]] = surnames.get(row["traditional"], entry)
    return surnames


@cache
def _pinyin_syllables() -> frozenset[str]:
    return frozenset(_wade_giles())


@lru_cache(maxsize=16384)
def _pinyin_split(word: str) -> Parts | None:
    """The fewest pinyin syllables spelling ``word``; a vowel-initial one only first (XI'AN)."""
    syllables = _pinyin_syllables()
    best: list[Parts | None] = [()] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            head, piece = best[start], word[start:end]
            if head is None or piece not in syllables or (start and piece[0] in "AEIOU"):
                continue
            current = best[end]
            if current is None or len(head) + 1 < len(current):
                best[end] = (*head, piece)
    return best[len(word)]


def _wade_giles_form(parts: Parts) -> Parts | None:
    """ZHANG XIAOMING -> CHANG HSIAOMING, when every part is made of pinyin syllables."""
    table, out = _wade_giles(), []
    for part in parts:
        syllables = _pinyin_split(part)
        if syllables is None or len(syllables) > 3:
            return None
        out.append("".join(table[s] for s in syllables))
    return tuple(out) if tuple(out) != parts else None


# --- Han --------------------------------------------------------------------------------------


def _han_chars(name: str) -> str:
    return "".join(c for c in name if _char_script(c) == Script.HAN)


def _pinyin(chars: str) -> list[str]:
    return [s.upper().replace("V", "YU") for s in lazy_pinyin(chars) if s.isascii()]


@cache
def _given_dialects() -> dict[str, tuple[str, str]]:
    readings: dict[str, tuple[str, str]] = {}
    for row in _table("han_given_dialects.csv"):
        readings[row["simplified"]] = readings[row["traditional"]] = (
            row["cantonese"],
            row["hokkien"],
        )
    return readings


@lru_cache(maxsize=16384)
def _dialect_given(chars: str) -> tuple[Parts, ...]:
    """The given name in Cantonese (Hong Kong) and Hokkien (Singapore, Malaysia) readings, one
    part per character as those passports write them; pinyin for a character not in the table.
    None when no character is in the table."""
    table = _given_dialects()
    if not chars or not any(c in table for c in chars):
        return ()
    cantonese = tuple(table[c][0] if c in table else "".join(_pinyin(c)) for c in chars)
    hokkien = tuple(table[c][1] if c in table else "".join(_pinyin(c)) for c in chars)
    return tuple(dict.fromkeys([cantonese, hokkien]))


def _han_bases(name: str) -> list[Parts]:
    """Pinyin (surname, given joined then split), Wade-Giles, then the dialect surname spellings
    with the pinyin given name and (for the first two) with its Cantonese and Hokkien readings
    (刘天杰: LAU TIN KIT; 苏雪平: SOO SUAT PENG)."""
    chars = _han_chars(name)
    if not chars:
        return []
    table, wg = _han_surnames(), _wade_giles()
    size = 2 if len(chars) > 2 and chars[:2] in table else 1
    surname, given = chars[:size], _pinyin(chars[size:])
    pinyin_surname, dialects = table.get(surname, ("".join(_pinyin(surname)), []))
    given_forms = [("".join(given),), tuple(given)] if given else [()]
    if len(given) == 1:
        given_forms = given_forms[:1]
    wg_given = [
        tuple("".join(wg.get(s, s) for s in _pinyin_split(g) or (g,)) for g in f)
        for f in given_forms
    ]
    wg_surname = "".join(wg.get(s, s) for s in _pinyin_split(pinyin_surname) or (pinyin_surname,))
    forms = [(pinyin_surname, *g) for g in given_forms] + [(wg_surname, *g) for g in wg_given]
    spellings = [tuple(d.split()) for d in dialects]
    forms += [(*d, *given_forms[0]) for d in spellings]
    dialect_given = _dialect_given(chars[size:])
    forms += [(*d, *g) for d in spellings[:2] for g in dialect_given]
    if not dialect_given:  # else the dialect readings are its split forms (the key budget)
        forms += [(*d, *g) for d in spellings for g in given_forms[1:]]
    return forms + _japanese_forms(chars) if _japanese_split(chars)[0] else forms


def _japanese_bases(name: str) -> list[Parts]:
    kana = any(_is_kana(c) for c in name)
    return _japanese_forms(name) + ([] if kana else _han_bases(name))
