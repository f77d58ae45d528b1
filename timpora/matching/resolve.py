"""Batch entity resolution: duplicate persons across the whole registry, found with Splink.

``resolve()`` reads every person not merged away (one query for persons, one for their
documents) into an Arrow table with comparable name forms, hands it to a Splink model on DuckDB,
and proposes the pairs above the threshold to the review queue, each with its explanation: the
comparison levels that the pair reached and their match weights. Nothing is merged here; an
officer decides (``ARCHITECTURE.md``, "A person decides").

The model is trained on the registry itself (u by random sampling, then m by expectation
maximisation on two blocking rules) and saved as ``splink-<n>.json`` under
:func:`models_dir`, with its training metadata beside it; later runs use the latest saved model
unless asked to train again.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import splink
from django.conf import settings
from django.db.models import OuterRef, Subquery
from rapidfuzz.distance import JaroWinkler
from splink import DuckDBAPI, Linker

from timpora.matching.actions import ProposedPair, propose_pairs
from timpora.matching.choices import ReviewOrigin
from timpora.matching.models import PersonForms
from timpora.matching.normalise import canonical_token, phonetic_key
from timpora.matching.scoring import forms_of
from timpora.matching.splink_model import (
    Training,
    completed,
    latest_model,
    level_labels,
    model_settings,
    save_model,
    train_model,
    training_metadata,
)
from timpora.registry.models import Person, TravelDocument

CHUNK = 20_000

logger = logging.getLogger(__name__)

Forms = tuple[tuple[str, ...], ...]


# --- Comparable forms of a person's names ----------------------------------------------------


def name_forms_of(full_name: str, name_original: str) -> Forms:
    """Every comparable form of a person's names, the passport-style one first (as the
    matching index keeps them in ``PersonForms``)."""
    return forms_of((full_name, name_original))


@dataclass(frozen=True, slots=True)
class NameColumns:
    """What the model compares of one name (all upper-case ASCII, canonical spellings)."""

    name: str  # the primary form, in the written order
    name_sorted: str  # its words sorted: order-free
    keys: tuple[str, ...]  # every form's words sorted (other romanisations, the native script)
    tokens: tuple[str, ...]  # every word of every form
    phonetic: str  # phonetic keys of the primary form's words, sorted


@lru_cache(maxsize=200_000)
def name_columns(forms: Forms) -> NameColumns | None:
    """The columns of a person's name forms (computed once per distinct name: names repeat)."""
    canonical_forms = [tuple(canonical_token(t) for t in form) for form in forms if form]
    if not canonical_forms:
        return None
    primary = canonical_forms[0]
    keys = tuple(dict.fromkeys(" ".join(sorted(form)) for form in canonical_forms))
    tokens = tuple(sorted({token for form in canonical_forms for token in form}))
    sounds = " ".join(sorted(phonetic_key(token) for token in primary))
    return NameColumns(" ".join(primary), keys[0], keys, tokens, sounds)


@lru_cache(maxsize=200_000)
def part_columns(part: str) -> tuple[str, str] | None:
    """A name part (surname or given names) as a canonical key and a phonetic key."""
    forms = name_forms_of(part, "")
    if not forms:
        return None
    words = [canonical_token(t) for t in forms[0]]
    return " ".join(words), " ".join(phonetic_key(word) for word in words)


@lru_cache(maxsize=200_000)
def given_part(name: str, surname: str) -> tuple[str, tuple[str, ...], str] | None:
    """The words of a name other than the surname: sorted, as a list, and as sounds.

    Where the surname is not among the name's words as written (a typo in one of the two), the
    word most like it is taken for it.
    """
    words, surname_words = name.split(), surname.split()
    if all(word in words for word in surname_words):
        rest = [word for word in words if word not in surname_words]
    else:
        closest = max(words, key=lambda word: JaroWinkler.similarity(word, surname))
        rest = [word for word in words if word != closest]
    if not rest:
        return None
    rest.sort()
    return " ".join(rest), tuple(rest), " ".join(sorted(phonetic_key(word) for word in rest))


