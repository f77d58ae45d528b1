"""One overstay followed in the browser from its alert to the verified decision: an immigration
officer opens a case from the alert and proposes a deportation with an entry ban; the supervisor
approves it from "my work" and records its execution, which lists the person for penangkalan;
the decision (Keputusan TAK) is issued and downloaded, and its QR code opens the public page
that confirms the document without naming the person."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pypdf
import pytest
import zxingcpp
from django.utils import timezone, translation

from timpora.cases.choices import ActionKind, ActionStatus, CaseStatus, DocumentKind
from timpora.cases.models import AdministrativeAction, Case, IssuedDocument
from timpora.detection.actions import parameters_at
from timpora.detection.choices import AlertStatus
from timpora.detection.models import Alert
from timpora.detection.tests.conftest import World
from timpora.matching.models import WatchlistEntry
from timpora.registry.choices import WatchList

QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "TAN WEI MING"
PASSPORT = "K7654321B"


def _long_overstay(facts: Any, cast: Any) -> tuple[Alert, int]:
    """TAN WEI MING's visit stay ended more days ago than the deportation threshold."""
    today = timezone.localdate()
    threshold = _threshold()
    until = today - timedelta(days=threshold + 15)
    world = World(facts, cast)
    tan = world.person(NAME, passport=PASSPORT)
    world.arrive(tan, f"{until - timedelta(days=29)} 10:00", until=until.isoformat())
    world.detect(today.isoformat(), "OVERSTAY")
    alert = Alert.objects.get(rule="OVERSTAY", person__full_name=NAME)
    return alert, (today - until).days


def _threshold() -> int:
    """Days of overstay beyond which deportation, not a charge, is the lawful action."""
    return parameters_at(timezone.localdate()).integer("OVERSTAY_DEPORTATION_DAYS")


