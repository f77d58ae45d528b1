"""Labelled cross-script pairs of identities, built from the name tables in bench/data/names/.

Each pair is two records of people, as two agencies would write them, and a label: 1 when both
records are the same human, 0 when they are two people. Positives vary the name the way records
really differ (native script on a police report against the passport's romanisation, another
romanisation, the order swapped, a dropped middle part, initials, a typo) and the date of birth
the way clerks get it wrong (a digit, day and month swapped, only the year known). Hard negatives
are the people a screen confuses: names one syllable or one letter apart, the same common name
with another date of birth, the same surname and birth year with another given name, a brother
(the same given and family name, another father's name).

The tables are read here and nowhere else: this evaluation stays independent of the
normaliser's own tables (timpora/matching/data), so that it measures something.

Usage:
    .venv/bin/python bench/crossscript.py               # rewrites bench/data/crossscript-test.jsonl
    .venv/bin/python bench/crossscript.py --split dev --out /tmp/dev.jsonl
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import random
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NAMES = HERE / "data" / "names"
TEST_FILE = HERE / "data" / "crossscript-test.jsonl"

SEEDS = {"dev": 20240611, "test": 77031}
PAIRS_PER_CULTURE = 300
POSITIVE_SHARE = 0.5
EASY_NEGATIVE_SHARE = 0.07  # the rest of the negatives are hard

CULTURES = (
    "chinese",
    "korean",
    "japanese",
    "russian",
    "arabic",
    "indian",
    "vietnamese",
    "thai",
    "myanmar",
    "malay",
    "western",
)

# Negative kinds that are "hard": a screen could take them for the same person.
HARD_NEGATIVE_KINDS = frozenset(
    {
        "hard-similar-name",
        "same-name-other-dob",
        "same-surname-year",
        "other-father",
        "homophone-other-char",
        "diacritic-distinct",
        "order-meaningful",
        "nickname",
        "initials-other-person",
    }
)


# --- Tables ----------------------------------------------------------------------------------


@cache
def table(name: str) -> tuple[dict[str, str], ...]:
    with (NAMES / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return tuple(dict(row) for row in csv.DictReader(f))


def spellings(value: str) -> list[str]:
    return [s.strip() for s in value.split(";") if s.strip()]


# --- Helpers ---------------------------------------------------------------------------------


def levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def nearest(
    rng: random.Random,
    target: str,
    options: Sequence[Any],
    key: Callable[[Any], str],
    k: int = 3,
    max_distance: int = 3,
) -> Any | None:
    """One of the k options whose key is closest to target (never equal to it)."""
    scored = sorted(
        (levenshtein(target, key(o)), i) for i, o in enumerate(options) if key(o) != target
    )
    scored = [s for s in scored if s[0] <= max_distance][:k]
    if not scored:
        return None
    return options[rng.choice(scored)[1]]


def pick_spelling(rng: random.Random, values: Sequence[str], first: float = 0.65) -> str:
    """The spelling one person uses: the most common one mostly, another sometimes."""
    if len(values) == 1 or rng.random() < first:
        return values[0]
    return rng.choice(values[1:])


def other_spelling(rng: random.Random, values: Sequence[str], used: str) -> str | None:
    others = [v for v in values if v != used]
    return rng.choice(others) if others else None


KEY_NEIGHBOURS = {
    "A": "SEQ",
    "B": "VNP",
    "C": "KSX",
    "D": "TSF",
    "E": "IAR",
    "F": "PVD",
    "G": "KHF",
    "H": "GJ",
    "I": "EYO",
    "J": "YGH",
    "K": "CGL",
    "L": "RKI",
    "M": "NB",
    "N": "MH",
    "O": "UAI",
    "P": "BF",
    "Q": "KG",
    "R": "LTE",
    "S": "ZCD",
    "T": "DRY",
    "U": "OIY",
    "V": "WBF",
    "W": "VUE",
    "X": "SZ",
    "Y": "IJU",
    "Z": "SX",
}


def typo(rng: random.Random, name: str) -> str:
    """One letter wrong: substituted, dropped, doubled or two letters transposed."""
    words = name.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not candidates:
        candidates = [i for i, w in enumerate(words) if len(w) >= 3 and w.isalpha()]
    if not candidates:
        return name
    for _ in range(20):
        wi = rng.choice(candidates)
        w = words[wi]
        pos = rng.randrange(1, len(w))
        op = rng.choice(("sub", "sub", "del", "double", "swap"))
        if op == "sub":
            new = w[:pos] + rng.choice(KEY_NEIGHBOURS.get(w[pos], "E")) + w[pos + 1 :]
        elif op == "del":
            new = w[:pos] + w[pos + 1 :]
        elif op == "double":
            new = w[:pos] + w[pos] + w[pos:]
        else:
            pos = min(pos, len(w) - 2)
            if pos < 1:
                continue
            new = w[:pos] + w[pos + 1] + w[pos] + w[pos + 2 :]
        if new != w:
            return " ".join([*words[:wi], new, *words[wi + 1 :]])
    return name


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    return out.replace("Đ", "D").replace("đ", "d").replace("Ø", "O").replace("Ł", "L")


# --- Dates of birth --------------------------------------------------------------------------


def random_dob(rng: random.Random) -> datetime.date:
    start = datetime.date(1950, 1, 1).toordinal()
    end = datetime.date(2006, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


def iso(d: datetime.date) -> str:
    return d.isoformat()


def digit_distance(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


def dob_typo(rng: random.Random, d: datetime.date) -> str:
    text = iso(d)
    positions = [2, 3, 5, 6, 8, 9, 8, 9, 9, 3]  # mostly the day, then the month and the year
    for _ in range(50):
        pos = rng.choice(positions)
        new = text[:pos] + str(rng.randrange(10)) + text[pos + 1 :]
        if new == text:
            continue
        try:
            datetime.date.fromisoformat(new)
        except ValueError:
            continue
        return new
    return text


def swappable(d: datetime.date) -> bool:
    return d.day <= 12 and d.day != d.month


def dob_swapped(d: datetime.date) -> str:
    return iso(d.replace(month=d.day, day=d.month))


def other_dob(rng: random.Random, d: datetime.date, same_year: bool = False) -> str:
    """A date that is no typo of d: at least two digits apart and not day and month swapped."""
    text = iso(d)
    for _ in range(200):
        if same_year:
            o = datetime.date(d.year, rng.randint(1, 12), rng.randint(1, 28))
        else:
            o = random_dob(rng)
        ot = iso(o)
        if digit_distance(ot, text) >= 2 and not (swappable(d) and ot == dob_swapped(d)):
            return ot
    raise RuntimeError("no distinct date of birth found")


# --- People ----------------------------------------------------------------------------------

PASSPORT_PREFIX = {
    "CHN": "E",
    "TWN": "3",
    "HKG": "K",
    "SGP": "K",
    "MYS": "A",
    "KOR": "M",
    "JPN": "TK",
    "RUS": "75",
    "SAU": "A",
    "ARE": "P",
    "EGY": "A",
    "JOR": "N",
    "SYR": "N",
    "IRQ": "A",
    "YEM": "0",
    "IND": "J",
    "VNM": "C",
    "THA": "AA",
    "MMR": "MA",
    "IDN": "X",
    "BRN": "B",
    "GBR": "5",
    "USA": "5",
    "AUS": "PA",
    "DEU": "C",
    "FRA": "1",
    "ESP": "PA",
    "ITA": "YA",
    "NLD": "NW",
    "POL": "EA",
    "DNK": "2",
    "SWE": "9",
    "IRL": "PB",
}


def passport_number(rng: random.Random, nationality: str) -> str:
    prefix = PASSPORT_PREFIX.get(nationality, "P")
    return prefix + "".join(str(rng.randrange(10)) for _ in range(9 - len(prefix)))


@dataclass(frozen=True)
class Person:
    culture: str
    sex: str
    nationality: str
    dob: datetime.date
    passport: str
    parts: dict[str, Any] = field(hash=False)


@dataclass(frozen=True)
class NameVariant:
    kind: str
    strong: bool  # True: the same name in another form; False: a weak resemblance
    a: str
    b: str


class Culture:
    name = ""
    nationalities: tuple[tuple[str, float], ...] = ()
    positive_weights: dict[str, float] = {}
    negative_weights: dict[str, float] = {
        "hard-similar-name": 0.4,
        "same-name-other-dob": 0.35,
        "same-surname-year": 0.25,
    }

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # Overridden per culture.
    def parts(self, sex: str, nationality: str) -> dict[str, Any]:
        raise NotImplementedError

    def forms(self, p: Person) -> dict[str, str]:
        """Every realistic rendering of p's name; "passport" always, "native" when there is one."""
        raise NotImplementedError

    def variant(self, p: Person, kind: str) -> NameVariant | None:
        raise NotImplementedError

    def similar(self, p: Person) -> Person | None:
        raise NotImplementedError

    def same_surname(self, p: Person) -> Person | None:
        raise NotImplementedError

    def special_negative(self, kind: str, p: Person) -> Person | None:
        return None

    # Shared.
    def person(self, sex: str | None = None, nationality: str | None = None) -> Person:
        rng = self.rng
        sex = sex or rng.choice("MF")
        if nationality is None:
            codes, weights = zip(*self.nationalities, strict=True)
            nationality = rng.choices(codes, weights)[0]
        dob = random_dob(rng)
        return Person(
            culture=self.name,
            sex=sex,
            nationality=nationality,
            dob=dob,
            passport=passport_number(rng, nationality),
            parts=self.parts(sex, nationality),
        )

    def with_parts(self, p: Person, **changes: Any) -> Person:
        rng = self.rng
        return replace(
            p,
            parts={**p.parts, **changes},
            dob=random_dob(rng),
            passport=passport_number(rng, p.nationality),
        )

    def positive(self) -> tuple[Person, NameVariant]:
        """A person and two renderings of their name: the kind first, then a person it fits."""
        kinds = dict(self.positive_weights)
        while kinds:
            kind = self.rng.choices(list(kinds), list(kinds.values()))[0]
            for _ in range(12):
                p = self.person()
                v = self.generic_variant(p, kind) or self.variant(p, kind)
                if v is not None and (v.a != v.b or kind == "identical"):
                    return p, v
            del kinds[kind]
        p = self.person()
        f = self.forms(p)
        return p, NameVariant("identical", True, f["passport"], f["passport"])

    def generic_variant(self, p: Person, kind: str) -> NameVariant | None:
        f = self.forms(p)
        if kind == "identical":
            style = "native" if "native" in f and self.rng.random() < 0.3 else "passport"
            return NameVariant("identical", True, f[style], f[style])
        if kind == "native-vs-romanised" and "native" in f:
            return NameVariant(kind, True, f["native"], f["passport"])
        if kind == "typo":
            return NameVariant(kind, False, f["passport"], typo(self.rng, f["passport"]))
        if kind == "order-swapped" and "swapped" in f:
            return NameVariant(kind, True, f["passport"], f["swapped"])
        return None

    def render_negative(self, p: Person, style: str | None = None) -> str:
        f = self.forms(p)
        if style and style in f:
            return f[style]
        r = self.rng.random()
        if r < 0.6 or len(f) == 1:
            return f["passport"]
        if r < 0.85 and "native" in f:
            return f["native"]
        return f[self.rng.choice(sorted(f))]


