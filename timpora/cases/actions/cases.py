"""Every write on a case: opening it (from alerts, a review item or by hand), its status,
assignee and priority, notes, attachments, tasks, closing and reopening.

Each action is atomic, appends a line to the case's timeline and an audit event.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from timpora.accounts.choices import Role
from timpora.accounts.models import Agency, User
from timpora.audit import log
from timpora.audit.choices import Purpose, Verb
from timpora.cases import playbooks
from timpora.cases.actions import common, referrals
from timpora.cases.actions.common import NotAllowed
from timpora.cases.choices import (
    CASE_STEPS,
    REFERRAL_SHARING,
    ActionStatus,
    AttachmentKind,
    CaseOrigin,
    CaseStatus,
    CaseType,
    EventKind,
    Outcome,
    Priority,
)
from timpora.cases.models import Attachment, Case, CaseEvent, Task
from timpora.detection import actions as detection
from timpora.detection.choices import OPEN_STATUSES, AlertStatus
from timpora.detection.models import Alert

# The series of case numbers: 0001/KASUS/IMI-BTM/2026.
CASE_SERIES = "CASE"
CASE_ABBREVIATION = "KASUS"


@dataclass
class Opened:
    """The case, and whether this call opened it (False: an open case already held the alerts
    or the review item, and nothing changed)."""

    case: Case
    created: bool


def case_number(agency: Agency, sequence: int, year: int) -> str:
    return f"{sequence:04d}/{CASE_ABBREVIATION}/{agency.code}/{year}"


def _codes(rows: Iterable[Any]) -> list[str]:
    return [str(row.code) for row in rows]


def _require_worker(user: User, agency_id: int | None) -> None:
    """``user`` works in ``agency_id``: active, of that agency, not an auditor."""
    if (
        user is None
        or not user.is_active
        or user.agency_id != agency_id
        or user.role == Role.AUDITOR
    ):
        raise ValidationError(_("Choose an officer of the agency that does the work."))


def _alerts_for(actor: User, alerts: Iterable[Alert]) -> list[Alert]:
    """The given alerts, locked, each visible to the actor and open; or a refusal."""
    pks = sorted({alert.pk for alert in alerts})
    if not pks:
        return []
    visible = set(Alert.objects.visible_to(actor).filter(pk__in=pks).values_list("pk", flat=True))
    if visible != set(pks):
        raise NotAllowed(_("An alert is not routed to your agency."))
    locked = list(Alert.objects.select_for_update(no_key=True).filter(pk__in=pks).order_by("pk"))
    closed = [a for a in locked if a.status not in OPEN_STATUSES]
    if closed:
        raise NotAllowed(
            _("Alert %(code)s is %(status)s: only open alerts go into a case.")
            % {"code": closed[0].code, "status": closed[0].get_status_display().lower()}
        )
    return locked


def _open_cases_of(alerts: Sequence[Alert]) -> dict[int, set[int]]:
    """Alert id → the ids of the open cases that hold it."""
    held: dict[int, set[int]] = {}
    rows = Case.alerts.through.objects.filter(
        alert_id__in=[a.pk for a in alerts], case__in=Case.objects.open().values("pk")
    ).values_list("alert_id", "case_id")
    for alert_id, case_id in rows:
        held.setdefault(alert_id, set()).add(case_id)
    return held


def _escalate_and_link(case: Case, alerts: Sequence[Alert], actor: User) -> None:
    note = str(_("Case %(number)s") % {"number": case.number})
    for alert in alerts:
        if alert.status in (AlertStatus.NEW, AlertStatus.ACKNOWLEDGED):
            detection.escalate(alert, actor=actor, note=note)
    case.alerts.add(*alerts)
    case.persons.add(*[a.person_id for a in alerts if a.person_id is not None])
    case.places.add(*[a.place_id for a in alerts if a.place_id is not None])
    case.companies.add(*[a.company_id for a in alerts if a.company_id is not None])


def _visible_subjects(actor: User, model: Any, rows: Iterable[Any]) -> list[Any]:
    rows = list(rows)
    pks = {row.pk for row in rows}
    if pks and model.objects.visible_to(actor).filter(pk__in=pks).count() != len(pks):
        raise NotAllowed(_("A subject of the case is not one your agency may see."))
    return rows


def _default_title(case_type: str, alerts: Sequence[Alert], persons: Sequence[Any]) -> str:
    label = str(CaseType(case_type).label)
    subject = next(
        (str(a.subject) for a in alerts if getattr(a, "subject", None) is not None),
        None,
    )
    if subject is None and persons:
        subject = str(persons[0])
    return f"{label}: {subject}"[:200] if subject else label


def _create_tasks(case: Case, actor: User, opened_on: date) -> list[Task]:
    # Tasks are written in the team's language (Bahasa Indonesia), whoever opens the case.
    with translation.override(settings.LANGUAGE_CODE):
        tasks = [
            Task(
                case=case,
                title=str(step.title),
                template=step.key,
                agency_id=case.owning_agency_id,
                due_on=step.due_on(opened_on),
                position=position,
                created_by=actor,
            )
            for position, step in enumerate(playbooks.steps_for(case.case_type), start=1)
        ]
    return Task.objects.bulk_create(tasks)


@transaction.atomic
def open_case(
    *,
    actor: User,
    case_type: str,
    title: str = "",
    alerts: Iterable[Alert] = (),
    review_item: Any = None,
    persons: Iterable[Any] = (),
    companies: Iterable[Any] = (),
    places: Iterable[Any] = (),
    priority: str = Priority.NORMAL,
    summary: str = "",
    assignee: User | None = None,
) -> Opened:
    """Open a case of the actor's agency from alerts, a review item, or by hand.

    The alerts are escalated and linked, and their subjects become the case's; the case's
    playbook gives its first tasks. Submitting again alerts that one open case already holds
    (or a review item it came from) returns that case and changes nothing.
    """
    from timpora.matching.models import ReviewItem
    from timpora.registry.models import Company, Person, Place

    common.require_can_open(actor)
    if case_type not in CaseType.values:
        raise ValidationError(_("Choose the type of the case."))
    if priority not in Priority.values:
        raise ValidationError(_("Choose a priority."))
    if assignee is not None:
        _require_worker(assignee, actor.agency_id)
    found = _alerts_for(actor, alerts)
    if found:
        held = _open_cases_of(found)
        holders = set().union(*held.values()) if held else set()
        if len(held) == len(found) and len(holders) == 1:
            [pk] = holders
            existing = Case.objects.visible_to(actor).filter(pk=pk).first()
            if existing is None:
                raise NotAllowed(_("These alerts are already in a case of another agency."))
            return Opened(existing, False)
        if held:
            number = Case.objects.filter(pk__in=holders).values_list("number", flat=True)[0]
            raise NotAllowed(
                _("An alert is already in case %(number)s: add the others to it.")
                % {"number": number}
            )
    if review_item is not None:
        if not ReviewItem.objects.visible_to(actor).filter(pk=review_item.pk).exists():
            raise NotAllowed(_("This review item is not your agency's."))
        existing = Case.objects.open().visible_to(actor).filter(review_item=review_item).first()
        if existing is not None and not found:
            return Opened(existing, False)
    persons = _visible_subjects(actor, Person, persons)
    companies = _visible_subjects(actor, Company, companies)
    places = _visible_subjects(actor, Place, places)
    review_persons = (
        [p for p in (review_item.person, review_item.other_person) if p is not None]
        if review_item is not None
        else []
    )
    title = title.strip() or _default_title(case_type, found, [*review_persons, *persons])
    bare = not found and review_item is None and not (persons or companies or places)
    if bare and title == str(CaseType(case_type).label):
        raise ValidationError(_("Give the case a title or a subject."))

    agency = Agency.objects.get(pk=actor.agency_id or 0)
    now = timezone.now()
    year = timezone.localdate(now).year
    sequence = common.next_number(agency, CASE_SERIES, year)
    origin = CaseOrigin.ALERTS if found else CaseOrigin.REVIEW if review_item else CaseOrigin.MANUAL
    first_alert_at = min((a.first_detected_at for a in found), default=None)
    if first_alert_at is None and review_item is not None:
        first_alert_at = review_item.created_at
    case = Case.objects.create(
        number=case_number(agency, sequence, year),
        title=title[:200],
        case_type=case_type,
        origin=origin,
        priority=priority,
        summary=summary.strip(),
        owning_agency=agency,
        assignee=assignee,
        opened_by=actor,
        review_item=review_item,
        first_alert_at=first_alert_at,
    )
    _escalate_and_link(case, found, actor)
    case.persons.add(*review_persons, *persons)
    case.companies.add(*companies)
    case.places.add(*places)
    tasks = _create_tasks(case, actor, timezone.localdate(now))
    details = {
        "origin": origin,
        "case_type": case_type,
        "alerts": _codes(found),
        "review_item": str(review_item.code) if review_item is not None else "",
        "tasks": len(tasks),
    }
    common.record_event(case, EventKind.OPENED, actor=actor, text=case.title, data=details)
    if assignee is not None:
        common.record_event(
            case, EventKind.ASSIGNED, actor=actor, data={"assignee": assignee.get_username()}
        )
    log.record(
        actor=actor,
        verb=Verb.CASE_OPENED,
        subject=case,
        changes={**details, "priority": priority, "assignee": _username(assignee)},
    )
    return Opened(case, True)


def _username(user: User | None) -> str:
    return user.get_username() if user is not None else ""


@transaction.atomic
def link_alerts(case: Case, alerts: Iterable[Alert], *, actor: User) -> int:
    """Add open alerts to an open case (escalating them); the number newly linked."""
    case = common.lock(case)
    common.require_owner(case, actor)
    common.require_open(case)
    found = _alerts_for(actor, alerts)
    held = _open_cases_of(found)
    elsewhere = [pk for pk, cases in held.items() if cases - {case.pk}]
    if elsewhere:
        raise NotAllowed(_("An alert is already in another open case."))
    new = [a for a in found if a.pk not in held]
    if not new:
        return 0
    _escalate_and_link(case, new, actor)
    earliest = min(a.first_detected_at for a in new)
    if case.first_alert_at is None or earliest < case.first_alert_at:
        case.first_alert_at = earliest
        case.save(update_fields=["first_alert_at", "updated_at"])
    codes = _codes(new)
    common.record_event(case, EventKind.ALERTS_LINKED, actor=actor, data={"alerts": codes})
    log.record(actor=actor, verb=Verb.CASE_CHANGED, subject=case, changes={"alerts": codes})
    return len(new)


@transaction.atomic
def change_status(case: Case, status: str, *, actor: User, note: str = "") -> Case:
    """One step of CASE_STEPS; closing has its own action (it needs an outcome)."""
    case = common.lock(case)
    common.require_owner(case, actor)
    common.require_open(case)
    if status not in CASE_STEPS.get(case.status, ()):
        raise NotAllowed(
            _("A case that is %(old)s cannot become %(new)s.")
            % {
                "old": case.get_status_display().lower(),
                "new": str(CaseStatus(status).label).lower()
                if status in CaseStatus.values
                else status,
            }
        )
    old = case.status
    case.status = status
    case.save(update_fields=["status", "updated_at"])
    common.record_event(
        case, EventKind.STATUS, actor=actor, text=note.strip(), data={"from": old, "to": status}
    )
    log.record(actor=actor, verb=Verb.CASE_CHANGED, subject=case, changes={"status": [old, status]})
    return case


@transaction.atomic
def assign(case: Case, assignee: User | None, *, actor: User) -> Case:
    """Give the case to an officer of its owning agency (``None``: to nobody)."""
    case = common.lock(case)
    common.require_owner(case, actor)
    common.require_open(case)
    if assignee is not None:
        _require_worker(assignee, case.owning_agency_id)
    old = case.assignee
    if old == assignee:
        return case
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    common.record_event(
        case, EventKind.ASSIGNED, actor=actor, data={"assignee": _username(assignee)}
    )
    log.record(
        actor=actor,
        verb=Verb.CASE_CHANGED,
        subject=case,
        changes={"assignee": [_username(old), _username(assignee)]},
    )
    return case


@transaction.atomic
def set_priority(case: Case, priority: str, *, actor: User) -> Case:
    case = common.lock(case)
    common.require_owner(case, actor)
    common.require_open(case)
    if priority not in Priority.values:
        raise ValidationError(_("Choose a priority."))
    old = case.priority
    if old == priority:
        return case
    case.priority = priority
    case.save(update_fields=["priority", "updated_at"])
    common.record_event(case, EventKind.PRIORITY, actor=actor, data={"from": old, "to": priority})
    log.record(
        actor=actor, verb=Verb.CASE_CHANGED, subject=case, changes={"priority": [old, priority]}
    )
    return case


@transaction.atomic
def add_note(case: Case, text: str, *, actor: User) -> CaseEvent:
    """A note on the timeline, by the owning agency or an agency a live referral involves."""
    case = common.lock(case)
    common.require_participant(case, actor)
    common.require_open(case)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the note."))
    event = common.record_event(case, EventKind.NOTE, actor=actor, text=text)
    log.record(actor=actor, verb=Verb.CASE_NOTE_ADDED, subject=case, changes={"length": len(text)})
    return event


# --- Attachments ------------------------------------------------------------------------------

#: Content sniffed from the first bytes: (extension, content type, kind).
_SIGNATURES: tuple[tuple[bytes, str, str, str], ...] = (
    (b"%PDF-", "pdf", "application/pdf", AttachmentKind.DOCUMENT),
    (b"\xff\xd8\xff", "jpg", "image/jpeg", AttachmentKind.PHOTO),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png", AttachmentKind.PHOTO),
)
_PILLOW_FORMAT = {"jpg": "JPEG", "png": "PNG"}


def _sniff(data: bytes) -> tuple[str, str, str]:
    """(extension, content type, kind) of a PDF, JPEG or PNG; a refusal for anything else."""
    found = next((row[1:] for row in _SIGNATURES if data.startswith(row[0])), None)
    if found is None:
        raise ValidationError(_("Attach a PDF document or a JPEG or PNG photo."))
    extension, content_type, kind = found
    if extension in _PILLOW_FORMAT:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                if image.format != _PILLOW_FORMAT[extension]:
                    raise ValidationError(_("The photo could not be read."))
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ValidationError(_("The photo could not be read.")) from exc
    return extension, content_type, kind


def _clean_name(name: str, extension: str) -> str:
    """The uploaded file's own name, without its folders and unsafe characters."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    cleaned = get_valid_filename(base) if base.strip("._ ") else ""
    stem = os.path.splitext(cleaned)[0][:150] or "lampiran"
    return f"{stem}.{extension}"


