"""An agency administrator manages the users of their own agency, and only those."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from timpora.accounts import actions
from timpora.accounts.choices import Role
from timpora.accounts.models import ApiToken, User


def _log_in(username, password):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return response, client


def _create_hana(cast):
    return cast.client_for(cast.fajar).post(
        reverse("accounts:user_list"),
        {"username": "hana", "full_name": "Hana Siregar", "role": Role.OFFICER},
    )


def _detail(user):
    return reverse("accounts:user_detail", args=[user.code])


def test_it_creates_a_user_of_the_admins_own_agency(cast):
    response = _create_hana(cast)
    assert response.status_code == 200
    hana = User.objects.get(username="hana")
    assert (hana.agency, hana.role) == (cast.imigrasi, Role.OFFICER)


def test_it_shows_a_generated_password_that_logs_the_new_user_in(cast):
    password = _create_hana(cast).context["created"]["password"]
    response, client = _log_in("hana", password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="hana").pk)


def test_it_shows_the_generated_password_on_the_page_once(cast):
    first = _create_hana(cast)
    password = first.context["created"]["password"]
    assert password in first.content.decode()
    again = cast.client_for(cast.fajar).get(reverse("accounts:user_list"))
    assert password not in again.content.decode()


def test_it_refuses_the_user_pages_to_anyone_but_an_agency_admin(cast):
    assert cast.client_for(cast.alice).get(reverse("accounts:user_list")).status_code == 403


def test_it_lists_only_the_users_of_the_admins_agency(cast):
    response = cast.client_for(cast.fajar).get(reverse("accounts:user_list"))
    names = {user.username for user in response.context["users"]}
    assert "alice" in names
    assert "charlie" not in names


def test_it_answers_404_for_the_page_of_a_user_of_another_agency(cast):
    response = cast.client_for(cast.fajar).get(_detail(cast.charlie))
    assert response.status_code == 404


def test_it_answers_404_to_a_password_reset_for_a_user_of_another_agency(cast):
    response = cast.client_for(cast.fajar).post(
        _detail(cast.charlie), {"operation": "reset_password"}
    )
    assert response.status_code == 404
    assert _log_in("charlie", cast.passwords["charlie"])[0].status_code == 302


@pytest.mark.parametrize(
    "act",
    [
        pytest.param(lambda u, a: actions.reset_password(u, actor=a), id="reset_password"),
        pytest.param(lambda u, a: actions.set_user_active(u, False, actor=a), id="deactivate"),
        pytest.param(lambda u, a: actions.unlock_user(u, actor=a), id="unlock"),
        pytest.param(
            lambda u, a: actions.change_user(
                u, full_name="X", email="", role=Role.COORDINATOR, actor=a
            ),
            id="change_user",
        ),
    ],
)
def test_it_refuses_an_admin_every_action_on_a_user_of_another_agency(cast, act):
    with pytest.raises(PermissionDenied):
        act(cast.charlie, cast.fajar)
    cast.charlie.refresh_from_db()
    assert (cast.charlie.is_active, cast.charlie.role) == (True, Role.OFFICER)


def test_it_refuses_an_admin_creating_a_user_in_another_agency(cast):
    with pytest.raises(PermissionDenied):
        actions.create_user(agency=cast.disnaker, username="hana", actor=cast.fajar)
    assert not User.objects.filter(username="hana").exists()


def test_it_resets_a_password_to_a_new_one_that_logs_in(cast):
    response = cast.client_for(cast.fajar).post(
        _detail(cast.alice), {"operation": "reset_password"}
    )
    new_password = response.context["new_password"]
    assert new_password in response.content.decode()
    assert _log_in("alice", new_password)[0].status_code == 302


def test_it_makes_the_old_password_useless_after_a_reset(cast):
    cast.client_for(cast.fajar).post(_detail(cast.alice), {"operation": "reset_password"})
    assert _log_in("alice", cast.passwords["alice"])[0].status_code == 200


def test_it_deactivates_a_user_who_then_cannot_log_in(cast):
    cast.client_for(cast.fajar).post(_detail(cast.alice), {"operation": "deactivate"})
    response, client = _log_in("alice", cast.passwords["alice"])
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_ends_the_open_session_of_a_deactivated_user(cast):
    alice = cast.client_for(cast.alice)
    actions.set_user_active(cast.alice, False, actor=cast.fajar)
    response = alice.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_revokes_the_api_tokens_of_a_deactivated_user(cast):
    token, _raw = actions.create_api_token(cast.alice, name="sync", days=30, actor=cast.alice)
    cast.client_for(cast.fajar).post(_detail(cast.alice), {"operation": "deactivate"})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not ApiToken.objects.filter(user=cast.alice, revoked_at__isnull=True).exists()


def test_it_refuses_an_admin_changing_their_own_role(cast):
    response = cast.client_for(cast.fajar).post(
        _detail(cast.fajar),
        {"operation": "save", "full_name": "Fajar", "email": "", "role": Role.SUPERVISOR},
    )
    assert response.status_code == 403
    cast.fajar.refresh_from_db()
    assert cast.fajar.role == Role.AGENCY_ADMIN


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.AUDITOR])
def test_it_refuses_an_admin_granting_a_team_role(cast, role):
    with pytest.raises(PermissionDenied):
        actions.create_user(agency=cast.imigrasi, username="newcomer", role=role, actor=cast.fajar)
    with pytest.raises(PermissionDenied):
        actions.change_user(cast.alice, full_name="Alice", email="", role=role, actor=cast.fajar)
    cast.alice.refresh_from_db()
    assert cast.alice.role == Role.OFFICER


def test_it_refuses_an_admin_taking_a_team_role_away(cast):
    with pytest.raises(PermissionDenied):
        actions.change_user(
            cast.dina, full_name="Dina", email="", role=Role.OFFICER, actor=cast.fajar
        )


def test_it_lets_the_platform_operator_grant_a_team_role_on_the_server(cast):
    from django.core.management import call_command

    from timpora.audit.models import AuditEvent

    call_command("setrole", "alice", "COORDINATOR", stdout=io.StringIO())
    cast.alice.refresh_from_db()
    assert cast.alice.role == Role.COORDINATOR
    event = AuditEvent.objects.filter(verb="user.changed", subject_code=str(cast.alice.code)).get()
    assert event.changes == {"role": ["OFFICER", "COORDINATOR"]}
    assert event.actor is None


def test_it_refuses_an_admin_deactivating_themselves(cast):
    with pytest.raises(PermissionDenied):
        actions.set_user_active(cast.fajar, False, actor=cast.fajar)


def test_it_changes_the_role_of_another_user_of_the_agency(cast):
    cast.client_for(cast.fajar).post(
        _detail(cast.alice),
        {"operation": "save", "full_name": "Alice", "email": "", "role": Role.SUPERVISOR},
    )
    cast.alice.refresh_from_db()
    assert cast.alice.role == Role.SUPERVISOR
