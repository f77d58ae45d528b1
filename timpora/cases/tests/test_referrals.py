"""Referrals between agencies: the receiver sees exactly the referred case; declining returns it
to the sender; a transfer makes the receiver the owner; the outcome is reported back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from timpora.audit.models import AuditEvent
from timpora.cases.actions import cases as case_actions
from timpora.cases.actions import referrals as actions
from timpora.cases.actions.common import NotAllowed
from timpora.cases.choices import CaseType, EventKind, Outcome, ReferralStatus
from timpora.cases.models import Case, Referral
from timpora.cases.queries import cases_for

pytestmark = pytest.mark.django_db

LEGAL = "UU 6/2011 Pasal 66; Permenimipas 2/2025"


@pytest.fixture
def other_case(open_case):
    """Another immigration case, never referred."""
    return open_case(case_type=CaseType.OTHER, title="Another matter")


def _send(case, actor, to, **options):
    return actions.send_referral(
        case,
        actor=actor,
        to_agency=to,
        request=options.pop("request", "Check the person's record"),
        legal_basis=LEGAL,
        **options,
    )


def test_the_referred_agency_sees_exactly_the_referred_case(
    cast, overstay_case, other_case, police, polisi
):
    assert not Case.objects.visible_to(polisi).exists()
    referral = _send(overstay_case, cast.alice, police)

    assert list(Case.objects.visible_to(polisi)) == [overstay_case]
    assert list(cases_for(polisi)) == [overstay_case]
    assert referral.status == ReferralStatus.SENT
    assert (referral.from_agency, referral.sent_by) == (cast.imigrasi, cast.alice)
    # Disnaker, not involved, sees nothing.
    assert not Case.objects.visible_to(cast.charlie).exists()
    # Sending again while it waits changes nothing.
    assert _send(overstay_case, cast.alice, police) == referral
    assert Referral.objects.count() == 1
    event = overstay_case.events.get(kind=EventKind.REFERRAL_SENT)
    assert event.data["to"] == "POLRESTA-BRL"
    audit = AuditEvent.objects.get(verb="cases.referral_sent")
    assert audit.subject_code == str(referral.code)
    assert audit.changes["legal_basis"] == LEGAL


def test_only_the_owner_sends_with_a_request_and_a_legal_basis(cast, overstay_case, police, polisi):
    with pytest.raises(NotAllowed):
        _send(overstay_case, cast.charlie, police)
    with pytest.raises(NotAllowed):
        _send(overstay_case, cast.erin, police)
    with pytest.raises(ValidationError):
        _send(overstay_case, cast.alice, police, request=" ")
    with pytest.raises(ValidationError):
        actions.send_referral(
            overstay_case, actor=cast.alice, to_agency=police, request="x", legal_basis=""
        )
    with pytest.raises(ValidationError):
        _send(overstay_case, cast.alice, cast.imigrasi)
    with pytest.raises(ValidationError):
        _send(
            overstay_case,
            cast.alice,
            police,
            respond_by=timezone.localdate() - timedelta(days=1),
        )
    assert not Referral.objects.exists()


def test_a_declined_referral_returns_to_the_sender(cast, overstay_case, police, polisi):
    referral = _send(overstay_case, cast.alice, police)
    with pytest.raises(ValidationError):
        actions.decline_referral(referral, actor=polisi, reason="  ")
    with pytest.raises(NotAllowed):  # only the receiver answers
        actions.decline_referral(referral, actor=cast.bob, reason="no")

    referral = actions.decline_referral(referral, actor=polisi, reason="Not a police matter")

    assert (referral.status, referral.decline_reason, referral.responded_by) == (
        ReferralStatus.DECLINED,
        "Not a police matter",
        polisi,
    )
    assert not Case.objects.visible_to(polisi).exists()
    assert list(Case.objects.visible_to(cast.alice)) == [overstay_case]
    event = overstay_case.events.get(kind=EventKind.REFERRAL_DECLINED)
    assert (event.text, event.agency) == ("Not a police matter", police)
    assert AuditEvent.objects.filter(verb="cases.referral_declined").count() == 1
    # Declined, it cannot be accepted any more; and the police cannot add notes.
    with pytest.raises(NotAllowed):
        actions.accept_referral(referral, actor=polisi)
    with pytest.raises(NotAllowed):
        case_actions.add_note(overstay_case, "hi", actor=polisi)
    # Sent again, it is a new referral.
    assert _send(overstay_case, cast.alice, police) != referral


def test_accept_then_report_the_outcome(cast, overstay_case, police, polisi):
    referral = _send(overstay_case, cast.alice, police)
    with pytest.raises(NotAllowed):  # not accepted yet
        actions.complete_referral(referral, actor=polisi, outcome="Done")
    referral = actions.accept_referral(referral, actor=polisi, note="We'll look")
    assert referral.status == ReferralStatus.ACCEPTED
    # The receiver works on the case it was sent: notes, not the owner's steps.
    case_actions.add_note(overstay_case, "No record at Polresta", actor=polisi)
    with pytest.raises(NotAllowed):
        case_actions.close_case(overstay_case, actor=polisi, outcome=Outcome.REFERRED)
    with pytest.raises(ValidationError):
        actions.complete_referral(referral, actor=polisi, outcome="")
    referral = actions.complete_referral(referral, actor=polisi, outcome="No criminal record")
    assert (referral.status, referral.outcome, referral.completed_by) == (
        ReferralStatus.COMPLETED,
        "No criminal record",
        polisi,
    )
    # Answered, it still shows the case to the police; the owner stays immigration.
    assert list(Case.objects.visible_to(polisi)) == [overstay_case]
    overstay_case.refresh_from_db()
    assert overstay_case.owning_agency == cast.imigrasi
    kinds = list(overstay_case.events.values_list("kind", flat=True))
    assert kinds[-4:] == [
        EventKind.REFERRAL_SENT,
        EventKind.REFERRAL_ACCEPTED,
        EventKind.NOTE,
        EventKind.REFERRAL_COMPLETED,
    ]
    verbs = set(
        AuditEvent.objects.filter(subject_code=str(referral.code)).values_list("verb", flat=True)
    )
    assert verbs == {
        "cases.referral_sent",
        "cases.referral_accepted",
        "cases.referral_completed",
    }


def test_a_transfer_makes_the_receiver_the_owner_on_acceptance(cast, overstay_case):
    overstay_case = case_actions.assign(overstay_case, cast.alice, actor=cast.bob)
    referral = _send(overstay_case, cast.alice, cast.disnaker, transfer=True)
    overstay_case.refresh_from_db()
    assert overstay_case.owning_agency == cast.imigrasi  # not before it is accepted

    actions.accept_referral(referral, actor=cast.charlie)

    overstay_case.refresh_from_db()
    assert (overstay_case.owning_agency, overstay_case.assignee) == (cast.disnaker, None)
    assert overstay_case.events.filter(kind=EventKind.TRANSFERRED).exists()
    transferred = AuditEvent.objects.get(verb="cases.transferred")
    assert transferred.changes["owning_agency"] == ["IMI-BTM", "DISNAKER-BTM"]
    # Disnaker now takes the owner's steps; immigration still sees it (it sent the referral).
    case_actions.assign(overstay_case, cast.charlie, actor=cast.charlie)
    with pytest.raises(NotAllowed):
        case_actions.set_priority(overstay_case, "HIGH", actor=cast.alice)
    assert Case.objects.visible_to(cast.alice).filter(pk=overstay_case.pk).exists()
    # The new owner closes it, resolving the alert it was never routed.
    case_actions.close_case(overstay_case, actor=cast.charlie, outcome=Outcome.COMPLIED)
    alert = overstay_case.alerts.get()
    assert alert.status == "RESOLVED"


def test_the_sender_withdraws_a_waiting_referral(cast, overstay_case, police, polisi):
    referral = _send(overstay_case, cast.alice, police)
    with pytest.raises(NotAllowed):
        actions.withdraw_referral(referral, actor=polisi, reason="x")
    with pytest.raises(ValidationError):
        actions.withdraw_referral(referral, actor=cast.alice, reason="")
    referral = actions.withdraw_referral(referral, actor=cast.bob, reason="Sent by mistake")
    assert referral.status == ReferralStatus.WITHDRAWN
    assert not Case.objects.visible_to(polisi).exists()
    assert AuditEvent.objects.filter(verb="cases.referral_withdrawn").count() == 1
    with pytest.raises(NotAllowed):
        actions.accept_referral(referral, actor=polisi)


def test_a_transfer_is_not_swallowed_by_a_plain_referral_still_waiting(cast, overstay_case):
    plain = actions.send_referral(
        overstay_case, actor=cast.alice, to_agency=cast.disnaker,
        request="Check the worksite", legal_basis="PP 34/2021",
    )  # fmt: skip
    again = actions.send_referral(
        overstay_case, actor=cast.alice, to_agency=cast.disnaker,
        request="Check the worksite", legal_basis="PP 34/2021",
    )  # fmt: skip
    assert again.pk == plain.pk  # the same referral twice changes nothing
    with pytest.raises(NotAllowed):
        actions.send_referral(
            overstay_case, actor=cast.alice, to_agency=cast.disnaker,
            request="Take the case over", legal_basis="PP 34/2021", transfer=True,
        )  # fmt: skip
    assert overstay_case.referrals.count() == 1
