from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from datetime import date, datetime

from timpora.demo.generate import PLANTED, generate, planted_counts
from timpora.demo.ledger import FIELDS, FILES
from timpora.demo.tests.conftest import SMALL, TODAY
from timpora.registry.records import parse_row
from timpora.registry.reference import current_reference

# What the matching app must find (the rules' cases are checked in test_violations).
MATCHING = ("hits", "traps", "duplicates", "lookalikes")
KEYS = {
    "company": "company_id",
    "stay-permit": "permit_number",
    "stay-permit.updates": "permit_number",
    "residence-registration": "registration_number",
    "border-crossing": "crossing_id",
    "residence-report": "report_id",
    "residence-report.police": "report_id",
    "watchlist-entry": "entry_id",
    "watchlist-entry.police": "entry_id",
}


def _bytes(paths):
    files = {name: path.read_bytes() for name, path in paths.items()}
    folder = next(iter(paths.values())).parent
    return {**files, PLANTED: (folder / PLANTED).read_bytes()}


def test_it_writes_the_same_bytes_for_the_same_seed_and_day(population, tmp_path):
    again = generate(2026, tmp_path, persons=SMALL, today=TODAY)
    assert "stay-permit.updates" in again
    assert "watchlist-entry.police" in again
    assert _bytes(again) == _bytes(population.paths)


def test_it_writes_another_population_for_another_seed(population, tmp_path):
    other = generate(2027, tmp_path, persons=SMALL, today=TODAY)
    assert other["border-crossing"].read_bytes() != population.paths["border-crossing"].read_bytes()


def test_it_writes_one_file_per_kind_with_the_exchange_columns(population, reference_data):
    reference = current_reference()
    assert list(population.paths) == list(FILES)
    for name, kind in FILES.items():
        rows = population.rows(name)
        contract = parse_row(kind, rows[0], reference).as_row()
        assert set(rows[0]) == set(contract), name
        header = population.paths[name].read_text(encoding="utf-8").split("\n", 1)[0]
        assert header == ",".join(FIELDS[kind]), name


def test_it_writes_only_rows_that_parse(population, reference_data):
    reference = current_reference()
    for name, kind in FILES.items():
        for row in population.rows(name):
            parse_row(kind, row, reference)


def test_it_sends_each_extension_as_a_later_update_of_the_permit_as_issued(population):
    issued = {row["permit_number"]: row for row in population.rows("stay-permit")}
    updates = population.rows("stay-permit.updates")
    assert Counter(row["permit_type"] for row in updates)["ITAS"] > 0
    for update in updates:
        first = issued[update["permit_number"]]
        assert first["status"] == "ACTIVE"
        assert first["valid_until"] < update["valid_until"]
        assert update["status"] in ("EXTENDED", "EXPIRED")
        changed = {field for field in update if update[field] != first[field]}
        assert changed == {"status", "valid_until"}
    # Nothing is sent as extended but an update.
    assert all(row["status"] != "EXTENDED" for row in issued.values())


def test_it_never_reuses_a_key(population):
    for kind, key in KEYS.items():
        keys = [row[key] for row in population.rows(kind)]
        assert len(keys) == len(set(keys)), kind
    work = [(r["rptka_number"], r["passport_number"]) for r in population.rows("work-permit")]
    assert len(work) == len(set(work))


def test_it_writes_the_requested_number_of_persons(population):
    # The police's copies under a mistyped passport are the same persons, once more.
    copies = {tuple(case["copy"]) for case in population.planted()["duplicates"]}
    assert copies <= population.persons()
    identities = {i for i in population.identities() if i[:2] not in copies}
    assert len(identities) == SMALL


def test_it_writes_more_than_five_thousand_persons_by_default(tmp_path):
    paths = generate(7, tmp_path, today=TODAY)
    with paths["border-crossing"].open(encoding="utf-8", newline="") as handle:
        passports = {(r["nationality"], r["passport_number"]) for r in csv.DictReader(handle)}
    assert len(passports) > 5000
    planted = json.loads((tmp_path / PLANTED).read_text(encoding="utf-8"))
    wanted = planted_counts(6000)
    assert {kind: len(planted[kind]) for kind in MATCHING} == {
        kind: wanted[kind] for kind in MATCHING
    }
    with paths["watchlist-entry"].open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) > 100


def test_it_plants_each_case_on_a_person_of_its_own(population):
    planted = population.planted()
    wanted = planted_counts(SMALL)
    assert {kind: len(planted[kind]) for kind in MATCHING} == {
        kind: wanted[kind] for kind in MATCHING
    }
    persons = [
        tuple(case.get("person") or case["like"]) for kind in MATCHING for case in planted[kind]
    ]
    persons += [tuple(case["like"]) for case in planted["lookalikes"]]
    assert len(persons) == len(set(persons))
    assert set(persons) <= population.persons()


def test_it_lists_the_hits_under_another_spelling_and_the_traps_under_the_same_name(population):
    entries = {
        f"{row['list']}|{row['entry_id']}": row
        for name in ("watchlist-entry", "watchlist-entry.police")
        for row in population.rows(name)
    }
    blocks = {
        (row["nationality"], row["passport_number"]): row
        for row in population.rows("border-crossing")
    }
    planted = population.planted()
    for hit in planted["hits"]:
        entry, person = entries[hit["entry"]], blocks[tuple(hit["person"])]
        assert person["full_name"] not in {entry["full_name"], *entry["aliases"].split(";")}
        assert person["date_of_birth"].startswith(entry["date_of_birth"])
        assert person["passport_number"] not in entry["passport_numbers"]
    for trap in planted["traps"]:
        entry, person = entries[trap["entry"]], blocks[tuple(trap["like"])]
        assert entry["full_name"] == person["full_name"]
        assert entry["date_of_birth"][:4] != person["date_of_birth"][:4]


