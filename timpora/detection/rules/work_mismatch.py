"""``WORK_MISMATCH``: a worker sponsored by one company who works or lives for another.

The person holds an ``E23`` (work) stay permit valid at D sponsored by company X, and either a
work permit valid at D for an employer other than X, or a stay at a place reported by a
``COMPANY`` reporter other than X that overlaps the last *30* days up to D (a place is X's when
its reporter is X's NIB or the place belongs to X).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from itertools import groupby
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.rules import text
from timpora.detection.rules.base import (
    RESIDENCE_REPORT,
    STAY_PERMIT,
    WORK_PERMIT,
    Context,
    Draft,
    Ref,
    Rule,
)


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("permits", "work_permits", "stays", "places", "companies")
    window = ctx.p("WORK_HOUSING_WINDOW_DAYS")
    rows = frame.rows(
        """
        WITH sponsored AS (
            SELECT p.id AS permit_id, p.person_id, p.sponsor_company_id AS sponsor,
                   c.company_id AS nib
            FROM permits p JOIN companies c ON c.id = p.sponsor_company_id
            WHERE p.visa_index = 'E23' AND p.status <> 'CANCELLED'
              AND p.valid_from <= $as_of AND p.valid_until >= $as_of
        ),
        contrary AS (
            SELECT s.person_id, s.permit_id, s.nib, 'employer' AS way,
                   w.id AS record_id, e.company_id AS other
            FROM sponsored s JOIN work_permits w ON w.person_id = s.person_id
            JOIN companies e ON e.id = w.employer_id
            WHERE w.status <> 'CANCELLED' AND w.valid_from <= $as_of
              AND w.valid_until >= $as_of AND w.employer_id <> s.sponsor
            UNION ALL
            SELECT s.person_id, s.permit_id, s.nib, 'housing', st.id, pl.reporter_id
            FROM sponsored s JOIN stays st ON st.person_id = s.person_id
            JOIN places pl ON pl.id = st.place_id
            WHERE pl.reporter_type = 'COMPANY'
              AND st.in_day <= $as_of AND (st.out_day IS NULL OR st.out_day >= $since)
              AND pl.reporter_id IS DISTINCT FROM s.nib
              AND pl.company_id IS DISTINCT FROM s.sponsor
        )
        SELECT person_id, permit_id, nib, way, record_id, other
        FROM contrary
        ORDER BY person_id, permit_id, way, record_id
        """,
        since=ctx.as_of - timedelta(days=window),
    )
    for person_id, group in groupby(rows, key=lambda row: row[0]):
        sponsors: list[str] = []
        employers: list[str] = []
        housing: list[str] = []
        evidence: list[Ref] = []
        for _person, permit_id, nib, way, record_id, other in group:
            found = employers if way == "employer" else housing
            kind = WORK_PERMIT if way == "employer" else RESIDENCE_REPORT
            for ref in (Ref(STAY_PERMIT, permit_id), Ref(kind, record_id)):
                if ref not in evidence:
                    evidence.append(ref)
            if nib not in sponsors:
                sponsors.append(nib)
            if other not in found:
                found.append(other)
        yield Draft(
            person_id,
            {
                "sponsors": sponsors,
                "employers": sorted(employers),
                "housed_by": sorted(housing),
                "window_days": window,
            },
            evidence,
        )


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    values = {
        "sponsors": ", ".join(facts["sponsors"]),
        "employers": ", ".join(facts["employers"]),
        "housing": ", ".join(facts["housed_by"]),
        "days": text.number(facts["window_days"]),
    }
    if facts["employers"] and facts["housed_by"]:
        return (
            gettext(
                "Holds an E23 work stay permit sponsored by the company with NIB %(sponsors)s, "
                "yet also a work permit for another employer (NIB %(employers)s) and was housed "
                "in the last %(days)s days by another company (NIB %(housing)s)."
            )
            % values
        )
    if facts["employers"]:
        return (
            gettext(
                "Holds an E23 work stay permit sponsored by the company with NIB %(sponsors)s, "
                "yet also a work permit for another employer (NIB %(employers)s)."
            )
            % values
        )
    return (
        gettext(
            "Holds an E23 work stay permit sponsored by the company with NIB %(sponsors)s, yet "
            "was housed in the last %(days)s days by another company (NIB %(housing)s)."
        )
        % values
    )


RULE = Rule(
    code="WORK_MISMATCH",
    title=_("Work outside the sponsor"),
    subject_type=SubjectType.PERSON,
    severity=Severity.MEDIUM,
    legal_basis="UU 6/2011 Pasal 122; PP 34/2021",
    parameters=("WORK_HOUSING_WINDOW_DAYS",),
    evaluate=evaluate,
    explain=explain,
)
