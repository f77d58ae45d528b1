"""Streaming readers and writers for the exchange file formats: CSV, XLSX, JSON and JSON Lines.

Pure Python, no ORM. ``read_table`` gives the header and an iterator of ``(line, values)`` rows
whose values are always strings; ``write_table`` writes rows in any of the four formats. Text
files are read twice: a first binary pass computes the SHA-256 and settles the encoding, the
second parses the file a line (CSV, JSON Lines) or a chunk (JSON) at a time, so a 500 MB file
never sits in memory. XLSX is the exception: calamine reads the first sheet whole.

A file that cannot be read as the format it claims raises :class:`FileRefused`, from ``read_table``
itself (header problems) or while the rows are iterated (a bad cell on line 900,000).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
import itertools
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import python_calamine
import xlsxwriter
from django.utils.translation import gettext as _

from timpora.exchange.ftm import ftm_rows, is_ftm
from timpora.lib.text import neutralise_formula

FORMATS: tuple[str, ...] = ("csv", "xlsx", "json", "jsonl")
MAX_COLUMNS = 500  # more columns in a header → refused
MAX_CELL = 65_536  # characters in one cell (or one JSON value) → refused
MAX_RECORD_BYTES = (
    1_048_576  # one JSON / JSONL record (or one CSV record) larger than this → refused
)

# Size of the pieces read in the binary pass and of the text chunks of the JSON reader. Module
# constants read at call time, so that tests can make them small.
READ_CHUNK = 1 << 20
JSON_CHUNK = 1 << 20

_EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_FORMULA_START = "=+-@\t\r"
_HEAD = 4096
# The csv module refuses a field longer than its (process-wide) limit; it must be above MAX_CELL so
# that we see the oversized cell ourselves and can name its column.
_CSV_FIELD_LIMIT = 2 * MAX_CELL
# A physical line is handed to the csv module in pieces of at most this many characters.
_MAX_LINE = MAX_RECORD_BYTES
_XLSX_MAX_ROWS = 1_048_576
_XLSX_MAX_COLUMNS = 16_384
_XLSX_MAX_STRING = 32_767
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"%PDF", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"\x1f\x8b", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"Rar!\x1a\x07", "archive"),
)
_JSON_NON_WS = re.compile(r"[^ \t\r\n]")


class FileRefused(Exception):  # noqa: N818 (the pipeline's name)
    """The file cannot be read as the format it claims; nothing of it may be imported."""

    def __init__(self, reason: str, *, line: int | None = None, column: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.reason


@dataclass
class Table:
    format: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1252"; "" for xlsx
    columns: list[str]  # header names as in the file, stripped of whitespace and BOM
    notes: list[str]  # warnings for the report
    sha256: str  # hex SHA-256 of the file's bytes
    rows: Iterator[tuple[int, dict[str, str]]]  # (line, values by column name), lazily


def detect_format(filename: str) -> str:
    """The format named by a file's extension, or FileRefused naming the accepted ones."""
    suffix = Path(filename).suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if suffix == ".xls":
        raise FileRefused(
            _(
                "Old Excel workbooks (.xls) are not accepted; "
                "save the file as .xlsx and send it again."
            )
        )
    raise FileRefused(
        _(
            "The file %(name)s has an extension that is not accepted. Accepted: "
            ".csv, .tsv, .txt (CSV), .xlsx, .json, .jsonl and .ndjson."
        )
        % {"name": filename}
    )


@contextmanager
def read_table(path: Path, fmt: str | None = None) -> Iterator[Table]:
    """Open ``path`` as a table of string values; the rows are read lazily while in the context."""
    path = Path(path)
    if fmt is None:
        fmt = detect_format(path.name)
    if fmt not in FORMATS:
        raise ValueError(f"unknown exchange format {fmt!r}")
    if fmt == "xlsx":
        with _read_xlsx(path) as table:
            yield table
        return
    sha256, encoding, codec, notes = _inspect_text(path, fmt)
    # newline="" keeps the line endings for the csv module; JSON Lines split on "\n" only.
    newline = "\n" if fmt == "jsonl" else ""
    with open(path, encoding=codec, newline=newline) as text:
        if fmt == "csv":
            table = _csv_table(path, text, codec, encoding, sha256, notes)
        elif fmt == "json":
            table = _json_table(text, encoding, sha256, notes)
        else:
            table = _jsonl_table(text, encoding, sha256, notes)
        try:
            yield table
        finally:
            _close(table.rows)


