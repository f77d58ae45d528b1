"""Log-in with a user name and a password through the real log-in page."""

from __future__ import annotations

from django.urls import reverse

from timpora.audit.models import AuditEvent


def _log_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_it_logs_a_user_in_with_the_right_password(cast, client):
    response = _log_in(client, "alice", cast.passwords["alice"])
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session["_auth_user_id"] == str(cast.alice.pk)


def test_it_opens_the_home_page_after_the_log_in(cast, client):
    _log_in(client, "alice", cast.passwords["alice"])
    assert client.get(reverse("core:home")).status_code == 200


def test_it_shows_an_error_for_a_wrong_password(cast, client):
    response = _log_in(client, "alice", "not-her-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_it_gives_the_same_error_for_an_unknown_user_name(cast, client):
    wrong_password = _log_in(client, "alice", "not-her-password")
    unknown_user = _log_in(client, "nobody", "not-a-password")
    assert unknown_user.context["form"].non_field_errors() == (
        wrong_password.context["form"].non_field_errors()
    )


def test_it_audits_a_log_in(cast, client):
    _log_in(client, "alice", cast.passwords["alice"])
    event = AuditEvent.objects.get(verb="user.logged_in")
    assert (event.actor, event.subject_code) == (cast.alice, str(cast.alice.code))


def test_it_audits_a_failed_log_in_with_the_user_name_typed(cast, client):
    _log_in(client, "alice", "not-her-password")
    event = AuditEvent.objects.get(verb="user.login_failed")
    assert (event.actor, event.subject_code) == (None, "alice")


def test_it_ignores_a_next_address_on_another_host(cast, client):
    response = client.post(
        reverse("accounts:login"),
        {
            "username": "alice",
            "password": cast.passwords["alice"],
            "next": "https://evil.example/steal",
        },
    )
    assert response["Location"] == reverse("core:home")
