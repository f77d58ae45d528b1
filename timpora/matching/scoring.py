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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler, Levenshtein

from timpora.matching.normalise import canonical_token, name_forms, phonetic_key

ALGORITHM = "timpora-score/1"

#: A pair scoring at or above this becomes a review item (setting TIMPORA_MATCH_THRESHOLD).
DEFAULT_REVIEW_THRESHOLD = 0.80
#: A screening result at or above this is a hit (setting TIMPORA_SCREEN_THRESHOLD).
DEFAULT_SCREEN_THRESHOLD = 0.80

#: Log2 prior odds of two records that reached scoring being one person.
PRIOR = -5.0

# Weights (log2 likelihood ratios) of each outcome.
PART_EQUAL = 3.0
PART_CLOSE = 1.5
PART_INITIAL = 1.0
PART_DIFFERENT = -3.0
PART_MISSING = -1.0
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

DOCUMENT_EQUAL = 8.0
DOCUMENT_CLOSE = 3.0
DOCUMENT_DIFFERS = -0.5

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


def score(a: Identity, b: Identity) -> Score:
    """Compare two identities; the value is the probability-like score, with every reason."""
    reasons = [
        compare_names(a.name_variants(), b.name_variants()),
        compare_dates(a.date_of_birth, b.date_of_birth),
        compare_sex(a.sex, b.sex),
        compare_nationalities(a.nationalities, b.nationalities),
        compare_documents(a.documents, b.documents),
    ]
    kept = tuple(r for r in reasons if r.outcome != "missing" or r.factor == "name")
    weight = PRIOR + sum(r.weight for r in kept)
    return Score(value=_probability(weight), reasons=kept, weight=weight)


def _probability(weight: float) -> float:
    return 1.0 / (1.0 + math.pow(2.0, -weight))


# --- names ---------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def part_similarity(x: str, y: str) -> tuple[float, str]:
    """How alike two name parts are, 0..1, and how ("exact", "variant", "initial", ...)."""
    if x == y:
        return 1.0, "exact"
    if len(x) == 1 or len(y) == 1:
        return (0.9, "initial") if x[0] == y[0] else (0.0, "different")
    if canonical_token(x) == canonical_token(y):
        return 0.98, "variant"
    similarity = JaroWinkler.normalized_similarity(x, y)
    if 0.75 <= similarity < EQUAL_AT and phonetic_key(x) == phonetic_key(y):
        # Same sound by the transliteration-robust key (YURIY / IURII): a spelling variant,
        # unless the letters differ too much for that to be believable.
        return max(similarity, EQUAL_AT), "phonetic"
    return similarity, "similar" if similarity >= CLOSE_AT else "different"


@dataclass(slots=True)
class _Alignment:
    weight: float
    pairs: list[tuple[str, str, str]]
    unmatched: list[str]


def _join_adjacent(parts: Sequence[str], other: Sequence[str]) -> tuple[str, ...]:
    """Join neighbouring parts that the other name writes as one (XIAO MING / XIAOMING)."""
    others = set(other)
    out: list[str] = []
    i = 0
    while i < len(parts):
        if i + 1 < len(parts) and parts[i] + parts[i + 1] in others:
            out.append(parts[i] + parts[i + 1])
            i += 2
        else:
            out.append(parts[i])
            i += 1
    return tuple(out)


def _align(va: tuple[str, ...], vb: tuple[str, ...]) -> _Alignment:
    va = _join_adjacent(va, vb)
    vb = _join_adjacent(vb, va)
    candidates = []
    for i, x in enumerate(va):
        for j, y in enumerate(vb):
            similarity, how = part_similarity(x, y)
            candidates.append((similarity, -abs(i - j), i, j, how))
    candidates.sort(reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    weight = 0.0
    pairs: list[tuple[str, str, str]] = []
    for similarity, _, i, j, how in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        if how == "initial":
            weight += PART_INITIAL
        elif similarity >= EQUAL_AT:
            weight += PART_EQUAL
        elif similarity >= CLOSE_AT:
            weight += PART_CLOSE
            how = "close"
        else:
            weight += PART_DIFFERENT
            how = "different"
        pairs.append((va[i], vb[j], how))
    unmatched = [x for i, x in enumerate(va) if i not in used_a]
    unmatched += [y for j, y in enumerate(vb) if j not in used_b]
    weight += PART_MISSING * len(unmatched)
    if len(pairs) == 1 and len(unmatched) >= 1:
        # One part in common and nothing else (ALI / MOHAMMED ALI): weak by itself.
        weight = min(weight, PART_CLOSE)
    return _Alignment(weight=weight, pairs=pairs, unmatched=unmatched)


def compare_names(forms_a: Sequence[tuple[str, ...]], forms_b: Sequence[tuple[str, ...]]) -> Reason:
    """The best alignment of any form of one name with any form of the other."""
    if not forms_a or not forms_b:
        return Reason("name", "missing", 0.0, "")
    best: _Alignment | None = None
    for va in forms_a:
        for vb in forms_b:
            alignment = _align(va, vb)
            if best is None or alignment.weight > best.weight:
                best = alignment
    assert best is not None  # noqa: S101 - both lists are non-empty
    if not any(how != "different" for _, _, how in best.pairs):
        return Reason("name", "different", NAME_NONE, _describe(best))
    hows = {how for _, _, how in best.pairs}
    if best.unmatched:
        outcome = "partial"
    elif hows <= {"exact"}:
        outcome = "exact"
    elif hows <= {"exact", "variant", "phonetic"}:
        outcome = "variant"
    elif "different" in hows:
        outcome = "partial"
    else:
        outcome = "similar"
    return Reason("name", outcome, best.weight, _describe(best))


def _describe(alignment: _Alignment) -> str:
    marks = {
        "exact": "=",
        "variant": "≈",
        "phonetic": "≈",
        "initial": "~",
        "close": "~",
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


def document_key(number: str) -> str:
    return "".join(ch for ch in number.upper() if ch.isalnum())


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
            if len(x) >= 6 and len(x) == len(y) and Levenshtein.distance(x, y) <= 1:
                return Reason("document", "close", DOCUMENT_CLOSE, f"{x} / {y}")
    detail = f"{', '.join(sorted(ka))} / {', '.join(sorted(kb))}"
    return Reason("document", "different", DOCUMENT_DIFFERS, detail)