def _close(rows: Iterator[tuple[int, dict[str, str]]]) -> None:
    close = getattr(rows, "close", None)
    if close is not None:
        close()


def write_table(
    rows: Iterable[Mapping[str, str]], columns: Sequence[str], fmt: str, out: BinaryIO
) -> int:
    """Write ``rows`` (only ``columns``, in order, missing keys as "") to ``out``; rows written."""
    if fmt == "csv":
        return _write_csv(rows, columns, out)
    if fmt == "xlsx":
        return _write_xlsx(rows, columns, out)
    if fmt == "json":
        return _write_json(rows, columns, out)
    if fmt == "jsonl":
        return _write_jsonl(rows, columns, out)
    raise ValueError(f"unknown exchange format {fmt!r}")


# ---------------------------------------------------------------------------------------------
# Values


def _float_text(value: float, digits: int | None = None) -> str:
    if math.isfinite(value) and value.is_integer():
        return str(int(value))
    if digits is not None and math.isfinite(value):
        return format(value, f".{digits}g")
    return str(value)


def _value_text(value: object, *, float_digits: int | None = None) -> str:
    """A cell or JSON value as the string the parser reads."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value, float_digits)
    if isinstance(value, datetime.datetime):
        # Excel stores times as fractions of a day: round to the nearest second.
        value = (value + datetime.timedelta(microseconds=500_000)).replace(microsecond=0)
        return value.replace(tzinfo=None).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.replace(microsecond=0, tzinfo=None).isoformat(timespec="seconds")
    if isinstance(value, datetime.timedelta):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _unescape_formula(cell: str) -> str:
    """Undo ``neutralise_formula``: a ' before = + - @ tab or CR is dropped."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in _FORMULA_START:
        return cell[1:]
    return cell


def _clean_name(name: str) -> str:
    return name.strip().strip("\ufeff").strip()


def _header(cells: Sequence[str], line: int) -> list[str]:
    """Header names: stripped, trailing empty ones dropped, empty ones inside named _column_N."""
    names = [_clean_name(cell) for cell in cells]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise FileRefused(_("The file is empty."))
    if len(names) > MAX_COLUMNS:
        raise FileRefused(
            _("The header has %(count)s columns; at most %(limit)s are allowed.")
            % {"count": len(names), "limit": MAX_COLUMNS},
            line=line,
        )
    names = [name or f"_column_{position}" for position, name in enumerate(names, start=1)]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise FileRefused(
                _("The column %(name)s appears more than once in the header.") % {"name": name},
                line=line,
                column=name,
            )
        seen.add(name)
    return names


def _column_name(columns: Sequence[str], index: int) -> str:
    if index < len(columns):
        return columns[index]
    return f"_extra_{index - len(columns) + 1}"


def _row_values(
    cells: list[str], columns: Sequence[str], line: int, message: str
) -> dict[str, str]:
    """Cells by column name; trailing empty cells beyond the header dropped, others kept extra."""
    count = len(cells)
    while count > len(columns) and not cells[count - 1]:
        count -= 1
    if count > MAX_COLUMNS:
        raise FileRefused(
            _("Line %(line)s has %(count)s cells; at most %(limit)s are allowed.")
            % {"line": line, "count": count, "limit": MAX_COLUMNS},
            line=line,
        )
    values: dict[str, str] = {}
    for index in range(count):
        cell = cells[index]
        name = _column_name(columns, index)
        if len(cell) > MAX_CELL:
            raise FileRefused(
                message % {"line": line, "column": name, "size": len(cell), "limit": MAX_CELL},
                line=line,
                column=name,
            )
        values[name] = cell
    return values


