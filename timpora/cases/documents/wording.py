"""The fixed Bahasa Indonesia of issued documents: titles, letterheads, dates, labels.

Documents are official papers of an Indonesian agency: their wording is Indonesian whatever
language the officer's screen is in, so nothing here is translated.
"""

from __future__ import annotations

import datetime as dt

from timpora.accounts.choices import AgencyKind, Role
from timpora.cases.choices import ActionKind, DocumentKind

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

MINISTRY = "KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN REPUBLIK INDONESIA"
DIRECTORATE = "DIREKTORAT JENDERAL IMIGRASI"

#: The title of each kind of document (Keputusan adds the issuing head and its subject).
TITLES: dict[str, str] = {
    DocumentKind.SURAT_PERINTAH: "SURAT PERINTAH",
    DocumentKind.BAP: "BERITA ACARA PEMERIKSAAN",
    DocumentKind.KEPUTUSAN_TAK: "KEPUTUSAN",
    DocumentKind.BA_DEPORTASI: "BERITA ACARA PENDEPORTASIAN",
}

#: The kind of document as the verification page names it.
KIND_LABELS: dict[str, str] = {
    DocumentKind.SURAT_PERINTAH: "Surat Perintah",
    DocumentKind.BAP: "Berita Acara Pemeriksaan",
    DocumentKind.KEPUTUSAN_TAK: "Keputusan Tindakan Administratif Keimigrasian",
    DocumentKind.BA_DEPORTASI: "Berita Acara Pendeportasian",
}

#: UU 6/2011 Pasal 75(2), 83 and the hand-over for investigation, in the law's words.
ACTION_LABELS: dict[str, str] = {
    ActionKind.PENANGKALAN: "pencantuman dalam daftar Penangkalan",
    ActionKind.PENCEGAHAN: "pencantuman dalam daftar Pencegahan",
    ActionKind.PERMIT_LIMIT: "pembatasan Izin Tinggal",
    ActionKind.PERMIT_CHANGE: "perubahan Izin Tinggal",
    ActionKind.PERMIT_CANCEL: "pembatalan Izin Tinggal",
    ActionKind.PLACE_BAN: "larangan untuk berada di satu atau beberapa tempat tertentu di "
    "Wilayah Indonesia",
    ActionKind.RESIDENCE_ORDER: "keharusan untuk bertempat tinggal di suatu tempat tertentu di "
    "Wilayah Indonesia",
    ActionKind.OVERSTAY_CHARGE: "pengenaan biaya beban",
    ActionKind.DEPORTATION: "Deportasi dari Wilayah Indonesia",
    ActionKind.DETENTION: "pendetensian di Ruang Detensi Imigrasi",
    ActionKind.PRO_JUSTITIA: "penyerahan untuk penyidikan tindak pidana keimigrasian "
    "(pro justitia)",
}

ROLE_LABELS: dict[str, str] = {
    Role.OFFICER: "Petugas",
    Role.ANALYST: "Analis",
    Role.SUPERVISOR: "Penyelia",
    Role.COORDINATOR: "Koordinator",
    Role.AGENCY_ADMIN: "Administrator",
    Role.AUDITOR: "Pemeriksa",
}

SEX_LABELS: dict[str, str] = {"M": "Laki-laki", "F": "Perempuan", "X": "Tidak disebutkan"}

#: The laws every decision on an administrative action rests on.
DECISION_BASIS = (
    "Undang-Undang Nomor 6 Tahun 2011 tentang Keimigrasian, Pasal 75",
    "Peraturan Pemerintah Nomor 31 Tahun 2013 tentang Peraturan Pelaksanaan Undang-Undang "
    "Nomor 6 Tahun 2011 tentang Keimigrasian",
)
#: The basis of a written order for field supervision.
ORDER_BASIS = (
    "Undang-Undang Nomor 6 Tahun 2011 tentang Keimigrasian",
    "Peraturan Menteri Imigrasi dan Pemasyarakatan Nomor 2 Tahun 2025, Pasal 30",
)
EXAMINATION_BASIS = "Undang-Undang Nomor 6 Tahun 2011 tentang Keimigrasian"
QR_CAPTION = "Pindai untuk memeriksa keaslian dokumen"


def letterhead(agency_name: str, agency_kind: str) -> list[str]:
    """The heading lines: the ministry and directorate for immigration offices."""
    if agency_kind == AgencyKind.IMMIGRATION:
        return [MINISTRY, DIRECTORATE, agency_name.upper()]
    return [agency_name.upper()]


def long_date(value: dt.date | str) -> str:
    """``2026-11-28`` → ``28 November 2026``."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def weekday(value: dt.date | str) -> str:
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return WEEKDAYS[day.weekday()]


def partial_date(value: str) -> str:
    """A date of birth as documents give it: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    parts = value.split("-") if value else []
    try:
        if len(parts) == 3:
            return long_date(value)
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return value
    return value
