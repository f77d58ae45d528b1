"""The blocking index: which persons and watch-list entries are worth scoring against a name.

Every person and entry has its names normalised once (``PersonForms``, ``WatchlistEntry.forms``)
and its blocking keys stored (``PersonKey``, ``EntryKey``). Candidates for a query are the rows
sharing the most keys with it, found by the database from the key index; only those are scored.
Set-based throughout: a batch of persons is indexed, and its candidates found, in a few queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Q

from timpora.core.bulk import insert_rows
from timpora.matching.models import EntryKey, PersonForms, PersonKey, Watchlist, WatchlistEntry
from timpora.matching.normalise import blocking_keys, dated_keys
from timpora.matching.scoring import Identity, forms_of
from timpora.registry.models import Person, TravelDocument

#: How many of the best candidates (by keys shared) are scored for one query.
CANDIDATES = 100
#: For each person of an import batch, how many of the best candidates are scored: the keys that
#: carry the year of birth bring the likely ones first, and a batch links thousands at once.
LINK_CANDIDATES = 30
CHUNK = 2000


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def keys_for(forms: Iterable[Sequence[str]], date_of_birth: str) -> set[int]:
    """The blocking keys of a name's forms, with those carrying the year of birth when known."""
    forms = list(forms)
    return blocking_keys(forms) | dated_keys(forms, date_of_birth[:4])


def person_names(person_ids: Sequence[int]) -> dict[int, list[str]]:
    """The names a person is known by: their own, and those of persons merged into them."""
    names: dict[int, list[str]] = {pid: [] for pid in person_ids}
    for chunk in _chunks(person_ids):
        rows = Person.objects.filter(Q(pk__in=chunk) | Q(merged_into__in=chunk)).values_list(
            "pk", "merged_into_id", "full_name", "name_original"
        )
        for pk, merged_into, full_name, original in rows:
            owner = merged_into if merged_into in names else pk
            if owner not in names:
                continue
            for name in (full_name, original):
                if name and name not in names[owner]:
                    names[owner].append(name)
    return names


def index_persons(person_ids: Iterable[int], *, force: bool = False) -> list[int]:
    """Normalise and key the names of these persons; return those new or renamed since last time.

    A person merged into another is removed from the index: the survivor carries their names.
    """
    ids = sorted(set(person_ids))
    changed: list[int] = []
    for chunk in _chunks(ids):
        names = person_names(chunk)
        merged = set(
            Person.objects.filter(pk__in=chunk, merged_into__isnull=False).values_list(
                "pk", flat=True
            )
        )
        known = {
            pid: (known_names, year)
            for pid, known_names, year in PersonForms.objects.filter(
                person_id__in=chunk
            ).values_list("person_id", "names", "birth_year")
        }
        years = {
            pid: (dob or "")[:4]
            for pid, dob in Person.objects.filter(pk__in=chunk).values_list("pk", "date_of_birth")
        }
        todo = [
            pid
            for pid in chunk
            if pid not in merged and (force or known.get(pid) != (names[pid], years[pid]))
        ]
        gone = [pid for pid in chunk if pid in merged and pid in known]
        if not todo and not gone:
            continue
        forms = {pid: forms_of(names[pid]) for pid in todo}
        with transaction.atomic():
            stale = [*todo, *gone]
            PersonKey.objects.filter(person_id__in=stale).delete()
            PersonForms.objects.filter(person_id__in=stale).delete()
            PersonForms.objects.bulk_create(
                PersonForms(
                    person_id=pid,
                    forms=[list(v) for v in forms[pid]],
                    names=names[pid],
                    birth_year=years[pid],
                )
                for pid in todo
            )
            insert_rows(
                PersonKey._meta.db_table,
                ["person_id", "key"],
                [(pid, key) for pid in todo for key in sorted(keys_for(forms[pid], years[pid]))],
            )
        changed.extend(pid for pid in todo if known.get(pid, ([], ""))[0] != names[pid])
    return changed