def _line_cell_too_large() -> str:
    return _(
        "Line %(line)s, column %(column)s: a cell of %(size)s characters; "
        "at most %(limit)s are allowed."
    )


# ---------------------------------------------------------------------------------------------
# Text files: the binary pass


def _format_label(fmt: str) -> str:
    return {"csv": "CSV", "json": "JSON", "jsonl": "JSON Lines"}.get(fmt, fmt)


def _not_text(fmt: str, kind: str) -> FileRefused:
    kinds = {
        "zip": _("a ZIP archive"),
        "xlsx": _("an Excel workbook; send it with the extension .xlsx"),
        "pdf": _("a PDF document"),
        "ole": _("an old Excel or Word file"),
        "image": _("an image"),
        "archive": _("a compressed archive"),
        "binary": _("binary data"),
        "encoding": _("text in an unknown encoding"),
    }
    return FileRefused(
        _("The file is not a %(format)s text file: it looks like %(kind)s.")
        % {"format": _format_label(fmt), "kind": kinds[kind]}
    )


def _inspect_text(path: Path, fmt: str) -> tuple[str, str, str, list[str]]:
    """One binary pass: (sha256, encoding reported, codec to read with, notes).

    UTF-8 BOM → utf-8-sig; UTF-16 BOM → utf-16; no BOM: valid UTF-8 → utf-8; many NUL bytes in the
    first 4 KB → UTF-16 without BOM (LE or BE by where the NULs are); otherwise Windows-1252 with a
    note. Binary files (magic signatures, NUL bytes) are refused.
    """
    digest = hashlib.sha256()
    notes: list[str] = []
    with open(path, "rb") as raw:
        head = raw.read(_HEAD)
        for magic, kind in _MAGIC:
            if head.startswith(magic):
                if kind == "zip" and (b"[Content_Types].xml" in head or b"xl/" in head):
                    kind = "xlsx"
                raise _not_text(fmt, kind)
        if head.startswith(codecs.BOM_UTF8):
            encoding = codec = "utf-8-sig"
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = codec = "utf-16"
        elif head.count(b"\x00") * 4 >= len(head) > 0:
            even = head[0::2].count(b"\x00")
            odd = head[1::2].count(b"\x00")
            if odd > 2 * even:
                codec = "utf-16-le"
            elif even > 2 * odd:
                codec = "utf-16-be"
            else:
                raise _not_text(fmt, "binary")
            encoding = "utf-16"
            notes.append(
                _("The file has no byte order mark; it was read as UTF-16 (%(codec)s).")
                % {"codec": codec.upper()}
            )
        elif b"\x00" in head:
            raise _not_text(fmt, "binary")
        else:
            encoding = codec = "utf-8"
        decoder: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder(codec)()
        undefined_cp1252 = False
        has_nul = False
        chunk = head
        while chunk:
            digest.update(chunk)
            if codec.startswith("utf-8"):
                has_nul = has_nul or b"\x00" in chunk
            if codec == "utf-8":
                undefined_cp1252 = undefined_cp1252 or any(b in chunk for b in _CP1252_UNDEFINED)
            if decoder is not None:
                try:
                    decoder.decode(chunk, final=False)
                except UnicodeDecodeError:
                    if codec != "utf-8":
                        raise _not_text(fmt, "encoding") from None
                    decoder = None
            chunk = raw.read(READ_CHUNK)
        if decoder is not None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                if codec != "utf-8":
                    raise _not_text(fmt, "encoding") from None
                decoder = None
    if has_nul:
        raise _not_text(fmt, "binary")
    if codec == "utf-8" and decoder is None:
        if undefined_cp1252:
            raise _not_text(fmt, "encoding")
        encoding = codec = "cp1252"
        notes.append(
            _("The file is not UTF-8; it was read as Windows-1252. Check names with accents.")
        )
    return digest.hexdigest(), encoding, codec, notes


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as raw:
        while chunk := raw.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# CSV