# --- Chinese ---------------------------------------------------------------------------------


class Chinese(Culture):
    name = "chinese"
    nationalities = (("CHN", 0.6), ("TWN", 0.1), ("HKG", 0.1), ("SGP", 0.1), ("MYS", 0.1))
    positive_weights = {
        "native-vs-romanised": 25,
        "simplified-vs-traditional": 6,
        "given-split": 10,
        "order-swapped": 10,
        "wade-giles": 10,
        "dialect-spelling": 12,
        "typo": 12,
        "identical": 15,
    }
    negative_weights = {
        "hard-similar-name": 0.35,
        "same-name-other-dob": 0.3,
        "same-surname-year": 0.2,
        "homophone-other-char": 0.15,
    }

    def given_pool(self, sex: str) -> list[dict[str, str]]:
        return [g for g in table("chinese_given") if g["sex"] in ("", sex)]

    def parts(self, sex: str, nationality: str) -> dict[str, Any]:
        rng = self.rng
        surname = rng.choice(table("chinese_surnames"))
        n = 1 if rng.random() < 0.2 else 2
        given = rng.sample(self.given_pool(sex), n)
        style = {"CHN": "pinyin", "TWN": "wade", "HKG": "cantonese"}.get(nationality, "hokkien")
        if style == "hokkien" and (
            not surname["hokkien_teochew"] or not all(g["hokkien"] for g in given)
        ):
            style = "cantonese"
        if style == "cantonese" and not all(g["cantonese"] for g in given):
            style = "pinyin"
        return {
            "surname": surname,
            "given": given,
            "style": style,
            "dialect_surname": {
                "cantonese": pick_spelling(rng, spellings(surname["cantonese"])),
                "hokkien": pick_spelling(rng, spellings(surname["hokkien_teochew"]) or ["-"]),
            },
            "split": rng.random() < 0.15,
        }

    @staticmethod
    def pinyin(p: Person, joined: str = "") -> str:
        s, g = p.parts["surname"], p.parts["given"]
        return spellings(s["pinyin"])[0] + " " + joined.join(x["pinyin"] for x in g)

    @staticmethod
    def wade(p: Person, apostrophes: bool) -> str:
        s, g = p.parts["surname"], p.parts["given"]
        text = s["wade_giles"] + " " + "-".join(x["wade_giles"] for x in g)
        return text if apostrophes else text.replace("'", "")

    @staticmethod
    def dialect(p: Person, style: str) -> str:
        g = p.parts["given"]
        return p.parts["dialect_surname"][style] + " " + " ".join(x[style] for x in g)

    def forms(self, p: Person) -> dict[str, str]:
        s, g = p.parts["surname"], p.parts["given"]
        style = p.parts["style"]
        traditional = p.nationality in ("TWN", "HKG")
        simplified = s["simplified"] + "".join(x["simplified"] for x in g)
        trad = s["traditional"] + "".join(x["traditional"] for x in g)
        if style == "pinyin":
            passport = self.pinyin(p, " " if p.parts["split"] else "")
        elif style == "wade":
            passport = self.wade(p, apostrophes=False)
        else:
            passport = self.dialect(p, style)
        surname, given = passport.split(" ", 1)
        return {
            "native": trad if traditional else simplified,
            "simplified": simplified,
            "traditional": trad,
            "passport": passport,
            "swapped": f"{given} {surname}",
        }

    def variant(self, p: Person, kind: str) -> NameVariant | None:
        f = self.forms(p)
        style = p.parts["style"]
        if kind == "simplified-vs-traditional":
            return NameVariant(kind, True, f["simplified"], f["traditional"])
        if kind == "given-split" and len(p.parts["given"]) == 2:
            if style == "pinyin":
                other = self.pinyin(p, self.rng.choice((" ", "-", "")))
                return NameVariant(kind, True, f["passport"], other)
            surname, given = f["passport"].split(" ", 1)
            joined = surname + " " + given.replace(" ", "").replace("-", "")
            return NameVariant(kind, True, f["passport"], joined)
        if kind == "wade-giles" and style in ("pinyin", "wade"):
            wade = self.wade(p, apostrophes=self.rng.random() < 0.5)
            return NameVariant(kind, True, self.pinyin(p), wade)
        if kind == "dialect-spelling" and style in ("cantonese", "hokkien"):
            b = (
                self.pinyin(p, self.rng.choice(("", " ")))
                if self.rng.random() < 0.6
                else f["native"]
            )
            return NameVariant(kind, True, f["passport"], b)
        return None

    def similar(self, p: Person) -> Person | None:
        g = list(p.parts["given"])
        i = self.rng.randrange(len(g))
        pool = [x for x in self.given_pool(p.sex) if x["pinyin"] != g[i]["pinyin"]]
        repl = nearest(self.rng, g[i]["pinyin"], pool, key=lambda x: x["pinyin"], max_distance=2)
        if repl is None:
            return None
        g[i] = repl
        return self.with_parts(p, given=g)

    def same_surname(self, p: Person) -> Person | None:
        n = len(p.parts["given"])
        given = self.rng.sample(self.given_pool(p.sex), n)
        if [x["pinyin"] for x in given] == [x["pinyin"] for x in p.parts["given"]]:
            return None
        return self.with_parts(p, given=given)

    def special_negative(self, kind: str, p: Person) -> Person | None:
        if kind != "homophone-other-char":
            return None
        g = list(p.parts["given"])
        i = self.rng.randrange(len(g))
        same = [
            x
            for x in table("chinese_given")
            if x["pinyin"] == g[i]["pinyin"] and x["simplified"] != g[i]["simplified"]
        ]
        if not same:
            return None
        g[i] = self.rng.choice(same)
        return self.with_parts(p, given=g)


# --- Korean ----------------------------------------------------------------------------------


