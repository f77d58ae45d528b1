"""Personal API tokens: shown once, stored as a hash, expiring, revocable."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from timpora.accounts import actions
from timpora.accounts.models import ApiToken


def _token(user, days=30):
    return actions.create_api_token(user, name="sync", days=days, actor=user)


def _me(raw):
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


def _every_value_in_the_database():
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                yield from (str(value) for value in row)


def _assert_unauthenticated_problem(response):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/unauthenticated")
    assert (body["title"], body["status"]) == ("Unauthorized", 401)
    assert body["detail"]


def test_it_authenticates_a_caller_with_a_bearer_token(cast):
    _token_row, raw = _token(cast.alice)
    response = _me(raw)
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_it_stores_only_the_sha256_of_a_token(cast):
    token, raw = _token(cast.alice)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    secret = raw.split("_", 2)[2]  # tmp_<prefix>_<secret>
    assert not [value for value in _every_value_in_the_database() if secret in value]


def test_it_notes_when_a_token_was_last_used(cast):
    token, raw = _token(cast.alice)
    _me(raw)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_refuses_an_expired_token_with_a_problem(cast):
    token, raw = _token(cast.alice, days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    _assert_unauthenticated_problem(_me(raw))


def test_it_refuses_a_revoked_token(cast):
    token, raw = _token(cast.alice)
    actions.revoke_api_token(token, actor=cast.alice)
    _assert_unauthenticated_problem(_me(raw))


def test_it_refuses_the_token_of_a_deactivated_user(cast):
    _token_row, raw = _token(cast.alice)
    actions.set_user_active(cast.alice, False, actor=cast.fajar)
    _assert_unauthenticated_problem(_me(raw))


def test_it_refuses_a_made_up_token(cast):
    _token_row, raw = _token(cast.alice)
    _assert_unauthenticated_problem(_me(raw[:-4] + "AAAA"))


def test_it_asks_for_a_bearer_token_in_the_challenge(cast):
    assert Client().get("/api/v1/me")["WWW-Authenticate"] == 'Bearer realm="timpora"'


def test_it_shows_a_new_token_on_the_token_page_once(cast):
    client = cast.client_for(cast.alice)
    created = client.post(reverse("accounts:token_list"), {"name": "APOA sync", "days": 30})
    raw = created.context["created"]["raw"]
    assert raw in created.content.decode()
    assert _me(raw).status_code == 200
    assert raw not in client.get(reverse("accounts:token_list")).content.decode()


def test_it_revokes_a_token_from_the_token_page(cast):
    token, raw = _token(cast.alice)
    cast.client_for(cast.alice).post(reverse("accounts:token_revoke", args=[token.code]))
    assert _me(raw).status_code == 401


def test_it_answers_404_to_someone_revoking_another_users_token(cast):
    token, raw = _token(cast.alice)
    url = reverse("accounts:token_revoke", args=[token.code])
    assert cast.client_for(cast.charlie).post(url).status_code == 404
    assert _me(raw).status_code == 200


def test_it_serves_the_api_to_a_logged_in_session(cast):
    response = cast.client_for(cast.alice).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["agency"]["code"] == "IMI-BTM"


# A session-authenticated POST without its CSRF token is refused: see
# timpora/exchange/tests/test_api.py, which has the first endpoint that writes.