class _TooLongError(Exception):
    """A physical line or a record longer than the reader accepts."""


class _Lines:
    """The physical lines of a text file for the csv module: counted, bounded in length."""

    def __init__(self, text: TextIO) -> None:
        self.text = text
        self.line = 0  # lines handed out so far
        self.record_chars = 0  # characters handed out since the reader reset it
        self.pushed: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pushed:
            piece = self.pushed.pop()
        else:
            piece = self.text.readline(_MAX_LINE)
            if not piece:
                raise StopIteration
            if len(piece) >= _MAX_LINE and not piece.endswith(("\n", "\r")):
                raise _TooLongError
        self.line += 1
        self.record_chars += len(piece)
        if self.record_chars > MAX_RECORD_BYTES:
            raise _TooLongError
        return piece

    def push_back(self, piece: str) -> None:
        self.pushed.append(piece)
        self.line -= 1
        self.record_chars -= len(piece)


_DELIMITERS = (",", ";", "\t", "|")


def _sniff_delimiter(line: str) -> str:
    """The one of , ; tab | that occurs most in ``line`` outside quotes (comma on a tie)."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = ","
    for delimiter in _DELIMITERS:
        if counts[delimiter] > counts[best]:
            best = delimiter
    return best


def _delimiter_note(delimiter: str) -> str:
    names = {
        ";": _("semicolons (;)"),
        "\t": _("tabs"),
        "|": _("vertical bars (|)"),
    }
    return _("The columns are separated by %(delimiter)s, not commas.") % {
        "delimiter": names[delimiter]
    }


def _blank_cells(cells: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in cells)


class _BadRecordError(Exception):
    def __init__(self, line: int, error: Exception) -> None:
        super().__init__(line)
        self.line = line
        self.error = error


def _csv_records(lines: _Lines, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line they start on; _BadRecordError for one csv refused."""
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        start = lines.line + 1
        lines.record_chars = 0
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (csv.Error, _TooLongError) as exc:
            raise _BadRecordError(start, exc) from exc
        if cells and not _blank_cells(cells):
            yield start, cells


def _scan_oversized(text: TextIO, delimiter: str) -> tuple[int, int, bool] | None:
    """From the start of a record, the first cell over MAX_CELL: (index, size, quote left open).

    Streams the record in chunks, counting characters as the csv module's excel dialect would.
    """
    stop = re.compile("[" + re.escape(delimiter) + "\r\n]")
    field = size = 0
    state = "start"  # start of a field, "plain", "quoted", or "quote" (a quote seen while quoted)
    while chunk := text.read(1 << 16):
        i, n = 0, len(chunk)
        while i < n:
            if state == "start":
                if chunk[i] == '"':
                    state = "quoted"
                    i += 1
                    continue
                state = "plain"
            if state == "plain":
                match = stop.search(chunk, i)
                if match is None:
                    size += n - i
                    break
                size += match.start() - i
                i = match.end()
                if size > MAX_CELL:
                    return field, size, False
                if match.group() != delimiter:
                    return None
                field, size, state = field + 1, 0, "start"
            elif state == "quoted":
                j = chunk.find('"', i)
                if j < 0:
                    size += n - i
                    break
                size += j - i
                i, state = j + 1, "quote"
            else:  # "quote": a doubled quote is one character; otherwise the quoted part ended
                if chunk[i] == '"':
                    size += 1
                    i += 1
                    state = "quoted"
                else:
                    state = "plain"
    if size > MAX_CELL:
        return field, size, state == "quoted"
    return None


def _skip_lines(text: TextIO, count: int) -> None:
    while count > 0:
        piece = text.readline(_MAX_LINE)
        if not piece:
            return
        if piece.endswith(("\n", "\r")):
            count -= 1