class Korean(Culture):
    name = "korean"
    nationalities = (("KOR", 1.0),)
    positive_weights = {
        "native-vs-romanised": 25,
        "given-split": 15,
        "romanisation-variant": 18,
        "order-swapped": 10,
        "typo": 12,
        "identical": 15,
    }

    @staticmethod
    def syllables() -> dict[str, dict[str, str]]:
        return {row["hangul"]: row for row in table("korean_syllables")}

    def parts(self, sex: str, nationality: str) -> dict[str, Any]:
        rng = self.rng
        surname = rng.choice(table("korean_surnames"))
        given = rng.choice([g for g in table("korean_given") if g["sex"] == sex])["hangul"]
        return self.spelled(surname, given)

    def spelled(self, surname: dict[str, str], given: str) -> dict[str, Any]:
        rng = self.rng
        syl = self.syllables()
        return {
            "surname": surname,
            "given": given,
            "surname_spelling": pick_spelling(rng, spellings(surname["passport_spellings"]), 0.7),
            "given_spelling": [pick_spelling(rng, spellings(syl[c]["spellings"])) for c in given],
            "joiner": rng.choices(("", "-", " "), (0.7, 0.2, 0.1))[0],
        }

    def forms(self, p: Person) -> dict[str, str]:
        parts = p.parts
        given = parts["joiner"].join(parts["given_spelling"])
        syl = self.syllables()
        rr = "".join(syl[c]["rr"] for c in parts["given"])
        return {
            "native": parts["surname"]["hangul"] + parts["given"],
            "passport": f"{parts['surname_spelling']} {given}",
            "swapped": f"{given} {parts['surname_spelling']}",
            "rr": f"{parts['surname']['rr']} {rr}",
        }

    def variant(self, p: Person, kind: str) -> NameVariant | None:
        f = self.forms(p)
        parts = p.parts
        if kind == "given-split":
            joiners = [j for j in ("", "-", " ") if j != parts["joiner"]]
            other = self.rng.choice(joiners).join(parts["given_spelling"])
            return NameVariant(kind, True, f["passport"], f"{parts['surname_spelling']} {other}")
        if kind == "romanisation-variant":
            if f["rr"].replace(" ", "") != f["passport"].replace(" ", "").replace("-", ""):
                return NameVariant(kind, True, f["passport"], f["rr"])
            alt = other_spelling(
                self.rng,
                spellings(parts["surname"]["passport_spellings"]),
                parts["surname_spelling"],
            )
            if alt:
                given = parts["joiner"].join(parts["given_spelling"])
                return NameVariant(kind, True, f["passport"], f"{alt} {given}")
        return None

    def similar(self, p: Person) -> Person | None:
        given = p.parts["given"]
        pool = [
            g["hangul"]
            for g in table("korean_given")
            if g["hangul"] != given
            and g["sex"] == p.sex
            and (g["hangul"][0] == given[0] or g["hangul"][1] == given[1])
        ]
        if not pool:
            return None
        return self.with_parts(p, **self.spelled(p.parts["surname"], self.rng.choice(pool)))

    def same_surname(self, p: Person) -> Person | None:
        pool = [g["hangul"] for g in table("korean_given") if g["sex"] == p.sex]
        given = self.rng.choice(pool)
        if given == p.parts["given"]:
            return None
        return self.with_parts(p, **self.spelled(p.parts["surname"], given))


# --- Japanese --------------------------------------------------------------------------------


class Japanese(Culture):
    name = "japanese"
    nationalities = (("JPN", 1.0),)
    positive_weights = {
        "native-vs-romanised": 25,
        "kana-vs-romanised": 10,
        "romanisation-variant": 18,
        "order-swapped": 15,
        "typo": 12,
        "identical": 15,
    }

    def parts(self, sex: str, nationality: str) -> dict[str, Any]:
        surname = self.rng.choice(table("japanese_surnames"))
        given = self.rng.choice([g for g in table("japanese_given") if g["sex"] == sex])
        return self.spelled(surname, given)

    def spelled(self, surname: dict[str, str], given: dict[str, str]) -> dict[str, Any]:
        rng = self.rng

        def passport(row: dict[str, str]) -> str:
            oh = [
                s for s in spellings(row["spellings"]) if "OH" in s and "OH" not in row["hepburn"]
            ]
            return rng.choice(oh) if oh and rng.random() < 0.15 else row["hepburn"]

        return {
            "surname": surname,
            "given": given,
            "surname_spelling": passport(surname),
            "given_spelling": passport(given),
            "space": rng.random() < 0.5,
        }

    def forms(self, p: Person) -> dict[str, str]:
        s, g = p.parts["surname"], p.parts["given"]
        sep = " " if p.parts["space"] else ""
        ss, gs = p.parts["surname_spelling"], p.parts["given_spelling"]
        return {
            "native": s["kanji"] + sep + g["kanji"],
            "kana": s["kana"] + " " + g["kana"],
            "passport": f"{ss} {gs}",
            "swapped": f"{gs} {ss}",
        }

    def variant(self, p: Person, kind: str) -> NameVariant | None:
        f = self.forms(p)
        if kind == "kana-vs-romanised":
            return NameVariant(kind, True, f["kana"], f["passport"])
        if kind == "romanisation-variant":
            s, g = p.parts["surname"], p.parts["given"]
            ss = other_spelling(self.rng, spellings(s["spellings"]), p.parts["surname_spelling"])
            gs = other_spelling(self.rng, spellings(g["spellings"]), p.parts["given_spelling"])
            if ss is None and gs is None:
                return None
            ss = ss or p.parts["surname_spelling"]
            gs = gs or p.parts["given_spelling"]
            return NameVariant(kind, True, f["passport"], f"{ss} {gs}")
        return None

    def similar(self, p: Person) -> Person | None:
        g = p.parts["given"]
        pool = [
            x for x in table("japanese_given") if x["sex"] == p.sex and x["hepburn"] != g["hepburn"]
        ]
        repl = nearest(self.rng, g["hepburn"], pool, key=lambda x: x["hepburn"], max_distance=2)
        if repl is None:
            return None
        return self.with_parts(p, **self.spelled(p.parts["surname"], repl))

    def same_surname(self, p: Person) -> Person | None:
        pool = [x for x in table("japanese_given") if x["sex"] == p.sex]
        repl = self.rng.choice(pool)
        if repl["hepburn"] == p.parts["given"]["hepburn"]:
            return None
        return self.with_parts(p, **self.spelled(p.parts["surname"], repl))


# --- Russian ---------------------------------------------------------------------------------

RUSSIAN_VOWELS = set("аеёиоуыэюя")


def transliterate(text: str, system: str) -> str:
    """Russian Cyrillic to Latin in one of russian_translit.csv's systems.

    bgn_pcgn also writes Cyrillic E (U+0415) as YE at the start of a word and after a vowel or
    a soft or hard sign.
    """
    letters = {row["cyrillic"]: row for row in table("russian_translit")}
    out = []
    for word in text.split(" "):
        w = word.lower()
        latin = []
        for i, ch in enumerate(w):
            row = letters.get(ch)
            if row is None:
                latin.append(ch.upper())
                continue
            value = row[system]
            if (
                system == "bgn_pcgn"
                and ch == "\u0435"
                and (i == 0 or w[i - 1] in RUSSIAN_VOWELS | {"ь", "ъ"})
            ):
                value = "YE"
            latin.append(value)
        out.append("".join(latin))
    return " ".join(out)


