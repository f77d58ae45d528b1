"""Two officers acting on one case at the same moment never deadlock on PostgreSQL: every write
locks action → case → its other rows, with FOR NO KEY UPDATE so that inserting a timeline line
(which key-share locks the case) never waits on a lock held in the same order. Each test holds
one transaction inside its locks while the other starts, the interleaving that deadlocked."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from timpora.cases.actions import common
from timpora.cases.actions import measures as m
from timpora.cases.actions.documents import issue_document, revoke_document
from timpora.cases.choices import DocumentKind

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def run(*fns):
    errors: list[BaseException] = []

    def wrap(fn):
        def go():
            try:
                fn()
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        return go

    threads = [threading.Thread(target=wrap(f), name=f"T{i}") for i, f in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_revoke_by_hand_while_cancelling(tan_case, approved_deportation, cast, monkeypatch):
    decision = issue_document(
        tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice, action=approved_deportation
    )
    doc_locked = threading.Event()
    original = common.record_event

    def slow_event(*a, **k):
        if threading.current_thread().name == "T0":
            doc_locked.set()
            time.sleep(1.5)  # T1 now holds action + case and waits for the document
        return original(*a, **k)

    monkeypatch.setattr(common, "record_event", slow_event)

    def revoke():
        revoke_document(decision, actor=cast.alice, reason="wrong date")

    def cancel():
        doc_locked.wait(10)
        m.cancel_action(approved_deportation, actor=cast.bob, reason="withdrawn")

    errors = run(revoke, cancel)
    assert [f"{type(e).__name__}: {e}" for e in errors] == []


def test_meet_payment_deadline_while_cancelling(tan_case, tan, cast, monkeypatch):
    from timpora.cases.choices import ActionKind, DeadlineKind
    from timpora.cases.models import Deadline

    action = m.propose_action(
        tan_case,
        actor=cast.alice,
        kind=ActionKind.OVERSTAY_CHARGE,
        person=tan,
        grounds="Stayed beyond the permit",
        details={"authorised_until": "2026-03-30", "as_of": "2026-04-20"},
    )
    action = m.approve_action(action, actor=cast.bob)
    deadline = Deadline.objects.get(action=action, kind=DeadlineKind.PAYMENT)
    case_locked = threading.Event()
    original = m.lock

    def slow_lock(case):
        got = original(case)
        if threading.current_thread().name == "T1":
            case_locked.set()
            time.sleep(1.5)  # T0 now runs meet_deadline's locking statement
        return got

    monkeypatch.setattr(m, "lock", slow_lock)

    def meet():
        case_locked.wait(10)
        m.meet_deadline(deadline, actor=cast.alice, note="paid")

    def cancel():
        m.cancel_action(action, actor=cast.bob, reason="withdrawn")

    errors = run(meet, cancel)
    assert [f"{type(e).__name__}: {e}" for e in errors] == []


def test_extension_proposed_while_base_decision_issued(tan_case, tan, cast, monkeypatch):
    from timpora.cases.actions.documents import get_or_issue_document
    from timpora.cases.choices import ActionKind

    base = m.propose_action(
        tan_case,
        actor=cast.alice,
        kind=ActionKind.PENANGKALAN,
        person=tan,
        grounds="Entry ban",
        details={"years": 1, "reason": "Overstay"},
    )
    m.approve_action(base, actor=cast.bob)
    base = m.execute_action(base, actor=cast.alice)
    case_locked = threading.Event()
    original = m.lock

    def slow_lock(case):
        got = original(case)
        if threading.current_thread().name == "T0":
            case_locked.set()
            time.sleep(1.5)
        return got

    monkeypatch.setattr(m, "lock", slow_lock)

    def extend():
        m.propose_action(
            tan_case,
            actor=cast.alice,
            kind=ActionKind.PENANGKALAN,
            person=tan,
            grounds="Extended",
            details={"years": 1, "reason": "Overstay"},
            extends=base,
        )

    def decide():
        case_locked.wait(10)
        get_or_issue_document(tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.bob, action=base)

    errors = run(extend, decide)
    assert [f"{type(e).__name__}: {e}" for e in errors] == []
