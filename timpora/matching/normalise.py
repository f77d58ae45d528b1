"""Names in any script to comparable Latin forms, and the keys that find candidates.

A name becomes a few *variants*: tuples of upper-case ASCII parts in the order written, the first
the passport-style romanisation, the others the spellings officers meet for the same name (dialect
surnames, Wade-Giles, older Cyrillic transliterations, Arabic particles with and without). Pure
functions without Django; the tables under ``data/`` (sources in ``data/SOURCES.md``) load once.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources
from itertools import combinations

from anyascii import anyascii
from pypinyin import lazy_pinyin

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


@cache
def _token_classes() -> dict[str, str]:
    classes: dict[str, str] = {}
    for row in _table("token_classes.csv"):
        for member in [row["canonical"], *_alts(row["members"])]:
            classes[member] = row["canonical"]
    return classes


@cache
def _titles() -> tuple[frozenset[Parts], frozenset[str]]:
    """Titles dropped anywhere (maybe several words); titles dropped only leading, as a variant."""
    rows = _table("titles.csv")
    always = frozenset(tuple(r["title"].split()) for r in rows if r["kind"] == "always")
    return always, frozenset(r["title"] for r in rows if r["kind"] == "leading")


@cache
def _wade_giles() -> dict[str, str]:
    return {r["pinyin"]: r["wade_giles"] for r in _table("wade_giles.csv")}


@cache
def _han_surnames() -> dict[str, tuple[str, list[str]]]:
    surnames: dict[str, tuple[str, list[str]]] = {}
    for row in _table("han_surnames.csv"):
        entry = (row["pinyin"], _alts(row["dialect_spellings"]))
        surnames[row["simplified"]] = surnames.get(row["simplified"], entry)
        surnames[row["traditional"]] = surnames.get(row["traditional"], entry)
    return surnames


@cache
def _korean_surnames() -> dict[str, list[str]]:
    return {r["hangul"]: _alts(r["romanisations"]) for r in _table("korean_surnames.csv")}


@cache
def _cyrillic() -> dict[str, tuple[str, str]]:
    return {r["letter"]: (r["icao"], r["popular"]) for r in _table("cyrillic.csv")}


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


def detect_script(name: str) -> Script:
    """The script most of the name's letters are written in (kana anywhere makes it Japanese)."""
    counts: dict[str, int] = {}
    for char in name:
        if char.isalpha() or unicodedata.category(char) in ("Mn", "Mc"):
            script = _char_script(char)
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return Script.OTHER
    if "KANA" in counts:
        return Script.JAPANESE
    dominant = Script(max(counts, key=lambda s: counts[s]))
    if dominant is Script.HAN:
        chars = _han_chars(name)
        if 2 <= len(chars) <= 4 and len(_japanese_split(chars)[0]) >= 2:
            return Script.JAPANESE
    return dominant


# --- Latin ------------------------------------------------------------------------------------

_NON_LETTERS = re.compile(r"[^A-Z]+")
_GUARDIAN = re.compile(r"(?<![A-Z])(?:A/L|A/P|S/O|D/O|B/O)(?![A-Z])")
_ABD = frozenset({"ABD", "ABDUL", "ABDEL", "ABDOUL", "ABDU", "ABDOL", "ABDAL"})
_ABD_JOINED = re.compile(r"^(?:ABD[UOE]?L|ABDU([TDRZSNL])(?=\1))(?!L?AH?$)([A-Z]{3,})$")
_ARTICLES = frozenset({"AL", "EL", "UL"})
_SUN_LETTERS = frozenset("TDRZSNL")
_PATRONYMIC = frozenset({"BIN", "BINTI", "IBN", "BINT", "BT", "BTE", "BINTE"})


