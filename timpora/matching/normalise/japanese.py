"""Japanese: kanji by the name tables, kana by Hepburn, passport long vowels."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from timpora.matching.normalise.base import Parts, _alts, _ascii_upper, _char_script, _table

# --- Japanese ---------------------------------------------------------------------------------


@cache
def _japanese_names() -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, str]]:
    surnames = {r["kanji"]: _alts(r["readings"]) for r in _table("japanese_surnames.csv")}
    given = {r["kanji"]: _alts(r["readings"]) for r in _table("japanese_given_names.csv")}
    return surnames, given, {r["kana"]: r["romaji"] for r in _table("kana.csv")}


def _is_kana(char: str) -> bool:
    return _char_script(char) == "KANA"


@lru_cache(maxsize=8192)
def _kana_romaji(word: str) -> str:
    """Hepburn with long vowels spelled out (SATOU, OONO, YUUKI): sokuon doubles, ー repeats."""
    table, i, double = _japanese_names()[2], 0, False
    out: list[str] = []
    word = "".join(chr(ord(c) - 0x60) if 0x30A1 <= ord(c) <= 0x30F6 else c for c in word)
    while i < len(word):
        if word[i] in "っ":
            double, i = True, i + 1
            continue
        if word[i] == "ー":
            out.append(out[-1][-1] if out else "")
            i += 1
            continue
        size = 2 if word[i : i + 2] in table else 1
        piece, i = table.get(word[i : i + size], _ascii_upper(word[i : i + size])), i + size
        if double and piece:
            piece, double = ("T" if piece.startswith("CH") else piece[0]) + piece, False
        out.append(piece)
    return "".join(out)


def _long_vowel_forms(raw: str) -> list[str]:
    """Passport Hepburn first (SATO, ONO, YUKI, HOMMA), then SATOU/OONO and SATOH/OHNO."""
    labial = re.sub(r"N(?=[BMP])", "M", raw)
    passport = re.sub(r"O[OU](?![AEIOU])", "O", labial).replace("UU", "U")
    with_h = re.sub(r"O[OU](?![AEIOU])", "OH", labial).replace("UU", "U")
    return list(dict.fromkeys([passport, raw, with_h]))


def _japanese_split(chars: str) -> tuple[str, str]:
    """The longest known Japanese surname the characters start with, and the rest."""
    surnames = _japanese_names()[0]
    for size in (3, 2, 1):
        if chars[:size] in surnames and len(chars) >= size:
            return chars[:size], chars[size:]
    return "", chars


def _japanese_readings(chunk: str, table: dict[str, list[str]]) -> list[str]:
    if chunk and all(_is_kana(c) for c in chunk):
        return _long_vowel_forms(_kana_romaji(chunk))
    return table.get(chunk, [])


def _japanese_forms(name: str) -> list[Parts]:
    """Surname and given name by the tables or kana, in both orders (SATO HIROSHI, HIROSHI SATO)."""
    surnames, given_names, _ = _japanese_names()
    words = [w for w in re.split(r"[\s・\uff1d=]+", name) if w]
    if len(words) == 2:
        surname, given = words
    elif len(words) == 1 and all(_is_kana(c) for c in words[0]):
        surname, given = _kana_surname_split(words[0])
    else:
        surname, given = _japanese_split("".join(words))
    s_readings = _japanese_readings(surname, surnames)
    g_readings = _japanese_readings(given, given_names) if given else [""]
    if not s_readings or not g_readings:
        return []
    pairs = [(s, g) for g in g_readings[:3] for s in s_readings[:3]]
    return [tuple(p for p in pair if p) for pair in pairs] + [(g, s) for s, g in pairs if g]


def _kana_surname_split(word: str) -> tuple[str, str]:
    known = {r for readings in _japanese_names()[0].values() for r in readings}
    for size in range(min(5, len(word) - 1), 0, -1):
        if _long_vowel_forms(_kana_romaji(word[:size]))[0] in known:
            return word[:size], word[size:]
    return word, ""
