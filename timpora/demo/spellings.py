"""The same name written another way, as clerks and watch lists write the names of foreigners.

A passport prints one spelling; a hotel clerk copying a guest list by hand, or a watch list fed
from older records, holds another (DOMAIN.md, "Matching people"): the native script (张伟 for
ZHANG WEI), another romanisation (Wade-Giles CHANG WEI, LEE/LI, BAK/PARK, MOHD/MUHAMMAD), the
given name joined or split, the family name put last, a particle dropped or abbreviated.

``spellings(block)`` gives every other spelling this module knows for the identity block of a
row, each with the name of its style, in a fixed order; the caller picks one with its stream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from timpora.demo import names as pools


@dataclass(frozen=True)
class Spelling:
    style: str
    full_name: str
    name_original: str = ""


# Hanyu Pinyin to Wade-Giles (without the apostrophes of aspiration, as Taiwanese and older
# records print it), for every syllable of the Chinese name pools.
WADE_GILES = {
    "BIN": "PIN", "BO": "PO", "CAI": "TSAI", "CAO": "TSAO", "DE": "TE", "DENG": "TENG",
    "DONG": "TUNG", "GANG": "KANG", "GAO": "KAO", "GUO": "KUO", "HE": "HO", "HONG": "HUNG",
    "JIA": "CHIA", "JIAN": "CHIEN", "JIANG": "CHIANG", "JIE": "CHIEH", "JING": "CHING",
    "JUAN": "CHUAN", "JUN": "CHUN", "LONG": "LUNG", "LUO": "LO", "QIAN": "CHIEN",
    "QIANG": "CHIANG", "SONG": "SUNG", "TIAN": "TIEN", "XIA": "HSIA", "XIAO": "HSIAO",
    "XIE": "HSIEH", "XIN": "HSIN", "XIU": "HSIU", "XU": "HSU", "XUE": "HSUEH", "YAN": "YEN",
    "YONG": "YUNG", "ZENG": "TSENG", "ZHANG": "CHANG", "ZHAO": "CHAO", "ZHENG": "CHENG",
    "ZHI": "CHIH", "ZHOU": "CHOU", "ZHU": "CHU",
}  # fmt: skip
# Mandarin (Hanyu Pinyin) readings of the dialect surnames of Singapore and Malaysia, as the
# records of a Chinese or Taiwanese agency would hold them.
_MANDARIN_SURNAMES = {"LEE": "LI", "LIM": "LIN", "TAN": "CHEN", "WONG": "HUANG", "LAU": "LIU"}
# Spellings of the Arabic given names of Malay names, as clerks and registries write them.
_MALAY_VARIANTS = {
    "MUHAMMAD": "MOHD", "MOHD": "MUHAMMAD", "MOHAMAD": "MOHAMMAD", "AHMAD": "AHMED",
    "ABDUL": "ABD", "NUR": "NOOR", "NURUL": "NORUL", "SITI": "SITTI",
}  # fmt: skip
# Misspellings of English given names that clerks make.
_MISSPELT = {
    "MICHAEL": "MICHEAL", "CHRISTOPHER": "CHRISTOPER", "MATTHEW": "MATHEW", "PHILIP": "PHILLIP",
    "JENNIFER": "JENIFER", "RICARDO": "RICHARDO", "STEVEN": "STEPHEN", "JOHN": "JON",
    "ANDREW": "ANDREU", "RACHEL": "RACHAEL", "SARAH": "SARA", "CLAIRE": "CLAIR",
}  # fmt: skip
_HAN_SYLLABLES = {
    hanzi: latin
    for pool in (pools.CHINESE_GIVEN_MALE, pools.CHINESE_GIVEN_FEMALE)
    for hanzi, latin in pool
}
_HANGUL_SYLLABLES = {
    hangul: latin
    for pool in (pools.KOREAN_GIVEN_MALE, pools.KOREAN_GIVEN_FEMALE)
    for hangul, latin in pool
}
_HANGUL_SURNAMES = dict(pools.KOREAN_SURNAMES)


def convention(block: dict[str, str]) -> str:
    """The naming convention of an identity block, as far as its name and nationality tell."""
    name, nationality = block["full_name"], block["nationality"]
    if " BIN " in name or " BINTI " in name:
        return "malay"
    if " A/L " in name or " A/P " in name:
        return "tamil"
    by_nationality = {
        "CHN": "prc", "KOR": "korean", "VNM": "vietnamese", "JPN": "japanese", "IND": "indian",
        "SGP": "straits", "MYS": "straits",
    }  # fmt: skip
    return by_nationality.get(nationality, "latin")


def _words(text: str) -> list[str]:
    return text.split()


def _prc(block: dict[str, str]) -> list[Spelling]:
    surname, given, original = block["surname"], block["given_names"], block["name_original"]
    syllables = [_HAN_SYLLABLES.get(char, "") for char in original[1:]]
    out = [Spelling("native script", original)] if original else []
    if syllables and all(syllables) and "".join(syllables) == given:
        if surname in WADE_GILES or all(s in WADE_GILES for s in syllables):
            wade_giles = "-".join(WADE_GILES.get(s, s) for s in syllables)
            out.append(Spelling("Wade-Giles", f"{WADE_GILES.get(surname, surname)} {wade_giles}"))
        if len(syllables) > 1:
            out.append(Spelling("given name split", f"{surname} {' '.join(syllables)}"))
    out.append(Spelling("family name last", f"{given} {surname}"))
    return out


def _korean(block: dict[str, str]) -> list[Spelling]:
    surname, given, original = block["surname"], block["given_names"], block["name_original"]
    parts = re.split(r"[ -]", given)
    syllables = [_HANGUL_SYLLABLES.get(char, "") for char in original[1:]]
    if len(parts) > 1:
        rewritten = "".join(parts)  # split or hyphenated on the passport: joined here
    elif all(syllables) and "".join(syllables) == given:
        rewritten = " ".join(syllables)
    else:
        rewritten = given
    out = []
    variants = _HANGUL_SURNAMES.get(original[:1], ()) if original else ()
    other = next((v for v in variants if v != surname), "")
    if other:
        out.append(Spelling("another romanisation", f"{other} {rewritten}"))
    if original:
        out.append(Spelling("native script", original))
    out.append(Spelling("family name last", f"{given.replace('-', ' ')} {surname}"))
    return out


def _straits(block: dict[str, str]) -> list[Spelling]:
    surname, name = block["surname"], block["full_name"]
    given = name.replace(f" {surname} ", " ").removeprefix(f"{surname} ")
    words = _words(given)
    out = []
    if surname in _MANDARIN_SURNAMES:
        out.append(Spelling("Mandarin surname", f"{_MANDARIN_SURNAMES[surname]} {given}"))
    if len(words) >= 2:
        out.append(Spelling("given name joined", f"{surname} {''.join(words[-2:])}"))
    out.append(Spelling("family name last", f"{given} {surname}"))
    return out


def _malay(block: dict[str, str]) -> list[Spelling]:
    words = _words(block["full_name"])
    out = []
    respelt = [_MALAY_VARIANTS.get(word, word) for word in words]
    if respelt != words:
        out.append(Spelling("another spelling", " ".join(respelt)))
    short = {"BIN": "B.", "BINTI": "BT."}
    out.append(Spelling("particle abbreviated", " ".join(short.get(w, w) for w in words)))
    out.append(Spelling("particle dropped", " ".join(w for w in words if w not in short)))
    return out


def _tamil(block: dict[str, str]) -> list[Spelling]:
    name = block["full_name"]
    return [
        Spelling("S/O for A/L", name.replace(" A/L ", " S/O ").replace(" A/P ", " D/O ")),
        Spelling("particle dropped", name.replace(" A/L ", " ").replace(" A/P ", " ")),
    ]


def _vietnamese(block: dict[str, str]) -> list[Spelling]:
    words = _words(block["full_name"])
    out = []
    if block["name_original"]:
        out.append(Spelling("with diacritics", block["name_original"]))
    if len(words) == 3:
        out.append(Spelling("family name last", f"{words[1]} {words[2]} {words[0]}"))
    return out


def _indian(block: dict[str, str]) -> list[Spelling]:
    given, surname = block["given_names"], block["surname"]
    if not surname:
        return []
    initials = " ".join(f"{word[0]}." for word in _words(given))
    return [
        Spelling("family name first", f"{surname} {given}"),
        Spelling("initials", f"{initials} {surname}"),
    ]


def _japanese(block: dict[str, str]) -> list[Spelling]:
    return [Spelling("family name last", f"{block['given_names']} {block['surname']}")]


def _latin(block: dict[str, str]) -> list[Spelling]:
    words = _words(block["full_name"])
    respelt = [_MISSPELT.get(word, word) for word in words]
    out = []
    if respelt != words:
        out.append(Spelling("misspelt", " ".join(respelt)))
    if block["surname"] and block["given_names"]:
        out.append(Spelling("family name first", f"{block['surname']} {block['given_names']}"))
    return out


_STYLES = {
    "prc": _prc, "korean": _korean, "straits": _straits, "malay": _malay, "tamil": _tamil,
    "vietnamese": _vietnamese, "indian": _indian, "japanese": _japanese, "latin": _latin,
}  # fmt: skip


# How watch lists hold names, from older records and other agencies: kept apart from what a
# clerk in Batam copying a passport by hand writes.
LIST_STYLES = frozenset(
    {
        "native script", "Wade-Giles", "Mandarin surname", "another romanisation",
        "another spelling", "with diacritics", "S/O for A/L", "initials",
    }
)  # fmt: skip
CLERK_STYLES = frozenset(
    {
        "native script", "given name split", "given name joined", "family name last",
        "family name first", "another spelling", "particle abbreviated", "particle dropped",
        "S/O for A/L", "with diacritics", "misspelt",
    }
)  # fmt: skip


def spellings(block: dict[str, str], styles: frozenset[str] | None = None) -> list[Spelling]:
    """Other spellings of the block's name (of ``styles``, if given), unlike the passport's."""
    found = [
        spelling
        for spelling in _STYLES[convention(block)](block)
        if styles is None or spelling.style in styles
    ]
    seen = {block["full_name"]}
    out = []
    for spelling in found:
        if spelling.full_name and spelling.full_name not in seen:
            seen.add(spelling.full_name)
            out.append(spelling)
    return out