def _refuse_record(
    path: Path, codec: str, delimiter: str, bad: _BadRecordError, columns: Sequence[str]
) -> FileRefused:
    """Why the csv module could not read the record starting on ``bad.line``: find the big cell."""
    with open(path, encoding=codec, newline="") as text:
        _skip_lines(text, bad.line - 1)
        found = _scan_oversized(text, delimiter)
    if found is not None:
        index, size, unclosed = found
        column = _column_name(columns, index) if columns else str(index + 1)
        reason = _line_cell_too_large() % {
            "line": bad.line,
            "column": column,
            "size": size,
            "limit": MAX_CELL,
        }
        if unclosed:
            reason += " " + _("A quote opened in this cell is never closed.")
        return FileRefused(reason, line=bad.line, column=column)
    if isinstance(bad.error, _TooLongError):
        return FileRefused(
            _("Line %(line)s: a record of more than %(limit)s characters.")
            % {"line": bad.line, "limit": MAX_RECORD_BYTES},
            line=bad.line,
        )
    return FileRefused(
        _("Line %(line)s cannot be read as CSV: %(error)s")
        % {"line": bad.line, "error": bad.error},
        line=bad.line,
    )


def _csv_table(
    path: Path, text: TextIO, codec: str, encoding: str, sha256: str, notes: list[str]
) -> Table:
    lines = _Lines(text)
    # The delimiter is sniffed from the first line that holds more than separators and spaces.
    try:
        for piece in lines:
            if piece.strip(" \t\r\n\ufeff,;|"):
                lines.push_back(piece)
                delimiter = _sniff_delimiter(piece)
                break
        else:
            raise FileRefused(_("The file is empty."))
    except _TooLongError as exc:
        raise _refuse_record(path, codec, ",", _BadRecordError(lines.line + 1, exc), ()) from None
    records = _csv_records(lines, delimiter)
    try:
        first = next(records, None)
    except _BadRecordError as bad:
        raise _refuse_record(path, codec, delimiter, bad, ()) from None
    if first is None:
        raise FileRefused(_("The file is empty."))
    header_line, header_cells = first
    for index, cell in enumerate(header_cells):
        if len(cell) > MAX_CELL:
            column = str(index + 1)
            raise FileRefused(
                _line_cell_too_large()
                % {"line": header_line, "column": column, "size": len(cell), "limit": MAX_CELL},
                line=header_line,
                column=column,
            )
    columns = _header(header_cells, header_line)
    if delimiter != ",":
        notes.append(_delimiter_note(delimiter))

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        message = _line_cell_too_large()
        width = len(columns)
        try:
            for line, cells in records:
                if len(cells) <= width and max(map(len, cells)) <= MAX_CELL:
                    values = dict(zip(columns, cells, strict=False))  # the usual row, at once
                else:
                    values = _row_values(cells, columns, line, message)
                for name, value in values.items():
                    if value[:1] == "'":
                        values[name] = _unescape_formula(value)
                yield line, values
        except _BadRecordError as bad:
            raise _refuse_record(path, codec, delimiter, bad, columns) from None
        except UnicodeDecodeError:
            raise _not_text("csv", "encoding") from None

    return Table("csv", encoding, columns, notes, sha256, rows())


# ---------------------------------------------------------------------------------------------
# JSON and JSON Lines


def _json_kind(char: str) -> str:
    if char == "[":
        return _("an array")
    if char == '"':
        return _("a string")
    if char in "tf":
        return _("true or false")
    if char == "n":
        return _("null")
    return _("a number")


def _object_values(
    obj: Mapping[str, Any], columns: list[str], seen: set[str], where: str, line: int
) -> dict[str, str]:
    """The object's values as text; keys first seen here are appended to ``columns``."""
    values: dict[str, str] = {}
    for key, value in obj.items():
        text = _value_text(value)
        if len(text) > MAX_CELL:
            raise FileRefused(
                _(
                    "%(where)s, field %(column)s: a value of %(size)s characters; "
                    "at most %(limit)s are allowed."
                )
                % {"where": where, "column": key, "size": len(text), "limit": MAX_CELL},
                line=line,
                column=key,
            )
        if key not in seen:
            if len(columns) >= MAX_COLUMNS:
                raise FileRefused(
                    _("%(where)s: more than %(limit)s different fields in the file.")
                    % {"where": where, "limit": MAX_COLUMNS},
                    line=line,
                    column=key,
                )
            seen.add(key)
            columns.append(key)
        values[key] = text
    return values


