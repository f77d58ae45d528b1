"""``WORK_PERMIT_LAPSED``: PLACEHOLDER — being written; evaluates nothing yet."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.rules.base import Context, Draft, Rule


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    return []


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    return ""


RULE = Rule(
    code="WORK_PERMIT_LAPSED",
    title=_("Work permit lapsed"),
    subject_type=SubjectType.PERSON,
    severity=Severity.MEDIUM,
    legal_basis="",
    parameters=(),
    evaluate=evaluate,
    explain=explain,
    reads_alerts=False,
)
