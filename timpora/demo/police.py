"""The police's guest lists, and foreigners who share a name with another.

Polresta Barelang checks lodgings now and then and copies the list of new guests by hand: every
guest present at the visit who checked in since the day before, most of them as their passports
print them. (A guest who checked in days earlier is not on that list: a copy dated days after a
check-in would read as the lodging's late report.) A few are copied another way,
the name as the clerk heard or wrote it (``spellings``) and the passport number mistyped (a digit
changed, two swapped, the letter dropped), so that the registry cannot place the row by its
document: it becomes a new person, and linking raises "possibly the same person" for an officer.

Look-alikes are other foreigners with the very name of someone in the population and another
date of birth: they visit like anyone else, and nothing must be raised about them.
"""

from __future__ import annotations

import random
import string
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from timpora.demo.identities import Name, Traveller
from timpora.demo.known import Key, Known, findable, identity_of
from timpora.demo.ledger import IDENTITY
from timpora.demo.places import Company
from timpora.demo.spellings import CLERK_STYLES, convention, spellings
from timpora.demo.travel import World
from timpora.demo.visitors import long_haul_visitor, weekend_visitor
from timpora.matching.scoring import score

# The conventions taken in turn, so that a few copies show the kinds of spelling there are.
ORDER = ("prc", "korean", "malay", "vietnamese", "straits", "tamil", "indian", "japanese", "latin")


def blocks_of(world: World) -> dict[Key, dict[str, str]]:
    """Every person in the files so far: their identity block, by (nationality, passport)."""
    found: dict[Key, dict[str, str]] = {}
    for name, rows in world.ledger.rows.items():
        if "passport_number" not in (rows[0] if rows else {}) or name.endswith(".police"):
            continue
        for row in rows:
            key = (row["nationality"], row["passport_number"])
            if key not in found:
                found[key] = {field: row[field] for field in IDENTITY}
    return found


def in_turn(
    rng: random.Random,
    keys: list[Key],
    blocks: dict[Key, dict[str, str]],
    order: tuple[str, ...] = ORDER,
) -> list[Key]:
    """The keys shuffled, then taken one convention after another in ``order``."""
    groups: dict[str, list[Key]] = defaultdict(list)
    for key in keys:
        groups[convention(blocks[key])].append(key)
    for group in groups.values():
        rng.shuffle(group)
    ordered: list[Key] = []
    while any(groups.get(name) for name in order):
        ordered.extend(groups[name].pop() for name in order if groups.get(name))
    return ordered


def mistype(rng: random.Random, number: str) -> str:
    """The passport number as a clerk types it wrong."""
    digits = [i for i, char in enumerate(number) if char.isdigit()]
    how = rng.random()
    chars = list(number)
    if how < 0.45:
        at = rng.choice(digits)
        chars[at] = rng.choice([d for d in string.digits if d != chars[at]])
    elif how < 0.8:
        pairs = [i for i in digits if i + 1 in digits and chars[i] != chars[i + 1]]
        if not pairs:
            return mistype(rng, number)
        at = rng.choice(pairs)
        chars[at], chars[at + 1] = chars[at + 1], chars[at]
    elif number[0].isalpha() and len(number) > 7:
        chars = chars[1:]  # the letter taken for a stamp and left out
    else:
        at = rng.choice(digits)
        chars[at] = rng.choice([d for d in string.digits if d != chars[at]])
    return "".join(chars)


def _swapped(date_of_birth: str) -> str:
    """Day and month swapped, where that still makes a date; else the date as it is."""
    if len(date_of_birth) != 10:
        return date_of_birth
    year, month, day = date_of_birth.split("-")
    if day == month or int(day) > 12:
        return date_of_birth
    return f"{year}-{day}-{month}"


def _naive(stamp: str) -> datetime | None:
    return datetime.fromisoformat(stamp[:16]) if stamp else None