class _JsonArray:
    """The objects of a JSON array, decoded one by one from a text stream read in chunks."""

    def __init__(self, text: TextIO) -> None:
        self.text = text
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.line_base = 1  # line number of buf[0]
        self.decoder = json.JSONDecoder(parse_constant=str)

    def _more(self) -> bool:
        if self.eof:
            return False
        chunk = self.text.read(JSON_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.line_base += self.buf.count("\n", 0, self.pos)
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def _peek(self) -> str:
        """The next character that is not whitespace ("" at the end of the file)."""
        while True:
            match = _JSON_NON_WS.search(self.buf, self.pos)
            if match is not None:
                self.pos = match.start()
                return self.buf[self.pos]
            self.pos = len(self.buf)
            if not self._more():
                return ""

    def line(self, index: int | None = None) -> int:
        return self.line_base + self.buf.count("\n", 0, self.pos if index is None else index)

    def _decode(self, record: int) -> Any:
        while True:
            try:
                obj, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                truncated = exc.pos >= len(self.buf) - 6 or exc.msg.startswith("Unterminated")
                if truncated and len(self.buf) - self.pos > MAX_RECORD_BYTES:
                    raise self._too_large(record) from None
                if truncated and self._more():
                    continue
                line = self.line(exc.pos)
                raise FileRefused(
                    _("Record %(record)s (line %(line)s) is not valid JSON: %(error)s.")
                    % {"record": record, "line": line, "error": exc.msg},
                    line=record,
                ) from None
            break
        if end - self.pos > MAX_RECORD_BYTES // 4 and (
            len(self.buf[self.pos : end].encode("utf-8")) > MAX_RECORD_BYTES
        ):
            raise self._too_large(record)
        self.pos = end
        return obj

    def _too_large(self, record: int) -> FileRefused:
        return FileRefused(
            _("Record %(record)s (line %(line)s) is larger than %(limit)s bytes.")
            % {"record": record, "line": self.line(), "limit": MAX_RECORD_BYTES},
            line=record,
        )

    def objects(self) -> Iterator[tuple[int, dict[str, Any]]]:
        char = self._peek()
        if char == "":
            raise FileRefused(_("The file is empty."))
        if char == "{":
            raise FileRefused(
                _(
                    "The file holds a single JSON object, not an array of objects. "
                    "(One object per line is JSON Lines: name such a file .jsonl.)"
                )
            )
        if char != "[":
            raise FileRefused(_("The file is not a JSON array of objects."))
        self.pos += 1
        record = 0
        if self._peek() == "]":
            self.pos += 1
        else:
            while True:
                record += 1
                char = self._peek()
                if char == "":
                    raise self._unclosed(record - 1)
                if char == "]" and record > 1:
                    raise FileRefused(
                        _("Line %(line)s: a comma after the last record of the array.")
                        % {"line": self.line()},
                        line=record - 1,
                    )
                if char != "{":
                    raise FileRefused(
                        _("Record %(record)s (line %(line)s) is %(kind)s, not a JSON object.")
                        % {"record": record, "line": self.line(), "kind": _json_kind(char)},
                        line=record,
                    )
                obj = self._decode(record)
                yield record, obj
                char = self._peek()
                if char == ",":
                    self.pos += 1
                    continue
                if char == "]":
                    self.pos += 1
                    break
                if char == "":
                    raise self._unclosed(record)
                raise FileRefused(
                    _(
                        "Line %(line)s: a comma or the end of the array was expected "
                        "after record %(record)s."
                    )
                    % {"line": self.line(), "record": record},
                    line=record,
                )
        if self._peek() != "":
            raise FileRefused(
                _("Line %(line)s: there is data after the end of the JSON array.")
                % {"line": self.line()},
                line=record or None,
            )

    def _unclosed(self, record: int) -> FileRefused:
        return FileRefused(
            _("The JSON array is not closed: the file ends after record %(record)s.")
            % {"record": record},
            line=record or None,
        )