def index_entries(entry_ids: Iterable[int]) -> None:
    """Normalise and key the names and aliases of these watch-list entries."""
    ids = sorted(set(entry_ids))
    for chunk in _chunks(ids):
        entries = list(
            WatchlistEntry.objects.filter(pk__in=chunk).only(
                "pk", "full_name", "name_original", "aliases", "date_of_birth"
            )
        )
        forms = {
            e.pk: forms_of([e.full_name, e.name_original, *(e.aliases or [])]) for e in entries
        }
        years = {e.pk: (e.date_of_birth or "")[:4] for e in entries}
        with transaction.atomic():
            EntryKey.objects.filter(entry_id__in=chunk).delete()
            for pk, variants in forms.items():
                WatchlistEntry.objects.filter(pk=pk).update(forms=[list(v) for v in variants])
            insert_rows(
                EntryKey._meta.db_table,
                ["entry_id", "key"],
                [
                    (pk, key)
                    for pk, variants in forms.items()
                    for key in sorted(keys_for(variants, years[pk]))
                ],
            )


# --- candidates ------------------------------------------------------------------------------


#: In the set-based joins, keys held by more rows than this are left out (see POSTINGS_PER_KEY).
FREQUENT_KEY = 5000


def _ranked_pairs_sql(left: str, right: str, right_column: str, count: int) -> str:
    """Per left person, the ``right`` rows sharing the most keys, best first (window function).

    Keys held by more than ``FREQUENT_KEY`` rows on the right are left out of the join: one
    such key would pair every new holder of a common name with thousands of others.
    """
    placeholders = ", ".join(["%s"] * count)
    return f"""
        SELECT a, b, shared FROM (
            SELECT n.person_id AS a, o.{right_column} AS b, COUNT(*) AS shared,
                   ROW_NUMBER() OVER (
                       PARTITION BY n.person_id ORDER BY COUNT(*) DESC, o.{right_column}
                   ) AS position
            FROM {left} n JOIN {right} o ON o.key = n.key
            WHERE n.person_id IN ({placeholders})
              AND n.key NOT IN (
                  SELECT f.key FROM {right} f
                  WHERE f.key IN (SELECT m.key FROM {left} m WHERE m.person_id IN ({placeholders}))
                  GROUP BY f.key HAVING COUNT(*) > %s
              )
            GROUP BY n.person_id, o.{right_column}
        ) ranked
        WHERE position <= %s
    """  # noqa: S608 - table and column names are ours; values are parameters


def person_candidates(
    person_ids: Sequence[int], limit: int = LINK_CANDIDATES
) -> list[tuple[int, int]]:
    """Pairs (person, other person) worth scoring, each pair once, lower id first."""
    pairs: set[tuple[int, int]] = set()
    table = PersonKey._meta.db_table
    for chunk in _chunks(sorted(set(person_ids)), 500):
        sql = _ranked_pairs_sql(table, table, "person_id", len(chunk))
        with connection.cursor() as cursor:
            # One more than the limit: the person itself always shares every key.
            cursor.execute(sql, [*chunk, *chunk, FREQUENT_KEY, limit + 1])
            for a, b, _ in cursor.fetchall():
                if a != b:
                    pairs.add((min(a, b), max(a, b)))
    return sorted(pairs)


def entry_candidates(person_ids: Sequence[int], limit: int = CANDIDATES) -> list[tuple[int, int]]:
    """Pairs (person, watch-list entry) worth scoring."""
    pairs: list[tuple[int, int]] = []
    for chunk in _chunks(sorted(set(person_ids)), 500):
        sql = _ranked_pairs_sql(
            PersonKey._meta.db_table, EntryKey._meta.db_table, "entry_id", len(chunk)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*chunk, *chunk, FREQUENT_KEY, limit])
            pairs.extend((a, b) for a, b, _ in cursor.fetchall())
    return pairs


def persons_sharing_keys_with_entries(entry_ids: Sequence[int]) -> list[tuple[int, int]]:
    """Pairs (person, entry) for re-screening after these entries changed."""
    pairs: list[tuple[int, int]] = []
    entries, persons = EntryKey._meta.db_table, PersonKey._meta.db_table
    for chunk in _chunks(sorted(set(entry_ids)), 500):
        placeholders = ", ".join(["%s"] * len(chunk))
        sql = f"""
            SELECT a, b FROM (
                SELECT p.person_id AS a, e.entry_id AS b,
                       ROW_NUMBER() OVER (
                           PARTITION BY e.entry_id ORDER BY COUNT(*) DESC, p.person_id
                       ) AS position
                FROM {entries} e
                JOIN {persons} p ON p.key = e.key
                WHERE e.entry_id IN ({placeholders})
                  AND e.key NOT IN (
                      SELECT f.key FROM {persons} f
                      WHERE f.key IN (
                          SELECT m.key FROM {entries} m WHERE m.entry_id IN ({placeholders})
                      )
                      GROUP BY f.key HAVING COUNT(*) > %s
                  )
                GROUP BY e.entry_id, p.person_id
            ) ranked
            WHERE position <= %s
        """  # noqa: S608 - table names are ours; values are parameters
        with connection.cursor() as cursor:
            cursor.execute(sql, [*chunk, *chunk, FREQUENT_KEY, CANDIDATES * 10])
            pairs.extend(cursor.fetchall())
    return pairs


