"""The per-address rate limit on the log-in form (core.ratelimit, TIMPORA_LOGIN_RATE)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from timpora.core import ratelimit


@pytest.fixture
def frozen_window(monkeypatch):
    """Keep every hit in one window, so that a minute turning mid-test cannot reset the count."""
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))


def _spend_the_rate(client):
    limit, _seconds = ratelimit.parse_rate(settings.LOGIN_RATE)
    for i in range(limit):
        # a new user name each time, so that no user name is locked out on the way
        client.post(reverse("accounts:login"), {"username": f"guess{i}", "password": "x"})


def test_it_answers_429_to_an_address_that_tries_to_log_in_too_often(cast, client, frozen_window):
    _spend_the_rate(client)
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "password": cast.passwords["alice"]}
    )
    assert response.status_code == 429
    assert "errors/429.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session


def test_it_still_lets_another_address_log_in(cast, client, frozen_window):
    _spend_the_rate(client)
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": cast.passwords["alice"]},
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 302


def test_it_does_not_count_looking_at_the_log_in_page(cast, client, frozen_window):
    limit, _seconds = ratelimit.parse_rate(settings.LOGIN_RATE)
    for _ in range(limit + 1):
        client.get(reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "password": cast.passwords["alice"]}
    )
    assert response.status_code == 302
