"""What a rule is: its identity and parameters, and the alert drafts it returns.

A rule is pure (ARCHITECTURE.md): ``evaluate`` reads the facts from a :class:`~timpora.detection.
frame.Frame` (tables of the registry read in bulk into DuckDB) with set-based SQL, and returns
:class:`Draft` objects. It writes nothing; :mod:`timpora.detection.engine` persists the drafts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.parameters import Parameters

if TYPE_CHECKING:
    from timpora.detection.frame import Frame

# The kinds of source records evidence names (exchange kinds; see spec/exchange/README.md).
CROSSING = "border-crossing"
STAY_PERMIT = "stay-permit"
RESIDENCE_REPORT = "residence-report"
WORK_PERMIT = "work-permit"
REGISTRATION = "residence-registration"
WATCHLIST_ENTRY = "watchlist-entry"
COMPANY = "company"
DOCUMENT = "travel-document"


@dataclass(frozen=True)
class Ref:
    """A source record behind an alert, by kind and primary key (resolved to keys later)."""

    kind: str
    id: int


@dataclass
class Draft:
    """What a rule found about one subject: figures for the explanation, and the evidence."""

    subject_id: int
    facts: dict[str, Any]
    evidence: list[Ref] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What a rule is evaluated against: the date and the parameters valid then."""

    as_of: date
    parameters: Parameters

    def p(self, code: str) -> int:
        return self.parameters.integer(code)


Explain = Callable[[Mapping[str, Any], Context], str]


@dataclass(frozen=True)
class Rule:
    """One detection rule of ``detection-rules.md``.

    ``explain`` writes the one-sentence explanation from a draft's ``facts`` in the active
    language (the engine calls it once under Bahasa Indonesia and once under English).
    ``reads_alerts`` marks a rule that looks at other rules' open alerts: it runs after them.
    """

    code: str
    title: Any  # lazy translation
    subject_type: SubjectType
    severity: Severity
    legal_basis: str
    parameters: tuple[str, ...]
    evaluate: Callable[[Frame, Context], Iterable[Draft]]
    explain: Explain
    reads_alerts: bool = False
    ended: Callable[[Frame, Context, list[int]], dict[int, dict[str, Any]]] | None = None
    ended_text: Explain | None = None
