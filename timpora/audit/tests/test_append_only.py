"""The ORM never changes or deletes an audit event; the chain head follows every append."""

from __future__ import annotations

import itertools

import pytest
from django.db import IntegrityError, transaction

from timpora.audit.log import record
from timpora.audit.models import AppendOnlyError, AuditChainHead, AuditEvent


@pytest.fixture
def event(cast):
    return record(actor=cast.alice, verb="user.logged_in", subject=cast.alice)


def _stored(event):
    return AuditEvent.objects.get(pk=event.pk)


def test_it_refuses_to_save_an_existing_event(event):
    event.verb = "user.logged_out"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert _stored(event).verb == "user.logged_in"


def test_it_refuses_to_delete_an_event(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_refuses_a_queryset_update(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="user.logged_out")
    assert _stored(event).verb == "user.logged_in"


def test_it_refuses_a_queryset_delete(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_refuses_a_bulk_update(event):
    event.verb = "user.logged_out"
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["verb"])
    assert _stored(event).verb == "user.logged_in"


def test_it_refuses_to_overwrite_an_event_through_a_new_instance_with_its_id(event):
    impostor = AuditEvent(
        pk=event.pk,
        seq=event.seq,
        code=event.code,
        occurred_at=event.occurred_at,
        verb="user.logged_out",
        prev_hash=event.prev_hash,
        hash=event.hash,
    )
    with pytest.raises((AppendOnlyError, IntegrityError)), transaction.atomic():
        impostor.save()
    assert _stored(event).verb == "user.logged_in"


def test_it_keeps_the_chain_head_at_the_last_event(event):
    head = AuditChainHead.objects.get(pk=1)
    last = AuditEvent.objects.order_by("-seq").first()
    assert (head.last_seq, head.last_hash) == (last.seq, last.hash)
    assert last == event


def test_it_numbers_events_without_gaps_and_links_each_to_the_one_before(event):
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))


def test_it_leaves_the_head_alone_when_the_change_is_rolled_back(event, cast):
    before = AuditChainHead.objects.values_list("last_seq", "last_hash").get(pk=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=cast.alice, verb="user.logged_out", subject=cast.alice)
        raise RuntimeError("the change failed")
    assert AuditChainHead.objects.values_list("last_seq", "last_hash").get(pk=1) == before
    assert AuditEvent.objects.order_by("-seq").first() == event
