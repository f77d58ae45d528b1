"""The referral pages: sending a case to another agency, the receiver's answer, the sender's
withdrawal, the inbox, and 404 for every agency the referral does not involve."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from timpora.accounts.models import User
from timpora.cases.actions.referrals import send_referral
from timpora.cases.choices import ReferralStatus
from timpora.cases.models import Case, Referral
from timpora.testing import Cast

pytestmark = pytest.mark.django_db


def _send(cast: Cast, case: Case, to: Any, **extra: Any) -> Any:
    data = {
        "referral-to_agency": to.code,
        "referral-scope": "CASE",
        "referral-request": "Periksa izin kerja (RPTKA) TAN WEI MING.",
        "referral-legal_basis": "",
        "referral-respond_by": "",
        **extra,
    }
    return cast.client_for(cast.alice).post(reverse("cases:referral_send", args=[case.code]), data)


def _case_page(client: Any, case: Case) -> Any:
    return client.get(reverse("cases:case", args=[case.code]))


def test_it_offers_the_owner_a_referral_form_with_the_usual_legal_bases(
    cast: Cast, overstay_case: Case
) -> None:
    page = _case_page(cast.client_for(cast.alice), overstay_case).content.decode()
    assert reverse("cases:referral_send", args=[overstay_case.code]) in page
    assert "UU 13/2003 dan PP 34/2021 (penggunaan TKA)" in page
    assert "KUHAP" in page
    assert "UU 31/2004 jo. UU 45/2009 (perikanan)" in page
    # Every other agency, never the owner itself.
    [choices] = re.findall(r"<select[^>]*name=\"[a-z-]*to_agency\".*?</select>", page, re.S)
    assert 'value="DISNAKER-BTM"' in choices
    assert 'value="IMI-BTM"' not in choices


def test_it_sends_a_referral_that_the_receiving_agency_finds_in_its_inbox(
    cast: Cast, overstay_case: Case
) -> None:
    response = _send(cast, overstay_case, cast.disnaker)
    assert response.status_code == 302
    referral = Referral.objects.get(case=overstay_case)
    assert referral.to_agency == cast.disnaker
    assert referral.legal_basis == "UU 13/2003 dan PP 34/2021 (penggunaan TKA)"  # the suggestion

    charlie = cast.client_for(cast.charlie)
    inbox = charlie.get(reverse("cases:referrals")).content.decode()
    assert overstay_case.number in inbox
    assert str(referral.code) in inbox
    page = _case_page(charlie, overstay_case)
    assert page.status_code == 200
    assert reverse("cases:referral_decline", args=[referral.code]) in page.content.decode()


def test_it_shows_the_form_again_with_its_errors(cast: Cast, overstay_case: Case) -> None:
    response = _send(cast, overstay_case, cast.disnaker, **{"referral-request": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["request"]
    assert not Referral.objects.exists()


def test_an_officer_of_another_agency_gets_404_for_the_case_and_every_post(
    cast: Cast, overstay_case: Case, polisi: User
) -> None:
    referral = send_referral(
        overstay_case,
        actor=cast.alice,
        to_agency=cast.disnaker,
        request="Periksa izin kerja.",
        legal_basis="UU 13/2003",
    )
    police = cast.client_for(polisi)
    assert _case_page(police, overstay_case).status_code == 404
    posts = [
        (reverse("cases:referral_send", args=[overstay_case.code]), {}),
        (reverse("cases:referral_accept", args=[referral.code]), {}),
        (reverse("cases:referral_decline", args=[referral.code]), {"reason": "no"}),
        (reverse("cases:referral_complete", args=[referral.code]), {"outcome": "done"}),
        (reverse("cases:referral_withdraw", args=[referral.code]), {"reason": "no"}),
    ]
    for url, data in posts:
        assert police.post(url, data).status_code == 404, url
    assert str(referral.code) not in police.get(reverse("cases:referrals")).content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_a_declined_referral_returns_to_the_sender_with_its_reason(
    cast: Cast, overstay_case: Case
) -> None:
    _send(cast, overstay_case, cast.disnaker)
    referral = Referral.objects.get()
    charlie = cast.client_for(cast.charlie)

    empty = charlie.post(reverse("cases:referral_decline", args=[referral.code]), {"reason": " "})
    assert empty.status_code == 200
    assert empty.context["form"].errors["reason"]

    reason = "Bukan wewenang Disnaker: tidak ada hubungan kerja."
    response = charlie.post(
        reverse("cases:referral_decline", args=[referral.code]), {"reason": reason}
    )
    assert response.status_code == 302
    assert response.url == reverse("cases:referrals")
    assert _case_page(charlie, overstay_case).status_code == 404

    alice = cast.client_for(cast.alice)
    alice.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sender = _case_page(alice, overstay_case).content.decode()
    assert reason in sender
    assert "Declined" in sender


def test_accepting_a_transfer_makes_the_receiver_the_owner(cast: Cast, overstay_case: Case) -> None:
    _send(cast, overstay_case, cast.disnaker, **{"referral-transfer": "on"})
    referral = Referral.objects.get()
    charlie = cast.client_for(cast.charlie)
    response = charlie.post(
        reverse("cases:referral_accept", args=[referral.code]), {"note": "Kami ambil alih."}
    )
    assert response.status_code == 302
    overstay_case.refresh_from_db()
    assert overstay_case.owning_agency == cast.disnaker
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    # The new owner reports the outcome back.
    charlie.post(
        reverse("cases:referral_complete", args=[referral.code]), {"outcome": "IMTA diperiksa."}
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    sender = _case_page(cast.client_for(cast.alice), overstay_case)
    assert "IMTA diperiksa." in sender.content.decode()


def test_the_sender_withdraws_and_the_receiver_cannot(cast: Cast, overstay_case: Case) -> None:
    _send(cast, overstay_case, cast.disnaker)
    referral = Referral.objects.get()
    url = reverse("cases:referral_withdraw", args=[referral.code])
    refused = cast.client_for(cast.charlie).post(url, {"reason": "salah kirim"}, follow=True)
    assert refused.status_code == 200
    assert [m.level_tag for m in refused.context["messages"]] == ["error"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT

    cast.client_for(cast.alice).post(url, {"reason": "Salah kirim."})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN


def test_the_inbox_lists_waiting_referrals_first_and_filters_by_status(
    cast: Cast, open_case: Any
) -> None:
    first = open_case(title="Pertama")
    second = open_case(title="Kedua")
    older = send_referral(
        first, actor=cast.alice, to_agency=cast.disnaker, request="A", legal_basis="UU 13/2003"
    )
    from timpora.cases.actions.referrals import accept_referral

    accept_referral(older, actor=cast.charlie)
    waiting = send_referral(
        second, actor=cast.alice, to_agency=cast.disnaker, request="B", legal_basis="UU 13/2003"
    )
    charlie = cast.client_for(cast.charlie)
    received = list(charlie.get(reverse("cases:referrals")).context["received"])
    assert received == [waiting, older]
    only = charlie.get(reverse("cases:referrals"), {"status": "ACCEPTED"}).context["received"]
    assert list(only) == [older]
    sent = cast.client_for(cast.alice).get(reverse("cases:referrals")).context["sent"]
    assert {r.pk for r in sent} == {older.pk, waiting.pk}


def test_auditors_see_no_referral_forms_and_are_refused(cast: Cast, overstay_case: Case) -> None:
    _send(cast, overstay_case, cast.disnaker)
    referral = Referral.objects.get()
    erin = cast.client_for(cast.erin)
    page = _case_page(erin, overstay_case).content.decode()
    assert reverse("cases:referral_send", args=[overstay_case.code]) not in page
    assert reverse("cases:referral_withdraw", args=[referral.code]) not in page
    response = erin.post(
        reverse("cases:referral_send", args=[overstay_case.code]),
        {
            "referral-to_agency": "KESBANGPOL-BTM",
            "referral-scope": "CASE",
            "referral-request": "x",
            "referral-legal_basis": "x",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    erin.post(reverse("cases:referral_withdraw", args=[referral.code]), {"reason": "x"})
    assert Referral.objects.count() == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
