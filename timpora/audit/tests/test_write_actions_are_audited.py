"""Every write action records its audit event, in the same transaction as the change."""

from __future__ import annotations

from django.urls import reverse

from timpora.accounts import actions
from timpora.accounts.choices import AccessLevel, DataCategory
from timpora.audit.models import AuditEvent


def test_it_records_the_creation_of_a_user(cast):
    hana, _password = actions.create_user(
        agency=cast.imigrasi, username="hana", full_name="Hana", actor=cast.fajar
    )
    event = AuditEvent.objects.get(verb="user.created", subject_code=str(hana.code))
    assert (event.actor, event.agency) == (cast.fajar, cast.imigrasi)
    assert event.changes == {"username": [None, "hana"], "role": [None, "OFFICER"]}


def test_it_records_the_revocation_of_a_token(cast):
    token, _raw = actions.create_api_token(cast.alice, name="sync", days=30, actor=cast.alice)
    actions.revoke_api_token(token, actor=cast.alice)
    event = AuditEvent.objects.get(verb="api_token.revoked")
    assert (event.actor, event.subject_code) == (cast.alice, str(token.code))


def test_it_records_a_change_of_access(cast):
    actions.set_access_level(
        cast.disnaker, DataCategory.CROSSINGS, AccessLevel.RECORD, actor=cast.dina
    )
    event = AuditEvent.objects.get(verb="access_profile.changed")
    assert (event.actor, event.subject_code) == (cast.dina, "DISNAKER-BTM")


def test_it_records_the_deactivation_of_a_user(cast):
    actions.set_user_active(cast.alice, False, actor=cast.fajar)
    event = AuditEvent.objects.get(verb="user.deactivated")
    assert (event.actor, event.subject_code) == (cast.fajar, str(cast.alice.code))


def test_it_records_a_password_reset_without_the_password(cast):
    password = actions.reset_password(cast.alice, actor=cast.fajar)
    event = AuditEvent.objects.get(verb="user.password_reset")
    assert (event.actor, event.subject_code) == (cast.fajar, str(cast.alice.code))
    assert password not in str(event.changes)


def test_it_records_the_client_address_of_a_request(cast):
    cast.client_for(cast.fajar).post(
        reverse("accounts:user_detail", args=[cast.alice.code]),
        {"operation": "deactivate"},
        REMOTE_ADDR="10.8.0.7",
    )
    assert AuditEvent.objects.get(verb="user.deactivated").client_address == "10.8.0.7"
