"""The administrative action pages: the propose form with the fields of the chosen kind, the
overstay charge computed from the form, approval by a second person, execution with its
payment, a deportation with an entry ban written back to the watch list, and refusals."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from timpora.accounts.models import User
from timpora.cases import measures
from timpora.cases.actions.measures import approve_action, propose_action
from timpora.cases.actions.referrals import accept_referral, send_referral
from timpora.cases.choices import ActionKind, ActionStatus
from timpora.cases.models import AdministrativeAction, Case, Deadline
from timpora.matching.models import WatchlistEntry
from timpora.registry.models import Person
from timpora.testing import Cast

pytestmark = pytest.mark.django_db

DEPORTATION = {
    "details-route": "Batam Centre - Singapore HarbourFront (ferry)",
    "details-checkpoint": "BTM-BC",
    "details-departure_on": "25-04-2026",
    "details-escort": "alice",
    "details-entry_ban_years": "2",
    "details-entry_ban_reason": "Overstay dan bekerja tanpa izin",
}


@pytest.fixture
def tan(overstay_case: Case) -> Person:
    return overstay_case.persons.get()


def _page(client: Any, case: Case) -> str:
    response = client.get(reverse("cases:case", args=[case.code]))
    assert response.status_code == 200
    return str(response.content.decode())


def _propose(client: Any, case: Case, person: Person, kind: str, **details: str) -> Any:
    data = {
        "action-kind": kind,
        "action-person": str(person.code),
        "action-grounds": "Overstay ditemukan saat pemeriksaan.",
        "action-legal_basis": "",
        **details,
    }
    return client.post(reverse("cases:action_propose", args=[case.code]), data)


def _charge(client: Any, case: Case, person: Person) -> Any:
    return _propose(
        client,
        case,
        person,
        ActionKind.OVERSTAY_CHARGE,
        **{"details-authorised_until": "30-03-2026", "details-as_of": "20-04-2026"},
    )


def _approve(client: Any, action: AdministrativeAction) -> Any:
    return client.post(reverse("cases:action_approve", args=[action.code]), {"approve-note": ""})


def _execute(client: Any, action: AdministrativeAction, **extra: str) -> Any:
    data = {"execute-executed_on": "", "execute-note": "Selesai.", **extra}
    return client.post(reverse("cases:action_execute", args=[action.code]), data)


# --- The form ----------------------------------------------------------------------------------


def test_the_owner_sees_the_propose_form_with_the_fields_of_the_first_kind(
    cast: Cast, overstay_case: Case
) -> None:
    page = _page(cast.client_for(cast.alice), overstay_case)
    assert 'id="action-fields"' in page
    assert 'name="action-kind"' in page
    assert 'name="details-years"' in page  # penangkalan: the years of the ban
    # The form posts the kind its fields belong to.
    assert '<input type="hidden" name="action-kind" value="PENANGKALAN"' in page
    assert "TAN WEI MING" in page
    assert reverse("cases:action_propose", args=[overstay_case.code]) in page


def test_choosing_a_kind_swaps_its_fields_for_htmx_and_shows_a_page_without_it(
    cast: Cast, overstay_case: Case
) -> None:
    url = reverse("cases:action_propose", args=[overstay_case.code])
    alice = cast.client_for(cast.alice)
    fragment = alice.get(url, {"action-kind": "DEPORTATION"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in html
    assert html.strip().startswith("<fieldset")
    assert 'name="details-route"' in html and 'name="details-checkpoint"' in html
    assert 'name="details-years"' not in html
    assert 'value="DEPORTATION"' in html
    assert measures.spec(ActionKind.DEPORTATION).legal_basis in html

    page = alice.get(url, {"action-kind": "OVERSTAY_CHARGE"}).content.decode()
    assert "<html" in page
    assert 'name="details-authorised_until"' in page and 'name="details-as_of"' in page
    assert 'name="details-route"' not in page


def test_no_propose_form_for_an_owner_that_is_not_immigration(
    cast: Cast, overstay_case: Case
) -> None:
    referral = send_referral(
        overstay_case,
        actor=cast.alice,
        to_agency=cast.disnaker,
        request="Ambil alih.",
        legal_basis="UU 13/2003",
        transfer=True,
    )
    accept_referral(referral, actor=cast.charlie)
    page = _page(cast.client_for(cast.charlie), overstay_case)
    assert 'id="action-fields"' not in page


def test_validation_errors_are_shown_next_to_their_fields(
    cast: Cast, overstay_case: Case, tan: Person
) -> None:
    alice = cast.client_for(cast.alice)
    too_long = _propose(
        alice,
        overstay_case,
        tan,
        ActionKind.PENANGKALAN,
        **{"details-years": "11", "details-reason": "x"},
    )
    assert too_long.status_code == 200
    assert too_long.context["details"].errors["years"]

    no_reason = _propose(
        alice,
        overstay_case,
        tan,
        ActionKind.DEPORTATION,
        **{**DEPORTATION, "details-entry_ban_reason": ""},
    )
    assert no_reason.status_code == 200
    with translation.override("id"):  # the page's language
        expected = gettext("An entry ban needs its reason.")
    assert expected in str(no_reason.context["details"].non_field_errors())

    no_overstay = _propose(
        alice,
        overstay_case,
        tan,
        ActionKind.OVERSTAY_CHARGE,
        **{"details-authorised_until": "30-03-2026", "details-as_of": "29-03-2026"},
    )
    assert no_overstay.status_code == 200
    assert no_overstay.context["details"].non_field_errors()
    assert not AdministrativeAction.objects.exists()


# --- The overstay charge, approved by a second person --------------------------------------


def test_an_overstay_charge_is_proposed_approved_by_bob_and_executed_with_its_payment(
    cast: Cast, overstay_case: Case, tan: Person
) -> None:
    alice, bob = cast.client_for(cast.alice), cast.client_for(cast.bob)
    response = _charge(alice, overstay_case, tan)
    assert response.status_code == 302
    action = AdministrativeAction.objects.get()
    expected = measures.overstay_charge(date(2026, 3, 30), date(2026, 4, 20))
    assert action.days == 21 == expected.days
    assert action.amount == expected.amount
    assert action.legal_basis == measures.spec(ActionKind.OVERSTAY_CHARGE).legal_basis

    page = _page(alice, overstay_case)
    part = expected.parts[0]
    per_day = measures.rupiah(part.per_day)
    assert f"{part.days} \u00d7 {per_day} = {measures.rupiah(part.subtotal)}" in page
    assert expected.amount_text in page
    approve_url = reverse("cases:action_approve", args=[action.code])
    assert approve_url not in page  # alice proposed it, and she is no supervisor

    _approve(alice, action)
    action.refresh_from_db()
    assert action.status == ActionStatus.PROPOSED

    assert approve_url in _page(bob, overstay_case)
    assert _approve(bob, action).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.APPROVED and action.approved_by == cast.bob

    missing = _execute(alice, action)
    assert missing.status_code == 200
    assert missing.context["forms"][1].errors["receipt_number"]
    today = timezone.localdate().strftime("%d-%m-%Y")
    done = _execute(
        alice, action, **{"payment-paid_on": today, "payment-receipt_number": "PNBP-2026-0042"}
    )
    assert done.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.EXECUTED
    assert action.details["payment"]["receipt_number"] == "PNBP-2026-0042"
    assert "PNBP-2026-0042" in _page(alice, overstay_case)


def test_a_supervisor_who_proposed_cannot_approve_and_a_coordinator_can(
    cast: Cast, overstay_case: Case, tan: Person
) -> None:
    bob = cast.client_for(cast.bob)
    _charge(bob, overstay_case, tan)
    action = AdministrativeAction.objects.get()
    assert action.proposed_by == cast.bob
    assert reverse("cases:action_approve", args=[action.code]) not in _page(bob, overstay_case)
    refused = _approve(bob, action)
    assert refused.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.PROPOSED

    _approve(cast.client_for(cast.dina), action)
    action.refresh_from_db()
    assert action.status == ActionStatus.APPROVED and action.approved_by == cast.dina


# --- Deportation with an entry ban -------------------------------------------------------------


def test_a_deportation_with_an_entry_ban_lists_the_person_for_penangkalan(
    cast: Cast, overstay_case: Case, tan: Person
) -> None:
    alice = cast.client_for(cast.alice)
    assert (
        _propose(alice, overstay_case, tan, ActionKind.DEPORTATION, **DEPORTATION).status_code
        == 302
    )
    action = AdministrativeAction.objects.get(kind=ActionKind.DEPORTATION)
    assert action.details["checkpoint"] == "BTM-BC" and action.details["entry_ban_years"] == 2
    _approve(cast.client_for(cast.bob), action)
    assert _execute(alice, action).status_code == 302

    action.refresh_from_db()
    assert action.status == ActionStatus.EXECUTED
    entry = WatchlistEntry.objects.get(source_key=f"TAK-{action.code}")
    assert entry.list == "PENANGKALAN"
    assert entry.full_name == "TAN WEI MING"
    assert action.watchlist_entry == entry
    page = _page(alice, overstay_case)
    assert "watchlist-entry" in page


# --- Cancelling and deadlines ------------------------------------------------------------------


def test_cancelling_needs_a_reason(cast: Cast, overstay_case: Case, tan: Person) -> None:
    alice = cast.client_for(cast.alice)
    _charge(alice, overstay_case, tan)
    action = AdministrativeAction.objects.get()
    url = reverse("cases:action_cancel", args=[action.code])
    empty = alice.post(url, {"cancel-reason": ""})
    assert empty.status_code == 200 and empty.context["forms"][0].errors["reason"]
    alice.post(url, {"cancel-reason": "Sudah membayar di TPI."})
    action.refresh_from_db()
    assert action.status == ActionStatus.CANCELLED
    assert "Sudah membayar di TPI." in _page(alice, overstay_case)


def test_an_urgent_action_shows_its_written_order_deadline_overdue_in_words(
    cast: Cast, overstay_case: Case, tan: Person
) -> None:
    alice = cast.client_for(cast.alice)
    _propose(
        alice,
        overstay_case,
        tan,
        ActionKind.OVERSTAY_CHARGE,
        **{
            "action-urgent": "on",
            "details-authorised_until": "30-03-2026",
            "details-as_of": "20-04-2026",
        },
    )
    deadline = Deadline.objects.get()
    # Two days later, the written order is still not issued.
    Deadline.objects.filter(pk=deadline.pk).update(due_at=timezone.now() - timedelta(days=2))
    page = _page(alice, overstay_case)
    assert "deadline-overdue" in page
    with translation.override("id"):  # the page's language
        assert gettext("overdue by %(time)s") % {"time": "2"} in page

    meet = reverse("cases:deadline_meet", args=[overstay_case.code, deadline.code])
    assert alice.post(meet, {"meet-note": "SP terbit"}).status_code == 302
    deadline.refresh_from_db()
    assert deadline.met_at is not None


# --- Scope and refusals ------------------------------------------------------------------------


def test_an_officer_of_another_agency_gets_404_for_every_action_page(
    cast: Cast, overstay_case: Case, tan: Person, polisi: User
) -> None:
    action = propose_action(
        overstay_case,
        actor=cast.alice,
        kind=ActionKind.OVERSTAY_CHARGE,
        person=tan,
        grounds="Overstay",
        details={"authorised_until": "2026-03-30", "as_of": "2026-04-20"},
        urgent=True,
    )
    deadline = Deadline.objects.get()
    police = cast.client_for(polisi)
    urls = [
        reverse("cases:action_propose", args=[overstay_case.code]),
        reverse("cases:action_approve", args=[action.code]),
        reverse("cases:action_execute", args=[action.code]),
        reverse("cases:action_cancel", args=[action.code]),
        reverse("cases:deadline_meet", args=[overstay_case.code, deadline.code]),
    ]
    for url in urls:
        assert police.post(url, {"cancel-reason": "x"}).status_code == 404, url
    assert police.get(urls[0]).status_code == 404
    action.refresh_from_db()
    assert action.status == ActionStatus.PROPOSED


def test_auditors_see_no_write_forms_and_are_refused(
    cast: Cast, overstay_case: Case, tan: Person
) -> None:
    action = propose_action(
        overstay_case,
        actor=cast.alice,
        kind=ActionKind.OVERSTAY_CHARGE,
        person=tan,
        grounds="Overstay",
        details={"authorised_until": "2026-03-30", "as_of": "2026-04-20"},
    )
    erin = cast.client_for(cast.erin)
    page = _page(erin, overstay_case)
    assert 'id="action-fields"' not in page
    for name in ("action_approve", "action_execute", "action_cancel"):
        assert reverse(f"cases:{name}", args=[action.code]) not in page

    refused = _approve(erin, action)
    assert refused.status_code == 302
    refused = erin.post(
        reverse("cases:action_cancel", args=[action.code]), {"cancel-reason": "x"}, follow=True
    )
    assert {m.level_tag for m in refused.context["messages"]} == {"error"}
    proposal = _charge(erin, overstay_case, tan)
    assert proposal.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.PROPOSED
    assert AdministrativeAction.objects.count() == 1

    approve_action(action, actor=cast.bob)
    _execute(erin, action, **{"payment-paid_on": "01-05-2026", "payment-receipt_number": "R"})
    action.refresh_from_db()
    assert action.status == ActionStatus.APPROVED


def test_a_permit_action_names_the_persons_permit_by_its_code(
    cast: Cast, open_case: Any, people: dict[str, Any]
) -> None:
    nguyen = people["NGUYEN VAN THANG"]
    case = open_case(persons=[nguyen], title="NGUYEN VAN THANG")
    permit = nguyen.staypermits.get()
    alice = cast.client_for(cast.alice)
    url = reverse("cases:action_propose", args=[case.code])
    form = alice.get(url, {"action-kind": "PERMIT_CANCEL"}).content.decode()
    assert f'value="{permit.code}"' in form

    response = _propose(
        alice, case, nguyen, ActionKind.PERMIT_CANCEL, **{"action-permit": str(permit.code)}
    )
    assert response.status_code == 302
    action = AdministrativeAction.objects.get()
    assert action.permit == permit
    _approve(cast.client_for(cast.bob), action)
    _execute(alice, action)
    action.refresh_from_db()
    assert action.status == ActionStatus.EXECUTED
    assert nguyen.staypermits.filter(status="CANCELLED").exists()
