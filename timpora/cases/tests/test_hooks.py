"""What the cases app adds to other pages: "open a case" on an alert's page (a real overstay
alert) and on a review item's page, the person's cases, the navigation and the home figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from timpora.cases.actions import cases as act
from timpora.cases.choices import CaseOrigin, CaseType, Outcome
from timpora.cases.models import Case
from timpora.detection.choices import AlertStatus
from timpora.exchange.tests.samples import run, write
from timpora.matching.models import ReviewItem
from timpora.registry.records import COLUMNS
from timpora.testing import ZHANG, crossing, stay_permit

pytestmark = pytest.mark.django_db


def alert_page(client: Any, alert: Any) -> str:
    return client.get(reverse("detection:alert", args=[alert.code])).content.decode()


def open_from(client: Any, **data: Any) -> Any:
    return client.post(reverse("cases:open"), data, follow=True)


# --- An alert's page ---------------------------------------------------------------------------


def test_the_alert_page_offers_to_open_a_case_of_the_type_its_rule_suggests(cast, overstay_alert):
    body = alert_page(cast.client_for(cast.alice), overstay_alert)

    assert f'action="{reverse("cases:open")}"' in body
    assert f'name="alerts" value="{overstay_alert.code}"' in body
    assert f'<option value="{CaseType.OVERSTAY}" selected>' in body


def test_opening_from_the_alert_page_creates_the_case_and_the_page_then_links_to_it(
    cast, overstay_alert
):
    client = cast.client_for(cast.alice)

    response = open_from(
        client, alerts=str(overstay_alert.code), case_type=CaseType.OVERSTAY, priority="HIGH"
    )

    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cases:case", args=[case.code])
    assert case.origin == CaseOrigin.ALERTS and case.priority == "HIGH"
    assert list(case.alerts.all()) == [overstay_alert]
    assert list(case.persons.all()) == [overstay_alert.person]
    overstay_alert.refresh_from_db()
    assert overstay_alert.status == AlertStatus.ESCALATED
    body = alert_page(client, overstay_alert)
    assert reverse("cases:case", args=[case.code]) in body and case.number in body
    assert f'action="{reverse("cases:open")}"' not in body


def test_opening_twice_from_the_same_alert_gives_the_same_case(cast, overstay_alert):
    client = cast.client_for(cast.alice)
    open_from(client, alerts=str(overstay_alert.code))

    response = open_from(client, alerts=str(overstay_alert.code))

    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cases:case", args=[case.code])
    assert case.number in " ".join(str(m) for m in response.context["messages"])


def test_the_type_defaults_to_the_rules_when_none_is_posted(cast, overstay_alert):
    open_from(cast.client_for(cast.alice), alerts=str(overstay_alert.code))

    assert Case.objects.get().case_type == CaseType.OVERSTAY


@pytest.mark.parametrize("who", ["charlie", "gita"])
def test_an_officer_of_another_agency_cannot_open_a_case_from_the_alert(cast, overstay_alert, who):
    response = cast.client_for(getattr(cast, who)).post(
        reverse("cases:open"), {"alerts": str(overstay_alert.code)}
    )

    assert response.status_code == 404
    assert not Case.objects.exists()


def test_an_auditor_is_not_offered_to_open_a_case_and_is_refused(cast, overstay_alert):
    client = cast.client_for(cast.erin)

    assert f'action="{reverse("cases:open")}"' not in alert_page(client, overstay_alert)
    response = open_from(client, alerts=str(overstay_alert.code))

    assert [str(m) for m in response.context["messages"]]
    assert not Case.objects.exists()


def test_opening_is_post_only(cast, overstay_alert):
    response = cast.client_for(cast.alice).get(reverse("cases:open"))

    assert response.status_code == 405


def test_a_closed_alert_page_offers_no_new_case_but_keeps_the_link(
    cast, overstay_case, overstay_alert
):
    act.close_case(overstay_case, actor=cast.alice, outcome=Outcome.COMPLIED)
    overstay_alert.refresh_from_db()

    body = alert_page(cast.client_for(cast.alice), overstay_alert)

    assert reverse("cases:case", args=[overstay_case.code]) in body
    assert f'action="{reverse("cases:open")}"' not in body


# --- A review item's page ----------------------------------------------------------------------


@pytest.fixture
def review_item(cast: Any, tmp_path: Path) -> ReviewItem:
    """ZHANG WEI arrives; a permit for 张伟 with the same birth date and another passport raises
    a possible duplicate for immigration to review."""
    rows = [crossing(ZHANG, "HN-1", "ARRIVAL", "2026-03-02T18:55:00+07:00")]
    run(
        "border-crossing",
        write(tmp_path / "a.csv", list(COLUMNS["border-crossing"]), rows),
        cast.imigrasi,
    )
    other = {**ZHANG, "full_name": "张伟", "name_original": "", "given_names": "", "surname": ""}
    other["passport_number"] = "EK1112223"
    permits = [stay_permit(other, "2C11AA0001-X")]
    run(
        "stay-permit",
        write(tmp_path / "b.csv", list(COLUMNS["stay-permit"]), permits),
        cast.imigrasi,
    )
    return ReviewItem.objects.get()


def test_the_review_item_page_offers_to_open_an_identity_conflict_case(cast, review_item):
    client = cast.client_for(cast.alice)
    page = reverse("matching:review_item", args=[review_item.code])
    body = client.get(page).content.decode()
    assert f'name="review_item" value="{review_item.code}"' in body
    assert f'<option value="{CaseType.IDENTITY_CONFLICT}" selected>' in body

    response = open_from(client, review_item=str(review_item.code))

    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cases:case", args=[case.code])
    assert case.origin == CaseOrigin.REVIEW and case.review_item == review_item
    assert case.case_type == CaseType.IDENTITY_CONFLICT
    assert set(case.persons.all()) == {review_item.person, review_item.other_person}
    assert reverse("cases:case", args=[case.code]) in client.get(page).content.decode()


def test_an_officer_of_another_agency_cannot_open_a_case_from_the_review_item(cast, review_item):
    response = cast.client_for(cast.charlie).post(
        reverse("cases:open"), {"review_item": str(review_item.code)}
    )

    assert response.status_code == 404
    assert not Case.objects.exists()


# --- A person's page, the navigation, the home page ---------------------------------------------


def test_the_person_page_lists_the_persons_cases_for_who_sees_them(cast, overstay_case):
    person = overstay_case.persons.get()
    url = reverse("registry:person_detail", args=[person.code]) + "?purpose=INVESTIGATION"

    body = cast.client_for(cast.alice).get(url).content.decode()

    assert reverse("cases:case", args=[overstay_case.code]) in body


def test_the_person_page_hides_cases_the_user_may_not_see(cast, overstay_case, world):
    person = overstay_case.persons.get()
    # Manpower sees the person once they hold a work permit; the case stays immigration's.
    who = world.person(passport="K1234567A")
    world.work_permit(who)
    url = reverse("registry:person_detail", args=[person.code]) + "?purpose=SUPERVISION"

    response = cast.client_for(cast.charlie).get(url)

    assert response.status_code == 200
    assert overstay_case.number not in response.content.decode()


def nav(response: Any) -> list[str]:
    return [key for _url, _label, key in response.context["nav_items"]]


def test_the_navigation_offers_cases_my_work_and_referrals_to_who_works_on_cases(cast):
    assert {"cases", "my_work", "referrals"} <= set(
        nav(cast.client_for(cast.alice).get(reverse("core:home")))
    )
    assert "cases" not in nav(cast.client_for(cast.gita).get(reverse("core:home")))


def test_the_home_page_shows_my_open_cases_and_overdue_tasks(cast, open_case):
    open_case(title="Mine", assignee=cast.alice)

    response = cast.client_for(cast.alice).get(reverse("core:home"))

    work = reverse("cases:my_work")
    [panel] = [p for p in response.context["panels"] if any(f.url == work for f in p.figures)]
    figures = [figure.value for figure in panel.figures]
    assert figures[0] == 1


def test_the_inbox_opens_one_case_from_the_checked_alerts(cast, world):
    for name, passport in (("TAN WEI MING", "K1234567A"), ("LIM AH KOW", "K7654321B")):
        who = world.person(name, passport=passport)
        world.arrive(who, "2026-03-01 10:00", until="2026-03-30")
    world.detect("2026-04-20", "OVERSTAY")
    alerts = world.alerts("OVERSTAY")
    client = cast.client_for(cast.alice)
    assert (
        f'formaction="{reverse("cases:open")}"'
        in client.get(reverse("detection:inbox")).content.decode()
    )

    response = open_from(client, alerts=[str(a.code) for a in alerts], bulk="case", query="")

    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cases:case", args=[case.code])
    assert set(case.alerts.all()) == set(alerts)
    assert case.persons.count() == 2 and case.case_type == CaseType.OVERSTAY
