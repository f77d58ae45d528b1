"""Readers and writers of the exchange formats: pure tests, no database."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from timpora.exchange import formats
from timpora.exchange.formats import (
    MAX_CELL,
    FileRefused,
    Table,
    detect_format,
    read_table,
    write_table,
)

COLUMNS = ["report_id", "full_name", "name_original", "note", "amount"]
ROWS = [
    {
        "report_id": "R-1",
        "full_name": "ZHANG WEI",
        "name_original": "张伟",
        "note": '=HYPERLINK("x")',
        "amount": "-0.5",
    },
    {
        "report_id": "R-2",
        "full_name": "KIM JI-SUNG",
        "name_original": "김지성",
        "note": "<script>alert('x')</script>",
        "amount": "12345",
    },
    {
        "report_id": "R-3",
        "full_name": "AHMAD AL-FARSI",
        "name_original": "أحمد الفارسي",
        "note": 'line one\nline two, with "quotes"',
        "amount": "",
    },
    # Missing keys are written as "".
    {"report_id": "R-4", "full_name": "@handle"},
]


def _write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def _read(path: Path, fmt: str | None = None) -> tuple[Table, list[tuple[int, dict[str, str]]]]:
    with read_table(path, fmt) as table:
        rows = list(table.rows)
    return table, rows


def _refusal(path: Path, fmt: str | None = None) -> FileRefused:
    with pytest.raises(FileRefused) as info:
        _read(path, fmt)
    return info.value


# -- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "jsonl"])
def test_round_trip(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out.{fmt}"
    with path.open("wb") as out:
        assert write_table(iter(ROWS), COLUMNS, fmt, out) == len(ROWS)

    table, rows = _read(path)

    assert table.format == fmt
    assert table.columns == COLUMNS
    assert table.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    expected = [{column: row.get(column, "") for column in COLUMNS} for row in ROWS]
    got = [{column: values.get(column, "") for column in COLUMNS} for _line, values in rows]
    assert got == expected
    if fmt in ("json", "jsonl"):
        assert [line for line, _values in rows] == [1, 2, 3, 4]
        assert all(set(values) == set(COLUMNS) for _line, values in rows)
    if fmt == "xlsx":
        assert [line for line, _values in rows] == [2, 3, 4, 5]


def test_csv_export_neutralises_formulas_and_uses_utf8_without_bom(tmp_path: Path) -> None:
    out = io.BytesIO()
    write_table(ROWS, COLUMNS, "csv", out)
    data = out.getvalue()
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    assert '\'=HYPERLINK(""x"")' in text
    assert ",'-0.5\r\n" in text
    assert "R-4,'@handle,,,\r\n" in text
    assert text.startswith("report_id,full_name,name_original,note,amount\r\n")


def test_xlsx_export_writes_strings_never_formulas(tmp_path: Path) -> None:
    out = io.BytesIO()
    write_table(ROWS, COLUMNS, "xlsx", out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert "HYPERLINK" in sheet  # as text (inline in constant-memory mode)
    assert 't="n"' not in sheet


def test_json_export_shape(tmp_path: Path) -> None:
    out = io.BytesIO()
    assert write_table(ROWS[:2], ["report_id", "name_original"], "json", out) == 2
    text = out.getvalue().decode("utf-8")
    assert text == '[\n{"report_id": "R-1", "name_original": "张伟"},\n' + (
        '{"report_id": "R-2", "name_original": "김지성"}\n]\n'
    )
    empty = io.BytesIO()
    assert write_table([], ["a"], "json", empty) == 0
    assert json.loads(empty.getvalue()) == []


def test_jsonl_export_is_compact_utf8() -> None:
    out = io.BytesIO()
    write_table([{"a": "é", "b": "1"}, {"a": "x"}], ["a", "b"], "jsonl", out)
    assert out.getvalue().decode("utf-8") == '{"a":"é","b":"1"}\n{"a":"x","b":""}\n'


# -- CSV ----------------------------------------------------------------------------------------


def test_csv_utf8_bom(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", b"\xef\xbb\xbffull_name,nationality\r\nJos\xc3\xa9,SGP\r\n")
    table, rows = _read(path)
    assert table.encoding == "utf-8-sig"
    assert table.columns == ["full_name", "nationality"]
    assert rows == [(2, {"full_name": "José", "nationality": "SGP"})]
    assert table.notes == []


def test_csv_utf16_le_with_bom_and_tabs(tmp_path: Path) -> None:
    text = "full_name\tname_original\r\nZHANG WEI\t张伟\r\nKIM\t김\r\n"
    path = _write(tmp_path, "unicode.txt", b"\xff\xfe" + text.encode("utf-16-le"))
    table, rows = _read(path)
    assert table.encoding == "utf-16"
    assert table.columns == ["full_name", "name_original"]
    assert rows == [
        (2, {"full_name": "ZHANG WEI", "name_original": "张伟"}),
        (3, {"full_name": "KIM", "name_original": "김"}),
    ]
    assert any("tabs" in note for note in table.notes)


def test_csv_utf16_without_bom(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "a,b\n1,2\n".encode("utf-16-le"))
    table, rows = _read(path)
    assert table.encoding == "utf-16"
    assert rows == [(2, {"a": "1", "b": "2"})]
    assert any("UTF-16-LE" in note for note in table.notes)


def test_csv_windows_1252_fallback(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "full_name,city\nJosé Müller,Batam\n".encode("cp1252"))
    table, rows = _read(path)
    assert table.encoding == "cp1252"
    assert rows == [(2, {"full_name": "José Müller", "city": "Batam"})]
    assert any("Windows-1252" in note for note in table.notes)


def test_csv_semicolon_delimiter(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", 'full_name;amount\n"TAN; AH KOW";1,5\n')
    table, rows = _read(path)
    assert rows == [(2, {"full_name": "TAN; AH KOW", "amount": "1,5"})]
    assert any("semicolons" in note for note in table.notes)


def test_csv_multiline_cell_line_numbers_and_blank_lines(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "a.csv",
        '\nid,address\n1,"Jl. Sudirman\nNo. 5\r\nBatam"\n\n,\n2,Nagoya\r\n   \n3,"a ""b"""\n',
    )
    table, rows = _read(path)
    assert table.columns == ["id", "address"]
    assert rows == [
        (3, {"id": "1", "address": "Jl. Sudirman\nNo. 5\r\nBatam"}),
        (8, {"id": "2", "address": "Nagoya"}),
        (10, {"id": "3", "address": 'a "b"'}),
    ]