def keys_of(identity: Identity) -> set[int]:
    return keys_for(identity.name_variants(), identity.date_of_birth)


#: At most this many rows are read from one key's posting list. A key held by thousands (the
#: pair MUHAMMAD + ALI) says little; the rows that matter share rarer keys too (the year of
#: birth, the other parts), so truncating common keys keeps a query's work bounded.
POSTINGS_PER_KEY = 1000


def _shared_keys_sql(table: str, column: str, count: int) -> str:
    parts = " UNION ALL ".join(
        f"SELECT {column} FROM (SELECT {column} FROM {table} WHERE key = %s LIMIT %s) k{i}"  # noqa: S608
        for i in range(count)
    )
    return f"""
        SELECT {column}, COUNT(*) AS shared FROM ({parts}) postings
        GROUP BY {column} ORDER BY shared DESC, {column} LIMIT %s
    """  # noqa: S608 - table and column names are ours; values are parameters


def _candidates(table: str, column: str, identity: Identity, limit: int) -> list[int]:
    keys = sorted(keys_of(identity))
    if not keys:
        return []
    params: list[int] = []
    for key in keys:
        params += [key, POSTINGS_PER_KEY]
    with connection.cursor() as cursor:
        cursor.execute(_shared_keys_sql(table, column, len(keys)), [*params, limit])
        return [row[0] for row in cursor.fetchall()]


def candidate_entries(identity: Identity, limit: int = CANDIDATES) -> list[int]:
    """The watch-list entries sharing the most keys with this identity."""
    return _candidates(EntryKey._meta.db_table, "entry_id", identity, limit)


def candidate_persons(identity: Identity, limit: int = CANDIDATES) -> list[int]:
    """The persons sharing the most keys with this identity (linking one new record)."""
    return _candidates(PersonKey._meta.db_table, "person_id", identity, limit)


# --- identities from rows ------------------------------------------------------------------


def person_identities(person_ids: Iterable[int]) -> dict[int, Identity]:
    ids = sorted(set(person_ids))
    out: dict[int, Identity] = {}
    for chunk in _chunks(ids):
        forms = dict(
            PersonForms.objects.filter(person_id__in=chunk).values_list("person_id", "forms")
        )
        documents: dict[int, list[str]] = {}
        for pid, number in TravelDocument.objects.filter(person_id__in=chunk).values_list(
            "person_id", "number_key"
        ):
            documents.setdefault(pid, []).append(number)
        rows = Person.objects.filter(pk__in=chunk).values_list(
            "pk", "full_name", "name_original", "date_of_birth", "sex", "nationality_id"
        )
        for pk, full_name, original, dob, sex, nationality in rows:
            stored = forms.get(pk)
            out[pk] = Identity(
                names=tuple(n for n in (full_name, original) if n),
                date_of_birth=dob,
                sex=sex,
                nationalities=(nationality,) if nationality else (),
                documents=tuple(documents.get(pk, ())),
                forms=tuple(tuple(v) for v in stored) if stored else None,
            )
    return out


def entry_identity(entry: WatchlistEntry) -> Identity:
    return Identity(
        names=tuple(n for n in (entry.full_name, entry.name_original, *entry.aliases) if n),
        date_of_birth=entry.date_of_birth,
        sex=entry.sex,
        nationalities=tuple(entry.nationalities),
        documents=tuple(entry.passport_numbers),
        forms=tuple(tuple(v) for v in entry.forms) if entry.forms else None,
    )


def entries_in_force(entry_ids: Iterable[int], on: datetime.date) -> dict[int, WatchlistEntry]:
    """These entries, where both the entry and its list are in force on ``on``."""
    lists_off = [w.list for w in Watchlist.objects.all() if not w.in_force(on)]
    entries = (
        WatchlistEntry.objects.filter(pk__in=list(entry_ids), valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .exclude(list__in=lists_off)
    )
    return {e.pk: e for e in entries}