def _peeked_table(
    fmt: str,
    objects: Iterator[tuple[int, dict[str, Any]]],
    where: str,
    encoding: str,
    sha256: str,
    notes: list[str],
) -> Table:
    """A table whose columns hold the first object's keys before any row is read."""
    columns: list[str] = []
    seen: set[str] = set()
    first = next(objects, None)
    if first is None and fmt == "jsonl":
        raise FileRefused(_("The file is empty."))
    first_values = (
        None
        if first is None
        else _object_values(first[1], columns, seen, where % {"n": first[0]}, first[0])
    )

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            if first is None or first_values is None:
                return
            yield first[0], first_values
            for number, obj in objects:
                yield number, _object_values(obj, columns, seen, where % {"n": number}, number)
        except UnicodeDecodeError:
            raise _not_text(fmt, "encoding") from None

    return Table(fmt, encoding, columns, notes, sha256, rows())


def _json_table(text: TextIO, encoding: str, sha256: str, notes: list[str]) -> Table:
    where = _("Record %(n)s")
    return _peeked_table("json", _JsonArray(text).objects(), where, encoding, sha256, notes)


def _jsonl_objects(text: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    decoder = json.JSONDecoder(parse_constant=str)
    number = 0
    while piece := text.readline(MAX_RECORD_BYTES + 1):
        number += 1
        if len(piece) > MAX_RECORD_BYTES:
            raise FileRefused(
                _("Line %(line)s is larger than %(limit)s bytes.")
                % {"line": number, "limit": MAX_RECORD_BYTES},
                line=number,
            )
        if not piece.strip():
            continue
        try:
            obj = decoder.decode(piece)
        except json.JSONDecodeError as exc:
            raise FileRefused(
                _("Line %(line)s is not valid JSON: %(error)s (column %(column)s).")
                % {"line": number, "error": exc.msg, "column": exc.colno},
                line=number,
            ) from None
        if not isinstance(obj, dict):
            raise FileRefused(
                _("Line %(line)s is %(kind)s, not a JSON object.")
                % {"line": number, "kind": _json_kind(piece.strip()[0])},
                line=number,
            )
        if len(piece.encode("utf-8")) > MAX_RECORD_BYTES:
            raise FileRefused(
                _("Line %(line)s is larger than %(limit)s bytes.")
                % {"line": number, "limit": MAX_RECORD_BYTES},
                line=number,
            )
        yield number, obj


def _jsonl_table(text: TextIO, encoding: str, sha256: str, notes: list[str]) -> Table:
    objects = _jsonl_objects(text)
    first = next(objects, None)
    if first is None:
        raise FileRefused(_("The file is empty."))
    objects = itertools.chain([first], objects)
    if is_ftm(first[1]):
        # FollowTheMoney entities (OpenSanctions): Person entities become watch-list rows.
        notes.append(_("Read as FollowTheMoney entities (the OpenSanctions format)."))
        objects = ftm_rows(objects, notes)
    return _peeked_table("jsonl", objects, _("Line %(n)s"), encoding, sha256, notes)


# ---------------------------------------------------------------------------------------------
# XLSX


def _xlsx_error(exc: Exception) -> FileRefused:
    if isinstance(exc, python_calamine.PasswordError):
        return FileRefused(_("The workbook is protected by a password; send it unprotected."))
    return FileRefused(_("The file is not an XLSX workbook."))


@contextmanager
def _read_xlsx(path: Path) -> Iterator[Table]:
    sha256 = _sha256(path)
    notes: list[str] = []
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated types for a broken file
        raise _xlsx_error(exc) from None
    try:
        try:
            names = workbook.sheet_names
            if not names:
                raise FileRefused(_("The file is empty."))
            sheet = workbook.get_sheet_by_index(0)
            sheet_rows = sheet.iter_rows()
            if len(names) > 1:
                notes.append(
                    _("The workbook has %(count)s sheets; only the first, %(name)s, was read.")
                    % {"count": len(names), "name": names[0]}
                )
            # iter_rows starts at the sheet's first row, so the row number is the position.
            numbered = enumerate(
                ([_value_text(cell, float_digits=15) for cell in row] for row in sheet_rows),
                start=1,
            )
            header: tuple[int, list[str]] | None = None
            for line, cells in numbered:
                if not _blank_cells(cells):
                    header = line, cells
                    break
        except FileRefused:
            raise
        except Exception as exc:
            raise _xlsx_error(exc) from None
        if header is None:
            raise FileRefused(_("The file is empty."))
        header_line, header_cells = header
        columns = _header(header_cells, header_line)

        def rows() -> Iterator[tuple[int, dict[str, str]]]:
            message = _(
                "Row %(line)s, column %(column)s: a cell of %(size)s characters; "
                "at most %(limit)s are allowed."
            )
            try:
                for line, cells in numbered:
                    if not _blank_cells(cells):
                        yield line, _row_values(cells, columns, line, message)
            except (FileRefused, GeneratorExit):
                raise
            except Exception as exc:
                raise _xlsx_error(exc) from None

        table = Table("xlsx", "", columns, notes, sha256, rows())
        try:
            yield table
        finally:
            _close(table.rows)
    finally:
        workbook.close()


# ---------------------------------------------------------------------------------------------
# Writers


def _cell(row: Mapping[str, str], column: str) -> str:
    value = row.get(column, "")
    if isinstance(value, str):
        return value
    return "" if value is None else str(value)


def _write_csv(rows: Iterable[Mapping[str, str]], columns: Sequence[str], out: BinaryIO) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([neutralise_formula(_cell(row, column)) for column in columns])
        count += 1
        if buffer.tell() > READ_CHUNK:
            out.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue().encode("utf-8"))
    return count


