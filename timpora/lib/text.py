"""Text normalisation shared by search and record linking. Pure functions, no Django.

Names arrive in any script and with any accents. For search they are folded to upper-case ASCII
tokens: Latin letters lose their accents (Nguyễn → NGUYEN); other scripts are transliterated with
anyascii (Юрий → YURIY, 张伟 → ZHANG WEI), one token per syllable for scripts written without
spaces between syllables (Han, kana, Hangul). The matching app refines this with variant tables.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable

from anyascii import anyascii

# Scripts whose characters are each one syllable, written without spaces inside a name.
_SYLLABIC = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff]"
)
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
MAX_TOKEN_LENGTH = 40


def fold(text: str) -> str:
    """Upper-case ASCII with single spaces, one space around each syllable of CJK and Hangul."""
    text = unicodedata.normalize("NFKC", text)
    spaced = _SYLLABIC.sub(lambda m: f" {m.group(0)} ", text)
    ascii_text = anyascii(spaced).upper()
    return " ".join(_NON_ALNUM.sub(" ", ascii_text).split())


def name_tokens(text: str) -> list[str]:
    """The words of a name, folded: ``"Nguyễn Văn-Thắng"`` → ``["NGUYEN", "VAN", "THANG"]``."""
    return [token[:MAX_TOKEN_LENGTH] for token in fold(text).split()]


def search_tokens(names: Iterable[str]) -> set[str]:
    """Every token a search may start with to find a person with these names.

    Each word, plus each pair of neighbouring words joined, so that XIAOMING finds XIAO MING and
    ``JI SUNG`` finds ``JISUNG`` by its prefix.
    """
    tokens: set[str] = set()
    for name in names:
        words = name_tokens(name)
        tokens.update(words)
        tokens.update((a + b)[:MAX_TOKEN_LENGTH] for a, b in itertools.pairwise(words))
    return tokens


def document_key(number: str) -> str:
    """A passport number as the importer compares it: upper-case, no spaces, dashes or ``<``."""
    return re.sub(r"[\s\-<]+", "", unicodedata.normalize("NFKC", number)).upper()


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string that starts with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def neutralise_formula(value: str) -> str:
    """Make a cell safe for spreadsheets: text starting with = + - @ (tab, CR) gets a ' first."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def names_compatible(a: str, b: str) -> bool:
    """Whether two names as printed could be the same person's, allowing order and spacing.

    ZHANG WEI fits WEI ZHANG and ZHANG WEI MING; XIAOMING fits XIAO MING; TAN WEI MING does not
    fit LIM AH KOW. Deliberately strict: a doubtful pair is left for the matching app to review.
    """
    ta, tb = set(name_tokens(a)), set(name_tokens(b))
    if not ta or not tb:
        return True
    if ta <= tb or tb <= ta:
        return True
    return sorted("".join(ta)) == sorted("".join(tb))
