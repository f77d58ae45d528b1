"""``RECONCILIATION_GAP``: Disnaker's and Immigration's counts of a company's workers disagree.

Per company: the people with a work permit of the company valid at D (Disnaker's count) and
the ``E23`` stay permits it sponsors valid at D (Immigration's count) differ by at least *2*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.rules import text
from timpora.detection.rules.base import (
    COMPANY,
    STAY_PERMIT,
    WORK_PERMIT,
    Context,
    Draft,
    Ref,
    Rule,
)

# The most records an alert lists (the company and the permits counted); facts keep the counts.
EVIDENCE_LIMIT = 50


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("permits", "work_permits", "companies")
    rows = frame.rows(
        """
        WITH workers AS (
            SELECT employer_id AS company_id, count(DISTINCT person_id) AS workers,
                   list(id ORDER BY id)[1:$limit] AS work_ids
            FROM work_permits
            WHERE status <> 'CANCELLED' AND valid_from <= $as_of AND valid_until >= $as_of
            GROUP BY employer_id
        ),
        sponsored AS (
            SELECT sponsor_company_id AS company_id, count(*) AS permits,
                   list(id ORDER BY id)[1:$limit] AS permit_ids
            FROM permits
            WHERE sponsor_company_id IS NOT NULL AND visa_index = 'E23'
              AND status <> 'CANCELLED' AND valid_from <= $as_of AND valid_until >= $as_of
            GROUP BY sponsor_company_id
        )
        SELECT c.id, coalesce(w.workers, 0), coalesce(s.permits, 0),
               coalesce(w.work_ids, []), coalesce(s.permit_ids, [])
        FROM workers w FULL JOIN sponsored s ON s.company_id = w.company_id
        JOIN companies c ON c.id = coalesce(w.company_id, s.company_id)
        WHERE abs(coalesce(w.workers, 0) - coalesce(s.permits, 0)) >= $gap
        ORDER BY c.id
        """,
        gap=ctx.p("RECONCILIATION_MIN_GAP"),
        limit=EVIDENCE_LIMIT - 1,
    )
    for company_id, workers, permits, work_ids, permit_ids in rows:
        yield Draft(
            company_id,
            {"workers": workers, "permits": permits, "difference": abs(workers - permits)},
            [
                Ref(COMPANY, company_id),
                *_interleave(WORK_PERMIT, work_ids, STAY_PERMIT, permit_ids),
            ],
        )


def _interleave(first: str, first_ids: list[int], second: str, second_ids: list[int]) -> list[Ref]:
    """Refs from both lists taken in turn, up to the limit with the company's own ref."""
    refs: list[Ref] = []
    for index in range(max(len(first_ids), len(second_ids))):
        if index < len(first_ids):
            refs.append(Ref(first, first_ids[index]))
        if index < len(second_ids):
            refs.append(Ref(second, second_ids[index]))
    return refs[: EVIDENCE_LIMIT - 1]


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    return gettext(
        "On %(day)s Disnaker counts %(workers)s people with a work permit of this company "
        "and Immigration %(permits)s E23 work stay permits it sponsors: a difference of "
        "%(difference)s."
    ) % {
        "day": text.day(ctx.as_of),
        "workers": text.number(facts["workers"]),
        "permits": text.number(facts["permits"]),
        "difference": text.number(facts["difference"]),
    }


RULE = Rule(
    code="RECONCILIATION_GAP",
    title=_("Worker counts differ"),
    subject_type=SubjectType.COMPANY,
    severity=Severity.LOW,
    legal_basis="PP 34/2021; UU 6/2011 Pasal 63",
    parameters=("RECONCILIATION_MIN_GAP",),
    evaluate=evaluate,
    explain=explain,
)
