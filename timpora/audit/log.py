"""Writing and verifying the audit log.

``record`` is called by every action in the same transaction as the change it describes, so an
event exists exactly when its change was committed.
"""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from timpora.audit.choices import Purpose, Verb
from timpora.audit.context import client_address
from timpora.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from timpora.core.json import jsonable

_VERBS = frozenset(Verb.values)


def _normalised_address(address: str | None) -> str | None:
    """The address as the database will give it back (``2001:DB8:0::1`` → ``2001:db8::1``),
    so that the hash written now matches the content read later."""
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _subject(subject: models.Model | None) -> tuple[str, str, str]:
    if subject is None:
        return "", "", ""
    meta = subject._meta
    code = getattr(subject, "code", None) or subject.pk
    label_method = getattr(subject, "audit_label", None)
    label = label_method() if callable(label_method) else ""
    return f"{meta.app_label}.{meta.model_name}", str(code), str(label)[:200]


def record(
    *,
    actor: Any,
    verb: Verb | str,
    subject: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    purpose: Purpose | str = "",
    agency: Any = None,
    subject_type: str = "",
    subject_code: str = "",
) -> AuditEvent:
    """Append one event to the chain.

    ``actor`` is the user who acted (``None`` for the system itself, e.g. ``timpora init``); their
    agency is recorded unless ``agency`` names another. ``changes`` maps a field to
    ``[old, new]`` for writes, or holds the parameters of a read.
    """
    if verb not in _VERBS:
        raise ValueError(f"unknown audit verb {verb!r}: add it to audit.choices.Verb")
    if purpose and purpose not in Purpose.values:
        raise ValueError(f"unknown purpose {purpose!r}")
    stype, scode, slabel = _subject(subject)
    real_actor = actor if actor is not None and getattr(actor, "pk", None) else None
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            code=uuid.uuid4(),
            occurred_at=timezone.now(),
            actor=real_actor,
            actor_label=real_actor.get_username() if real_actor else "system",
            agency=agency if agency is not None else getattr(real_actor, "agency", None),
            verb=str(verb),
            subject_type=subject_type or stype,
            subject_code=subject_code or scode,
            subject_label=slabel,
            changes=jsonable(changes),
            purpose=str(purpose),
            client_address=_normalised_address(client_address()),
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the stored chain differs from what its content says."""

    seq: int
    code: str
    reason: str


def _events_in_order(batch_size: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def verify_chain() -> tuple[int, ChainBreak | None]:
    """Walk the whole chain; return how many events were checked and the first break, if any."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in _events_in_order():
        if event.seq != expected_seq:
            return checked, ChainBreak(
                event.seq,
                str(event.code),
                f"events #{expected_seq} to #{event.seq - 1} are missing before it",
            )
        if event.prev_hash != expected_prev:
            return checked, ChainBreak(
                event.seq, str(event.code), "its link to the previous event does not match"
            )
        if event.compute_hash() != event.hash:
            return checked, ChainBreak(
                event.seq, str(event.code), "its content was changed after it was written"
            )
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != expected_prev):
        return checked, ChainBreak(
            head.last_seq,
            "",
            f"the log ends at #{checked} but was last written at #{head.last_seq}: "
            "the latest events were deleted",
        )
    return checked, None
