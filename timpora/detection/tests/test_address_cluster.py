"""ADDRESS_CLUSTER: at least 6 different foreigners at one private address on one day of the
last 30; 5 is not a cluster, nor are six stays that never overlap."""

from __future__ import annotations

from datetime import date

import pytest

from timpora.detection.choices import AlertStatus
from timpora.detection.engine import detect, scope_of_persons
from timpora.registry.models import Person, Place

LANDLORD = {
    "reporter_type": "INDIVIDUAL",
    "reporter_id": "2171010101800001",
    "reporter_name": "Budi Santoso",
    "address": "Perumahan Baloi Indah Blok C No. 7",
}
NAMES = [
    "TAN WEI MING",
    "LIM AH KOW",
    "ZHANG WEI",
    "NGUYEN VAN THANG",
    "LI QIANG",
    "KIM MIN JUN",
    "SATO HIROSHI",
]


def _guests(world, count):
    return [world.person(name) for name in NAMES[:count]]


def test_six_foreigners_on_one_day_at_a_private_address_fire(world):
    for guest in _guests(world, 6):
        world.stay(guest, "2026-06-10 15:00", check_out="2026-06-20 10:00", **LANDLORD)

    [alert] = world.fires("ADDRESS_CLUSTER", "2026-06-30")

    assert alert.place == Place.objects.get(reporter_id=LANDLORD["reporter_id"])
    assert alert.severity == "MEDIUM"
    assert alert.facts["persons"] == 6
    assert alert.facts["day"] == "2026-06-10"  # the earliest of the busiest days
    assert len(alert.evidence) == 6
    assert {e["kind"] for e in alert.evidence} == {"residence-report"}
    assert "On 10 June 2026, 6 different foreigners" in alert.explanation_en
    assert "10 Juni 2026" in alert.explanation_id


def test_five_foreigners_are_not_a_cluster(world):
    for guest in _guests(world, 5):
        world.stay(guest, "2026-06-10 15:00", check_out="2026-06-20 10:00", **LANDLORD)

    assert world.fires("ADDRESS_CLUSTER", "2026-06-30") == []


def test_six_stays_that_never_overlap_on_one_day_do_not_fire(world):
    for number, guest in enumerate(_guests(world, 6)):
        day = 2 + 4 * number  # 2-3, 6-7, 10-11, ... June: never two on one day
        world.stay(
            guest, f"2026-06-{day:02d} 14:00", check_out=f"2026-06-{day + 1:02d} 11:00", **LANDLORD
        )

    assert world.fires("ADDRESS_CLUSTER", "2026-06-30") == []


def test_a_check_out_and_a_check_in_on_the_same_day_overlap_on_that_day(world):
    guests = _guests(world, 6)
    for guest in guests[:5]:
        world.stay(guest, "2026-06-01 14:00", check_out="2026-06-10 09:00", **LANDLORD)
    world.stay(guests[5], "2026-06-10 14:00", **LANDLORD)

    [alert] = world.fires("ADDRESS_CLUSTER", "2026-06-30")

    assert (alert.facts["day"], alert.facts["persons"]) == ("2026-06-10", 6)


def test_one_person_reported_twice_is_counted_once(world):
    guests = _guests(world, 5)
    for guest in guests:
        world.stay(guest, "2026-06-10 15:00", check_out="2026-06-20 10:00", **LANDLORD)
    world.stay(guests[0], "2026-06-12 15:00", check_out="2026-06-14 10:00", **LANDLORD)

    assert world.fires("ADDRESS_CLUSTER", "2026-06-30") == []


def test_a_hotel_with_many_guests_is_no_private_address(world):
    for guest in _guests(world, 7):
        world.stay(guest, "2026-06-10 15:00", check_out="2026-06-20 10:00")  # LODGING

    assert world.fires("ADDRESS_CLUSTER", "2026-06-30") == []


@pytest.mark.parametrize(("check_out", "fires"), [("2026-05-31", True), ("2026-05-30", False)])
def test_the_window_is_the_30_days_up_to_d(world, check_out, fires):
    # D - 30 is 31 May: stays that end that day still overlap in the window.
    for guest in _guests(world, 6):
        world.stay(guest, "2026-05-20 15:00", check_out=f"{check_out} 10:00", **LANDLORD)

    assert bool(world.fires("ADDRESS_CLUSTER", "2026-06-30")) is fires


def test_stays_starting_after_d_do_not_count_yet(world):
    for guest in _guests(world, 6):
        world.stay(guest, "2026-07-01 15:00", **LANDLORD)

    assert world.fires("ADDRESS_CLUSTER", "2026-06-30") == []
    assert len(world.fires("ADDRESS_CLUSTER", "2026-07-01")) == 1


def test_open_stays_count_and_the_busiest_day_is_reported_with_its_stays(world):
    guests = _guests(world, 7)
    for guest in guests[:6]:
        world.stay(guest, "2026-06-05 15:00", **LANDLORD)  # no check-out: still there
    world.stay(guests[6], "2026-06-18 15:00", check_out="2026-06-19 10:00", **LANDLORD)

    [alert] = world.fires("ADDRESS_CLUSTER", "2026-06-30")

    assert (alert.facts["day"], alert.facts["persons"]) == ("2026-06-18", 7)
    assert len(alert.evidence) == 7


def test_the_alert_resolves_when_the_cluster_leaves_the_window(world):
    for guest in _guests(world, 6):
        world.stay(guest, "2026-06-01 15:00", check_out="2026-06-05 10:00", **LANDLORD)

    [alert] = world.fires("ADDRESS_CLUSTER", "2026-07-05")
    world.detect("2026-07-06", "ADDRESS_CLUSTER")

    [resolved] = world.alerts("ADDRESS_CLUSTER")
    assert resolved.pk == alert.pk and resolved.status == AlertStatus.RESOLVED


def test_a_run_after_an_import_of_one_guest_counts_every_guest_of_the_place(world):
    guests = _guests(world, 6)
    for guest in guests:
        world.stay(guest, "2026-06-10 15:00", check_out="2026-06-20 10:00", **LANDLORD)
    newcomer = Person.objects.get(full_name=guests[-1]["full_name"])

    detect(date(2026, 6, 30), rules=["ADDRESS_CLUSTER"], scope=scope_of_persons([newcomer.pk]))

    [alert] = world.alerts("ADDRESS_CLUSTER")
    assert alert.facts["persons"] == 6 and len(alert.evidence) == 6
