"""The demo's cases: a Batam immigration team at work on what the rules found.

After the population is loaded, the detection sweep has run and the demo log-ins exist, the
officers of Imigrasi Batam open cases from the alerts and a watch-list hit, through the cases
app's own actions (numbers, timelines, audit events and write-backs all as in real work):

- an overstay of more than 60 days: deportation with a two-year entry ban proposed by the
  officer, approved by the supervisor, executed (Batam Centre to Singapore); the examination
  record, the decision (Keputusan TAK) and the deportation record issued; the person is then on
  the PENANGKALAN list;
- an overstay of 60 days or less: the overstay charge proposed, awaiting the supervisor;
- a visitor working: referred to Disnaker, which accepted; its outcome is pending;
- a lodging that reports late (or does not report; else an address cluster): referred to the
  police, which have not answered yet;
- a watch-list hit from the review queue: under investigation, with a task overdue;
- a short overstay settled: the charge paid and the person left, the case closed (COMPLIED) and
  its alert resolved (without a second short overstay, an unreported stay reported since).

Dates given to the actions (departure, payment, answers due, tasks) are counted from the
population's day (``as_of``), so that a population gives the same cases. What the actions stamp
themselves (opened, approved, issued) is the time the demo runs. A case whose alert the
population does not have is skipped with a note. Seeding again finds each case by its alert or
review item and takes only the steps not yet taken: nothing is duplicated.

What the officers write in the cases (grounds, requests, notes) is data, in Bahasa Indonesia as
the team writes it; the notes and summary for the command are in English, as the command is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from timpora.accounts.choices import AgencyKind, Role
from timpora.accounts.models import Agency, User
from timpora.cases.actions import cases as case_actions
from timpora.cases.actions import documents as document_actions
from timpora.cases.actions import measures as measure_actions
from timpora.cases.actions import referrals as referral_actions
from timpora.cases.actions.common import NotAllowed
from timpora.cases.choices import (
    ActionKind,
    ActionStatus,
    CaseStatus,
    CaseType,
    DocumentKind,
    Outcome,
    Priority,
    ReferralStatus,
)
from timpora.cases.forms_actions import legal_basis_for
from timpora.cases.models import AdministrativeAction, Case, IssuedDocument, Referral
from timpora.cases.playbooks import case_type_for
from timpora.demo.users import DEMO_USERS
from timpora.detection.choices import OPEN_STATUSES, SubjectType
from timpora.detection.models import Alert
from timpora.matching.choices import ReviewKind, ReviewStatus
from timpora.matching.models import ReviewItem
from timpora.registry.models import Checkpoint, Person

AGENCY = "IMI-BTM"
DISNAKER = "DISNAKER-BTM"
POLICE = "POLRESTA-BRL"
ENTRY_BAN_YEARS = 2
ANSWER_DAYS = 14  # days the agencies are given to answer a referral
ROUTE = "Pelabuhan Batam Centre → Singapura (HarbourFront)"
#: The watch-list case's own task, added by the officer and already overdue.
OVERDUE_TASK = "Minta salinan keputusan penangkalan dan foto subjek dari Ditjen Imigrasi"


@dataclass
class Team:
    """The demo log-ins who do the work."""

    officer: User
    supervisor: User
    disnaker: User
    police: User


@dataclass
class Seeded:
    """The demo's cases after seeding, and what this run did."""

    cases: list[Case] = field(default_factory=list)
    created: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        pks = [case.pk for case in self.cases]
        referrals = Referral.objects.filter(case_id__in=pks).count()
        actions = AdministrativeAction.objects.filter(case_id__in=pks).count()
        documents = IssuedDocument.objects.filter(case_id__in=pks).count()
        opened = f"{self.created} opened"
        if self.created < len(self.cases):
            opened += f" ({len(self.cases)} in all)"
        return (
            f"Cases: {opened}, {referrals} referrals, {actions} administrative actions, "
            f"{documents} documents."
        )


def _user(agency: str, role: str) -> User | None:
    for spec in DEMO_USERS:
        if spec.agency == agency and spec.role == role:
            return User.objects.filter(username__iexact=spec.username, is_active=True).first()
    return None


def demo_team() -> Team | None:
    """The demo officers of immigration, Disnaker and the police, and the supervisor."""
    officer = _user(AGENCY, Role.OFFICER)
    supervisor = _user(AGENCY, Role.SUPERVISOR)
    disnaker = _user(DISNAKER, Role.OFFICER)
    police = _user(POLICE, Role.OFFICER)
    if officer is None or supervisor is None or disnaker is None or police is None:
        return None
    return Team(officer, supervisor, disnaker, police)


