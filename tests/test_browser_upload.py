"""An immigration officer sends a spreadsheet with the office's own column names, maps its columns
in the form, imports it and reads the report."""

from __future__ import annotations

import pytest

from timpora.exchange.models import ColumnProfile, ImportBatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = (
    "permit_number,permit_type,status,valid_from,valid_until,Nama Lengkap,sex,date_of_birth,"
    "nationality,No Paspor,issuing_office"
)
GOOD = "2C21AB0012-X,ITAS,ACTIVE,2025-08-20,2026-08-19,NGUYEN VAN THANG,M,1992,VNM,C8842211,Batam"
BAD = "B2611X00231,ITK,ACTIVE,2026-03-02,2026-04-30,ZHANG WEI,M,1988-11-02,XYZ,EJ4820193,Batam"
CSV = f"{HEADER}\n{GOOD}\n{BAD}\n".encode()


def _log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")


def test_it_uploads_maps_and_imports_a_file_and_shows_the_report(
    live_server, cast, browser, artifacts
):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console = []
    page.on("console", lambda message: console.append(message.text))
    _log_in(page, live_server, "alice", cast.passwords["alice"])

    page.goto(f"{live_server.url}/exchange/upload/")
    page.locator("#id_kind").select_option("stay-permit")
    page.locator("#id_file").set_input_files(
        files=[{"name": "simkim.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    page.locator("form.panel button.primary").click()
    page.wait_for_url(f"{live_server.url}/exchange/upload/*/")

    assert page.locator("table.preview tbody tr").count() == 2
    assert page.locator("#mapping-check .alert.error").is_visible()  # two required fields lack
    page.get_by_label("Nama Lengkap").select_option("full_name")
    page.get_by_label("No Paspor").select_option("passport_number")
    page.locator("#mapping-check .alert.success").wait_for()  # checked again by htmx
    page.locator("#id_profile_name").fill("SIMKIM")
    page.screenshot(path=str(artifacts / "upload-mapping.png"), full_page=True)
    page.locator("button[name=confirm]").click()
    page.wait_for_url(f"{live_server.url}/exchange/batches/*/")

    page.locator("#count-created").wait_for()
    assert page.locator("#count-rows").inner_text() == "2"
    assert page.locator("#count-created").inner_text() == "1"
    assert page.locator("#count-rejected").inner_text() == "1"
    reasons = page.locator("table.report tbody tr").first.locator(".reasons").inner_text()
    assert "nationality" in reasons and "XYZ" in reasons
    page.screenshot(path=str(artifacts / "upload-report.png"), full_page=True)
    page.close()

    batch = ImportBatch.objects.get()
    assert (batch.submitted_by, batch.created, batch.rejected) == (cast.alice, 1, 1)
    assert ColumnProfile.objects.get().mapping["No Paspor"] == "passport_number"
    assert not [text for text in console if "Content Security Policy" in text]
