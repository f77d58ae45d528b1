"""A risk score per subject from its open alerts, with the explanation of how it was reached.

Each open alert contributes the weight of its severity (parameters ``RISK_WEIGHT_*``), and the
weights combine as independent pieces of evidence: ``risk = 1 - Π(1 - weight)``. One high alert
gives 0.6; a high and a medium 0.72; it approaches 1 and never exceeds it. The score orders the
inbox and the export; it decides nothing (DOMAIN.md: a person decides).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from timpora.detection.choices import OPEN_STATUSES, Severity
from timpora.detection.models import Alert
from timpora.detection.parameters import Parameters

WEIGHT_PARAMETER = {
    Severity.HIGH: "RISK_WEIGHT_HIGH",
    Severity.MEDIUM: "RISK_WEIGHT_MEDIUM",
    Severity.LOW: "RISK_WEIGHT_LOW",
}


@dataclass
class Risk:
    score: float = 0.0
    parts: list[tuple[str, str, float]] = field(default_factory=list)  # rule, severity, weight


def combine(severities: Iterable[tuple[str, str]], parameters: Parameters) -> Risk:
    """``(rule, severity)`` pairs → the combined score and each part's weight."""
    risk = Risk()
    remaining = 1.0
    for rule, severity in sorted(severities, key=lambda p: (-_weight(p[1], parameters), p[0])):
        weight = _weight(severity, parameters)
        remaining *= 1.0 - weight
        risk.parts.append((rule, severity, weight))
    risk.score = round(1.0 - remaining, 4)
    return risk


def _weight(severity: str, parameters: Parameters) -> float:
    return min(max(parameters.fraction(WEIGHT_PARAMETER[Severity(severity)]), 0.0), 1.0)


def risks(field_name: str, ids: Iterable[int], as_of: date | None = None) -> dict[int, Risk]:
    """Subject id → risk, for subjects of one kind (``person``, ``place`` or ``company``)."""
    from timpora.detection.actions import parameters_at

    parameters = parameters_at(as_of or timezone.localdate())
    wanted = sorted(set(ids))
    pairs: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for start in range(0, len(wanted), 5000):
        rows = Alert.objects.filter(
            status__in=OPEN_STATUSES, **{f"{field_name}_id__in": wanted[start : start + 5000]}
        ).values_list(f"{field_name}_id", "rule", "severity")
        for subject, rule, severity in rows:
            pairs[subject].append((rule, severity))
    return {subject: combine(found, parameters) for subject, found in pairs.items()}