def _read(upload: Any, limit: int) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_big()
    if hasattr(upload, "seek"):
        upload.seek(0)
    if hasattr(upload, "chunks"):
        chunks, total = [], 0
        for chunk in upload.chunks():
            total += len(chunk)
            if total > limit:
                raise _too_big()
            chunks.append(chunk)
        return b"".join(chunks)
    data: bytes = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_big()
    return data


def _too_big() -> ValidationError:
    return ValidationError(
        _("The file is larger than %(mb)d MB.") % {"mb": settings.MAX_ATTACHMENT_MB}
    )


@transaction.atomic
def add_attachment(case: Case, upload: Any, *, actor: User, description: str = "") -> Attachment:
    """Keep a PDF, JPEG or PNG with the case (checked by content, not by name), in private
    storage under a random name. The same file twice on a case is the attachment already kept."""
    case = common.lock(case)
    common.require_participant(case, actor)
    common.require_open(case)
    data = _read(upload, settings.MAX_ATTACHMENT_MB * 1024 * 1024)
    if not data:
        raise ValidationError(_("The file is empty."))
    extension, content_type, kind = _sniff(data)
    digest = hashlib.sha256(data).hexdigest()
    existing = case.attachments.filter(sha256=digest).first()
    if existing is not None:
        return existing
    attachment = Attachment(
        case=case,
        kind=kind,
        name=_clean_name(getattr(upload, "name", "") or "", extension),
        content_type=content_type,
        size=len(data),
        sha256=digest,
        description=description.strip()[:300],
        uploaded_by=actor,
    )
    attachment.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    common.record_event(
        case,
        EventKind.ATTACHMENT,
        actor=actor,
        text=attachment.name,
        data={"attachment": str(attachment.code), "kind": kind, "size": len(data)},
    )
    log.record(
        actor=actor,
        verb=Verb.ATTACHMENT_ADDED,
        subject=attachment,
        changes={
            "case": case.number,
            "content_type": content_type,
            "size": len(data),
            "sha256": digest,
        },
    )
    return attachment


