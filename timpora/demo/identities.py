"""Who the demo's foreign nationals are: names, sex, birth dates and passports per nationality.

Names follow the conventions of each country's passports (``names.py``); passport numbers follow
each country's visible format and are unique per issuing state, so that linking by document in
the registry finds exactly one person behind each number.
"""

from __future__ import annotations

import bisect
import functools
import random
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from timpora.demo import names as pools

T = TypeVar("T")


@functools.cache
def _cumulative(length: int) -> tuple[float, ...]:
    """Zipf-like weights 1/(rank+1)^0.8: the first names of a pool are the common ones."""
    total = 0.0
    weights = []
    for rank in range(length):
        total += 1 / (rank + 1) ** 0.8
        weights.append(total)
    return tuple(weights)


def pick(rng: random.Random, pool: Sequence[T]) -> T:
    """One item of a pool ordered by frequency, the earlier ones more often."""
    weights = _cumulative(len(pool))
    return pool[bisect.bisect_right(weights, rng.random() * weights[-1])]


def weighted(rng: random.Random, options: dict[str, float]) -> str:
    """One key of ``options``, chosen in proportion to its weight."""
    return rng.choices(list(options), weights=list(options.values()))[0]


@dataclass(frozen=True)
class Name:
    """A name as the passport prints it, with the native-script line where there is one."""

    full_name: str
    given_names: str = ""
    surname: str = ""
    name_original: str = ""
    native_surname: str = ""  # to pass the family name on in the native script


@dataclass(frozen=True)
class Traveller:
    """One foreign national with one passport: the identity block of every row about them."""

    name: Name
    sex: str
    date_of_birth: str
    place_of_birth: str
    nationality: str
    passport_number: str
    passport_expiry: date

    def block(self) -> dict[str, str]:
        return {
            "full_name": self.name.full_name,
            "given_names": self.name.given_names,
            "surname": self.name.surname,
            "name_original": self.name.name_original,
            "sex": self.sex,
            "date_of_birth": self.date_of_birth,
            "place_of_birth": self.place_of_birth,
            "nationality": self.nationality,
            "passport_number": self.passport_number,
            "passport_issuing_state": self.nationality,
            "passport_expiry": self.passport_expiry.isoformat(),
        }


# --- Names per convention ----------------------------------------------------------------------


