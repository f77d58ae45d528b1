"""The demo's cases: opened and worked through the cases app's actions after the sweep."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from timpora.accounts.models import User
from timpora.audit.choices import Verb
from timpora.audit.models import AuditEvent
from timpora.cases.choices import (
    ActionKind,
    ActionStatus,
    CaseOrigin,
    CaseStatus,
    CaseType,
    DocumentKind,
    Outcome,
    ReferralStatus,
)
from timpora.cases.models import (
    AdministrativeAction,
    Case,
    CaseEvent,
    IssuedDocument,
    Referral,
    Task,
)
from timpora.cases.queries import my_work
from timpora.demo.cases import ENTRY_BAN_YEARS, OVERDUE_TASK, Seeded, seed_cases
from timpora.demo.load import load_directory
from timpora.demo.tests.conftest import TODAY
from timpora.demo.users import ensure_demo_users
from timpora.detection.choices import OPEN_STATUSES, AlertStatus, RunKind
from timpora.detection.engine import detect
from timpora.detection.models import Alert
from timpora.detection.rules import RULES
from timpora.matching.models import WatchlistEntry
from timpora.registry.choices import WatchList


def _loaded(population: Any, rules: Iterable[str] | None = None) -> None:
    """The demo as ``timpora demo`` leaves it before the cases: loaded, swept, log-ins made."""
    load_directory(population.folder)
    detect(as_of=TODAY, kind=RunKind.FULL, rules=rules)
    ensure_demo_users()


def _user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def seeded(population: Any, reference_data: Any) -> Seeded:
    _loaded(population)
    return seed_cases(as_of=TODAY)


def _one(cases: Iterable[Case], **attrs: Any) -> Case:
    found = [c for c in cases if all(getattr(c, k) == v for k, v in attrs.items())]
    assert len(found) == 1, (attrs, found)
    return found[0]


def _state() -> dict[str, Any]:
    """Everything the seeding writes, to compare two runs."""
    return {
        "cases": list(Case.objects.order_by("pk").values_list("pk", "number", "status")),
        "events": CaseEvent.objects.count(),
        "tasks": list(Task.objects.order_by("pk").values_list("pk", "done_at")),
        "referrals": list(Referral.objects.order_by("pk").values_list("pk", "status")),
        "actions": list(AdministrativeAction.objects.order_by("pk").values_list("pk", "status")),
        "documents": list(IssuedDocument.objects.order_by("pk").values_list("pk", "number")),
        "entries": WatchlistEntry.objects.count(),
        "alerts": list(Alert.objects.order_by("pk").values_list("pk", "status")),
        "audit": AuditEvent.objects.count(),
    }


def test_it_opens_six_cases_as_the_officers_of_imigrasi_batam(seeded):
    officer, supervisor = _user("imi.officer"), _user("imi.supervisor")
    assert seeded.notes == []
    assert seeded.created == len(seeded.cases) == Case.objects.count() == 6
    for case in seeded.cases:
        assert case.owning_agency.code == "IMI-BTM"
        assert case.opened_by == officer
        assert case.assignee == officer
        assert case.number.endswith(f"/KASUS/IMI-BTM/{timezone.localdate().year}")
        assert case.events.filter(kind="OPENED").exists()
        opened = AuditEvent.objects.filter(verb=Verb.CASE_OPENED, subject_code=str(case.code))
        assert opened.get().actor_label
    assert {c.case_type for c in seeded.cases} == {
        CaseType.OVERSTAY,
        CaseType.VISITOR_WORKING,
        CaseType.NON_REPORTING_LODGING,
        CaseType.WATCHLIST_HIT,
    }
    assert seeded.summary() == (
        "Cases: 6 opened, 2 referrals, 3 administrative actions, 3 documents."
    )
    assert supervisor.pk in AdministrativeAction.objects.values_list("approved_by", flat=True)


def _the_long_overstay_is_deported_with_an_entry_ban() -> None:
    deportation = AdministrativeAction.objects.get(kind=ActionKind.DEPORTATION)
    case = deportation.case
    [alert] = case.alerts.all()
    assert alert.rule == "OVERSTAY" and alert.facts["days_over"] > 60
    assert alert.status == AlertStatus.ESCALATED
    assert deportation.status == ActionStatus.EXECUTED
    assert deportation.proposed_by.username == "imi.officer"
    assert deportation.approved_by.username == "imi.supervisor"
    assert deportation.details["checkpoint"] == "BTM-BC"
    assert deportation.details["route"].startswith("Pelabuhan Batam Centre")
    assert deportation.details["entry_ban_years"] == ENTRY_BAN_YEARS
    assert deportation.effective_on == TODAY
    assert case.decided_at is not None and case.executed_at is not None
    kinds = set(case.documents.values_list("kind", flat=True))
    assert kinds == {DocumentKind.BAP, DocumentKind.KEPUTUSAN_TAK, DocumentKind.BA_DEPORTASI}
    assert case.documents.filter(action=deportation).count() == 2
    entry = deportation.watchlist_entry
    assert entry is not None and entry.list == WatchList.PENANGKALAN
    assert entry.source.code == "IMI-BTM"
    assert entry.valid_from == TODAY
    assert entry.valid_until == TODAY.replace(year=TODAY.year + ENTRY_BAN_YEARS)
    assert entry.full_name == " ".join(deportation.person.full_name.split())
    assert case.tasks.filter(template="close-out", done_at__isnull=True).exists()
    assert not case.tasks.filter(template="interview", done_at__isnull=True).exists()


def _the_short_overstay_awaits_the_supervisor() -> None:
    charge = AdministrativeAction.objects.get(
        kind=ActionKind.OVERSTAY_CHARGE, status=ActionStatus.PROPOSED
    )
    [alert] = charge.case.alerts.all()
    assert alert.facts["days_over"] <= 60 and not alert.facts["over_limit"]
    assert charge.case.status == CaseStatus.ACTION_PENDING
    assert charge.days == alert.facts["days_over"]
    assert charge.amount == alert.facts["charge"]
    assert charge.approved_by is None
    assert charge in my_work(_user("imi.supervisor")).approvals


def _the_visitor_working_case_is_with_disnaker() -> None:
    referral = Referral.objects.get(to_agency__code="DISNAKER-BTM")
    assert referral.case.case_type == CaseType.VISITOR_WORKING
    assert referral.case.status == CaseStatus.INVESTIGATING
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.responded_by.username == "disnaker.officer"
    assert referral.request and referral.legal_basis
    assert referral.outcome == ""
    assert referral.respond_by >= timezone.localdate()
    assert list(Case.objects.visible_to(_user("disnaker.officer"))) == [referral.case]


def _the_lodging_waits_for_the_police() -> None:
    referral = Referral.objects.get(to_agency__code="POLRESTA-BRL")
    case = referral.case
    [alert] = case.alerts.all()
    assert alert.subject_type == "PLACE" and alert.rule in ("LATE_REPORT", "UNREPORTED_STAY")
    assert case.case_type == CaseType.NON_REPORTING_LODGING
    assert list(case.places.all()) == [alert.place]
    assert referral.status == ReferralStatus.SENT
    assert list(Case.objects.visible_to(_user("polresta.officer"))) == [case]
    assert not Case.objects.visible_to(_user("kesbangpol.officer")).exists()


def _the_watchlist_hit_is_investigated_with_a_task_overdue() -> None:
    case = Case.objects.get(case_type=CaseType.WATCHLIST_HIT)
    assert case.origin == CaseOrigin.REVIEW
    assert case.review_item is not None and case.review_item.kind == "HIT"
    assert case.status == CaseStatus.INVESTIGATING
    assert case.review_item.person in case.persons.all()
    task = case.tasks.get(title=OVERDUE_TASK)
    assert task.done_at is None and task.due_on < timezone.localdate()
    assert task.due_on == TODAY - timedelta(days=2)


def _the_settled_case_is_closed_and_its_alert_resolved() -> None:
    [case] = Case.objects.filter(status=CaseStatus.CLOSED)
    assert case.outcome == Outcome.COMPLIED
    [alert] = case.alerts.all()
    assert alert.status == AlertStatus.RESOLVED
    charge = case.actions.get()
    assert charge.kind == ActionKind.OVERSTAY_CHARGE and charge.status == ActionStatus.EXECUTED
    assert charge.details["payment"]["paid_on"] == TODAY.isoformat()
    assert not case.tasks.filter(done_at__isnull=True).exists()


def test_each_case_is_where_the_team_left_it(seeded):
    """One load for the six checks (a load is most of the time of a test)."""
    _the_long_overstay_is_deported_with_an_entry_ban()
    _the_short_overstay_awaits_the_supervisor()
    _the_visitor_working_case_is_with_disnaker()
    _the_lodging_waits_for_the_police()
    _the_watchlist_hit_is_investigated_with_a_task_overdue()
    _the_settled_case_is_closed_and_its_alert_resolved()


def test_seeding_again_changes_nothing(seeded):
    before = _state()
    again = seed_cases(as_of=TODAY)
    assert _state() == before
    assert again.created == 0
    assert [c.pk for c in again.cases] == [c.pk for c in seeded.cases]
    assert again.summary() == (
        "Cases: 0 opened (6 in all), 2 referrals, 3 administrative actions, 3 documents."
    )


def test_it_skips_a_case_whose_alerts_the_population_lacks(population, reference_data):
    _loaded(population, rules=[code for code in RULES if code != "VISITOR_WORKING"])
    seeded = seed_cases(as_of=TODAY)
    assert seeded.notes == ["Skipped the visitor working case: the population has no alert for it."]
    assert len(seeded.cases) == 5
    assert not Referral.objects.filter(to_agency__code="DISNAKER-BTM").exists()
    assert Alert.objects.filter(status__in=OPEN_STATUSES).exists()


def test_it_needs_the_demo_logins(population, reference_data):
    load_directory(population.folder)
    detect(as_of=TODAY, kind=RunKind.FULL)
    seeded = seed_cases(as_of=TODAY)
    assert seeded.cases == [] and len(seeded.notes) == 1
    assert not Case.objects.exists()


def test_the_demo_command_seeds_the_cases_once(reference_data, settings, tmp_path):
    settings.DATA_DIR = tmp_path

    def run() -> str:
        out = io.StringIO()
        call_command("demo", "--no-serve", "--persons", "300", stdout=out)
        return out.getvalue()

    first = run()
    assert "Cases: 6 opened, 2 referrals, 3 administrative actions, 3 documents." in first
    cases = list(Case.objects.order_by("pk").values_list("number", "status"))
    second = run()
    assert "Cases: 0 opened (6 in all), 2 referrals" in second
    assert list(Case.objects.order_by("pk").values_list("number", "status")) == cases
    # The deported person's entry ban lasts two years from the population's day (today here).
    entry = WatchlistEntry.objects.get(source_key__startswith="TAK-")
    assert entry.valid_from == timezone.localdate()
    assert isinstance(entry.valid_until, date)
