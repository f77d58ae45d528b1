"""Who may send which kind: defaults by agency kind, refusals, lists, the coordinator's table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from timpora.accounts.models import Agency
from timpora.audit.choices import Verb
from timpora.audit.models import AuditEvent
from timpora.exchange.choices import BatchStatus, RowStatus
from timpora.exchange.formats import write_table
from timpora.exchange.models import ImportBatch, RawRecord, SendPermission
from timpora.exchange.permissions import permission_for, permissions_of, set_send_permission
from timpora.exchange.pipeline import ImportRefused, import_file
from timpora.exchange.tests.samples import sample
from timpora.matching.models import WatchlistEntry
from timpora.registry.choices import FactKind
from timpora.registry.models import BorderCrossing, Person, WorkPermit


def sample_file(tmp_path: Path, kind: str, rows: list[dict[str, str]] | None = None) -> Path:
    columns, sample_rows = sample(kind)
    path = tmp_path / f"{kind}.csv"
    with path.open("wb") as out:
        write_table(sample_rows if rows is None else rows, columns, "csv", out)
    return path


def allowed(agency: Agency) -> dict[str, tuple[str, ...]]:
    return {k: p.lists for k, p in permissions_of(agency).items() if p.allowed}


@pytest.mark.django_db
def test_defaults_by_agency_kind(cast: Any) -> None:
    assert allowed(cast.imigrasi) == {str(k): () for k in FactKind}
    assert allowed(cast.disnaker) == {"work-permit": (), "company": ()}
    assert allowed(Agency.objects.get(code="DISDUKCAPIL-BTM")) == {"residence-registration": ()}
    assert allowed(Agency.objects.get(code="POLDA-KEPRI")) == {
        "residence-report": (),
        "watchlist-entry": ("DPO",),
    }
    assert allowed(cast.kesbangpol) == {}
    assert allowed(Agency.objects.get(code="KODIM-0316")) == {}
    police = permission_for(Agency.objects.get(code="POLRESTA-BRL"), "watchlist-entry")
    assert police.allows_list("DPO")
    assert not police.allows_list("PENANGKALAN")
    assert permission_for(cast.imigrasi, "watchlist-entry").allows_list("PENANGKALAN")


@pytest.mark.django_db
def test_disnaker_may_not_send_border_crossings(cast: Any, tmp_path: Path) -> None:
    with pytest.raises(ImportRefused) as info:
        import_file(
            "border-crossing",
            sample_file(tmp_path, "border-crossing"),
            source=cast.disnaker,
            user=cast.charlie,
        )
    batch = ImportBatch.objects.get(pk=info.value.batch.pk)
    assert batch.status == BatchStatus.REFUSED
    assert "DISNAKER-BTM" in batch.refusal
    assert "border-crossing" in batch.refusal
    assert batch.rows_total == 0
    assert not RawRecord.objects.exists()
    assert not BorderCrossing.objects.exists()
    assert not Person.objects.exists()
    assert AuditEvent.objects.filter(verb=Verb.BATCH_REFUSED, agency=cast.disnaker).exists()


@pytest.mark.django_db
def test_disnaker_sends_its_own_kinds(cast: Any, tmp_path: Path) -> None:
    batch = import_file(
        "work-permit", sample_file(tmp_path, "work-permit"), source=cast.disnaker, user=None
    )
    assert (batch.status, batch.created) == (BatchStatus.COMPLETED, 1)
    assert WorkPermit.objects.get().source == cast.disnaker


@pytest.mark.django_db
def test_police_send_dpo_entries_only(cast: Any, tmp_path: Path) -> None:
    police = Agency.objects.get(code="POLDA-KEPRI")
    _columns, rows = sample("watchlist-entry")
    penangkalan, dpo = rows
    other_dpo = dict(dpo, entry_id="DPO-POLDA-2025-045", full_name="JOHN ROE")
    path = sample_file(tmp_path, "watchlist-entry", [dpo, penangkalan, other_dpo])
    batch = import_file("watchlist-entry", path, source=police, user=None)
    assert batch.status == BatchStatus.COMPLETED
    assert (batch.rows_total, batch.created, batch.rejected) == (3, 2, 1)
    assert sorted(WatchlistEntry.objects.values_list("list", "entry_id")) == [
        ("DPO", "DPO-POLDA-2025-044"),
        ("DPO", "DPO-POLDA-2025-045"),
    ]
    assert set(WatchlistEntry.objects.values_list("source", flat=True)) == {police.pk}
    rejected = RawRecord.objects.get(batch=batch, status=RowStatus.REJECTED)
    assert rejected.line == 3
    [reason] = json.loads(rejected.errors)
    assert reason["field"] == "list"
    assert reason["value"] == "PENANGKALAN"
    assert "POLDA-KEPRI" in reason["expected"]


@pytest.mark.django_db
def test_police_may_not_send_stay_permits(cast: Any, tmp_path: Path) -> None:
    police = Agency.objects.get(code="POLRESTA-BRL")
    with pytest.raises(ImportRefused):
        import_file("stay-permit", sample_file(tmp_path, "stay-permit"), source=police, user=None)


@pytest.mark.django_db
def test_coordinator_changes_the_table_and_it_is_audited(cast: Any, tmp_path: Path) -> None:
    set_send_permission(cast.dina, cast.disnaker, "border-crossing", allowed=True)
    assert permission_for(cast.disnaker, "border-crossing").allowed
    # The rest of the agency's table is kept as it was.
    assert allowed(cast.disnaker) == {"work-permit": (), "company": (), "border-crossing": ()}
    assert SendPermission.objects.filter(agency=cast.disnaker).count() == len(FactKind)
    event = AuditEvent.objects.filter(verb=Verb.SEND_PERMISSION_CHANGED).get()
    assert event.actor == cast.dina
    assert event.agency == cast.disnaker
    assert event.changes["kind"] == "border-crossing"
    assert event.changes["allowed"] == [False, True]

    batch = import_file(
        "border-crossing",
        sample_file(tmp_path, "border-crossing"),
        source=cast.disnaker,
        user=cast.charlie,
    )
    assert (batch.status, batch.created) == (BatchStatus.COMPLETED, 3)

    # Withdrawn again: refused again.
    set_send_permission(cast.dina, cast.disnaker, "border-crossing", allowed=False)
    assert AuditEvent.objects.filter(verb=Verb.SEND_PERMISSION_CHANGED).count() == 2
    with pytest.raises(ImportRefused):
        import_file(
            "border-crossing",
            sample_file(tmp_path, "border-crossing"),
            source=cast.disnaker,
            user=cast.charlie,
        )


@pytest.mark.django_db
def test_coordinator_limits_the_lists(cast: Any, tmp_path: Path) -> None:
    set_send_permission(cast.dina, cast.imigrasi, "watchlist-entry", allowed=True, lists=("DPO",))
    event = AuditEvent.objects.filter(verb=Verb.SEND_PERMISSION_CHANGED).get()
    assert event.changes["lists"] == [[], ["DPO"]]
    batch = import_file(
        "watchlist-entry", sample_file(tmp_path, "watchlist-entry"), source=cast.imigrasi, user=None
    )
    assert (batch.created, batch.rejected) == (1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "charlie", "fajar", "erin"])
def test_only_a_coordinator_changes_the_table(cast: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        set_send_permission(getattr(cast, who), cast.disnaker, "border-crossing", allowed=True)
    assert not permission_for(cast.disnaker, "border-crossing").allowed
    assert not SendPermission.objects.exists()
    assert not AuditEvent.objects.filter(verb=Verb.SEND_PERMISSION_CHANGED).exists()