@lru_cache(maxsize=200_000)
def _computed_forms(full_name: str, name_original: str) -> Forms:
    return name_forms_of(full_name, name_original)


def _stored(forms: Any, names: Any, full_name: str, name_original: str) -> Forms | None:
    """The forms kept by the matching index, when they are of the names the person has now."""
    if not forms:
        return None
    if isinstance(forms, str):  # a database that gives a subquery's JSON back as text
        forms, names = json.loads(forms), json.loads(names or "null")
    if names != [n for n in (full_name, name_original) if n]:
        return None
    return tuple(tuple(form) for form in forms if form)


# --- Reading the registry --------------------------------------------------------------------

PERSON_SCHEMA = pa.schema(
    [
        ("person_id", pa.int64()),
        ("full_name", pa.string()),
        ("name_original", pa.string()),
        ("name", pa.string()),
        ("name_sorted", pa.string()),
        ("name_keys", pa.list_(pa.string())),
        ("tokens", pa.list_(pa.string())),
        ("phonetic", pa.string()),
        ("surname", pa.string()),
        ("surname_phonetic", pa.string()),
        ("given", pa.string()),
        ("given_tokens", pa.list_(pa.string())),
        ("given_phonetic", pa.string()),
        ("date_of_birth", pa.string()),
        ("sex", pa.string()),
        ("nationality_id", pa.string()),
    ]
)


@dataclass
class Registry:
    persons: pa.Table
    documents: pa.Table
    forms_reused: int = 0


def read_registry(limit: int | None = None) -> Registry:
    """Persons not merged away, with their comparable names, and their documents' numbers."""
    persons = Person.objects.filter(merged_into__isnull=True).order_by("pk")
    if limit is not None:
        persons = persons[:limit]
    index = PersonForms.objects.filter(person_id=OuterRef("pk"))
    rows = persons.annotate(
        stored_forms=Subquery(index.values("forms")[:1]),
        stored_names=Subquery(index.values("names")[:1]),
    ).values_list(
        "pk",
        "full_name",
        "name_original",
        "surname",
        "given_names",
        "date_of_birth",
        "sex",
        "nationality_id",
        "stored_forms",
        "stored_names",
    )
    columns: dict[str, list[Any]] = {name: [] for name in PERSON_SCHEMA.names}
    reused = 0
    for row in rows.iterator(chunk_size=CHUNK):
        pk, full, original, surname, _given, birth, sex, nationality, forms, forms_of = row
        kept = _stored(forms, forms_of, full, original)
        reused += kept is not None
        names = name_columns(kept or _computed_forms(full, original))
        surname_key = part_columns(surname) if surname else None
        if surname_key is None and names is not None:
            surname_key = part_columns(names.name.split()[0])
        rest = given_part(names.name, surname_key[0]) if names and surname_key else None
        columns["person_id"].append(pk)
        columns["full_name"].append(full)
        columns["name_original"].append(original or None)
        columns["name"].append(names.name if names else None)
        columns["name_sorted"].append(names.name_sorted if names else None)
        columns["name_keys"].append(list(names.keys) if names else None)
        columns["tokens"].append(list(names.tokens) if names else None)
        columns["phonetic"].append(names.phonetic if names else None)
        columns["surname"].append(surname_key[0] if surname_key else None)
        columns["surname_phonetic"].append(surname_key[1] if surname_key else None)
        columns["given"].append(rest[0] if rest else None)
        columns["given_tokens"].append(list(rest[1]) if rest else None)
        columns["given_phonetic"].append(rest[2] if rest else None)
        columns["date_of_birth"].append(birth or None)
        columns["sex"].append(sex or None)
        columns["nationality_id"].append(nationality or None)
    table = pa.Table.from_pydict(columns, schema=PERSON_SCHEMA)
    owners: list[int] = []
    numbers: list[str] = []
    documents = TravelDocument.objects.filter(person__merged_into__isnull=True)
    for owner, number in documents.values_list("person_id", "number_key").iterator(
        chunk_size=CHUNK
    ):
        owners.append(owner)
        numbers.append(number)
    documents_table = pa.table(
        {"person_id": pa.array(owners, pa.int64()), "number_key": pa.array(numbers, pa.string())}
    )
    return Registry(table, documents_table, reused)


