"""Comparing Latin name parts (classes, phonetic and loose keys) and the blocking keys."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from itertools import combinations

from timpora.matching.normalise.base import _NON_LETTERS, Parts, _alts, _table
from timpora.matching.normalise.han import _wade_giles
from timpora.matching.normalise.myanmar import syllable_classes


@cache
def _token_classes() -> dict[str, str]:
    classes: dict[str, str] = {}
    for row in _table("token_classes.csv"):
        for member in [row["canonical"], *_alts(row["members"])]:
            classes[member] = row["canonical"]
    return classes


@lru_cache(maxsize=65536)
def canonical_token(token: str) -> str:
    """The equivalence class of one Latin name part: MOHD and MUHAMMAD -> MUHAMMAD, TAN -> CHEN.

    The classes (``data/token_classes.csv``) are real equivalences of one name or one surname
    character only; a spelling shared by two surnames (WONG: 黄 and 王) sits in one class.
    """
    token = token.upper()
    return _token_classes().get(token, token)


@cache
def _name_classes() -> dict[str, frozenset[str]]:
    """Every class a Latin spelling belongs to: a token class, a Chinese or Korean surname, a
    Burmese syllable.

    Unlike :func:`canonical_token`, a spelling may be in several classes (WONG: 黄 and 王;
    JANG: 张 and 장), so that two spellings are equivalent when they share any class.
    """
    classes: dict[str, set[str]] = {}

    def add(name: str, members: Iterable[str]) -> None:
        for member in members:
            for word in [member, member.replace(" ", "")]:
                classes.setdefault(word.upper(), set()).add(name)

    for row in _table("token_classes.csv"):
        add("T:" + row["canonical"], [row["canonical"], *_alts(row["members"])])
    for row in _table("han_surnames.csv"):
        add("H:" + row["simplified"], [row["pinyin"], *_alts(row["dialect_spellings"])])
        wade_giles = _wade_giles().get(row["pinyin"])
        if wade_giles:
            add("H:" + row["simplified"], [wade_giles])
    for row in _table("korean_surnames.csv"):
        add("K:" + row["hangul"], _alts(row["romanisations"]))
    for syllable, spellings in syllable_classes():
        add("M:" + syllable, spellings)
    return {word: frozenset(names) for word, names in classes.items()}


@lru_cache(maxsize=65536)
def equivalent(a: str, b: str) -> bool:
    """Whether two Latin name parts are known spellings of one name (or one surname)."""
    if a == b or canonical_token(a) == canonical_token(b):
        return True
    classes = _name_classes()
    return bool(classes.get(a, frozenset()) & classes.get(b, frozenset()))


_LOOSE_REWRITES = (
    ("SHCH", "S"),
    # Japanese Kunrei-shiki against Hepburn (TUYOSI / TSUYOSHI, ZYUNKO / JUNKO, TAKEUTI /
    # TAKEUCHI, HUMIKO / FUMIKO), and the long O written OU (RYOU / RYO).
    ("ZY", "J"),
    ("JY", "J"),
    ("SY", "S"),
    ("TY", "CH"),
    ("TSU", "TU"),
    ("TU", "JU"),
    ("TI", "JI"),
    ("FU", "HU"),
    ("YEO", "YU"),
    ("YOU", "YU"),
    ("EO", "U"),
    ("EU", "U"),
    ("OO", "U"),
    ("OU", "O"),
    ("EE", "I"),
    ("AE", "E"),
    ("PH", "F"),
    ("KH", "H"),
    ("TH", "T"),
    ("SH", "S"),
    ("TS", "J"),
    ("TCH", "J"),
    ("CH", "J"),
    ("Z", "J"),
    ("K", "G"),
    ("C", "G"),
    ("Q", "G"),
    ("T", "D"),
    ("P", "B"),
    ("W", "V"),
    ("Y", "I"),
)


@lru_cache(maxsize=65536)
def loose_key(token: str) -> str:
    """A looser key than :func:`phonetic_key`, for romanisation systems that differ in voicing
    and vowels: Korean McCune-Reischauer against Revised (CHIHO/JIHO, SUNCHA/SUNJA,
    HYEONJUN/HYUNJUN), Thai spellings (CH/J, P/B, T/D). Equal keys make two parts *close*,
    not equal: the scorer weighs them as a spelling difference."""
    text = _NON_LETTERS.sub("", token.upper())
    for old, new in _LOOSE_REWRITES:
        text = text.replace(old, new)
    text = re.sub(r"(?<=[^AEIOU])H|H$", "", text)
    return re.sub(r"(.)\1+", r"\1", text)


_PHONETIC_REWRITES = (
    ("SHCH", "S"),
    ("TCH", "CH"),
    ("SCH", "S"),
    ("DZH", "J"),
    ("DJ", "J"),
    ("TJ", "CH"),
    ("NJ", "NY"),
    ("OE", "U"),
    ("PH", "F"),
    ("KH", "H"),
    ("GH", "G"),
    ("TH", "T"),
    ("DH", "D"),
    ("SH", "S"),
    ("CK", "K"),
    ("Q", "K"),
    ("X", "KS"),
    ("W", "V"),
    ("EE", "I"),
    ("OO", "U"),
    ("OU", "U"),
)
_FIRST_VOWELS = str.maketrans("OY", "UI")
_LATER_VOWELS = str.maketrans("EOY", "AUI")
_VOWEL_RUN = re.compile(r"[AEIOUY]+")


@lru_cache(maxsize=65536)
def phonetic_key(token: str) -> str:
    """A key equal for the usual transliteration variants of one name part.

    The algorithm, on the part's letters A-Z:

    1. J after a vowel and not before one is a Y (YURIJ); letter pairs that spell one sound
       become one letter (SHCH/SCH/SH -> S, KH -> H, PH -> F, TH -> T, DH -> D, GH -> G,
       DJ/DZH -> J, TJ -> CH, Q -> K, X -> KS, W -> V, EE -> I, OO/OU/OE -> U: the old
       Indonesian spelling SOEKARNO); an initial YE or IE
       before a consonant is E (YEVGENIY).
    2. Vowel runs are reduced to classes: Y is I, O is U everywhere; E is A after the first
       run (MOHAMMED/MUHAMMAD, SERGEY/SERGEI) but kept in the first, so WEI, WEN and WAN differ.
    3. H after a vowel and not before one goes (SATOH/SATO, OHNO/ONO, ABDULLAH/ABDULLA); a vowel
       between a consonant and a final R goes (ALEXANDER/ALEKSANDR, PETER/PETR).
    4. Doubled letters collapse (IURII/YURI, MOHAMMED/MOHAMED).

    Consonant skeletons are kept, so JUN and JAE, WEI and WEN, MAHMOUD and MOHAMMED differ.
    """
    text = _NON_LETTERS.sub("", token.upper())
    text = re.sub(r"(?<=[AEIOUY])J(?![AEIOU])", "Y", text)
    for old, new in _PHONETIC_REWRITES:
        text = text.replace(old, new)
    text = re.sub(r"^[YI]E(?=[^AEIOUY])", "E", text)
    text = re.sub(r"(.)\1+", r"\1", text)
    runs = iter(range(len(text)))
    text = _VOWEL_RUN.sub(
        lambda m: m.group().translate(_FIRST_VOWELS if next(runs) == 0 else _LATER_VOWELS), text
    )
    text = re.sub(r"(?<=[AEIU])H(?![AEIU])", "", text)
    text = re.sub(r"(?<=[^AEIU])[AEIU]R$", "R", text)
    return re.sub(r"(.)\1+", r"\1", text)


def _key(text: str) -> int:
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@lru_cache(maxsize=65536)
def _block_part(part: str) -> str:
    return phonetic_key(canonical_token(part))


@lru_cache(maxsize=65536)
def _variant_keys(parts: Parts) -> frozenset[int]:
    keys: set[str] = set()
    codes = [_block_part(p) for p in parts]
    full = [c for p, c in zip(parts, codes, strict=True) if len(p) > 1]
    if len(full) == 1:
        keys.add(f"S|{full[0]}")
    keys.update(f"P|{a}|{b}" for a, b in combinations(sorted(set(full)), 2))
    for i, (pa, a) in enumerate(zip(parts, codes, strict=True)):
        for j, pb in enumerate(parts):
            if i != j and len(pa) > 1 and (len(pb) == 1 or len(pa) >= 6):
                keys.add(f"I|{a}|{pb[0]}")
    for i in range(len(parts) - 1):
        if len(parts) > 2 and len(parts[i]) > 1 and len(parts[i + 1]) > 1:
            joined = _block_part(parts[i] + parts[i + 1])
            others = {
                c
                for k, (p, c) in enumerate(zip(parts, codes, strict=True))
                if k not in (i, i + 1) and len(p) > 1
            }
            keys.update(f"P|{min(joined, o)}|{max(joined, o)}" for o in others)
    keys.add("J|" + phonetic_key("".join(canonical_token(p) for p in parts)))
    return frozenset(_key(k) for k in keys)


def blocking_keys(variants: Iterable[Sequence[str]]) -> set[int]:
    """Signed 64-bit keys such that two names that should match share at least one.

    Per variant: the sorted pair of phonetic keys of every two parts (``P|``, also with two
    neighbours joined), a part with another's initial (``I|``, for initials and long parts),
    a lone part (``S|``) and the whole name run together (``J|``: XIAOMING / XIAO MING).
    """
    keys: set[int] = set()
    for parts in variants:
        keys |= _variant_keys(tuple(parts))
    return keys


@lru_cache(maxsize=65536)
def _dated_variant_keys(parts: Parts, year: str) -> frozenset[int]:
    keys = {f"YP|{year}|{_block_part(p)}" for p in parts if len(p) > 1}
    keys.add(f"YJ|{year}|" + phonetic_key("".join(canonical_token(p) for p in sorted(parts))))
    return frozenset(_key(k) for k in keys)


def dated_keys(variants: Iterable[Sequence[str]], year: str) -> set[int]:
    """Keys that carry the year of birth too: each part with the year (``YP|``) and the whole
    name, parts sorted, with the year (``YJ|``).

    Thousands share a common name; these keys rank first, among its holders, those born in the
    same year, and still meet a name with a typo in one part (through its other parts).
    """
    if len(year) != 4 or not year.isdigit():
        return set()
    keys: set[int] = set()
    for parts in variants:
        keys |= _dated_variant_keys(tuple(parts), year)
    return keys
