"""The facts the rules read, loaded in bulk from the database into DuckDB.

A :class:`Frame` reads the registry's tables through Django's own connection (so it sees the
caller's transaction, on SQLite and on PostgreSQL alike) into Arrow columns, and registers them
in an in-memory DuckDB database where the rules run their SQL: one dialect for the rules,
whatever the database. Only the columns the rules use are read, as integers and short strings:
dates as days since 1970-01-01 and date-times as seconds, converted to the local time of the
team (``TIME_ZONE``, WIB) so that "the day of a check-in" means the day in Batam.

A frame is loaded lazily, table by table, as the rules ask for them; with a :class:`Scope` it
reads only the rows about the persons, places and companies an import touched (and whatever
else the rules about them need), which is what makes the run after an import fast.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import perf_counter
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from timpora.lib.text import document_key


@dataclass(frozen=True)
class Scope:
    """The subjects a run is about; a rule's drafts for other subjects are not persisted."""

    person_ids: frozenset[int] = frozenset()
    place_ids: frozenset[int] = frozenset()
    company_ids: frozenset[int] = frozenset()

    @property
    def size(self) -> int:
        return len(self.person_ids) + len(self.place_ids) + len(self.company_ids)


# Column kinds: how a value comes out of the database and what Arrow type it becomes.
INT, STR, DATE, TIME, FLOAT = "int", "str", "date", "time", "float"
# What the database's values are read as, before dates and times become Arrow dates and times.
_RAW = {
    INT: pa.int64(),
    STR: pa.string(),
    FLOAT: pa.float64(),
    DATE: pa.int32(),
    TIME: pa.int64(),
    "bool": pa.bool_(),
}


class _Dialect:
    """The few expressions that differ between SQLite and PostgreSQL."""

    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"

    def column(self, expression: str, kind: str) -> str:
        if kind == DATE:
            if self.pg:
                return f"({expression} - DATE '1970-01-01')"
            return f"CAST(julianday({expression}) - 2440587.5 AS INTEGER)"
        if kind == TIME:
            if self.pg:
                return f"CAST(EXTRACT(EPOCH FROM {expression}) AS BIGINT)"
            # '%%': Django's SQLite cursor turns '%s' into '?' when parameters are passed
            return f"CAST(strftime('%%s', {expression}) AS INTEGER)"
        if kind == "bool" and not self.pg:
            return f"CAST({expression} AS INTEGER)"  # as a plain integer, not converted
        return expression

    def in_ids(self, expression: str, ids: Iterable[int]) -> tuple[str, list[Any]]:
        values = sorted(ids)
        if self.pg:
            # Not ``= ANY(%s)``: inside an OR the planner may scan the table and search the
            # array for every row; the subquery is hashed once or drives an index loop.
            return f"{expression} IN (SELECT unnest(%s::bigint[]))", [values]
        return f"{expression} IN (SELECT value FROM json_each(%s))", [json.dumps(values)]  # noqa: S608


@dataclass(frozen=True)
class Column:
    name: str
    expression: str
    kind: str


def _columns(*spec: tuple[str, str, str] | tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(s[0], s[1], s[2] if len(s) > 2 else INT) for s in spec)


