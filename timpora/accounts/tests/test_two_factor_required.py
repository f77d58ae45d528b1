"""An agency that requires two-factor log-in: its users set up an authenticator before anything."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from timpora.accounts import actions


@pytest.fixture
def strict_imigrasi(cast):
    actions.set_two_factor_required(cast.imigrasi, True, actor=cast.dina)


def _code(device, drift=0):
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{value:0{device.digits}d}"


def _wrong_code(device):
    accepted = {_code(device, drift) for drift in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)


def _set_up_authenticator(client, user):
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(reverse("accounts:two_factor_setup"), {"code": _code(device)})


def test_it_sends_a_user_without_an_authenticator_to_the_set_up_page(cast, strict_imigrasi):
    client = cast.client_for(cast.alice)
    pages = ["core:home", "accounts:profile", "accounts:token_list", "accounts:agency_list"]
    for page in pages:
        response = client.get(reverse(page))
        assert (response.status_code, response["Location"]) == (
            302,
            reverse("accounts:two_factor_setup"),
        )


def test_it_shows_the_set_up_page_itself(cast, strict_imigrasi):
    response = cast.client_for(cast.alice).get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 200
    assert response.context["required"] is True


def test_it_lets_the_user_through_once_a_code_is_confirmed(cast, strict_imigrasi):
    client = cast.client_for(cast.alice)
    _set_up_authenticator(client, cast.alice)
    assert client.get(reverse("core:home")).status_code == 200
    assert TOTPDevice.objects.filter(user=cast.alice, confirmed=True).exists()


def test_it_keeps_a_user_at_the_set_up_page_after_a_wrong_code(cast, strict_imigrasi):
    client = cast.client_for(cast.alice)
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=cast.alice, confirmed=False)
    client.post(reverse("accounts:two_factor_setup"), {"code": _wrong_code(device)})
    assert client.get(reverse("core:home")).status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.alice, confirmed=True).exists()


def test_it_refuses_the_api_to_a_session_without_the_authenticator(cast, strict_imigrasi):
    assert cast.client_for(cast.alice).get("/api/v1/me").status_code == 401


def test_it_leaves_users_of_other_agencies_alone(cast, strict_imigrasi):
    assert cast.client_for(cast.charlie).get(reverse("core:home")).status_code == 200
