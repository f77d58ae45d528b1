"""Explainable scoring of two identities: is this the same human being?

Pure: plain values in, a :class:`Score` with its reasons out. The model is Fellegi-Sunter in
spirit: each fact compared (name parts, date of birth, sex, nationality, document numbers) adds
its weight, a log2 likelihood ratio (positive when the agreement is more likely between records
of one person than between records of two), to a prior; the sum is turned into a value in 0..1.
The weights are set by hand from what officers know about names and documents
(``DOMAIN.md``, "Matching people") and checked on the labelled sets of ``bench/match_eval.py``.

What the weights encode:

- **Names** are compared part by part after normalisation (``normalise.name_forms``): every
  form of one name against every form of the other, parts aligned in any order. A part equal
  (or an equivalent spelling, ``canonical_token``) counts for, one a letter or two off a little,
  one that differs against. A dropped part (a middle name) costs a little; an initial for a
  whole part counts less than the part.
- **Date of birth**: two full dates that disagree beyond a typo (one digit, or day and month
  swapped) mean two people, whatever the names: thousands share ZHANG WEI or MOHAMMED ALI.
- **Documents**: the same number is strong evidence; different numbers are almost no evidence
  (passports are renewed).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler

from timpora.matching.normalise import equivalent, loose_key, name_forms, phonetic_key

ALGORITHM = "timpora-score/1"

#: A pair scoring at or above this becomes a review item (setting TIMPORA_MATCH_THRESHOLD).
DEFAULT_REVIEW_THRESHOLD = 0.80
#: A screening result at or above this is a hit (setting TIMPORA_SCREEN_THRESHOLD).
DEFAULT_SCREEN_THRESHOLD = 0.80

#: Log2 prior odds of two records that reached scoring being one person.
PRIOR = -5.0

# Weights (log2 likelihood ratios) of each outcome.
# Names: the evidence grows with the letters that agree (ZHANG XIAOMING and ZHANG XIAO MING
# weigh the same), a part that differs outright is strong evidence of two people.
NAME_BASE = 2.0
PER_LETTER_EQUAL = 0.6
PART_INITIAL = -1.5
NAME_MAX = 11.0
# A weak resemblance (a part a letter off, an initial, a dropped or differing part) is worth
# a look only when other facts agree (DOMAIN.md): the name alone counts for at most this.
WEAK_NAME_MAX = 3.0
PART_CLOSE = -2.5
PART_DIFFERENT = -6.0
PART_MISSING = -1.0
ONE_PART_ONLY = 0.0
NAME_NONE = -8.0

DOB_EQUAL = 6.0
DOB_TYPO = 2.0
DOB_SWAPPED = 3.0
DOB_PARTIAL = 1.5
DOB_PARTIAL_DIFFERS = -5.0
DOB_DIFFERS = -10.0

SEX_EQUAL = 0.3
SEX_DIFFERS = -4.0

NATIONALITY_EQUAL = 0.5
NATIONALITY_DIFFERS = -1.5

DOCUMENT_EQUAL = 14.0
DOCUMENT_CLOSE = 3.0
DOCUMENT_DIFFERS = -0.5

ADDRESS_SAME = 3.0
ADDRESS_SIMILAR = 1.0

#: Similarity of two parts at or above which they are the same part, or one letter off.
EQUAL_AT = 0.97
CLOSE_AT = 0.88


@dataclass(frozen=True, slots=True)
class Identity:
    """What is known of one person (or one watch-list entry) for matching."""

    names: tuple[str, ...]
    date_of_birth: str = ""
    sex: str = ""
    nationalities: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    forms: tuple[tuple[str, ...], ...] | None = None
    addresses: tuple[str, ...] = ()

    def name_variants(self) -> tuple[tuple[str, ...], ...]:
        if self.forms is not None:
            return self.forms
        return forms_of(self.names)


@dataclass(frozen=True, slots=True)
class Reason:
    """One fact compared: its outcome and the weight it added to the score."""

    factor: str
    outcome: str
    weight: float
    detail: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "factor": self.factor,
            "outcome": self.outcome,
            "weight": round(self.weight, 2),
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Score:
    value: float
    reasons: tuple[Reason, ...]
    algorithm: str = ALGORITHM
    weight: float = field(default=0.0)

    def reasons_as_dicts(self) -> list[dict[str, object]]:
        return [r.as_dict() for r in self.reasons]


def forms_of(names: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """Every comparable form of a list of names (a full name and its aliases), deduplicated."""
    seen: dict[tuple[str, ...], None] = {}
    for name in names:
        if name and name.strip():
            for variant in name_forms(name).variants:
                if variant:
                    seen.setdefault(variant, None)
    return tuple(seen)


def score(a: Identity, b: Identity, *, at_least: float | None = None) -> Score:
    """Compare two identities; the value is the probability-like score, with every reason.

    With ``at_least`` (a threshold), names are not compared when the other facts already rule
    the threshold out (two full dates of birth that disagree, say): the value is then the most
    the pair could score, below ``at_least``, and the name's reason says it was not compared.
    """
    others = [
        compare_dates(a.date_of_birth, b.date_of_birth),
        compare_sex(a.sex, b.sex),
        compare_nationalities(a.nationalities, b.nationalities),
        compare_documents(a.documents, b.documents),
        compare_addresses(a.addresses, b.addresses),
    ]
    kept = tuple(r for r in others if r.outcome != "missing")
    rest = PRIOR + sum(r.weight for r in kept)
    if at_least is not None and _probability(rest + NAME_MAX) < at_least:
        skipped = Reason("name", "not compared", 0.0, "")
        return Score(_probability(rest + NAME_MAX), (skipped, *kept), weight=rest + NAME_MAX)
    name = compare_names(
        a.name_variants(),
        b.name_variants(),
        romanised=is_romanised(a) or is_romanised(b),
        ordered=is_ordered(a) and is_ordered(b),
    )
    weight = rest + name.weight
    return Score(value=_probability(weight), reasons=(name, *kept), weight=weight)


#: Nationalities whose names are usually written in another script and romanised for the
#: passport, by more than one system (Korean, Chinese, Japanese, Thai, Burmese, Russian, Arabic…).
ROMANISED_NATIONALITIES = frozenset(
    {
        "KOR",
        "PRK",
        "CHN",
        "TWN",
        "HKG",
        "MAC",
        "SGP",
        "MYS",
        "JPN",
        "THA",
        "MMR",
        "KHM",
        "LAO",
        "RUS",
        "UKR",
        "BLR",
        "KAZ",
        "KGZ",
        "UZB",
        "TJK",
        "SAU",
        "ARE",
        "QAT",
        "KWT",
        "BHR",
        "OMN",
        "YEM",
        "IRQ",
        "SYR",
        "JOR",
        "LBN",
        "EGY",
        "LBY",
        "DZA",
        "MAR",
        "TUN",
        "SDN",
        "IRN",
        "AFG",
        "PAK",
        "IND",
        "NPL",
        "BGD",
        "LKA",
    }
)


def is_romanised(identity: Identity) -> bool:
    """Whether the identity's names were (likely) romanised from another script."""
    if any(n in ROMANISED_NATIONALITIES for n in identity.nationalities):
        return True
    return any(
        not ch.isascii() and ch.isalpha() and not _is_latin(ch) for n in identity.names for ch in n
    )


