"""The watch lists of Batam: Immigration's entry bans (PENANGKALAN) and the police's wanted list.

Immigration lists the foreigners it deported, for up to ten years (UU 6/2011 Pasal 102 as
amended by UU 63/2024): fishing crews from Vietnam and Myanmar, workers caught on a visit
permit, overstayers (DOMAIN.md: among deportees Vietnam, Myanmar, China, Singapore, Malaysia).
The police (Polda Kepri) list the foreigners wanted in their cases (DPO), until lifted.

Most entries are of people who are not in Batam. A few are people of the population, held as
watch lists hold names (``spellings``: native script, another romanisation, an alias) with the
same date of birth or only its year, and often the passport of the time: those are the hits an
officer must see. Clean traps bear the very name of someone in the population with another date
of birth: a screen that flags them cries wolf. Every entry is checked with the matching app's
scorer (``known``) so that it does what it was planted for.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.conf import settings

from timpora.demo.identities import PassportOffice, birth_date, new_name, pick, weighted
from timpora.demo.known import Key, Known, findable
from timpora.demo.ledger import Ledger
from timpora.demo.police import in_turn
from timpora.demo.spellings import LIST_STYLES, Spelling, convention, spellings
from timpora.matching.scoring import Identity

PENANGKALAN_ACTION = "Refuse entry; notify Inteldakim"
DPO_ACTION = "Detain and hand over to Polda Kepri"
PENANGKALAN_BASIS = "UU 6/2011 Pasal 75(2)(a) jo. Pasal 102"
# Why foreigners were deported, by nationality (the rest: the general mix).
DEPORTED_FOR = {
    "fishing": "Deported after a sentence for illegal fishing (Pasal 92 UU 45/2009)",
    "documents": "Deported for entering without valid documents (Pasal 119 UU 6/2011)",
    "work": "Deported for working on a visit permit (Pasal 122 UU 6/2011)",
    "overstay": "Deported for overstaying more than 60 days (Pasal 78(3) UU 6/2011)",
    "permit": "Deported for misusing a stay permit (Pasal 122 UU 6/2011)",
    "order": "Deported for endangering public order (Pasal 75(1) UU 6/2011)",
}
_DEPORTATIONS = {
    "VNM": {"fishing": 0.75, "documents": 0.1, "work": 0.1, "overstay": 0.05},
    "MMR": {"fishing": 0.6, "documents": 0.3, "overstay": 0.1},
    "": {"work": 0.45, "overstay": 0.3, "permit": 0.15, "order": 0.1},
}
# Offences of the wanted list: the reason, the report type (LP/A by the police, LP/B on a
# complaint) and the article.
WANTED_FOR = (
    ("fraud", "B", "Pasal 378 KUHP", 0.4),
    ("embezzlement", "B", "Pasal 372 KUHP", 0.25),
    ("people smuggling", "A", "Pasal 120 UU 6/2011", 0.15),
    ("narcotics trafficking", "A", "Pasal 114 UU 35/2009", 0.1),
    ("running online gambling", "A", "Pasal 303 KUHP", 0.1),
)
# The conventions of the persons that hits are planted on, in turn: more of those whose names
# the lists hold in another script or romanisation.
HIT_ORDER = (
    "prc", "korean", "straits", "malay", "vietnamese", "prc", "korean", "straits", "malay",
    "tamil", "indian", "japanese", "latin",
)  # fmt: skip
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
# Who is on the lists without being in Batam.
BANNED_NATIONALITIES = {
    "VNM": 0.32, "MMR": 0.16, "CHN": 0.16, "MYS": 0.12, "SGP": 0.08, "IND": 0.08, "PHL": 0.05,
    "KOR": 0.03,
}  # fmt: skip
WANTED_NATIONALITIES = {"MYS": 0.3, "SGP": 0.25, "CHN": 0.2, "IND": 0.1, "KOR": 0.1, "VNM": 0.05}
# Burmese names have no family name: two or three syllables, in Burmese and as passports spell
# them (the spellings of the matching app's table of syllables).
BURMESE_MALE = (
    ("အောင်", "AUNG"), ("ကျော်", "KYAW"), ("မင်း", "MIN"), ("ဇော်", "ZAW"), ("ဝင်း", "WIN"),
    ("ထက်", "HTET"), ("နိုင်", "NAING"), ("စိုး", "SOE"), ("သူ", "THU"), ("ရဲ", "YE"),
    ("လင်း", "LIN"), ("ထွန်း", "HTUN"), ("မိုး", "MOE"), ("ဇင်", "ZIN"), ("ဟိန်း", "HEIN"),
    ("ကောင်း", "KAUNG"), ("သက်", "THET"), ("တင်", "TIN"), ("မြင့်", "MYINT"), ("ဖြိုး", "PHYO"),
)  # fmt: skip
BURMESE_FEMALE = (
    ("ခင်", "KHIN"), ("စု", "SU"), ("မြ", "MYA"), ("အေး", "AYE"), ("နွယ်", "NWE"),
    ("ဖြူ", "PHYU"), ("မြတ်", "MYAT"), ("သီ", "THI"), ("စန်း", "SAN"), ("လှ", "HLA"),
)  # fmt: skip


def _burmese(rng: random.Random, sex: str) -> tuple[str, str]:
    pool = BURMESE_MALE if sex == "M" else BURMESE_FEMALE
    syllables: list[tuple[str, str]] = []
    while len(syllables) < (3 if rng.random() < 0.5 else 2):
        syllable = pick(rng, pool)
        if syllable not in syllables:
            syllables.append(syllable)
    return " ".join(s[1] for s in syllables), "".join(s[0] for s in syllables)


def _myanmar_passport(rng: random.Random, passports: PassportOffice) -> str:
    while True:
        number = rng.choice(("MA", "MB", "MC", "MD")) + f"{rng.randint(0, 999999):06d}"
        if ("MMR", number) not in passports.issued:
            passports.issued.add(("MMR", number))
            return number


def entry_identity(row: dict[str, str]) -> Identity:
    return Identity(
        names=tuple(
            n for n in (row["full_name"], row["name_original"], *row["aliases"].split(";")) if n
        ),
        date_of_birth=row["date_of_birth"],
        sex=row["sex"],
        nationalities=(row["nationality"],),
        documents=tuple(n for n in row["passport_numbers"].split(";") if n),
    )


class Lists:
    """The entries written so far, with the serial numbers of each list and year."""

    def __init__(self, rng: random.Random, ledger: Ledger, passports: PassportOffice) -> None:
        self.rng = rng
        self.ledger = ledger
        self.passports = passports
        self.today = ledger.today
        self._serials: Counter[tuple[str, int]] = Counter()

    def _entry_id(self, watch_list: str, listed: date) -> str:
        key = (watch_list, listed.year)
        if key not in self._serials:
            self._serials[key] = self.rng.randint(200, 900) if watch_list == "PENANGKALAN" else 0
        self._serials[key] += 1
        if watch_list == "PENANGKALAN":
            return f"TKL-{listed.year}-{self._serials[key]:05d}"
        return f"DPO-POLDA-{listed.year}-{self._serials[key]:03d}"

    def row(
        self,
        watch_list: str,
        *,
        full_name: str,
        name_original: str,
        sex: str,
        date_of_birth: str,
        nationality: str,
        aliases: tuple[str, ...] = (),
        passport: str = "",
        lasting: bool = False,
    ) -> dict[str, str]:
        """An entry in force today; ``lasting`` ones stay in force for years yet."""
        rng, today = self.rng, self.today
        if watch_list == "PENANGKALAN":
            years = 10 if lasting else int(weighted(rng, {"2": 0.2, "5": 0.35, "10": 0.45}))
            back = rng.randint(120, 4 * 365) if lasting else rng.randint(30, years * 365 - 30)
            listed = today - timedelta(days=back)
            until = (listed + timedelta(days=years * 365 - 1)).isoformat()
            cause = weighted(rng, _DEPORTATIONS.get(nationality, _DEPORTATIONS[""]))
            reason, action, basis = DEPORTED_FOR[cause], PENANGKALAN_ACTION, PENANGKALAN_BASIS
            owner = "IMI-BTM"
        else:
            listed = today - timedelta(days=rng.randint(30, 3 * 365))
            until = ""
            chosen = weighted(rng, {o[0]: o[3] for o in WANTED_FOR})
            offence = next(o for o in WANTED_FOR if o[0] == chosen)
            reported = listed - timedelta(days=rng.randint(20, 200))
            report = (
                f"LP/{offence[1]}/{rng.randint(10, 480)}/{_ROMAN[reported.month - 1]}/"
                f"{reported.year}/SPKT/POLDA KEPRI"
            )
            reason, action, basis = f"Wanted for {offence[0]} ({report})", DPO_ACTION, offence[2]
            owner = "POLDA-KEPRI"
        return {
            "list": watch_list,
            "entry_id": self._entry_id(watch_list, listed),
            "full_name": full_name,
            "aliases": ";".join(aliases),
            "name_original": name_original,
            "sex": sex,
            "date_of_birth": date_of_birth,
            "nationality": nationality,
            "passport_numbers": passport,
            "reason": reason,
            "action_on_hit": action,
            "owning_agency": owner,
            "legal_basis": basis,
            "valid_from": listed.isoformat(),
            "valid_until": until,
        }

    def old_passport(self, nationality: str) -> str:
        """The passport a listed person held then (since renewed, or never in Batam)."""
        if nationality == "MMR":
            return _myanmar_passport(self.rng, self.passports)
        return self.passports.number(nationality)


def _year_only(rng: random.Random, date_of_birth: str) -> str:
    return date_of_birth[:4] if rng.random() < 0.4 else date_of_birth


def planted_hits(
    lists: Lists, known: Known, blocks: dict[Key, dict[str, str]], count: int, avoid: set[Key]
) -> list[dict[str, Any]]:
    """Entries for people of the population, held under another spelling of their name."""
    rng = lists.rng
    threshold = settings.SCREEN_THRESHOLD
    wanted = max(1, count // 4)
    planted: list[dict[str, Any]] = []
    candidates = sorted(k for k in blocks if k not in avoid)
    for key in in_turn(rng, candidates, blocks, HIT_ORDER):
        if len(planted) >= count:
            break
        block = blocks[key]
        options, others = spellings(block, LIST_STYLES), spellings(block)
        rng.shuffle(options)
        rng.shuffle(others)  # the other spellings, where a list holds none of its own
        options += [spelling for spelling in others if spelling not in options]
        watch_list = "DPO" if len(planted) < wanted else "PENANGKALAN"
        for spelling in options:
            aliases: tuple[str, ...] = ()
            full_name, original = spelling.full_name, spelling.name_original
            forged = _forged(rng, block) if rng.random() < 0.2 else ""
            if forged:  # listed under the name of a forged passport, this one as an alias
                aliases, full_name, original = (full_name,), forged, ""
            passport = lists.old_passport(key[0]) if rng.random() < 0.6 else ""
            row = lists.row(
                watch_list,
                full_name=full_name,
                name_original=original,
                aliases=aliases,
                sex=block["sex"],
                date_of_birth=_year_only(rng, block["date_of_birth"]),
                nationality=block["nationality"],
                passport=passport,
                lasting=True,
            )
            # It must be taken for this person, and for nobody else (a year-only entry and a
            # common name could fit two).
            entry = entry_identity(row)
            if set(known.taken_for(entry, threshold)) == {key} and findable(
                entry, known.identities[key]
            ):
                lists.ledger.watchlist_entry(row)
                planted.append(_planted(row, key, spelling))
                break
    return planted


def _forged(rng: random.Random, block: dict[str, str]) -> str:
    """A name of the block's convention (that of a forged passport), if one comes."""
    for _ in range(5):
        _, name = new_name(rng, block["nationality"], block["sex"])
        if convention({**block, "full_name": name.full_name}) == convention(block):
            return name.full_name
    return ""


