"""The rule registry: the fifteen rules of ``detection-rules.md``, one module each.

The order is the order of evaluation: a rule that reads other rules' open alerts
(``SPONSOR_ANOMALY``) comes after them.
"""

from __future__ import annotations

from importlib import import_module

from timpora.detection.rules.base import Context, Draft, Ref, Rule

MODULES = (
    "overstay",
    "permit_expiring",
    "visitor_working",
    "work_mismatch",
    "work_permit_lapsed",
    "unreported_stay",
    "late_report",
    "stay_beyond_permit",
    "no_sktt",
    "visa_run",
    "address_cluster",
    "watchlist_hit",
    "document_conflict",
    "sponsor_anomaly",
    "reconciliation_gap",
)

RULES: dict[str, Rule] = {}
for _name in MODULES:
    _rule: Rule = import_module(f"{__name__}.{_name}").RULE
    RULES[_rule.code] = _rule

__all__ = ["RULES", "Context", "Draft", "Ref", "Rule"]
