"""Every page that shows a case's persons or requests records the read with its purpose, not
only the case page: the action and referral step pages, the proposal form, the referral inbox
and my work."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from timpora.audit.models import AuditEvent
from timpora.cases.actions.measures import propose_action
from timpora.cases.actions.referrals import send_referral
from timpora.cases.choices import ActionKind
from timpora.cases.models import AdministrativeAction, Case

pytestmark = pytest.mark.django_db


def _reads(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("seq"))


def test_action_pages_record_the_read(
    approved_deportation: AdministrativeAction, tan_case: Case, cast: Any
) -> None:
    bob = cast.client_for(cast.bob)
    for url in (
        reverse("cases:action_execute", args=[approved_deportation.code]),
        reverse("cases:action_cancel", args=[approved_deportation.code]),
        reverse("cases:action_propose", args=[tan_case.code]),
    ):
        assert bob.get(url).status_code == 200
    reads = _reads("cases.viewed")
    assert [r.changes["page"] for r in reads] == [
        "action_execute",
        "action_cancel",
        "action_propose",
    ]
    assert {(r.subject_code, r.purpose, r.actor_id) for r in reads} == {
        (str(tan_case.code), "INVESTIGATION", cast.bob.pk)
    }


def test_referral_pages_and_lists_record_the_read(tan_case: Case, tan: Any, cast: Any) -> None:
    propose_action(
        tan_case, actor=cast.alice, kind=ActionKind.PENANGKALAN, person=tan,
        grounds="Overstay", details={"years": 1, "reason": "Overstay"},
    )  # fmt: skip
    referral = send_referral(
        tan_case, actor=cast.alice, to_agency=cast.disnaker, request="Check the employer",
        legal_basis="PP 34/2021",
    )  # fmt: skip
    charlie = cast.client_for(cast.charlie)
    assert charlie.get(reverse("cases:referral_accept", args=[referral.code])).status_code == 200
    assert charlie.get(reverse("cases:referrals")).status_code == 200
    assert cast.client_for(cast.bob).get(reverse("cases:my_work")).status_code == 200
    [step] = _reads("cases.viewed")
    assert (step.changes["page"], step.actor_id) == ("referral_accept", cast.charlie.pk)
    inbox, work = _reads("cases.listed")
    assert (inbox.changes["page"], inbox.changes["cases"]) == ("referrals", [tan_case.number])
    assert (work.changes["page"], work.actor_id) == ("my_work", cast.bob.pk)
    assert (
        tan_case.number in work.changes["cases"]
    )  # the deportation awaits nobody; the case is bob's
    assert {inbox.purpose, work.purpose} == {"SUPERVISION"}


def test_the_api_referral_list_records_the_read(tan_case: Case, cast: Any) -> None:
    send_referral(
        tan_case, actor=cast.alice, to_agency=cast.disnaker, request="Check the employer",
        legal_basis="PP 34/2021",
    )  # fmt: skip
    response = cast.client_for(cast.charlie).get("/api/v1/referrals")
    assert response.json()["count"] == 1
    [listed] = _reads("cases.listed")
    assert (listed.changes["page"], listed.changes["cases"]) == (
        "api_referrals",
        [tan_case.number],
    )
    assert (listed.actor_id, listed.purpose) == (cast.charlie.pk, "SUPERVISION")