#: Nationalities whose names have no family name and whose order carries meaning.
ORDERED_NATIONALITIES = frozenset({"MMR"})


def is_ordered(identity: Identity) -> bool:
    """Whether the order of the name's parts carries meaning (a Burmese name)."""
    if any(n in ORDERED_NATIONALITIES for n in identity.nationalities):
        return True
    return any("\u1000" <= ch <= "\u109f" for n in identity.names for ch in n)


def _is_latin(char: str) -> bool:
    return char <= "\u024f"


def _probability(weight: float) -> float:
    return 1.0 / (1.0 + math.pow(2.0, -weight))


# --- names ---------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def part_similarity(x: str, y: str) -> tuple[float, str]:
    """How alike two name parts are, 0..1, and how: "exact", "variant" (known spellings of one
    name, or the same sound), "loose" (another romanisation system's voicing and vowels: JIHO /
    CHIHO, HYEONJUN / HYUNJUN), "close" (a letter or two off), "initial", or "different"."""
    if x == y:
        return 1.0, "exact"
    if equivalent(x, y):  # before initials: U and WOO are one Korean surname
        return 0.98, "variant"
    if len(x) == 1 or len(y) == 1:
        return (0.9, "initial") if x[0] == y[0] else (0.0, "different")
    similarity = JaroWinkler.normalized_similarity(x, y)
    if similarity >= 0.75 and phonetic_key(x) == phonetic_key(y):
        # Same sound by the transliteration-robust key (YURIY / IURII): a spelling variant,
        # unless the letters differ too much for that to be believable.
        return max(similarity, EQUAL_AT), "variant"
    if loose_key(x) == loose_key(y):
        return max(similarity, CLOSE_AT), "loose"
    if similarity >= CLOSE_AT or (min(len(x), len(y)) >= 3 and OSA.distance(x, y) <= 1):
        # A letter off, or two letters swapped (CHE / CEH, YOON / YOAN).
        return max(similarity, CLOSE_AT), "close"
    return similarity, "different"


