"""Log-in in two steps for a user with a confirmed authenticator (TOTP, django-otp)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from timpora.audit.models import AuditEvent


@pytest.fixture
def authenticator(cast):
    return TOTPDevice.objects.create(user=cast.alice, name="authenticator", confirmed=True)


def _code(device, drift=0):
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{value:0{device.digits}d}"


def _wrong_code(device):
    accepted = {_code(device, drift) for drift in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)


def _log_in(client, cast):
    return client.post(
        reverse("accounts:login"), {"username": "alice", "password": cast.passwords["alice"]}
    )


def test_it_asks_for_a_code_after_the_password(cast, client, authenticator):
    response = _log_in(client, cast)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login_code")


def test_it_does_not_log_in_on_the_password_alone(cast, client, authenticator):
    _log_in(client, cast)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:home")).status_code == 302


def test_it_logs_in_with_a_valid_code(cast, client, authenticator):
    _log_in(client, cast)
    response = client.post(reverse("accounts:login_code"), {"code": _code(authenticator)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.alice.pk)
    assert client.get(reverse("core:home")).status_code == 200


def test_it_refuses_a_wrong_code(cast, client, authenticator):
    _log_in(client, cast)
    response = client.post(reverse("accounts:login_code"), {"code": _wrong_code(authenticator)})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert "_auth_user_id" not in client.session


def test_it_audits_a_wrong_code(cast, client, authenticator):
    _log_in(client, cast)
    client.post(reverse("accounts:login_code"), {"code": _wrong_code(authenticator)})
    event = AuditEvent.objects.get(verb="user.two_factor_failed")
    assert (event.actor, event.subject_code) == (cast.alice, str(cast.alice.code))


def test_it_sends_the_code_page_back_to_the_log_in_without_a_password_first(
    cast, client, authenticator
):
    response = client.post(reverse("accounts:login_code"), {"code": _code(authenticator)})
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
