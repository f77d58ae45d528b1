"""Opening a case: from real alerts (escalated, linked, subjects, playbook tasks, numbering), a
duplicate submission, by hand and from a review item."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from timpora.audit.models import AuditEvent
from timpora.cases.actions import common
from timpora.cases.actions.cases import open_case
from timpora.cases.choices import CaseOrigin, CaseStatus, CaseType, EventKind
from timpora.cases.models import Case, Series
from timpora.cases.playbooks import PLAYBOOKS, case_type_for
from timpora.detection.choices import AlertStatus
from timpora.detection.models import AlertEvent

pytestmark = pytest.mark.django_db


def test_a_case_opened_from_an_overstay_alert_escalates_and_links_it(cast, overstay_alert):
    assert case_type_for(overstay_alert) == CaseType.OVERSTAY
    opened = open_case(actor=cast.alice, case_type=CaseType.OVERSTAY, alerts=[overstay_alert])

    case = opened.case
    assert opened.created is True
    year = timezone.localdate().year
    assert case.number == f"0001/KASUS/IMI-BTM/{year}"
    assert (case.origin, case.status, case.owning_agency) == (
        CaseOrigin.ALERTS,
        CaseStatus.OPEN,
        cast.imigrasi,
    )
    assert case.title.endswith(": TAN WEI MING")  # the default title names the subject
    assert list(case.alerts.all()) == [overstay_alert]
    assert list(case.persons.all()) == [overstay_alert.person]
    assert case.first_alert_at == overstay_alert.first_detected_at
    overstay_alert.refresh_from_db()
    assert overstay_alert.status == AlertStatus.ESCALATED
    assert overstay_alert.handled_by == cast.alice
    assert AlertEvent.objects.filter(alert=overstay_alert, kind="ESCALATED").exists()
    # The playbook's tasks, in order, due from today.
    steps = PLAYBOOKS[CaseType.OVERSTAY]
    tasks = list(case.tasks.order_by("position"))
    assert [t.template for t in tasks] == [s.key for s in steps]
    assert tasks[0].due_on == timezone.localdate() + timedelta(days=steps[0].days)
    assert all(t.agency == cast.imigrasi and t.done_at is None for t in tasks)
    # Timeline and audit.
    assert list(case.events.values_list("kind", flat=True)) == [EventKind.OPENED]
    audit = AuditEvent.objects.get(verb="cases.opened")
    assert audit.subject_code == str(case.code)
    assert audit.changes["alerts"] == [str(overstay_alert.code)]


def test_numbers_run_per_agency_and_year(cast):
    year = timezone.localdate().year
    first = open_case(actor=cast.alice, case_type=CaseType.OTHER, title="One").case
    second = open_case(actor=cast.bob, case_type=CaseType.OTHER, title="Two").case
    other = open_case(actor=cast.charlie, case_type=CaseType.OTHER, title="Three").case
    assert first.number == f"0001/KASUS/IMI-BTM/{year}"
    assert second.number == f"0002/KASUS/IMI-BTM/{year}"
    assert other.number == f"0001/KASUS/DISNAKER-BTM/{year}"
    # A new year starts a new series.
    assert common.next_number(cast.imigrasi, "CASE", year + 1) == 1
    assert Series.objects.get(agency=cast.imigrasi, kind="CASE", year=year).last == 2


def test_submitting_the_same_alerts_again_returns_the_case_and_changes_nothing(
    cast, overstay_alert
):
    first = open_case(actor=cast.alice, case_type=CaseType.OVERSTAY, alerts=[overstay_alert])
    events = AuditEvent.objects.count()
    again = open_case(actor=cast.bob, case_type=CaseType.OVERSTAY, alerts=[overstay_alert])

    assert again.created is False
    assert again.case == first.case
    assert Case.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_an_alert_of_another_agency_cannot_be_put_in_a_case(cast, overstay_alert):
    # OVERSTAY alerts go to immigration only.
    with pytest.raises(common.NotAllowed):
        open_case(actor=cast.charlie, case_type=CaseType.OVERSTAY, alerts=[overstay_alert])
    assert not Case.objects.exists()
    overstay_alert.refresh_from_db()
    assert overstay_alert.status == AlertStatus.NEW


def test_a_dismissed_alert_cannot_be_put_in_a_case(cast, overstay_alert):
    from timpora.detection.actions import dismiss

    dismiss(overstay_alert, actor=cast.alice, reason="NOT_A_VIOLATION")
    with pytest.raises(common.NotAllowed):
        open_case(actor=cast.alice, case_type=CaseType.OVERSTAY, alerts=[overstay_alert])


def test_auditors_do_not_open_cases(cast):
    with pytest.raises(common.NotAllowed):
        open_case(actor=cast.erin, case_type=CaseType.OTHER, title="Look")


def test_a_case_by_hand_has_its_subjects_and_no_alerts(cast, world):
    from timpora.registry.models import Person

    world.arrive(
        world.person("LEE MIN HO", nationality="KOR"), "2026-03-05 10:00", until="2026-04-03"
    )
    lee = Person.objects.get()
    case = open_case(
        actor=cast.alice,
        case_type=CaseType.VISITOR_WORKING,
        title="Tip from a site visit",
        persons=[lee],
        assignee=cast.alice,
    ).case
    assert (case.origin, case.first_alert_at, case.assignee) == (
        CaseOrigin.MANUAL,
        None,
        cast.alice,
    )
    assert list(case.persons.all()) == [lee]
    assert case.tasks.count() == len(PLAYBOOKS[CaseType.VISITOR_WORKING])
    with pytest.raises(Exception):  # noqa: B017 - a refusal of an empty manual case
        open_case(actor=cast.alice, case_type=CaseType.OTHER)


def test_a_case_from_a_review_item(cast, world):
    from timpora.matching.choices import ReviewKind, ReviewOrigin
    from timpora.matching.models import ReviewItem
    from timpora.registry.models import Person

    world.arrive(
        world.person("ZHANG WEI", nationality="CHN"), "2026-03-02 10:00", until="2026-04-01"
    )
    world.arrive(
        world.person("ZHANG WEI", nationality="CHN", passport="EK1112223"), "2026-03-03 10:00"
    )
    first, second = Person.objects.order_by("pk")
    item = ReviewItem.objects.create(
        kind=ReviewKind.SAME,
        origin=ReviewOrigin.RESOLVE,
        agency=cast.imigrasi,
        person=first,
        other_person=second,
        score=0.9,
        algorithm="test",
    )
    opened = open_case(actor=cast.alice, case_type=CaseType.IDENTITY_CONFLICT, review_item=item)
    case = opened.case
    assert case.origin == CaseOrigin.REVIEW
    assert case.first_alert_at == item.created_at
    assert set(case.persons.all()) == {first, second}
    again = open_case(actor=cast.alice, case_type=CaseType.IDENTITY_CONFLICT, review_item=item)
    assert (again.case, again.created) == (case, False)
    # Disnaker is not responsible for the item.
    with pytest.raises(common.NotAllowed):
        open_case(actor=cast.charlie, case_type=CaseType.IDENTITY_CONFLICT, review_item=item)


@pytest.mark.parametrize(
    ("rule", "subject_type", "expected"),
    [
        ("OVERSTAY", "PERSON", CaseType.OVERSTAY),
        ("VISITOR_WORKING", "PERSON", CaseType.VISITOR_WORKING),
        ("WORK_MISMATCH", "PERSON", CaseType.OUTSIDE_RPTKA),
        ("UNREPORTED_STAY", "PERSON", CaseType.UNREPORTED_STAY),
        ("LATE_REPORT", "PLACE", CaseType.NON_REPORTING_LODGING),
        ("WATCHLIST_HIT", "PERSON", CaseType.WATCHLIST_HIT),
        ("DOCUMENT_CONFLICT", "PERSON", CaseType.IDENTITY_CONFLICT),
        ("ADDRESS_CLUSTER", "PLACE", CaseType.OTHER),
        ("SPONSOR_ANOMALY", "COMPANY", CaseType.OTHER),
    ],
)
def test_the_rule_of_an_alert_suggests_the_case_type(rule, subject_type, expected):
    from timpora.detection.models import Alert

    assert case_type_for(Alert(rule=rule, subject_type=subject_type)) == expected


def test_every_case_type_but_other_has_a_playbook_of_unique_steps():
    for case_type in CaseType.values:
        steps = PLAYBOOKS[case_type]
        assert bool(steps) == (case_type != CaseType.OTHER), case_type
        assert len({s.key for s in steps}) == len(steps)
        assert [s.days for s in steps] == sorted(s.days for s in steps)