INPUT_SQL = """
CREATE TABLE persons AS
SELECT p.*,
       TRY_CAST(substr(p.date_of_birth, 1, 4) AS INTEGER) AS birth_year,
       CASE WHEN length(p.date_of_birth) >= 7
            THEN TRY_CAST(substr(p.date_of_birth, 6, 2) AS INTEGER) END AS birth_month,
       CASE WHEN length(p.date_of_birth) = 10
            THEN TRY_CAST(substr(p.date_of_birth, 9, 2) AS INTEGER) END AS birth_day,
       d.documents,
       d.documents[1] AS document
FROM person_rows p
LEFT JOIN (
    SELECT person_id, list(DISTINCT number_key ORDER BY number_key) AS documents
    FROM document_rows
    WHERE number_key <> ''
    GROUP BY person_id
) d USING (person_id)
"""


# --- Running ---------------------------------------------------------------------------------


@dataclass
class Pair:
    person_id: int
    other_person_id: int
    score: float
    reasons: list[dict[str, Any]]


@dataclass
class ResolveReport:
    persons: int = 0
    documents: int = 0
    blocked_pairs: int = 0
    pairs: list[Pair] = field(default_factory=list)
    created: int = 0
    already_open: int = 0
    already_decided: int = 0
    forms_reused: int = 0
    model_version: int = 0
    model_path: Path | None = None
    trained: bool = False
    algorithm: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    duckdb_peak_bytes: int = 0


#: Where each comparison's values are shown from in a reason's detail.
DETAIL_COLUMNS = {
    "name": "full_name",
    "surname": "surname",
    "date_of_birth": "date_of_birth",
    "sex": "sex",
    "nationality": "nationality_id",
    "document": "documents",
}


class _Phases:
    """Times each phase and samples DuckDB's memory after it."""

    def __init__(self, report: ResolveReport, progress: Callable[[str], None] | None) -> None:
        self.report, self.progress = report, progress
        self.con: duckdb.DuckDBPyConnection | None = None

    def run(self, name: str) -> _Phase:
        return _Phase(self, name)

    def sample(self) -> None:
        if self.con is not None:
            used = _scalar(self.con, "SELECT sum(memory_usage_bytes) FROM duckdb_memory()")
            self.report.duckdb_peak_bytes = max(self.report.duckdb_peak_bytes, int(used or 0))


class _Phase:
    def __init__(self, phases: _Phases, name: str) -> None:
        self.phases, self.name = phases, name

    def __enter__(self) -> None:
        self.began = time.perf_counter()
        if self.phases.progress:
            self.phases.progress(self.name)

    def __exit__(self, *exc: object) -> None:
        self.phases.report.seconds[self.name] = time.perf_counter() - self.began
        self.phases.sample()


