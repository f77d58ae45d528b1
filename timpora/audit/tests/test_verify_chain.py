"""`timpora audit verify`: an intact chain passes; any edit or deletion is found and named."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from timpora.audit.context import from_address
from timpora.audit.log import record
from timpora.audit.models import AuditEvent


@pytest.fixture
def log(cast):
    """A log of a few dozen events: the reference data, the cast and their accounts."""
    return list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))


def _verify():
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify")
    return str(caught.value)


def _sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _names(message, seq):
    return re.search(rf"#{seq}\b", message) is not None


def test_it_passes_an_intact_log(log, capsys):
    call_command("audit", "verify")
    assert f"{len(log)} events verified" in capsys.readouterr().out


def test_it_names_an_event_whose_content_was_changed(log):
    middle = log[len(log) // 2]
    _sql("UPDATE audit_auditevent SET verb = %s WHERE seq = %s", "user.logged_out", middle)
    message = _verify()
    assert _names(message, middle)
    assert f"{middle - 1} events before it are intact" in message


def test_it_names_the_first_event_when_it_was_changed(log):
    _sql("UPDATE audit_auditevent SET subject_label = %s WHERE seq = %s", "someone", log[0])
    assert _names(_verify(), log[0])


def test_it_names_an_event_whose_hash_was_rewritten(log):
    middle = log[len(log) // 2]
    _sql("UPDATE audit_auditevent SET hash = %s WHERE seq = %s", "f" * 64, middle)
    assert _names(_verify(), middle)


def test_it_names_a_deleted_event_in_the_middle(log):
    middle = log[len(log) // 2]
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", middle)
    message = _verify()
    assert _names(message, middle)
    assert "missing" in message


def test_it_detects_that_the_last_event_was_deleted(log):
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", log[-1])
    message = _verify()
    assert _names(message, log[-1])
    assert "deleted" in message


def test_it_passes_an_intact_log_with_an_ipv6_client_address(log, cast):
    with from_address("2001:DB8:0:0:0:0:0:1"):
        record(actor=cast.alice, verb="user.logged_in", subject=cast.alice)
    call_command("audit", "verify")
