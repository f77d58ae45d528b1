"""Writing many plain rows at once: ``COPY`` on PostgreSQL, ``executemany`` on SQLite.

For tables written by the million (raw import rows), where building a model instance per row
would cost more than the write itself. Values must already be what the column stores.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import (
    DateField,
    DateTimeField,
    DecimalField,
    Field,
    JSONField,
    Model,
    UUIDField,
)
from django.utils import timezone


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)  # noqa: S608


# --- Model rows without model instances --------------------------------------------------------


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """Reserve ``count`` primary keys of ``model``'s table for rows about to be inserted.

    PostgreSQL draws them from the table's sequence. SQLite takes the numbers after the largest
    used so far; that is safe because Timpora opens SQLite transactions IMMEDIATE, so no other
    writer runs until this transaction ends. Call it inside the transaction that inserts.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")  # noqa: S608
        largest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        start = max(largest, found[0] if found else 0) + 1
    return list(range(start, start + count))


def _converter(field: Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a Python value of ``field`` is written by ``insert_rows`` (None: as it is)."""
    if isinstance(field, JSONField):
        return lambda v: None if v is None else json.dumps(v, cls=DjangoJSONEncoder)
    if connection.vendor == "postgresql":
        return None  # psycopg adapts dates, times, UUIDs and decimals itself
    if isinstance(field, UUIDField):
        return lambda v: None if v is None else v.hex
    if isinstance(field, DateTimeField):
        return lambda v: None if v is None else str(v.astimezone(UTC).replace(tzinfo=None))
    if isinstance(field, DateField):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(field, DecimalField):
        return lambda v: None if v is None else str(v)
    return None


def insert_model_rows(model: type[Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (attribute name → value, ``id`` included) of ``model`` at once.

    Fields missing from a row (or None there, for ``auto_now`` fields) take their default: a new
    ``code``, the time now. No signals, no ``save()``: for bulk writes of plain facts only.
    """
    if not rows:
        return
    now = timezone.now()
    pk_name = model._meta.pk.attname
    plan: list[tuple[str, Callable[[Any], Any] | None, Callable[[], Any] | None]] = []
    columns = []
    for field in model._meta.concrete_fields:
        name = field.attname
        if name == pk_name and name not in rows[0]:
            continue  # the database numbers the rows
        convert = _converter(field)
        # Django's own default: the field's, else "" for text that may not be null, else None.
        default: Callable[[], Any] | None = field.get_default
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = lambda: now  # noqa: E731
            if convert is not None:  # converted once: the same for every row
                stamp, plain = convert(now), convert
                convert = lambda v, stamp=stamp, plain=plain: stamp if v is now else plain(v)  # noqa: E731
        plan.append((name, convert, default))
        columns.append(str(field.column))
    values = []
    for row in rows:
        line = []
        for name, convert, default in plan:
            value = row.get(name)
            if value is None and default is not None:
                value = default()
            line.append(value if convert is None or value is None else convert(value))
        values.append(line)
    insert_rows(model._meta.db_table, columns, values)


def update_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """``UPDATE`` ``fields`` of ``model`` by id: each row holds the new values, then the id."""
    if not rows:
        return
    quote = connection.ops.quote_name
    by_name = {field.attname: field for field in model._meta.concrete_fields}
    converters = [_converter(by_name[name]) for name in fields]
    values = [
        [
            *(v if c is None or v is None else c(v) for c, v in zip(converters, row, strict=False)),
            row[-1],
        ]
        for row in rows
    ]
    assignments = ", ".join(f"{quote(str(by_name[name].column))} = %s" for name in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def refresh_statistics(models: Sequence[type[Model]]) -> None:
    """Let PostgreSQL's planner know how big tables have grown during a bulk load.

    Autovacuum does this eventually (and not at all where it is off); a long import that
    multiplies a table's size asks for it at once, so that its lookups keep using the indexes.
    SQLite's planner needs nothing of the kind.
    """
    if connection.vendor != "postgresql" or not models:
        return
    names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {names}")