def _write_xlsx(rows: Iterable[Mapping[str, str]], columns: Sequence[str], out: BinaryIO) -> int:
    if len(columns) > _XLSX_MAX_COLUMNS:
        raise ValueError(f"an XLSX sheet holds at most {_XLSX_MAX_COLUMNS} columns")
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = workbook.add_worksheet()

    def write_row(index: int, values: Sequence[str]) -> None:
        for col, value in enumerate(values):
            if not value:
                continue
            if len(value) > _XLSX_MAX_STRING:
                raise ValueError(
                    f"row {index + 1}: a value of {len(value)} characters does not fit an XLSX "
                    f"cell (at most {_XLSX_MAX_STRING})"
                )
            sheet.write_string(index, col, value)

    count = 0
    try:
        write_row(0, columns)
        for row in rows:
            if count + 1 >= _XLSX_MAX_ROWS:
                raise ValueError(f"an XLSX sheet holds at most {_XLSX_MAX_ROWS - 1} rows of data")
            count += 1
            write_row(count, [_cell(row, column) for column in columns])
    finally:
        workbook.close()
    return count


def _write_json(rows: Iterable[Mapping[str, str]], columns: Sequence[str], out: BinaryIO) -> int:
    out.write(b"[")
    count = 0
    for row in rows:
        obj = {column: _cell(row, column) for column in columns}
        out.write((b",\n" if count else b"\n") + json.dumps(obj, ensure_ascii=False).encode())
        count += 1
    out.write(b"\n]\n")
    return count


def _write_jsonl(rows: Iterable[Mapping[str, str]], columns: Sequence[str], out: BinaryIO) -> int:
    count = 0
    for row in rows:
        obj = {column: _cell(row, column) for column in columns}
        out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
        count += 1
    return count
