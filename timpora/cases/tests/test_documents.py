"""Issuing documents: each PDF says what it should (its text read back), its QR code opens the
verification page, its number comes from the agency's yearly series, and only the owning
agency issues it, in the right state of the action."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import urlsplit

import pypdf
import pytest
import zxingcpp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from timpora.audit.models import AuditEvent
from timpora.cases.actions.common import NotAllowed
from timpora.cases.actions.documents import issue_document
from timpora.cases.actions.measures import execute_action, propose_action
from timpora.cases.choices import ActionKind, DeadlineKind, DocumentKind, EventKind
from timpora.cases.documents import pdf, wording
from timpora.cases.models import Case, IssuedDocument

QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
pytestmark = pytest.mark.django_db


def pdf_text(document: IssuedDocument) -> str:
    with document.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def qr_address(document: IssuedDocument) -> str:
    """The address in the document's QR code, decoded from the image in the PDF."""
    with document.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    found = [
        barcode.text
        for page in reader.pages
        for image in page.images
        # QR codes only: with every format on, about 1 code in 700 also reads as an ITF barcode.
        for barcode in zxingcpp.read_barcodes(image.image, formats=QR_ONLY)
    ]
    assert len(found) == 1
    return found[0]


def flat(text: str) -> str:
    """The text with its line breaks as spaces (long values wrap in the PDF)."""
    return " ".join(text.split())


def assert_verifiable(document: IssuedDocument) -> None:
    """The QR code opens this site's verification page, which confirms the document."""
    address = qr_address(document)
    assert address.startswith(settings.PUBLIC_URL + "/v/")
    response = Client().get(urlsplit(address).path)
    assert response.status_code == 200
    assert document.number in response.content.decode()


# --- The four documents ------------------------------------------------------------------------


def test_it_issues_the_decision_on_a_deportation_with_its_data_and_qr_code(
    tan_case: Case, approved_deportation: Any, cast: Any
) -> None:
    document = issue_document(
        tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice, action=approved_deportation
    )
    year = timezone.localdate().year
    assert document.number == f"0001/KEP-TAK/IMI-BTM/{year}"
    text = flat(pdf_text(document))
    for expected in (
        wording.MINISTRY,
        "KANTOR IMIGRASI KELAS I KHUSUS TPI BATAM",
        "TINDAKAN ADMINISTRATIF KEIMIGRASIAN",
        f"Nomor: 0001/KEP-TAK/IMI-BTM/{year}",
        "Menimbang",
        "Mengingat",
        "MEMUTUSKAN",
        "Deportasi dari Wilayah Indonesia",
        "TAN WEI MING",
        "K1234567A",
        "Singapura",
        "Pelabuhan Internasional Batam Centre (BTM-BC)",
        "Batam Centre - Singapore HarbourFront (ferry)",
        "25 April 2026",
        "Penangkalan : 2 tahun",
        "Stayed beyond the permit and worked at a shipyard",
        "Pindai untuk memeriksa keaslian dokumen",
        wording.long_date(timezone.localdate()),
    ):
        assert expected in text, expected
    assert_verifiable(document)


def test_it_prints_the_overstay_charge_in_rupiah(tan_case: Case, tan: Any, cast: Any) -> None:
    from timpora.cases.actions.measures import approve_action

    action = propose_action(
        tan_case,
        actor=cast.alice,
        kind=ActionKind.OVERSTAY_CHARGE,
        person=tan,
        grounds="Stayed 21 days beyond the permit",
        details={"authorised_until": "2026-03-30", "as_of": "2026-04-20"},
    )
    approve_action(action, actor=cast.bob)
    document = issue_document(tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice, action=action)
    text = flat(pdf_text(document))
    assert "pengenaan biaya beban" in text
    assert "Lamanya melampaui izin tinggal : 21 hari" in text
    assert "21 hari x Rp 1.000.000 = Rp 21.000.000" in text
    assert "Jumlah biaya beban : Rp 21.000.000" in text
    assert_verifiable(document)


def test_it_records_an_executed_deportation(
    tan_case: Case, approved_deportation: Any, cast: Any
) -> None:
    decision = issue_document(
        tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice, action=approved_deportation
    )
    executed = execute_action(approved_deportation, actor=cast.alice, note="Boarded at 10:00")
    document = issue_document(
        tan_case, DocumentKind.BA_DEPORTASI, actor=cast.alice, action=executed
    )
    assert document.number.startswith("0001/BA-DEP/IMI-BTM/")
    text = flat(pdf_text(document))
    for expected in (
        "BERITA ACARA PENDEPORTASIAN",
        "TAN WEI MING",
        "K1234567A",
        "Sabtu, tanggal 25 April 2026",
        "Pelabuhan Internasional Batam Centre (BTM-BC)",
        "Batam Centre - Singapore HarbourFront (ferry)",
        "Pengawalan : Alice, Bob",
        decision.number,
        "Boarded at 10:00",
    ):
        assert expected in text, expected
    assert_verifiable(document)