def _ascii(text: str) -> str:
    """Vietnamese as its passport's Latin line prints it: no diacritics, Đ as D, upper case."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def _another(
    rng: random.Random, pool: Sequence[tuple[str, str]], first: tuple[str, str]
) -> tuple[str, str]:
    """A syllable that repeats neither the one before nor its sound."""
    while True:
        second = pick(rng, pool)
        if second[0] != first[0] and second[1] != first[1]:
            return second


def _prc(rng: random.Random, sex: str, surname: tuple[str, str] | None = None) -> Name:
    hanzi, pinyin = surname or pick(rng, pools.CHINESE_SURNAMES)
    pool = pools.CHINESE_GIVEN_MALE if sex == "M" else pools.CHINESE_GIVEN_FEMALE
    syllables = [pick(rng, pool)]
    if rng.random() < 0.65:
        syllables.append(_another(rng, pool, syllables[0]))
    given_native = "".join(s[0] for s in syllables)
    given = "".join(s[1] for s in syllables)  # PRC passports join the given name: XIAOMING
    return Name(f"{pinyin} {given}", given, pinyin, hanzi + given_native, hanzi)


def _straits_chinese(rng: random.Random, sex: str, surname: str | None = None) -> Name:
    family = surname or pick(rng, pools.STRAITS_CHINESE_SURNAMES)
    pool = pools.STRAITS_CHINESE_GIVEN_MALE if sex == "M" else pools.STRAITS_CHINESE_GIVEN_FEMALE
    given = pick(rng, pool)
    if rng.random() < 0.2:
        english = pick(rng, pools.ENGLISH_GIVEN_MALE if sex == "M" else pools.ENGLISH_GIVEN_FEMALE)
        return Name(f"{english} {family} {given}", f"{english} {given}", family)
    return Name(f"{family} {given}", given, family)


def _malay(rng: random.Random, sex: str, father: str | None = None) -> Name:
    # The name is one line, given name and patronymic: no surname field.
    given = pick(rng, pools.MALAY_GIVEN_MALE if sex == "M" else pools.MALAY_GIVEN_FEMALE)
    link = "BIN" if sex == "M" else "BINTI"
    return Name(f"{given} {link} {father or pick(rng, pools.MALAY_FATHERS)}")


def _tamil(rng: random.Random, sex: str, father: str | None = None) -> Name:
    given = pick(rng, pools.TAMIL_GIVEN_MALE if sex == "M" else pools.TAMIL_GIVEN_FEMALE)
    link = "A/L" if sex == "M" else "A/P"
    return Name(f"{given} {link} {father or pick(rng, pools.TAMIL_FATHERS)}")


def _indian(rng: random.Random, sex: str, surname: str | None = None) -> Name:
    if surname is None and sex == "M" and rng.random() < 0.25:
        single = pick(rng, pools.INDIAN_SINGLE_NAMES)
        return Name(single, single, "")
    given = pick(rng, pools.INDIAN_GIVEN_MALE if sex == "M" else pools.INDIAN_GIVEN_FEMALE)
    family = surname or pick(rng, pools.INDIAN_SURNAMES)
    if given.endswith(family):
        family = "SHARMA" if family != "SHARMA" else "KUMAR"
    return Name(f"{given} {family}", given, family)


def _korean(rng: random.Random, sex: str, surname: tuple[str, str] | None = None) -> Name:
    if surname is None:
        hangul, variants = pick(rng, pools.KOREAN_SURNAMES)
        latin = variants[0] if rng.random() < 0.85 else rng.choice(variants)
    else:
        hangul, latin = surname
    pool = pools.KOREAN_GIVEN_MALE if sex == "M" else pools.KOREAN_GIVEN_FEMALE
    first = _another(rng, pool, (hangul, latin))
    second = _another(rng, pool, first)
    style = rng.random()  # given names joined, split or hyphenated, as the holder asked
    separator = "" if style < 0.6 else " " if style < 0.85 else "-"
    given = f"{first[1]}{separator}{second[1]}"
    return Name(f"{latin} {given}", given, latin, hangul + first[0] + second[0], hangul)


def _japanese(rng: random.Random, sex: str, surname: str | None = None) -> Name:
    family = surname or pick(rng, pools.JAPANESE_SURNAMES)
    given = pick(rng, pools.JAPANESE_GIVEN_MALE if sex == "M" else pools.JAPANESE_GIVEN_FEMALE)
    return Name(f"{family} {given}", given, family)


def _vietnamese(rng: random.Random, sex: str, surname: str | None = None) -> Name:
    family = surname or pick(rng, pools.VIETNAMESE_SURNAMES)
    middle = pick(
        rng, pools.VIETNAMESE_MIDDLE_MALE if sex == "M" else pools.VIETNAMESE_MIDDLE_FEMALE
    )
    given = pick(rng, pools.VIETNAMESE_GIVEN_MALE if sex == "M" else pools.VIETNAMESE_GIVEN_FEMALE)
    native = f"{family} {middle} {given}"
    return Name(_ascii(native), _ascii(f"{middle} {given}"), _ascii(family), native, family)


def _given_first(
    rng: random.Random,
    sex: str,
    surname: str | None,
    male: Sequence[str],
    female: Sequence[str],
    surnames: Sequence[str],
) -> Name:
    given = pick(rng, male if sex == "M" else female)
    family = surname or pick(rng, surnames)
    return Name(f"{given} {family}", given, family)


def _filipino(rng: random.Random, sex: str, surname: str | None = None) -> Name:
    return _given_first(
        rng,
        sex,
        surname,
        pools.FILIPINO_GIVEN_MALE,
        pools.FILIPINO_GIVEN_FEMALE,
        pools.FILIPINO_SURNAMES,
    )


def _english(rng: random.Random, sex: str, surname: str | None = None) -> Name:
    return _given_first(
        rng,
        sex,
        surname,
        pools.ENGLISH_PASSPORT_GIVEN_MALE,
        pools.ENGLISH_PASSPORT_GIVEN_FEMALE,
        pools.ENGLISH_SURNAMES,
    )


def _dutch(rng: random.Random, sex: str, surname: str | None = None) -> Name:
    return _given_first(
        rng, sex, surname, pools.DUTCH_GIVEN_MALE, pools.DUTCH_GIVEN_FEMALE, pools.DUTCH_SURNAMES
    )


# Who carries which naming convention, per nationality.
_CONVENTIONS: dict[str, dict[str, float]] = {
    "SGP": {"straits": 0.76, "malay": 0.14, "tamil": 0.10},
    "MYS": {"straits": 0.45, "malay": 0.45, "tamil": 0.10},
    "CHN": {"prc": 1.0},
    "IND": {"indian": 1.0},
    "KOR": {"korean": 1.0},
    "JPN": {"japanese": 1.0},
    "VNM": {"vietnamese": 1.0},
    "PHL": {"filipino": 1.0},
    "NLD": {"dutch": 1.0},
}


def new_name(rng: random.Random, nationality: str, sex: str) -> tuple[str, Name]:
    """A fresh name for a national of ``nationality``, with the convention it follows."""
    convention = weighted(rng, _CONVENTIONS.get(nationality, {"english": 1.0}))
    return convention, _name_in(rng, convention, sex, None)


def _name_in(rng: random.Random, convention: str, sex: str, family: Name | None) -> Name:
    """A name of ``convention``; with ``family``, one that carries on that family's name."""
    if convention == "prc":
        return _prc(rng, sex, (family.native_surname, family.surname) if family else None)
    if convention == "korean":
        return _korean(rng, sex, (family.native_surname, family.surname) if family else None)
    if convention == "vietnamese":
        return _vietnamese(rng, sex, family.native_surname if family else None)
    if convention == "malay":
        return _malay(rng, sex, family.full_name.split(" BIN")[0] if family else None)
    if convention == "tamil":
        return _tamil(rng, sex, family.full_name.split(" A/")[0] if family else None)
    surname = (family.surname or None) if family else None
    if convention == "straits":
        return _straits_chinese(rng, sex, surname)
    if convention == "indian":
        return _indian(rng, sex, surname)
    if convention == "japanese":
        return _japanese(rng, sex, surname)
    if convention == "filipino":
        return _filipino(rng, sex, surname)
    if convention == "dutch":
        return _dutch(rng, sex, surname)
    return _english(rng, sex, surname)


