"""The table of who may send what: read by all staff, edited by a coordinator."""

from __future__ import annotations

from django.urls import reverse

from timpora.accounts.models import Agency
from timpora.audit.models import AuditEvent
from timpora.exchange.permissions import permission_for, permissions_of

URL = reverse("exchange:permissions")


def _row(agency, **changes):
    """The agency's row as the page shows it (ticked kinds are sent as "on"), with changes."""
    data = {"agency": agency.code}
    for kind, permission in permissions_of(agency).items():
        if permission.allowed:
            data[kind] = "on"
        if kind == "watchlist-entry":
            data["lists"] = list(permission.lists)
    for kind, value in changes.items():
        kind = kind.replace("_", "-")
        if value is True:
            data[kind] = "on"
        elif value is False:
            data.pop(kind, None)
        else:
            data[kind] = value
    return data


def test_it_lets_a_coordinator_allow_an_agency_a_kind(cast):
    response = cast.client_for(cast.dina).post(URL, _row(cast.disnaker, border_crossing=True))
    assert response.status_code == 302
    assert permission_for(cast.disnaker, "border-crossing").allowed


def test_it_changes_nothing_else_in_the_row(cast):
    before = permissions_of(cast.disnaker)
    cast.client_for(cast.dina).post(URL, _row(cast.disnaker, border_crossing=True))
    after = permissions_of(cast.disnaker)
    assert {k for k in before if before[k] != after[k]} == {"border-crossing"}


def test_it_records_each_change_in_the_audit_log(cast):
    cast.client_for(cast.dina).post(URL, _row(cast.disnaker, border_crossing=True, company=False))
    events = AuditEvent.objects.filter(verb="exchange.permission_changed", actor=cast.dina)
    assert sorted(e.changes["kind"] for e in events) == ["border-crossing", "company"]
    assert {e.subject_code for e in events} == {cast.disnaker.code}


def test_it_lets_a_coordinator_set_the_watch_lists_an_agency_may_send(cast):
    police = Agency.objects.filter(kind="POLICE").first()
    cast.client_for(cast.dina).post(URL, _row(police, lists=["DPO", "INTERPOL"]))
    assert permission_for(police, "watchlist-entry").lists == ("DPO", "INTERPOL")


def test_it_answers_403_to_an_officer_who_posts_the_table(cast):
    response = cast.client_for(cast.charlie).post(URL, _row(cast.disnaker, border_crossing=True))
    assert response.status_code == 403
    assert not permission_for(cast.disnaker, "border-crossing").allowed
    assert not AuditEvent.objects.filter(verb="exchange.permission_changed").exists()


def test_it_shows_the_table_to_every_staff_member_without_a_form(cast):
    response = cast.client_for(cast.charlie).get(URL)
    rows = {row["agency"].code: row for row in response.context["rows"]}
    assert response.status_code == 200
    assert rows["DISNAKER-BTM"]["form"] is None
    assert 'form="permissions-' not in response.content.decode()
    allowed = [c["kind"] for c in rows["DISNAKER-BTM"]["cells"] if c["permission"].allowed]
    assert allowed == ["company", "work-permit"]


def test_it_shows_the_watch_lists_an_agency_may_send(cast):
    page = cast.client_for(cast.alice).get(URL).content.decode()
    assert "DPO" in page


def test_it_gives_a_coordinator_a_form_per_agency(cast):
    response = cast.client_for(cast.dina).get(URL)
    assert all(row["form"] is not None for row in response.context["rows"])
    assert 'form="permissions-DISNAKER-BTM"' in response.content.decode()


def test_it_asks_for_a_log_in(client):
    assert client.get(URL).status_code == 302


def test_it_reads_the_table_in_as_many_queries_whatever_the_number_of_agencies(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from timpora.accounts.actions import ensure_agency

    client = cast.client_for(cast.dina)
    with CaptureQueriesContext(connection) as before:
        assert client.get(URL).status_code == 200
    for number in range(5):
        ensure_agency(code=f"X-{number}", name=f"Agency {number}", kind="POLICE", actor=None)
    with CaptureQueriesContext(connection) as after:
        response = client.get(URL)
    assert response.status_code == 200
    assert b"X-4" in response.content
    assert len(after) == len(before)
