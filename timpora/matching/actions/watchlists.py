"""Writes of the watch lists: entries (indexed, then everyone re-screened) and the lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from timpora.accounts.choices import AgencyKind
from timpora.accounts.models import Agency, User
from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.matching import index
from timpora.matching.models import (
    Watchlist,
    WatchlistEntry,
)
from timpora.registry.actions import RecordResult, upsert_with_history
from timpora.registry.choices import FactKind, WatchList
from timpora.registry.records import WatchlistEntryRecord

# --- watch lists ---------------------------------------------------------------------------


@transaction.atomic
def record_watchlist_entries(
    records: Sequence[WatchlistEntryRecord],
    *,
    source: Agency,
    actor: User | None,
    audited: bool = True,
) -> RecordResult:
    """Create, update or leave watch-list entries sent by ``source``; keep earlier versions.

    Entries created or changed are indexed at once; everyone is screened against them again
    after the transaction commits (a background task).
    """
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
    changed_keys = [
        key
        for key, outcome in zip((i[0] for i in items), result.outcomes, strict=False)
        if outcome in {"CREATED", "UPDATED"}
    ]
    if changed_keys:
        entry_ids = list(
            WatchlistEntry.objects.filter(source=source, source_key__in=changed_keys).values_list(
                "pk", flat=True
            )
        )
        entries_changed(entry_ids)
    if audited:
        audit(actor=actor, verb=Verb.FACTS_RECORDED, agency=source, changes=result.as_dict())
    return result


#: Who handles the hits on each list unless a coordinator says otherwise, by agency kind.
DEFAULT_OWNERS = {
    WatchList.PENANGKALAN: AgencyKind.IMMIGRATION,
    WatchList.PENCEGAHAN: AgencyKind.IMMIGRATION,
    WatchList.DPO: AgencyKind.POLICE,
    WatchList.INTERPOL: AgencyKind.POLICE,
    WatchList.SANCTIONS: AgencyKind.IMMIGRATION,
}


def ensure_watchlists() -> None:
    """Create the lists of the exchange format that do not exist yet, with their default owner."""
    existing = set(Watchlist.objects.values_list("list", flat=True))
    for code in WatchList.values:
        if code in existing:
            continue
        kind = DEFAULT_OWNERS.get(WatchList(code))
        owner = Agency.objects.filter(kind=kind).order_by("code").first() if kind else None
        Watchlist.objects.get_or_create(list=code, defaults={"owning_agency": owner})


def entries_changed(entry_ids: Sequence[int]) -> None:
    """Index these entries now and re-screen the registry against them after the commit."""
    if not entry_ids:
        return
    ensure_watchlists()
    index.index_entries(entry_ids)
    lists = set(WatchlistEntry.objects.filter(pk__in=entry_ids).values_list("list", flat=True))
    Watchlist.objects.filter(list__in=lists).update(changed_at=timezone.now())
    _rescreen_after_commit(entry_ids)


def _rescreen_after_commit(entry_ids: Iterable[int]) -> None:
    """Screen everyone again against these entries in the worker, once the change is committed."""
    ids = list(entry_ids)

    def enqueue() -> None:
        from timpora.matching.tasks import rescreen_entries  # the task imports these actions

        rescreen_entries.enqueue(ids)

    transaction.on_commit(enqueue)


@transaction.atomic
def change_watchlist(watchlist: Watchlist, *, actor: User, **values: Any) -> Watchlist:
    """Change a list's owner, description or validity (audited); screening follows validity."""
    changes = {}
    for name, value in values.items():
        old = getattr(watchlist, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(watchlist, name, value)
    if changes:
        watchlist.save()
        audit(actor=actor, verb=Verb.WATCHLIST_CHANGED, subject=watchlist, changes=changes)
        _rescreen_after_commit(
            WatchlistEntry.objects.filter(list=watchlist.list).values_list("pk", flat=True)
        )
    return watchlist