def test_it_issues_an_order_that_meets_the_written_order_deadline(
    tan_case: Case, tan: Any, cast: Any
) -> None:
    urgent = propose_action(
        tan_case,
        actor=cast.alice,
        kind=ActionKind.DETENTION,
        person=tan,
        grounds="Found working at a shipyard on a visit stay",
        details={
            "decision_number": "W.4.IMI-123",
            "reason": "Awaiting deportation",
            "place": "Ruang Detensi Kantor Imigrasi Batam",
            "start": "2026-04-21",
            "review_on": "2026-05-21",
        },
        urgent=True,
    )
    deadline = urgent.deadlines.get(kind=DeadlineKind.WRITTEN_ORDER)
    assert deadline.met_at is None
    document = issue_document(
        tan_case,
        DocumentKind.SURAT_PERINTAH,
        actor=cast.bob,
        action=urgent,
        content={
            "officers": ["alice", "bob"],
            "place": "PT Galangan Kapal, Tanjung Uncang",
            "period_from": "2026-04-21",
            "period_to": "2026-04-23",
        },
    )
    text = flat(pdf_text(document))
    for expected in (
        "SURAT PERINTAH",
        document.number,
        "Peraturan Menteri Imigrasi dan Pemasyarakatan Nomor 2 Tahun 2025, Pasal 30",
        "MEMERINTAHKAN",
        "Alice, Petugas",
        "Bob, Penyelia",
        "PT Galangan Kapal, Tanjung Uncang",
        "21 April 2026 s.d. 23 April 2026",
        "TAN WEI MING",
        tan_case.number,
    ):
        assert expected in text, expected
    deadline.refresh_from_db()
    assert deadline.met_at is not None
    assert_verifiable(document)


