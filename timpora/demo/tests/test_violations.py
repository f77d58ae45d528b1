from __future__ import annotations

from collections import defaultdict
from datetime import date

from timpora.demo.answers import score
from timpora.demo.load import load_directory
from timpora.demo.tests.conftest import SMALL, TODAY
from timpora.demo.violations import RULES, TRAPS, counts_of, persons_needed
from timpora.detection.engine import detect

VISIT_TYPES = ("BVK", "VOA", "ITK")


def _valid(row: dict[str, str]) -> bool:
    return (
        row["status"] != "CANCELLED"
        and row["valid_from"] <= TODAY.isoformat() <= row["valid_until"]
    )


def test_it_plants_every_rule_and_every_kind_of_clean_trap(population):
    planted = population.planted()
    assert set(planted["rules"]) == set(RULES)
    assert all(planted["rules"][code] for code in RULES)
    assert set(planted["clean"]) == set(TRAPS)
    assert all(planted["clean"][kind] for kind in TRAPS)


def test_it_leaves_room_for_the_planted_persons_in_the_size_asked_for():
    rules, traps = counts_of(6000)
    assert min(n for code, n in rules.items() if code != "WATCHLIST_HIT") >= 3
    assert max(rules.values()) <= 40
    assert persons_needed(rules, traps) < 0.1 * 6000
    small_rules, small_traps = counts_of(SMALL)
    assert persons_needed(small_rules, small_traps) < SMALL / 3


def test_it_names_subjects_that_the_files_hold(population):
    persons = population.persons()
    places = {(r["reporter_id"], r["address"]) for r in population.rows("residence-report")}
    companies = {r["sponsor_id"] for r in population.rows("stay-permit")} | {
        r["employer_id"] for r in population.rows("work-permit")
    }
    planted = population.planted()
    for cases in [*planted["rules"].values(), *planted["clean"].values()]:
        for case in cases:
            if "person" in case:
                assert tuple(case["person"]) in persons, case
            elif "place" in case:
                assert tuple(case["place"]) in places, case
            else:
                assert case["company"] in companies, case


def test_it_plants_overstays_of_a_few_days_and_of_more_than_sixty(population):
    over = [int(case["case"].split(", ")[1].split()[0]) for case in _cases(population, "OVERSTAY")]
    assert len(set(over)) == len(over) >= 3
    assert min(over) <= 7
    assert max(over) > 60


def test_it_counts_a_companys_workers_alike_at_disnaker_and_immigration_unless_planted(
    population,
):
    workers: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in population.rows("work-permit"):
        if _valid(row):
            workers[row["employer_id"]].add((row["nationality"], row["passport_number"]))
    sponsored: dict[str, int] = defaultdict(int)
    for row in population.permits().values():
        if row["visa_index"] == "E23" and _valid(row):
            sponsored[row["sponsor_id"]] += 1
    gaps = {
        company: len(workers[company]) - sponsored[company]
        for company in set(workers) | set(sponsored)
    }
    planted = {case["company"] for case in _cases(population, "RECONCILIATION_GAP")}
    traps = {case["company"] for case in population.planted()["clean"]["company_gap_of_one"]}
    assert all(abs(gaps[company]) >= 2 for company in planted)
    assert all(abs(gaps[company]) == 1 for company in traps)
    assert all(abs(gap) <= 1 for company, gap in gaps.items() if company not in planted)


def test_it_registers_every_sponsor_and_employer_but_the_fictitious_ones(population):
    registered = {row["company_id"] for row in population.rows("company")}
    named = {
        row["sponsor_id"]
        for row in population.permits().values()
        if row["sponsor_type"] == "COMPANY"
    } | {row["employer_id"] for row in population.rows("work-permit")}
    fictitious = {c["company"] for c in _cases(population, "SPONSOR_ANOMALY")} - registered
    assert fictitious
    assert named - registered == fictitious


def test_it_houses_visitors_in_company_messes_only_where_planted(population):
    residents = {
        (row["nationality"], row["passport_number"])
        for row in population.permits().values()
        if row["permit_type"] not in VISIT_TYPES
    }
    housed = {
        (row["nationality"], row["passport_number"])
        for row in population.rows("residence-report")
        if row["reporter_type"] == "COMPANY"
    }
    visitors = housed - residents
    assert visitors
    assert visitors <= population.planted_persons("VISITOR_WORKING")


def test_it_gives_the_clean_itas_holders_their_sktt_and_the_planted_none(population):
    sktt: dict[tuple[str, str], list[date]] = defaultdict(list)
    for row in population.rows("residence-registration"):
        if row["registration_type"] == "SKTT":
            key = (row["nationality"], row["passport_number"])
            sktt[key].append(date.fromisoformat(row["issued_on"]))
    missing = set()
    for row in population.permits().values():
        if row["permit_type"] == "ITAS" and _valid(row):
            key = (row["nationality"], row["passport_number"])
            start = date.fromisoformat(row["valid_from"])
            if not any(issued >= start for issued in sktt[key]):
                missing.add(key)
    assert missing == population.planted_persons("NO_SKTT")


def test_the_rules_find_what_was_planted_and_nothing_on_the_clean_traps(population, reference_data):
    load_directory(population.folder)
    detect(as_of=TODAY)
    result = score(population.planted())
    for code, rule in result.rules.items():
        if rule.placeholder:  # not written yet: nothing to find
            assert rule.alerts == 0, code
            continue
        assert rule.false_positives == [], code
        assert rule.missed == [], code
        assert rule.found == rule.planted > 0, code
    alerted = {kind: trap.alerted for kind, trap in result.traps.items() if trap.alerted}
    assert alerted == {}
    assert set(result.traps) == set(TRAPS)


def _cases(population, rule: str) -> list[dict[str, str]]:
    return list(population.planted()["rules"][rule])
