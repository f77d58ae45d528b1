"""The case pages: the list with its filters and order, one case with its subjects, alerts,
tasks, notes and timeline, and the owner's steps; scoped (another agency gets 404 on the page and
on every write), audited, and read-only for auditors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from timpora.audit.choices import Purpose, Verb
from timpora.audit.models import AuditEvent
from timpora.cases import views
from timpora.cases.actions import cases as act
from timpora.cases.choices import CaseStatus, CaseType, EventKind, Outcome, Priority
from timpora.cases.models import Case
from timpora.detection.choices import AlertStatus

pytestmark = pytest.mark.django_db


def page(case: Case) -> str:
    return reverse("cases:case", args=[case.code])


def step(case: Case, name: str) -> str:
    return reverse("cases:step", args=[case.code, name])


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, follow=True)


# --- One case ----------------------------------------------------------------------------------


def test_it_shows_the_case_to_its_owner_with_subjects_alert_tasks_and_timeline(
    cast, overstay_case, overstay_alert
):
    response = cast.client_for(cast.alice).get(page(overstay_case))

    assert response.status_code == 200
    body = response.content.decode()
    assert overstay_case.number in body and "Overstay TAN WEI MING" in body
    assert reverse("registry:person_detail", args=[overstay_alert.person.code]) in body
    assert reverse("detection:alert", args=[overstay_alert.code]) in body
    assert overstay_alert.explanation() in body
    first_task = overstay_case.tasks.order_by("position").first()
    assert first_task is not None and first_task.title in body
    assert response.context["is_owner"] and response.context["is_participant"]
    assert {"status", "assign", "priority", "task", "note", "attachment", "close"} <= set(
        response.context["steps"]
    )
    for key in ("events", "tasks", "attachments", "referrals", "actions", "deadlines", "documents"):
        assert key in response.context


def test_it_audits_each_look_at_a_case_with_the_purpose_of_investigation(cast, overstay_case):
    cast.client_for(cast.alice).get(page(overstay_case))

    event = AuditEvent.objects.filter(verb=Verb.CASE_VIEWED).latest("seq")
    assert event.subject_code == str(overstay_case.code)
    assert event.purpose == Purpose.INVESTIGATION
    assert event.actor == cast.alice


def test_it_shows_the_times_from_alert_to_case_in_words(cast, overstay_case):
    Case.objects.filter(pk=overstay_case.pk).update(
        first_alert_at=overstay_case.created_at - timedelta(days=3, hours=5)
    )

    response = cast.client_for(cast.alice).get(page(overstay_case))

    times = dict(response.context["times"])
    assert str(times[views.TIMES[0][1]]) in (
        "3 days 5 hours",
        "3 hari 5 jam",
    )


@pytest.mark.parametrize("who", ["charlie", "gita"])
def test_an_officer_of_another_agency_gets_404_on_the_case_page(cast, overstay_case, who):
    response = cast.client_for(getattr(cast, who)).get(page(overstay_case))

    assert response.status_code == 404


WRITES: dict[str, dict[str, str]] = {
    "status": {"status-status": CaseStatus.INVESTIGATING, "status-note": "x"},
    "assign": {"assign-assignee": "alice"},
    "priority": {"priority-priority": Priority.HIGH},
    "task": {"task-title": "Call the sponsor"},
    "note": {"note-text": "Seen at the harbour"},
    "attachment": {"attachment-description": "x"},
    "close": {"close-outcome": Outcome.COMPLIED, "close-note": "left"},
    "reopen": {"reopen-note": "again"},
}


@pytest.mark.parametrize("name", sorted(WRITES))
@pytest.mark.parametrize("who", ["charlie", "gita"])
def test_an_officer_of_another_agency_gets_404_on_every_write(cast, overstay_case, name, who):
    before = overstay_case.events.count()

    response = cast.client_for(getattr(cast, who)).post(step(overstay_case, name), WRITES[name])

    assert response.status_code == 404
    assert overstay_case.events.count() == before


@pytest.mark.parametrize("task_step", ["done", "reopen"])
def test_an_officer_of_another_agency_gets_404_on_a_task(cast, overstay_case, task_step):
    task = overstay_case.tasks.first()
    url = reverse("cases:task_step", args=[overstay_case.code, task.code, task_step])

    response = cast.client_for(cast.charlie).post(url)

    assert response.status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


def test_writes_are_post_only(cast, overstay_case):
    response = cast.client_for(cast.alice).get(step(overstay_case, "note"))

    assert response.status_code == 405


def test_an_auditor_sees_the_case_but_is_offered_no_step_and_is_refused_a_write(
    cast, overstay_case
):
    client = cast.client_for(cast.erin)

    response = client.get(page(overstay_case))
    assert response.status_code == 200
    assert response.context["steps"] == {}
    assert not response.context["is_owner"] and not response.context["is_participant"]

    before = overstay_case.events.count()
    response = follow(client, step(overstay_case, "note"), {"note-text": "An auditor's view"})
    assert response.status_code == 200
    assert messages_of(response)
    assert overstay_case.events.count() == before


# --- The owner's steps -------------------------------------------------------------------------


def test_the_owner_moves_the_case_to_investigating_with_a_note(cast, overstay_case):
    response = follow(
        cast.client_for(cast.alice),
        step(overstay_case, "status"),
        {"status-status": CaseStatus.INVESTIGATING, "status-note": "Checking the hotel"},
    )

    overstay_case.refresh_from_db()
    assert overstay_case.status == CaseStatus.INVESTIGATING
    assert response.redirect_chain[-1][0].startswith(page(overstay_case))
    assert overstay_case.events.filter(kind=EventKind.STATUS).exists()


def test_the_owner_assigns_the_case_and_sets_its_priority(cast, overstay_case):
    client = cast.client_for(cast.alice)

    follow(client, step(overstay_case, "assign"), {"assign-assignee": "bob"})
    follow(client, step(overstay_case, "priority"), {"priority-priority": Priority.URGENT})

    overstay_case.refresh_from_db()
    assert overstay_case.assignee == cast.bob
    assert overstay_case.priority == Priority.URGENT


def test_the_owner_cannot_assign_an_officer_of_another_agency(cast, overstay_case):
    response = follow(
        cast.client_for(cast.alice), step(overstay_case, "assign"), {"assign-assignee": "charlie"}
    )

    assert response.status_code == 200
    assert response.context["steps"]["assign"].errors
    overstay_case.refresh_from_db()
    assert overstay_case.assignee is None


def test_the_owner_adds_a_note_that_shows_on_the_page(cast, overstay_case):
    client = cast.client_for(cast.alice)

    follow(client, step(overstay_case, "note"), {"note-text": "Seen at Harbour Bay"})
    response = client.get(page(overstay_case))

    assert "Seen at Harbour Bay" in response.content.decode()
    assert overstay_case.events.filter(kind=EventKind.NOTE, text="Seen at Harbour Bay").exists()


def test_the_owner_adds_a_task_marks_it_done_and_reopens_it(cast, overstay_case):
    client = cast.client_for(cast.alice)
    follow(
        client,
        step(overstay_case, "task"),
        {"task-title": "Call the sponsor", "task-due_on": "01-05-2026", "task-assignee": "alice"},
    )
    task = overstay_case.tasks.get(title="Call the sponsor")
    assert task.assignee == cast.alice and task.due_on.isoformat() == "2026-05-01"

    done = reverse("cases:task_step", args=[overstay_case.code, task.code, "done"])
    follow(client, done, {"note": "Called"})
    task.refresh_from_db()
    assert task.done_at is not None and task.note == "Called"

    reopen = reverse("cases:task_step", args=[overstay_case.code, task.code, "reopen"])
    follow(client, reopen, {})
    task.refresh_from_db()
    assert task.done_at is None


def test_a_task_overdue_is_marked_in_words(cast, overstay_case):
    act.add_task(
        overstay_case,
        "Late task",
        actor=cast.alice,
        due_on=timezone.localdate() - timedelta(days=2),
    )

    response = cast.client_for(cast.alice).get(page(overstay_case))

    body = response.content.decode()
    row = body[body.index("Late task") :]
    assert "overdue-mark" in row[: row.index("</tr>")]


def test_closing_needs_an_outcome_and_the_form_comes_back_with_the_error(cast, overstay_case):
    response = cast.client_for(cast.alice).post(step(overstay_case, "close"), {"close-note": "x"})

    assert response.status_code == 200
    assert response.context["steps"]["close"].errors["outcome"]
    overstay_case.refresh_from_db()
    assert overstay_case.status == CaseStatus.OPEN


def test_the_owner_closes_the_case_which_resolves_its_alert_and_reopens_it(
    cast, overstay_case, overstay_alert
):
    client = cast.client_for(cast.alice)

    follow(
        client,
        step(overstay_case, "close"),
        {"close-outcome": Outcome.COMPLIED, "close-note": "Paid and left"},
    )
    overstay_case.refresh_from_db()
    overstay_alert.refresh_from_db()
    assert overstay_case.status == CaseStatus.CLOSED and overstay_case.outcome == Outcome.COMPLIED
    assert overstay_alert.status == AlertStatus.RESOLVED
    response = client.get(page(overstay_case))
    assert set(response.context["steps"]) == {"reopen"}

    follow(client, step(overstay_case, "reopen"), {"reopen-note": "He came back"})
    overstay_case.refresh_from_db()
    assert overstay_case.status == CaseStatus.INVESTIGATING


def test_a_refused_step_is_a_message_not_an_error_page(cast, overstay_case):
    act.close_case(overstay_case, actor=cast.alice, outcome=Outcome.NO_VIOLATION)
    overstay_case.refresh_from_db()

    response = follow(
        cast.client_for(cast.alice), step(overstay_case, "note"), {"note-text": "Too late"}
    )

    assert response.status_code == 200
    assert messages_of(response)
    assert not overstay_case.events.filter(kind=EventKind.NOTE).exists()


def test_an_unknown_step_is_not_found(cast, overstay_case):
    response = cast.client_for(cast.alice).post(f"{page(overstay_case)}explode/")

    assert response.status_code == 404


# --- The list ----------------------------------------------------------------------------------


def listed(response: Any) -> list[str]:
    return [case.number for case in response.context["page"]]


def test_the_list_shows_open_cases_urgent_first_then_newest_and_audits_the_listing(cast, open_case):
    low = open_case(title="Low one", priority=Priority.LOW, persons=[])
    urgent = open_case(title="Urgent one", priority=Priority.URGENT)
    normal = open_case(title="Normal one")
    closed = open_case(title="Closed one", priority=Priority.URGENT)
    act.close_case(closed, actor=cast.alice, outcome=Outcome.NO_VIOLATION)

    client = cast.client_for(cast.alice)
    response = client.get(reverse("cases:list"))

    assert response.status_code == 200
    assert listed(response) == [urgent.number, normal.number, low.number]
    event = AuditEvent.objects.filter(verb=Verb.CASES_LISTED).latest("seq")
    assert event.purpose == Purpose.SUPERVISION
    assert event.changes["cases"] == listed(response)

    everything = client.get(reverse("cases:list"), {"status": "ALL"})
    assert listed(everything) == [urgent.number, normal.number, low.number, closed.number]


def test_the_list_filters_by_type_assignee_and_overdue_tasks(cast, open_case):
    mine = open_case(title="Mine", case_type=CaseType.UNREPORTED_STAY, assignee=cast.alice)
    other = open_case(title="Other")
    act.add_task(other, "Late", actor=cast.alice, due_on=timezone.localdate() - timedelta(days=1))
    client = cast.client_for(cast.alice)

    assert listed(client.get(reverse("cases:list"), {"mine": "on"})) == [mine.number]
    assert listed(client.get(reverse("cases:list"), {"overdue": "on"})) == [other.number]
    by_type = client.get(reverse("cases:list"), {"case_type": CaseType.UNREPORTED_STAY})
    assert listed(by_type) == [mine.number]


def test_the_list_of_another_agency_does_not_show_the_case(cast, overstay_case):
    response = cast.client_for(cast.charlie).get(reverse("cases:list"))

    assert response.status_code == 200
    assert overstay_case.number not in response.content.decode()


def test_the_list_answers_htmx_with_the_results_only(cast, overstay_case):
    response = cast.client_for(cast.alice).get(reverse("cases:list"), HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert body.lstrip().startswith('<section id="results"')
    assert overstay_case.number in body


# --- Opening by hand ----------------------------------------------------------------------------


def test_an_officer_opens_a_case_by_hand_naming_the_person_by_passport(cast, overstay_alert):
    response = follow(
        cast.client_for(cast.alice),
        reverse("cases:new"),
        {
            "case_type": CaseType.OTHER,
            "title": "Tip from the harbour master",
            "priority": Priority.HIGH,
            "summary": "Seen working on a boat",
            "persons": "k1234567a",
        },
    )

    case = Case.objects.get(title="Tip from the harbour master")
    assert response.redirect_chain[-1][0] == page(case)
    assert list(case.persons.all()) == [overstay_alert.person]
    assert case.priority == Priority.HIGH and case.owning_agency == cast.imigrasi


def test_opening_by_hand_refuses_a_passport_nobody_visible_holds(cast):
    response = cast.client_for(cast.alice).post(
        reverse("cases:new"),
        {
            "case_type": CaseType.OTHER,
            "title": "x",
            "priority": Priority.NORMAL,
            "persons": "NOPE000",
        },
    )

    assert response.status_code == 200
    assert "NOPE000" in " ".join(response.context["form"].errors["persons"])
    assert not Case.objects.exists()


def test_an_auditor_is_not_offered_the_form_to_open_a_case(cast):
    response = cast.client_for(cast.erin).get(reverse("cases:new"))

    assert response.status_code == 200
    assert not response.context["may_open"]
    assert 'name="title"' not in response.content.decode()


def test_the_list_reads_a_fixed_number_of_queries_whatever_its_length(cast, open_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = cast.client_for(cast.alice)
    open_case(title="One")
    client.get(reverse("cases:list"))  # warm the session and the access profile
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:list"))
    for n in range(5):
        open_case(title=f"More {n}", assignee=cast.bob)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("cases:list"))

    assert len(listed(response)) == 6
    assert len(many.captured_queries) == len(few.captured_queries)
