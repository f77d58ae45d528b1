"""Watch lists and screening: at import, again when a list changes, and on demand (API, CLI)."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from timpora.audit.models import AuditEvent
from timpora.exchange.tests.samples import run, sample, write
from timpora.matching.actions import change_watchlist, decide, ensure_watchlists
from timpora.matching.choices import Decision, ReviewKind, ReviewStatus
from timpora.matching.models import EntryKey, ReviewItem, Watchlist, WatchlistEntry
from timpora.registry.models import Person
from timpora.registry.records import COLUMNS
from timpora.testing import crossing

pytestmark = pytest.mark.django_db

LI_QIANG = {
    "full_name": "LI QIANG",
    "given_names": "QIANG",
    "surname": "LI",
    "name_original": "",
    "sex": "M",
    "date_of_birth": "1975-08-19",
    "nationality": "CHN",
    "passport_number": "E77665544",
}


def _entries(
    tmp_path: Path, cast: Any, rows: list[dict[str, str]] | None = None, *, commit: Any = None
) -> Any:
    """Import watch-list entries; with ``commit`` (pytest-django's
    django_capture_on_commit_callbacks), what the import schedules after its commit (the
    re-screening task) runs too, as it does in production."""
    columns, sample_rows = sample("watchlist-entry")
    path = write(tmp_path / "list.csv", columns, rows or sample_rows)
    if commit is None:
        return run("watchlist-entry", path, cast.imigrasi)
    with commit(execute=True):
        return run("watchlist-entry", path, cast.imigrasi)


def _arrive(
    tmp_path: Path, cast: Any, identity: dict[str, str], key: str, name: str = "c.csv"
) -> Any:
    rows = [crossing(identity, key, "ARRIVAL", "2026-03-02T18:55:00+07:00")]
    return run(
        "border-crossing",
        write(tmp_path / name, list(COLUMNS["border-crossing"]), rows),
        cast.imigrasi,
    )


def test_entries_are_indexed_with_their_lists(cast: Any, tmp_path: Path) -> None:
    _entries(tmp_path, cast)
    assert WatchlistEntry.objects.count() == 2
    assert EntryKey.objects.count() > 0
    entry = WatchlistEntry.objects.get(entry_id="TKL-2024-01187")
    # Aliases and the native script are normalised beside the name.
    assert ["LI", "QIANG"] in entry.forms
    lists = {w.list: w for w in Watchlist.objects.select_related("owning_agency")}
    assert lists["PENANGKALAN"].owning_agency == cast.imigrasi
    assert lists["PENANGKALAN"].changed_at is not None


def test_a_person_arriving_under_another_script_is_a_hit_at_import(
    cast: Any, tmp_path: Path
) -> None:
    _entries(tmp_path, cast)
    # 李强 on a stay record: the entry is LI QIANG (aliases LEE KEUNG, LI CHIANG), born 1975.
    _arrive(tmp_path, cast, {**LI_QIANG, "full_name": "李强"}, "HN-9")
    item = ReviewItem.objects.get(kind=ReviewKind.HIT)
    assert item.entry is not None and item.entry.entry_id == "TKL-2024-01187"
    assert item.agency == cast.imigrasi
    assert item.score >= 0.8
    assert item.entry.reason.startswith("Deported for working")
    assert AuditEvent.objects.filter(verb="matching.screened").exists()


def test_a_common_name_with_another_birth_year_is_not_a_hit(cast: Any, tmp_path: Path) -> None:
    _entries(tmp_path, cast)
    _arrive(tmp_path, cast, {**LI_QIANG, "date_of_birth": "1990-02-01"}, "HN-9")
    assert not ReviewItem.objects.filter(kind=ReviewKind.HIT).exists()


def test_rescreening_after_a_list_change_finds_a_person_added_to_the_list(
    cast: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    _arrive(tmp_path, cast, LI_QIANG, "HN-9")
    assert not ReviewItem.objects.exists()
    _entries(
        tmp_path, cast, commit=django_capture_on_commit_callbacks
    )  # the list now names him: everyone is screened against it again
    item = ReviewItem.objects.get(kind=ReviewKind.HIT)
    assert item.person == Person.objects.get()
    # Sending the same list again changes nothing and raises nothing new.
    _entries(tmp_path, cast, commit=django_capture_on_commit_callbacks)
    assert ReviewItem.objects.count() == 1


def test_a_hit_decided_not_them_comes_back_only_when_the_entry_changes(
    cast: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    _arrive(tmp_path, cast, LI_QIANG, "HN-9")
    _entries(tmp_path, cast, commit=django_capture_on_commit_callbacks)
    item = ReviewItem.objects.get(kind=ReviewKind.HIT)
    decide(item, Decision.DIFFERENT, actor=cast.alice, note="Other father's name")
    _entries(tmp_path, cast, commit=django_capture_on_commit_callbacks)
    assert ReviewItem.objects.filter(status=ReviewStatus.OPEN).count() == 0
    _, rows = sample("watchlist-entry")
    rows[0]["reason"] = rows[0]["reason"] + " (updated)"
    _entries(tmp_path, cast, rows, commit=django_capture_on_commit_callbacks)
    again = ReviewItem.objects.get(status=ReviewStatus.OPEN)
    assert again.entry_revision == 2


def test_an_entry_or_list_out_of_force_is_not_screened(cast: Any, tmp_path: Path) -> None:
    _, rows = sample("watchlist-entry")
    rows[0]["valid_until"] = "2025-01-01"
    _entries(tmp_path, cast, rows)
    _arrive(tmp_path, cast, LI_QIANG, "HN-9")
    assert not ReviewItem.objects.exists()
    answer = cast.client_for(cast.alice).post(
        "/api/v1/screen",
        json.dumps({"full_name": "LI QIANG", "date_of_birth": "1975", "purpose": "SUPERVISION"}),
        content_type="application/json",
    )
    assert answer.json()["matches"] == []
    # A list lifted by a coordinator stops its entries from hitting.
    ensure_watchlists()
    dpo = Watchlist.objects.get(list="DPO")
    change_watchlist(dpo, actor=cast.dina, valid_until=datetime.date(2020, 1, 1))
    answer = cast.client_for(cast.alice).post(
        "/api/v1/screen",
        json.dumps(
            {
                "full_name": "RAJESH KUMAR SHARMA",
                "date_of_birth": "1983-07-14",
                "purpose": "SUPERVISION",
            }
        ),
        content_type="application/json",
    )
    assert answer.json()["matches"] == []
    assert AuditEvent.objects.filter(verb="matching.watchlist_changed").exists()


def test_the_screen_api_answers_by_example_with_reasons_and_the_action(
    cast: Any, tmp_path: Path
) -> None:
    _entries(tmp_path, cast)
    answer = cast.client_for(cast.alice).post(
        "/api/v1/screen",
        json.dumps(
            {
                "full_name": "R. K. SHARMA",
                "date_of_birth": "1983-07-14",
                "nationality": ["IND"],
                "purpose": "INVESTIGATION",
            }
        ),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["threshold"] == 0.8 and body["algorithm"].startswith("timpora-score/")
    (match,) = body["matches"]
    assert match["list"] == "DPO" and match["entry_id"] == "DPO-POLDA-2025-044"
    assert 0.8 <= match["score"] <= 1.0
    assert {r["factor"] for r in match["reasons"]} >= {"name", "date_of_birth"}
    assert match["action_on_hit"] == "Detain and hand over to Polda Kepri"
    event = AuditEvent.objects.filter(verb="matching.screened", purpose="INVESTIGATION").get()
    assert event.changes["matches"] == ["DPO:DPO-POLDA-2025-044"]
    assert "SHARMA" not in json.dumps(event.changes)  # the query itself is not logged


def test_the_screen_api_needs_identity_access_and_a_purpose(cast: Any) -> None:
    body = {"full_name": "LI QIANG"}
    answer = cast.client_for(cast.alice).post(
        "/api/v1/screen", json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 422
    gita = cast.client_for(cast.gita)  # local government: no identity records
    answer = gita.post(
        "/api/v1/screen",
        json.dumps({**body, "purpose": "SUPERVISION"}),
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert not AuditEvent.objects.filter(verb="matching.screened").exists()


def test_screen_command_one_and_file(cast: Any, tmp_path: Path) -> None:
    _entries(tmp_path, cast)
    out = io.StringIO()
    call_command("screen", "--name", "李强", "--dob", "1975", "--format", "json", stdout=out)
    matches = json.loads(out.getvalue())["matches"]
    assert [m["entry_id"] for m in matches] == ["TKL-2024-01187"]
    assert set(matches[0]) == {"list", "entry_id", "score", "reasons"}

    queries = tmp_path / "q.csv"
    queries.write_text(
        "query_id,full_name,date_of_birth,nationality\n"
        "q1,LEE KEUNG,1975,CHN\n"
        "q2,JOHN SMITH,1960-01-01,GBR\n"
        "q3,,1960,\n"
        "q4,RAJESH KUMAR SHARMA,1983-07-14,IND\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit):  # one row was skipped: the command says so by its exit code
        call_command("screen", "--file", str(queries), stdout=out, stderr=err)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["query_id"] for line in lines] == ["q1", "q2", "q4"]
    assert [m["entry_id"] for m in lines[0]["matches"]] == ["TKL-2024-01187"]
    assert lines[1]["matches"] == []
    assert [m["entry_id"] for m in lines[2]["matches"]] == ["DPO-POLDA-2025-044"]
    assert "line 4: full_name is empty" in err.getvalue()


def test_screen_command_refuses_a_file_without_its_columns(cast: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\n1,LI QIANG\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing column"):
        call_command("screen", "--file", str(bad))


FTM = [
    {
        "id": "NK-abc123",
        "schema": "Person",
        "caption": "Viktor Ivanovich PETROV",
        "datasets": ["eu_fsf", "us_ofac_sdn"],
        "first_seen": "2022-03-01T10:00:00",
        "properties": {
            "name": ["Viktor Ivanovich PETROV", "Виктор Иванович Петров"],
            "alias": ["Victor Petrov"],
            "birthDate": ["1961-05-20"],
            "nationality": ["ru"],
            "gender": ["male"],
            "passportNumber": ["720011223"],
            "topics": ["sanction"],
        },
    },
    {
        "id": "NK-org1",
        "schema": "Company",
        "caption": "Petrov Trading LLC",
        "properties": {"name": ["Petrov Trading LLC"]},
    },
]


def test_followthemoney_person_entities_become_entries(cast: Any, tmp_path: Path) -> None:
    path = tmp_path / "opensanctions.jsonl"
    path.write_text(
        "\n".join(json.dumps(e, ensure_ascii=False) for e in FTM) + "\n", encoding="utf-8"
    )
    batch = run("watchlist-entry", path, cast.imigrasi)
    assert batch.status == "COMPLETED" and batch.created == 1 and batch.rejected == 0
    assert any("Company 1" in note for note in batch.notes)
    entry = WatchlistEntry.objects.get()
    assert (entry.list, entry.entry_id, entry.sex, entry.date_of_birth) == (
        "SANCTIONS",
        "NK-abc123",
        "M",
        "1961-05-20",
    )
    assert entry.nationalities == ["RUS"] and entry.passport_numbers == ["720011223"]
    assert "Виктор Иванович Петров" in entry.aliases and "Victor Petrov" in entry.aliases
    assert "eu_fsf" in entry.reason and "sanction" in entry.reason
    # The Cyrillic alias is screened in its passport transliteration.
    out = io.StringIO()
    call_command(
        "screen", "--name", "VIKTOR PETROV", "--dob", "1961-05-20", "--format", "json", stdout=out
    )
    assert [m["entry_id"] for m in json.loads(out.getvalue())["matches"]] == ["NK-abc123"]
    again = run("watchlist-entry", path, cast.imigrasi)
    assert again.unchanged == 1 and WatchlistEntry.objects.count() == 1