def _planted(
    row: dict[str, str], key: Key, spelling: Spelling | None, *, role: str = "person"
) -> dict[str, Any]:
    return {
        "entry": f"{row['list']}|{row['entry_id']}",
        role: list(key),
        "full_name": row["full_name"],
        "aliases": row["aliases"],
        "date_of_birth": row["date_of_birth"],
        **({"style": spelling.style} if spelling else {}),
    }


def clean_traps(
    lists: Lists, known: Known, blocks: dict[Key, dict[str, str]], count: int, avoid: set[Key]
) -> list[dict[str, Any]]:
    """Entries bearing the name of someone in the population, born on another day."""
    rng = lists.rng
    threshold = settings.SCREEN_THRESHOLD
    names = Counter(block["full_name"] for block in blocks.values())
    full = sorted(k for k, b in blocks.items() if len(b["date_of_birth"]) == 10 and k not in avoid)
    common = [k for k in full if names[blocks[k]["full_name"]] > 1] or full
    planted: list[dict[str, Any]] = []
    for key in in_turn(rng, common, blocks):
        if len(planted) >= count:
            break
        block = blocks[key]
        born = date.fromisoformat(block["date_of_birth"])
        for _ in range(20):
            other = born + timedelta(days=rng.choice((-1, 1)) * rng.randint(2 * 365, 12 * 365))
            row = lists.row(
                "PENANGKALAN" if rng.random() < 0.8 else "DPO",
                full_name=block["full_name"],
                name_original=block["name_original"],
                sex=block["sex"],
                date_of_birth=min(other, lists.today - timedelta(days=18 * 365)).isoformat(),
                nationality=block["nationality"],
                passport=lists.old_passport(key[0]),
                lasting=True,
            )
            if not known.taken_for(entry_identity(row), threshold):
                lists.ledger.watchlist_entry(row)
                planted.append(_planted(row, key, None, role="like"))
                break
    return planted