def record_download(attachment: Attachment, *, actor: User) -> None:
    """Audit that ``actor`` downloaded the attachment (the view checks who may see the case)."""
    common.require_visible(attachment.case, actor)
    log.record(
        actor=actor,
        verb=Verb.ATTACHMENT_DOWNLOADED,
        subject=attachment,
        purpose=Purpose.INVESTIGATION,
        changes={"case": attachment.case.number},
    )


# --- Tasks ------------------------------------------------------------------------------------


def _task_agencies(case: Case) -> set[int]:
    """The owning agency and the agencies a live referral shares the case with."""
    shared = case.referrals.filter(status__in=REFERRAL_SHARING).values_list(
        "to_agency_id", flat=True
    )
    return {case.owning_agency_id, *shared}


@transaction.atomic
def add_task(
    case: Case,
    title: str,
    *,
    actor: User,
    due_on: date | None = None,
    assignee: User | None = None,
    agency: Agency | None = None,
) -> Task:
    """A task of the owning agency, or of an agency the case is referred to."""
    case = common.lock(case)
    common.require_owner(case, actor)
    common.require_open(case)
    title = title.strip()
    if not title:
        raise ValidationError(_("Say what is to be done."))
    agency_id = agency.pk if agency is not None else case.owning_agency_id
    if agency_id not in _task_agencies(case):
        raise ValidationError(
            _("A task goes to the owning agency or an agency the case is sent to.")
        )
    if assignee is not None:
        _require_worker(assignee, agency_id)
    position = (
        case.tasks.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    task = Task.objects.create(
        case=case,
        title=title[:300],
        agency_id=agency_id,
        assignee=assignee,
        due_on=due_on,
        position=position,
        created_by=actor,
    )
    data = {
        "task": str(task.code),
        "due_on": due_on.isoformat() if due_on else "",
        "assignee": _username(assignee),
    }
    common.record_event(case, EventKind.TASK_ADDED, actor=actor, text=task.title, data=data)
    log.record(
        actor=actor, verb=Verb.TASK_ADDED, subject=task, changes={"case": case.number, **data}
    )
    return task


def _require_task_worker(task: Task, actor: User) -> None:
    common.require_agency(
        actor,
        task.agency_id,
        task.case.owning_agency_id,
        refusal=_("This task is not your agency's."),
    )


def _lock_task(task: Task) -> Task:
    """The task's case, then the task, both locked and read again."""
    case = common.lock(Case(pk=task.case_id))
    locked = Task.objects.select_for_update(no_key=True).get(pk=task.pk)
    locked.case = case
    return locked


@transaction.atomic
def complete_task(task: Task, *, actor: User, note: str = "") -> Task:
    task = _lock_task(task)
    _require_task_worker(task, actor)
    common.require_open(task.case)
    if task.done_at is not None:
        raise NotAllowed(_("The task is already done."))
    task.done_at, task.done_by = timezone.now(), actor
    task.note = note.strip()
    task.save(update_fields=["done_at", "done_by", "note", "updated_at"])
    common.record_event(
        task.case, EventKind.TASK_DONE, actor=actor, text=task.title, data={"task": str(task.code)}
    )
    log.record(
        actor=actor,
        verb=Verb.TASK_CHANGED,
        subject=task,
        changes={"case": task.case.number, "done": [False, True], "note": task.note},
    )
    return task


@transaction.atomic
def reopen_task(task: Task, *, actor: User) -> Task:
    task = _lock_task(task)
    _require_task_worker(task, actor)
    common.require_open(task.case)
    if task.done_at is None:
        raise NotAllowed(_("The task is not done."))
    task.done_at, task.done_by = None, None
    task.save(update_fields=["done_at", "done_by", "updated_at"])
    common.record_event(
        task.case,
        EventKind.TASK_REOPENED,
        actor=actor,
        text=task.title,
        data={"task": str(task.code)},
    )
    log.record(
        actor=actor,
        verb=Verb.TASK_CHANGED,
        subject=task,
        changes={"case": task.case.number, "done": [True, False]},
    )
    return task


# --- Closing ----------------------------------------------------------------------------------

PENDING_ACTIONS = (ActionStatus.PROPOSED, ActionStatus.APPROVED)


@transaction.atomic
def close_case(case: Case, *, actor: User, outcome: str, note: str = "") -> Case:
    """Close the case with its outcome, resolving the open alerts behind it.

    Refused while an administrative action is proposed or approved: it is executed or
    cancelled first.
    """
    case = common.lock(case)
    common.require_owner(case, actor)
    common.require_open(case)
    if outcome not in Outcome.values:
        raise ValidationError(_("Choose the outcome of the case."))
    note = note.strip()
    if outcome == Outcome.OTHER and not note:
        raise ValidationError(_("Say what the outcome was."))
    if case.actions.filter(status__in=PENDING_ACTIONS).exists():
        raise NotAllowed(
            _("An administrative action of this case is still pending: execute or cancel it first.")
        )
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(
            _("Case %(number)s closed: %(outcome)s.")
            % {"number": case.number, "outcome": Outcome(outcome).label}
        )
        withdrawn_reason = str(_("The case was closed."))
    resolved = detection.resolve_for_case(
        list(case.alerts.filter(status__in=OPEN_STATUSES)), actor=actor, note=reason[:300]
    )
    old = case.status
    now = timezone.now()
    case.status = CaseStatus.CLOSED
    case.outcome, case.outcome_note = outcome, note
    case.closed_at, case.closed_by = now, actor
    case.save(
        update_fields=["status", "outcome", "outcome_note", "closed_at", "closed_by", "updated_at"]
    )
    common.record_event(
        case,
        EventKind.CLOSED,
        actor=actor,
        text=note,
        data={"outcome": outcome, "alerts_resolved": resolved},
        at=now,
    )
    # Nobody will answer a referral of a closed case: those still waiting are withdrawn; the
    # accepted ones stay, their outcome may still be reported.
    withdrawn = referrals.withdraw_waiting(case, actor=actor, reason=withdrawn_reason)
    log.record(
        actor=actor,
        verb=Verb.CASE_CLOSED,
        subject=case,
        changes={
            "status": [old, CaseStatus.CLOSED],
            "outcome": outcome,
            "alerts": resolved,
            "referrals_withdrawn": [str(r.code) for r in withdrawn],
        },
    )
    return case


@transaction.atomic
def reopen_case(case: Case, *, actor: User, note: str) -> Case:
    """Work again on a closed case (it goes back to INVESTIGATING); the reason is required.

    The alerts resolved when it closed stay resolved; the times of the first decision and
    execution are kept.
    """
    case = common.lock(case)
    common.require_owner(case, actor)
    if not case.is_closed:
        raise NotAllowed(_("The case is not closed."))
    note = note.strip()
    if not note:
        raise ValidationError(_("Say why the case is reopened."))
    old_outcome = case.outcome
    case.status = CaseStatus.INVESTIGATING
    case.outcome, case.outcome_note = "", ""
    case.closed_at, case.closed_by = None, None
    case.save(
        update_fields=["status", "outcome", "outcome_note", "closed_at", "closed_by", "updated_at"]
    )
    common.record_event(
        case, EventKind.REOPENED, actor=actor, text=note, data={"outcome": old_outcome}
    )
    log.record(
        actor=actor,
        verb=Verb.CASE_REOPENED,
        subject=case,
        changes={"status": [CaseStatus.CLOSED, case.status], "note": note},
    )
    return case