def seed_cases(*, as_of: date) -> Seeded:
    """Open (or find again) the demo's cases and take their steps; see the module's doc."""
    seeded = Seeded()
    team = demo_team()
    if team is None:
        seeded.notes.append("No cases: the demo log-ins are missing (run `timpora demo`).")
        return seeded
    # The actions refuse days to come for what has happened: the population's day at the latest.
    day = min(as_of, timezone.localdate())
    answer_by = max(as_of, timezone.localdate()) + timedelta(days=ANSWER_DAYS)
    used: set[int] = set()
    scenarios: list[tuple[str, Callable[[], Case | None]]] = [
        ("deportation", lambda: _deportation(team, day, used)),
        ("overstay charge", lambda: _charge(team, as_of, used)),
        ("visitor working", lambda: _visitor_working(team, answer_by, used)),
        ("lodging", lambda: _lodging(team, answer_by, used)),
        ("watch-list hit", lambda: _watchlist_hit(team, as_of)),
        ("closed", lambda: _settled(team, as_of, day, used)),
    ]
    for name, run in scenarios:
        before = Case.objects.count()
        try:
            with transaction.atomic():
                case = run()
        except (NotAllowed, ValidationError) as exc:
            seeded.notes.append(f"Skipped the {name} case: {_message(exc)}")
            continue
        if case is None:
            seeded.notes.append(f"Skipped the {name} case: the population has no alert for it.")
            continue
        seeded.cases.append(case)
        seeded.created += Case.objects.count() - before
    return seeded


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(m) for m in exc.messages)
    return str(exc)


# --- Finding the alerts and their cases -------------------------------------------------------


def _candidates(team: Team, rules: Iterable[str], **filters: Any) -> QuerySet[Alert]:
    """Alerts of ``rules`` routed to immigration: open, or already in one of the demo's cases."""
    return (
        Alert.objects.visible_to(team.officer)
        .filter(rule__in=list(rules), **filters)
        .filter(Q(status__in=OPEN_STATUSES) | Q(cases__opened_by=team.officer))
        .distinct()
        .order_by("pk")
    )


def _pick(alerts: Iterable[Alert], used: set[int]) -> Alert | None:
    for alert in alerts:
        if alert.pk not in used:
            used.add(alert.pk)
            return alert
    return None


def _case_for(
    team: Team, alert: Alert, case_type: str | None = None, priority: str = Priority.NORMAL
) -> Case:
    """The case that holds ``alert`` (any status), or a new one opened from it."""
    existing = Case.objects.filter(alerts=alert).order_by("pk").first()
    if existing is not None:
        return existing
    return case_actions.open_case(
        actor=team.officer,
        case_type=case_type or case_type_for(alert),
        alerts=[alert],
        priority=priority,
        assignee=team.officer,
    ).case


def _complete(case: Case, actor: User, *templates: str) -> None:
    """Mark the playbook's tasks ``templates`` done (those not done yet)."""
    for task in case.tasks.filter(template__in=templates, done_at__isnull=True).order_by(
        "position"
    ):
        case_actions.complete_task(task, actor=actor)


def _action(case: Case, kind: str) -> AdministrativeAction | None:
    return case.actions.filter(kind=kind).exclude(status=ActionStatus.CANCELLED).first()


def _document(case: Case, kind: str, action: AdministrativeAction | None = None) -> None:
    if not case.documents.filter(kind=kind, action=action).exists():
        document_actions.issue_document(
            case, kind, actor=case.assignee or case.opened_by, action=action
        )


# --- The scenarios ----------------------------------------------------------------------------


def _overstays(team: Team, used: set[int], *, over_limit: bool) -> Alert | None:
    alerts = [
        a for a in _candidates(team, ["OVERSTAY"]) if bool(a.facts.get("over_limit")) == over_limit
    ]
    return _pick(alerts, used)


def _checkpoint() -> str:
    found = (
        Checkpoint.objects.filter(name__icontains="Batam Centre").order_by("code").first()
        or Checkpoint.objects.order_by("code").first()
    )
    if found is None:
        raise ValidationError("there is no checkpoint in the reference data")
    return str(found.code)


