"""Russian names in Latin letters: the patronymic passports leave out, and the spellings of
one Cyrillic surname under the transliteration systems Russian passports have used.

Russian records write SURNAME GIVEN PATRONYMIC (TSVETKOVA EKATERINA ROMANOVNA); passports carry
GIVEN SURNAME only, so a name with a patronymic also gets a variant without it. Surnames meet
across systems: yo as E (ICAO) or YO (SEMENOV / SEMYONOV), soft sign and ye as E, YE or IE
(GRIGOREVA / GRIGORYEVA / GRIGORIEVA), ts as TS or TC (ZAITSEV / ZAITCEV, the 2006-2010 MVD
system).
"""

from __future__ import annotations

import re
from functools import lru_cache

from timpora.matching.normalise.base import Parts

#: Latin patronymic endings (-ovich, -evich, -ovna, -evna, -ichna, -inichna).
_LATIN_PATRONYMIC = re.compile(r"[A-Z]{3,}(?:OVICH|EVICH|OVNA|EVNA|ICHNA)$")
#: Cyrillic patronymic endings (-ich, -ovna, -evna, -ichna); -ich also covers ILICH, LUKICH.
_CYRILLIC_ENDINGS = ("ИЧ", "ОВНА", "ЕВНА", "ИЧНА")  # noqa: RUF001 - Cyrillic on purpose
#: Endings of Russian surnames (and so of the parts the spelling rules may touch).
_SURNAME = re.compile(r"[A-Z]{4,}(?:OV|EV|YOV|OVA|EVA|YOVA|IN|INA|SKY|SKII|SKIY|SKAYA)$")
_SPELLINGS = (
    (re.compile(r"(?<=[^AEIOUY])[YI]O"), "E"),  # yo after a consonant: SEMYONOV, FIODOROV
    (re.compile(r"(?<=[A-Z])YE"), "E"),  # soft sign or a vowel, ye: GRIGORYEV, SERGEYEV
    (re.compile(r"(?<=[^AEIOUY])IE"), "E"),  # soft sign, ye: GRIGORIEVA
    (re.compile(r"TC(?=[AEIOUY])"), "TS"),  # ts: ZAITCEV
)


def is_cyrillic_patronymic(word: str) -> bool:
    return len(word) >= 5 and word.upper().endswith(_CYRILLIC_ENDINGS)


@lru_cache(maxsize=16384)
def _surname_spelling(part: str) -> str:
    """One spelling for the systems' spellings of a Russian surname (ICAO-like: yo as E)."""
    if not _SURNAME.fullmatch(part):
        return part
    for pattern, new in _SPELLINGS:
        part = pattern.sub(new, part)
    return part


def russian_forms(parts: Parts) -> list[Parts]:
    """The name; without a patronymic (3+ parts, never the first); surnames in one spelling."""
    forms = [parts]
    if len(parts) >= 3:
        at = [i for i, p in enumerate(parts) if i and _LATIN_PATRONYMIC.fullmatch(p)]
        if len(at) == 1:
            forms.append(parts[: at[0]] + parts[at[0] + 1 :])
    for form in list(forms):
        spelled = tuple(_surname_spelling(p) for p in form)
        if spelled != form:
            forms.append(spelled)
    return forms