def test_it_sends_the_wanted_list_from_the_police_and_the_entry_bans_from_immigration(
    population,
):
    assert {row["list"] for row in population.rows("watchlist-entry.police")} == {"DPO"}
    assert {row["owning_agency"] for row in population.rows("watchlist-entry.police")} == {
        "POLDA-KEPRI"
    }
    assert {row["list"] for row in population.rows("watchlist-entry")} == {"PENANGKALAN"}
    assert all(row["valid_from"] < TODAY.isoformat() for row in population.rows("watchlist-entry"))


def test_it_copies_the_police_guest_lists_from_the_lodgings_reports(population):
    reports = {
        (row["reporter_id"], row["check_in"], row["passport_number"]): row
        for row in population.rows("residence-report")
    }
    copies = {tuple(case["copy"]) for case in population.planted()["duplicates"]}
    police = population.rows("residence-report.police")
    assert len(police) > len(copies)
    for row in police:
        assert row["reporter_type"] == "LODGING"
        assert row["check_in"] <= row["reported_at"] < TODAY.isoformat()
        if (row["nationality"], row["passport_number"]) not in copies:
            assert (row["reporter_id"], row["check_in"], row["passport_number"]) in reports


def test_it_makes_singaporeans_and_malaysians_the_majority(population):
    nationalities = Counter(nationality for nationality, _ in population.persons())
    assert nationalities["SGP"] + nationalities["MYS"] >= 0.5 * SMALL


def test_it_gives_every_work_itas_holder_a_work_permit_and_a_timely_sktt(population):
    without = population.planted_persons("NO_SKTT")  # planted: no SKTT for this permit
    workers = {
        (r["nationality"], r["passport_number"]): date.fromisoformat(r["valid_from"])
        for r in population.rows("stay-permit")
        if r["permit_type"] == "ITAS"
        and r["visa_index"] == "E23"
        and (r["nationality"], r["passport_number"]) not in without
    }
    permits = {(r["nationality"], r["passport_number"]) for r in population.rows("work-permit")}
    sktt = {
        (r["nationality"], r["passport_number"]): date.fromisoformat(r["issued_on"])
        for r in population.rows("residence-registration")
        if r["registration_type"] == "SKTT"
    }
    assert workers
    assert set(workers) <= permits
    assert all(0 <= (sktt[worker] - start).days <= 14 for worker, start in workers.items())


def test_it_prints_native_script_names_for_chinese_and_korean_passports(population):
    originals = defaultdict(list)
    for row in population.rows("border-crossing"):
        if row["name_original"]:
            originals[row["nationality"]].append(row["name_original"])
    assert any("\u4e00" <= c <= "\u9fff" for c in "".join(originals["CHN"]))
    assert any("\uac00" <= c <= "\ud7af" for c in "".join(originals["KOR"]))


def test_it_checks_visitors_in_during_a_visit(population):
    residents = {
        (r["nationality"], r["passport_number"])
        for r in population.rows("stay-permit")
        if r["permit_type"] in ("ITAS", "ITAP")
    }
    crossings = defaultdict(list)
    for row in population.rows("border-crossing"):
        at = datetime.fromisoformat(row["crossed_at"])
        crossings[(row["nationality"], row["passport_number"])].append((at, row["direction"]))
    # A report under another's passport number, planted for DOCUMENT_CONFLICT, is no visit of
    # that passport's holder.
    conflicts = population.planted_persons("DOCUMENT_CONFLICT")
    visits = 0
    for stay in population.rows("residence-report"):
        person = (stay["nationality"], stay["passport_number"])
        if person in residents or person in conflicts:
            continue
        check_in = datetime.fromisoformat(stay["check_in"])
        before = sorted(c for c in crossings[person] if c[0] <= check_in)
        assert before and before[-1][1] == "ARRIVAL", stay["report_id"]
        visits += 1
    assert visits


def test_it_reports_every_stay_within_a_day_of_check_in(population):
    late = {tuple(case["place"]) for case in population.planted()["rules"]["LATE_REPORT"]}
    for stay in population.rows("residence-report"):
        if (stay["reporter_id"], stay["address"]) in late:
            continue
        delay = datetime.fromisoformat(stay["reported_at"]) - datetime.fromisoformat(
            stay["check_in"]
        )
        assert 0 <= delay.total_seconds() < 24 * 3600


def test_it_puts_nothing_on_or_after_today(population):
    start_of_today = f"{TODAY.isoformat()}T00:00"
    for row in population.rows("border-crossing"):
        assert row["crossed_at"] < start_of_today
    for row in population.rows("residence-report"):
        assert row["reported_at"] < start_of_today


def test_it_keeps_everyone_in_the_country_within_their_authorisation(population):
    # The authorised-until date of detection-rules.md: the latest validity among the person's
    # permits (not cancelled) and arrival grants; an extension counts.
    until = defaultdict(str)
    for row in population.permits().values():
        if row["status"] != "CANCELLED":
            person = (row["nationality"], row["passport_number"])
            until[person] = max(until[person], row["valid_until"])
    last = {}
    for row in sorted(population.rows("border-crossing"), key=lambda r: r["crossed_at"]):
        person = (row["nationality"], row["passport_number"])
        last[person] = row
        if row["direction"] == "ARRIVAL":
            until[person] = max(until[person], row["authorized_stay_until"])
    overstaying = population.planted_persons("OVERSTAY")
    in_country = [
        person
        for person, row in last.items()
        if row["direction"] == "ARRIVAL" and person not in overstaying
    ]
    assert in_country
    assert all(until[person] >= TODAY.isoformat() for person in in_country)
