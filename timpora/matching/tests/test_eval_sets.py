"""Invariants of the labelled cross-script evaluation set (bench/crossscript.py); no database."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"


@pytest.fixture(scope="module")
def crossscript():
    spec = importlib.util.spec_from_file_location("crossscript", BENCH / "crossscript.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("crossscript", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pairs(crossscript):
    return crossscript.generate("test")


def test_sizes_and_balance(crossscript, pairs):
    assert len(pairs) >= 3000
    per_script = Counter(p["script"] for p in pairs)
    assert set(per_script) == set(crossscript.CULTURES)
    assert min(per_script.values()) >= 250
    labels = Counter((p["script"], p["label"]) for p in pairs)
    for culture in crossscript.CULTURES:
        assert labels[culture, 0] > 0
        assert labels[culture, 1] > 0
    hard = sum(crossscript.is_hard_negative(p) for p in pairs)
    assert hard / len(pairs) >= 0.40


def test_pairs_are_well_formed(crossscript, pairs):
    assert len({p["id"] for p in pairs}) == len(pairs)
    for p in pairs:
        assert p["label"] in (0, 1)
        for side in (p["a"], p["b"]):
            assert set(side) == {"names", "date_of_birth", "sex", "nationalities", "documents"}
            assert side["names"] and all(n.strip() for n in side["names"])
            assert len(side["date_of_birth"]) in (0, 4, 10)
            assert side["sex"] in ("M", "F", "")
        if p["label"] == 0 and p["kind"] != "same-name-other-dob":
            assert p["a"]["names"] != p["b"]["names"] or p["kind"] == "random"
        if p["label"] == 0 and len(p["a"]["date_of_birth"]) == len(p["b"]["date_of_birth"]) == 10:
            # Two people's full dates are never equal, nor a one-digit typo of each other.
            a, b = p["a"]["date_of_birth"], p["b"]["date_of_birth"]
            diff = sum(x != y for x, y in zip(a, b, strict=True))
            assert diff >= 2


def test_deterministic_for_a_seed(crossscript):
    first = crossscript.generate("dev", per_culture=40)
    assert first == crossscript.generate("dev", per_culture=40)
    assert first != crossscript.generate("dev", per_culture=40, seed=1)


def test_splits_differ(crossscript, pairs):
    dev = crossscript.generate("dev")
    test_names = {(tuple(p["a"]["names"]), tuple(p["b"]["names"])) for p in pairs}
    shared = sum((tuple(p["a"]["names"]), tuple(p["b"]["names"])) in test_names for p in dev)
    assert shared < len(dev) * 0.05


def test_committed_test_split_is_a_fresh_generation(crossscript, pairs):
    committed = crossscript.TEST_FILE.read_text(encoding="utf-8")
    assert committed == crossscript.dumps(pairs), "rerun: .venv/bin/python bench/crossscript.py"