class Russian(Culture):
    name = "russian"
    nationalities = (("RUS", 1.0),)
    positive_weights = {
        "native-vs-romanised": 25,
        "transliteration-system": 20,
        "common-spelling": 12,
        "patronymic-dropped": 8,
        "order-swapped": 10,
        "typo": 10,
        "identical": 15,
    }

    def parts(self, sex: str, nationality: str) -> dict[str, Any]:
        rng = self.rng
        return {
            "given": rng.choice([g for g in table("russian_given") if g["sex"] == sex]),
            "surname": rng.choice(table("russian_surnames")),
            "father": rng.choice([g for g in table("russian_given") if g["sex"] == "M"]),
            "system": rng.choices(("icao2013", "mvd1997", "gost2006"), (0.6, 0.25, 0.15))[0],
            "native_patronymic": rng.random() < 0.6,
        }

    @staticmethod
    def cyrillic(p: Person) -> tuple[str, str, str]:
        parts = p.parts
        surname = parts["surname"]["male" if p.sex == "M" else "female"]
        patronymic = parts["father"]["patronymic_m" if p.sex == "M" else "patronymic_f"]
        return parts["given"]["cyrillic"], patronymic, surname

    def forms(self, p: Person) -> dict[str, str]:
        given, patronymic, surname = self.cyrillic(p)
        system = p.parts["system"]
        g, s = transliterate(given, system), transliterate(surname, system)
        native = (
            f"{surname} {given} {patronymic}"
            if p.parts["native_patronymic"]
            else (f"{given} {surname}")
        )
        return {
            "native": native,
            "passport": f"{g} {s}",
            "swapped": f"{s} {g}",
            "with_patronymic": f"{g} {transliterate(patronymic, system)} {s}",
        }

    def variant(self, p: Person, kind: str) -> NameVariant | None:
        f = self.forms(p)
        given, _, surname = self.cyrillic(p)
        if kind == "transliteration-system":
            systems = ["icao2013", "mvd1997", "gost2006", "bgn_pcgn"]
            systems.remove(p.parts["system"])
            other = self.rng.choice(systems)
            return NameVariant(
                kind,
                True,
                f["passport"],
                f"{transliterate(given, other)} {transliterate(surname, other)}",
            )
        if kind == "common-spelling":
            g_alt = spellings(p.parts["given"]["other_spellings"])
            s_alt = [] if p.sex == "F" else spellings(p.parts["surname"]["other_spellings"])
            g = self.rng.choice(g_alt) if g_alt else transliterate(given, p.parts["system"])
            s = (
                self.rng.choice(s_alt)
                if s_alt and self.rng.random() < 0.5
                else (transliterate(surname, "bgn_pcgn"))
            )
            return NameVariant(kind, True, f["passport"], f"{g} {s}")
        if kind == "patronymic-dropped":
            return NameVariant(kind, False, f["with_patronymic"], f["passport"])
        return None

    def similar(self, p: Person) -> Person | None:
        rng = self.rng
        if rng.random() < 0.5:
            pool = [g for g in table("russian_given") if g["sex"] == p.sex]
            repl = nearest(
                rng, p.parts["given"]["cyrillic"], pool, key=lambda x: x["cyrillic"], k=2
            )
            return None if repl is None else self.with_parts(p, given=repl)
        pool = list(table("russian_surnames"))
        repl = nearest(rng, p.parts["surname"]["male"], pool, key=lambda x: x["male"], k=2)
        return None if repl is None else self.with_parts(p, surname=repl)

    def same_surname(self, p: Person) -> Person | None:
        repl = self.rng.choice([g for g in table("russian_given") if g["sex"] == p.sex])
        if repl is p.parts["given"]:
            return None
        return self.with_parts(p, given=repl)


# --- Arabic ----------------------------------------------------------------------------------


class Arabic(Culture):
    name = "arabic"
    nationalities = (
        ("SAU", 0.25),
        ("ARE", 0.1),
        ("EGY", 0.15),
        ("JOR", 0.1),
        ("SYR", 0.1),
        ("IRQ", 0.1),
        ("YEM", 0.1),
        ("QAT", 0.05),
        ("KWT", 0.05),
    )
    positive_weights = {
        "native-vs-romanised": 25,
        "romanisation-variant": 22,
        "particle": 10,
        "dropped-middle": 12,
        "typo": 10,
        "identical": 15,
    }
    negative_weights = {
        "hard-similar-name": 0.3,
        "same-name-other-dob": 0.3,
        "other-father": 0.25,
        "same-surname-year": 0.15,
    }

    def spelled(self, row: dict[str, str]) -> dict[str, Any]:
        return {"row": row, "spelling": pick_spelling(self.rng, spellings(row["spellings"]), 0.6)}

    def parts(self, sex: str, nationality: str) -> dict[str, Any]:
        rng = self.rng
        given = table("arabic_given")
        men = [g for g in given if g["sex"] == "M"]
        return {
            "given": self.spelled(rng.choice([g for g in given if g["sex"] == sex])),
            "father": self.spelled(rng.choice(men)),
            "grandfather": self.spelled(rng.choice(men)) if rng.random() < 0.4 else None,
            "family": self.spelled(rng.choice(table("arabic_family")))
            if rng.random() < 0.8
            else None,
        }

    @staticmethod
    def chain(p: Person) -> list[dict[str, Any]]:
        parts = p.parts
        return [x for x in (parts["father"], parts["grandfather"]) if x is not None]

    def render(
        self,
        p: Person,
        particle: str = "",
        drop_chain: bool = False,
        respell: frozenset[str] = frozenset(),
    ) -> str:
        parts = p.parts

        def spell(key: str, x: dict[str, Any]) -> str:
            if key in respell:
                alt = other_spelling(self.rng, spellings(x["row"]["spellings"]), x["spelling"])
                return alt or x["spelling"]
            return x["spelling"]

        words = [spell("given", parts["given"])]
        if not drop_chain:
            for i, x in enumerate(self.chain(p)):
                if i == 0 and particle:
                    words.append(particle)
                words.append(spell("father" if i == 0 else "grandfather", x))
        if parts["family"] is not None:
            words.append(spell("family", parts["family"]))
        return " ".join(words)

    def forms(self, p: Person) -> dict[str, str]:
        parts = p.parts
        words = [parts["given"]["row"]["arabic"]]
        for i, x in enumerate(self.chain(p)):
            if i == 0 and parts.get("native_bin", False):
                words.append("بنت" if p.sex == "F" else "بن")
            words.append(x["row"]["arabic"])
        if parts["family"] is not None:
            words.append(parts["family"]["row"]["arabic"])
        return {"native": " ".join(words), "passport": self.render(p)}

    def variant(self, p: Person, kind: str) -> NameVariant | None:
        f = self.forms(p)
        rng = self.rng
        if kind == "romanisation-variant":
            keys = ["given", "father", "family"] if p.parts["family"] else ["given", "father"]
            respell = frozenset(rng.sample(keys, rng.choice((1, 2))))
            return NameVariant(kind, True, f["passport"], self.render(p, respell=respell))
        if kind == "particle":
            particle = rng.choice(("BINT", "BINTI")) if p.sex == "F" else rng.choice(("BIN", "IBN"))
            return NameVariant(kind, True, f["passport"], self.render(p, particle=particle))
        if kind == "dropped-middle" and (p.parts["family"] is not None or p.parts["grandfather"]):
            if p.parts["family"] is None:
                short = p.parts["given"]["spelling"] + " " + p.parts["father"]["spelling"]
                return NameVariant(kind, False, f["passport"], short)
            return NameVariant(kind, False, f["passport"], self.render(p, drop_chain=True))
        return None

    def similar(self, p: Person) -> Person | None:
        row = p.parts["given"]["row"]
        own = set(spellings(row["spellings"]))
        pool = [
            g
            for g in table("arabic_given")
            if g["sex"] == p.sex and not own & set(spellings(g["spellings"]))
        ]
        repl = nearest(
            self.rng,
            p.parts["given"]["spelling"],
            pool,
            key=lambda g: spellings(g["spellings"])[0],
            max_distance=3,
        )
        return None if repl is None else self.with_parts(p, given=self.spelled(repl))

    def same_surname(self, p: Person) -> Person | None:
        if p.parts["family"] is None:
            return None
        repl = self.rng.choice([g for g in table("arabic_given") if g["sex"] == p.sex])
        if repl is p.parts["given"]["row"]:
            return None
        return self.with_parts(p, given=self.spelled(repl))

    def special_negative(self, kind: str, p: Person) -> Person | None:
        if kind != "other-father":
            return None
        repl = self.rng.choice([g for g in table("arabic_given") if g["sex"] == "M"])
        if repl is p.parts["father"]["row"]:
            return None
        return self.with_parts(p, father=self.spelled(repl))


# --- Indian ----------------------------------------------------------------------------------


