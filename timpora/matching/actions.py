"""Writes of the matching app: watch-list entries (screening comes with the matching issue)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from timpora.accounts.models import Agency, User
from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.matching.models import WatchlistEntry
from timpora.registry.actions import RecordResult, upsert_with_history
from timpora.registry.choices import FactKind
from timpora.registry.records import WatchlistEntryRecord


@transaction.atomic
def record_watchlist_entries(
    records: Sequence[WatchlistEntryRecord],
    *,
    source: Agency,
    actor: User | None,
    audited: bool = True,
) -> RecordResult:
    """Create, update or leave watch-list entries sent by ``source``; keep earlier versions."""
    result = RecordResult(kind=str(FactKind.WATCHLIST_ENTRY))
    items = [
        (
            r.key,
            {
                "list": r.list,
                "entry_id": r.entry_id,
                "full_name": r.full_name,
                "aliases": list(r.aliases),
                "name_original": r.name_original,
                "sex": r.sex,
                "date_of_birth": r.date_of_birth,
                "nationalities": list(r.nationality),
                "passport_numbers": list(r.passport_numbers),
                "reason": r.reason,
                "action_on_hit": r.action_on_hit,
                "owning_agency": r.owning_agency,
                "legal_basis": r.legal_basis,
                "valid_from": r.valid_from,
                "valid_until": r.valid_until,
            },
        )
        for r in records
    ]
    upsert_with_history(
        WatchlistEntry,
        str(FactKind.WATCHLIST_ENTRY),
        items,
        key_field="source_key",
        scope={"source": source},
        result=result,
    )
    if audited:
        audit(actor=actor, verb=Verb.FACTS_RECORDED, agency=source, changes=result.as_dict())
    return result
