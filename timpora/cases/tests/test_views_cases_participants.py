"""The case page offers each agency the steps its actions allow: after handing a case over, the
sending agency stays involved (common.require_participant) and is offered the note and the
attachment forms — not the owner's steps."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from timpora.cases.actions import referrals
from timpora.cases.actions.common import NotAllowed, require_participant
from timpora.cases.choices import EventKind
from timpora.cases.models import Case

pytestmark = pytest.mark.django_db

LEGAL = "UU 13/2003 dan PP 34/2021 (penggunaan TKA)"


def _hand_over(case: Case, cast: Any) -> None:
    referral = referrals.send_referral(
        case,
        actor=cast.alice,
        to_agency=cast.disnaker,
        request="Ambil alih kasus TKA ini.",
        legal_basis=LEGAL,
        transfer=True,
    )
    referrals.accept_referral(referral, actor=cast.charlie)


def test_the_sending_agency_is_offered_the_note_and_attachment_forms_after_a_transfer(
    cast, overstay_case
):
    _hand_over(overstay_case, cast)
    case = Case.objects.get(pk=overstay_case.pk)
    require_participant(case, cast.alice)  # the actions let the sender add notes

    client = cast.client_for(cast.alice)
    response = client.get(reverse("cases:case", args=[case.code]))

    assert response.status_code == 200
    assert (response.context["is_owner"], response.context["is_participant"]) == (False, True)
    assert set(response.context["steps"]) == {"note", "attachment"}
    html = response.content.decode()
    assert reverse("cases:step", args=[case.code, "note"]) in html
    assert reverse("cases:step", args=[case.code, "attachment"]) in html
    assert reverse("cases:step", args=[case.code, "close"]) not in html

    posted = client.post(
        reverse("cases:step", args=[case.code, "note"]),
        {"note-text": "Paspor asli disimpan di kantor imigrasi."},
    )
    assert posted.status_code == 302
    note = case.events.get(kind=EventKind.NOTE)
    assert (note.agency, note.text) == (cast.imigrasi, "Paspor asli disimpan di kantor imigrasi.")


def test_the_new_owner_keeps_every_step_and_an_uninvolved_agency_gets_404(
    cast, overstay_case, polisi
):
    _hand_over(overstay_case, cast)
    case = Case.objects.get(pk=overstay_case.pk)

    owner = cast.client_for(cast.charlie).get(reverse("cases:case", args=[case.code]))
    assert (owner.context["is_owner"], owner.context["is_participant"]) == (True, True)
    assert {"note", "attachment", "close"} <= set(owner.context["steps"])

    with pytest.raises(NotAllowed):
        require_participant(case, polisi)
    assert cast.client_for(polisi).get(reverse("cases:case", args=[case.code])).status_code == 404
