"""The Splink model of batch resolution: what is compared, how it is trained, where it is kept.

Comparisons are written as DuckDB SQL over the columns that ``resolve`` prepares (names in
canonical forms, the date of birth and its parts, sex, nationality, document numbers). A trained
model is saved as ``splink-<n>.json`` (Splink's own format: ``Linker(table, path)`` reads it)
with ``splink-<n>.meta.json`` beside it: when and on how many persons it was trained, with which
rules, and each level's m and u probabilities and match weight.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import splink
from django.conf import settings
from splink import Linker, SettingsCreator, block_on
from splink.internals.comparison_creator import ComparisonCreator

MODEL_NAME = re.compile(r"^splink-(\d+)\.json$")

logger = logging.getLogger(__name__)

#: Rules that say which pairs are compared at all: each keeps the pairs of 1,000,000 persons in
#: the tens of millions. A duplicate is found when any one of them holds for it.
PREDICTION_RULES = (
    block_on("date_of_birth", "nationality_id"),
    block_on("name_sorted", "birth_year"),
    block_on("phonetic", "birth_year"),
    block_on("document"),
)
#: Rules whose pairs train the m probabilities by EM (each leaves out the columns it blocks on).
#: Pairs sharing a document are mostly one person, which EM needs to learn the names and dates
#: of matches; pairs sharing a date of birth then teach what a shared document is worth.
TRAINING_RULES = (block_on("document"), block_on("date_of_birth"))
#: Least m of a level: a level EM never saw among matches must not veto a pair on its own.
M_FLOOR = 1e-3
#: Pairs that are one person almost surely, for the prior: same document, or same name and date.
DETERMINISTIC_RULES = (block_on("document"), block_on("name_sorted", "date_of_birth"))
DETERMINISTIC_RECALL = 0.7


@dataclass(frozen=True)
class Training:
    """How much of the registry training looks at (smaller for tests, larger for accuracy)."""

    u_pairs: float = 1e7
    em_pairs: float = 2e6
    seed: int = 2026


# --- The model -------------------------------------------------------------------------------


def _level(condition: str, label: str, m: float | None, **extra: Any) -> dict[str, Any]:
    level = {"sql_condition": condition, "label_for_charts": label, **extra}
    if m is not None:
        level["m_probability"] = m
    return level


def _null(column: str, also: str = "", label: str = "missing") -> dict[str, Any]:
    condition = f'"{column}_l" IS NULL OR "{column}_r" IS NULL' + (f" OR {also}" if also else "")
    return _level(condition, label, None, is_null_level=True)


def _else(m: float) -> dict[str, Any]:
    return _level("ELSE", "different", m)


def comparisons() -> list[dict[str, Any]]:
    """The facts compared, each with its levels from most to least alike.

    The m probabilities given here are where EM starts (and what stays where a level is never
    seen in training); the u probabilities are always estimated.
    """
    jw = "jaro_winkler_similarity"
    full_date = "length(date_of_birth_l) = 10 AND length(date_of_birth_r) = 10"
    return [
        {
            "output_column_name": "name",
            "comparison_levels": [
                _null("name_sorted"),
                _level(
                    "name_sorted_l = name_sorted_r",
                    "same name",
                    0.6,
                    tf_adjustment_column="name_sorted",
                    tf_adjustment_weight=1.0,
                ),
                _level("list_has_any(name_keys_l, name_keys_r)", "same name in another form", 0.1),
                # Past the whole name, the given names: the surname is compared on its own.
                _level(
                    "given_l = given_r",
                    "same given names",
                    0.1,
                    tf_adjustment_column="given",
                    tf_adjustment_weight=1.0,
                ),
                _level(f"{jw}(given_l, given_r) >= 0.92", "given names nearly the same", 0.08),
                _level("given_phonetic_l = given_phonetic_r", "same-sounding given names", 0.02),
                _level(
                    "len(list_intersect(given_tokens_l, given_tokens_r)) >= 1",
                    "a given name in common",
                    0.03,
                ),
                _else(0.04),
            ],
        },
        {
            "output_column_name": "surname",
            "comparison_levels": [
                # The surname is part of the whole name: where the names agree as wholes, it
                # tells nothing more (counting it again would count one fact twice).
                _null(
                    "surname",
                    "name_sorted_l = name_sorted_r OR list_has_any(name_keys_l, name_keys_r)",
                    "missing, or counted with the whole name",
                ),
                _level(
                    "surname_l = surname_r",
                    "same surname",
                    0.8,
                    tf_adjustment_column="surname",
                    tf_adjustment_weight=1.0,
                ),
                _level("surname_phonetic_l = surname_phonetic_r", "same-sounding surname", 0.06),
                _level(f"{jw}(surname_l, surname_r) >= 0.9", "similar surname", 0.05),
                _level(
                    "list_contains(tokens_r, surname_l) OR list_contains(tokens_l, surname_r)",
                    "surname among the other's names",
                    0.05,
                ),
                _else(0.04),
            ],
        },
        {
            "output_column_name": "date_of_birth",
            "comparison_levels": [
                _null("date_of_birth"),
                _level(f"date_of_birth_l = date_of_birth_r AND {full_date}", "same date", 0.85),
                _level("date_of_birth_l = date_of_birth_r", "same partial date", 0.03),
                _level(
                    "starts_with(date_of_birth_l, date_of_birth_r) "
                    "OR starts_with(date_of_birth_r, date_of_birth_l)",
                    "one date partial, agreeing",
                    0.03,
                ),
                _level(
                    f"{full_date} AND birth_year_l = birth_year_r "
                    "AND birth_month_l = birth_day_r AND birth_day_l = birth_month_r",
                    "day and month swapped",
                    0.02,
                ),
                _level(
                    f"{full_date} AND damerau_levenshtein(date_of_birth_l, date_of_birth_r) <= 1",
                    "one digit off",
                    0.04,
                ),
                _level("birth_year_l = birth_year_r", "same year", 0.005),
                _else(0.01),
            ],
        },
        {
            "output_column_name": "sex",
            "comparison_levels": [
                _null("sex"),
                _level("sex_l = sex_r", "same sex", 0.97),
                _else(0.03),
            ],
        },
        {
            "output_column_name": "nationality",
            "comparison_levels": [
                _null("nationality_id"),
                _level("nationality_id_l = nationality_id_r", "same nationality", 0.95),
                _else(0.05),
            ],
        },
        {
            "output_column_name": "document",
            "comparison_levels": [
                _null("document"),
                _level("list_has_any(documents_l, documents_r)", "same document number", 0.6),
                _level(
                    "levenshtein(document_l, document_r) <= 1",
                    "document number one character off",
                    0.05,
                ),
                _else(0.35),
            ],
        },
    ]


def model_settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="person_id",
        comparisons=list[ComparisonCreator | dict[str, Any]](comparisons()),
        blocking_rules_to_generate_predictions=list(PREDICTION_RULES),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["full_name"],
        probability_two_random_records_match=1e-6,
        max_iterations=20,
    )


# --- Saved models ----------------------------------------------------------------------------


def models_dir() -> Path:
    """Where trained models are kept: ``settings.MATCHING_MODEL_DIR`` (created when missing)."""
    directory = Path(settings.MATCHING_MODEL_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def saved_models() -> list[tuple[int, Path]]:
    """The saved models, oldest first, by version."""
    found = []
    for path in models_dir().iterdir():
        match = MODEL_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def latest_model() -> tuple[int, Path] | None:
    models = saved_models()
    return models[-1] if models else None


def metadata_path(model: Path) -> Path:
    return model.with_name(model.name.removesuffix(".json") + ".meta.json")


def save_model(model: dict[str, Any], metadata: dict[str, Any]) -> tuple[int, Path]:
    """Write the model as the next version, and its training metadata beside it."""
    while True:
        latest = latest_model()
        version = latest[0] + 1 if latest else 1
        path = models_dir() / f"splink-{version}.json"
        try:
            with path.open("x", encoding="utf-8") as handle:  # another run may have taken it
                json.dump(model, handle, indent=2)
        except FileExistsError:
            continue
        break
    metadata = {"version": version, **metadata, "parameters": parameter_summary(model)}
    metadata_path(path).write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    return version, path


def parameter_summary(model: dict[str, Any]) -> list[dict[str, Any]]:
    """Each comparison level with its m and u probabilities and its match weight."""
    summary = []
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else None
            summary.append(
                {
                    "comparison": comparison["output_column_name"],
                    "level": level.get("label_for_charts", ""),
                    "m": m,
                    "u": u,
                    "weight": None if weight is None else round(weight, 2),
                }
            )
    return summary


def level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Comparison → comparison vector value → label (Splink numbers the non-null levels from
    the last, 0, up to the first; the null level is -1)."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        by_value = {len(levels) - 1 - i: lv["label_for_charts"] for i, lv in enumerate(levels)}
        nulls = [lv for lv in comparison["comparison_levels"] if lv.get("is_null_level")]
        by_value[-1] = nulls[0]["label_for_charts"] if nulls else "missing"
        labels[comparison["output_column_name"]] = by_value
    return labels


def train_model(linker: Linker, training: Training) -> None:
    """Estimate the prior, then u by random sampling, then m by EM on the training rules."""
    try:
        linker.training.estimate_probability_two_random_records_match(
            list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
        )
    except ValueError as error:  # implausible on this data: keep the default prior
        logger.warning("prior not estimated: %s", error)
    linker.training.estimate_u_using_random_sampling(max_pairs=training.u_pairs, seed=training.seed)
    for rule in TRAINING_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=training.em_pairs
        )


def completed(model: dict[str, Any], training: Training) -> dict[str, Any]:
    """The trained model with a u for every level and no m below :data:`M_FLOOR`.

    A level that random sampling never reached (two names equal only in another
    romanisation) gets the u of one pair in the sample: rarer than that is not known.
    """
    unseen_u = 1 / training.u_pairs
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            u = level.get("u_probability")
            if not isinstance(u, float | int) or u <= 0:
                level["u_probability"] = unseen_u
            m = level.get("m_probability")
            if not isinstance(m, float | int) or m < M_FLOOR:
                level["m_probability"] = M_FLOOR
    return model


def training_metadata(persons: int, training: Training) -> dict[str, Any]:
    return {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "persons": persons,
        "splink": splink.__version__,
        "duckdb": duckdb.__version__,
        "u_pairs": training.u_pairs,
        "em_pairs": training.em_pairs,
        "seed": training.seed,
        "prediction_rules": [
            rule.get_blocking_rule("duckdb").blocking_rule_sql for rule in PREDICTION_RULES
        ],
        "training_rules": [
            rule.get_blocking_rule("duckdb").blocking_rule_sql for rule in TRAINING_RULES
        ],
    }
