"""An alert's life (detection-rules.md, "Alert identity and life"), with OVERSTAY as the rule:
one live alert per rule and subject, resolution when the condition ends, "condition ended" for
an alert an officer holds, dismissed alerts that stay dismissed until new evidence, and the
officer's steps with their refusals, each audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from timpora.audit.models import AuditEvent
from timpora.detection import actions
from timpora.detection.actions import NotAllowed
from timpora.detection.choices import AlertStatus, EventKind
from timpora.detection.models import Alert, AlertEvent


def events(alert):
    return list(AlertEvent.objects.filter(alert=alert).values_list("kind", flat=True))


@pytest.fixture
def tan(world):
    """TAN WEI MING arrived on 1 March with a stay granted until 30 March, and stayed on."""
    who = world.person(passport="K1234567A")
    world.arrive(who, "2026-03-01 10:00", until="2026-03-30", key="BC-ARR-1")
    return who


@pytest.fixture
def alert(world, tan):
    world.detect("2026-04-04", "OVERSTAY")
    [found] = world.alerts("OVERSTAY")
    return found


# --- One live alert per rule and subject --------------------------------------------------------


def test_a_second_run_on_the_same_day_changes_nothing(world, alert):
    run = world.detect("2026-04-04", "OVERSTAY")

    [again] = world.alerts("OVERSTAY")
    assert again.pk == alert.pk
    assert again.status == AlertStatus.NEW
    assert events(again) == [EventKind.OPENED]
    assert run.counts["OVERSTAY"]["fired"] == 1
    assert run.counts["OVERSTAY"]["opened"] == 0
    assert again.last_detected_at >= alert.last_detected_at


def test_later_runs_update_the_one_alert_in_place(world, alert):
    world.detect("2026-04-05", "OVERSTAY")
    world.detect("2026-04-06", "OVERSTAY")
    world.detect(as_of="2026-04-07")  # every rule

    [again] = world.alerts("OVERSTAY")
    assert again.pk == alert.pk
    assert again.as_of.isoformat() == "2026-04-07"
    assert again.facts["days_over"] == 8
    assert "8 days" in again.explanation_en
    assert again.first_detected_at == alert.first_detected_at
    # The evidence, the arrival, is the same: no "evidence updated" steps.
    assert events(again) == [EventKind.OPENED]


def test_new_evidence_on_an_open_alert_is_an_update_not_a_second_alert(world, tan, alert):
    world.depart(tan, "2026-04-05 08:00")
    world.arrive(tan, "2026-04-05 20:00", until="2026-04-06", key="BC-ARR-2")

    world.detect("2026-04-08", "OVERSTAY")

    [again] = world.alerts("OVERSTAY")
    assert again.pk == alert.pk
    assert [e["key"] for e in again.evidence] == ["BC-ARR-2"]
    assert events(again) == [EventKind.OPENED, EventKind.UPDATED]


def test_two_live_alerts_of_one_rule_and_subject_cannot_exist(world, alert):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            rule=alert.rule,
            severity=alert.severity,
            subject_type=alert.subject_type,
            person=alert.person,
            explanation_id="x",
            explanation_en="x",
            evidence_hash="x",
            first_detected_at=alert.first_detected_at,
            last_detected_at=alert.last_detected_at,
            as_of=alert.as_of,
            acknowledge_by=alert.acknowledge_by,
        )


# --- When the condition ends ---------------------------------------------------------------------


def test_a_departure_resolves_a_new_alert_with_the_reason(world, tan, alert):
    world.depart(tan, "2026-04-06 09:00")

    run = world.detect("2026-04-06", "OVERSTAY")

    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED
    assert alert.closed_at is not None
    assert alert.condition_ended_at is not None
    assert alert.handled_by is None
    assert "6 April 2026" in alert.ended_reason
    resolved = AlertEvent.objects.get(alert=alert, kind=EventKind.RESOLVED)
    assert resolved.actor is None
    assert resolved.note == (
        "The condition no longer held when the rules were evaluated as of 6 April 2026."
    )
    assert run.counts["OVERSTAY"]["resolved"] == 1


def test_a_resolved_alert_is_not_reopened_a_new_overstay_opens_a_new_alert(world, tan, alert):
    world.depart(tan, "2026-04-06 09:00")
    world.detect("2026-04-06", "OVERSTAY")
    world.arrive(tan, "2026-05-01 10:00", until="2026-05-30", key="BC-ARR-2")

    world.detect("2026-06-02", "OVERSTAY")

    old, new = world.alerts("OVERSTAY")
    assert old.pk == alert.pk
    assert old.status == AlertStatus.RESOLVED
    assert new.status == AlertStatus.NEW
    assert [e["key"] for e in new.evidence] == ["BC-ARR-2"]
    assert events(new) == [EventKind.OPENED]


@pytest.mark.parametrize("step", [actions.acknowledge, actions.escalate])
def test_an_alert_an_officer_holds_is_marked_condition_ended_not_resolved(
    world, cast, tan, alert, step
):
    step(alert, actor=cast.alice)
    held = Alert.objects.get(pk=alert.pk).status
    world.permit(  # the stay is extended to 29 April
        tan,
        permit_type="VOA",
        visa_index="",
        valid_from="2026-03-01",
        valid_until="2026-04-29",
        status="EXTENDED",
        sponsor_id=None,
    )

    run = world.detect("2026-04-05", "OVERSTAY")
    world.detect("2026-04-06", "OVERSTAY")  # still ended: marked once

    alert.refresh_from_db()
    assert alert.status == held
    assert alert.closed_at is None
    assert alert.condition_ended_at is not None
    assert "5 April 2026" in alert.ended_reason
    assert events(alert).count(EventKind.CONDITION_ENDED) == 1
    assert run.counts["OVERSTAY"]["ended"] == 1
    assert run.counts["OVERSTAY"]["resolved"] == 0


def test_a_condition_that_holds_again_clears_condition_ended(world, cast, tan, alert):
    actions.acknowledge(alert, actor=cast.alice)
    world.permit(
        tan,
        permit_type="VOA",
        visa_index="",
        valid_from="2026-03-01",
        valid_until="2026-04-29",
        status="EXTENDED",
        sponsor_id=None,
        number="VOA-EXT-1",
    )
    world.detect("2026-04-05", "OVERSTAY")

    world.detect("2026-05-02", "OVERSTAY")  # the extension ran out on 29 April

    [back] = world.alerts("OVERSTAY")
    assert back.pk == alert.pk
    assert back.status == AlertStatus.ACKNOWLEDGED
    assert back.condition_ended_at is None
    assert back.ended_reason == ""
    assert back.facts["days_over"] == 3
    assert [e["key"] for e in back.evidence if e["kind"] == "stay-permit"] == ["VOA-EXT-1"]
    assert events(back)[-2:] == [EventKind.CONDITION_ENDED, EventKind.CONDITION_BACK]


def test_an_officer_closes_an_alert_whose_condition_ended(world, cast, tan, alert):
    actions.acknowledge(alert, actor=cast.alice)
    world.depart(tan, "2026-04-06 09:00")
    world.detect("2026-04-06", "OVERSTAY")

    closed = actions.resolve(alert, actor=cast.alice, note="left on the ferry")

    assert closed.status == AlertStatus.RESOLVED
    assert closed.handled_by == cast.alice
    world.detect("2026-04-07", "OVERSTAY")
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.RESOLVED


# --- Dismissed alerts ----------------------------------------------------------------------------


def test_a_dismissed_alert_stays_dismissed_on_the_same_evidence(world, cast, alert):
    actions.dismiss(alert, actor=cast.alice, reason="DATA_ERROR", note="departure not sent yet")

    run = world.detect("2026-04-05", "OVERSTAY")
    world.detect("2026-04-20", "OVERSTAY")

    [kept] = world.alerts("OVERSTAY")
    assert kept.pk == alert.pk
    assert kept.status == AlertStatus.DISMISSED
    assert kept.dismissal_reason == "DATA_ERROR"
    assert EventKind.REOPENED not in events(kept)
    assert run.counts["OVERSTAY"]["opened"] == 0
    assert run.counts["OVERSTAY"]["reopened"] == 0


def test_a_dismissed_alert_whose_condition_holds_again_loses_its_ended_mark(world, cast, alert):
    actions.dismiss(alert, actor=cast.alice, reason="NOT_A_VIOLATION")
    world.detect("2026-03-20", "OVERSTAY")  # as of a day inside the stay: no overstay
    assert Alert.objects.get(pk=alert.pk).condition_ended_at is not None

    world.detect("2026-04-10", "OVERSTAY")

    kept = Alert.objects.get(pk=alert.pk)
    assert kept.status == AlertStatus.DISMISSED
    assert kept.condition_ended_at is None
    assert kept.ended_reason == ""


def test_a_new_arrival_reopens_a_dismissed_alert(world, cast, tan, alert):
    actions.dismiss(alert, actor=cast.alice, reason="NOT_A_VIOLATION")
    world.depart(tan, "2026-04-10 09:00")
    world.detect("2026-04-11", "OVERSTAY")  # the condition ended: still dismissed
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.DISMISSED
    world.arrive(tan, "2026-05-01 10:00", until="2026-05-30", key="BC-ARR-2")

    run = world.detect("2026-06-02", "OVERSTAY")

    [again] = world.alerts("OVERSTAY")
    assert again.pk == alert.pk
    assert again.status == AlertStatus.NEW
    assert again.dismissal_reason == ""
    assert again.closed_at is None
    assert again.condition_ended_at is None
    assert [e["key"] for e in again.evidence] == ["BC-ARR-2"]
    assert again.acknowledge_by > timezone.now() + timedelta(hours=23)
    assert events(again)[-1] == EventKind.REOPENED
    assert run.counts["OVERSTAY"]["reopened"] == 1


def test_a_corrected_record_is_new_evidence(world, cast, tan, alert):
    actions.dismiss(alert, actor=cast.alice, reason="DATA_ERROR", note="stay looks wrong")
    # Imigrasi sends the arrival again (same key) with the stay corrected: a new revision.
    world.arrive(tan, "2026-03-01 10:00", until="2026-04-01", key="BC-ARR-1")

    world.detect("2026-04-05", "OVERSTAY")

    [again] = world.alerts("OVERSTAY")
    assert again.status == AlertStatus.NEW
    assert again.facts["days_over"] == 4
    assert events(again)[-1] == EventKind.REOPENED


def test_a_reopened_alert_is_no_longer_counted_as_the_officers_decision(world, cast, tan, alert):
    actions.dismiss(alert, actor=cast.alice, reason="NOT_A_VIOLATION")
    world.arrive(tan, "2026-03-01 10:00", until="2026-04-01", key="BC-ARR-1")
    world.detect("2026-04-05", "OVERSTAY")  # reopened: NEW, nobody handles it yet

    reopened = Alert.objects.get(pk=alert.pk)
    assert reopened.status == AlertStatus.NEW
    assert reopened.handled_by is None
    assert reopened.acknowledged_at is None
    world.depart(tan, "2026-04-06 09:00")
    world.detect("2026-04-06", "OVERSTAY")  # resolved by the rules, not by an officer

    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.RESOLVED
    assert "OVERSTAY" not in actions.dismissals_per_rule()


# --- The officer's steps -------------------------------------------------------------------------


def test_acknowledging_records_who_and_when_and_audits_it(cast, alert):
    done = actions.acknowledge(alert, actor=cast.alice, note="calling the hotel")

    assert done.status == AlertStatus.ACKNOWLEDGED
    assert done.handled_by == cast.alice
    assert done.acknowledged_at is not None
    assert done.note == "calling the hotel"
    event = AlertEvent.objects.get(alert=alert, kind=EventKind.ACKNOWLEDGED)
    assert (event.actor, event.note) == (cast.alice, "calling the hotel")
    audit = AuditEvent.objects.get(verb="detection.alert_acknowledged")
    assert audit.actor == cast.alice
    assert audit.subject_code == str(alert.code)
    assert audit.changes["status"] == ["NEW", "ACKNOWLEDGED"]


@pytest.mark.parametrize(
    ("path", "verbs"),
    [
        (
            ["acknowledge", "escalate", "resolve"],
            ["alert_acknowledged", "alert_escalated", "alert_resolved"],
        ),
        (["escalate", "dismiss"], ["alert_escalated", "alert_dismissed"]),
        (["acknowledge", "dismiss"], ["alert_acknowledged", "alert_dismissed"]),
        (["resolve"], ["alert_resolved"]),
    ],
)
def test_every_allowed_step_is_taken_and_audited(cast, alert, path, verbs):
    for name in path:
        extra = {"reason": "ALREADY_HANDLED"} if name == "dismiss" else {}
        alert = getattr(actions, name)(alert, actor=cast.bob, **extra)

    expected = {"resolve": "RESOLVED", "dismiss": "DISMISSED"}[path[-1]]
    assert alert.status == expected
    assert alert.closed_at is not None
    assert alert.acknowledged_at is not None
    logged = AuditEvent.objects.filter(subject_code=str(alert.code)).order_by("seq")
    assert [e.verb for e in logged] == [f"detection.{v}" for v in verbs]


@pytest.mark.parametrize(
    ("before", "step"),
    [
        (["acknowledge"], "acknowledge"),
        (["escalate"], "acknowledge"),
        (["escalate"], "escalate"),
        (["resolve"], "escalate"),
        (["resolve"], "resolve"),
        (["resolve"], "dismiss"),
        (["dismiss"], "dismiss"),
        (["dismiss"], "resolve"),
        (["dismiss"], "acknowledge"),
    ],
)
def test_a_step_from_the_wrong_state_is_refused(cast, alert, before, step):
    extra = {"reason": "NOT_A_VIOLATION"}
    for name in before:
        alert = getattr(actions, name)(
            alert, actor=cast.alice, **(extra if name == "dismiss" else {})
        )
    audited = AuditEvent.objects.count()

    with pytest.raises(NotAllowed):
        getattr(actions, step)(alert, actor=cast.bob, **(extra if step == "dismiss" else {}))

    assert AuditEvent.objects.count() == audited
    assert Alert.objects.get(pk=alert.pk).handled_by == cast.alice


@pytest.mark.parametrize("step", ["acknowledge", "escalate", "resolve", "dismiss"])
def test_an_auditor_cannot_act(cast, alert, step):
    extra = {"reason": "NOT_A_VIOLATION"} if step == "dismiss" else {}

    with translation.override("en"), pytest.raises(NotAllowed, match="Auditors"):
        getattr(actions, step)(alert, actor=cast.erin, **extra)

    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.NEW
    assert not AuditEvent.objects.filter(verb__startswith="detection.alert_").exists()


def test_an_officer_the_alert_is_not_routed_to_cannot_act(cast, alert):
    with translation.override("en"), pytest.raises(NotAllowed, match="not routed"):
        actions.acknowledge(alert, actor=cast.charlie)


def test_a_coordinator_may_act_on_any_alert(cast, alert):
    assert actions.escalate(alert, actor=cast.dina).status == AlertStatus.ESCALATED


def test_dismissing_for_another_reason_needs_a_note(cast, alert):
    with pytest.raises(ValidationError) as refused:
        actions.dismiss(alert, actor=cast.alice, reason="OTHER", note="  ")
    assert not isinstance(refused.value, NotAllowed)
    with pytest.raises(ValidationError):
        actions.dismiss(alert, actor=cast.alice, reason="BORED")
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.NEW

    done = actions.dismiss(alert, actor=cast.alice, reason="OTHER", note="a diplomat")

    assert (done.status, done.dismissal_reason, done.note) == ("DISMISSED", "OTHER", "a diplomat")
    audit = AuditEvent.objects.get(verb="detection.alert_dismissed")
    assert audit.changes["dismissal_reason"] == "OTHER"


def test_dismissals_are_counted_per_rule_and_reason(cast, world, alert):
    actions.dismiss(alert, actor=cast.alice, reason="DATA_ERROR")

    assert actions.dismissals_per_rule() == {"OVERSTAY": {"DATA_ERROR": 1}}


# --- Acknowledging many --------------------------------------------------------------------------


@pytest.fixture
def three(world, tan):
    for i in range(2):
        who = world.person(f"WONG {i}", passport=f"W{i:07d}")
        world.arrive(who, "2026-03-01 10:00", until="2026-03-30")
    world.detect("2026-04-04", "OVERSTAY")
    return world.alerts("OVERSTAY")


def test_acknowledge_many_acknowledges_the_new_ones_in_one_audit_event(cast, three):
    first, second, third = three
    actions.escalate(first, actor=cast.alice)

    count = actions.acknowledge_many(Alert.objects.all(), actor=cast.bob)

    assert count == 2
    statuses = dict(Alert.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: AlertStatus.ESCALATED,
        second.pk: AlertStatus.ACKNOWLEDGED,
        third.pk: AlertStatus.ACKNOWLEDGED,
    }
    assert AlertEvent.objects.filter(kind=EventKind.ACKNOWLEDGED, actor=cast.bob).count() == 2
    [audit] = AuditEvent.objects.filter(verb="detection.alert_acknowledged", actor=cast.bob)
    assert sorted(audit.changes["alerts"]) == sorted([str(second.code), str(third.code)])


def test_acknowledge_many_leaves_the_alerts_an_officer_cannot_see(cast, three):
    assert actions.acknowledge_many(Alert.objects.all(), actor=cast.charlie) == 0
    assert set(Alert.objects.values_list("status", flat=True)) == {AlertStatus.NEW}
    assert not AuditEvent.objects.filter(verb="detection.alert_acknowledged").exists()


def test_acknowledge_many_is_refused_to_an_auditor(cast, three):
    with pytest.raises(NotAllowed):
        actions.acknowledge_many(Alert.objects.all(), actor=cast.erin)
    assert set(Alert.objects.values_list("status", flat=True)) == {AlertStatus.NEW}


def test_each_run_is_audited(world, alert):
    world.detect("2026-04-05", "OVERSTAY")

    runs = AuditEvent.objects.filter(verb="detection.run").order_by("seq")
    assert [e.changes["as_of"] for e in runs] == ["2026-04-04", "2026-04-05"]
    assert runs.last().changes["rules"] == {"OVERSTAY": 1}
