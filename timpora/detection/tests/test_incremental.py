"""Detection after an import, without anyone running ``detect``: the exchange pipeline announces
each batch (``batch_imported``), and the rules run for the persons, places and companies it
touched, as of today. And the nightly sweep: one per day, when its hour has come."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.utils import timezone

from timpora.detection.choices import AlertStatus, RunKind
from timpora.detection.models import Alert, DetectionRun
from timpora.detection.tasks import nightly, nightly_due
from timpora.exchange.formats import write_table
from timpora.exchange.pipeline import import_file
from timpora.registry.models import Person

WIB = ZoneInfo("Asia/Jakarta")
TAN = {
    "full_name": "TAN WEI MING",
    "sex": "M",
    "date_of_birth": "1979-04-12",
    "nationality": "SGP",
    "passport_number": "K1234567A",
}
LEE = {
    "full_name": "LEE MIN HO",
    "sex": "M",
    "date_of_birth": "1985-02-03",
    "nationality": "KOR",
    "passport_number": "M55501234",
}


def day(offset: int) -> str:
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def at(days_ago: int) -> str:
    moment = timezone.localtime() - timedelta(days=days_ago)
    return moment.replace(microsecond=0).isoformat()


def send(tmp_path: Path, user: Any, rows: list[dict[str, str]]) -> Any:
    """Import a border-crossing file as Imigrasi sends it."""
    path = tmp_path / f"crossings-{len(list(tmp_path.iterdir()))}.csv"
    columns = list(dict.fromkeys(c for row in rows for c in row))
    with path.open("wb") as out:
        write_table(rows, columns, "csv", out)
    batch = import_file("border-crossing", path, source=user.agency, user=user)
    assert batch.rejected == 0, batch.notes
    return batch


def arrival(who: dict[str, str], key: str, days_ago: int, until: int) -> dict[str, str]:
    return {
        "crossing_id": key,
        "direction": "ARRIVAL",
        "checkpoint": "BTM-HB",
        "crossed_at": at(days_ago),
        "permit_type": "BVK",
        "authorized_stay_until": day(until),
        **who,
    }


def departure(who: dict[str, str], key: str, days_ago: int) -> dict[str, str]:
    return {
        "crossing_id": key,
        "direction": "DEPARTURE",
        "checkpoint": "BTM-HB",
        "crossed_at": at(days_ago),
        **who,
    }


def test_an_imported_arrival_past_its_stay_raises_overstay_at_once(cast, tmp_path):
    send(tmp_path, cast.alice, [arrival(TAN, "BC-1", days_ago=40, until=-10)])

    [alert] = Alert.objects.filter(rule="OVERSTAY")
    assert alert.person == Person.objects.get()
    assert alert.status == AlertStatus.NEW
    assert alert.as_of == timezone.localdate()
    assert alert.facts["days_over"] == 10
    assert [e["key"] for e in alert.evidence] == ["BC-1"]
    run = DetectionRun.objects.get()
    assert run.kind == RunKind.INCREMENTAL
    assert run.subjects == 1
    assert run.actor == cast.alice
    assert run.as_of == timezone.localdate()
    assert run.counts["OVERSTAY"]["opened"] == 1
    assert run.finished_at is not None


@pytest.mark.parametrize(("until", "fires"), [(0, False), (-1, True)])
def test_the_last_authorised_day_is_today_or_yesterday(cast, tmp_path, until, fires):
    send(tmp_path, cast.alice, [arrival(TAN, "BC-1", days_ago=30, until=until)])

    assert Alert.objects.filter(rule="OVERSTAY").exists() is fires


def test_a_later_departure_file_resolves_it(cast, tmp_path):
    send(tmp_path, cast.alice, [arrival(TAN, "BC-1", days_ago=40, until=-10)])

    send(tmp_path, cast.alice, [departure(TAN, "BC-2", days_ago=1)])

    [alert] = Alert.objects.filter(rule="OVERSTAY")
    assert alert.status == AlertStatus.RESOLVED
    assert alert.ended_reason
    runs = DetectionRun.objects.order_by("started_at", "pk")
    assert [r.kind for r in runs] == [RunKind.INCREMENTAL, RunKind.INCREMENTAL]
    assert runs.last().counts["OVERSTAY"]["resolved"] == 1


def test_an_import_touches_only_the_persons_in_it(cast, tmp_path):
    send(
        tmp_path,
        cast.alice,
        [arrival(TAN, "BC-1", days_ago=40, until=-10), arrival(LEE, "BC-2", days_ago=35, until=-5)],
    )
    assert DetectionRun.objects.get().subjects == 2
    lee = Alert.objects.get(rule="OVERSTAY", person__full_name="LEE MIN HO")

    send(tmp_path, cast.alice, [departure(TAN, "BC-3", days_ago=1)])

    tan = Alert.objects.get(rule="OVERSTAY", person__full_name="TAN WEI MING")
    assert tan.status == AlertStatus.RESOLVED
    untouched = Alert.objects.get(pk=lee.pk)
    assert untouched.status == AlertStatus.NEW
    assert untouched.last_detected_at == lee.last_detected_at
    assert DetectionRun.objects.order_by("-pk").first().subjects == 1


def test_a_file_that_touches_nobody_runs_nothing(cast, tmp_path):
    path = tmp_path / "empty.csv"
    header = ",".join(arrival(TAN, "BC-1", days_ago=1, until=1))
    path.write_text(header + "\n", encoding="utf-8")

    import_file("border-crossing", path, source=cast.imigrasi, user=cast.alice)

    assert not DetectionRun.objects.exists()


# --- The nightly sweep --------------------------------------------------------------------------


@pytest.fixture
def tan(world):
    who = world.person()
    world.arrive(who, "2026-03-01 10:00", until="2026-03-30")
    return who


def test_the_nightly_sweep_of_a_day_runs_once_however_often_it_is_enqueued(tan):
    first = nightly.enqueue("2026-04-04")
    second = nightly.enqueue("2026-04-04")

    run = DetectionRun.objects.get()
    assert (run.kind, run.as_of.isoformat()) == (RunKind.NIGHTLY, "2026-04-04")
    assert first.return_value["run"] == run.pk
    assert second.return_value is None
    assert run.counts["OVERSTAY"]["opened"] == 1
    assert Alert.objects.filter(rule="OVERSTAY").count() == 1


def test_the_next_nights_sweep_runs_again(tan):
    nightly.enqueue("2026-04-04")
    nightly.enqueue("2026-04-05")

    assert DetectionRun.objects.filter(kind=RunKind.NIGHTLY).count() == 2
    [alert] = Alert.objects.filter(rule="OVERSTAY")
    assert alert.as_of.isoformat() == "2026-04-05"


@pytest.mark.parametrize(
    ("hour", "now", "due"),
    [
        (1, datetime(2026, 4, 4, 0, 59, tzinfo=WIB), None),
        (1, datetime(2026, 4, 4, 1, 0, tzinfo=WIB), "2026-04-04"),
        (1, datetime(2026, 4, 3, 18, 0, tzinfo=UTC), "2026-04-04"),  # 01:00 WIB
        (1, datetime(2026, 4, 3, 17, 59, tzinfo=UTC), None),
        (3, datetime(2026, 4, 4, 2, 59, tzinfo=WIB), None),
        (3, datetime(2026, 4, 4, 3, 0, tzinfo=WIB), "2026-04-04"),
        (0, datetime(2026, 4, 4, 0, 0, tzinfo=WIB), "2026-04-04"),
        (3, datetime(2026, 4, 4, 23, 59, tzinfo=WIB), "2026-04-04"),
    ],
)
def test_the_nightly_sweep_is_due_from_its_hour(db, settings, hour, now, due):
    settings.NIGHTLY_DETECTION_HOUR = hour

    assert nightly_due(now) == due


def test_the_nightly_sweep_is_not_due_once_it_ran(tan, settings):
    settings.NIGHTLY_DETECTION_HOUR = 1
    nightly.enqueue("2026-04-04")

    assert nightly_due(datetime(2026, 4, 4, 1, 30, tzinfo=WIB)) is None
    assert nightly_due(datetime(2026, 4, 5, 1, 30, tzinfo=WIB)) == "2026-04-05"


def test_the_worker_schedules_todays_sweep_once(reference_data, settings):
    settings.NIGHTLY_DETECTION_HOUR = 0
    config = apps.get_app_config("detection")
    config.__dict__.pop("_enqueued", None)

    config.schedule()
    config.schedule()

    run = DetectionRun.objects.get()
    assert (run.kind, run.as_of) == (RunKind.NIGHTLY, timezone.localdate())
