"""An immigration officer opens the review queue, compares two records side by side with the
reasons of their score, decides they are the same person, and sees them merged."""

from __future__ import annotations

import pytest

from timpora.exchange.tests.samples import run, write
from timpora.matching.models import Merge, ReviewItem
from timpora.registry.models import Person
from timpora.registry.records import COLUMNS
from timpora.testing import ZHANG, crossing, stay_permit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _possible_duplicate(cast, tmp_path):
    """ZHANG WEI arrives; a stay permit names 张伟, same birth date, another passport."""
    rows = [crossing(ZHANG, "HN-1", "ARRIVAL", "2026-03-02T18:55:00+07:00")]
    path = write(tmp_path / "a.csv", list(COLUMNS["border-crossing"]), rows)
    run("border-crossing", path, cast.imigrasi)
    other = {
        **ZHANG,
        "full_name": "张伟",
        "name_original": "",
        "given_names": "",
        "surname": "",
        "passport_number": "EK1112223",
    }
    path = write(tmp_path / "b.csv", list(COLUMNS["stay-permit"]), [stay_permit(other, "2C1-X")])
    run("stay-permit", path, cast.imigrasi)
    return ReviewItem.objects.get()


def test_it_compares_two_records_decides_same_person_and_shows_the_merge(
    live_server, cast, browser, artifacts, tmp_path
):
    item = _possible_duplicate(cast, tmp_path)
    first, second = Person.objects.order_by("pk")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill("alice")
    page.get_by_label("Kata sandi").fill(cast.passwords["alice"])
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")

    page.locator("nav a[href='/matching/review/']").click()
    page.wait_for_url(f"{live_server.url}/matching/review/")
    page.locator(f"table.review-queue a[href='/matching/review/{item.code}/']").click()
    page.wait_for_url(f"{live_server.url}/matching/review/{item.code}/")

    compare = page.locator("table.compare")
    header = compare.locator("thead").inner_text()
    assert "ZHANG WEI" in header and "张伟" in header
    assert "EJ4820193" in compare.inner_text() and "EK1112223" in compare.inner_text()
    assert compare.locator("tr.differs").count() >= 1
    assert page.locator("table.reasons tbody tr").count() >= 2
    page.screenshot(path=str(artifacts / "review-item.png"), full_page=True)

    status_before = page.locator("#item-status").inner_text()
    page.locator("input[name=decision][value=SAME]").check()
    page.locator("textarea[name=note]").fill("Same face, same birth date; second passport")
    page.locator("#decision button[type=submit]").click()
    page.locator("#decision .merged").wait_for()  # the panel swapped in by htmx
    assert page.locator("#item-status").inner_text() != status_before  # and the status with it
    assert (
        page.locator("#decision a.kept-person")
        .get_attribute("href")
        .startswith(f"/persons/{first.code}/")
    )
    page.screenshot(path=str(artifacts / "review-merged.png"), full_page=True)
    page.locator("#decision a.merge-link").click()
    page.wait_for_url(f"{live_server.url}/matching/merges/*/")
    assert page.locator("table.moved tbody tr").count() >= 1
    page.close()

    second.refresh_from_db()
    assert second.merged_into == first
    merge = Merge.objects.get()
    assert (merge.survivor, merge.merged, merge.merged_by) == (first, second, cast.alice)
    item.refresh_from_db()
    assert (item.status, item.decision, item.decided_by) == ("DECIDED", "SAME", cast.alice)
    assert not [text for text in console if "Content Security Policy" in text]
