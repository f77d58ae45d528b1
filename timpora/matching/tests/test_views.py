"""The matching pages: the review queue, an item side by side and its decision, merges and
splits, watch lists and screening, on a real database with items raised by real imports."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from timpora.audit.models import AuditEvent
from timpora.exchange.tests.samples import run, sample, write
from timpora.matching.actions import decide
from timpora.matching.choices import Decision, ReviewKind, ReviewStatus
from timpora.matching.forms import HIT_LABELS
from timpora.matching.models import Merge, ReviewItem, Watchlist
from timpora.registry.models import Person
from timpora.registry.records import COLUMNS
from timpora.testing import ZHANG, crossing, stay_permit

pytestmark = pytest.mark.django_db

LI_QIANG = {
    "full_name": "李强",
    "given_names": "",
    "surname": "",
    "name_original": "",
    "sex": "M",
    "date_of_birth": "1975-08-19",
    "nationality": "CHN",
    "passport_number": "E77665544",
}


@pytest.fixture
def pair(cast: Any, tmp_path: Path) -> tuple[Person, Person, ReviewItem]:
    """ZHANG WEI arrives; a stay permit names 张伟 with the same birth date and another
    passport: the importer cannot place it, and linking raises a possible duplicate."""
    rows = [crossing(ZHANG, "HN-1", "ARRIVAL", "2026-03-02T18:55:00+07:00")]
    run(
        "border-crossing",
        write(tmp_path / "a.csv", list(COLUMNS["border-crossing"]), rows),
        cast.imigrasi,
    )
    other = {
        **ZHANG,
        "full_name": "张伟",
        "name_original": "",
        "given_names": "",
        "surname": "",
        "passport_number": "EK1112223",
    }
    rows = [stay_permit(other, "2C11AA0001-X")]
    run("stay-permit", write(tmp_path / "b.csv", list(COLUMNS["stay-permit"]), rows), cast.imigrasi)
    first, second = Person.objects.order_by("pk")
    return first, second, ReviewItem.objects.get()


def _send_list(tmp_path: Path, cast: Any, rows: list[dict[str, str]] | None = None) -> Any:
    columns, sample_rows = sample("watchlist-entry")
    path = write(tmp_path / "list.csv", columns, rows or sample_rows)
    return run("watchlist-entry", path, cast.imigrasi)


@pytest.fixture
def hit(cast: Any, tmp_path: Path) -> ReviewItem:
    """The entry-ban list names LI QIANG (born 1975); 李强 arrives: a hit at import."""
    _send_list(tmp_path, cast)
    rows = [crossing(LI_QIANG, "HN-9", "ARRIVAL", "2026-03-02T18:55:00+07:00")]
    run(
        "border-crossing",
        write(tmp_path / "c.csv", list(COLUMNS["border-crossing"]), rows),
        cast.imigrasi,
    )
    return ReviewItem.objects.get(kind=ReviewKind.HIT)


def _item_url(item: ReviewItem) -> str:
    return reverse("matching:review_item", args=[item.code])


# --- The queue -----------------------------------------------------------------------------


def test_it_lists_the_open_items_of_the_users_agency_and_audits_the_listing(
    pair: Any, cast: Any
) -> None:
    _, _, item = pair
    response = cast.client_for(cast.alice).get(reverse("matching:review"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "ZHANG WEI" in body and "张伟" in body
    assert _item_url(item) in body
    event = AuditEvent.objects.get(verb="person.listed", actor=cast.alice)
    assert event.purpose == "IDENTITY_REVIEW"
    assert event.changes["items"] == [str(item.code)]


def test_it_shows_the_score_as_an_indonesian_percentage(pair: Any, cast: Any) -> None:
    _, _, item = pair
    body = cast.client_for(cast.alice).get(reverse("matching:review")).content.decode()
    shown = re.search(r'class="score">(\d{1,3}),(\d)%<', body)
    assert shown is not None
    assert abs(float(f"{shown[1]}.{shown[2]}") - item.score * 100) <= 0.1


def test_the_queue_of_another_agency_is_empty(pair: Any, cast: Any) -> None:
    response = cast.client_for(cast.charlie).get(reverse("matching:review"))
    assert response.status_code == 200
    assert "ZHANG WEI" not in response.content.decode()
    assert not AuditEvent.objects.filter(verb="person.listed").exists()


def test_the_queue_filters_by_status_and_kind(pair: Any, cast: Any) -> None:
    _, _, item = pair
    alice = cast.client_for(cast.alice)
    decide(item, Decision.DIFFERENT, actor=cast.alice, note="Other parents")
    assert _item_url(item) not in alice.get(reverse("matching:review")).content.decode()
    decided = alice.get(reverse("matching:review"), {"status": "DECIDED"}).content.decode()
    assert _item_url(item) in decided
    hits = alice.get(reverse("matching:review"), {"status": "", "kind": "HIT"}).content.decode()
    assert _item_url(item) not in hits


def test_the_queue_reads_as_many_queries_for_two_items_as_for_one(
    pair: Any, hit: ReviewItem, cast: Any
) -> None:
    alice = cast.client_for(cast.alice)
    alice.get(reverse("matching:review"))  # the session and the access profile, once
    with CaptureQueriesContext(connection) as one:
        alice.get(reverse("matching:review"), {"kind": "HIT"})
    with CaptureQueriesContext(connection) as two:
        response = alice.get(reverse("matching:review"))
    assert response.context["page"].paginator.count == 2
    assert len(two) == len(one)


# --- One item ------------------------------------------------------------------------------


def test_it_shows_both_persons_side_by_side_with_the_reasons_and_audits_the_view(
    pair: Any, cast: Any
) -> None:
    _, _, item = pair
    response = cast.client_for(cast.alice).get(_item_url(item))
    assert response.status_code == 200
    body = response.content.decode()
    assert "ZHANG WEI" in body and "张伟" in body
    assert "EJ4820193" in body and "EK1112223" in body
    assert 'class="differs"' in body  # the documents differ
    assert 'name="decision"' in body
    weights = [abs(r["weight"]) for r in response.context["reasons"]]
    assert weights == sorted(weights, reverse=True) and weights
    name, _native, _sex, born, _nationality, documents, *_ = response.context["facts"]
    # ZHANG WEI is 张伟 in his own script, both born 1988-11-02; the passports differ.
    assert (name.differs, born.differs, documents.differs) == (False, False, True)
    event = AuditEvent.objects.get(verb="person.viewed", actor=cast.alice)
    assert (event.subject_code, event.purpose) == (str(item.code), "IDENTITY_REVIEW")


def test_another_agency_gets_404_for_the_item_and_its_merge(pair: Any, cast: Any) -> None:
    _, _, item = pair
    charlie = cast.client_for(cast.charlie)
    assert charlie.get(_item_url(item)).status_code == 404
    assert charlie.post(_item_url(item), {"decision": "SAME"}).status_code == 404
    merge = decide(item, Decision.SAME, actor=cast.alice, note="Same face").merge
    assert merge is not None
    url = reverse("matching:merge_detail", args=[merge.code])
    assert charlie.get(url).status_code == 404
    assert charlie.post(url, {"note": "wrong"}).status_code == 404
    assert not AuditEvent.objects.filter(verb="person.viewed", actor=cast.charlie).exists()


def test_deciding_same_person_merges_them_and_is_audited(pair: Any, cast: Any) -> None:
    first, second, item = pair
    alice = cast.client_for(cast.alice)
    response = alice.post(_item_url(item), {"decision": "SAME", "note": "Same face on both"})
    assert response.status_code == 302 and response["Location"] == _item_url(item)
    second.refresh_from_db()
    assert second.merged_into == first
    event = AuditEvent.objects.get(verb="matching.review_decided")
    assert event.actor == cast.alice and event.changes["decision"] == "SAME"
    page = alice.get(_item_url(item)).content.decode()
    merge = Merge.objects.get()
    assert reverse("matching:merge_detail", args=[merge.code]) in page
    assert reverse("registry:person_detail", args=[first.code]) in page
    assert 'name="decision"' not in page


def test_with_htmx_only_the_decision_panel_comes_back(pair: Any, cast: Any) -> None:
    _, second, item = pair
    response = cast.client_for(cast.alice).post(
        _item_url(item), {"decision": "SAME", "note": "x"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="decision"')
    assert "merge-link" in body
    second.refresh_from_db()
    assert second.merged_into is not None


def test_unsure_without_a_note_is_refused_with_a_message(pair: Any, cast: Any) -> None:
    _, _, item = pair
    response = cast.client_for(cast.alice).post(_item_url(item), {"decision": "UNSURE"})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    item.refresh_from_db()
    assert item.status == ReviewStatus.OPEN


def test_an_auditor_sees_the_item_without_a_form_and_may_not_decide(pair: Any, cast: Any) -> None:
    _, _, item = pair
    erin = cast.client_for(cast.erin)
    response = erin.get(_item_url(item))
    assert response.status_code == 200
    assert 'name="decision"' not in response.content.decode()
    assert erin.post(_item_url(item), {"decision": "SAME"}).status_code == 403
    assert not Merge.objects.exists()


def test_a_contradicting_decision_warns_then_confirm_records_it(
    hit: ReviewItem, cast: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """Decided "not them"; the entry changes and the hit comes back; "it is them" now
    contradicts the earlier decision."""
    decide(hit, Decision.DIFFERENT, actor=cast.alice, note="Other father's name")
    _, rows = sample("watchlist-entry")
    rows[0]["reason"] += " (updated)"
    with django_capture_on_commit_callbacks(execute=True):
        _send_list(tmp_path, cast, rows)
    again = ReviewItem.objects.get(status=ReviewStatus.OPEN)
    bob = cast.client_for(cast.bob)
    response = bob.post(_item_url(again), {"decision": "SAME", "note": "Photo matches"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "contradiction" in body and 'name="confirm"' in body
    again.refresh_from_db()
    assert again.status == ReviewStatus.OPEN
    response = bob.post(
        _item_url(again), {"decision": "SAME", "note": "Photo matches", "confirm": "on"}
    )
    assert response.status_code == 302
    again.refresh_from_db()
    assert (again.status, again.decision) == (ReviewStatus.DECIDED, Decision.SAME)
    event = AuditEvent.objects.filter(verb="matching.review_decided").latest("seq")
    assert event.changes["contradicts"] == str(hit.code)


def test_a_hit_shows_the_listing_and_offers_the_hit_labels(hit: ReviewItem, cast: Any) -> None:
    response = cast.client_for(cast.alice).get(_item_url(hit))
    body = response.content.decode()
    assert "Deported for working" in body
    assert "Refuse entry; notify Inteldakim" in body
    assert "UU 6/2011 Pasal 75(2)(a)" in body
    labels = dict(response.context["form"].fields["decision"].choices)
    assert labels["SAME"] == HIT_LABELS[Decision.SAME]
    assert str(HIT_LABELS[Decision.SAME]) in body


def test_the_post_needs_the_csrf_token(pair: Any, cast: Any) -> None:
    _, _, item = pair
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.alice)
    assert client.post(_item_url(item), {"decision": "SAME"}).status_code == 403
    assert not Merge.objects.exists()


# --- Merges and the person page --------------------------------------------------------------


def test_a_supervisor_splits_a_merge_with_a_reason(pair: Any, cast: Any) -> None:
    _, second, item = pair
    merge = decide(item, Decision.SAME, actor=cast.alice, note="Same").merge
    assert merge is not None
    url = reverse("matching:merge_detail", args=[merge.code])
    alice = cast.client_for(cast.alice)
    page = alice.get(url)
    assert page.status_code == 200 and page.context["moved"]
    assert 'name="note"' not in page.content.decode()  # an officer does not split
    assert alice.post(url, {"note": "wrong"}).status_code == 403
    bob = cast.client_for(cast.bob)
    assert bob.post(url, {"note": " "}).status_code == 200  # a reason is required
    assert bob.post(url, {"note": "Different photos"}).status_code == 302
    second.refresh_from_db()
    assert second.merged_into is None
    shown = bob.get(url).content.decode()
    assert "Different photos" in shown and "split-done" in shown


def test_the_page_of_a_merged_person_leads_to_the_kept_one(pair: Any, cast: Any) -> None:
    first, second, item = pair
    decide(item, Decision.SAME, actor=cast.alice, note="Same")
    url = reverse("registry:person_detail", args=[second.code])
    response = cast.client_for(cast.alice).get(url, {"purpose": "IDENTITY_REVIEW"})
    assert response.status_code == 302
    kept = reverse("registry:person_detail", args=[first.code])
    assert response["Location"] == f"{kept}?purpose=IDENTITY_REVIEW"


# --- Watch lists ---------------------------------------------------------------------------


def test_watch_lists_show_their_entries_to_agencies_that_see_identities(
    cast: Any, tmp_path: Path
) -> None:
    _send_list(tmp_path, cast)
    alice = cast.client_for(cast.alice)
    body = alice.get(reverse("matching:watchlists")).content.decode()
    assert reverse("matching:watchlist", args=["PENANGKALAN"]) in body
    entries = alice.get(reverse("matching:watchlist", args=["PENANGKALAN"]), {"q": "li q"})
    assert "TKL-2024-01187" in entries.content.decode()
    none = alice.get(reverse("matching:watchlist", args=["PENANGKALAN"]), {"q": "SHARMA"})
    assert "TKL-2024-01187" not in none.content.decode()
    gita = cast.client_for(cast.gita)
    assert gita.get(reverse("matching:watchlists")).status_code == 403
    assert gita.get(reverse("matching:watchlist", args=["PENANGKALAN"])).status_code == 403
    assert alice.get(reverse("matching:watchlist", args=["NOPE"])).status_code == 404


def test_only_a_coordinator_changes_a_watch_list_and_the_change_is_audited(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("matching:watchlist_edit", args=["DPO"])
    values = {
        "owning_agency": cast.imigrasi.pk,
        "description": "Wanted by the police",
        "legal_basis": "KUHAP Pasal 17",
        "valid_from": "01-01-2025",
        "valid_until": "",
    }
    assert cast.client_for(cast.alice).post(url, values).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client_for(cast.dina).post(url, values)
    assert response.status_code == 302
    dpo = Watchlist.objects.get(list="DPO")
    assert (dpo.owning_agency, dpo.legal_basis) == (cast.imigrasi, "KUHAP Pasal 17")
    assert dpo.valid_from == datetime.date(2025, 1, 1)
    event = AuditEvent.objects.get(verb="matching.watchlist_changed")
    assert event.actor == cast.dina


# --- Screening -----------------------------------------------------------------------------


def test_the_screening_form_shows_the_hit_with_its_action_and_audits_the_purpose(
    cast: Any, tmp_path: Path
) -> None:
    _send_list(tmp_path, cast)
    response = cast.client_for(cast.alice).post(
        reverse("matching:screen"),
        {"full_name": "R. K. SHARMA", "date_of_birth": "1983-07-14", "purpose": "INVESTIGATION"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "DPO-POLDA-2025-044" in body
    assert "Detain and hand over to Polda Kepri" in body
    (match,) = response.context["matches"]
    assert match["reasons"]
    event = AuditEvent.objects.get(verb="matching.screened", purpose="INVESTIGATION")
    assert event.changes["channel"] == "form" and event.actor == cast.alice


def test_screening_needs_a_purpose_and_identity_access(cast: Any) -> None:
    alice = cast.client_for(cast.alice)
    response = alice.post(reverse("matching:screen"), {"full_name": "LI QIANG"})
    assert response.context["form"].errors["purpose"]
    assert response.context["matches"] is None
    gita = cast.client_for(cast.gita)
    assert gita.get(reverse("matching:screen")).status_code == 403
    data = {"full_name": "LI QIANG", "purpose": "SUPERVISION"}
    assert gita.post(reverse("matching:screen"), data).status_code == 403
    assert not AuditEvent.objects.filter(verb="matching.screened").exists()
