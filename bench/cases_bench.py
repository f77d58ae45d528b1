"""The cases app at a team's scale: issuing documents, the pages officers use, an action's steps.

Run from the project directory (one heavy run at a time)::

    .venv/bin/python bench/cases_bench.py                     # 20,000 cases, SQLite
    .venv/bin/python bench/cases_bench.py --db postgres       # 127.0.0.1:5432, database benchcases
    .venv/bin/python bench/cases_bench.py --cases 2000        # a quick check

What it does, in a fresh database (an SQLite file in a temporary directory, or a PostgreSQL
database created by the script and dropped at the end unless ``--keep``), after ``timpora init``:

1. **Team.** Three agencies (Imigrasi Batam, Disnaker Batam, Kesbangpol Batam), each with 12
   officers, 2 supervisors and a coordinator, created with ``accounts.actions.create_user``.
2. **Cases, first tenth.** ``--cases`` / 10 cases with ``bulk_create`` (set-up data, not the
   code measured): 60 % owned by immigration, 25 % by Disnaker, 15 % by Kesbangpol; opened over
   the last two years (older cases mostly closed); one person each (with a passport, indexed
   for matching as an import does); 3-5 tasks (done in closed cases, some overdue in open
   ones), 3-6 timeline events; a referral on 10 %
   (to another of the three agencies, most of them still live); an administrative action on
   20 % (immigration's cases: overstay charges, deportations, entry bans, with their deadlines).
   Then ``ANALYZE`` (PostgreSQL: ``VACUUM ANALYZE``), and the pages below with their SQL query
   counts (``CaptureQueriesContext``).
3. **Cases, the rest**, as in 2; ``ANALYZE``; the pages again. The query count of each page at
   both sizes shows whether it grows with the number of cases.
4. **Pages**, each ``--requests`` times after 3 warm-ups, through the Django test client (the
   whole request: middleware, session, the view, its audit event, the template):
   ``/cases/`` (first page, default filters) for an immigration officer and for the
   coordinator, a case's page (``/cases/<code>/``, a different open case of the officer's
   agency each time, each with a referral and an action), ``/cases/my-work/`` for a supervisor
   (who has proposals to approve), and ``GET /api/v1/cases`` (first page, a bearer token).
5. **An alert's way to a deportation**: ``--flows`` OVERSTAY alerts (written as rows, routed to
   immigration) each opened with ``actions.cases.open_case``, then a deportation with a two-year
   entry ban proposed (officer), approved (supervisor) and executed (officer), each step timed.
   Executing lists the person for penangkalan (``record_watchlist_entries``: the entry written
   and indexed in the transaction); the re-screening of the registry it enqueues (database
   task backend) is run after, directly (``rescreen_entries.call``), and timed on its own.
6. **Documents**: ``--documents`` Keputusan TAK (with the QR code of a signed token) issued with
   ``actions.documents.issue_document`` for the first flow's approved deportation, each timed
   (snapshot, number, PDF, file, event, audit) and then revoked, untimed (a decision is issued
   once per action, so the next one is new); then each document's token verified: the
   function ``document_for_token`` alone, and the public page ``/v/<token>/`` through the test
   client (each request from another client address, under the page's rate limit).

Results go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_bench import create_pg, drop_pg, machine_text
from search_bench import analyze, configure, cpu_seconds, database_backend_pid

AGENCIES = (("IMI-BTM", 0.60), ("DISNAKER-BTM", 0.25), ("KESBANGPOL-BTM", 0.15))
OFFICERS, SUPERVISORS = 12, 2
CHUNK = 5_000
SLOW_MS = 300.0
NATIONALITIES = ("CHN", "SGP", "MYS", "KOR", "IND", "VNM", "PHL", "JPN")
SURNAMES = ("TAN", "LIM", "LEE", "WONG", "ZHANG", "WANG", "KIM", "PARK", "NGUYEN", "KUMAR")
GIVEN = ("WEI MING", "LI NA", "JUN HO", "MINH ANH", "RAJESH", "SIEW LING", "HAO", "JIA HUI")
TASK_TITLES = (
    "Verifikasi identitas dan dokumen perjalanan",
    "Periksa data perlintasan",
    "Temukan alamat tempat tinggal",
    "Lakukan pemeriksaan (BAP)",
    "Tentukan tindakan: biaya beban atau deportasi",
)
ROUTE = "Pelabuhan Batam Centre → Singapura (HarbourFront)"


# --- Timing -----------------------------------------------------------------------------------


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@dataclass
class Figures:
    ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    def row(self) -> str:
        q = sorted(set(self.queries))
        queries = "" if not q else (str(q[0]) if len(q) == 1 else f"{q[0]}-{q[-1]}")
        return (
            f"{statistics.median(self.ms):8.1f} {pct(self.ms, 0.95):8.1f} {max(self.ms):8.1f}"
            f"  {queries:>7}  (n={len(self.ms)})"
        )


def timed(fn: Callable[[], Any], figures: Figures, *, count_queries: bool = True) -> Any:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if count_queries:
        connection.queries_log.clear()  # a deque of at most 9,000: a full one counts nothing
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            result = fn()
            figures.ms.append((time.perf_counter() - began) * 1000)
        figures.queries.append(len(captured.captured_queries))
    else:
        began = time.perf_counter()
        result = fn()
        figures.ms.append((time.perf_counter() - began) * 1000)
    return result


@contextlib.contextmanager
def step(label: str) -> Iterator[None]:
    began = time.perf_counter()
    print(f"  {label} ...", end="", flush=True)
    yield
    print(f" {time.perf_counter() - began:.1f} s", flush=True)


@contextlib.contextmanager
def own_timestamps(*models: Any) -> Iterator[None]:
    """Let ``bulk_create`` keep the ``created_at`` / ``updated_at`` the generator gives."""
    fields = [
        f for m in models for f in m._meta.concrete_fields if f.name in ("created_at", "updated_at")
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


# --- The team and the cases -------------------------------------------------------------------


@dataclass
class Team:
    agencies: dict[str, Any]
    officers: dict[str, list[Any]]
    supervisors: dict[str, list[Any]]
    coordinators: dict[str, Any]


def make_team() -> Team:
    from timpora.accounts.actions import create_user
    from timpora.accounts.choices import Role
    from timpora.accounts.models import Agency

    team = Team({}, {}, {}, {})
    for code, _share in AGENCIES:
        agency = Agency.objects.get(code=code)
        agency.requires_two_factor = False  # the bench logs in with force_login
        agency.save(update_fields=["requires_two_factor"])
        team.agencies[code] = agency
        slug = code.split("-")[0].lower()

        def user(name: str, role: str, agency: Any = agency) -> Any:
            made, _password = create_user(
                agency=agency, username=name, full_name=name.upper(), role=role, actor=None
            )
            return made

        team.officers[code] = [user(f"{slug}-officer-{i}", Role.OFFICER) for i in range(OFFICERS)]
        team.supervisors[code] = [
            user(f"{slug}-supervisor-{i}", Role.SUPERVISOR) for i in range(SUPERVISORS)
        ]
        team.coordinators[code] = user(f"{slug}-coordinator", Role.COORDINATOR)
    return team


@dataclass
class Loaded:
    cases: int = 0
    persons: int = 0
    tasks: int = 0
    events: int = 0
    referrals: int = 0
    actions: int = 0
    deadlines: int = 0

    def add(self, other: Loaded) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def text(self) -> str:
        return ", ".join(f"{v:,} {k}" for k, v in vars(self).items())


def populate(team: Team, start: int, count: int, rng: random.Random, now: datetime) -> Loaded:
    """Cases ``start`` … ``start + count - 1`` with their persons, tasks, events, referrals and
    actions, written with ``bulk_create`` in chunks."""
    from django.db import transaction

    from timpora.cases.actions.cases import case_number
    from timpora.cases.choices import (
        ActionKind,
        ActionStatus,
        CaseOrigin,
        CaseStatus,
        CaseType,
        DeadlineKind,
        EventKind,
        Outcome,
        Priority,
        ReferralStatus,
    )
    from timpora.cases.models import (
        AdministrativeAction,
        Case,
        CaseEvent,
        Deadline,
        Referral,
        Task,
    )
    from timpora.matching.index import index_persons
    from timpora.registry.choices import FactKind
    from timpora.registry.models import Person, TravelDocument

    loaded = Loaded()
    codes = [code for code, _ in AGENCIES]
    shares = [share for _, share in AGENCIES]
    today = now.date()
    statuses_open = (CaseStatus.OPEN, CaseStatus.INVESTIGATING, CaseStatus.ACTION_PENDING)
    priorities = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)
    source = team.agencies["IMI-BTM"]
    with own_timestamps(Case, Task, Referral, AdministrativeAction, Person, TravelDocument):
        for offset in range(start, start + count, CHUNK):
            n = min(CHUNK, start + count - offset)
            with transaction.atomic():
                persons, documents, cases = [], [], []
                for i in range(offset, offset + n):
                    opened = now - timedelta(minutes=rng.randint(60, 730 * 24 * 60))
                    nationality = rng.choice(NATIONALITIES)
                    surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
                    person = Person(
                        code=uuid.UUID(int=rng.getrandbits(128), version=4),
                        full_name=f"{surname} {given}",
                        surname=surname,
                        given_names=given,
                        sex=rng.choice("MF"),
                        date_of_birth=f"{rng.randint(1960, 2004)}-0{rng.randint(1, 9)}-1{rng.randint(1, 9)}",  # noqa: E501
                        nationality_id=nationality,
                        first_source=source,
                        first_source_kind=FactKind.BORDER_CROSSING,
                        first_source_key=f"CASES-BENCH-{i:07d}",
                        created_at=opened,
                        updated_at=opened,
                    )
                    persons.append(person)
                    agency = rng.choices(codes, weights=shares)[0]
                    age = (now - opened).days
                    closed = rng.random() < (0.9 if age > 90 else 0.2)
                    status = CaseStatus.CLOSED if closed else rng.choice(statuses_open)
                    officers = team.officers[agency]
                    cases.append(
                        Case(
                            code=uuid.UUID(int=rng.getrandbits(128), version=4),
                            number=case_number(team.agencies[agency], 100_000 + i, opened.year),
                            title=f"Overstay {surname} {given}",
                            case_type=rng.choice(CaseType.values),
                            origin=rng.choice(
                                (CaseOrigin.ALERTS, CaseOrigin.ALERTS, CaseOrigin.MANUAL)
                            ),
                            status=status,
                            priority=rng.choices(priorities, weights=(2, 6, 2, 0.5))[0],
                            owning_agency=team.agencies[agency],
                            assignee=rng.choice(officers) if rng.random() < 0.9 else None,
                            opened_by=rng.choice(officers),
                            outcome=rng.choice(Outcome.values) if closed else "",
                            closed_at=opened + timedelta(days=rng.randint(5, 80))
                            if closed
                            else None,
                            first_alert_at=opened - timedelta(hours=rng.randint(1, 72)),
                            created_at=opened,
                            updated_at=opened,
                        )
                    )
                Person.objects.bulk_create(persons)
                documents.extend(
                    TravelDocument(
                        code=uuid.uuid4(),
                        person=person,
                        number=f"B{person.pk:08d}",
                        number_key=f"B{person.pk:08d}",
                        issuing_state_id=person.nationality_id,
                        first_source=source,
                        created_at=person.created_at,
                        updated_at=person.created_at,
                    )
                    for person in persons
                )
                TravelDocument.objects.bulk_create(documents)
                # The matching keys every imported person has (screening reads them).
                index_persons([p.pk for p in persons])
                Case.objects.bulk_create(cases)
                Case.persons.through.objects.bulk_create(
                    [
                        Case.persons.through(case_id=c.pk, person_id=p.pk)
                        for c, p in zip(cases, persons, strict=True)
                    ]
                )
                tasks, events, referrals, actions = [], [], [], []
                action_people = []
                for case, person in zip(cases, persons, strict=True):
                    closed = case.status == CaseStatus.CLOSED
                    opened = case.created_at
                    for position in range(rng.randint(3, 5)):
                        due = (opened + timedelta(days=3 * (position + 1))).date()
                        done = closed or (due < today and rng.random() < 0.7)
                        tasks.append(
                            Task(
                                code=uuid.UUID(int=rng.getrandbits(128), version=4),
                                case=case,
                                title=TASK_TITLES[position],
                                template=f"step-{position}",
                                agency_id=case.owning_agency_id,
                                assignee=case.assignee if rng.random() < 0.5 else None,
                                due_on=due,
                                position=position,
                                done_at=opened + timedelta(days=position + 1) if done else None,
                                done_by=case.assignee if done else None,
                                created_by=case.opened_by,
                                created_at=opened,
                                updated_at=opened,
                            )
                        )
                    kinds = [EventKind.OPENED, EventKind.ALERTS_LINKED, EventKind.ASSIGNED]
                    kinds += [EventKind.NOTE] * rng.randint(0, 2)
                    kinds += [EventKind.CLOSED] if closed else []
                    events += [
                        CaseEvent(
                            case=case,
                            kind=kind,
                            at=opened + timedelta(hours=k),
                            actor=case.opened_by,
                            agency_id=case.owning_agency_id,
                            text="Catatan pemeriksaan lapangan." if kind == EventKind.NOTE else "",
                        )
                        for k, kind in enumerate(kinds)
                    ]
                    if rng.random() < 0.10:
                        to = rng.choice(
                            [c for c in codes if team.agencies[c].pk != case.owning_agency_id]
                        )
                        status = (
                            rng.choice((ReferralStatus.COMPLETED, ReferralStatus.DECLINED))
                            if closed
                            else rng.choice((ReferralStatus.SENT, ReferralStatus.ACCEPTED))
                        )
                        referrals.append(
                            Referral(
                                code=uuid.UUID(int=rng.getrandbits(128), version=4),
                                case=case,
                                from_agency_id=case.owning_agency_id,
                                to_agency=team.agencies[to],
                                request="Mohon pemeriksaan tempat kerja dan izin kerja.",
                                legal_basis="UU 13/2003 Pasal 42",
                                respond_by=(opened + timedelta(days=14)).date(),
                                status=status,
                                sent_by=case.opened_by,
                                sent_at=opened + timedelta(days=1),
                                created_at=opened,
                                updated_at=opened,
                            )
                        )
                    if case.owning_agency_id == source.pk and rng.random() < 0.20 / 0.60:
                        kind = rng.choice(
                            (
                                ActionKind.OVERSTAY_CHARGE,
                                ActionKind.DEPORTATION,
                                ActionKind.PENANGKALAN,
                            )
                        )
                        status = (
                            ActionStatus.EXECUTED
                            if closed
                            else rng.choice((ActionStatus.PROPOSED, ActionStatus.APPROVED))
                        )
                        approver = rng.choice(team.supervisors["IMI-BTM"])
                        actions.append(
                            AdministrativeAction(
                                code=uuid.UUID(int=rng.getrandbits(128), version=4),
                                case=case,
                                kind=kind,
                                status=status,
                                person=person,
                                agency=source,
                                grounds="Tinggal melebihi izin tinggal.",
                                legal_basis="UU 6/2011 Pasal 75 ayat (2)",
                                details={"route": ROUTE} if kind == ActionKind.DEPORTATION else {},
                                proposed_by=case.opened_by,
                                approved_by=None if status == ActionStatus.PROPOSED else approver,
                                approved_at=None if status == ActionStatus.PROPOSED else opened,
                                executed_by=case.assignee
                                if status == ActionStatus.EXECUTED
                                else None,
                                executed_at=opened + timedelta(days=7)
                                if status == ActionStatus.EXECUTED
                                else None,
                                created_at=opened,
                                updated_at=opened,
                            )
                        )
                        action_people.append(case)
                Task.objects.bulk_create(tasks)
                CaseEvent.objects.bulk_create(events)
                Referral.objects.bulk_create(referrals)
                AdministrativeAction.objects.bulk_create(actions)
                deadlines = [
                    Deadline(
                        case=action.case,
                        action=action,
                        kind=rng.choice(DeadlineKind.values),
                        due_at=action.created_at + timedelta(days=30),
                        met_at=action.executed_at,
                    )
                    for action in actions
                ]
                Deadline.objects.bulk_create(deadlines)
                part = Loaded(
                    cases=len(cases),
                    persons=len(persons),
                    tasks=len(tasks),
                    events=len(events),
                    referrals=len(referrals),
                    actions=len(actions),
                    deadlines=len(deadlines),
                )
                loaded.add(part)
    return loaded


# --- Pages ------------------------------------------------------------------------------------


PAGES = ("list, officer", "list, coordinator", "case detail", "my work, supervisor", "API list")


def measure_pages(team: Team, requests: int, rng: random.Random) -> dict[str, Figures]:
    from django.test import Client

    from timpora.accounts.actions import create_api_token
    from timpora.cases.choices import CaseStatus
    from timpora.cases.models import Case

    officer = team.officers["IMI-BTM"][0]
    coordinator = team.coordinators["IMI-BTM"]
    supervisor = team.supervisors["IMI-BTM"][0]
    clients = {}
    for user in (officer, coordinator, supervisor):
        client = Client()
        client.force_login(user)
        clients[user.pk] = client
    _token, raw = create_api_token(officer, name="bench", days=30, actor=officer)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    api_client = Client()  # no session: the token alone
    heavy = list(
        Case.objects.filter(owning_agency=team.agencies["IMI-BTM"], referrals__isnull=False)
        .filter(actions__isnull=False)
        .exclude(status=CaseStatus.CLOSED)
        .values_list("code", flat=True)
        .distinct()[: requests + 3]
    )
    if len(heavy) < requests:  # a small run: any open case of the agency
        heavy += list(
            Case.objects.filter(owning_agency=team.agencies["IMI-BTM"])
            .exclude(status=CaseStatus.CLOSED)
            .values_list("code", flat=True)[: requests + 3]
        )
    details = [f"/cases/{code}/" for code in heavy]

    def get(user: Any, url: str, **extra: Any) -> Callable[[], Any]:
        def run() -> Any:
            response = clients[user.pk].get(url, **extra)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: {response.status_code}")
            return response

        return run

    plan: dict[str, Callable[[int], Callable[[], Any]]] = {
        "list, officer": lambda i: get(officer, "/cases/"),
        "list, coordinator": lambda i: get(coordinator, "/cases/"),
        "case detail": lambda i: get(officer, details[i % len(details)]),
        "my work, supervisor": lambda i: get(supervisor, "/cases/my-work/"),
        "API list": lambda i: _api(api_client, bearer),
    }
    results = {name: Figures() for name in PAGES}
    for make in plan.values():
        for i in range(3):
            make(i)()
    for i in range(requests):
        for name in PAGES:  # interleaved
            timed(plan[name](i + 3), results[name])
    return results


def _api(client: Any, bearer: dict[str, str]) -> Callable[[], Any]:
    def run() -> Any:
        response = client.get("/api/v1/cases", **bearer)
        if response.status_code != 200:
            raise RuntimeError(f"/api/v1/cases: {response.status_code}")
        return response

    return run


# --- From an alert to a deportation -----------------------------------------------------------

FLOW_STEPS = ("open_case from an alert", "propose", "approve", "execute (lists, indexes)")


@dataclass
class Flows:
    steps: dict[str, Figures] = field(default_factory=lambda: {s: Figures() for s in FLOW_STEPS})
    rescreen: Figures = field(default_factory=Figures)
    rescreen_counts: list[dict[str, int]] = field(default_factory=list)
    actions: list[Any] = field(default_factory=list)


def make_alerts(team: Team, count: int, rng: random.Random, now: datetime) -> list[Any]:
    """``count`` OVERSTAY alerts of more than 60 days on persons of closed cases, routed to
    immigration, as the detection sweep writes them (fields only: the rules are not measured)."""
    from timpora.cases.choices import CaseStatus
    from timpora.cases.models import Case
    from timpora.detection.choices import Severity, SubjectType
    from timpora.detection.models import Alert

    persons = list(
        Case.persons.through.objects.filter(case__status=CaseStatus.CLOSED)
        .order_by("pk")
        .values_list("person_id", flat=True)[: count * 20]
    )
    alerts = []
    for person_id in rng.sample(persons, count):
        until = (now - timedelta(days=90)).date()
        alert = Alert.objects.create(
            rule="OVERSTAY",
            severity=Severity.HIGH,
            subject_type=SubjectType.PERSON,
            person_id=person_id,
            explanation_id="Tinggal melebihi izin tinggal 90 hari.",
            explanation_en="Overstayed the stay permit by 90 days.",
            facts={"days_over": 90, "over_limit": True, "authorised_until": until.isoformat()},
            evidence_hash=f"{rng.getrandbits(128):032x}",
            first_detected_at=now - timedelta(days=2),
            last_detected_at=now,
            as_of=now.date(),
            acknowledge_by=now + timedelta(days=1),
        )
        alert.agencies.add(team.agencies["IMI-BTM"])
        alerts.append(alert)
    return alerts


def measure_flows_until_approved(team: Team, alerts: list[Any], today: date) -> Flows:
    from timpora.cases.actions import cases as case_actions
    from timpora.cases.actions import measures
    from timpora.cases.choices import ActionKind, CaseType, Priority
    from timpora.registry.models import Checkpoint

    officer = team.officers["IMI-BTM"][1]
    supervisor = team.supervisors["IMI-BTM"][1]
    checkpoint = Checkpoint.objects.order_by("code").first()
    flows = Flows()
    for alert in alerts:
        opened = timed(
            lambda a=alert: case_actions.open_case(
                actor=officer,
                case_type=CaseType.OVERSTAY,
                alerts=[a],
                priority=Priority.HIGH,
                assignee=officer,
            ),
            flows.steps["open_case from an alert"],
        )
        case = opened.case
        action = timed(
            lambda c=case, a=alert: measures.propose_action(
                c,
                actor=officer,
                kind=ActionKind.DEPORTATION,
                person=a.person,
                grounds="Tinggal melebihi izin tinggal 90 hari (UU 6/2011 Pasal 78 ayat (3)).",
                details={
                    "route": ROUTE,
                    "checkpoint": checkpoint.code if checkpoint else "",
                    "departure_on": today.isoformat(),
                    "escort": "Dua petugas Seksi Inteldakim",
                    "entry_ban_years": 2,
                    "entry_ban_reason": "Overstay lebih dari 60 hari.",
                },
            ),
            flows.steps["propose"],
        )
        action = timed(
            lambda a=action: measures.approve_action(a, actor=supervisor, note="Disetujui."),
            flows.steps["approve"],
        )
        flows.actions.append(action)
    return flows


# --- Documents --------------------------------------------------------------------------------


@dataclass
class Documents:
    issue: Figures = field(default_factory=Figures)
    token: Figures = field(default_factory=Figures)
    page: Figures = field(default_factory=Figures)
    pdf_bytes: list[int] = field(default_factory=list)


def measure_documents(team: Team, action: Any, count: int) -> Documents:
    from django.test import Client

    from timpora.cases.actions.documents import issue_document, revoke_document
    from timpora.cases.choices import DocumentKind
    from timpora.cases.documents.tokens import document_for_token, token_for

    officer = team.officers["IMI-BTM"][1]
    figures = Documents()
    issued = []
    for _ in range(count):
        document = timed(
            lambda: issue_document(
                action.case, DocumentKind.KEPUTUSAN_TAK, actor=officer, action=action
            ),
            figures.issue,
        )
        if issued and document.pk == issued[-1].pk:
            raise RuntimeError("the decision was not issued anew")
        issued.append(document)
        figures.pdf_bytes.append(document.file.size)
        # A decision is issued once per action: revoke it (not timed) so that the next is new.
        revoke_document(document, actor=officer, reason="bench")
    tokens = [token_for(d) for d in issued]
    for token in tokens:
        if timed(lambda t=token: document_for_token(t), figures.token) is None:
            raise RuntimeError("a genuine token was refused")
    client = Client()
    for n, token in enumerate(tokens):

        def page(t: str = token, n: int = n) -> Any:
            # Each from another address: the page allows 30 a minute from one.
            response = client.get(f"/v/{t}/", REMOTE_ADDR=f"10.{n // 250}.{n % 250}.1")
            if response.status_code != 200:
                raise RuntimeError(f"/v/: {response.status_code}")
            return response

        timed(page, figures.page)
    return figures


# --- Report -----------------------------------------------------------------------------------


HEADER = f"{'':32} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  {'queries':>7}"


def print_pages(label: str, pages: dict[str, Figures]) -> None:
    print(f"\n### Pages, {label}\n\n{HEADER}")
    for name, fig in pages.items():
        flag = "  SLOW" if statistics.median(fig.ms) > SLOW_MS else ""
        print(f"{name:32} {fig.row()}{flag}")


def other_cpu(before: Any, after: Any, seconds: float) -> str:
    if not before or not after or seconds <= 0:
        return "?"
    others = ((after[0] - before[0]) - (after[1] - before[1])) / seconds
    return f"{100 * others:.0f} % of one core"


# --- Main -------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/benchcases",
                        help="server and name of the PostgreSQL database to create")  # fmt: skip
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page")
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--flows", type=int, default=10, help="alerts taken to a deportation")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database (and directory)")
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="timpora-cases-bench-"))
    created_pg = None
    try:
        if args.db == "postgres":
            name = urlsplit(args.pg_url).path.lstrip("/")
            url = create_pg(args.pg_url, name)
            created_pg = name
        else:
            url = f"sqlite:///{root / 'bench.sqlite3'}"
        configure(url, root)
        run(args, root)
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):
            connections.close_all()
        if created_pg and not args.keep:
            drop_pg(args.pg_url, created_pg)
        elif created_pg:
            print(f"\nKept PostgreSQL database {created_pg}")
        if args.keep:
            print(f"Kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def run(args: argparse.Namespace, root: Path) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    # Creating the team's users is set-up: a fast hasher (the pages log in with force_login).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    rng = random.Random(args.seed)
    now = timezone.now().astimezone(UTC).replace(microsecond=0)
    print(f"Cases bench, {args.db}, {args.cases:,} cases, in {root}", flush=True)
    with step("init"):
        call_command("init", verbosity=0)
    with step("team"):
        team = make_team()
    began_cpu, began = cpu_seconds(database_backend_pid()), time.perf_counter()
    first = max(1, args.cases // 10)
    loaded = Loaded()
    with step(f"cases 1-{first:,} (bulk_create)"):
        loaded.add(populate(team, 0, first, rng, now))
    with step("analyze"):
        analyze()
    with step("pages at a tenth"):
        small = measure_pages(team, args.requests, rng)
    with step(f"cases {first + 1:,}-{args.cases:,} (bulk_create)"):
        loaded.add(populate(team, first, args.cases - first, rng, now))
    with step("analyze"):
        analyze()
    with step("pages"):
        full = measure_pages(team, args.requests, rng)
    with step(f"{args.flows} alerts → deportations"):
        alerts = make_alerts(team, args.flows, rng, now)
        flows = measure_flows_with_documents(team, alerts, now.date(), args.documents)
    flows_, documents = flows
    seconds = time.perf_counter() - began
    ended_cpu = cpu_seconds(database_backend_pid())

    from django.db import connection as conn

    print(f"\n## Cases, {args.db}, {args.cases:,} cases\n")
    print(f"Machine: {machine_text()}; {platform.platform()}")
    print(f"Database: {conn.vendor} {database_version()}")
    print(f"Command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"Loaded: {loaded.text()}")
    print(f"CPU of other processes while measuring: {other_cpu(began_cpu, ended_cpu, seconds)}")
    print_pages(f"{first:,} cases", small)
    print_pages(f"{args.cases:,} cases", full)
    grew = [n for n in PAGES if max(full[n].queries) > max(small[n].queries)]
    print(f"\nQuery counts that grew with the cases: {', '.join(grew) or 'none'}")
    print(f"\n### From an alert to an executed deportation ({args.flows} alerts)\n\n{HEADER}")
    for name, fig in flows_.steps.items():
        print(f"{name:32} {fig.row()}")
    print(f"{'re-screen task (separately)':32} {flows_.rescreen.row()}")
    if flows_.rescreen_counts:
        print(f"  re-screen result (first): {flows_.rescreen_counts[0]}")
    print(f"\n### Documents ({args.documents} Keputusan TAK)\n\n{HEADER}")
    print(f"{'issue_document (PDF with QR)':32} {documents.issue.row()}")
    print(f"{'document_for_token':32} {documents.token.row()}")
    print(f"{'GET /v/<token>/ (page)':32} {documents.page.row()}")
    print(f"  PDF size: median {statistics.median(documents.pdf_bytes) / 1024:.1f} KiB")
    del connection


def measure_flows_with_documents(
    team: Team, alerts: list[Any], today: date, count: int
) -> tuple[Flows, Documents]:
    """The flows up to approval, the documents on the first approved action, then execution."""
    from timpora.cases.actions import measures
    from timpora.matching.tasks import rescreen_entries

    officer = team.officers["IMI-BTM"][1]
    flows = measure_flows_until_approved(team, alerts, today)
    documents = measure_documents(team, flows.actions[0], count)
    for n, action in enumerate(list(flows.actions)):
        executed = timed(
            lambda a=action: measures.execute_action(
                a, actor=officer, executed_on=today, note="Dideportasi."
            ),
            flows.steps["execute (lists, indexes)"],
        )
        flows.actions[n] = executed
        counts = timed(
            lambda e=executed: rescreen_entries.call([e.watchlist_entry_id]), flows.rescreen
        )
        flows.rescreen_counts.append(counts if isinstance(counts, dict) else {})
    return flows, documents


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return str(cursor.fetchone()[0])


if __name__ == "__main__":
    main()
