"""The PDFs of issued documents, drawn with fpdf2 from a document's content snapshot.

Plain values in, bytes out: the renderers read nothing from the database, so the same content
gives the same file (the creation date is the date of issue). Every text passes through
:func:`latin1`, because fpdf2's core fonts know only Latin-1: a name in native script is
transliterated (anyascii) instead of breaking the document.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import segno
from anyascii import anyascii
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from timpora.cases.choices import DocumentKind
from timpora.cases.documents import wording

FONT = "Helvetica"
LINE = 5.5
LABEL_WIDTH = 52
QR_SIZE = 30


def latin1(text: Any) -> str:
    """``text`` in characters the core fonts can draw: Latin-1 kept, the rest transliterated,
    control characters dropped (new lines kept)."""
    out: list[str] = []
    for char in str(text if text is not None else ""):
        if char in "\n":
            out.append(char)
        elif char == "\t":
            out.append(" ")
        elif unicodedata.category(char).startswith("C"):
            continue
        elif ord(char) < 256:
            out.append(char)
        else:
            out.append(anyascii(char))
    return "".join(out)


class _Document(FPDF):
    """An A4 page with the number and page in the footer."""

    def __init__(self, number: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.number = number
        self.set_margins(22, 18, 22)
        self.set_auto_page_break(auto=True, margin=20)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, latin1(f"{self.number} - halaman {self.page_no()}/{{nb}}"), align="C")
        self.set_text_color(0, 0, 0)

    # --- Building blocks -------------------------------------------------------------------

    def para(self, value: Any, *, style: str = "", size: int = 11, align: str = "L") -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(0, LINE, latin1(value), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def gap(self, height: float = 3) -> None:
        self.ln(height)

    def letterhead(self, lines: Sequence[str]) -> None:
        for index, line in enumerate(lines):
            self.para(line, style="B", size=12 if index == len(lines) - 1 else 11, align="C")
        y = self.get_y() + 1.5
        self.set_line_width(0.8)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_line_width(0.2)
        self.line(self.l_margin, y + 1.2, self.w - self.r_margin, y + 1.2)
        self.set_y(y + 5)

    def heading(self, lines: Sequence[str], number: str) -> None:
        for line in lines:
            self.para(line, style="B", size=12, align="C")
        self.para(f"Nomor: {number}", align="C")
        self.gap(4)

    def fields(self, rows: Iterable[Sequence[Any]], *, indent: float = 0) -> None:
        """Label : value rows; a long label wraps in its column, a value under itself."""
        self.set_font(FONT, "", 11)
        label_width = LABEL_WIDTH - indent
        for label, value in rows:
            if value in (None, "", []):
                continue
            if self.get_y() + LINE > self.page_break_trigger:
                self.add_page()
            top, page = self.get_y(), self.page
            left = self.l_margin + indent
            self.set_xy(left, top)
            self.multi_cell(
                label_width - 1,
                LINE,
                latin1(label),
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            label_bottom = self.get_y()
            self.set_xy(left + label_width, top)
            self.cell(4, LINE, ":")
            self.multi_cell(0, LINE, latin1(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            if self.page == page:
                self.set_y(max(label_bottom, self.get_y()))

    def numbered(self, items: Sequence[Any], *, marks: str = "number", indent: float = 0) -> None:
        self.set_font(FONT, "", 11)
        for index, item in enumerate(items):
            mark = f"{chr(ord('a') + index)}." if marks == "letter" else f"{index + 1}."
            self.set_x(self.l_margin + indent)
            self.cell(8, LINE, mark)
            self.multi_cell(0, LINE, latin1(item), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def section(self, label: str, body: Callable[[], None]) -> None:
        """A bold label in the left column (MENIMBANG, MENGINGAT, ...) with its body beside."""
        self.set_font(FONT, "B", 11)
        top = self.get_y()
        self.cell(32, LINE, latin1(label))
        self.cell(4, LINE, ":")
        self.set_left_margin(self.l_margin + 36)
        self.set_y(top)
        self.set_x(self.l_margin)
        body()
        self.set_left_margin(self.l_margin - 36)
        self.set_x(self.l_margin)
        self.gap(2)

    def closing(self, content: dict[str, Any], verify_url: str) -> None:
        """The signature block on the right, the QR code with its caption on the left."""
        needed = QR_SIZE + 22
        if self.get_y() + needed > self.h - self.b_margin:
            self.add_page()
        self.gap(6)
        top = self.get_y()
        issuer = content.get("issuer", {})
        column = self.l_margin + 70
        width = self.w - self.r_margin - column
        self.set_font(FONT, "", 11)
        lines = [
            f"Dikeluarkan tanggal {wording.long_date(content['date'])}",
            f"{issuer.get('role', '')},",
        ]
        self.set_xy(column, top)
        for line in lines:
            self.set_x(column)
            self.multi_cell(width, LINE, latin1(line), new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_xy(column, self.get_y() + 14)
        self.set_font(FONT, "BU", 11)
        self.multi_cell(
            width, LINE, latin1(issuer.get("name", "")), new_x=XPos.LEFT, new_y=YPos.NEXT
        )
        self.set_font(FONT, "", 11)
        self.set_x(column)
        self.multi_cell(
            width, LINE, latin1(content.get("agency", "")), new_x=XPos.LEFT, new_y=YPos.NEXT
        )
        bottom = self.get_y()
        image = io.BytesIO()
        segno.make(verify_url, error="m").save(image, kind="png", scale=6, border=4)
        image.seek(0)
        self.image(image, x=self.l_margin, y=top, w=QR_SIZE, h=QR_SIZE)
        self.set_xy(self.l_margin, top + QR_SIZE + 1)
        self.set_font(FONT, "", 8)
        self.multi_cell(
            QR_SIZE + 30, 4, latin1(wording.QR_CAPTION), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.set_y(max(bottom, self.get_y()))


def _person_rows(person: dict[str, Any]) -> list[tuple[str, Any]]:
    return [
        ("Nama", person.get("name")),
        ("Nama dalam aksara asli (alih aksara)", person.get("name_original")),
        ("Jenis kelamin", person.get("sex")),
        ("Tempat/tanggal lahir", person.get("born")),
        ("Kewarganegaraan", person.get("nationality")),
        ("Nomor paspor", person.get("passport")),
        ("Alamat di Indonesia", person.get("address")),
    ]


# --- The four documents ------------------------------------------------------------------------


def _order(doc: _Document, content: dict[str, Any]) -> None:
    basis = list(content.get("basis", ()))
    doc.section("Dasar", lambda: doc.numbered(basis))
    doc.para("MEMERINTAHKAN", style="B", align="C")
    doc.gap(2)

    def officers() -> None:
        for index, officer in enumerate(content.get("officers", ())):
            doc.set_font(FONT, "", 11)
            doc.cell(8, LINE, f"{index + 1}.")
            doc.multi_cell(
                0,
                LINE,
                latin1(f"{officer.get('name', '')}, {officer.get('role', '')}"),
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )

    doc.section("Kepada", officers)
    period = content.get("period", {})
    start, end = period.get("from"), period.get("to")
    when = wording.long_date(start) if start else ""
    if end and end != start:
        when = f"{when} s.d. {wording.long_date(end)}"

    def task() -> None:
        doc.para(content.get("task", ""))
        doc.gap(1)
        doc.fields(
            [
                ("Tempat", content.get("place")),
                ("Waktu", when),
                ("Berkaitan dengan kasus", content.get("case")),
                ("Tindakan di lapangan", content.get("action")),
            ]
        )
        doc.gap(1)
        doc.para(
            "Melaksanakan perintah ini dengan penuh tanggung jawab dan melaporkan hasilnya "
            "kepada pejabat yang memberi perintah."
        )

    doc.section("Untuk", task)


def _examination(doc: _Document, content: dict[str, Any]) -> None:
    examiner = content.get("examiner", {})
    at = content.get("examined_at", content["date"])
    doc.para(
        f"Pada hari ini {wording.weekday(at)}, tanggal {wording.long_date(at)}"
        + (f", pukul {at[11:16]}" if len(at) >= 16 else "")
        + f", bertempat di {content.get('place', '')}, saya {examiner.get('name', '')}, "
        f"{examiner.get('role', '')} pada {content.get('agency', '')}, berdasarkan "
        f"{wording.EXAMINATION_BASIS}, telah melakukan pemeriksaan terhadap orang asing:"
    )
    doc.gap(2)
    doc.fields(_person_rows(content.get("person", {})), indent=6)
    doc.gap(2)
    doc.fields([("Berkaitan dengan kasus", content.get("case"))])
    doc.gap(2)
    questions = content.get("questions", ())
    if questions:
        doc.para("Pertanyaan dan jawaban:", style="B")
        for index, item in enumerate(questions):
            doc.para(f"{index + 1}. Pertanyaan: {item.get('q', '')}")
            doc.set_x(doc.l_margin)
            doc.para(f"    Jawaban: {item.get('a', '')}")
            doc.gap(1)
    if content.get("statement"):
        doc.para("Keterangan yang diperiksa:", style="B")
        doc.para(content["statement"])
    doc.gap(2)
    doc.para(
        "Demikian Berita Acara Pemeriksaan ini dibuat dengan sebenarnya atas kekuatan sumpah "
        "jabatan, kemudian dibacakan kembali kepada yang diperiksa dan ditutup serta "
        "ditandatangani pada hari dan tanggal tersebut di atas."
    )


def _decision(doc: _Document, content: dict[str, Any]) -> None:
    action = content.get("action", {})
    doc.section("Menimbang", lambda: doc.numbered(content.get("considering", ()), marks="letter"))
    doc.section("Mengingat", lambda: doc.numbered(content.get("basis", ())))
    doc.para("MEMUTUSKAN:", style="B", align="C")
    doc.gap(2)
    doc.section(
        "Menetapkan",
        lambda: doc.para(
            "KEPUTUSAN TENTANG TINDAKAN ADMINISTRATIF KEIMIGRASIAN BERUPA "
            + str(action.get("kind_label", "")).upper()
            + "."
        ),
    )

    def first() -> None:
        doc.para(
            f"Mengenakan Tindakan Administratif Keimigrasian berupa {action.get('kind_label', '')} "
            "kepada orang asing:"
        )
        doc.fields(_person_rows(content.get("person", {})))

    doc.section("KESATU", first)
    doc.section("KEDUA", lambda: doc.para(f"Dengan alasan: {action.get('grounds', '')}"))
    details = content.get("details", ())
    if details:
        doc.section("KETIGA", lambda: doc.fields(details))
    doc.section(
        "KEEMPAT" if details else "KETIGA",
        lambda: doc.para(
            "Keputusan ini mulai berlaku pada tanggal ditetapkan, dengan ketentuan apabila di "
            "kemudian hari terdapat kekeliruan akan diadakan perbaikan sebagaimana mestinya."
        ),
    )
    doc.fields(
        [
            ("Berkaitan dengan kasus", content.get("case")),
            ("Disetujui oleh", action.get("approved_by")),
        ]
    )


def _deportation(doc: _Document, content: dict[str, Any]) -> None:
    on = content.get("executed_on", content["date"])
    officer = content.get("officer", {})
    doc.para(
        f"Pada hari ini {wording.weekday(on)}, tanggal {wording.long_date(on)}, kami "
        f"{officer.get('name', '')}, {officer.get('role', '')} pada {content.get('agency', '')}, "
        "telah melaksanakan pendeportasian dari Wilayah Indonesia terhadap orang asing:"
    )
    doc.gap(2)
    doc.fields(_person_rows(content.get("person", {})), indent=6)
    doc.gap(2)
    doc.para("dengan keterangan sebagai berikut:")
    doc.fields(content.get("details", ()), indent=6)
    doc.gap(2)
    doc.fields(
        [
            ("Berdasarkan keputusan", content.get("decision")),
            ("Berkaitan dengan kasus", content.get("case")),
        ]
    )
    if content.get("note"):
        doc.para(f"Catatan: {content['note']}")
    doc.gap(2)
    doc.para(
        "Demikian Berita Acara Pendeportasian ini dibuat dengan sebenarnya atas kekuatan sumpah "
        "jabatan untuk dipergunakan sebagaimana mestinya."
    )


_BODIES: dict[str, Callable[[_Document, dict[str, Any]], None]] = {
    DocumentKind.SURAT_PERINTAH: _order,
    DocumentKind.BAP: _examination,
    DocumentKind.KEPUTUSAN_TAK: _decision,
    DocumentKind.BA_DEPORTASI: _deportation,
}


def render(kind: str, content: dict[str, Any], verify_url: str) -> bytes:
    """The PDF of a document of ``kind`` saying ``content``, its QR code opening ``verify_url``."""
    number = str(content["number"])
    issued = dt.date.fromisoformat(str(content["date"])[:10])
    doc = _Document(number)
    doc.set_title(latin1(" ".join(content.get("title", ())) + f" {number}"))
    doc.set_author(latin1(content.get("agency", "")))
    doc.set_creator("Timpora")
    doc.set_creation_date(dt.datetime(issued.year, issued.month, issued.day, tzinfo=dt.UTC))
    doc.add_page()
    doc.letterhead(content.get("letterhead", ()))
    doc.heading(content.get("title", ()), number)
    _BODIES[kind](doc, content)
    doc.closing(content, verify_url)
    return bytes(doc.output())
