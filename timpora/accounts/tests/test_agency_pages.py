"""An agency's page: its access profile shown to its own users, edited by coordinators."""

from __future__ import annotations

from django.urls import reverse

from timpora.accounts.choices import AccessLevel, DataCategory
from timpora.accounts.models import AccessGrant


def _url(agency):
    return reverse("accounts:agency_detail", args=[agency.code])


def _profile_form(agency, **changes):
    data = dict(agency.access_grants.values_list("category", "level"))
    data.update(changes)
    return data


def _level(agency, category):
    return AccessGrant.objects.get(agency=agency, category=category).level


def _shown_levels(response):
    """The profile as shown, by category code (the page lists it in category order)."""
    levels = [level for _label, level in response.context["levels"]]
    return dict(zip(DataCategory.values, levels, strict=True))


def test_it_saves_the_access_profile_a_coordinator_posts(cast):
    response = cast.client_for(cast.dina).post(
        _url(cast.disnaker), _profile_form(cast.disnaker, CROSSINGS=AccessLevel.RECORD)
    )
    assert response.status_code == 302
    assert _level(cast.disnaker, DataCategory.CROSSINGS) == AccessLevel.RECORD


def test_it_saves_the_two_factor_policy_a_coordinator_posts(cast):
    form = _profile_form(cast.disnaker, requires_two_factor="on")
    cast.client_for(cast.dina).post(_url(cast.disnaker), form)
    cast.disnaker.refresh_from_db()
    assert cast.disnaker.requires_two_factor is True


def test_it_changes_nothing_else_when_a_coordinator_posts_one_change(cast):
    before = dict(cast.disnaker.access_grants.values_list("category", "level"))
    cast.client_for(cast.dina).post(
        _url(cast.disnaker), _profile_form(cast.disnaker, CROSSINGS=AccessLevel.RECORD)
    )
    after = dict(cast.disnaker.access_grants.values_list("category", "level"))
    assert {k: v for k, v in after.items() if before[k] != v} == {"CROSSINGS": "RECORD"}


def test_it_answers_403_to_an_officer_who_posts_the_form(cast):
    response = cast.client_for(cast.charlie).post(
        _url(cast.disnaker), _profile_form(cast.disnaker, CROSSINGS=AccessLevel.RECORD)
    )
    assert response.status_code == 403
    assert _level(cast.disnaker, DataCategory.CROSSINGS) == AccessLevel.COUNT


def test_it_gives_the_form_to_a_coordinator_only(cast):
    assert cast.client_for(cast.dina).get(_url(cast.disnaker)).context["form"] is not None
    assert cast.client_for(cast.charlie).get(_url(cast.disnaker)).context["form"] is None


def test_it_shows_an_agency_its_own_access_profile(cast):
    response = cast.client_for(cast.charlie).get(_url(cast.disnaker))
    assert response.status_code == 200
    assert _shown_levels(response)["CROSSINGS"] == AccessLevel.COUNT


def test_it_hides_an_agencys_access_profile_from_other_agencies(cast):
    response = cast.client_for(cast.alice).get(_url(cast.disnaker))
    assert response.status_code == 200
    assert response.context["levels"] is None