@lru_cache(maxsize=16384)
def _ascii_upper(text: str) -> str:
    """Upper-case ASCII: diacritics stripped (NGUYỄN -> NGUYEN, Đ -> D), the rest by anyascii."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return (bare if bare.isascii() else anyascii(bare)).upper()


def _split(text: str) -> Parts:
    return tuple(p for p in _NON_LETTERS.split(text) if p)


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
    drop = {i for i in inner if parts[i] in _PATRONYMIC or (parts[i] == "B" and len(parts) > 3)}
    if not drop:
        return [parts]
    return [parts, tuple(p for i, p in enumerate(parts) if i not in drop)]


@cache
def _pinyin_syllables() -> frozenset[str]:
    return frozenset(_wade_giles())


@lru_cache(maxsize=16384)
def _pinyin_split(word: str) -> Parts | None:
    """The fewest pinyin syllables spelling ``word``; a vowel-initial one only first (XI'AN)."""
    syllables = _pinyin_syllables()
    best: list[Parts | None] = [()] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            head, piece = best[start], word[start:end]
            if head is None or piece not in syllables or (start and piece[0] in "AEIOU"):
                continue
            current = best[end]
            if current is None or len(head) + 1 < len(current):
                best[end] = (*head, piece)
    return best[len(word)]


def _wade_giles_form(parts: Parts) -> Parts | None:
    """ZHANG XIAOMING -> CHANG HSIAOMING, when every part is made of pinyin syllables."""
    table, out = _wade_giles(), []
    for part in parts:
        syllables = _pinyin_split(part)
        if syllables is None or len(syllables) > 3:
            return None
        out.append("".join(table[s] for s in syllables))
    return tuple(out) if tuple(out) != parts else None


def _expand(bases: Iterable[Parts], *, wade_giles: bool) -> tuple[Parts, ...]:
    """Titles, particles and (for Latin input) Wade-Giles applied to every base form."""
    steps: list[Callable[[Parts], list[Parts]]] = [
        _without_titles,
        _abd_forms,
        _article_forms,
        _patronymic_forms,
    ]
    forms: list[Parts] = [b for b in bases if b]
    for step in steps:
        forms = list(dict.fromkeys(f for base in forms for f in step(base)))[: MAX_VARIANTS * 2]
    if wade_giles and 1 < len(forms[0] if forms else ()) <= 4:
        forms += [wg for f in forms[:4] if (wg := _wade_giles_form(f))]
    return tuple(dict.fromkeys(f for f in forms if f))[:MAX_VARIANTS]


# --- Han --------------------------------------------------------------------------------------


def _han_chars(name: str) -> str:
    return "".join(c for c in name if _char_script(c) == Script.HAN)


def _pinyin(chars: str) -> list[str]:
    return [s.upper().replace("V", "YU") for s in lazy_pinyin(chars) if s.isascii()]


def _han_bases(name: str) -> list[Parts]:
    """Pinyin (surname, given joined then split), Wade-Giles, then the dialect surname spellings."""
    chars = _han_chars(name)
    if not chars:
        return []
    table, wg = _han_surnames(), _wade_giles()
    size = 2 if len(chars) > 2 and chars[:2] in table else 1
    surname, given = chars[:size], _pinyin(chars[size:])
    pinyin_surname, dialects = table.get(surname, ("".join(_pinyin(surname)), []))
    given_forms = [("".join(given),), tuple(given)] if given else [()]
    if len(given) == 1:
        given_forms = given_forms[:1]
    wg_given = [
        tuple("".join(wg.get(s, s) for s in _pinyin_split(g) or (g,)) for g in f)
        for f in given_forms
    ]
    wg_surname = "".join(wg.get(s, s) for s in _pinyin_split(pinyin_surname) or (pinyin_surname,))
    forms = [(pinyin_surname, *g) for g in given_forms] + [(wg_surname, *g) for g in wg_given]
    forms += [(*d.split(), *g) for d in dialects for g in given_forms]
    return forms + _japanese_forms(chars) if _japanese_split(chars)[0] else forms


# --- Hangul -----------------------------------------------------------------------------------

# fmt: off
_KO_INITIALS = ("G", "KK", "N", "D", "TT", "R", "M", "B", "PP", "S", "SS", "", "J", "JJ", "CH", "K",
                "T", "P", "H")
_KO_VOWELS = ("A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE", "OE", "YO", "U",
              "WO", "WE", "WI", "YU", "EU", "UI", "I")
_KO_FINALS = ("", "K", "K", "K", "N", "N", "N", "T", "L", "K", "M", "L", "L", "L", "P", "L", "M",
              "P", "P", "T", "T", "NG", "T", "T", "K", "T", "P", "T")
# fmt: on
_KO_SOFT = {"G": "K", "D": "T", "B": "P", "J": "CH"}


def _hangul_rr(syllable: str) -> str:
    """Revised Romanization of one syllable (no sound changes across syllables, as in names)."""
    index = ord(syllable) - 0xAC00
    if not 0 <= index < 11172:
        return _ascii_upper(syllable)
    initial, vowel, final = index // 588, (index % 588) // 28, index % 28
    return _KO_INITIALS[initial] + _KO_VOWELS[vowel] + _KO_FINALS[final]


@lru_cache(maxsize=4096)
def _hangul_syllable_forms(syllable: str) -> Parts:
    """RR, then passport spellings: EO as U/O, EU as U, U as OO, K/T/P/CH for G/D/B/J."""
    rr = _hangul_rr(syllable)
    forms = [rr]
    for old, new in (("EO", "U"), ("YEONG", "YOUNG"), ("EO", "O"), ("EU", "U")):
        if old in rr:
            forms.append(rr.replace(old, new, 1))
    if re.search(r"(?<![EO])U", rr):
        forms.append(re.sub(r"(?<![EO])U", "OO", rr, count=1))
    if rr.startswith("S") and rr[1:2] in ("I", "Y"):
        forms.append("SH" + rr[1:])
    if rr[0] in _KO_SOFT and rr[:2] not in ("JJ", "GG", "DD", "BB"):
        forms += [_KO_SOFT[rr[0]] + f[1:] for f in forms[:2]]
    return tuple(dict.fromkeys(forms))


def _hangul_bases(name: str) -> list[Parts]:
    words = [w for w in re.split(r"[\s\-·.]+", name) if w]
    syllables = "".join(words)
    if not syllables:
        return []
    table = _korean_surnames()
    if len(words) > 1 and len(words[0]) <= 2:
        surname, given = words[0], list(syllables[len(words[0]) :])
    else:
        size = 2 if len(syllables) > 2 and syllables[:2] in table else 1
        surname, given = syllables[:size], list(syllables[size:])
    spellings = table.get(surname) or ["".join(_hangul_rr(s) for s in surname)]
    options = [_hangul_syllable_forms(s) for s in given]
    primary = tuple(o[0] for o in options)
    given_forms = [primary]
    for rank in range(1, max((len(o) for o in options), default=1)):
        given_forms += [
            (*primary[:i], o[rank], *primary[i + 1 :])
            for i, o in enumerate(options)
            if rank < len(o)
        ]
    forms: list[Parts] = []
    for spelling in spellings:
        forms += _joined_and_split(spelling, primary)
    for g in given_forms[1:]:
        forms += _joined_and_split(spellings[0], g)
    return forms


def _joined_and_split(surname: str, given: Parts) -> list[Parts]:
    if len(given) < 2:
        return [(*surname.split(), *given)]
    return [(*surname.split(), "".join(given)), (*surname.split(), *given)]


# --- Cyrillic ---------------------------------------------------------------------------------

_CYRILLIC_VOWELS = frozenset("АЕЁИОУЫЭЮЯІЇЄЬЪ")


@lru_cache(maxsize=8192)
def _cyrillic_word_forms(word: str) -> Parts:
    """ICAO 9303 first (IURII), then the older passport spellings (YURIY, YURY, YURI), KS as X."""
    table, icao, popular = _cyrillic(), [], []
    for i, char in enumerate(word):
        latin = table.get(char)
        if latin is None:
            icao.append(_ascii_upper(char))
            popular.append(icao[-1])
            continue
        icao.append(latin[0])
        soft_start = i == 0 or word[i - 1] in _CYRILLIC_VOWELS
        popular.append("YE" if char == "\u0415" and soft_start else latin[1])
    first, second = "".join(icao), "".join(popular)
    forms = [first, second]
    if word.endswith(("ИЙ", "ЫЙ")):
        stem = second[:-2]
        forms += [stem + "Y", stem + "I", stem + "II"]
    if "KS" in second:
        forms.append(second.replace("KS", "X"))
    if "E" in second and "Ё" in word:
        forms.append(second.replace("YO", "E"))
    return tuple(dict.fromkeys(_NON_LETTERS.sub("", f) for f in forms if f))


def _cyrillic_bases(name: str) -> list[Parts]:
    words = [w for w in re.split(r"[^\w]+", name.upper()) if w]
    ukrainian = any(c in "ІЇЄҐ" for c in name.upper())
    options = [_cyrillic_word_forms(w) for w in words]
    forms = _zip_forms(options)
    if ukrainian:  # the national transliteration of Ukrainian passports writes Г as H
        forms.insert(1, tuple(o[0].replace("G", "H") for o in options))
    return forms


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


def _japanese_bases(name: str) -> list[Parts]:
    kana = any(_is_kana(c) for c in name)
    return _japanese_forms(name) + ([] if kana else _han_bases(name))


# --- Arabic -----------------------------------------------------------------------------------

_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_ARABIC_ALEFS = str.maketrans("أإآٱ", "\u0627" * 4)


@cache
def _arabic_tables() -> tuple[dict[str, list[str]], dict[str, str]]:
    names = {r["arabic"]: _alts(r["latin"]) for r in _table("arabic_names.csv")}
    return names, {r["letter"]: r["latin"] for r in _table("arabic_letters.csv")}


def _arabic_letters(word: str) -> str:
    """ICAO consonants; alef, waw and ya between consonants as A, U, I; an A between bare ones."""
    letters, out, bare = _arabic_tables()[1], [], False
    for i, char in enumerate(word):
        if char == "\u0627" or (char == "ع" and i == 0):
            out.append("A")
            bare = False
        elif char in "وي" and i > 0 and bare:
            out.append("U" if char == "و" else "I")
            bare = False
        else:
            latin = letters.get(char, _ascii_upper(char))
            if latin and bare:
                out.append("A")
            out.append(latin)
            bare = bool(latin) and char not in "ةى"
    return "".join(out)


@lru_cache(maxsize=8192)
def _arabic_word(word: str) -> tuple[str, ...]:
    """The usual spellings of one word: the name table, AL- and ABD- prefixes, then letters."""
    names = _arabic_tables()[0]
    if word in names:
        return tuple(names[word])
    if word.startswith("عبد") and len(word) > 4:
        rest = word[3:].removeprefix("ال")
        return tuple(f"ABDUL {s}" for s in _arabic_word(rest)[:3])
    if word.startswith(("ال", "لل")) and len(word) > 3:
        return tuple(f"AL {s}" for s in _arabic_word(word[2:])[:3])
    return (_arabic_letters(word),)


def _arabic_bases(name: str) -> list[Parts]:
    words = _ARABIC_MARKS.sub("", name).translate(_ARABIC_ALEFS).split()
    merged: list[str] = []
    for word in words:
        if merged and merged[-1] in ("عبد", "ابو"):
            merged[-1] += word
        else:
            merged.append(word)
    return _zip_forms([_arabic_word(w) for w in merged])


def _zip_forms(options: Sequence[Sequence[str]]) -> list[Parts]:
    """The k-th spelling of every word together (a word with fewer keeps its last)."""
    depth = max((len(o) for o in options), default=0)
    return [tuple(p for o in options for p in o[min(k, len(o) - 1)].split()) for k in range(depth)]


# --- Devanagari, Thai, Myanmar ----------------------------------------------------------------


@cache
def _devanagari() -> dict[str, tuple[str, str]]:
    return {r["char"]: (r["kind"], r["latin"]) for r in _table("devanagari.csv")}


@lru_cache(maxsize=8192)
def _devanagari_word(word: str) -> tuple[str, ...]:
    """Hunterian letters with the inherent A, dropped at the end (RAM, SHARMA, not RAMA) and
    also between V C _ C V (ARVIND, and ARAVIND as the second form)."""
    table = _devanagari()
    chars = [c for c in unicodedata.normalize("NFC", word) if table.get(c, ("",))[0] != "nukta"]
    items: list[tuple[str, str]] = []  # (latin, kind) with kind C, V or a for the inherent vowel
    for i, char in enumerate(chars):
        kind, latin = table.get(char, ("other", _ascii_upper(char)))
        following = table.get(chars[i + 1], ("",))[0] if i + 1 < len(chars) else ""
        if kind == "consonant":
            items.append((latin, "C"))
            if following not in ("sign", "virama"):
                items.append(("A", "a"))
        elif kind == "nasal":
            labial = following == "consonant" and table[chars[i + 1]][1][0] in "PBM"
            velar = following == "consonant" and table[chars[i + 1]][1] == "H"
            items.append(("M" if labial else "NG" if velar else "N", "C"))
        elif kind in ("vowel", "sign"):
            items.append((latin, "V"))
        elif latin:
            items.append((latin, "C"))
    kinds = [k for _, k in items]
    cluster = kinds[-3:-1] == ["C", "C"] and items[-2][0] in ("R", "Y", "V")
    if len(items) > 2 and kinds[-1] == "a" and not cluster:
        items.pop()
        kinds.pop()
    full = "".join(latin for latin, _ in items)
    for j in range(len(items) - 3, 1, -1):
        between = (
            kinds[j - 2] in "Va"
            and kinds[j + 1] == "C"
            and "".join(kinds[j + 2 : j + 3]) in ("V", "a")
        )
        if kinds[j] == "a" and kinds[j - 1] == "C" and between:
            kinds[j] = "x"
    short = "".join(latin for (latin, _), k in zip(items, kinds, strict=True) if k != "x")
    return tuple(dict.fromkeys([short, full]))


def _devanagari_bases(name: str) -> list[Parts]:
    return _zip_forms([_devanagari_word(w) for w in re.split(r"[\s.\-]+", name) if w])


@cache
def _thai() -> dict[str, tuple[str, str, str]]:
    return {r["char"]: (r["kind"], r["initial"], r["final"]) for r in _table("thai.csv")}


@lru_cache(maxsize=8192)
def _thai_word(word: str) -> str:
    """RTGS, syllable by syllable: lead vowel, initial (cluster), vowels, final; an implicit O
    before a final and A otherwise; a consonant under the thanthakhat (and one before it) silent."""
    table, out, i, n = _thai(), [], 0, len(word)

    def kind(at: int) -> str:
        return table.get(word[at], ("other", "", ""))[0] if at < n else ""

    while i < n:
        lead = table[word[i]][1] if kind(i) == "lead" else ""
        i += 1 if lead else 0
        if kind(i) != "consonant":
            out.append(table.get(word[i], ("", _ascii_upper(word[i]), ""))[1] if i < n else "")
            i += 1
            continue
        initial, i = table[word[i]][1], i + 1
        if word[i - 1] in "หอ" and i < n and word[i] in "งญนมยรลว" and kind(i + 1) != "silent":
            initial, i = table[word[i]][1], i + 1
        elif i < n and word[i] in "รลว" and kind(i + 1) == "vowel" and initial:
            initial, i = initial + table[word[i]][1], i + 1
        vowel = ""
        while kind(i) in ("vowel", "mark"):
            vowel, i = vowel + table[word[i]][1], i + 1
        if lead == "E" and vowel == "I" and word[i : i + 1] == "ย":
            lead, vowel, i = "", "IA", i + 1
        elif lead == "E" and vowel == "UE" and word[i : i + 1] == "อ":
            lead, vowel, i = "", "UEA", i + 1
        elif vowel == "A" and word[i : i + 1] == "ว" and not lead:
            vowel, i = "UA", i + 1
        elif (
            not vowel and not lead and word[i : i + 1] in ("ว", "อ") and kind(i + 1) == "consonant"
        ):
            vowel, i = ("UA" if word[i] == "ว" else "O"), i + 1
        final = ""
        if kind(i) == "consonant" and kind(i + 1) not in ("vowel", "silent"):
            final, i = table[word[i]][2], i + 1
            i += 1 if final and word[i : i + 1] == "ร" and i + 1 == n else 0
        while kind(i) == "consonant" and (kind(i + 1) == "silent" or kind(i + 2) == "silent"):
            i += 2 if kind(i + 1) == "silent" else 3
        if lead == "E" and vowel == "A":
            lead, vowel = "", "AO"
        vowel = lead + vowel if lead or vowel else ("O" if final else "A")
        out.append(initial + vowel + final)
    return "".join(out)


def _thai_bases(name: str) -> list[Parts]:
    return [tuple(_thai_word(w) for w in name.split())]


@cache
def _myanmar() -> dict[str, list[str]]:
    return {r["syllable"]: _alts(r["latin"]) for r in _table("myanmar_syllables.csv")}


def _myanmar_bases(name: str) -> list[Parts]:
    """Known name syllables by longest match (anyascii for the others); honorifics dropped too."""
    table, options, i = _myanmar(), [], 0
    text = re.sub(r"\s+", "", name)
    while i < len(text):
        size = next((k for k in range(min(8, len(text) - i), 0, -1) if text[i : i + k] in table), 0)
        if size:
            options.append(table[text[i : i + size]])
        else:
            size = 1
            while i + size < len(text) and not _myanmar_onset(text, i + size):
                size += 1
            options.append([_ascii_upper(text[i : i + size])])
        i += size
    forms = _zip_forms(options)
    honorific = {"U", "DAW", "KO", "MA", "MAUNG", "SAW", "NAW"}
    return forms + [f[1:] for f in forms if len(f) > 2 and f[0] in honorific]


def _myanmar_onset(text: str, at: int) -> bool:
    following = text[at + 1 : at + 2]
    return "\u1000" <= text[at] <= "\u102a" and following not in ("\u103a", "\u1039")


_BASES: dict[Script, Callable[[str], list[Parts]]] = {
    Script.HAN: _han_bases,
    Script.HANGUL: _hangul_bases,
    Script.CYRILLIC: _cyrillic_bases,
    Script.JAPANESE: _japanese_bases,
    Script.ARABIC: _arabic_bases,
    Script.DEVANAGARI: _devanagari_bases,
    Script.THAI: _thai_bases,
    Script.MYANMAR: _myanmar_bases,
}


# --- the public functions ---------------------------------------------------------------------


def name_forms(name: str) -> NameForms:
    """Every comparable form of a name in any script; the first is the passport-style one."""
    return _name_forms(unicodedata.normalize("NFC", name.strip()))


@lru_cache(maxsize=65536)
def _name_forms(name: str) -> NameForms:
    script = detect_script(name)
    bases = _BASES.get(script, _latin_bases)(name) or _latin_bases(name)
    latinish = script in (Script.LATIN, Script.OTHER)
    return NameForms(name, script, _expand(bases, wade_giles=latinish))


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
    """Every class a Latin spelling belongs to: a token class, a Chinese or Korean surname.

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
    ("YEO", "YU"),
    ("YOU", "YU"),
    ("EO", "U"),
    ("EU", "U"),
    ("OO", "U"),
    ("OU", "U"),
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
