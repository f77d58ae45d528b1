"""Who may send which kind of record: a per-agency table with defaults by agency kind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from timpora.accounts.choices import AgencyKind
from timpora.accounts.models import Agency, User
from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.exchange.models import SendPermission
from timpora.registry.choices import FactKind, WatchList

# Immigration holds the primary records and may send everything; the others send what they
# issue or receive (ARCHITECTURE.md, issue 3). Police may add wanted persons (DPO) only.
DEFAULT_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    AgencyKind.IMMIGRATION: {str(kind): () for kind in FactKind},
    AgencyKind.MANPOWER: {FactKind.WORK_PERMIT: (), FactKind.COMPANY: ()},
    AgencyKind.CIVIL_REGISTRY: {FactKind.RESIDENCE_REGISTRATION: ()},
    AgencyKind.POLICE: {
        FactKind.RESIDENCE_REPORT: (),
        FactKind.WATCHLIST_ENTRY: (WatchList.DPO,),
    },
}


@dataclass(frozen=True)
class Permission:
    """May the agency send this kind, and which watch lists (empty: all)."""

    allowed: bool
    lists: tuple[str, ...] = ()

    def allows_list(self, name: str) -> bool:
        return self.allowed and (not self.lists or name in self.lists)


def permissions_of(
    agency: Agency, rows: Iterable[SendPermission] | None = None
) -> dict[str, Permission]:
    """The agency's permission for every kind: its own rows, else the defaults of its kind.

    ``rows``: the agency's ``SendPermission`` rows when already read (the table of all).
    """
    if rows is None:
        rows = SendPermission.objects.filter(agency=agency)
    return _permissions({p.kind: p for p in rows}, agency)


def permissions_of_all(agencies: Iterable[Agency]) -> dict[int, dict[str, Permission]]:
    """Every agency's permissions, read in one query."""
    by_agency: dict[int, list[SendPermission]] = {}
    for row in SendPermission.objects.all():
        by_agency.setdefault(row.agency_id, []).append(row)
    return {a.pk: permissions_of(a, by_agency.get(a.pk, [])) for a in agencies}


def _permissions(rows: dict[str, SendPermission], agency: Agency) -> dict[str, Permission]:
    if not rows:
        defaults = DEFAULT_PERMISSIONS.get(agency.kind, {})
        return {
            str(kind): Permission(str(kind) in defaults, tuple(defaults.get(str(kind), ())))
            for kind in FactKind
        }
    return {
        str(kind): Permission(rows[kind].allowed, tuple(rows[kind].lists))
        if kind in rows
        else Permission(False)
        for kind in FactKind
    }


def permission_for(agency: Agency, kind: str) -> Permission:
    return permissions_of(agency)[kind]


@transaction.atomic
def set_send_permission(
    actor: User, agency: Agency, kind: str, *, allowed: bool, lists: tuple[str, ...] = ()
) -> None:
    """A coordinator sets whether ``agency`` may send ``kind`` (audited).

    The first change writes the agency's whole table (from its defaults), so that later
    defaults never change a table a coordinator has set.
    """
    if not actor.is_coordinator:
        raise PermissionDenied("only a coordinator edits who may send what")
    if kind not in FactKind.values:
        raise ValueError(f"unknown kind {kind!r}")
    unknown = set(lists) - set(WatchList.values)
    if unknown:
        raise ValueError(f"unknown watch lists {sorted(unknown)}")
    current = permissions_of(agency)
    if not SendPermission.objects.filter(agency=agency).exists():
        SendPermission.objects.bulk_create(
            SendPermission(agency=agency, kind=k, allowed=p.allowed, lists=list(p.lists))
            for k, p in current.items()
        )
    before = current[kind]
    SendPermission.objects.filter(agency=agency, kind=kind).update(
        allowed=allowed, lists=sorted(lists)
    )
    audit(
        actor=actor,
        verb=Verb.SEND_PERMISSION_CHANGED,
        subject=agency,
        agency=agency,
        changes={
            "kind": kind,
            "allowed": [before.allowed, allowed],
            "lists": [list(before.lists), sorted(lists)],
        },
    )