def test_csv_ragged_rows(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "a,b,c\n1\n1,2,3,4,,5,,\n1,2,3,,\n")
    _table, rows = _read(path)
    assert rows == [
        (2, {"a": "1"}),
        (3, {"a": "1", "b": "2", "c": "3", "_extra_1": "4", "_extra_2": "", "_extra_3": "5"}),
        (4, {"a": "1", "b": "2", "c": "3"}),
    ]


def test_csv_header_cleaning(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", " a ,,\tb\t,,\n1,2,3,4,\n")
    table, rows = _read(path)
    assert table.columns == ["a", "_column_2", "b"]
    assert rows == [(2, {"a": "1", "_column_2": "2", "b": "3", "_extra_1": "4"})]


def test_csv_cells_are_not_stripped_and_formula_escape_is_undone(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "a,b,c,d\n'=1+2, x ,'abc,'-5\n")
    _table, rows = _read(path)
    assert rows == [(2, {"a": "=1+2", "b": " x ", "c": "'abc", "d": "-5"})]


def test_csv_huge_cell_refused_with_line_and_column(tmp_path: Path) -> None:
    big = "x" * 10_000_000
    path = _write(tmp_path, "a.csv", f"id,full_name,city\n1,A,B\n2,{big},Batam\n3,C,D\n")
    with read_table(path) as table:
        rows = iter(table.rows)
        assert next(rows) == (2, {"id": "1", "full_name": "A", "city": "B"})
        with pytest.raises(FileRefused) as info:
            next(rows)
    assert info.value.line == 3
    assert info.value.column == "full_name"
    assert "10000000" in info.value.reason
    assert str(info.value) == info.value.reason


def test_csv_cell_just_over_the_limit_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", f'id,note\n1,"{"y" * (MAX_CELL + 1)}"\n')
    refusal = _refusal(path)
    assert (refusal.line, refusal.column) == (2, "note")
    path = _write(tmp_path, "b.csv", f'id,note\n1,"{"y" * MAX_CELL}"\n')
    _table, rows = _read(path)
    assert len(rows[0][1]["note"]) == MAX_CELL


def test_csv_huge_quoted_multiline_cell_refused(tmp_path: Path) -> None:
    big = "line\n" * 40_000
    path = _write(tmp_path, "a.csv", f'id,note\n1,ok\n2,"{big}"\n')
    refusal = _refusal(path)
    assert (refusal.line, refusal.column) == (3, "note")


def test_csv_unclosed_quote_refused(tmp_path: Path) -> None:
    rows = "".join(f"{i},name {i}\n" for i in range(20_000))
    path = _write(tmp_path, "a.csv", f'id,note\n1,"oops\n{rows}')
    refusal = _refusal(path)
    assert (refusal.line, refusal.column) == (2, "note")
    assert "never closed" in refusal.reason


def test_csv_too_many_columns_refused(tmp_path: Path) -> None:
    header = ",".join(f"c{i}" for i in range(2000))
    refusal = _refusal(_write(tmp_path, "a.csv", header + "\n"))
    assert "2000" in refusal.reason
    assert refusal.line == 1


def test_csv_duplicate_header_refused(tmp_path: Path) -> None:
    refusal = _refusal(_write(tmp_path, "a.csv", "id,full_name, id\n1,A,1\n"))
    assert refusal.column == "id"
    assert "id" in refusal.reason


@pytest.mark.parametrize("name", ["a.csv", "a.json", "a.jsonl"])
@pytest.mark.parametrize("data", [b"", b"  \r\n\n\t "])
def test_empty_file_refused(tmp_path: Path, name: str, data: bytes) -> None:
    assert _refusal(_write(tmp_path, name, data)).reason == "The file is empty."


def test_csv_header_only_gives_no_rows(tmp_path: Path) -> None:
    table, rows = _read(_write(tmp_path, "a.csv", "id,full_name\r\n"))
    assert table.columns == ["id", "full_name"]
    assert rows == []


def test_pdf_renamed_csv_refused(tmp_path: Path) -> None:
    refusal = _refusal(_write(tmp_path, "a.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"))
    assert "not a CSV text file" in refusal.reason
    assert "PDF" in refusal.reason


def test_xlsx_renamed_csv_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    write_table(ROWS, COLUMNS, "xlsx", out)
    refusal = _refusal(_write(tmp_path, "a.csv", out.getvalue()))
    assert "not a CSV text file" in refusal.reason
    assert ".xlsx" in refusal.reason


def test_binary_with_nul_bytes_refused(tmp_path: Path) -> None:
    refusal = _refusal(_write(tmp_path, "a.json", b"\x00\x01\x02\x03abc\x00\x00\x00\xff" * 10))
    assert "not a JSON text file" in refusal.reason


def test_sha256_matches_the_bytes(tmp_path: Path) -> None:
    data = "id,name\n" + "".join(f"{i},nama {i}\n" for i in range(5000))
    path = _write(tmp_path, "a.csv", data)
    table, rows = _read(path)
    assert table.sha256 == hashlib.sha256(data.encode()).hexdigest()
    assert len(rows) == 5000


def test_rows_are_lazy(tmp_path: Path) -> None:
    # A bad cell far down is only found while iterating, after the good rows.
    data = "id,name\n" + "".join(f"{i},n\n" for i in range(1000)) + f"x,{'z' * (MAX_CELL + 5)}\n"
    path = _write(tmp_path, "a.csv", data)
    seen = 0
    with read_table(path) as table, pytest.raises(FileRefused) as info:
        for _row in table.rows:
            seen += 1
    assert seen == 1000
    assert info.value.line == 1002


# -- XLSX ---------------------------------------------------------------------------------------


def _workbook(path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Data")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    # Row 1 empty; the header is on row 2.
    sheet.write_row(1, 0, ["passport_number", "date_of_birth", "check_in", "nights", "rate", "ok"])
    sheet.write_number(2, 0, 12345.0)
    sheet.write_datetime(2, 1, datetime.datetime(1990, 5, 17), date_format)  # noqa: DTZ001
    sheet.write_datetime(2, 2, datetime.datetime(2026, 3, 1, 14, 5), datetime_format)  # noqa: DTZ001
    sheet.write_number(2, 3, 3)
    sheet.write_number(2, 4, 0.1 + 0.2)
    sheet.write_boolean(2, 5, True)
    # Row 4 empty, row 5 has a text cell and blanks.
    sheet.write_string(4, 0, "A 12 34567")
    sheet.write_formula(4, 4, "=1+1", None, 2)
    workbook.add_worksheet("Other").write_string(0, 0, "ignored")
    workbook.close()


def test_xlsx_values_dates_and_empty_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    _workbook(path)
    table, rows = _read(path)
    assert table.encoding == ""
    assert table.columns == ["passport_number", "date_of_birth", "check_in", "nights", "rate", "ok"]
    assert rows == [
        (
            3,
            {
                "passport_number": "12345",
                "date_of_birth": "1990-05-17",
                "check_in": "2026-03-01T14:05:00",
                "nights": "3",
                "rate": "0.3",
                "ok": "true",
            },
        ),
        (
            5,
            {
                "passport_number": "A 12 34567",
                "date_of_birth": "",
                "check_in": "",
                "nights": "",
                "rate": "2",
                "ok": "",
            },
        ),
    ]
    assert any("Data" in note for note in table.notes)
    assert table.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_xlsx_written_to_a_real_file(tmp_path: Path) -> None:
    path = tmp_path / "real.xlsx"
    with path.open("wb") as out:
        assert write_table([{"a": "1"}], ["a", "b"], "xlsx", out) == 1
    _table, rows = _read(path)
    assert rows == [(2, {"a": "1", "b": ""})]


@pytest.mark.parametrize("data", [b"id,name\n1,A\n", b"PK\x03\x04broken zip", b""])
def test_invalid_xlsx_refused(tmp_path: Path, data: bytes) -> None:
    assert _refusal(_write(tmp_path, "a.xlsx", data)).reason == "The file is not an XLSX workbook."


# -- JSON and JSON Lines ------------------------------------------------------------------------


def test_json_streamed_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "JSON_CHUNK", 7)
    records = [
        {"id": i, "name": f"名前 {i}", "score": 1.0 * i, "rate": -0.5, "vip": i % 2 == 0}
        for i in range(1, 40)
    ]
    records[3]["extra"] = None
    records[5]["tags"] = ["a", "b"]
    path = _write(tmp_path, "a.json", "  [ " + " ,\n ".join(json.dumps(r) for r in records) + "]\n")
    with read_table(path) as table:
        assert table.columns == ["id", "name", "score", "rate", "vip"]
        rows = list(table.rows)
        assert table.columns == ["id", "name", "score", "rate", "vip", "extra", "tags"]
    assert len(rows) == 39
    assert rows[0] == (
        1,
        {"id": "1", "name": "名前 1", "score": "1", "rate": "-0.5", "vip": "false"},
    )
    assert rows[3][1]["extra"] == ""
    assert rows[5] == (
        6,
        {
            "id": "6",
            "name": "名前 6",
            "score": "6",
            "rate": "-0.5",
            "vip": "true",
            "tags": '["a","b"]',
        },
    )
    assert [line for line, _values in rows] == list(range(1, 40))


def test_json_empty_array_gives_no_rows(tmp_path: Path) -> None:
    table, rows = _read(_write(tmp_path, "a.json", " [ ] "))
    assert (table.columns, rows) == ([], [])


def test_json_record_too_large_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "JSON_CHUNK", 64)
    monkeypatch.setattr(formats, "MAX_RECORD_BYTES", 1000)
    path = _write(tmp_path, "a.json", json.dumps([{"a": "1"}, {"a": "x" * 5000}]))
    refusal = _refusal(path)
    assert refusal.line == 2
    assert "1000 bytes" in refusal.reason


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('{"a": "1"}', "single JSON object"),
        ('"text"', "not a JSON array"),
        ('[{"a": "1"}, "b"]', "Record 2 (line 1) is a string"),
        ('[{"a": "1"},\n[1]]', "Record 2 (line 2) is an array"),
        ('[{"a": "1"},\n{"a": 1,, }]', "Record 2 (line 2) is not valid JSON"),
        ('[{"a": "1"}, {"a": "2"}', "not closed"),
        ('[{"a": "1"},]', "comma after the last record"),
        ('[{"a": "1"}] x', "data after the end"),
        ('[{"a": "1"} {"a": "2"}]', "comma or the end of the array"),
    ],
)
def test_json_refusals(tmp_path: Path, data: str, expected: str) -> None:
    assert expected in _refusal(_write(tmp_path, "a.json", data)).reason