class Indian(Culture):
    name = "indian"
    nationalities = (("IND", 1.0),)
    positive_weights = {
        "native-vs-romanised": 20,
        "initials": 18,
        "spelling-variant": 15,
        "dropped-middle": 10,
        "patronym-initial": 12,
        "no-surname": 6,
        "typo": 8,
        "identical": 11,
    }
    negative_weights = {
        "hard-similar-name": 0.35,
        "same-name-other-dob": 0.3,
        "initials-other-person": 0.15,
        "same-surname-year": 0.2,
    }

    def spelled(self, row: dict[str, str] | None) -> dict[str, Any] | None:
        if row is None:
            return None
        return {"row": row, "spelling": pick_spelling(self.rng, spellings(row["spellings"]), 0.7)}

    def parts(self, sex: str, nationality: str) -> dict[str, Any]:
        rng = self.rng
        south = rng.random() < 0.3
        middles = [
            m
            for m in table("indian_middle")
            if (m["spellings"] in ("DEVI", "RANI")) == (sex == "F")
        ]
        given = rng.choice([g for g in table("indian_given") if g["sex"] == sex])
        return {
            "south": south,
            "given": self.spelled(given),
            "middle": self.spelled(rng.choice(middles))
            if not south and rng.random() < 0.4
            else None,
            "surname": None if south else self.spelled(rng.choice(table("indian_surnames"))),
            "father": self.spelled(rng.choice(table("indian_south_patronyms"))) if south else None,
        }

    def forms(self, p: Person) -> dict[str, str]:
        parts = p.parts
        if parts["south"]:
            father = parts["father"]
            return {
                "passport": f"{parts['given']['spelling']} {father['spelling']}",
                "initial": f"{father['row']['initial']}. {parts['given']['spelling']}",
            }
        latin = [parts["given"]["spelling"]]
        native = [parts["given"]["row"]["devanagari"]]
        if parts["middle"]:
            latin.append(parts["middle"]["spelling"])
            native.append(parts["middle"]["row"]["devanagari"])
        latin.append(parts["surname"]["spelling"])
        native.append(parts["surname"]["row"]["devanagari"])
        return {"passport": " ".join(latin), "native": " ".join(native)}

    def variant(self, p: Person, kind: str) -> NameVariant | None:
        f = self.forms(p)
        parts = p.parts
        rng = self.rng
        if kind == "initials" and not parts["south"]:
            words = f["passport"].split()
            dot = rng.choice((". ", " ", "."))
            if rng.random() < 0.6:
                short = dot.join(w[0] for w in words[:-1]) + dot.rstrip() + " " + words[-1]
            else:
                short = words[0] + " " + " ".join(w[0] + "." for w in words[1:-1]) + " " + words[-1]
            return NameVariant(kind, False, f["passport"], " ".join(short.split()))
        if kind == "spelling-variant":
            keys = [k for k in ("given", "middle", "surname", "father") if parts[k]]
            alts = {}
            for k in keys:
                alt = other_spelling(
                    rng, spellings(parts[k]["row"]["spellings"]), parts[k]["spelling"]
                )
                if alt:
                    alts[k] = alt
            if not alts:
                return None
            k = rng.choice(sorted(alts))
            return NameVariant(
                kind, True, f["passport"], f["passport"].replace(parts[k]["spelling"], alts[k], 1)
            )
        if kind == "dropped-middle" and parts["middle"]:
            short = f"{parts['given']['spelling']} {parts['surname']['spelling']}"
            return NameVariant(kind, False, f["passport"], short)
        if kind == "patronym-initial" and parts["south"]:
            b = (
                f["initial"]
                if rng.random() < 0.6
                else (f"{parts['given']['spelling']} {parts['father']['row']['initial']}")
            )
            return NameVariant(kind, False, f["passport"], b)
        if kind == "no-surname" and parts["south"]:
            return NameVariant(kind, False, f["passport"], parts["given"]["spelling"])
        return None

    def similar(self, p: Person) -> Person | None:
        row = p.parts["given"]["row"]
        pool = [g for g in table("indian_given") if g["sex"] == p.sex and g is not row]
        repl = nearest(
            self.rng,
            p.parts["given"]["spelling"],
            pool,
            key=lambda g: spellings(g["spellings"])[0],
            max_distance=3,
        )
        return None if repl is None else self.with_parts(p, given=self.spelled(repl))

    def same_surname(self, p: Person) -> Person | None:
        repl = self.rng.choice([g for g in table("indian_given") if g["sex"] == p.sex])
        if repl is p.parts["given"]["row"]:
            return None
        return self.with_parts(p, given=self.spelled(repl))

    def special_negative(self, kind: str, p: Person) -> Person | None:
        """Another person with the same initials and surname: R. K. SHARMA is not RAJESH's alone."""
        if kind != "initials-other-person" or p.parts["south"]:
            return None
        row = p.parts["given"]["row"]
        first = spellings(row["spellings"])[0][0]
        pool = [
            g
            for g in table("indian_given")
            if g is not row and g["sex"] == p.sex and spellings(g["spellings"])[0][0] == first
        ]
        if not pool:
            return None
        return self.with_parts(p, given=self.spelled(self.rng.choice(pool)))

    def negative_pair_names(self, kind: str, p: Person, q: Person) -> tuple[str, str] | None:
        if kind != "initials-other-person":
            return None
        v = self.variant(p, "initials")
        return (v.b, self.forms(q)["passport"]) if v else None


# --- Vietnamese ------------------------------------------------------------------------------


class Vietnamese(Culture):
    name = "vietnamese"
    nationalities = (("VNM", 1.0),)
    positive_weights = {
        "native-vs-romanised": 30,
        "order-swapped": 15,
        "dropped-middle": 10,
        "typo": 10,
        "identical": 20,
    }
    negative_weights = {
        "hard-similar-name": 0.3,
        "same-name-other-dob": 0.3,
        "diacritic-distinct": 0.15,
        "same-surname-year": 0.25,
    }

    def parts(self, sex: str, nationality: str) -> dict[str, Any]:
        rng = self.rng
        middles = [m for m in table("vietnamese_middle") if m["sex"] in ("", sex)]
        middle = (
            rng.choice([m for m in middles if m["ascii"] == ("VAN" if sex == "M" else "THI")])
            if rng.random() < 0.6
            else rng.choice(middles)
        )
        given = [g for g in table("vietnamese_given") if g["sex"] in ("", sex)]
        names = [rng.choice(given)]
        if rng.random() < 0.25:
            names.insert(0, rng.choice([g for g in given if g["ascii"] != names[0]["ascii"]]))
        return {"family": rng.choice(table("vietnamese_family")), "middle": middle, "given": names}

    def forms(self, p: Person) -> dict[str, str]:
        parts = p.parts
        rows = [parts["family"], parts["middle"], *parts["given"]]
        native = " ".join(r["vietnamese"] for r in rows)
        latin = [r["ascii"] for r in rows]
        return {
            "native": native,
            "passport": " ".join(latin),
            "swapped": " ".join(latin[1:] + latin[:1]),
            "no_middle": " ".join([latin[0], *latin[2:]]),
        }

    def variant(self, p: Person, kind: str) -> NameVariant | None:
        if kind == "dropped-middle":
            f = self.forms(p)
            return NameVariant(kind, False, f["passport"], f["no_middle"])
        return None

    def similar(self, p: Person) -> Person | None:
        rng = self.rng
        given = list(p.parts["given"])
        if rng.random() < 0.3:
            pool = [
                m
                for m in table("vietnamese_middle")
                if m["sex"] in ("", p.sex) and m is not p.parts["middle"]
            ]
            return self.with_parts(p, middle=rng.choice(pool))
        pool = [
            g
            for g in table("vietnamese_given")
            if g["sex"] in ("", p.sex) and g["ascii"] != given[-1]["ascii"]
        ]
        repl = nearest(rng, given[-1]["ascii"], pool, key=lambda g: g["ascii"], max_distance=2)
        if repl is None:
            return None
        given[-1] = repl
        return self.with_parts(p, given=given)

    def same_surname(self, p: Person) -> Person | None:
        given = list(p.parts["given"])
        pool = [g for g in table("vietnamese_given") if g["sex"] in ("", p.sex)]
        given[-1] = self.rng.choice(pool)
        if given[-1]["ascii"] == p.parts["given"][-1]["ascii"]:
            return None
        return self.with_parts(p, given=given)

    def special_negative(self, kind: str, p: Person) -> Person | None:
        if kind != "diacritic-distinct":
            return None
        given = list(p.parts["given"])
        same = [
            g
            for g in table("vietnamese_given")
            if g["ascii"] == given[-1]["ascii"] and g["vietnamese"] != given[-1]["vietnamese"]
        ]
        if not same:
            return None
        given[-1] = self.rng.choice(same)
        return self.with_parts(p, given=given)


# --- Thai ------------------------------------------------------------------------------------

THAI_TITLES = {"M": ("นาย", "MR."), "F": ("นางสาว", "MISS"), "FM": ("นาง", "MRS.")}


