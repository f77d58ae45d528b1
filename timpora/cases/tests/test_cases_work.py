"""Working on a case: status steps and refusals, assignment, priority, notes, attachments,
tasks and what is overdue, closing (resolving the alerts) and reopening. Every step audited."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from timpora.audit.choices import Verb
from timpora.audit.models import AuditEvent
from timpora.cases.actions import cases as actions
from timpora.cases.actions.common import NotAllowed
from timpora.cases.choices import (
    ActionKind,
    AttachmentKind,
    CaseStatus,
    EventKind,
    Outcome,
    Priority,
)
from timpora.cases.models import AdministrativeAction, Attachment, private_storage
from timpora.detection.choices import AlertStatus
from timpora.detection.models import AlertEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def _verbs(case) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_code=str(case.code))
        .order_by("seq")
        .values_list("verb", flat=True)
    )


# --- Status, assignee, priority -----------------------------------------------------------------


def test_status_steps_follow_the_case_steps(cast, overstay_case):
    case = actions.change_status(overstay_case, CaseStatus.INVESTIGATING, actor=cast.alice)
    assert case.status == CaseStatus.INVESTIGATING
    with pytest.raises(NotAllowed):
        actions.change_status(case, CaseStatus.OPEN, actor=cast.alice)
    with pytest.raises(NotAllowed):  # closing needs an outcome: close_case
        actions.change_status(case, CaseStatus.CLOSED, actor=cast.alice)
    case = actions.change_status(case, CaseStatus.ACTION_PENDING, actor=cast.bob, note="BAP done")
    event = case.events.filter(kind=EventKind.STATUS).last()
    assert (event.data, event.text, event.actor) == (
        {"from": CaseStatus.INVESTIGATING, "to": CaseStatus.ACTION_PENDING},
        "BAP done",
        cast.bob,
    )
    assert _verbs(case).count("cases.changed") == 2


def test_only_the_owning_agency_works_on_a_case(cast, overstay_case):
    for step in (
        lambda u: actions.change_status(overstay_case, CaseStatus.INVESTIGATING, actor=u),
        lambda u: actions.set_priority(overstay_case, Priority.HIGH, actor=u),
        lambda u: actions.add_note(overstay_case, "hello", actor=u),
        lambda u: actions.add_task(overstay_case, "Check", actor=u),
        lambda u: actions.close_case(overstay_case, actor=u, outcome=Outcome.COMPLIED),
    ):
        for user in (cast.charlie, cast.erin):  # another agency; an auditor
            with pytest.raises(NotAllowed):
                step(user)
    overstay_case.refresh_from_db()
    assert overstay_case.status == CaseStatus.OPEN
    assert not overstay_case.events.filter(kind=EventKind.NOTE).exists()


def test_assignment_goes_to_an_officer_of_the_owning_agency(cast, overstay_case):
    case = actions.assign(overstay_case, cast.alice, actor=cast.bob)
    assert case.assignee == cast.alice
    with pytest.raises(ValidationError):
        actions.assign(case, cast.charlie, actor=cast.bob)
    with pytest.raises(ValidationError):
        actions.assign(case, cast.erin, actor=cast.bob)
    case = actions.set_priority(case, Priority.URGENT, actor=cast.alice)
    assert case.priority == Priority.URGENT
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.ASSIGNED, EventKind.PRIORITY]
    audit = AuditEvent.objects.filter(verb="cases.changed", subject_code=str(case.code))
    assert {"assignee": ["", "alice"]} in [a.changes for a in audit]


# --- Notes and attachments ----------------------------------------------------------------------


def test_a_note_is_on_the_timeline_and_audited(cast, overstay_case):
    event = actions.add_note(overstay_case, "  Called the sponsor.  ", actor=cast.alice)
    assert (event.kind, event.text, event.agency) == (
        EventKind.NOTE,
        "Called the sponsor.",
        cast.imigrasi,
    )
    assert "cases.note_added" in _verbs(overstay_case)
    with pytest.raises(ValidationError):
        actions.add_note(overstay_case, "  ", actor=cast.alice)


def test_a_pdf_and_a_photo_are_kept_privately_and_once(cast, overstay_case, settings):
    upload = SimpleUploadedFile("../../etc/Paspor TAN.pdf", PDF, content_type="text/plain")
    pdf = actions.add_attachment(overstay_case, upload, actor=cast.alice, description="Passport")

    assert (pdf.kind, pdf.content_type, pdf.size) == (
        AttachmentKind.DOCUMENT,
        "application/pdf",
        len(PDF),
    )
    assert pdf.name == "Paspor_TAN.pdf"
    assert "Paspor" not in pdf.file.name and pdf.file.name.endswith(".pdf")
    stored = private_storage().path(pdf.file.name)
    assert stored.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert Path(stored).read_bytes() == PDF
    assert pdf.sha256 == hashlib.sha256(PDF).hexdigest()

    again = actions.add_attachment(
        overstay_case, SimpleUploadedFile("copy.pdf", PDF), actor=cast.bob
    )
    assert again == pdf
    assert Attachment.objects.count() == 1

    photo = actions.add_attachment(
        overstay_case, SimpleUploadedFile("foto.jpg", _png()), actor=cast.alice
    )
    assert (photo.kind, photo.content_type, photo.name) == (
        AttachmentKind.PHOTO,
        "image/png",
        "foto.png",
    )
    assert [e.kind for e in overstay_case.events.filter(kind=EventKind.ATTACHMENT)] == [
        EventKind.ATTACHMENT
    ] * 2
    assert AuditEvent.objects.filter(verb="cases.attachment_added").count() == 2

    actions.record_download(photo, actor=cast.bob)
    download = AuditEvent.objects.get(verb="cases.attachment_downloaded")
    assert (download.subject_code, download.purpose) == (str(photo.code), "INVESTIGATION")
    with pytest.raises(NotAllowed):  # disnaker does not see the case
        actions.record_download(photo, actor=cast.charlie)


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 an executable named like a pdf",
        b"<html><script>alert(1)</script></html>",
        b"\x89PNG\r\n\x1a\n but not an image at all",
        b"\xff\xd8\xff\xe0 a broken jpeg",
    ],
)
def test_other_content_is_refused_whatever_its_name(cast, overstay_case, content):
    with pytest.raises(ValidationError) as refused:
        actions.add_attachment(
            overstay_case, SimpleUploadedFile("scan.pdf", content), actor=cast.alice
        )
    assert refused.value.messages
    assert not Attachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(cast, overstay_case, settings):
    settings.MAX_ATTACHMENT_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError, match="1 MB"):
        actions.add_attachment(overstay_case, SimpleUploadedFile("big.pdf", big), actor=cast.alice)
    assert not Attachment.objects.exists()


# --- Tasks ---------------------------------------------------------------------------------------


def test_tasks_are_added_completed_reopened_and_overdue_is_known(cast, overstay_case):
    yesterday = timezone.localdate() - timedelta(days=1)
    task = actions.add_task(
        overstay_case, "Ask the sponsor", actor=cast.bob, due_on=yesterday, assignee=cast.alice
    )
    assert task.is_overdue
    assert task.position == overstay_case.tasks.count()
    with pytest.raises(ValidationError):  # a disnaker officer for an immigration task
        actions.add_task(overstay_case, "x", actor=cast.bob, assignee=cast.charlie)
    with pytest.raises(ValidationError):  # an agency the case is not sent to
        actions.add_task(overstay_case, "x", actor=cast.bob, agency=cast.disnaker)

    task = actions.complete_task(task, actor=cast.alice, note="Sponsor called back")
    assert task.done_by == cast.alice and not task.is_overdue
    with pytest.raises(NotAllowed):
        actions.complete_task(task, actor=cast.alice)
    with pytest.raises(NotAllowed):
        actions.complete_task(task, actor=cast.charlie)
    task = actions.reopen_task(task, actor=cast.alice)
    assert task.done_at is None and task.is_overdue
    kinds = list(overstay_case.events.values_list("kind", flat=True))
    assert kinds[-3:] == [EventKind.TASK_ADDED, EventKind.TASK_DONE, EventKind.TASK_REOPENED]
    verbs = list(
        AuditEvent.objects.filter(subject_code=str(task.code))
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs == ["cases.task_added", "cases.task_changed", "cases.task_changed"]


# --- Closing ------------------------------------------------------------------------------------


def test_closing_resolves_the_alerts_behind_the_case(cast, overstay_case, overstay_alert):
    case = actions.close_case(
        overstay_case, actor=cast.alice, outcome=Outcome.COMPLIED, note="Paid and left"
    )
    assert (case.status, case.outcome, case.closed_by) == (
        CaseStatus.CLOSED,
        Outcome.COMPLIED,
        cast.alice,
    )
    overstay_alert.refresh_from_db()
    assert overstay_alert.status == AlertStatus.RESOLVED
    assert overstay_alert.closed_at is not None
    assert AlertEvent.objects.filter(alert=overstay_alert, kind="RESOLVED").exists()
    assert AuditEvent.objects.filter(
        verb=Verb.ALERT_RESOLVED, subject_code=str(overstay_alert.code)
    ).exists()
    assert "cases.closed" in _verbs(case)
    assert case.events.last().kind == EventKind.CLOSED
    # Closed: no more work, until reopened with a reason.
    with pytest.raises(NotAllowed):
        actions.add_note(case, "late", actor=cast.alice)
    with pytest.raises(NotAllowed):
        actions.close_case(case, actor=cast.alice, outcome=Outcome.COMPLIED)
    with pytest.raises(ValidationError):
        actions.reopen_case(case, actor=cast.alice, note=" ")
    case = actions.reopen_case(case, actor=cast.alice, note="He came back")
    assert (case.status, case.outcome, case.closed_at) == (CaseStatus.INVESTIGATING, "", None)
    assert "cases.reopened" in _verbs(case)


def test_closing_is_refused_while_an_action_is_pending(cast, overstay_case, overstay_alert):
    action = AdministrativeAction.objects.create(
        case=overstay_case,
        kind=ActionKind.DEPORTATION,
        person=overstay_alert.person,
        agency=cast.imigrasi,
        grounds="Overstay of 21 days",
        legal_basis="UU 6/2011 Pasal 75",
        proposed_by=cast.alice,
    )
    with pytest.raises(NotAllowed):
        actions.close_case(overstay_case, actor=cast.alice, outcome=Outcome.ACTION_TAKEN)
    overstay_alert.refresh_from_db()
    assert overstay_alert.status == AlertStatus.ESCALATED
    AdministrativeAction.objects.filter(pk=action.pk).update(status="CANCELLED")
    case = actions.close_case(overstay_case, actor=cast.alice, outcome=Outcome.NO_VIOLATION)
    assert case.is_closed


def test_an_other_outcome_needs_a_note(cast, overstay_case):
    with pytest.raises(ValidationError):
        actions.close_case(overstay_case, actor=cast.alice, outcome=Outcome.OTHER)
    with pytest.raises(ValidationError):
        actions.close_case(overstay_case, actor=cast.alice, outcome="NOPE")


def test_linking_more_alerts_moves_the_first_alert_time(cast, world, overstay_case):
    lee = world.person("LEE MIN HO", nationality="KOR", date_of_birth="1985-02-03")
    world.arrive(lee, "2026-03-05 10:00", until="2026-04-03")
    world.detect("2026-04-21", "OVERSTAY")
    [second] = [a for a in world.alerts("OVERSTAY") if a.person.full_name == "LEE MIN HO"]
    earlier = overstay_case.first_alert_at - timedelta(days=3)
    type(second).objects.filter(pk=second.pk).update(first_detected_at=earlier)
    second.refresh_from_db()

    assert actions.link_alerts(overstay_case, [second], actor=cast.alice) == 1
    assert actions.link_alerts(overstay_case, [second], actor=cast.alice) == 0
    overstay_case.refresh_from_db()
    assert overstay_case.first_alert_at == earlier
    assert overstay_case.persons.count() == 2
    second.refresh_from_db()
    assert second.status == AlertStatus.ESCALATED
