"""A prototype of a faster ``Frame._read`` (and a scoped ``Frame._documents`` that SQLite plans
well), measured by ``detect_bench.py --fast-load``; the frame itself is not changed here.

The frame reads each table through Django's cursor into Python tuples, turns the rows into
columns (``zip``) and the columns into Arrow arrays: several Python objects per value. Here the
database writes CSV text instead and Arrow parses it in C++:

* PostgreSQL: ``COPY (SELECT …) TO STDOUT (FORMAT csv)`` through psycopg's ``cursor.copy()`` on
  Django's own connection (so it still sees the caller's transaction), the blocks read straight
  into one buffer: no Python object per row at all;
* SQLite: the rows still come out as tuples (``sqlite3`` has no other way), but each chunk of
  tuples becomes an Arrow struct array in one C++ call (``pa.array(rows, type=struct)``): no
  transposition into Python lists per column, no second conversion. (Text lines built by SQLite,
  ``quote(a) || ',' || …``, parsed as CSV, were tried: no faster than the tuples.)

The SELECT expressions are the frame's own (dates as days, date-times as epoch seconds), so the
tables come out identical (:func:`compare` checks it, table by table).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from django.db import connection

from timpora.detection import frame as frame_module
from timpora.detection.frame import DATE, FLOAT, INT, STR, TIME, Column, Frame

_TYPES = {INT: pa.int64(), STR: pa.string(), DATE: pa.int32(), TIME: pa.int64(),
          FLOAT: pa.float64(), "bool": pa.bool_()}  # fmt: skip
CHUNK = 200_000


def _convert_options(columns: Sequence[Column], null: str) -> pcsv.ConvertOptions:
    return pcsv.ConvertOptions(
        column_types={c.name: _TYPES[c.kind] for c in columns},
        null_values=[null],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        true_values=["t", "1"],
        false_values=["f", "0"],
    )


def _fetch_pg(select: str, source: str, where: str, params: Sequence[Any],
              columns: Sequence[Column]) -> pa.Table:  # fmt: skip
    buffer = io.BytesIO()
    sql = f"COPY (SELECT {select} FROM {source} {where}) TO STDOUT (FORMAT csv)"  # noqa: S608
    with connection.cursor() as cursor, cursor.cursor.copy(sql, list(params) or None) as copy:
        for block in copy:
            buffer.write(block)
    data = buffer.getvalue()
    names = [c.name for c in columns]
    if not data:
        return pa.table({c.name: pa.array([], _TYPES[c.kind]) for c in columns})
    return pcsv.read_csv(
        pa.BufferReader(data),
        read_options=pcsv.ReadOptions(column_names=names, block_size=1 << 24),
        parse_options=pcsv.ParseOptions(quote_char='"', double_quote=True, newlines_in_values=True),
        convert_options=_convert_options(columns, ""),
    )


def _fetch_sqlite(select: str, source: str, where: str, params: Sequence[Any],
                  columns: Sequence[Column]) -> pa.Table:  # fmt: skip
    """Rows as tuples (SQLite has no faster way out), each chunk turned into an Arrow struct
    array in C++: no transposition and no Python list per column."""
    struct = pa.struct([(c.name, _TYPES[c.kind]) for c in columns])
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM {source} {where}", list(params))  # noqa: S608
        while chunk := cursor.fetchmany(CHUNK):
            parts.append(pa.array(chunk, type=struct))
    return pa.Table.from_struct_array(pa.chunked_array(parts, type=struct))


def _read(
    self: Frame,
    name: str,
    columns: Sequence[Column],
    source: str,
    where: str = "",
    params: Sequence[Any] = (),
    *,
    days: dict[str, str] | None = None,
) -> None:
    days = days or {}
    dialect = self._dialect
    if dialect.pg:
        select = ", ".join(dialect.column(c.expression, c.kind) for c in columns)
        table = _fetch_pg(select, source, where, params, columns)
    else:
        select = ", ".join(dialect.column(c.expression, c.kind) for c in columns)
        table = _fetch_sqlite(select, source, where, params, columns)
    self.rows_read += table.num_rows
    arrays = []
    for column in columns:
        values = table[column.name]
        if column.kind == DATE:
            values = values.cast(pa.date32())
        elif column.kind == TIME:
            if self._offset:
                values = pc.add(values, self._offset)
            values = values.cast(pa.timestamp("s"))
        arrays.append(values)
    table = pa.table(arrays, names=[c.name for c in columns])
    for day, moment in days.items():
        table = table.append_column(day, pc.cast(table[moment], pa.date32()))
    self._register(name, table)


def _documents(self: Frame) -> None:
    """As the frame's, but the scoped form joins a DISTINCT subquery of the scope's documents
    instead of ``(number_key, issuing_state_id) IN (SELECT …)``, which SQLite (without
    statistics) ran by walking every person and re-reading the list: minutes for 10,000."""
    documents, persons = self._table("registry.TravelDocument"), self._table("registry.Person")
    source = f"{documents} d JOIN {persons} p ON p.id = d.person_id"
    params: list[Any] = []
    if self.scope is not None:
        inner, params = self._where(("person_id", self.scope.person_ids))
        source = (
            f"(SELECT DISTINCT number_key, issuing_state_id FROM {documents} {inner}) k "  # noqa: S608
            f"JOIN {documents} d ON d.number_key = k.number_key "
            f"AND d.issuing_state_id = k.issuing_state_id "
            f"JOIN {persons} p ON p.id = d.person_id"
        )
    self._read(
        "documents",
        frame_module._columns(
            ("id", "d.id"),
            ("person_id", "d.person_id"),
            ("number_key", "d.number_key", STR),
            ("issuing_state", "d.issuing_state_id", STR),
            ("date_of_birth", "p.date_of_birth", STR),
            ("full_name", "p.full_name", STR),
        ),
        source,
        "WHERE p.merged_into_id IS NULL",
        params,
    )


def _scoped_or(
    self: Frame, own: tuple[str, Any], other: tuple[str, Any], condition: str, values: list[Any]
) -> tuple[str, list[Any]]:
    """``WHERE own IN (…) OR (other IN (…) AND condition)``: the rows about the persons in
    scope, and only the rows the place or company rules read about the others."""
    parts, params = [], []
    if own[1]:
        sql, found = self._dialect.in_ids(own[0], own[1])
        parts.append(sql)
        params += found
    if other[1]:
        sql, found = self._dialect.in_ids(other[0], other[1])
        parts.append(f"({sql} AND {condition})")
        params += found + values
    if not parts:
        return "WHERE 1 = 0", []
    return "WHERE " + " OR ".join(parts), params


def _stays(self: Frame) -> None:
    """Scoped: every stay of the persons in scope, but of the places in scope only the stays
    that ``LATE_REPORT`` and ``ADDRESS_CLUSTER`` can see (reported, or not yet checked out,
    within their windows). The frame reads every stay ever reported at those places: 10,000
    touched persons have stayed at most of the city's hotels, so that was nearly the table."""
    if self.scope is None:
        ORIGINAL["_stays"](self)
        return
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from timpora.detection import actions

    parameters = actions.parameters_at(self.as_of)
    window = max(
        parameters.integer("LATE_REPORT_WINDOW_DAYS"),
        parameters.integer("ADDRESS_CLUSTER_WINDOW_DAYS"),
    )
    since = timezone.make_aware(datetime.combine(self.as_of - timedelta(days=window + 1), time()))
    since_value = connection.ops.adapt_datetimefield_value(since)
    where, params = _scoped_or(
        self,
        ("person_id", self.scope.person_ids),
        ("place_id", self.scope.place_ids),
        "(check_out IS NULL OR check_out >= %s OR reported_at >= %s)",
        [since_value, since_value],
    )
    self._read(
        "stays",
        frame_module._columns(
            ("id", "id"),
            ("person_id", "person_id"),
            ("place_id", "place_id"),
            ("permit_type", "permit_type", STR),
            ("purpose", "purpose", STR),
            ("check_in", "check_in", TIME),
            ("check_out", "check_out", TIME),
            ("reported_at", "reported_at", TIME),
        ),
        self._table("registry.Stay"),
        where,
        params,
        days={"in_day": "check_in", "out_day": "check_out"},
    )


