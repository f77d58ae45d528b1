"""Reads of the cases app: an officer's work list, and the cases a user may see, filtered."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as When_
from django.db.models import F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from timpora.accounts.choices import Role
from timpora.cases.choices import ActionStatus, Priority, ReferralStatus
from timpora.cases.models import AdministrativeAction, Case, Deadline, Referral, Task

#: Roles that approve administrative actions of their agency.
APPROVER_ROLES = (Role.SUPERVISOR, Role.COORDINATOR)


@dataclass
class MyWork:
    """What waits for one user, most pressing first."""

    cases: list[Case] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    approvals: list[AdministrativeAction] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)

    @property
    def overdue_tasks(self) -> int:
        return sum(1 for task in self.tasks if task.is_overdue)

    @property
    def overdue_deadlines(self) -> int:
        return sum(1 for deadline in self.deadlines if deadline.is_overdue)

    @property
    def overdue(self) -> int:
        return self.overdue_tasks + self.overdue_deadlines

    @property
    def is_empty(self) -> bool:
        return not (self.cases or self.tasks or self.referrals or self.approvals or self.deadlines)


def priority_rank() -> When_:
    """0 for URGENT … 3 for LOW, to order by priority."""
    order = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)
    return When_(
        *[When(priority=p, then=Value(i)) for i, p in enumerate(order)],
        default=Value(len(order)),
        output_field=IntegerField(),
    )


def my_work(user: Any, *, limit: int = 100) -> MyWork:
    """The open cases assigned to ``user``; their open tasks (overdue first, then by due day);
    referrals waiting for their agency's answer; actions waiting for their approval
    (supervisors and coordinators, never their own proposals); unmet deadlines of their
    agency's open cases, overdue first."""
    if not getattr(user, "is_authenticated", False) or not user.agency_id:
        return MyWork()
    if user.role == Role.AUDITOR:
        return MyWork()
    visible = Case.objects.visible_to(user)
    today = timezone.localdate()
    cases: list[Case] = list(
        visible.open()
        .filter(assignee=user)
        .annotate(rank=priority_rank())
        .select_related("owning_agency")
        .order_by("rank", "created_at")[:limit]
    )
    tasks: list[Task] = list(
        Task.objects.filter(done_at__isnull=True, case__in=visible.open().values("pk"))
        .filter(Q(assignee=user) | Q(assignee__isnull=True, case__assignee=user))
        .annotate(
            late=When_(
                When(due_on__lt=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("case")
        .order_by("late", F("due_on").asc(nulls_last=True), "position", "pk")[:limit]
    )
    referrals = list(
        Referral.objects.inbox(user.agency_id)
        .filter(status__in=(ReferralStatus.SENT, ReferralStatus.ACCEPTED))
        .select_related("case", "from_agency")
        .order_by(F("respond_by").asc(nulls_last=True), "sent_at")[:limit]
    )
    approvals: list[AdministrativeAction] = []
    if user.role in APPROVER_ROLES:
        approvals = list(
            AdministrativeAction.objects.filter(
                agency_id=user.agency_id, status=ActionStatus.PROPOSED
            )
            .exclude(proposed_by=user)
            .select_related("case", "person")
            .order_by("-urgent", "created_at")[:limit]
        )
    # Unmet deadlines whatever the case's state: a detention review is owed after its case
    # is closed as much as before.
    deadlines = list(
        Deadline.objects.filter(met_at__isnull=True, case__owning_agency_id=user.agency_id)
        .select_related("case", "action")
        .order_by("due_at", "pk")[:limit]
    )
    return MyWork(
        cases=cases, tasks=tasks, referrals=referrals, approvals=approvals, deadlines=deadlines
    )


def cases_for(
    user: Any,
    *,
    status: str | list[str] | None = None,
    case_type: str | None = None,
    agency: Any = None,
    assignee: Any = None,
    priority: str | None = None,
    search: str = "",
) -> QuerySet[Case]:
    """The cases ``user`` may see, filtered; ``agency`` is the owning agency (or its id or code).

    ``status`` "open" means every status but CLOSED.
    """
    cases = Case.objects.visible_to(user)
    if status:
        if status == "open":
            cases = cases.open()
        elif isinstance(status, str):
            cases = cases.filter(status=status)
        else:
            cases = cases.filter(status__in=status)
    if case_type:
        cases = cases.filter(case_type=case_type)
    if agency:
        if isinstance(agency, str) and not agency.isdigit():
            cases = cases.filter(owning_agency__code=agency)
        else:
            cases = cases.filter(owning_agency_id=getattr(agency, "pk", agency))
    if assignee:
        cases = cases.filter(assignee_id=getattr(assignee, "pk", assignee))
    if priority:
        cases = cases.filter(priority=priority)
    if search.strip():
        term = search.strip()
        cases = cases.filter(
            Q(number__icontains=term)
            | Q(title__icontains=term)
            | Q(persons__full_name__icontains=term)
        ).distinct()
    return cases.select_related("owning_agency", "assignee")