@dataclass(frozen=True, slots=True)
class _Alignment:
    weight: float
    pairs: tuple[tuple[str, str, str], ...]
    unmatched: tuple[str, ...]


def _join_adjacent(
    parts: Sequence[str], other: Sequence[str], romanised: bool = False
) -> tuple[str, ...]:
    """Join neighbouring parts that the other name writes as one (XIAO MING / XIAOMING; for a
    romanised name also in another romanisation: SUNG CHIN / SEONGJIN)."""
    others = set(other)
    loose = {loose_key(p) for p in other} if romanised else set()
    out: list[str] = []
    i = 0
    while i < len(parts):
        joined = parts[i] + parts[i + 1] if i + 1 < len(parts) else ""
        if joined and (joined in others or (romanised and loose_key(joined) in loose)):
            out.append(parts[i] + parts[i + 1])
            i += 2
        else:
            out.append(parts[i])
            i += 1
    return tuple(out)


@lru_cache(maxsize=262_144)
def _align(va: tuple[str, ...], vb: tuple[str, ...], romanised: bool, ordered: bool) -> _Alignment:
    if va == vb:
        letters = sum(len(x) for x in va)
        weight = min(NAME_BASE + PER_LETTER_EQUAL * letters, NAME_MAX)
        return _Alignment(weight, tuple((x, x, "exact") for x in va), ())
    if len(va) != len(vb):
        va = _join_adjacent(va, vb, romanised)
        vb = _join_adjacent(vb, va, romanised)
    candidates = []
    for i, x in enumerate(va):
        for j, y in enumerate(vb):
            similarity, how = part_similarity(x, y)
            if how == "loose":
                # Another romanisation of the same sounds is a variant for a name romanised
                # from another script; in a name written in Latin letters it is a misspelling.
                how = "variant" if romanised else "close"
            candidates.append((similarity, -abs(i - j), i, j, how))
    candidates.sort(reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[tuple[str, str, str]] = []
    positions: list[tuple[int, int]] = []
    for _, _, i, j, how in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((va[i], vb[j], how))
        positions.append((i, j))
    unmatched = [x for i, x in enumerate(va) if i not in used_a]
    unmatched += [y for j, y in enumerate(vb) if j not in used_b]
    letters = sum(
        min(len(x), len(y)) for x, y, how in pairs if how in ("exact", "variant", "close")
    )
    weight = min(NAME_BASE + PER_LETTER_EQUAL * letters, NAME_MAX)
    for _, _, how in pairs:
        if how == "close":
            weight += PART_CLOSE
        elif how == "initial":
            weight += PART_INITIAL
        elif how == "different":
            weight += PART_DIFFERENT
    weight += PART_MISSING * len(unmatched)
    if ordered and [j for _, j in sorted(positions)] != sorted(j for _, j in positions):
        # Where the order of the parts carries meaning (Burmese names have no surname), the
        # same parts in another order are another name.
        pairs = [(x, y, "reordered" if how != "different" else how) for x, y, how in pairs]
    dropped_patronymic = _only_patronymic(unmatched, va, vb)
    if dropped_patronymic and all(how in ("exact", "variant") for _, _, how in pairs):
        # RAHMAT / RAHMAT BIN SUPARMAN: the father's name, written by one agency and not by the
        # other, is a dropped part that carries no doubt about the person's own name.
        pass
    elif unmatched or any(how not in ("exact", "variant") for _, _, how in pairs):
        weight = min(weight, ONE_PART_ONLY if len(pairs) == 1 and unmatched else WEAK_NAME_MAX)
    return _Alignment(weight=weight, pairs=tuple(pairs), unmatched=tuple(unmatched))


_PATRONYMIC_PARTICLES = frozenset({"BIN", "BINTI", "BT", "BTE", "BINTE", "BN", "IBN", "BINT"})


def _only_patronymic(unmatched: Sequence[str], va: Sequence[str], vb: Sequence[str]) -> bool:
    """Whether the unmatched parts are exactly one side's trailing ``BIN <father>``."""
    if not unmatched:
        return False
    for parts in (va, vb):
        for i, part in enumerate(parts[1:], start=1):
            if part in _PATRONYMIC_PARTICLES:
                return list(parts[i:]) == list(unmatched)
    return False


def compare_names(
    forms_a: Sequence[tuple[str, ...]],
    forms_b: Sequence[tuple[str, ...]],
    *,
    romanised: bool = False,
    ordered: bool = False,
) -> Reason:
    """The best alignment of any form of one name with any form of the other.

    ``romanised``: at least one of the names was romanised from another script (it is written
    in one, or the person's nationality writes names in one). ``ordered``: the order of the
    parts carries meaning (Burmese names), so a reordered name is only a weak resemblance.
    """
    if not forms_a or not forms_b:
        return Reason("name", "missing", 0.0, "")
    return _compare_names(tuple(forms_a), tuple(forms_b), romanised, ordered)


#: How many pairs of forms are aligned at most, the most promising first.
ALIGNED_FORMS = 6


@lru_cache(maxsize=262_144)
def _signature(variant: tuple[str, ...]) -> frozenset[str]:
    return frozenset(loose_key(part) for part in variant) | {loose_key("".join(variant))}


@lru_cache(maxsize=65_536)
def _compare_names(
    forms_a: tuple[tuple[str, ...], ...],
    forms_b: tuple[tuple[str, ...], ...],
    romanised: bool,
    ordered: bool,
) -> Reason:
    # Align only the most promising pairs of forms: those sharing the most parts by their
    # loose keys (a Han name has up to 16 forms; aligning every pair costs 50 times more).
    if len(forms_a) * len(forms_b) > ALIGNED_FORMS:
        ranked = sorted(
            ((len(_signature(va) & _signature(vb)), -i, -j) for i, va in enumerate(forms_a)
             for j, vb in enumerate(forms_b)),
            reverse=True,
        )[:ALIGNED_FORMS]  # fmt: skip
        pairs = [(forms_a[-i], forms_b[-j]) for _, i, j in ranked]
    else:
        pairs = [(va, vb) for va in forms_a for vb in forms_b]
    best: _Alignment | None = None
    for va, vb in pairs:
        alignment = _align(va, vb, romanised, ordered)
        if best is None or alignment.weight > best.weight:
            best = alignment
            if best.weight >= NAME_MAX:
                break  # nothing can weigh more
    if best is None:
        return Reason("name", "missing", 0.0, "")
    if not any(how != "different" for _, _, how in best.pairs):
        return Reason("name", "different", NAME_NONE, _describe(best))
    hows = {how for _, _, how in best.pairs}
    if best.unmatched or "different" in hows:
        outcome = "partial"
    elif hows <= {"exact"}:
        outcome = "exact"
    elif hows <= {"exact", "variant"}:
        outcome = "variant"
    else:
        outcome = "similar"
    return Reason("name", outcome, best.weight, _describe(best))


def _describe(alignment: _Alignment) -> str:
    marks = {
        "exact": "=",
        "variant": "≈",
        "initial": "~",
        "close": "~",
        "reordered": "↔",
        "different": "≠",
    }
    parts = [f"{x}{marks.get(how, '?')}{y}" for x, y, how in alignment.pairs]
    parts += [f"{x}∅" for x in alignment.unmatched]
    return ", ".join(parts)


# --- dates, sex, nationality, documents ----------------------------------------------------


def compare_dates(a: str, b: str) -> Reason:
    """Full dates: equal, a one-digit typo, day and month swapped, or different people."""
    a, b = a.strip(), b.strip()
    if not a or not b:
        return Reason("date_of_birth", "missing", 0.0, "")
    detail = f"{a} / {b}"
    if len(a) == 10 and len(b) == 10:
        if a == b:
            return Reason("date_of_birth", "exact", DOB_EQUAL, detail)
        ya, ma, da = a[:4], a[5:7], a[8:10]
        yb, mb, db = b[:4], b[5:7], b[8:10]
        if ya == yb and ma == db and da == mb:
            return Reason("date_of_birth", "swapped", DOB_SWAPPED, detail)
        digits_a, digits_b = ya + ma + da, yb + mb + db
        if sum(x != y for x, y in zip(digits_a, digits_b, strict=True)) == 1:
            return Reason("date_of_birth", "typo", DOB_TYPO, detail)
        return Reason("date_of_birth", "different", DOB_DIFFERS, detail)
    # At least one side gives only the year (or year and month): compare what both give.
    common = min(len(a), len(b))
    common = 7 if common >= 7 else 4
    if a[:common] == b[:common]:
        return Reason("date_of_birth", "partial", DOB_PARTIAL, detail)
    return Reason("date_of_birth", "different", DOB_PARTIAL_DIFFERS, detail)


def compare_sex(a: str, b: str) -> Reason:
    if a not in {"M", "F"} or b not in {"M", "F"}:
        return Reason("sex", "missing", 0.0, "")
    if a == b:
        return Reason("sex", "exact", SEX_EQUAL, a)
    return Reason("sex", "different", SEX_DIFFERS, f"{a} / {b}")


def compare_nationalities(a: Sequence[str], b: Sequence[str]) -> Reason:
    sa, sb = {x for x in a if x}, {x for x in b if x}
    if not sa or not sb:
        return Reason("nationality", "missing", 0.0, "")
    common = sa & sb
    if common:
        return Reason("nationality", "exact", NATIONALITY_EQUAL, ", ".join(sorted(common)))
    detail = f"{', '.join(sorted(sa))} / {', '.join(sorted(sb))}"
    return Reason("nationality", "different", NATIONALITY_DIFFERS, detail)


_NOT_ALNUM = re.compile(r"[\W_]+")


def document_key(number: str) -> str:
    return _NOT_ALNUM.sub("", number.upper())


def compare_documents(a: Sequence[str], b: Sequence[str]) -> Reason:
    ka = {document_key(x) for x in a} - {""}
    kb = {document_key(x) for x in b} - {""}
    if not ka or not kb:
        return Reason("document", "missing", 0.0, "")
    common = ka & kb
    if common:
        return Reason("document", "exact", DOCUMENT_EQUAL, ", ".join(sorted(common)))
    for x in sorted(ka):
        for y in sorted(kb):
            if len(x) >= 6 and abs(len(x) - len(y)) <= 1 and OSA.distance(x, y) <= 1:
                return Reason("document", "close", DOCUMENT_CLOSE, f"{x} / {y}")
    detail = f"{', '.join(sorted(ka))} / {', '.join(sorted(kb))}"
    return Reason("document", "different", DOCUMENT_DIFFERS, detail)


def compare_addresses(a: Sequence[str], b: Sequence[str]) -> Reason:
    """The same address is some evidence; another address is none (people move)."""
    sa = [x.upper().strip() for x in a if x and x.strip()]
    sb = [x.upper().strip() for x in b if x and x.strip()]
    if not sa or not sb:
        return Reason("address", "missing", 0.0, "")
    best, pair = 0.0, ("", "")
    for x in sa:
        for y in sb:
            similarity = fuzz.token_set_ratio(x, y) / 100.0
            if similarity > best:
                best, pair = similarity, (x, y)
    detail = f"{pair[0]} / {pair[1]}"
    if best >= 0.9:
        return Reason("address", "exact", ADDRESS_SAME, detail)
    if best >= 0.75:
        return Reason("address", "similar", ADDRESS_SIMILAR, detail)
    return Reason("address", "different", 0.0, detail)