def _deportation(team: Team, day: date, used: set[int]) -> Case | None:
    alert = _overstays(team, used, over_limit=True)
    if alert is None or alert.person is None:
        return None
    person = alert.person
    case = _case_for(team, alert, CaseType.OVERSTAY, Priority.HIGH)
    days = alert.facts.get("days_over")
    if not case.documents.filter(kind=DocumentKind.BAP).exists():
        _complete(case, team.officer, "verify-identity", "check-departure", "locate")
        document_actions.issue_document(
            case,
            DocumentKind.BAP,
            actor=team.officer,
            content={
                "person": str(person.code),
                "place": "Kantor Imigrasi Kelas I Khusus TPI Batam",
                "questions": [
                    {
                        "q": "Apakah Saudara mengetahui bahwa izin tinggal Saudara telah berakhir?",
                        "a": "Ya, saya tahu, tetapi saya belum punya uang untuk tiket pulang.",
                    },
                    {
                        "q": "Di mana Saudara tinggal selama di Batam?",
                        "a": "Di rumah teman di Batam Kota.",
                    },
                ],
                "statement": f"Terperiksa mengakui tinggal melebihi izin tinggal {days} hari.",
            },
        )
        _complete(case, team.officer, "interview")
    action = _action(case, ActionKind.DEPORTATION)
    if action is None:
        action = measure_actions.propose_action(
            case,
            actor=team.officer,
            kind=ActionKind.DEPORTATION,
            person=person,
            grounds=(
                f"Tinggal melebihi izin tinggal {days} hari, lebih dari 60 hari "
                "(UU 6/2011 Pasal 78 ayat (3))."
            ),
            details={
                "route": ROUTE,
                "checkpoint": _checkpoint(),
                "departure_on": day.isoformat(),
                "escort": "Dua petugas Seksi Inteldakim",
                "entry_ban_years": ENTRY_BAN_YEARS,
                "entry_ban_reason": "Overstay lebih dari 60 hari (UU 6/2011 Pasal 78 ayat (3)).",
            },
        )
        _complete(case, team.officer, "charge-or-deport")
    if action.status == ActionStatus.PROPOSED:
        action = measure_actions.approve_action(
            action, actor=team.supervisor, note="Disetujui: deportasi dan penangkalan 2 tahun."
        )
    _document(case, DocumentKind.KEPUTUSAN_TAK, action)
    if action.status == ActionStatus.APPROVED:
        action = measure_actions.execute_action(
            action,
            actor=team.officer,
            executed_on=day,
            note="Dideportasi melalui Pelabuhan Batam Centre dengan pengawalan.",
        )
    _document(case, DocumentKind.BA_DEPORTASI, action)
    return case


def _charge(team: Team, as_of: date, used: set[int]) -> Case | None:
    alert = _overstays(team, used, over_limit=False)
    if alert is None or alert.person is None:
        return None
    case = _case_for(team, alert, CaseType.OVERSTAY)
    if _action(case, ActionKind.OVERSTAY_CHARGE) is None:
        _complete(case, team.officer, "verify-identity", "check-departure", "locate", "interview")
        measure_actions.propose_action(
            case,
            actor=team.officer,
            kind=ActionKind.OVERSTAY_CHARGE,
            person=alert.person,
            grounds=(
                f"Tinggal melebihi izin tinggal {alert.facts.get('days_over')} hari, "
                "tidak lebih dari 60 hari (UU 6/2011 Pasal 78 ayat (1) dan (2))."
            ),
            details={"authorised_until": alert.facts["authorised_until"], "as_of": as_of},
        )
    return case


def _visitor_working(team: Team, answer_by: date, used: set[int]) -> Case | None:
    alert = _pick(_candidates(team, ["VISITOR_WORKING"]), used)
    if alert is None:
        return None
    case = _case_for(team, alert, CaseType.VISITOR_WORKING)
    if case.status == CaseStatus.OPEN:
        _complete(case, team.officer, "verify-identity")
        case = case_actions.change_status(
            case,
            CaseStatus.INVESTIGATING,
            actor=team.officer,
            note="Cek lapangan bersama Disnaker.",
        )
    disnaker = Agency.objects.get(code=DISNAKER)
    referral = case.referrals.filter(to_agency=disnaker).order_by("pk").first()
    if referral is None:
        referral = referral_actions.send_referral(
            case,
            actor=team.officer,
            to_agency=disnaker,
            request=(
                "Mohon pemeriksaan di tempat kerja: apakah orang asing ini bekerja pada "
                "perusahaan yang menampungnya tanpa RPTKA dan notifikasi, serta keterangan "
                "dari pemberi kerja."
            ),
            legal_basis=legal_basis_for(disnaker) or "UU 13/2003 dan PP 34/2021",
            respond_by=answer_by,
        )
    if referral.status == ReferralStatus.SENT:
        referral_actions.accept_referral(
            referral, actor=team.disnaker, note="Pengawas ketenagakerjaan dijadwalkan ke lokasi."
        )
    return case