def _visit_time(rng: random.Random, stay: dict[str, str], now: datetime) -> datetime:
    """When the police came: while the guest was there, a few hours after check-in."""
    check_in = _naive(stay["check_in"])
    if check_in is None:
        raise ValueError("a residence report without check-in")
    check_out = _naive(stay["check_out"]) or now
    latest = min(check_out - timedelta(minutes=30), now - timedelta(minutes=10))
    # Within the day: the copy's time must not read as a lodging's late report (LATE_REPORT).
    latest = min(latest, check_in + timedelta(hours=20))
    earliest = check_in + timedelta(minutes=30)
    if latest <= earliest:
        return check_in + (min(check_out, now) - check_in) / 2
    minutes = int((latest - earliest).total_seconds() // 600)
    return earliest + timedelta(minutes=10 * rng.randint(0, minutes))


def _present(stay: dict[str, str], at: datetime) -> bool:
    """Whether the guest is there at ``at`` and checked in since the day before (a new guest)."""
    check_in, check_out = _naive(stay["check_in"]), _naive(stay["check_out"])
    return (
        check_in is not None
        and at - timedelta(hours=20) <= check_in <= at
        and (check_out is None or check_out > at)
    )


def police_checks(
    world: World, known: Known, blocks: dict[Key, dict[str, str]], count: int, avoid: set[Key]
) -> list[dict[str, Any]]:
    """Visits of the police to lodgings, each with one guest copied another way.

    Returns what was planted: the person and the key of their copy.
    """
    rng, ledger = world.rng, world.ledger
    threshold = settings.MATCH_THRESHOLD
    stays: dict[Key, list[dict[str, str]]] = defaultdict(list)
    by_lodging: dict[str, list[dict[str, str]]] = defaultdict(list)
    earliest = ledger.start + timedelta(days=30)
    for row in ledger.rows["residence-report"]:
        if row["reporter_type"] != "LODGING":
            continue
        by_lodging[row["reporter_id"]].append(row)
        check_in = _naive(row["check_in"])
        if check_in and earliest <= check_in.date() and check_in < ledger.now - timedelta(days=1):
            stays[(row["nationality"], row["passport_number"])].append(row)
    copied: set[int] = set()
    planted: list[dict[str, Any]] = []
    for key in in_turn(rng, sorted(k for k in stays if k not in avoid and k in blocks), blocks):
        if len(planted) >= count:
            break
        stay = rng.choice(stays[key])
        if id(stay) in copied:
            continue
        block = blocks[key]
        options = spellings(block, CLERK_STYLES)
        rng.shuffle(options)
        original = identity_of(block)
        for spelling in options:
            number = mistype(rng, block["passport_number"])
            if (key[0], number) in world.passports.issued:
                continue
            born = _swapped(block["date_of_birth"]) if rng.random() < 0.25 else ""
            copy = {
                **dict.fromkeys(IDENTITY, ""),
                "full_name": spelling.full_name,
                "name_original": spelling.name_original,
                "sex": block["sex"],
                "date_of_birth": born or block["date_of_birth"],
                "nationality": block["nationality"],
                "passport_number": number,
                "passport_issuing_state": block["nationality"],
            }
            copied_as = identity_of(copy)
            if score(copied_as, original, at_least=threshold).value < threshold or not findable(
                copied_as, original
            ):
                continue
            world.passports.issued.add((key[0], number))
            known.add((key[0], number), identity_of(copy))
            at = _visit_time(rng, stay, ledger.now)
            for guest in by_lodging[stay["reporter_id"]]:
                if _present(guest, at) and id(guest) not in copied:
                    copied.add(id(guest))
                    row = {**guest, "check_out": ""}
                    if guest is stay:
                        row.update(copy)
                    ledger.police_report(row, at)
            planted.append(
                {
                    "person": list(key),
                    "copy": [key[0], number],
                    "full_name": spelling.full_name,
                    "style": spelling.style,
                    "date_of_birth": copy["date_of_birth"],
                }
            )
            break
    return planted


def lookalikes(
    world: World,
    known: Known,
    blocks: dict[Key, dict[str, str]],
    companies: list[Company],
    count: int,
    avoid: set[Key],
) -> list[dict[str, Any]]:
    """Visitors who bear the name of someone in the population, born on another day."""
    rng, ledger = world.rng, world.ledger
    threshold = settings.MATCH_THRESHOLD
    names = Counter(block["full_name"] for block in blocks.values())
    candidates = sorted(
        (key for key, block in blocks.items() if len(block["date_of_birth"]) == 10),
        key=lambda key: (-min(names[blocks[key]["full_name"]], 3), key),
    )
    common = [key for key in candidates if names[blocks[key]["full_name"]] > 1] or candidates
    planted: list[dict[str, Any]] = []
    for key in in_turn(rng, [k for k in common if k not in avoid], blocks):
        if len(planted) >= count:
            break
        block = blocks[key]
        born = datetime.fromisoformat(block["date_of_birth"]).date()
        for _ in range(20):
            other = born + timedelta(days=rng.choice((-1, 1)) * rng.randint(3 * 365, 15 * 365))
            other = min(other, ledger.today - timedelta(days=18 * 365))
            candidate = {**block, "date_of_birth": other.isoformat(), "passport_number": ""}
            if not known.taken_for(identity_of(candidate), threshold):
                break
        else:
            continue
        name = Name(
            block["full_name"], block["given_names"], block["surname"], block["name_original"]
        )
        number = world.passports.number(block["nationality"])
        who = Traveller(
            name=name,
            sex=block["sex"],
            date_of_birth=other.isoformat(),
            place_of_birth="",
            nationality=block["nationality"],
            passport_number=number,
            passport_expiry=ledger.today + timedelta(days=rng.randint(200, 3600)),
        )
        if who.nationality in ("SGP", "MYS"):
            weekend_visitor(world, who)
        else:
            long_haul_visitor(world, who, companies)
        known.add((who.nationality, number), identity_of(who.block()))
        planted.append(
            {
                "person": [who.nationality, number],
                "like": list(key),
                "full_name": block["full_name"],
                "date_of_birth": who.date_of_birth,
            }
        )
    return planted
