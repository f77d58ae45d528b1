"""Access profiles: only coordinators change them, a change takes effect at once and is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from timpora.accounts import actions
from timpora.accounts.choices import AccessLevel, DataCategory
from timpora.accounts.models import AccessGrant
from timpora.audit.models import AuditEvent
from timpora.registry.models import Person
from timpora.testing import TAN, crossing

NOT_COORDINATORS = ["alice", "bob", "charlie", "erin", "fajar", "gita"]


@pytest.fixture
def tourist(cast, facts):
    facts.add(
        "border-crossing",
        [crossing(TAN, "BC-1", "ARRIVAL", "2026-03-01T12:20:00+07:00")],
        source=cast.imigrasi,
    )
    return Person.objects.get(full_name="TAN WEI MING")


def _crossings_level(agency):
    return AccessGrant.objects.get(agency=agency, category=DataCategory.CROSSINGS).level


@pytest.mark.parametrize("name", NOT_COORDINATORS)
def test_it_refuses_an_access_change_from_anyone_but_a_coordinator(cast, name):
    with pytest.raises(PermissionDenied):
        actions.set_access_level(
            cast.disnaker, DataCategory.CROSSINGS, AccessLevel.RECORD, actor=getattr(cast, name)
        )
    assert _crossings_level(cast.disnaker) == AccessLevel.COUNT


@pytest.mark.parametrize("name", NOT_COORDINATORS)
def test_it_refuses_the_two_factor_policy_from_anyone_but_a_coordinator(cast, name):
    with pytest.raises(PermissionDenied):
        actions.set_two_factor_required(cast.disnaker, True, actor=getattr(cast, name))
    cast.disnaker.refresh_from_db()
    assert cast.disnaker.requires_two_factor is False


def test_it_shows_a_manpower_officer_a_tourist_once_crossings_are_granted(cast, tourist):
    client = cast.client_for(cast.charlie)
    url = reverse("registry:person_detail", args=[tourist.code])
    assert client.get(url, {"purpose": "SUPERVISION"}).status_code == 404
    actions.set_access_level(
        cast.disnaker, DataCategory.CROSSINGS, AccessLevel.RECORD, actor=cast.dina
    )
    assert client.get(url, {"purpose": "SUPERVISION"}).status_code == 200


def test_it_hides_the_tourist_again_once_the_grant_is_withdrawn(cast, tourist):
    client = cast.client_for(cast.charlie)
    url = reverse("registry:person_detail", args=[tourist.code])
    actions.set_access_level(
        cast.disnaker, DataCategory.CROSSINGS, AccessLevel.RECORD, actor=cast.dina
    )
    client.get(url, {"purpose": "SUPERVISION"})
    actions.set_access_level(
        cast.disnaker, DataCategory.CROSSINGS, AccessLevel.COUNT, actor=cast.dina
    )
    assert client.get(url, {"purpose": "SUPERVISION"}).status_code == 404


def test_it_audits_an_access_change_with_the_old_and_the_new_level(cast):
    actions.set_access_level(
        cast.disnaker, DataCategory.CROSSINGS, AccessLevel.RECORD, actor=cast.dina
    )
    event = AuditEvent.objects.get(verb="access_profile.changed")
    assert (event.actor, event.subject_code) == (cast.dina, "DISNAKER-BTM")
    assert event.changes == {"CROSSINGS": ["COUNT", "RECORD"]}


def test_it_records_nothing_when_the_level_stays_the_same(cast):
    actions.set_access_level(
        cast.disnaker, DataCategory.CROSSINGS, AccessLevel.COUNT, actor=cast.dina
    )
    assert not AuditEvent.objects.filter(verb="access_profile.changed").exists()


def test_it_audits_the_two_factor_policy(cast):
    actions.set_two_factor_required(cast.disnaker, True, actor=cast.dina)
    event = AuditEvent.objects.get(verb="agency.changed", subject_code="DISNAKER-BTM")
    assert (event.actor, event.changes) == (cast.dina, {"requires_two_factor": [False, True]})
