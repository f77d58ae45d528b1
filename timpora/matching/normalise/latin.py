"""Names written in Latin letters: titles, Arabic and Malay particles, Wade-Giles."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

from timpora.matching.normalise.base import MAX_VARIANTS, Parts, _ascii_upper, _split, _table
from timpora.matching.normalise.han import _wade_giles_form
from timpora.matching.normalise.myanmar import burmese_latin_forms
from timpora.matching.normalise.russian import russian_forms
from timpora.matching.normalise.thai import thai_latin_forms


@cache
def _titles() -> tuple[frozenset[Parts], frozenset[str]]:
    """Titles dropped anywhere (maybe several words); titles dropped only leading, as a variant."""
    rows = _table("titles.csv")
    always = frozenset(tuple(r["title"].split()) for r in rows if r["kind"] == "always")
    return always, frozenset(r["title"] for r in rows if r["kind"] == "leading")


_GUARDIAN = re.compile(r"(?<![A-Z])(?:A/L|A/P|S/O|D/O|B/O)(?![A-Z])")
_ABD = frozenset({"ABD", "ABDUL", "ABDEL", "ABDOUL", "ABDU", "ABDOL", "ABDAL"})
_ABD_JOINED = re.compile(r"^(?:ABD[UOE]?L|ABDU([TDRZSNL])(?=\1))(?!L?AH?$)([A-Z]{3,})$")
_ARTICLES = frozenset({"AL", "EL", "UL"})
_SUN_LETTERS = frozenset("TDRZSNL")
_PATRONYMIC = frozenset({"BIN", "BINTI", "IBN", "BINT", "BT", "BTE", "BINTE", "BN"})


def _latin_bases(name: str) -> list[Parts]:
    """The parts as written; also hyphenated parts joined and ``SURNAME, GIVEN`` reversed."""
    text = _GUARDIAN.sub(" ", _ascii_upper(name).replace("'", "").replace("`", ""))
    orders = [text]
    if text.count(",") == 1:
        surname, given = text.split(",")
        orders.append(f"{given} {surname}")
    bases = []
    for order in orders:
        bases.append(_split(order))
        if re.search(r"[A-Z]-[A-Z]", order):
            bases.append(_split(order.replace("-", "")))
    return bases


def _without_titles(parts: Parts) -> list[Parts]:
    always, leading = _titles()
    kept: list[str] = []
    i = 0
    while i < len(parts):
        for size in (3, 2, 1):
            if tuple(parts[i : i + size]) in always and len(parts) > size:
                i += size
                break
        else:
            kept.append(parts[i])
            i += 1
    stripped = tuple(kept) or parts
    if len(stripped) > 2 and stripped[0] in leading:
        return [stripped, stripped[1:]]
    return [stripped]


def _abd_forms(parts: Parts) -> list[Parts]:
    """ABDUL RAHMAN, ABDULRAHMAN and ABDURRAHMAN (and ABD AL RAHMAN, ABDEL RAHMAN) meet."""
    for i, part in enumerate(parts):
        core, end = None, i + 1
        if part in _ABD and i + 1 < len(parts):
            core, end = parts[i + 1], i + 2
            if core in _ARTICLES and i + 2 < len(parts):
                core, end = parts[i + 2], i + 3
        elif match := _ABD_JOINED.match(part):
            core = match.group(2) if not match.group(1) else match.group(1) + match.group(2)
            core = core[1:] if match.group(1) else core
        if core and core not in ("LAH", "LLAH", "ALLAH"):
            head, tail = parts[:i], parts[end:]
            forms = [(*head, "ABDUL", core, *tail), (*head, "ABDUL" + core, *tail)]
            if core[0] in _SUN_LETTERS:
                forms.append((*head, "ABDU" + core[0] + core, *tail))
            return [parts, *forms]
    return [parts]


def _article_forms(parts: Parts) -> list[Parts]:
    """AL-RASHID also as ALRASHID and RASHID."""
    at = [i for i, p in enumerate(parts[:-1]) if p in _ARTICLES and i + 1 < len(parts)]
    if not at:
        return [parts]
    joined, dropped, skip = [], [], False
    for i, part in enumerate(parts):
        if skip:
            skip = False
        elif i in at:
            joined.append("AL" + parts[i + 1])
            skip = True
            dropped.append(parts[i + 1])
        else:
            joined.append(part)
            dropped.append(part)
    return [parts, tuple(joined), tuple(dropped)]


def _patronymic_forms(parts: Parts) -> list[Parts]:
    """MOHD ALI BIN ABU BAKAR also as MOHD ALI ABU BAKAR (and B. read as BIN in the middle)."""
    inner = range(1, len(parts) - 1)
    drop = {i for i in inner if parts[i] in _PATRONYMIC or (parts[i] == "B" and len(parts) >= 3)}
    if not drop:
        return [parts]
    return [parts, tuple(p for i, p in enumerate(parts) if i not in drop)]


def _expand(bases: Iterable[Parts], *, latin: bool, thai: bool = False) -> tuple[Parts, ...]:
    """Titles and particles applied to every base form; for Latin input also the rules of
    Russian, Burmese and Thai names written in Latin letters, then Wade-Giles (a Thai-script
    name gets the Thai rule too: its table syllables in RTGS spelling)."""
    steps: list[Callable[[Parts], list[Parts]]] = [
        _without_titles,
        _abd_forms,
        _article_forms,
        _patronymic_forms,
    ]
    if latin:
        steps += [russian_forms, burmese_latin_forms]
    if latin or thai:
        steps.append(thai_latin_forms)
    forms: list[Parts] = [b for b in bases if b]
    for step in steps:
        forms = list(dict.fromkeys(f for base in forms for f in step(base)))[: MAX_VARIANTS * 2]
    if latin and 1 < len(forms[0] if forms else ()) <= 4:
        forms += [wg for f in forms[:4] if (wg := _wade_giles_form(f))]
    return tuple(dict.fromkeys(f for f in forms if f))[:MAX_VARIANTS]