def _lodging(team: Team, answer_by: date, used: set[int]) -> Case | None:
    place = {"subject_type": SubjectType.PLACE}
    alert = _pick(_candidates(team, ["LATE_REPORT", "UNREPORTED_STAY"], **place), used) or _pick(
        _candidates(team, ["ADDRESS_CLUSTER"], **place), used
    )
    if alert is None:
        return None
    case_type = case_type_for(alert)
    case = _case_for(team, alert, case_type if case_type != CaseType.OTHER else None)
    police = (
        Agency.objects.filter(code=POLICE).first()
        or Agency.objects.filter(kind=AgencyKind.POLICE).order_by("code").first()
    )
    if police is None:
        raise ValidationError("there is no police agency")
    if not case.referrals.filter(to_agency=police).exists():
        referral_actions.send_referral(
            case,
            actor=team.officer,
            to_agency=police,
            request=(
                "Mohon salinan daftar tamu asing penginapan ini selama 30 hari terakhir dan "
                "keterangan pengelola tentang laporan orang asing (APOA) yang tidak atau "
                "terlambat disampaikan."
            ),
            legal_basis="UU 6/2011 Pasal 72; Permenimipas 2/2025 (Timpora)",
            respond_by=answer_by,
        )
    return case


def _watchlist_hit(team: Team, as_of: date) -> Case | None:
    items = (
        ReviewItem.objects.visible_to(team.officer)
        .filter(kind=ReviewKind.HIT)
        .filter(Q(status=ReviewStatus.OPEN) | Q(cases__opened_by=team.officer))
        .exclude(entry__source_key__startswith="TAK-")  # not a listing of the demo's own cases
        .distinct()
        .order_by("pk")
    )
    item = items.first()
    if item is None:
        return None
    case = Case.objects.filter(review_item=item).order_by("pk").first()
    if case is None:
        case = case_actions.open_case(
            actor=team.officer,
            case_type=CaseType.WATCHLIST_HIT,
            review_item=item,
            priority=Priority.HIGH,
            assignee=team.officer,
        ).case
    if case.status == CaseStatus.OPEN:
        _complete(case, team.officer, "confirm-identity")
        case = case_actions.change_status(
            case,
            CaseStatus.INVESTIGATING,
            actor=team.officer,
            note="Identitas cocok dengan entri daftar tangkal; menunggu konfirmasi pemilik entri.",
        )
    if not case.tasks.filter(title=OVERDUE_TASK).exists():
        case_actions.add_task(
            case,
            OVERDUE_TASK,
            actor=team.officer,
            due_on=min(as_of, timezone.localdate()) - timedelta(days=2),
            assignee=team.officer,
        )
    return case


def _settled(team: Team, as_of: date, day: date, used: set[int]) -> Case | None:
    alert = _overstays(team, used, over_limit=False)
    if alert is not None and alert.person is not None:
        return _charge_paid(team, alert, alert.person, as_of, day)
    reporting = {"subject_type": SubjectType.PERSON}
    alert = _pick(_candidates(team, ["UNREPORTED_STAY", "LATE_REPORT"], **reporting), used)
    if alert is None:
        return None
    case = _case_for(team, alert, CaseType.UNREPORTED_STAY, Priority.LOW)
    if not case.is_closed:
        _complete(case, team.officer, "verify-stay", "contact-host", "record-report")
        case = case_actions.close_case(
            case,
            actor=team.officer,
            outcome=Outcome.COMPLIED,
            note="Penjamin telah melaporkan tempat tinggal orang asing tersebut.",
        )
    return case


def _charge_paid(team: Team, alert: Alert, person: Person, as_of: date, day: date) -> Case:
    """A short overstay whose charge was paid before the person left: closed, COMPLIED."""
    case = _case_for(team, alert, CaseType.OVERSTAY, Priority.LOW)
    if case.is_closed:
        return case
    action = _action(case, ActionKind.OVERSTAY_CHARGE)
    if action is None:
        _complete(case, team.officer, "verify-identity", "check-departure", "locate", "interview")
        action = measure_actions.propose_action(
            case,
            actor=team.officer,
            kind=ActionKind.OVERSTAY_CHARGE,
            person=person,
            grounds=(
                f"Tinggal melebihi izin tinggal {alert.facts.get('days_over')} hari "
                "(UU 6/2011 Pasal 78 ayat (1) dan (2))."
            ),
            details={"authorised_until": alert.facts["authorised_until"], "as_of": as_of},
        )
        _complete(case, team.officer, "charge-or-deport")
    if action.status == ActionStatus.PROPOSED:
        action = measure_actions.approve_action(action, actor=team.supervisor)
    if action.status == ActionStatus.APPROVED:
        action = measure_actions.execute_action(
            action,
            actor=team.officer,
            executed_on=day,
            details={
                "paid_on": day.isoformat(),
                "receipt_number": f"PNBP-{as_of:%Y%m%d}-{person.pk:06d}",
            },
            note="Biaya beban dibayar di loket; orang asing berangkat pada hari yang sama.",
        )
    _complete(case, team.officer, "close-out")
    return case_actions.close_case(
        case,
        actor=team.officer,
        outcome=Outcome.COMPLIED,
        note="Biaya beban lunas dan orang asing telah meninggalkan Indonesia.",
    )
