from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from timpora.audit.models import AuditEvent
from timpora.demo.generate import PLANTED
from timpora.demo.users import DEMO_USERS
from timpora.detection.choices import LIVE_STATUSES, RunKind
from timpora.detection.models import Alert, DetectionRun
from timpora.matching.choices import ReviewKind, ReviewStatus
from timpora.matching.models import ReviewItem
from timpora.registry.models import Person


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", "--persons", "300", stdout=out)
    return out.getvalue()


def passwords(output: str) -> dict[str, str]:
    names = {user.username for user in DEMO_USERS}
    found = {}
    for line in output.splitlines():
        cells = line.split()
        if cells and cells[0] in names:
            found[cells[0]] = cells[1]
    return found


def logs_in(username: str, password: str) -> bool:
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=username, password=password) is not None


def copies(data_dir) -> int:
    """The persons the police's copies under a mistyped passport added, until merged."""
    planted = json.loads((data_dir / "demo" / "seed-2026" / PLANTED).read_text(encoding="utf-8"))
    return len(planted["duplicates"])


def test_it_loads_the_population_and_prints_where_to_log_in(reference_data, data_dir):
    output = run_demo()
    assert Person.objects.count() == 300 + copies(data_dir)
    assert (data_dir / "demo" / "seed-2026" / "border-crossing.csv").is_file()
    assert "http://127.0.0.1:8000/" in output


def test_it_prints_the_open_review_items_by_kind(reference_data, data_dir):
    output = run_demo()
    same = ReviewItem.objects.filter(kind=ReviewKind.SAME, status=ReviewStatus.OPEN).count()
    hits = ReviewItem.objects.filter(kind=ReviewKind.HIT, status=ReviewStatus.OPEN).count()
    assert same >= copies(data_dir)
    assert hits > 0
    line = f"Open review items: {same} possibly the same person, {hits} watch-list hits."
    assert line in output
    assert line in run_demo()  # and again when the population is already loaded


def test_it_prints_passwords_that_log_the_demo_users_in(reference_data, data_dir):
    found = passwords(run_demo())
    assert set(found) == {user.username for user in DEMO_USERS}
    assert all(logs_in(username, password) for username, password in found.items())


def test_it_gives_new_passwords_on_a_second_run_and_the_old_ones_stop_working(
    reference_data, data_dir
):
    first = passwords(run_demo())
    second = passwords(run_demo())
    assert all(logs_in(username, password) for username, password in second.items())
    assert not any(logs_in(username, password) for username, password in first.items())


def test_it_audits_each_password_reset(reference_data, data_dir):
    run_demo()
    run_demo()
    resets = AuditEvent.objects.filter(verb="user.password_reset")
    assert resets.count() == len(DEMO_USERS)


def test_it_loads_a_population_only_once(reference_data, data_dir):
    run_demo()
    output = run_demo()
    assert "already loaded" in output
    assert Person.objects.count() == 300 + copies(data_dir)


def test_it_runs_the_rules_once_and_prints_the_open_alerts_by_rule(reference_data, data_dir):
    output = run_demo()
    assert "Ran the 15 detection rules as of" in output
    live = Alert.objects.filter(status__in=LIVE_STATUSES)
    overstays = live.filter(rule="OVERSTAY").count()
    assert overstays > 0
    line = next(text for text in output.splitlines() if text.startswith("Open alerts:"))
    assert line.startswith(f"Open alerts: {live.count()} in all; {overstays} OVERSTAY, ")
    again = run_demo()  # already loaded: the alerts are printed, the rules not run again
    assert "Ran the" not in again
    assert line in again
    assert DetectionRun.objects.filter(kind=RunKind.FULL).count() == 1
