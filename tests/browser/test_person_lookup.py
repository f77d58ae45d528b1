"""An officer logs in, finds a person by the name in their own script, and opens the record."""

from __future__ import annotations

import pytest

from timpora.audit.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_finds_a_person_by_native_script_name_and_opens_the_record(
    live_server, cast, people, browser, artifacts
):
    password = cast.passwords["alice"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill("alice")
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/persons/")
    page.get_by_label("Nama", exact=True).fill("张伟")
    page.get_by_label("Tujuan").select_option("INVESTIGATION")
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name="ZHANG WEI").click()

    heading = page.get_by_role("heading", level=1)
    heading.wait_for()
    assert "ZHANG WEI" in heading.inner_text()
    assert "张伟" in heading.inner_text()
    assert page.locator(".status .badge.info").inner_text() == "Di Indonesia"
    page.screenshot(path=str(artifacts / "person-page.png"), full_page=True)
    page.close()

    viewed = AuditEvent.objects.filter(verb="person.viewed", actor=cast.alice).get()
    assert viewed.purpose == "INVESTIGATION"