class Frame:
    """Tables of facts as of one date in an in-memory DuckDB database."""

    CHUNK = 200_000

    def __init__(
        self, as_of: date, scope: Scope | None = None, *, place_window_days: int | None = None
    ) -> None:
        """``place_window_days``: how far back the place rules look, so that a scoped frame
        reads only the stays of the places in scope they can see (all when None)."""
        self.as_of = as_of
        self.scope = scope
        self.place_window_days = place_window_days
        self.db = duckdb.connect(":memory:")
        self.db.execute("SET threads TO 2")
        self._dialect = _Dialect(connection.vendor)
        moment = timezone.make_aware(datetime.combine(as_of, time(12)))
        offset = moment.utcoffset()
        self._offset = int(offset.total_seconds()) if offset else 0
        self._loaded: set[str] = set()
        self.rows_read = 0
        self.load_seconds: dict[str, float] = {}
        self._loaders: dict[str, Callable[[], None]] = {
            "persons": self._persons,
            "documents": self._documents,
            "crossings": self._crossings,
            "permits": self._permits,
            "work_permits": self._work_permits,
            "stays": self._stays,
            "registrations": self._registrations,
            "places": self._places,
            "companies": self._companies,
            "entries": self._entries,
            "hits": self._hits,
            "conflicts": self._conflicts,
            "open_alerts": self._open_alerts,
            "status": self._status,
        }

    # --- What the rules call ------------------------------------------------------------

    def use(self, *names: str) -> Frame:
        """Make sure these tables are loaded (each is read once per frame)."""
        for name in names:
            if name in self._loaded:
                continue
            before = sum(self.load_seconds.values())
            began = perf_counter()
            self._loaders[name]()
            self._loaded.add(name)
            nested = sum(self.load_seconds.values()) - before
            self.load_seconds[name] = (
                self.load_seconds.get(name, 0.0) + perf_counter() - began - nested
            )
        return self

    def forget(self, name: str) -> None:
        """Read ``name`` again when next used (the open alerts, after a rule persisted some)."""
        if name in self._loaded:
            self.db.execute(f"DROP TABLE IF EXISTS {name}")
            self._loaded.discard(name)

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """Run a rule's query; ``$as_of`` is always bound to the as-of date (when the query
        uses it: DuckDB refuses a parameter a query does not name)."""
        if "$as_of" in sql:
            params = {"as_of": self.as_of, **params}
        return self.db.execute(sql, params).fetchall()

    # --- Reading from the database ------------------------------------------------------

    def _where(self, *alternatives: tuple[Any, ...]) -> tuple[str, list[Any]]:
        """``WHERE a IN (…) OR (b IN (…) AND condition)`` for a scoped frame; nothing for a
        full sweep. Each alternative is ``(expression, ids)`` or ``(expression, ids,
        condition, values)``: the rows about the persons in scope, and of the places or
        companies in scope only the rows their rules can see."""
        if self.scope is None:
            return "", []
        parts, params = [], []
        for expression, ids, *narrower in alternatives:
            ids = list(ids)
            if not ids:
                continue
            sql, values = self._dialect.in_ids(expression, ids)
            if narrower:
                condition, extra = narrower
                sql, values = f"({sql} AND {condition})", [*values, *extra]
            parts.append(sql)
            params += values
        if not parts:
            return "WHERE 1 = 0", []
        return "WHERE (" + " OR ".join(parts) + ")", params

    def _valid_at(self) -> tuple[str, list[Any]]:
        day = connection.ops.adapt_datefield_value(self.as_of)
        return "(status <> 'CANCELLED' AND valid_from <= %s AND valid_until >= %s)", [day, day]

    def _read(
        self,
        name: str,
        columns: Sequence[Column],
        source: str,
        where: str = "",
        params: Sequence[Any] = (),
        *,
        days: dict[str, str] | None = None,
    ) -> None:
        """Read ``columns`` of ``source`` into the DuckDB table ``name``; ``days`` adds, for
        each local date-time column, a column with its local date (``{"day": "crossed_at"}``)."""
        days = days or {}
        select = ", ".join(self._dialect.column(c.expression, c.kind) for c in columns)
        sql = f"SELECT {select} FROM {source} {where}"  # noqa: S608 - our names, bound values
        raw = (
            self._copy(sql, params, columns)
            if self._dialect.pg
            else self._fetch(sql, params, columns)
        )
        self.rows_read += raw.num_rows
        arrays = []
        for column in columns:
            values = raw[column.name]
            if column.kind == DATE:
                values = values.cast(pa.date32())
            elif column.kind == "bool":
                values = values.cast(pa.bool_())
            elif column.kind == TIME:
                if self._offset:
                    values = pc.add(values, self._offset)
                values = values.cast(pa.timestamp("s"))
            arrays.append(values)
        table = pa.table(arrays, names=[c.name for c in columns])
        for day, moment in days.items():
            table = table.append_column(day, pc.cast(table[moment], pa.date32()))
        self._register(name, table)

    def _fetch(self, sql: str, params: Sequence[Any], columns: Sequence[Column]) -> pa.Table:
        """SQLite: rows as tuples (the only way out of ``sqlite3``), each chunk turned into an
        Arrow struct array in one C++ call, with no Python list per column."""
        # SQLite has no boolean: 0 and 1 come out as integers, cast below.
        struct = pa.struct(
            [(c.name, pa.int64() if c.kind == "bool" else _RAW[c.kind]) for c in columns]
        )
        parts = []
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            while chunk := cursor.fetchmany(self.CHUNK):
                parts.append(pa.array(chunk, type=struct))
        return pa.Table.from_struct_array(pa.chunked_array(parts, type=struct))

    def _copy(self, sql: str, params: Sequence[Any], columns: Sequence[Column]) -> pa.Table:
        """PostgreSQL: ``COPY (SELECT …) TO STDOUT`` as CSV through psycopg on Django's own
        connection (it sees the caller's transaction), parsed by Arrow in C++."""
        buffer = io.BytesIO()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY ({sql}) TO STDOUT (FORMAT csv)", list(params) or None
            ) as copy,
        ):
            for block in copy:
                buffer.write(block)
        data = buffer.getvalue()
        if not data:
            return pa.table({c.name: pa.array([], _RAW[c.kind]) for c in columns})
        return pcsv.read_csv(
            pa.BufferReader(data),
            read_options=pcsv.ReadOptions(
                column_names=[c.name for c in columns], block_size=1 << 24
            ),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types={c.name: _RAW[c.kind] for c in columns},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                true_values=["t"],
                false_values=["f"],
            ),
        )

    def _register(self, name: str, table: pa.Table) -> None:
        self.db.register(f"_{name}_arrow", table)
        self.db.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _{name}_arrow")  # noqa: S608
        self.db.unregister(f"_{name}_arrow")

    @staticmethod
    def _table(model_path: str) -> str:
        from django.apps import apps

        return connection.ops.quote_name(apps.get_model(model_path)._meta.db_table)

    @property
    def _persons_in_scope(self) -> Iterable[int]:
        return self.scope.person_ids if self.scope else ()

    def _persons(self) -> None:
        where, params = self._where(("id", self._persons_in_scope))
        # Not ``merged_into_id IS NULL``, which SQLite without statistics would answer from
        # that column's index (nearly every person) instead of the ids in scope.
        where = (where + " AND " if where else "WHERE ") + "COALESCE(merged_into_id, 0) = 0"
        self._read(
            "persons",
            _columns(
                ("id", "id"),
                ("nationality", "nationality_id", STR),
                ("date_of_birth", "date_of_birth", STR),
            ),
            self._table("registry.Person"),
            where,
            params,
        )

    def _documents(self) -> None:
        """Travel documents with their holder's date of birth and name; with a scope, every
        document that shares a number and issuing state with one of the persons in scope."""
        documents, persons = self._table("registry.TravelDocument"), self._table("registry.Person")
        source = f"{documents} d JOIN {persons} p ON p.id = d.person_id"
        where, params = "WHERE COALESCE(p.merged_into_id, 0) = 0", list[Any]()
        if self.scope is not None:
            # A join on the scope's distinct numbers, not ``(number_key, state) IN (SELECT …)``,
            # which SQLite runs by walking every person (minutes for 10,000 in scope).
            inner, params = self._where(("person_id", self.scope.person_ids))
            source = (
                f"(SELECT DISTINCT number_key, issuing_state_id FROM {documents} {inner}) k "  # noqa: S608
                # ``|| ''``: look the documents up by number (SQLite would otherwise take the
                # issuing state's index: every passport of that country, for each number).
                f"JOIN {documents} d ON d.number_key = k.number_key "
                "AND d.issuing_state_id || '' = k.issuing_state_id "
                f"JOIN {persons} p ON p.id = d.person_id"
            )
        self._read(
            "documents",
            _columns(
                ("id", "d.id"),
                ("person_id", "d.person_id"),
                ("number_key", "d.number_key", STR),
                ("issuing_state", "d.issuing_state_id", STR),
                ("date_of_birth", "p.date_of_birth", STR),
                ("full_name", "p.full_name", STR),
            ),
            source,
            where,
            params,
        )

    def _crossings(self) -> None:
        where, params = self._where(("person_id", self._persons_in_scope))
        self._read(
            "crossings",
            _columns(
                ("id", "id"),
                ("person_id", "person_id"),
                ("direction", "direction", STR),
                ("crossed_at", "crossed_at", TIME),
                ("permit_type", "permit_type", STR),
                ("authorized_stay_until", "authorized_stay_until", DATE),
            ),
            self._table("registry.BorderCrossing"),
            where,
            params,
            days={"day": "crossed_at"},
        )

    def _permits(self) -> None:
        # Of the companies in scope, only the permits valid at D (what their rules count).
        where, params = self._where(
            ("person_id", self._persons_in_scope),
            ("sponsor_company_id", self.scope.company_ids if self.scope else (), *self._valid_at()),
        )
        self._read(
            "permits",
            _columns(
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

    def _work_permits(self) -> None:
        where, params = self._where(
            ("person_id", self._persons_in_scope),
            ("employer_id", self.scope.company_ids if self.scope else (), *self._valid_at()),
        )
        self._read(
            "work_permits",
            _columns(
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

    def _stays(self) -> None:
        places: tuple[Any, ...] = ("place_id", self.scope.place_ids if self.scope else ())
        if self.place_window_days is not None:
            # Of the places in scope, only the stays their rules can see: not checked out, or
            # checked out or reported within the window (10,000 touched persons have stayed
            # at most of the city's hotels: their whole history would be nearly the table).
            since = timezone.make_aware(
                datetime.combine(self.as_of - timedelta(days=self.place_window_days + 1), time())
            )
            value = connection.ops.adapt_datetimefield_value(since)
            condition = "(check_out IS NULL OR check_out >= %s OR reported_at >= %s)"
            places = (*places, condition, [value, value])
        where, params = self._where(("person_id", self._persons_in_scope), places)
        self._read(
            "stays",
            _columns(
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

    def _registrations(self) -> None:
        where, params = self._where(("person_id", self._persons_in_scope))
        self._read(
            "registrations",
            _columns(
                ("id", "id"),
                ("person_id", "person_id"),
                ("registration_type", "registration_type", STR),
                ("issued_on", "issued_on", DATE),
            ),
            self._table("registry.Registration"),
            where,
            params,
        )

    def _places(self) -> None:
        self._read(
            "places",
            _columns(
                ("id", "id"),
                ("reporter_type", "reporter_type", STR),
                ("reporter_id", "reporter_id", STR),
                ("company_id", "company_id"),
            ),
            self._table("registry.Place"),
        )

    def _companies(self) -> None:
        self._read(
            "companies",
            _columns(
                ("id", "id"),
                ("company_id", "company_id", STR),
                ("registered", "registered", "bool"),
            ),
            self._table("registry.Company"),
        )

    def _entries(self) -> None:
        """Watch-list entries in force at the as-of date (entry and list), with their
        passport numbers one per row in ``entry_passports``."""
        from timpora.matching.models import Watchlist, WatchlistEntry

        day = self.as_of
        lists_off = [w.list for w in Watchlist.objects.all() if not w.in_force(day)]
        entries = (
            WatchlistEntry.objects.filter(valid_from__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            .exclude(list__in=lists_off)
            .values_list(
                "id",
                "list",
                "date_of_birth",
                "passport_numbers",
                "entry_id",
                "reason",
                "action_on_hit",
            )
        )
        ids, lists, births, passports, numbers = [], [], [], [], []
        keys, reasons, actions = [], [], []
        for entry_id, list_code, born, numbers_of_entry, code, reason, action in entries.iterator(
            chunk_size=10_000
        ):
            ids.append(entry_id)
            lists.append(list_code)
            births.append(born or "")
            keys.append(code)
            reasons.append(reason)
            actions.append(action)
            for number in numbers_of_entry or ():
                if key := document_key(str(number)):
                    passports.append(entry_id)
                    numbers.append(key)
        self._register(
            "entries",
            pa.table(
                {
                    "id": pa.array(ids, pa.int64()),
                    "list": pa.array(lists, pa.string()),
                    "date_of_birth": pa.array(births, pa.string()),
                    "entry_id": pa.array(keys, pa.string()),
                    "reason": pa.array(reasons, pa.string()),
                    "action_on_hit": pa.array(actions, pa.string()),
                }
            ),
        )
        self._register(
            "entry_passports",
            pa.table(
                {
                    "entry_id": pa.array(passports, pa.int64()),
                    "number_key": pa.array(numbers, pa.string()),
                }
            ),
        )

    def _hits(self) -> None:
        """Screening matches at or above the threshold that an officer has not ruled out."""
        items = self._table("matching.ReviewItem")
        where, params = self._where(("person_id", self._persons_in_scope))
        condition = (
            "kind = 'HIT' AND (status = 'OPEN' OR (status = 'DECIDED' AND decision <> 'DIFFERENT'))"
        )
        where = (where + " AND " if where else "WHERE ") + condition
        self._read(
            "hits",
            _columns(
                ("id", "id"),
                ("person_id", "person_id"),
                ("entry_id", "entry_id"),
                ("score", "score", FLOAT),
                ("decision", "decision", STR),
            ),
            items,
            where,
            params,
        )

    def _conflicts(self) -> None:
        ids = self._persons_in_scope
        where, params = self._where(("person_id", ids), ("other_person_id", ids))
        self._read(
            "conflicts",
            _columns(
                ("id", "id"),
                ("person_id", "person_id"),
                ("other_person_id", "other_person_id"),
                ("number_key", "number_key", STR),
                ("issuing_state", "issuing_state_id", STR),
            ),
            self._table("registry.IdentityConflict"),
            where,
            params,
        )

    def _open_alerts(self) -> None:
        self._read(
            "open_alerts",
            _columns(("id", "id"), ("rule", "rule", STR), ("person_id", "person_id")),
            self._table("detection.Alert"),
            "WHERE status IN ('NEW', 'ACKNOWLEDGED', 'ESCALATED') AND person_id IS NOT NULL",
        )

    def _status(self) -> None:
        """Each person's standing at the as-of date (``detection-rules.md``, Terms).

        ``in_country``: the last crossing on or before D is an arrival; with no crossing at all,
        an ITAS or ITAP valid at D or a stay covering D. ``authorised_until``: the latest end
        of the permits (not cancelled) and arrival grants that started on or before D, with the
        record that gives it.
        """
        self.use("persons", "crossings", "permits", "stays")
        self.db.execute(
            """
            CREATE OR REPLACE TABLE status AS
            WITH last AS (
                SELECT person_id,
                       arg_max(direction, (crossed_at, id)) AS direction,
                       arg_max(id, (crossed_at, id)) AS crossing_id,
                       max(crossed_at) AS crossed_at
                FROM crossings WHERE day <= $as_of GROUP BY person_id
            ),
            grants AS (
                SELECT person_id, valid_until AS until, 'stay-permit' AS kind, id
                FROM permits WHERE status <> 'CANCELLED' AND valid_from <= $as_of
                UNION ALL
                SELECT person_id, authorized_stay_until, 'border-crossing', id
                FROM crossings
                WHERE direction = 'ARRIVAL' AND day <= $as_of
                  AND authorized_stay_until IS NOT NULL
            ),
            authorised AS (
                SELECT person_id, max(until) AS until,
                       arg_max(kind, (until, id)) AS kind, arg_max(id, (until, id)) AS id
                FROM grants GROUP BY person_id
            ),
            resident AS (
                SELECT DISTINCT person_id FROM permits
                WHERE permit_type IN ('ITAS', 'ITAP') AND status <> 'CANCELLED'
                  AND valid_from <= $as_of AND valid_until >= $as_of
            ),
            staying AS (
                SELECT DISTINCT person_id FROM stays
                WHERE in_day <= $as_of AND (out_day IS NULL OR out_day >= $as_of)
            )
            SELECT p.id AS person_id,
                   CASE WHEN last.person_id IS NOT NULL THEN last.direction = 'ARRIVAL'
                        ELSE r.person_id IS NOT NULL OR s.person_id IS NOT NULL END AS in_country,
                   last.direction AS last_direction, last.crossing_id AS last_crossing_id,
                   last.crossed_at AS last_crossed_at,
                   a.until AS authorised_until, a.kind AS authorised_by_kind,
                   a.id AS authorised_by_id
            FROM persons p
            LEFT JOIN last ON last.person_id = p.id
            LEFT JOIN authorised a ON a.person_id = p.id
            LEFT JOIN resident r ON r.person_id = p.id
            LEFT JOIN staying s ON s.person_id = p.id
            """,
            {"as_of": self.as_of},
        )
