"""Attachments through the case page: a real PNG and PDF uploaded and downloaded back through the
view (only by those who see the case, each download audited), anything else refused."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from fpdf import FPDF
from PIL import Image

from timpora.audit.choices import Purpose, Verb
from timpora.audit.models import AuditEvent
from timpora.cases.choices import AttachmentKind, EventKind
from timpora.cases.models import Attachment, Case

pytestmark = pytest.mark.django_db


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf() -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Surat sponsor")
    return bytes(document.output())


def upload(client: Any, case: Case, name: str, data: bytes, **extra: str) -> Any:
    return client.post(
        reverse("cases:step", args=[case.code, "attachment"]),
        {"attachment-file": SimpleUploadedFile(name, data), **extra},
        follow=True,
    )


def content(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_the_owner_uploads_a_photo_and_downloads_it_back_through_the_view(cast, overstay_case):
    client = cast.client_for(cast.alice)
    data = png()

    response = upload(
        client, overstay_case, "passport photo.png", data, **{"attachment-description": "Face"}
    )

    assert response.status_code == 200
    attachment = Attachment.objects.get(case=overstay_case)
    assert attachment.kind == AttachmentKind.PHOTO and attachment.description == "Face"
    assert attachment.content_type == "image/png" and attachment.size == len(data)
    download = reverse("cases:attachment", args=[attachment.code])
    assert download in client.get(reverse("cases:case", args=[overstay_case.code])).content.decode()

    response = client.get(download)

    assert response.status_code == 200
    assert content(response) == data
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_is_kept_as_a_document(cast, overstay_case):
    data = pdf()

    upload(cast.client_for(cast.alice), overstay_case, "sponsor.pdf", data)

    attachment = Attachment.objects.get(case=overstay_case)
    assert attachment.kind == AttachmentKind.DOCUMENT and attachment.name == "sponsor.pdf"
    assert overstay_case.events.filter(kind=EventKind.ATTACHMENT).exists()
    response = cast.client_for(cast.bob).get(reverse("cases:attachment", args=[attachment.code]))
    assert content(response) == data


def test_a_program_is_refused_with_a_message(cast, overstay_case):
    response = upload(
        cast.client_for(cast.alice), overstay_case, "invoice.exe", b"MZ\x90\x00" + b"\x00" * 60
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]]
    assert not Attachment.objects.exists()


def test_a_file_named_like_a_photo_is_judged_by_its_content(cast, overstay_case):
    upload(cast.client_for(cast.alice), overstay_case, "photo.png", b"MZ" + b"\x00" * 100)

    assert not Attachment.objects.exists()


def test_each_download_is_audited_with_its_purpose(cast, overstay_case):
    client = cast.client_for(cast.alice)
    upload(client, overstay_case, "photo.png", png())
    attachment = Attachment.objects.get()

    client.get(reverse("cases:attachment", args=[attachment.code]))

    event = AuditEvent.objects.filter(verb=Verb.ATTACHMENT_DOWNLOADED).latest("seq")
    assert event.subject_code == str(attachment.code)
    assert event.actor == cast.alice and event.purpose == Purpose.INVESTIGATION


@pytest.mark.parametrize("who", ["charlie", "gita"])
def test_an_officer_of_another_agency_gets_404_on_the_download_and_no_audit(
    cast, overstay_case, who
):
    upload(cast.client_for(cast.alice), overstay_case, "photo.png", png())
    attachment = Attachment.objects.get()

    response = cast.client_for(getattr(cast, who)).get(
        reverse("cases:attachment", args=[attachment.code])
    )

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(verb=Verb.ATTACHMENT_DOWNLOADED).exists()


@pytest.mark.parametrize("who", ["charlie", "gita"])
def test_an_officer_of_another_agency_gets_404_on_the_upload(cast, overstay_case, who):
    response = cast.client_for(getattr(cast, who)).post(
        reverse("cases:step", args=[overstay_case.code, "attachment"]),
        {"attachment-file": SimpleUploadedFile("photo.png", png())},
    )

    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_an_auditor_downloads_but_cannot_upload(cast, overstay_case):
    upload(cast.client_for(cast.alice), overstay_case, "photo.png", png())
    attachment = Attachment.objects.get()
    client = cast.client_for(cast.erin)

    assert client.get(reverse("cases:attachment", args=[attachment.code])).status_code == 200
    response = upload(client, overstay_case, "other.pdf", pdf())

    assert [str(m) for m in response.context["messages"]]
    assert Attachment.objects.count() == 1


def test_a_missing_file_is_not_found(cast, overstay_case):
    upload(cast.client_for(cast.alice), overstay_case, "photo.png", png())
    attachment = Attachment.objects.get()
    attachment.file.delete(save=False)

    response = cast.client_for(cast.alice).get(reverse("cases:attachment", args=[attachment.code]))

    assert response.status_code == 404
