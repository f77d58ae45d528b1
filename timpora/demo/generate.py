"""A deterministic synthetic population of foreigners in Batam, written as exchange files.

``generate(seed, out_dir, today=...)`` writes one CSV file per kind in the exchange formats
(``shared/spec/exchange/README.md``), so that the demo is loaded through the same parser as any
agency's file, and a later importer can read exactly the same files. The same seed and day give
byte-identical files: every random choice comes from ``random.Random(seed)`` and the streams
derived from it, and the only date is ``today``.

The mix follows Batam (DOMAIN.md): mostly Singaporean and Malaysian weekend visitors arriving by
ferry, visitors from India, China, Korea, Japan, the Philippines and Vietnam, foreign workers of
the industrial estates with their permits, some families and permanent residents. The population
is clean: its facts agree with each other (the planted violations come in a later step).
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from django.conf import settings

from timpora.demo.identities import PassportOffice, new_traveller, weighted
from timpora.demo.ledger import Ledger
from timpora.demo.places import Geography, Places
from timpora.demo.residents import family_of, permanent_resident, spouse_of_citizen, worker
from timpora.demo.travel import ROUTES, World
from timpora.demo.visitors import long_haul_visitor, weekend_visitor

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
    places_rng, passports_rng, ledger_rng, rng = _streams(seed, 4)
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
    for index in range(malaysians + max(0, persons - count - malaysians)):
        nationality = "MYS" if index < malaysians else "SGP"
        _, who = new_traveller(
            rng, world.passports, today, nationality, male_share=0.55, ages=(18, 75)
        )
        weekend_visitor(world, who)
    return ledger.write(out_dir)
