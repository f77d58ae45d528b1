"""The planted answers (``planted.json``) against the open alerts: precision, recall, traps.

``violations`` records what it plants by subject as the exchange files name it: a person by
nationality and passport number, a place by reporter id and address, a company by its business
id (NIB). Here an open alert is matched to those: an alert about a person matches any of the
person's passports (issuing state and number as the importer compares them), an alert about a
place its reporter id and address (folded as the registry keys places), an alert about a company
its NIB. An alert whose subject was planted for its rule is a true positive; any other alert is a
false positive, since the population is clean; a planted subject without an alert is missed.
A clean trap is alerted when any open alert, of any rule, names its subject.

``bench/detect_eval.py`` prints these figures for a fresh population; the demo's tests check
them on a small one.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from timpora.detection.choices import LIVE_STATUSES
from timpora.detection.models import Alert
from timpora.detection.rules import RULES
from timpora.lib.text import document_key, fold
from timpora.registry.models import TravelDocument

# ("person", issuing state, number key), ("place", reporter id, address key), ("company", NIB).
Subject = tuple[str, ...]
CHUNK = 5000


def subject_of(case: dict[str, Any]) -> Subject:
    """The subject of a planted case or trap, as alerts are matched to it."""
    if "person" in case:
        nationality, number = case["person"]
        return ("person", nationality, document_key(number))
    if "place" in case:
        reporter_id, address = case["place"]
        return ("place", reporter_id, fold(address))
    return ("company", case["company"])


def label(subject: Subject) -> str:
    return " ".join(subject[1:])


@dataclass(frozen=True)
class OpenAlert:
    rule: str
    subjects: frozenset[Subject]
    explanation: str


def open_alerts() -> list[OpenAlert]:
    """Every open alert with the subjects it names (every passport of a person)."""
    rows = list(
        Alert.objects.filter(status__in=LIVE_STATUSES)
        .order_by("rule", "pk")
        .values_list(
            "rule",
            "person_id",
            "place__reporter_id",
            "place__address_key",
            "company__company_id",
            "explanation_en",
        )
    )
    persons = sorted({row[1] for row in rows if row[1] is not None})
    documents: dict[int, set[Subject]] = defaultdict(set)
    for start in range(0, len(persons), CHUNK):
        for person_id, state, number in TravelDocument.objects.filter(
            person_id__in=persons[start : start + CHUNK]
        ).values_list("person_id", "issuing_state_id", "number_key"):
            documents[person_id].add(("person", state, number))
    found = []
    for rule, person_id, reporter_id, address_key, company_id, text in rows:
        if person_id is not None:
            subjects: set[Subject] = documents[person_id]
        elif reporter_id is not None:
            subjects = {("place", reporter_id, address_key)}
        else:
            subjects = {("company", company_id)}
        found.append(OpenAlert(rule, frozenset(subjects), text))
    return found


def placeholders() -> set[str]:
    """The rules whose module is still a placeholder (returns nothing whatever the facts)."""
    return {
        code
        for code, rule in RULES.items()
        if "PLACEHOLDER" in inspect.getsource(inspect.getmodule(rule.evaluate) or rule.evaluate)
    }


@dataclass
class RuleScore:
    planted: int
    alerts: int
    true_positives: int
    found: int
    placeholder: bool = False
    # (the alert's subjects, its explanation) of each false positive; (subject, case) missed.
    false_positives: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        if not self.alerts:
            return 0.0 if self.planted else 1.0
        return self.true_positives / self.alerts

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "planted": self.planted,
            "alerts": self.alerts,
            "true_positives": self.true_positives,
            "found": self.found,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "placeholder": self.placeholder,
            "false_positives": [list(x) for x in self.false_positives],
            "missed": [list(x) for x in self.missed],
        }


@dataclass
class TrapScore:
    traps: int
    # (subject, case, rule, explanation) of each alert on a trap.
    alerted: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def alerted_traps(self) -> int:
        return len({(subject, case) for subject, case, _, _ in self.alerted})

    def as_dict(self) -> dict[str, Any]:
        return {
            "traps": self.traps,
            "alerted": self.alerted_traps,
            "alerts": [list(x) for x in self.alerted],
        }


@dataclass
class Score:
    rules: dict[str, RuleScore]
    traps: dict[str, TrapScore]

    def met(self, target: float) -> bool:
        return all(
            r.precision >= target and r.recall >= target for r in self.rules.values()
        ) and not any(t.alerted for t in self.traps.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "rules": {code: r.as_dict() for code, r in self.rules.items()},
            "traps": {kind: t.as_dict() for kind, t in self.traps.items()},
        }


def score(planted: dict[str, Any], alerts: list[OpenAlert] | None = None) -> Score:
    """Each rule's open alerts against its planted subjects, and the alerts on clean traps."""
    alerts = open_alerts() if alerts is None else alerts
    waiting = placeholders()
    by_rule: dict[str, list[OpenAlert]] = defaultdict(list)
    for alert in alerts:
        by_rule[alert.rule].append(alert)
    rules: dict[str, RuleScore] = {}
    for code in RULES:
        wanted = {subject_of(case): case for case in planted["rules"].get(code, [])}
        fired = by_rule.get(code, [])
        true = [a for a in fired if a.subjects & wanted.keys()]
        found = {s for s in wanted if any(s in a.subjects for a in fired)}
        rules[code] = RuleScore(
            planted=len(wanted),
            alerts=len(fired),
            true_positives=len(true),
            found=len(found),
            placeholder=code in waiting,
            false_positives=[
                (", ".join(sorted(label(s) for s in a.subjects)), a.explanation)
                for a in fired
                if not a.subjects & wanted.keys()
            ],
            missed=sorted((label(s), wanted[s].get("case", "")) for s in wanted if s not in found),
        )
    traps: dict[str, TrapScore] = {}
    for kind, cases in planted["clean"].items():
        trap = TrapScore(traps=len(cases))
        for case in cases:
            subject = subject_of(case)
            trap.alerted += [
                (label(subject), case.get("case", ""), a.rule, a.explanation)
                for a in alerts
                if subject in a.subjects
            ]
        traps[kind] = trap
    return Score(rules, traps)
