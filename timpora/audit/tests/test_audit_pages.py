"""The audit log pages: for auditors only, filtered by actor, agency, event and subject."""

from __future__ import annotations

import pytest
from django.urls import reverse

from timpora.accounts import actions


@pytest.fixture
def tokens(cast):
    """One token created by alice (Imigrasi) and one by charlie (Disnaker)."""
    alice_token, _raw = actions.create_api_token(cast.alice, name="a", days=1, actor=cast.alice)
    charlie_token, _raw = actions.create_api_token(
        cast.charlie, name="c", days=1, actor=cast.charlie
    )
    return {"alice": alice_token, "charlie": charlie_token}


def _events(cast, **filters):
    response = cast.client_for(cast.erin).get(reverse("audit:event_list"), filters)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def test_it_shows_the_log_to_an_auditor(cast):
    response = cast.client_for(cast.erin).get(reverse("audit:event_list"))
    assert response.status_code == 200
    assert response.context["page"].object_list


@pytest.mark.parametrize("name", ["alice", "dina", "fajar"])
def test_it_answers_403_to_anyone_but_an_auditor(cast, name):
    client = cast.client_for(getattr(cast, name))
    assert client.get(reverse("audit:event_list")).status_code == 403


def test_it_sends_a_visitor_to_the_log_in(client, db):
    response = client.get(reverse("audit:event_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_filters_by_actor(cast, tokens):
    events = _events(cast, actor="charlie")
    assert events
    assert {event.actor for event in events} == {cast.charlie}


def test_it_filters_by_agency(cast, tokens):
    events = _events(cast, agency="DISNAKER-BTM")
    assert events
    assert {event.agency for event in events} == {cast.disnaker}


def test_it_filters_by_event(cast, tokens):
    events = _events(cast, verb="api_token.created")
    assert {event.subject_code for event in events} == {
        str(tokens["alice"].code),
        str(tokens["charlie"].code),
    }


def test_it_filters_by_subject(cast, tokens):
    events = _events(cast, subject=str(tokens["charlie"].code))
    assert [(e.verb, e.actor) for e in events] == [("api_token.created", cast.charlie)]


def test_it_combines_filters(cast, tokens):
    assert _events(cast, actor="alice", agency="DISNAKER-BTM") == []


def test_it_never_shows_other_actors_when_another_filter_is_malformed(cast, tokens):
    response = cast.client_for(cast.erin).get(
        reverse("audit:event_list"), {"actor": "charlie", "since": "yesterday"}
    )
    assert {event.actor for event in response.context["page"].object_list} <= {cast.charlie}
