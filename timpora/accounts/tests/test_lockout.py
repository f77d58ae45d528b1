"""Lock-out after repeated failed log-ins (django-axes), per user name, lifted by an admin."""

from __future__ import annotations

from django.urls import reverse

from timpora.accounts import actions
from timpora.audit.models import AuditEvent


def _log_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _fail(client, username, times):
    for _ in range(times):
        _log_in(client, username, "a-wrong-password")


def test_it_still_lets_a_user_in_one_failure_before_the_limit(cast, client, settings):
    _fail(client, "alice", settings.AXES_FAILURE_LIMIT - 1)
    assert _log_in(client, "alice", cast.passwords["alice"]).status_code == 302


def test_it_locks_a_user_out_after_the_limit_even_with_the_right_password(cast, client, settings):
    _fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    response = _log_in(client, "alice", cast.passwords["alice"])
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session


def test_it_audits_the_lock_out(cast, client, settings):
    _fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    assert AuditEvent.objects.filter(verb="user.locked_out", subject_code="alice").exists()


def test_it_locks_out_only_the_user_name_that_failed(cast, client, settings):
    _fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    assert _log_in(client, "bob", cast.passwords["bob"]).status_code == 302


def test_it_lets_a_user_in_again_once_an_agency_admin_lifts_the_lock(cast, client, settings):
    _fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    actions.unlock_user(cast.alice, actor=cast.fajar)
    assert _log_in(client, "alice", cast.passwords["alice"]).status_code == 302


def test_it_audits_the_lifting_of_a_lock(cast, client, settings):
    _fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    actions.unlock_user(cast.alice, actor=cast.fajar)
    event = AuditEvent.objects.get(verb="user.unlocked")
    assert (event.actor, event.subject_code) == (cast.fajar, str(cast.alice.code))


def test_it_lifts_a_lock_from_the_user_page(cast, client, settings):
    _fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    url = reverse("accounts:user_detail", args=[cast.alice.code])
    cast.client_for(cast.fajar).post(url, {"operation": "unlock"})
    assert _log_in(client, "alice", cast.passwords["alice"]).status_code == 302