def test_it_refuses_an_order_for_someone_outside_the_agency(tan_case: Case, cast: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        issue_document(
            tan_case,
            DocumentKind.SURAT_PERINTAH,
            actor=cast.alice,
            content={"officers": ["charlie"]},
        )
    assert "officers" in refused.value.message_dict
    assert not IssuedDocument.objects.exists()


def test_it_records_an_examination_with_questions_and_answers(
    tan_case: Case, tan: Any, cast: Any
) -> None:
    document = issue_document(
        tan_case,
        DocumentKind.BAP,
        actor=cast.alice,
        content={
            "person": str(tan.code),
            "place": "Kantor Imigrasi Batam, ruang pemeriksaan 2",
            "examined_at": "2026-04-21T14:30",
            "questions": [
                {"q": "Sejak kapan Saudara berada di Batam?", "a": "Sejak 1 Maret 2026."},
                {"q": "Apa pekerjaan Saudara?", "a": "Tukang las di galangan kapal."},
            ],
            "statement": "Saya mengaku bekerja tanpa izin.",
        },
    )
    assert document.number.startswith("0001/BAP/IMI-BTM/")
    text = flat(pdf_text(document))
    for expected in (
        "BERITA ACARA PEMERIKSAAN",
        "Selasa, tanggal 21 April 2026, pukul 14:30",
        "Kantor Imigrasi Batam, ruang pemeriksaan 2",
        "TAN WEI MING",
        "12 April 1979",
        "Singapura",
        "K1234567A",
        "Sejak kapan Saudara berada di Batam?",
        "Tukang las di galangan kapal.",
        "Saya mengaku bekerja tanpa izin.",
    ):
        assert expected in text, expected
    assert_verifiable(document)


def test_an_examination_needs_something_said(tan_case: Case, cast: Any) -> None:
    with pytest.raises(ValidationError):
        issue_document(tan_case, DocumentKind.BAP, actor=cast.alice, content={})


def test_a_name_in_native_script_is_transliterated_not_fatal(
    tan_case: Case, tan: Any, cast: Any
) -> None:
    tan.name_original = "陈伟明"
    tan.current_address = "Jl. Raja Ali Haji №7, Nagoya — “Blok C”"
    tan.save(update_fields=["name_original", "current_address"])
    document = issue_document(
        tan_case, DocumentKind.BAP, actor=cast.alice, content={"statement": "Владимир 说"}
    )
    text = flat(pdf_text(document))
    assert "ChenWeiMing" in text
    assert "Vladimir" in text
    assert 'Nagoya - "Blok C"' in text


def test_the_pdf_is_the_same_for_the_same_content() -> None:
    content = {
        "number": "0001/SP/IMI-BTM/2026",
        "date": "2026-11-28",
        "agency": "Kantor Imigrasi",
        "letterhead": wording.letterhead("Kantor Imigrasi", "IMMIGRATION"),
        "title": ["SURAT PERINTAH"],
        "issuer": {"name": "Bob", "role": "Penyelia"},
        "officers": [{"name": "Alice", "role": "Petugas"}],
        "task": "Tugas",
        "period": {"from": "2026-11-28", "to": "2026-11-28"},
        "basis": list(wording.ORDER_BASIS),
    }
    first = pdf.render(DocumentKind.SURAT_PERINTAH, content, "http://x.test/v/t/")
    assert first == pdf.render(DocumentKind.SURAT_PERINTAH, content, "http://x.test/v/t/")
    assert first != pdf.render(DocumentKind.SURAT_PERINTAH, content, "http://x.test/v/u/")


def test_issuing_is_on_the_timeline_and_in_the_audit_log(
    tan_case: Case, approved_deportation: Any, cast: Any
) -> None:
    document = issue_document(
        tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice, action=approved_deportation
    )
    event = tan_case.events.get(kind=EventKind.DOCUMENT_ISSUED)
    assert event.data["number"] == document.number
    assert event.actor == cast.alice
    audit = AuditEvent.objects.get(verb="cases.document_issued", subject_code=str(document.code))
    assert audit.actor == cast.alice
    assert audit.changes["sha256"] == document.sha256
    assert document.content["person"]["name"] == "TAN WEI MING"


# --- Numbers -----------------------------------------------------------------------------------


def test_numbers_run_per_agency_per_kind_and_per_year(
    tan_case: Case, open_case: Any, polisi: Any, cast: Any, monkeypatch: Any
) -> None:
    order = {"statement": "x"}
    first = issue_document(tan_case, DocumentKind.SURAT_PERINTAH, actor=cast.alice)
    second = issue_document(tan_case, DocumentKind.SURAT_PERINTAH, actor=cast.bob)
    examination = issue_document(tan_case, DocumentKind.BAP, actor=cast.alice, content=order)
    year = timezone.localdate().year
    assert [first.number, second.number, examination.number] == [
        f"0001/SP/IMI-BTM/{year}",
        f"0002/SP/IMI-BTM/{year}",
        f"0001/BAP/IMI-BTM/{year}",
    ]
    police_case = open_case(actor=polisi, title="Police matter")
    police_order = issue_document(police_case, DocumentKind.SURAT_PERINTAH, actor=polisi)
    assert police_order.number == f"0001/SP/POLRESTA-BRL/{year}"
    police_text = flat(pdf_text(police_order))
    assert "POLRESTA BARELANG" in police_text
    assert wording.MINISTRY not in police_text
    next_year = dt.date(year + 1, 1, 2)
    monkeypatch.setattr(timezone, "localdate", lambda *args: next_year)
    new_year = issue_document(tan_case, DocumentKind.SURAT_PERINTAH, actor=cast.alice)
    assert new_year.number == f"0001/SP/IMI-BTM/{year + 1}"
    assert new_year.issued_on == next_year
    assert wording.long_date(next_year) in flat(pdf_text(new_year))


# --- Who and when ------------------------------------------------------------------------------


def test_only_the_owning_agency_issues(tan_case: Case, cast: Any) -> None:
    for outsider in (cast.charlie, cast.erin):
        with pytest.raises(NotAllowed):
            issue_document(tan_case, DocumentKind.SURAT_PERINTAH, actor=outsider)
    assert not IssuedDocument.objects.exists()


def test_a_merely_proposed_action_has_no_decision(tan_case: Case, tan: Any, cast: Any) -> None:
    from timpora.cases.tests.conftest import DEPORTATION_DETAILS

    proposed = propose_action(
        tan_case,
        actor=cast.alice,
        kind=ActionKind.DEPORTATION,
        person=tan,
        grounds="Overstay",
        details=DEPORTATION_DETAILS,
    )
    with pytest.raises(NotAllowed):
        issue_document(tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice, action=proposed)
    with pytest.raises(ValidationError):
        issue_document(tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice)
    assert not IssuedDocument.objects.exists()


def test_a_deportation_record_needs_the_deportation_executed(
    tan_case: Case, approved_deportation: Any, cast: Any
) -> None:
    with pytest.raises(NotAllowed):
        issue_document(
            tan_case, DocumentKind.BA_DEPORTASI, actor=cast.alice, action=approved_deportation
        )
    assert not IssuedDocument.objects.exists()
