"""Referrals as the case moves on: a transfer accepted withdraws the other transfers still
waiting (the case has one owner, who agreed to each hand-over); a closed case withdraws the
referrals nobody answered; every check is made on the locked, current case — not on a copy
read before it changed hands or closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from timpora.audit.models import AuditEvent
from timpora.cases.actions import cases as case_actions
from timpora.cases.actions import referrals as actions
from timpora.cases.actions.common import NotAllowed
from timpora.cases.choices import CaseStatus, EventKind, Outcome, Priority, ReferralStatus
from timpora.cases.models import Case, Referral

pytestmark = pytest.mark.django_db

LEGAL = "UU 6/2011 Pasal 66; Permenimipas 2/2025"


def _send(case: Case, actor: Any, to: Any, **options: Any) -> Referral:
    return actions.send_referral(
        case, actor=actor, to_agency=to, request="Take the case over", legal_basis=LEGAL, **options
    )


def _team(msgid: str, **values: str) -> str:
    """``msgid`` in the team's language, as the actions store their reasons."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(msgid) % values if values else gettext(msgid)


# --- 1. A second transfer waiting does not take the case from an owner who never agreed -------


def test_accepting_a_transfer_withdraws_the_other_transfers_still_waiting(
    cast, overstay_case, police, polisi
):
    to_disnaker = _send(overstay_case, cast.alice, cast.disnaker, transfer=True)
    to_police = _send(overstay_case, cast.alice, police, transfer=True)
    request = _send(overstay_case, cast.alice, cast.kesbangpol)  # not a transfer

    actions.accept_referral(to_disnaker, actor=cast.charlie)

    to_police.refresh_from_db()
    request.refresh_from_db()
    assert to_police.status == ReferralStatus.WITHDRAWN
    assert request.status == ReferralStatus.SENT  # a request within the case still waits
    reason = _team("The case went to %(agency)s.", agency=cast.disnaker.name)
    event = overstay_case.events.get(kind=EventKind.REFERRAL_WITHDRAWN)
    assert (event.text, event.data["referral"], event.data["to"]) == (
        reason,
        str(to_police.code),
        police.code,
    )
    audit = AuditEvent.objects.get(verb="cases.referral_withdrawn")
    assert audit.subject_code == str(to_police.code)
    assert audit.changes["reason"] == reason
    assert audit.changes["status"] == [ReferralStatus.SENT, ReferralStatus.WITHDRAWN]
    # The police's acceptance, coming late, is refused; Disnaker keeps the case.
    with pytest.raises(NotAllowed):
        actions.accept_referral(to_police, actor=polisi)
    overstay_case.refresh_from_db()
    assert overstay_case.owning_agency == cast.disnaker
    assert not Case.objects.visible_to(polisi).exists()


def test_a_stale_transfer_is_refused_once_the_case_has_changed_hands(
    cast, overstay_case, police, polisi
):
    """Were a transfer of the former owner still waiting, accepting it is refused."""
    to_police = _send(overstay_case, cast.alice, police, transfer=True)
    Case.objects.filter(pk=overstay_case.pk).update(owning_agency=cast.disnaker)

    with translation.override("en"), pytest.raises(NotAllowed) as refused:
        actions.accept_referral(to_police, actor=polisi)

    with translation.override("en"):
        assert "changed hands" in " ".join(refused.value.messages)
    to_police.refresh_from_db()
    assert to_police.status == ReferralStatus.SENT
    overstay_case.refresh_from_db()
    assert overstay_case.owning_agency == cast.disnaker
    assert not overstay_case.events.filter(kind=EventKind.TRANSFERRED).exists()


# --- 2. Closing withdraws the referrals nobody answered ---------------------------------------


def test_closing_withdraws_the_waiting_referrals_and_keeps_the_accepted(
    cast, overstay_case, police, polisi
):
    waiting = _send(overstay_case, cast.alice, police)
    accepted = actions.accept_referral(
        _send(overstay_case, cast.alice, cast.disnaker), actor=cast.charlie
    )

    case_actions.close_case(overstay_case, actor=cast.alice, outcome=Outcome.COMPLIED)

    waiting.refresh_from_db()
    accepted.refresh_from_db()
    assert waiting.status == ReferralStatus.WITHDRAWN
    assert accepted.status == ReferralStatus.ACCEPTED
    reason = _team("The case was closed.")
    [event] = overstay_case.events.filter(kind=EventKind.REFERRAL_WITHDRAWN)
    assert (event.text, event.data["referral"], event.actor) == (
        reason,
        str(waiting.code),
        cast.alice,
    )
    audit = AuditEvent.objects.get(verb="cases.referral_withdrawn")
    assert (audit.subject_code, audit.changes["reason"]) == (str(waiting.code), reason)
    # The police no longer see the case; Disnaker still reports its outcome.
    assert not Case.objects.visible_to(polisi).exists()
    with pytest.raises(NotAllowed):
        actions.accept_referral(waiting, actor=polisi)
    done = actions.complete_referral(accepted, actor=cast.charlie, outcome="Izin kerja diperiksa")
    assert done.status == ReferralStatus.COMPLETED