# Wives who take the husband's family name, by convention; elsewhere a wife keeps her own.
_WIFE_TAKES_SURNAME = frozenset({"japanese", "filipino", "english", "dutch", "indian"})


def relative_name(
    rng: random.Random, convention: str, head: Name, sex: str, *, child: bool
) -> Name:
    """The name of the head's spouse or child, following the family's convention."""
    if child or (convention in _WIFE_TAKES_SURNAME and head.surname):
        return _name_in(rng, convention, sex, head)
    return _name_in(rng, convention, sex, None)


# --- Passports -----------------------------------------------------------------------------------


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


def _letter(rng: random.Random, letters: str = string.ascii_uppercase) -> str:
    return rng.choice(letters)


def _passport_number(rng: random.Random, nationality: str) -> str:
    """A number in the visible format of the issuing state's current passports."""
    d = functools.partial(_digits, rng)
    if nationality == "SGP":
        return _letter(rng, "KE") + d(7) + _letter(rng)
    if nationality == "MYS":
        return _letter(rng, "AHK") + d(8)
    if nationality == "CHN":
        if rng.random() < 0.5:
            return "E" + d(8)
        return "E" + _letter(rng, "ABCDEFGHJ") + d(7)
    if nationality == "IND":
        return _letter(rng, "JKLMNPRSTUVWZ") + d(7)
    if nationality == "KOR":
        if rng.random() < 0.6:
            return "M" + d(8)
        return "M" + d(3) + _letter(rng) + d(4)
    if nationality == "JPN":
        return rng.choice(("TK", "TR", "TZ", "MU", "MZ")) + d(7)
    if nationality == "VNM":
        return _letter(rng, "CNP") + d(7)
    if nationality == "PHL":
        return "P" + d(7) + _letter(rng)
    if nationality == "AUS":
        return rng.choice(("PA", "PB", "PE", "RA")) + d(7)
    if nationality == "NLD":
        alphanumeric = "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(6))
        return _letter(rng) + _letter(rng) + alphanumeric + d(1)
    return _letter(rng, "123456789") + d(8)  # GBR and USA: nine digits


class PassportOffice:
    """Issues passport numbers that are unique per issuing state across the whole population."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.issued: set[tuple[str, str]] = set()

    def number(self, nationality: str) -> str:
        while True:
            number = _passport_number(self.rng, nationality)
            if (nationality, number) not in self.issued:
                self.issued.add((nationality, number))
                return number


# --- A whole person --------------------------------------------------------------------------


def birth_date(
    rng: random.Random, today: date, min_age: int, max_age: int, nationality: str
) -> str:
    """A date of birth for an age in the range; a few documents give only the year or month."""
    born = today - timedelta(days=rng.randint(min_age * 365 + 1, max_age * 365 + 364))
    roll = rng.random()
    if roll < (0.08 if nationality == "VNM" else 0.025):
        return f"{born.year:04d}"
    if roll < 0.035 + (0.08 if nationality == "VNM" else 0.0):
        return f"{born.year:04d}-{born.month:02d}"
    return born.isoformat()


def make_traveller(
    rng: random.Random,
    passports: PassportOffice,
    today: date,
    nationality: str,
    *,
    sex: str,
    ages: tuple[int, int],
    name: Name,
) -> Traveller:
    places = pools.PLACES_OF_BIRTH.get(nationality)
    place = pick(rng, places) if places and rng.random() < 0.6 else ""
    return Traveller(
        name=name,
        sex=sex,
        date_of_birth=birth_date(rng, today, ages[0], ages[1], nationality),
        place_of_birth=place,
        nationality=nationality,
        passport_number=passports.number(nationality),
        # Indonesia admits only passports valid six months beyond arrival.
        passport_expiry=today + timedelta(days=rng.randint(200, 3600)),
    )


def new_traveller(
    rng: random.Random,
    passports: PassportOffice,
    today: date,
    nationality: str,
    *,
    male_share: float,
    ages: tuple[int, int],
) -> tuple[str, Traveller]:
    """A new adult (or person of ``ages``) of ``nationality``, with the naming convention used."""
    sex = "M" if rng.random() < male_share else "F"
    convention, name = new_name(rng, nationality, sex)
    person = make_traveller(rng, passports, today, nationality, sex=sex, ages=ages, name=name)
    return convention, person