def test_json_top_level_not_array_refused_before_rows(tmp_path: Path) -> None:
    with pytest.raises(FileRefused), read_table(_write(tmp_path, "a.json", '{"a": 1}')):
        pass  # pragma: no cover - read_table itself refuses


def test_jsonl_values_and_blank_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.ndjson", '{"id": "x", "n": 2.50}\n\n  \r\n{"id": "y", "m": null}\n')
    table, rows = _read(path)
    assert table.format == "jsonl"
    assert rows == [(1, {"id": "x", "n": "2.5"}), (4, {"id": "y", "m": ""})]
    assert table.columns == ["id", "n", "m"]


def test_jsonl_malformed_line_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.jsonl", '{"id": "1"}\n\n{"id": "2",}\n{"id": "3"}\n')
    with read_table(path) as table:
        rows = iter(table.rows)
        assert next(rows) == (1, {"id": "1"})
        with pytest.raises(FileRefused) as info:
            next(rows)
    assert info.value.line == 3
    assert "Line 3" in info.value.reason


def test_jsonl_line_not_object_refused(tmp_path: Path) -> None:
    refusal = _refusal(_write(tmp_path, "a.jsonl", '{"id": "1"}\n[1, 2]\n'))
    assert refusal.line == 2
    assert "not a JSON object" in refusal.reason


def test_json_value_too_large_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.jsonl", json.dumps({"id": "1", "note": "n" * (MAX_CELL + 1)}))
    refusal = _refusal(path)
    assert (refusal.line, refusal.column) == (1, "note")


# -- detect_format ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.csv", "csv"),
        ("A.TXT", "csv"),
        ("b.tsv", "csv"),
        ("c.xlsx", "xlsx"),
        ("d.json", "json"),
        ("e.jsonl", "jsonl"),
        ("f.NDJSON", "jsonl"),
    ],
)
def test_detect_format(name: str, fmt: str) -> None:
    assert detect_format(name) == fmt


@pytest.mark.parametrize("name", ["a.pdf", "a.xls", "noextension", "a.csv.exe"])
def test_detect_format_refuses_other_extensions(name: str) -> None:
    with pytest.raises(FileRefused) as info:
        detect_format(name)
    assert ".xlsx" in info.value.reason


def test_read_table_uses_the_given_format(tmp_path: Path) -> None:
    path = _write(tmp_path, "upload.bin", '[{"a": "1"}]')
    table, rows = _read(path, "json")
    assert (table.format, rows) == ("json", [(1, {"a": "1"})])