# --- 3. Every check on the locked, current case -------------------------------------------------

Step = Callable[[Case, Any], Any]

OWNER_STEPS: dict[str, Step] = {
    "change_status": lambda case, cast: case_actions.change_status(
        case, CaseStatus.INVESTIGATING, actor=cast.alice
    ),
    "assign": lambda case, cast: case_actions.assign(case, None, actor=cast.alice),
    "set_priority": lambda case, cast: case_actions.set_priority(
        case, Priority.HIGH, actor=cast.alice
    ),
    "add_task": lambda case, cast: case_actions.add_task(case, "Periksa", actor=cast.alice),
    "close_case": lambda case, cast: case_actions.close_case(
        case, actor=cast.alice, outcome=Outcome.COMPLIED
    ),
    "link_alerts": lambda case, cast: case_actions.link_alerts(case, [], actor=cast.alice),
    "send_referral": lambda case, cast: _send(case, cast.alice, cast.kesbangpol),
}


@pytest.mark.parametrize("step", OWNER_STEPS)
def test_the_former_owner_holding_a_stale_case_is_refused(cast, overstay_case, step):
    stale = Case.objects.get(pk=overstay_case.pk)  # read before the case changed hands
    actions.accept_referral(
        _send(overstay_case, cast.alice, cast.disnaker, transfer=True), actor=cast.charlie
    )
    before = overstay_case.events.count()

    with pytest.raises(NotAllowed):
        OWNER_STEPS[step](stale, cast)

    overstay_case.refresh_from_db()
    assert overstay_case.owning_agency == cast.disnaker
    assert overstay_case.status != CaseStatus.CLOSED
    assert overstay_case.events.count() == before
    assert not Referral.objects.filter(to_agency=cast.kesbangpol).exists()


def test_the_former_owner_cannot_reopen_with_a_stale_case(cast, overstay_case):
    stale = Case.objects.get(pk=overstay_case.pk)
    actions.accept_referral(
        _send(overstay_case, cast.alice, cast.disnaker, transfer=True), actor=cast.charlie
    )
    case_actions.close_case(overstay_case, actor=cast.charlie, outcome=Outcome.REFERRED)

    with pytest.raises(NotAllowed):
        case_actions.reopen_case(stale, actor=cast.alice, note="Ada bukti baru")

    overstay_case.refresh_from_db()
    assert overstay_case.status == CaseStatus.CLOSED
    assert not overstay_case.events.filter(kind=EventKind.REOPENED).exists()


def test_a_note_on_a_stale_copy_of_a_closed_case_is_refused(cast, overstay_case, police, polisi):
    actions.accept_referral(_send(overstay_case, cast.alice, police), actor=polisi)
    stale = Case.objects.get(pk=overstay_case.pk)  # read while the case was open
    case_actions.close_case(overstay_case, actor=cast.alice, outcome=Outcome.REFERRED)

    with pytest.raises(NotAllowed):
        case_actions.add_note(stale, "Terlambat", actor=polisi)
    with pytest.raises(NotAllowed):
        case_actions.add_note(stale, "Terlambat", actor=cast.alice)

    assert not overstay_case.events.filter(kind=EventKind.NOTE).exists()


def test_the_sender_still_adds_notes_after_handing_the_case_over(cast, overstay_case):
    stale = Case.objects.get(pk=overstay_case.pk)
    actions.accept_referral(
        _send(overstay_case, cast.alice, cast.disnaker, transfer=True), actor=cast.charlie
    )
    case_actions.add_note(stale, "Dokumen asli di kantor imigrasi", actor=cast.alice)
    assert overstay_case.events.filter(kind=EventKind.NOTE, agency=cast.imigrasi).exists()


def test_the_former_owner_cannot_tick_off_another_agencys_task_with_a_stale_copy(
    cast, overstay_case, police, polisi
):
    """Tasks too are checked on the current case: the former owner's say over the tasks of other
    agencies ends with the hand-over."""
    actions.accept_referral(_send(overstay_case, cast.alice, cast.disnaker), actor=cast.charlie)
    task = case_actions.add_task(
        overstay_case, "Periksa IMTA", actor=cast.alice, agency=cast.disnaker
    )
    stale = type(task).objects.select_related("case").get(pk=task.pk)  # read before the transfer
    actions.accept_referral(_send(overstay_case, cast.alice, police, transfer=True), actor=polisi)

    with pytest.raises(NotAllowed):
        case_actions.complete_task(stale, actor=cast.alice)

    task.refresh_from_db()
    assert task.done_at is None
    case_actions.complete_task(stale, actor=cast.charlie)  # the task's own agency still may
