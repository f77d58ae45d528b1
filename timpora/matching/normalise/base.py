"""What every script's module shares: the result types, the tables and the Latin letters."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources

from anyascii import anyascii

MAX_VARIANTS = 16

Parts = tuple[str, ...]


class Script(StrEnum):
    LATIN = "LATIN"
    HAN = "HAN"
    HANGUL = "HANGUL"
    JAPANESE = "JAPANESE"
    CYRILLIC = "CYRILLIC"
    ARABIC = "ARABIC"
    DEVANAGARI = "DEVANAGARI"
    THAI = "THAI"
    MYANMAR = "MYANMAR"
    OTHER = "OTHER"


@dataclass(frozen=True, slots=True)
class NameForms:
    original: str
    script: Script
    variants: tuple[Parts, ...]


# --- tables -----------------------------------------------------------------------------------


@cache
def _table(name: str) -> tuple[dict[str, str], ...]:
    text = resources.files("timpora.matching").joinpath("data", name).read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


def _alts(cell: str | None) -> list[str]:
    """A ``|``-separated cell of spellings (a spelling may hold spaces: ``AU YEUNG``)."""
    return [alt.strip() for alt in (cell or "").split("|") if alt.strip()]


# --- scripts ----------------------------------------------------------------------------------

_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, Script.LATIN),
    (0x1E00, 0x1EFF, Script.LATIN),
    (0x0400, 0x052F, Script.CYRILLIC),
    (0x0600, 0x06FF, Script.ARABIC),
    (0x0750, 0x077F, Script.ARABIC),
    (0xFB50, 0xFEFF, Script.ARABIC),
    (0x0900, 0x097F, Script.DEVANAGARI),
    (0x0E00, 0x0E7F, Script.THAI),
    (0x1000, 0x109F, Script.MYANMAR),
    (0x1100, 0x11FF, Script.HANGUL),
    (0x3130, 0x318F, Script.HANGUL),
    (0xAC00, 0xD7AF, Script.HANGUL),
    (0x3040, 0x30FF, "KANA"),
    (0x31F0, 0x31FF, "KANA"),
    (0xFF66, 0xFF9F, "KANA"),
    (0x3400, 0x4DBF, Script.HAN),
    (0x4E00, 0x9FFF, Script.HAN),
    (0xF900, 0xFAFF, Script.HAN),
    (0x20000, 0x2FFFF, Script.HAN),
)


def _char_script(char: str) -> str:
    point = ord(char)
    for low, high, script in _RANGES:
        if low <= point <= high:
            return script
    return Script.OTHER


_NON_LETTERS = re.compile(r"[^A-Z]+")


@lru_cache(maxsize=16384)
def _ascii_upper(text: str) -> str:
    """Upper-case ASCII: diacritics stripped (NGUYỄN -> NGUYEN, Đ -> D), the rest by anyascii."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return (bare if bare.isascii() else anyascii(bare)).upper()


def _split(text: str) -> Parts:
    return tuple(p for p in _NON_LETTERS.split(text) if p)


def _zip_forms(options: Sequence[Sequence[str]]) -> list[Parts]:
    """The k-th spelling of every word together (a word with fewer keeps its last)."""
    depth = max((len(o) for o in options), default=0)
    return [tuple(p for o in options for p in o[min(k, len(o) - 1)].split()) for k in range(depth)]