def _valid_at(self: Frame) -> tuple[str, list[Any]]:
    day = connection.ops.adapt_datefield_value(self.as_of)
    return "(status <> 'CANCELLED' AND valid_from <= %s AND valid_until >= %s)", [day, day]


def _permits(self: Frame) -> None:
    """Scoped: the permits of the persons in scope, and of the companies in scope only those
    valid at D (all that ``SPONSOR_ANOMALY`` and ``RECONCILIATION_GAP`` count)."""
    if self.scope is None:
        ORIGINAL["_permits"](self)
        return
    condition, values = _valid_at(self)
    where, params = _scoped_or(
        self,
        ("person_id", self.scope.person_ids),
        ("sponsor_company_id", self.scope.company_ids),
        condition,
        values,
    )
    self._read(
        "permits",
        frame_module._columns(
            ("id", "id"),
            ("person_id", "person_id"),
            ("permit_type", "permit_type", STR),
            ("visa_index", "visa_index", STR),
            ("status", "status", STR),
            ("issued_on", "issued_on", DATE),
            ("valid_from", "valid_from", DATE),
            ("valid_until", "valid_until", DATE),
            ("sponsor_company_id", "sponsor_company_id"),
            ("purpose", "purpose", STR),
        ),
        self._table("registry.StayPermit"),
        where,
        params,
    )


def _work_permits(self: Frame) -> None:
    """Scoped: as :func:`_permits`, for the employers in scope."""
    if self.scope is None:
        ORIGINAL["_work_permits"](self)
        return
    condition, values = _valid_at(self)
    where, params = _scoped_or(
        self,
        ("person_id", self.scope.person_ids),
        ("employer_id", self.scope.company_ids),
        condition,
        values,
    )
    self._read(
        "work_permits",
        frame_module._columns(
            ("id", "id"),
            ("person_id", "person_id"),
            ("employer_id", "employer_id"),
            ("status", "status", STR),
            ("valid_from", "valid_from", DATE),
            ("valid_until", "valid_until", DATE),
            ("dkptka_paid_until", "dkptka_paid_until", DATE),
        ),
        self._table("registry.WorkPermit"),
        where,
        params,
    )