class Thai(Culture):
    name = "thai"
    nationalities = (("THA", 1.0),)
    positive_weights = {
        "native-vs-romanised": 25,
        "romanisation-variant": 20,
        "title": 10,
        "order-swapped": 10,
        "typo": 12,
        "identical": 18,
    }

    def spelled(self, row: dict[str, str]) -> dict[str, Any]:
        return {"row": row, "spelling": pick_spelling(self.rng, spellings(row["spellings"]), 0.6)}

    def parts(self, sex: str, nationality: str) -> dict[str, Any]:
        rng = self.rng
        given = rng.choice([g for g in table("thai_given") if g["sex"] == sex])
        return {
            "given": self.spelled(given),
            "surname": self.spelled(rng.choice(table("thai_surnames"))),
            "married": sex == "F" and rng.random() < 0.4,
        }

    def forms(self, p: Person) -> dict[str, str]:
        g, s = p.parts["given"], p.parts["surname"]
        return {
            "native": f"{g['row']['thai']} {s['row']['thai']}",
            "passport": f"{g['spelling']} {s['spelling']}",
            "swapped": f"{s['spelling']} {g['spelling']}",
            "rtgs": f"{g['row']['rtgs']} {s['row']['rtgs']}",
        }

    def variant(self, p: Person, kind: str) -> NameVariant | None:
        f = self.forms(p)
        rng = self.rng
        if kind == "romanisation-variant":
            if f["rtgs"] != f["passport"] and rng.random() < 0.5:
                return NameVariant(kind, True, f["passport"], f["rtgs"])
            g, s = p.parts["given"], p.parts["surname"]
            ga = (
                other_spelling(rng, spellings(g["row"]["spellings"]), g["spelling"])
                or g["spelling"]
            )
            sa = (
                other_spelling(rng, spellings(s["row"]["spellings"]), s["spelling"])
                or s["spelling"]
            )
            return NameVariant(kind, True, f["passport"], f"{ga} {sa}")
        if kind == "title":
            key = "FM" if p.parts["married"] else p.sex
            thai, latin = THAI_TITLES[key]
            if rng.random() < 0.5:
                return NameVariant(kind, True, thai + f["native"], f["passport"])
            return NameVariant(kind, True, f"{latin} {f['passport']}", f["native"])
        return None

    def similar(self, p: Person) -> Person | None:
        rng = self.rng
        if rng.random() < 0.5:
            pool = [g for g in table("thai_given") if g["sex"] == p.sex]
            repl = nearest(rng, p.parts["given"]["row"]["rtgs"], pool, key=lambda x: x["rtgs"], k=2)
            return None if repl is None else self.with_parts(p, given=self.spelled(repl))
        pool = list(table("thai_surnames"))
        repl = nearest(rng, p.parts["surname"]["row"]["rtgs"], pool, key=lambda x: x["rtgs"], k=2)
        return None if repl is None else self.with_parts(p, surname=self.spelled(repl))

    def same_surname(self, p: Person) -> Person | None:
        repl = self.rng.choice([g for g in table("thai_given") if g["sex"] == p.sex])
        if repl is p.parts["given"]["row"]:
            return None
        return self.with_parts(p, given=self.spelled(repl))


# --- Myanmar ---------------------------------------------------------------------------------


class Myanmar(Culture):
    name = "myanmar"
    nationalities = (("MMR", 1.0),)
    positive_weights = {
        "native-vs-romanised": 25,
        "honorific": 20,
        "spelling-variant": 15,
        "joined": 8,
        "typo": 10,
        "identical": 17,
    }
    negative_weights = {
        "hard-similar-name": 0.4,
        "same-name-other-dob": 0.35,
        "order-meaningful": 0.25,
    }

    def spelled(self, row: dict[str, str]) -> dict[str, Any]:
        return {"row": row, "spelling": pick_spelling(self.rng, spellings(row["spellings"]), 0.75)}

    def pool(self, sex: str) -> list[dict[str, str]]:
        return [s for s in table("myanmar_syllables") if s["sex"] in ("", sex)]

    def parts(self, sex: str, nationality: str) -> dict[str, Any]:
        rng = self.rng
        n = rng.choices((2, 3, 4), (0.5, 0.4, 0.1))[0]
        syllables = [self.spelled(rng.choice(self.pool(sex))) for _ in range(n)]
        honorifics = {h["latin"]: h for h in table("myanmar_honorifics")}
        ethnic = rng.random() < 0.12
        if ethnic:
            prefix = honorifics[rng.choice(("SAW", "SAI") if sex == "M" else ("NAW", "NANG"))]
        else:
            prefix = None
        return {"syllables": syllables, "prefix": prefix, "honorifics": honorifics}

    def honorific(self, p: Person) -> dict[str, str]:
        adult = (datetime.date(2025, 1, 1) - p.dob).days > 35 * 365
        h = p.parts["honorifics"]
        if p.sex == "M":
            return h["U"] if adult else h[self.rng.choice(("MAUNG", "KO"))]
        return h["DAW"] if adult else h["MA"]

    def forms(self, p: Person) -> dict[str, str]:
        syl = p.parts["syllables"]
        prefix = p.parts["prefix"]
        native = "".join(s["row"]["burmese"] for s in syl)
        latin = " ".join(s["spelling"] for s in syl)
        if prefix is not None:  # Karen and Shan prefixes are part of the name
            native = prefix["burmese"] + native
            latin = f"{prefix['latin']} {latin}"
        return {"native": native, "passport": latin}

    def variant(self, p: Person, kind: str) -> NameVariant | None:
        f = self.forms(p)
        rng = self.rng
        if kind == "honorific":
            h = self.honorific(p)
            if rng.random() < 0.5:
                return NameVariant(kind, True, h["burmese"] + f["native"], f["passport"])
            return NameVariant(
                kind,
                True,
                f"{rng.choice(spellings(h['spellings']))} {f['passport']}",
                f["passport"],
            )
        if kind == "spelling-variant":
            words = [s["spelling"] for s in p.parts["syllables"]]
            changeable = [
                i
                for i, s in enumerate(p.parts["syllables"])
                if len(spellings(s["row"]["spellings"])) > 1
            ]
            if not changeable:
                return None
            i = rng.choice(changeable)
            row = p.parts["syllables"][i]
            words[i] = (
                other_spelling(rng, spellings(row["row"]["spellings"]), row["spelling"]) or words[i]
            )
            prefix = p.parts["prefix"]
            b = " ".join(words) if prefix is None else f"{prefix['latin']} {' '.join(words)}"
            return NameVariant(kind, True, f["passport"], b)
        if kind == "joined":
            words = f["passport"].split()
            if len(words) < 2:
                return None
            return NameVariant(
                kind,
                True,
                f["passport"],
                "".join(words[-2:]) if len(words) > 2 and rng.random() < 0.5 else "".join(words),
            )
        return None

    def similar(self, p: Person) -> Person | None:
        rng = self.rng
        syl = list(p.parts["syllables"])
        if rng.random() < 0.25 and len(syl) < 4:
            syl.append(self.spelled(rng.choice(self.pool(p.sex))))
        else:
            i = rng.randrange(len(syl))
            pool = [s for s in self.pool(p.sex) if s is not syl[i]["row"]]
            repl = nearest(rng, syl[i]["row"]["latin"], pool, key=lambda s: s["latin"], k=4)
            if repl is None:
                return None
            syl[i] = self.spelled(repl)
        return self.with_parts(p, syllables=syl)

    def same_surname(self, p: Person) -> Person | None:
        return None  # no surnames in Myanmar

    def special_negative(self, kind: str, p: Person) -> Person | None:
        if kind != "order-meaningful":
            return None
        syl = list(p.parts["syllables"])
        if len(syl) < 2 or syl[0]["row"] is syl[-1]["row"]:
            return None
        syl[0], syl[-1] = syl[-1], syl[0]
        return self.with_parts(p, syllables=syl)


# --- Malay / Indonesian ----------------------------------------------------------------------


