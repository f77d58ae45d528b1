"""A deterministic synthetic population of foreigners in Batam, written as exchange files.

``generate(seed, out_dir, today=...)`` writes one CSV file per kind in the exchange formats
(``shared/spec/exchange/README.md``), so that the demo is loaded through the same parser as any
agency's file, and a later importer can read exactly the same files. The same seed and day give
byte-identical files: every random choice comes from ``random.Random(seed)`` and the streams
derived from it, and the only date is ``today``.

The mix follows Batam (DOMAIN.md): mostly Singaporean and Malaysian weekend visitors arriving by
ferry, visitors from India, China, Korea, Japan, the Philippines and Vietnam, foreign workers of
the industrial estates with their permits, some families and permanent residents. The population
is clean: its facts agree with each other, and no detection rule has anything to say about it.

What the detection rules must find is planted next, from a stream of its own (``violations``):
a few to a few dozen cases of each of the fifteen rules, and clean traps that look like a
violation and are not. The planted persons are part of the size asked for. What the matching
app must find is planted last, from another stream (``plant``): the police's guest lists with a
few guests copied under another spelling and a mistyped passport (possibly the same person as
someone known), look-alikes (the same name, another date of birth), and the watch lists with
their hits and clean traps. What was planted, and for whom, is written beside the files as
``planted.json``: the answers the demo's tests, its guide and ``bench/detect_eval.py`` check
against (``rules``: the subjects each rule must raise an alert about; ``clean``: the traps, by
kind, that must raise none).
"""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

from timpora.demo.identities import PassportOffice, new_traveller, weighted
from timpora.demo.known import Key, Known, identity_of
from timpora.demo.ledger import Ledger
from timpora.demo.places import Company, Geography, Places
from timpora.demo.police import blocks_of, lookalikes, police_checks
from timpora.demo.residents import family_of, permanent_resident, spouse_of_citizen, worker
from timpora.demo.travel import ROUTES, World
from timpora.demo.violations import counts_of, persons_needed, plant_violations
from timpora.demo.visitors import long_haul_visitor, weekend_visitor
from timpora.demo.watchlists import Lists, clean_traps, planted_hits, unlisted

# Shares of the population; Singaporean weekenders make up the rest (about 40 %).
WORKERS = 0.17
PERMANENT_RESIDENTS = 0.02
SPOUSES_OF_CITIZENS = 0.005
LONG_HAUL_VISITORS = 0.17
MALAYSIAN_VISITORS = 0.22
# Among workers: those who have left for good, and those who brought their family.
DEPARTED = 0.08
WITH_FAMILY = 0.06
LONG_HAUL_NATIONALITIES = {
    "IND": 0.24, "CHN": 0.24, "KOR": 0.16, "JPN": 0.09, "PHL": 0.09, "VNM": 0.09, "AUS": 0.04,
    "GBR": 0.03, "USA": 0.02,
}  # fmt: skip
MIN_PERSONS = 50
PLANTED = "planted.json"


def planted_counts(persons: int) -> dict[str, int]:
    """How many of each planted case a population of ``persons`` gets (a few dozen in 6,000)."""
    return {
        "hits": max(4, round(persons / 600)),
        "traps": max(2, round(persons / 1500)),
        "duplicates": max(3, round(persons / 600)),
        "lookalikes": max(2, round(persons / 2000)),
        "banned": max(6, round(persons / 40)),
        "wanted": max(2, round(persons / 250)),
    }


def _streams(seed: int, count: int) -> list[random.Random]:
    """Streams derived from the seed, so that one part's draws do not shift another's."""
    master = random.Random(seed)
    return [random.Random(master.getrandbits(64)) for _ in range(count)]