def unlisted(lists: Lists, known: Known, watch_list: str, count: int) -> int:
    """Entries for people who are not in Batam (and score as nobody there); returns how many."""
    rng, today = lists.rng, lists.today
    threshold = settings.SCREEN_THRESHOLD
    nationalities = BANNED_NATIONALITIES if watch_list == "PENANGKALAN" else WANTED_NATIONALITIES
    written = 0
    for _ in range(count):
        for _attempt in range(10):
            nationality = weighted(rng, nationalities)
            sex = "M" if rng.random() < (0.88 if watch_list == "PENANGKALAN" else 0.75) else "F"
            if nationality == "MMR":
                full_name, original = _burmese(rng, sex)
            else:
                _, name = new_name(rng, nationality, sex)
                full_name, original = name.full_name, name.name_original
            born = birth_date(rng, today, 19, 62, nationality)
            if len(born) == 10 and rng.random() < 0.25:
                born = born[:4]  # deportation records often hold only the year
            row = lists.row(
                watch_list,
                full_name=full_name,
                name_original=original,
                sex=sex,
                date_of_birth=born,
                nationality=nationality,
                passport=lists.old_passport(nationality) if rng.random() < 0.7 else "",
            )
            if not known.taken_for(entry_identity(row), threshold):
                lists.ledger.watchlist_entry(row)
                written += 1
                break
    return written