def _in_ids(self: frame_module._Dialect, expression: str, ids: Any) -> tuple[str, list[Any]]:
    """On PostgreSQL ``x IN (SELECT unnest(%s::bigint[]))`` instead of ``x = ANY(%s)``: inside
    an OR (``person_id = ANY(…) OR employer_id = ANY(…)``) the planner may pick a sequential
    scan that searches the array linearly for every row (work permits, 10,000 persons: 1.8 s
    at 100,000 persons); the subquery is hashed once, or drives an index nested loop alone."""
    values = sorted(ids)
    if self.pg:
        return f"{expression} IN (SELECT unnest(%s::bigint[]))", [values]
    return ORIGINAL_IN_IDS(self, expression, values)


ORIGINAL: dict[str, Callable[..., Any]] = {
    "_read": Frame._read,
    "_documents": Frame._documents,
    "_stays": Frame._stays,
    "_permits": Frame._permits,
    "_work_permits": Frame._work_permits,
}
ORIGINAL_IN_IDS = frame_module._Dialect.in_ids


def install(
    read: bool = True, documents: bool = True, in_ids: bool = True, narrow: bool = True
) -> None:
    if read:
        Frame._read = _read  # type: ignore[method-assign]
    if documents:
        Frame._documents = _documents  # type: ignore[method-assign]
    if in_ids:
        frame_module._Dialect.in_ids = _in_ids  # type: ignore[method-assign]
    if narrow:
        Frame._stays = _stays  # type: ignore[method-assign]
        Frame._permits = _permits  # type: ignore[method-assign]
        Frame._work_permits = _work_permits  # type: ignore[method-assign]


def uninstall() -> None:
    for name, function in ORIGINAL.items():
        setattr(Frame, name, function)
    frame_module._Dialect.in_ids = ORIGINAL_IN_IDS  # type: ignore[method-assign]


TABLES = ("persons", "documents", "crossings", "permits", "work_permits", "stays",
          "registrations", "places", "companies", "hits", "conflicts", "open_alerts")  # fmt: skip


def compare(as_of: Any, scope: Any = None) -> dict[str, dict[str, Any]]:
    """Load every table with the frame's reader and with this one: seconds (wall and CPU of
    this process) and whether the tables are equal (rows sorted by every column)."""
    import time

    out: dict[str, dict[str, Any]] = {}
    frames = {}
    for label, fast in (("frame", False), ("fast", True)):
        uninstall()
        if fast:
            install()
        frame = Frame(as_of, scope)
        for name in TABLES:
            wall, cpu = time.perf_counter(), time.process_time()
            frame.use(name)
            out.setdefault(name, {})[label] = (
                round(time.perf_counter() - wall, 3),
                round(time.process_time() - cpu, 3),
            )
        frames[label] = frame
    uninstall()
    for name in TABLES:
        tables: list[Any] = [
            f.db.sql(f"SELECT * FROM {name}").to_arrow_table()  # noqa: S608
            for f in frames.values()
        ]
        tables = [t.sort_by([(c, "ascending") for c in t.column_names]) for t in tables]
        out[name]["rows"] = tables[0].num_rows
        out[name]["equal"] = tables[0].equals(tables[1])
    return out


def cache_days() -> None:
    """Format each date once per language: ``text.day`` (Django's ``date_format``) costs about
    0.2 ms a call, and the explanations of thousands of alerts repeat a few hundred dates."""
    from datetime import date, datetime
    from functools import lru_cache

    from django.utils.translation import get_language

    from timpora.detection.rules import text

    original = text.day

    @lru_cache(maxsize=16_384)
    def cached(value: date | str, language: str | None) -> str:
        return original(value)

    def day(value: date | datetime | str | None) -> str:
        if isinstance(value, datetime) or value is None:
            return original(value)
        return cached(value, get_language())

    text.day = day


def one_parameter_lookups() -> None:
    """``persist`` looks the live alerts of the subjects in scope up 5,000 ids at a time
    (``person_id__in=[…5,000 ids…]``): Django builds a placeholder and a converted value per
    id and psycopg splits the long query (about 60 ms per rule on PostgreSQL for 10,000
    persons). Here each such lookup passes the ids as one parameter: ``IN (SELECT
    unnest(%s::bigint[]))`` on PostgreSQL, ``IN (SELECT value FROM json_each(%s))`` on SQLite.
    (Patched through ``actions._chunks``: its 5,000-id chunks feed only ``__in`` lookups.)"""
    import json

    from django.db.models.expressions import RawSQL

    from timpora.detection import actions

    original = actions._chunks

    def chunks(items: Sequence[Any], size: int = actions.CHUNK) -> Any:
        if size == 5000 and items and all(isinstance(i, int) for i in items):
            if connection.vendor == "postgresql":
                yield RawSQL("SELECT unnest(%s::bigint[])", [list(items)])
            else:
                yield RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(items))])
            return
        yield from original(items, size)

    actions._chunks = chunks