def generate(
    seed: int,
    out_dir: Path,
    *,
    persons: int = 6000,
    today: date,
    reference_dir: Path | None = None,
) -> dict[str, Path]:
    """Write the population's exchange files into ``out_dir``; return their paths by kind."""
    if persons < MIN_PERSONS:
        raise ValueError(f"a demo population needs at least {MIN_PERSONS} persons")
    geography = Geography.read(reference_dir or settings.REFERENCE_DATA_DIR)
    unknown = sorted({r.checkpoint for r in ROUTES.values()} - geography.checkpoints)
    if unknown:
        raise ValueError(f"routes name checkpoints missing from the reference data: {unknown}")
    places_rng, passports_rng, ledger_rng, rng, planting_rng, violations_rng = _streams(seed, 6)
    ledger = Ledger(today, ledger_rng)
    places = Places(places_rng, geography)
    world = World(rng, ledger, places, PassportOffice(passports_rng))

    workers = round(persons * WORKERS)
    for _ in range(max(6, round(workers / 9))):
        ledger.company(places.add_company())
    for _ in range(max(12, persons // 90)):
        places.add_hotel()
    world.family_hosts = [places.add_host(today) for _ in range(max(2, persons // 150))]
    companies = places.companies
    weights = [c.size for c in companies]

    count = 0
    for _ in range(workers):
        company = rng.choices(companies, weights=weights)[0]
        departed = rng.random() < DEPARTED
        family = not departed and rng.random() < WITH_FAMILY
        head = worker(world, company, departed=departed, with_family=family)
        count += 1 + (family_of(world, head) if family else 0)
    for _ in range(round(persons * PERMANENT_RESIDENTS)):
        permanent_resident(world, companies)
        count += 1
    for _ in range(round(persons * SPOUSES_OF_CITIZENS)):
        spouse_of_citizen(world)
        count += 1
    for _ in range(round(persons * LONG_HAUL_VISITORS)):
        nationality = weighted(rng, LONG_HAUL_NATIONALITIES)
        _, who = new_traveller(
            rng, world.passports, today, nationality, male_share=0.6, ages=(20, 70)
        )
        long_haul_visitor(world, who, companies)
        count += 1
    malaysians = round(persons * MALAYSIAN_VISITORS)
    counts = planted_counts(persons)
    rules, traps = counts_of(persons)
    planted_persons = counts["lookalikes"] + persons_needed(rules, traps)
    singaporeans = max(0, persons - count - malaysians - planted_persons)
    for index in range(malaysians + singaporeans):
        nationality = "MYS" if index < malaysians else "SGP"
        _, who = new_traveller(
            rng, world.passports, today, nationality, male_share=0.55, ages=(18, 75)
        )
        weekend_visitor(world, who)
    population = list(companies)  # the planted cases add companies of their own
    violating = World(violations_rng, ledger, places, world.passports, world.family_hosts)
    violations = plant_violations(violating, population, rules, traps)
    planting = World(planting_rng, ledger, places, world.passports, world.family_hosts)
    planted = plant(planting, population, counts, avoid=violations.keys)
    planted["rules"] = {
        **violations.rules,
        "WATCHLIST_HIT": [
            {"case": f"listed as {case['full_name']} ({case['entry']})", "person": case["person"]}
            for case in planted["hits"]
        ],
    }
    planted["clean"] = {
        **violations.clean,
        "watchlist_namesake": [
            {"case": f"namesake of {case['entry']}", "person": case["like"]}
            for case in planted["traps"]
        ],
    }
    paths = ledger.write(out_dir)
    (out_dir / PLANTED).write_text(
        json.dumps(planted, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return paths


def _key(value: list[str]) -> Key:
    return value[0], value[1]


def plant(
    world: World,
    companies: list[Company],
    counts: dict[str, int],
    *,
    avoid: set[Key] | None = None,
) -> dict[str, Any]:
    """Plant what the matching app must find (and must not), each case on a person of its own
    and none on the persons of ``avoid`` (those of the planted violations)."""
    blocks = blocks_of(world)
    known = Known()
    for key, block in blocks.items():
        known.add(key, identity_of(block))
    used: set[Key] = set(avoid or ())
    alike = lookalikes(world, known, blocks, companies, counts["lookalikes"], used)
    used |= {_key(case["like"]) for case in alike} | {_key(case["person"]) for case in alike}
    blocks = blocks_of(world)
    duplicates = police_checks(world, known, blocks, counts["duplicates"], used)
    used |= {_key(case["person"]) for case in duplicates}
    lists = Lists(world.rng, world.ledger, world.passports)
    hits = planted_hits(lists, known, blocks, counts["hits"], used)
    used |= {_key(case["person"]) for case in hits}
    traps = clean_traps(lists, known, blocks, counts["traps"], used)
    unlisted(lists, known, "PENANGKALAN", counts["banned"])
    unlisted(lists, known, "DPO", counts["wanted"])
    return {
        "duplicates": duplicates,
        "lookalikes": alike,
        "hits": hits,
        "traps": traps,
    }