class Malay(Culture):
    name = "malay"
    nationalities = (("IDN", 0.6), ("MYS", 0.3), ("BRN", 0.1))
    positive_weights = {
        "muhammad-abbreviation": 15,
        "bin-variant": 15,
        "old-spelling": 15,
        "single-name-extended": 8,
        "balinese-prefix": 6,
        "typo": 12,
        "identical": 20,
    }
    negative_weights = {
        "hard-similar-name": 0.3,
        "same-name-other-dob": 0.35,
        "other-father": 0.2,
        "same-surname-year": 0.15,
    }

    def spelled(self, row: dict[str, str], old: bool = False) -> dict[str, Any]:
        values = spellings(row["spellings"])
        return {
            "row": row,
            "spelling": values[0] if not old else pick_spelling(self.rng, values, 0.5),
        }

    def given_pool(self, sex: str, balinese: bool = False) -> list[dict[str, str]]:
        return [
            g
            for g in table("malay_given")
            if g["sex"] == sex and ("Balinese" in g["note"]) == balinese
        ]

    def parts(self, sex: str, nationality: str) -> dict[str, Any]:
        rng = self.rng
        pool = self.given_pool(sex)
        if nationality == "IDN":
            shape = rng.choices(
                ("single", "two", "patronymic", "balinese"), (0.35, 0.35, 0.15, 0.15)
            )[0]
        else:
            shape = "patronymic"
        prefix = None
        if shape in ("patronymic", "two") and rng.random() < 0.4:
            prefix = "MUHAMMAD" if sex == "M" else rng.choice(("SITI", "NUR"))
        rows = {g["name"]: g for g in table("malay_given")}
        given = rng.choice(
            [
                g
                for g in pool
                if g["name"] != prefix and (shape == "single" or "single name" not in g["note"])
            ]
        )
        second: dict[str, Any] | None = None
        if shape == "two":
            others = [g for g in pool if g is not given and "single name" not in g["note"]]
            second = self.spelled(
                rng.choice(table("malay_family")) if rng.random() < 0.7 else rng.choice(others),
                old=True,
            )
        father = self.spelled(rng.choice(self.given_pool("M"))) if shape == "patronymic" else None
        birth_order = (
            rng.choice(("WAYAN", "MADE", "NYOMAN", "KETUT")) if shape == "balinese" else None
        )
        return {
            "shape": shape,
            "prefix": self.spelled(rows[prefix]) if prefix else None,
            "given": self.spelled(
                rng.choice(self.given_pool(sex, True)) if shape == "balinese" else given, old=True
            ),
            "second": second,
            "father": father,
            "birth_order": self.spelled(rows[birth_order]) if birth_order else None,
        }

    def render(
        self,
        p: Person,
        particle: str | None = None,
        abbreviate: str | None = None,
        spelling: dict[str, str] | None = None,
        balinese_prefix: bool = True,
    ) -> str:
        parts = p.parts
        spelling = spelling or {}

        def sp(key: str) -> str:
            return spelling.get(key, parts[key]["spelling"])

        words = []
        if parts["shape"] == "balinese":
            if balinese_prefix:
                words.append("I" if p.sex == "M" else "NI")
            words.append(sp("birth_order"))
        if parts["prefix"]:
            words.append(
                abbreviate
                if abbreviate and parts["prefix"]["row"]["name"] == "MUHAMMAD"
                else sp("prefix")
            )
        words.append(sp("given"))
        if parts["second"]:
            words.append(sp("second"))
        if parts["father"]:
            if particle is None:
                particle = "BIN" if p.sex == "M" else "BINTI"
            if particle:
                words.append(particle)
            words.append(sp("father"))
        return " ".join(words)

    def forms(self, p: Person) -> dict[str, str]:
        return {"passport": self.render(p)}

    def variant(self, p: Person, kind: str) -> NameVariant | None:
        f = self.forms(p)
        parts = p.parts
        rng = self.rng
        if (
            kind == "muhammad-abbreviation"
            and parts["prefix"]
            and parts["prefix"]["row"]["name"] == "MUHAMMAD"
        ):
            abbr = rng.choice(("MOHD", "MUHD", "MHD", "M.", "MOHAMAD", "MOHAMMAD"))
            return NameVariant(kind, True, f["passport"], self.render(p, abbreviate=abbr))
        if kind == "bin-variant" and parts["father"]:
            options = ["", "B.", "BN"] if p.sex == "M" else ["", "BT.", "BTE", "BT"]
            return NameVariant(
                kind, True, f["passport"], self.render(p, particle=rng.choice(options))
            )
        if kind == "old-spelling":
            changes = {}
            for key in ("given", "second", "father", "prefix", "birth_order"):
                if parts.get(key):
                    alt = other_spelling(
                        rng, spellings(parts[key]["row"]["spellings"]), parts[key]["spelling"]
                    )
                    if alt and alt not in ("M.", "MHD", "MUHD", "MOHD", "NURUL"):
                        changes[key] = alt
            if not changes:
                return None
            key = rng.choice(sorted(changes))
            return NameVariant(
                kind, True, f["passport"], self.render(p, spelling={key: changes[key]})
            )
        if kind == "single-name-extended" and parts["shape"] == "single":
            father = self.spelled(rng.choice(self.given_pool("M")))
            particle = "BIN" if p.sex == "M" else "BINTI"
            return NameVariant(
                kind, False, f["passport"], f"{f['passport']} {particle} {father['spelling']}"
            )
        if kind == "balinese-prefix" and parts["shape"] == "balinese":
            return NameVariant(kind, True, f["passport"], self.render(p, balinese_prefix=False))
        return None

    def similar(self, p: Person) -> Person | None:
        row = p.parts["given"]["row"]
        pool = [g for g in self.given_pool(p.sex, p.parts["shape"] == "balinese") if g is not row]
        repl = nearest(self.rng, row["name"], pool, key=lambda g: g["name"], k=3, max_distance=4)
        return None if repl is None else self.with_parts(p, given=self.spelled(repl))

    def same_surname(self, p: Person) -> Person | None:
        if not p.parts["second"] and not p.parts["father"]:
            return None
        repl = self.rng.choice(self.given_pool(p.sex, p.parts["shape"] == "balinese"))
        if repl is p.parts["given"]["row"]:
            return None
        return self.with_parts(p, given=self.spelled(repl))

    def special_negative(self, kind: str, p: Person) -> Person | None:
        if kind != "other-father" or not p.parts["father"]:
            return None
        repl = self.rng.choice(self.given_pool("M"))
        if repl is p.parts["father"]["row"]:
            return None
        return self.with_parts(p, father=self.spelled(repl))


# --- Western ---------------------------------------------------------------------------------


class Western(Culture):
    name = "western"
    nationalities = ()
    positive_weights = {
        "diacritics": 15,
        "dropped-middle": 15,
        "middle-initial": 10,
        "order-swapped": 10,
        "hyphenated-surname": 10,
        "typo": 15,
        "identical": 15,
    }
    negative_weights = {
        "hard-similar-name": 0.3,
        "same-name-other-dob": 0.3,
        "nickname": 0.2,
        "same-surname-year": 0.2,
    }

    def person(self, sex: str | None = None, nationality: str | None = None) -> Person:
        surname = self.rng.choice(table("western_surnames"))
        p = super().person(sex, nationality or surname["country"])
        return replace(p, parts={**p.parts, "surname": surname})

    def parts(self, sex: str, nationality: str) -> dict[str, Any]:
        rng = self.rng
        pool = [g for g in table("western_given") if g["sex"] == sex]
        given = rng.choice(pool)
        middle = rng.choice([g for g in pool if g is not given]) if rng.random() < 0.45 else None
        return {"given": given, "middle": middle, "surname": None}

    @staticmethod
    def icao(row: dict[str, str]) -> str:
        values = spellings(row["spellings"])
        return (
            values[1] if len(values) > 1 and values[0] != strip_diacritics(values[0]) else values[0]
        )

    def forms(self, p: Person) -> dict[str, str]:
        parts = p.parts
        rows = [parts["given"], parts["middle"], parts["surname"]]
        native = " ".join(r["name"] for r in rows if r)
        passport = " ".join(self.icao(r) for r in rows if r)
        given = " ".join(self.icao(r) for r in rows[:2] if r)
        surname = self.icao(parts["surname"])
        return {
            "native": native,
            "passport": passport,
            "swapped": f"{surname}, {given}" if self.rng.random() < 0.5 else f"{surname} {given}",
        }

    def variant(self, p: Person, kind: str) -> NameVariant | None:
        f = self.forms(p)
        parts = p.parts
        given, surname = self.icao(parts["given"]), self.icao(parts["surname"])
        if kind == "diacritics":
            if f["native"] == f["passport"]:
                return None
            b = f["native"] if self.rng.random() < 0.6 else strip_diacritics(f["native"])
            return NameVariant(kind, True, f["passport"], b)
        if kind == "dropped-middle" and parts["middle"]:
            return NameVariant(kind, False, f["passport"], f"{given} {surname}")
        if kind == "middle-initial" and parts["middle"]:
            dot = "." if self.rng.random() < 0.6 else ""
            return NameVariant(
                kind,
                False,
                f["passport"],
                f"{given} {self.icao(parts['middle'])[0]}{dot} {surname}",
            )
        if kind == "hyphenated-surname":
            values = spellings(parts["surname"]["spellings"])
            if " " in surname or "-" in surname:
                alt = other_spelling(self.rng, values, surname)
                if alt is None:
                    return None
                first = " ".join(self.icao(r) for r in (parts["given"], parts["middle"]) if r)
                return NameVariant(kind, True, f["passport"], f"{first} {alt}")
        return None

    def similar(self, p: Person) -> Person | None:
        row = p.parts["given"]
        names = spellings(row["similar_distinct_names"])
        if not names:
            return None
        name = self.rng.choice(names)
        lookup = {g["name"]: g for g in table("western_given")}
        repl = lookup.get(name) or {
            "name": name,
            "sex": p.sex,
            "spellings": name,
            "nicknames": "",
            "similar_distinct_names": "",
        }
        return self.with_parts(p, given=repl)

    def same_surname(self, p: Person) -> Person | None:
        repl = self.rng.choice([g for g in table("western_given") if g["sex"] == p.sex])
        if repl is p.parts["given"]:
            return None
        return self.with_parts(p, given=repl, middle=None)

    def special_negative(self, kind: str, p: Person) -> Person | None:
        """A nickname is another name on a document: BILL SMITH is not WILLIAM SMITH's record."""
        if kind != "nickname":
            return None
        nicknames = spellings(p.parts["given"]["nicknames"])
        if not nicknames:
            return None
        name = self.rng.choice(nicknames)
        repl = {
            "name": name,
            "sex": p.sex,
            "spellings": name,
            "nicknames": "",
            "similar_distinct_names": "",
        }
        return self.with_parts(p, given=repl)