def _log_in(page: Any, url: str, cast: Any, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(cast.passwords[username])
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{url}/")


def _label(choice: Any, language: str) -> str:
    with translation.override(language):
        return str(choice.label)


def _qr_address(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = [
        barcode.text
        for page in reader.pages
        for image in page.images
        # QR codes only: with every format on, about 1 code in 700 also reads as an ITF barcode.
        for barcode in zxingcpp.read_barcodes(image.image, formats=QR_ONLY)
    ]
    assert len(found) == 1, found
    return found[0]


def test_an_overstay_goes_from_alert_to_executed_deportation_and_verified_decision(
    live_server: Any, cast: Any, facts: Any, browser: Any, artifacts: Any, settings: Any
) -> None:
    settings.PUBLIC_URL = live_server.url  # the QR code opens this live server
    alert, days_over = _long_overstay(facts, cast)
    assert days_over > _threshold()
    today = timezone.localdate()
    url = live_server.url

    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{page.url} {message.text}"))

    def shot(name: str) -> None:
        # caret="initial": hiding the caret leaves style="" on the page's inputs, which htmx
        # then settles onto the inputs it swaps in, against the page's CSP (style-src 'self').
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True, caret="initial")

    # --- alice opens the alert from her inbox, and a case from it -------------------------------
    _log_in(page, url, cast, "alice")
    language = page.locator("html").get_attribute("lang") or "id"
    page.locator("nav a[href='/detection/alerts/']").click()
    page.wait_for_url(f"{url}/detection/alerts/")
    page.locator(f"tr[data-code='{alert.code}'] a[href='/detection/alerts/{alert.code}/']").click()
    page.wait_for_url(f"{url}/detection/alerts/{alert.code}/")
    panel = page.locator("#case-panel")
    assert panel.locator("form.open-case-form").count() == 1
    assert panel.locator("li.linked-case").count() == 0
    assert panel.locator("select[name=case_type]").input_value() == "OVERSTAY"
    panel.locator("input[name=title]").fill(f"Overstay {NAME}")
    shot("case-alert-open-form")
    panel.locator("form.open-case-form button[type=submit]").click()
    page.wait_for_url(f"{url}/cases/*/")

    case = Case.objects.get()
    assert page.url == f"{url}/cases/{case.code}/"
    assert page.locator(".message.success").count() == 1
    assert page.locator("h1 .case-number").inner_text() == case.number
    assert case.number.endswith(f"/KASUS/IMI-BTM/{today.year}")
    assert page.locator(f"section.case-alerts a[href='/detection/alerts/{alert.code}/']").count()
    assert NAME in page.locator("section.case-subjects").inner_text()
    tasks = list(case.tasks.order_by("pk").values_list("title", flat=True))
    assert tasks, "the overstay playbook gives the case its tasks"
    rows = page.locator("table.tasks tr.task-row")
    assert rows.count() == len(tasks)
    shown = rows.all_inner_texts()
    assert all(any(title in row for row in shown) for title in tasks)
    alert.refresh_from_db()
    assert (alert.status, case.owning_agency, case.opened_by) == (
        AlertStatus.ESCALATED,
        cast.imigrasi,
        cast.alice,
    )
    shot("case-opened")

    # --- alice proposes a deportation with a two-year entry ban --------------------------------
    actions = page.locator("section#actions")
    assert actions.locator("article.action").count() == 0
    proposal = actions.locator("details.action-propose-panel")
    if proposal.get_attribute("open") is None:
        proposal.locator("summary").click()
    actions.locator("select#id_choose_action-kind").select_option(ActionKind.DEPORTATION)
    fields = actions.locator("#action-fields.kind-deportation")
    fields.wait_for()  # htmx swapped in the fields of a deportation
    form = actions.locator("form.action-form")
    assert form.locator("input[name='action-kind']").input_value() == ActionKind.DEPORTATION
    form.locator("select[name='action-person']").select_option(label=f"{NAME} (SGP)")
    form.locator("textarea[name='action-grounds']").fill(
        f"Stayed {days_over} days beyond the visit stay granted at arrival"
    )
    checkpoint = fields.locator("select[name='details-checkpoint']")
    assert checkpoint.locator("option[value='BTM-HB']").count() == 1
    checkpoint.select_option("BTM-HB")
    fields.locator("[name='details-route']").fill("Batam Harbour Bay - Singapore (ferry)")
    departure = today + timedelta(days=3)
    fields.locator("input[name='details-departure_on']").fill(departure.strftime("%d-%m-%Y"))
    fields.locator("[name='details-escort']").fill("Petugas Seksi Inteldakim")
    fields.locator("input[name='details-entry_ban_years']").fill("2")
    fields.locator("[name='details-entry_ban_reason']").fill("Overstay beyond 60 days")
    shot("case-propose-deportation")
    form.locator("button[type=submit]").click()
    page.locator(".message.success").wait_for()

    action = AdministrativeAction.objects.get(case=case)
    assert (action.kind, action.status, action.proposed_by) == (
        ActionKind.DEPORTATION,
        ActionStatus.PROPOSED,
        cast.alice,
    )
    assert action.person.full_name == NAME
    assert action.details["checkpoint"] == "BTM-HB"
    assert action.details["departure_on"] == departure.isoformat()
    assert action.details["entry_ban_years"] == 2
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTION_PENDING
    article = page.locator(f"article#action-{action.code}")
    assert "status-proposed" in (article.get_attribute("class") or "")
    assert article.locator("form.step-approve").count() == 0  # never the proposer
    assert "BTM-HB" in article.inner_text()
    assert (
        page.locator("#case-status")
        .inner_text()
        .startswith(_label(CaseStatus.ACTION_PENDING, language))
    )
    shot("case-proposed")

    page.locator("nav form[action='/accounts/logout/'] button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{url}/cases/{case.code}/")
    assert "/accounts/login/" in page.url  # logged out

    # --- bob approves it from "my work" and records its execution ------------------------------
    _log_in(page, url, cast, "bob")
    page.locator("nav a[href='/cases/my-work/']").click()
    page.wait_for_url(f"{url}/cases/my-work/")
    approval = page.locator("section.my-approvals li.my-approval")
    assert approval.count() == 1
    assert NAME in approval.inner_text() and case.number in approval.inner_text()
    shot("case-my-work")
    approval.locator(f"a[href='/cases/{case.code}/#actions']").click()
    page.wait_for_url(f"{url}/cases/{case.code}/*")

    article = page.locator(f"article#action-{action.code}")
    article.locator("form.step-approve textarea[name='approve-note']").fill("Disetujui.")
    article.locator("form.step-approve button[type=submit]").click()
    page.locator(".message.success").wait_for()
    action.refresh_from_db()
    assert (action.status, action.approved_by) == (ActionStatus.APPROVED, cast.bob)
    article = page.locator(f"article#action-{action.code}")
    assert "status-approved" in (article.get_attribute("class") or "")
    assert article.locator("form.step-approve").count() == 0

    execute = article.locator("form.step-execute")
    execute.locator("input[name='execute-executed_on']").fill(today.strftime("%d-%m-%Y"))
    execute.locator("textarea[name='execute-note']").fill("Diberangkatkan dengan kapal feri.")
    execute.locator("button[type=submit]").click()
    page.locator(".message.success").wait_for()

    action.refresh_from_db()
    assert (action.status, action.executed_by, action.effective_on) == (
        ActionStatus.EXECUTED,
        cast.bob,
        departure,  # a deportation takes effect on its departure date
    )
    assert action.execution_note == "Diberangkatkan dengan kapal feri."
    entry = WatchlistEntry.objects.get(list=WatchList.PENANGKALAN)
    assert action.watchlist_entry == entry
    assert entry.full_name == NAME and PASSPORT in entry.passport_numbers
    assert entry.valid_from == today and entry.valid_until is not None
    assert entry.valid_until.year == today.year + 2
    case.refresh_from_db()
    assert case.decided_at is not None and case.executed_at is not None
    article = page.locator(f"article#action-{action.code}")
    assert "status-executed" in (article.get_attribute("class") or "")
    assert article.locator(".action-status").inner_text() == _label(ActionStatus.EXECUTED, language)
    assert entry.entry_id in article.locator("dd.watchlist-entry").inner_text()
    assert article.locator("form.step-execute").count() == 0
    shot("case-executed")

    # --- the decision is issued, downloaded, and its QR code verified --------------------------
    documents = page.locator("section#documents")
    assert documents.locator("tr.document-row").count() == 0
    issue = documents.locator("form.issue-keputusan")
    issue.locator("select[name=action]").select_option(str(action.code))
    issue.locator("button[type=submit]").click()
    page.locator(".message.success").wait_for()

    document = IssuedDocument.objects.get(case=case)
    assert (document.kind, document.action, document.issued_by) == (
        DocumentKind.KEPUTUSAN_TAK,
        action,
        cast.bob,
    )
    assert document.number == f"0001/KEP-TAK/IMI-BTM/{today.year}"
    row = page.locator(f"section#documents tr.document-row[data-code='{document.code}']")
    assert document.number in row.inner_text()
    shot("case-decision-issued")
    with page.expect_download() as download_info:
        row.locator(f"a[href='/cases/documents/{document.code}.pdf']").click()
    download = download_info.value
    assert download.suggested_filename == document.number.replace("/", "-") + ".pdf"
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF")

    address = _qr_address(pdf)
    assert address.startswith(f"{url}/v/")
    page.locator("nav form[action='/accounts/logout/'] button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(address)  # as anyone scanning the printed code: not logged in
    assert page.locator("h1.verify-genuine").count() == 1
    language = page.locator("html").get_attribute("lang") or language
    assert page.locator("dd.verify-number").inner_text() == document.number
    assert page.locator("dd.verify-kind").inner_text() == _label(
        DocumentKind.KEPUTUSAN_TAK, language
    )
    assert page.locator("dd.verify-agency").inner_text() == cast.imigrasi.name
    text = page.locator("body").inner_text()
    html = page.content()
    for private in (NAME, PASSPORT, "SGP", "BTM-HB"):
        assert private not in text and private not in html
    shot("case-decision-verified")
    page.close()

    assert not [text for text in console if "Content Security Policy" in text]