def find_pairs(
    *,
    train: bool = False,
    threshold: float | None = None,
    limit: int | None = None,
    training: Training | None = None,
    progress: Callable[[str], None] | None = None,
) -> ResolveReport:
    """Pairs of persons that the model finds to be one human, above ``threshold``."""
    if threshold is None:
        threshold = settings.RESOLVE_THRESHOLD
    training = training or Training()
    report = ResolveReport()
    phases = _Phases(report, progress)
    with phases.run("read"):
        registry = read_registry(limit)
    report.persons, report.documents = registry.persons.num_rows, registry.documents.num_rows
    report.forms_reused = registry.forms_reused
    if report.persons < 2:
        return report
    with _duckdb() as con:
        phases.con = con
        with phases.run("prepare"):
            con.register("person_rows", registry.persons)
            con.register("document_rows", registry.documents)
            con.execute(INPUT_SQL).fetchall()
            con.unregister("person_rows")
            con.unregister("document_rows")
            del registry
            db_api = DuckDBAPI(con)
            table = db_api.register("persons")
        latest = None if train else latest_model()
        if latest is None:
            with phases.run("train"):
                linker = Linker(table, model_settings(), log_level=logging.WARNING)
                train_model(linker, training)
                model = completed(linker.misc.save_model_to_json(), training)
                latest = save_model(model, training_metadata(report.persons, training))
                report.trained = True
        report.model_version, report.model_path = latest
        model = json.loads(report.model_path.read_text(encoding="utf-8"))
        linker = Linker(table, model, log_level=logging.WARNING)
        report.algorithm = f"splink-{splink.__version__}/model-{report.model_version}"
        with phases.run("block"):
            blocked = linker.inference.compute_blocked_pairs_for_predict()
            count = f"SELECT count(*) FROM {blocked.physical_name}"  # noqa: S608  (Splink's name)
            report.blocked_pairs = _scalar(con, count)
        with phases.run("predict"):
            predictions = linker.inference.predict(
                threshold_match_probability=threshold, warning_mode="never"
            )
            report.pairs = list(_explained_pairs(con, predictions.physical_name, model))
    return report


def _explained_pairs(
    con: duckdb.DuckDBPyConnection, table: str, model: dict[str, Any]
) -> Iterator[Pair]:
    labels = level_labels(model)
    result = con.execute(f"SELECT * FROM {table} ORDER BY match_probability DESC")  # noqa: S608
    names = [d[0] for d in result.description]
    while batch := result.fetchmany(CHUNK):
        for values in batch:
            row = dict(zip(names, values, strict=True))
            reasons = []
            for factor, by_value in labels.items():
                gamma = row[f"gamma_{factor}"]
                weight = row[f"mw_{factor}"] + (row.get(f"mw_tf_adj_{factor}") or 0.0)
                column = DETAIL_COLUMNS[factor]
                reasons.append(
                    {
                        "factor": factor,
                        "outcome": by_value.get(gamma, str(gamma)),
                        "weight": round(weight, 2),
                        "detail": f"{_shown(row[f'{column}_l'])} | {_shown(row[f'{column}_r'])}",
                    }
                )
            yield Pair(
                row["person_id_l"], row["person_id_r"], round(row["match_probability"], 4), reasons
            )


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    # Every row fetched: DuckDB refuses other work on a connection with a result pending.
    return con.execute(sql).fetchall()[0][0]


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


class _duckdb:  # noqa: N801  (used as a context manager)
    """An in-memory DuckDB that spills to a temporary directory, removed afterwards."""

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        self.spill = tempfile.mkdtemp(prefix="timpora-resolve-")
        self.con = duckdb.connect(":memory:", config={"temp_directory": self.spill})
        return self.con

    def __exit__(self, *exc: object) -> None:
        self.con.close()
        shutil.rmtree(self.spill, ignore_errors=True)


def resolve(
    *,
    train: bool = False,
    threshold: float | None = None,
    limit: int | None = None,
    training: Training | None = None,
    progress: Callable[[str], None] | None = None,
) -> ResolveReport:
    """Find duplicate persons and put the pairs not yet open or decided in the review queue."""
    report = find_pairs(
        train=train, threshold=threshold, limit=limit, training=training, progress=progress
    )
    began = time.perf_counter()
    if progress:
        progress("propose")
    raised = propose_pairs(proposals(report), origin=ReviewOrigin.RESOLVE, actor=None)
    report.created = raised.created
    report.already_open, report.already_decided = raised.already_open, raised.already_decided
    report.seconds["propose"] = time.perf_counter() - began
    return report


def proposals(report: ResolveReport) -> Sequence[ProposedPair]:
    return [
        ProposedPair(p.person_id, p.other_person_id, p.score, p.reasons, report.algorithm)
        for p in report.pairs
    ]