CULTURE_CLASSES: dict[str, type[Culture]] = {
    "chinese": Chinese,
    "korean": Korean,
    "japanese": Japanese,
    "russian": Russian,
    "arabic": Arabic,
    "indian": Indian,
    "vietnamese": Vietnamese,
    "thai": Thai,
    "myanmar": Myanmar,
    "malay": Malay,
    "western": Western,
}


# --- Pairs -----------------------------------------------------------------------------------


def positive_dob(
    rng: random.Random, d: datetime.date, strong: bool, kind: str
) -> tuple[str, str, str]:
    """(relation, a, b) for two records of one person."""
    if not strong:
        # A weak name resemblance is only worth a look when the other facts agree.
        return "exact", iso(d), iso(d)
    relations = {
        "exact": 45,
        "typo": 12,
        "swapped": 8,
        "year-only": 15,
        "missing-one": 14,
        "missing-both": 6,
    }
    if kind == "identical":
        del relations["exact"], relations["missing-both"]
    if not swappable(d):
        relations.pop("swapped")
    relation = rng.choices(list(relations), list(relations.values()))[0]
    full = iso(d)
    if relation == "typo":
        return relation, full, dob_typo(rng, d)
    if relation == "swapped":
        return relation, full, dob_swapped(d)
    if relation == "year-only":
        return relation, full, str(d.year)
    if relation == "missing-one":
        return relation, full, ""
    if relation == "missing-both":
        return relation, "", ""
    return relation, full, full


def negative_dob(rng: random.Random, p: Person, kind: str) -> tuple[str, str, str]:
    """(relation, a, b) for two people; never the same full date, never a typo of it."""
    d = p.dob
    if kind == "same-name-other-dob":
        relation = rng.choices(("other", "same-year"), (0.6, 0.4))[0]
    elif kind == "same-surname-year":
        relation = rng.choices(("same-year", "year-only"), (0.7, 0.3))[0]
    else:
        relation = rng.choices(
            ("other", "same-year", "year-only", "missing-one", "missing-both"),
            (0.35, 0.25, 0.12, 0.18, 0.10),
        )[0]
    full = iso(d)
    if relation == "other":
        return relation, full, other_dob(rng, d)
    if relation == "same-year":
        return relation, full, other_dob(rng, d, same_year=True)
    if relation == "year-only":
        return relation, full, str(d.year)
    if relation == "missing-one":
        return relation, full, ""
    return relation, "", ""


def identity(
    rng: random.Random,
    p: Person,
    names: list[str],
    dob: str,
    documents: list[str],
    keep_sex: bool,
    keep_nationality: bool,
) -> dict[str, Any]:
    return {
        "names": names,
        "date_of_birth": dob,
        "sex": p.sex if keep_sex else "",
        "nationalities": [p.nationality] if keep_nationality else [],
        "documents": documents,
    }


def documents_for(
    rng: random.Random, p: Person, q: Person, label: int
) -> tuple[list[str], list[str]]:
    r = rng.random()
    if label:
        if r < 0.25:
            return [p.passport], [p.passport]
        if r < 0.35:
            return [p.passport], []
        return [], []
    if r < 0.15:
        return [p.passport], [q.passport]
    if r < 0.25:
        return [p.passport], []
    return [], []


def make_positive(c: Culture, rng: random.Random) -> dict[str, Any]:
    p, v = c.positive()
    relation, dob_a, dob_b = positive_dob(rng, p.dob, v.strong, v.kind)
    kind = v.kind
    if kind == "identical":
        kind = {
            "typo": "dob-typo",
            "swapped": "dob-swapped",
            "year-only": "dob-partial",
            "missing-one": "dob-missing",
        }[relation]
    docs_a, docs_b = documents_for(rng, p, p, 1)
    if not v.strong and rng.random() < 0.25 and not docs_a:
        # A weak name resemblance backed by the same passport number rather than the date.
        docs_a, docs_b = [p.passport], [p.passport]
        relation, dob_a, dob_b = rng.choice(
            (("year-only", iso(p.dob), str(p.dob.year)), ("missing-one", iso(p.dob), ""))
        )
    keep = [rng.random() > 0.25, rng.random() > 0.15]
    a = identity(rng, p, [v.a], dob_a, docs_a, True, True)
    b = identity(rng, p, [v.b], dob_b, docs_b, keep[0], keep[1])
    return {"kind": kind, "label": 1, "dob": relation, "a": a, "b": b}


def make_negative(c: Culture, rng: random.Random, hard: bool) -> dict[str, Any] | None:
    p = c.person()
    if not hard:
        q = c.person(nationality=p.nationality if rng.random() < 0.7 else None)
        kind = "random"
    else:
        kinds = c.negative_weights
        kind = rng.choices(list(kinds), list(kinds.values()))[0]
        if kind == "hard-similar-name":
            q = c.similar(p)
        elif kind == "same-name-other-dob":
            q = replace(p, passport=passport_number(rng, p.nationality))
        elif kind == "same-surname-year":
            q = c.same_surname(p)
        else:
            q = c.special_negative(kind, p)
        if q is None:
            return None
    relation, dob_a, dob_b = negative_dob(rng, p, kind)
    names = None
    if isinstance(c, Indian):
        names = c.negative_pair_names(kind, p, q)
    if names is None:
        if kind in ("homophone-other-char", "diacritic-distinct"):
            style = "native"
            name_a, name_b = c.render_negative(p, style), c.render_negative(q, style)
        elif rng.random() < 0.5:  # both records written the same way: the hardest case
            style = rng.choice(sorted(c.forms(p)))
            name_a, name_b = c.render_negative(p, style), c.render_negative(q, style)
        else:
            name_a, name_b = c.render_negative(p), c.render_negative(q)
    else:
        name_a, name_b = names
    if name_a == name_b and kind not in ("same-name-other-dob", "random"):
        return None  # two names that read alike in this form: not the kind this pair tests
    docs_a, docs_b = documents_for(rng, p, q, 0)
    a = identity(rng, p, [name_a], dob_a, docs_a, True, True)
    b = identity(rng, q, [name_b], dob_b, docs_b, rng.random() > 0.25, rng.random() > 0.15)
    return {"kind": kind, "label": 0, "dob": relation, "a": a, "b": b}


def generate(
    split: str = "test", per_culture: int = PAIRS_PER_CULTURE, seed: int | None = None
) -> list[dict[str, Any]]:
    """The labelled pairs of one split, deterministic for its seed."""
    base = SEEDS[split] if seed is None else seed
    pairs: list[dict[str, Any]] = []
    for ci, culture in enumerate(CULTURES):
        rng = random.Random(base * 1000 + ci)
        c = CULTURE_CLASSES[culture](rng)
        n_pos = round(per_culture * POSITIVE_SHARE)
        n_easy = round(per_culture * EASY_NEGATIVE_SHARE)
        n_hard = per_culture - n_pos - n_easy
        made: list[dict[str, Any]] = [make_positive(c, rng) for _ in range(n_pos)]
        for hard, count in ((True, n_hard), (False, n_easy)):
            done = 0
            while done < count:
                pair = make_negative(c, rng, hard)
                if pair is not None:
                    made.append(pair)
                    done += 1
        rng.shuffle(made)
        for pair in made:
            if rng.random() < 0.5:
                pair["a"], pair["b"] = pair["b"], pair["a"]
            pairs.append({"id": f"{split}-{len(pairs) + 1:05d}", "script": culture, **pair})
    return pairs


def dumps(pairs: Sequence[dict[str, Any]]) -> str:
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs)


def load(path: Path = TEST_FILE) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def is_hard_negative(pair: dict[str, Any]) -> bool:
    return pair["label"] == 0 and pair["kind"] in HARD_NEGATIVE_KINDS


def summary(pairs: Sequence[dict[str, Any]]) -> Iterator[str]:
    yield f"{len(pairs)} pairs; hard negatives {sum(map(is_hard_negative, pairs)) / len(pairs):.1%}"
    by = Counter((p["script"], p["label"]) for p in pairs)
    for culture in CULTURES:
        yield f"  {culture:<11} positives {by[culture, 1]:>4}  negatives {by[culture, 0]:>4}"
    kinds = Counter((p["label"], p["kind"]) for p in pairs)
    for (label, kind), n in sorted(kinds.items()):
        yield f"  label {label}  {kind:<26} {n:>5}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=sorted(SEEDS), default="test")
    parser.add_argument("--out", type=Path, help=f"default for the test split: {TEST_FILE}")
    parser.add_argument("--summary", action="store_true", help="print counts only")
    args = parser.parse_args(argv)
    pairs = generate(args.split)
    for line in summary(pairs):
        print(line)
    if not args.summary:
        out = args.out or (TEST_FILE if args.split == "test" else None)
        if out is None:
            parser.error("--out is needed for the dev split (only the test split is committed)")
        out.write_text(dumps(pairs), encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
