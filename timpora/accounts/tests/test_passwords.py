"""Passwords: users change their own with the current one and a strong new one; no defaults."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from timpora.accounts import actions
from timpora.accounts.models import User
from timpora.audit.models import AuditEvent

STRONG = "kelapa-muda-di-nongsa-7"


def test_it_changes_a_password_given_the_current_one(cast):
    actions.change_password(
        cast.alice, old_password=cast.passwords["alice"], new_password=STRONG, actor=cast.alice
    )
    cast.alice.refresh_from_db()
    assert cast.alice.check_password(STRONG)


def test_it_refuses_a_change_with_a_wrong_current_password(cast):
    with pytest.raises(ValidationError) as caught:
        actions.change_password(
            cast.alice, old_password="not-her-password", new_password=STRONG, actor=cast.alice
        )
    assert "old_password" in caught.value.error_dict
    cast.alice.refresh_from_db()
    assert cast.alice.check_password(cast.passwords["alice"])


@pytest.mark.parametrize(
    "weak",
    [
        pytest.param("Ab3-xyz", id="too-short"),
        pytest.param("password1234", id="common"),
        pytest.param("202603011220", id="only-digits"),
    ],
)
def test_it_refuses_a_weak_new_password(cast, weak):
    with pytest.raises(ValidationError):
        actions.change_password(
            cast.alice, old_password=cast.passwords["alice"], new_password=weak, actor=cast.alice
        )
    cast.alice.refresh_from_db()
    assert cast.alice.check_password(cast.passwords["alice"])


def test_it_refuses_to_change_someone_elses_password(cast):
    with pytest.raises(PermissionDenied):
        actions.change_password(
            cast.alice, old_password=cast.passwords["alice"], new_password=STRONG, actor=cast.fajar
        )


def test_it_audits_a_password_change(cast):
    actions.change_password(
        cast.alice, old_password=cast.passwords["alice"], new_password=STRONG, actor=cast.alice
    )
    event = AuditEvent.objects.get(verb="user.password_changed")
    assert (event.actor, event.subject_code) == (cast.alice, str(cast.alice.code))
    assert STRONG not in str(event.changes)


def test_it_changes_a_password_on_the_profile_page_and_keeps_the_session(cast):
    client = cast.client_for(cast.alice)
    response = client.post(
        reverse("accounts:profile"),
        {
            "old_password": cast.passwords["alice"],
            "new_password": STRONG,
            "new_password_again": STRONG,
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    cast.alice.refresh_from_db()
    assert cast.alice.check_password(STRONG)


@pytest.mark.parametrize(
    "language",
    ["en", "id"],
)
def test_it_shows_a_wrong_current_password_against_that_field(cast, language):
    client = cast.client_for(cast.alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(
        reverse("accounts:profile"),
        {"old_password": "not-her-password", "new_password": STRONG, "new_password_again": STRONG},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"old_password"}


def test_it_shows_a_weak_new_password_against_that_field(cast):
    response = cast.client_for(cast.alice).post(
        reverse("accounts:profile"),
        {
            "old_password": cast.passwords["alice"],
            "new_password": "password1234",
            "new_password_again": "password1234",
        },
    )
    assert response.context["form"].errors.keys() == {"new_password"}


def test_it_gives_a_user_created_without_a_password_an_unusable_one(db):
    user = User.objects.create_user("x")
    assert not user.has_usable_password()
    assert not user.check_password("")


def test_it_generates_a_different_strong_password_for_every_new_user(cast):
    assert cast.passwords["alice"] != cast.passwords["bob"]
    password_validation.validate_password(cast.passwords["alice"], cast.alice)
