"""``VISITOR_WORKING``: a visitor showing signs of work during the visit (UU 6/2011 Pasal 122).

The person is in the country at D on a visit: their last crossing on or before D is an arrival
on a visit-type authorisation, and no stay permit of another type (not cancelled) is valid on
any day of the visit so far. During the visit (arrival day … D) at least one sign of work: a
work permit (RPTKA) naming them whose validity overlaps the visit, a residence report by a
``COMPANY`` reporter, or a residence report with purpose ``WORK``, checked in during the visit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import groupby
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.rules import text
from timpora.detection.rules.base import (
    CROSSING,
    RESIDENCE_REPORT,
    WORK_PERMIT,
    Context,
    Draft,
    Ref,
    Rule,
)
from timpora.registry.choices import VISIT_TYPES

# The signs of work, in the order the explanation names them.
SIGNS = ("work_permit", "company_housing", "work_purpose")


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("status", "crossings", "permits", "work_permits", "stays", "places")
    rows = frame.rows(
        """
        WITH visit AS (
            SELECT s.person_id, c.id AS arrival_id, c.day AS arrived, c.permit_type
            FROM status s JOIN crossings c ON c.id = s.last_crossing_id
            WHERE s.last_direction = 'ARRIVAL' AND list_contains($visit, c.permit_type)
              AND NOT EXISTS (
                  SELECT 1 FROM permits p
                  WHERE p.person_id = s.person_id AND p.status <> 'CANCELLED'
                    AND NOT list_contains($visit, p.permit_type)
                    AND p.valid_from <= $as_of AND p.valid_until >= c.day
              )
        ),
        signs AS (
            SELECT v.person_id, 'work_permit' AS sign, w.id AS record_id
            FROM visit v JOIN work_permits w ON w.person_id = v.person_id
            WHERE w.status <> 'CANCELLED' AND w.valid_from <= $as_of
              AND w.valid_until >= v.arrived
            UNION ALL
            SELECT v.person_id, 'company_housing', st.id
            FROM visit v JOIN stays st ON st.person_id = v.person_id
            JOIN places pl ON pl.id = st.place_id
            WHERE st.in_day BETWEEN v.arrived AND $as_of AND pl.reporter_type = 'COMPANY'
            UNION ALL
            SELECT v.person_id, 'work_purpose', st.id
            FROM visit v JOIN stays st ON st.person_id = v.person_id
            WHERE st.in_day BETWEEN v.arrived AND $as_of AND st.purpose = 'WORK'
        )
        SELECT v.person_id, v.arrival_id, v.arrived, v.permit_type, s.sign, s.record_id
        FROM visit v JOIN signs s ON s.person_id = v.person_id
        ORDER BY v.person_id, s.sign, s.record_id
        """,
        visit=sorted(t.value for t in VISIT_TYPES),
    )
    for person_id, group in groupby(rows, key=lambda row: row[0]):
        found = list(group)
        arrival_id, arrived, permit_type = found[0][1:4]
        counts = dict.fromkeys(SIGNS, 0)
        evidence = [Ref(CROSSING, arrival_id)]
        for sign, record_id in (row[4:] for row in found):
            counts[sign] += 1
            ref = Ref(WORK_PERMIT if sign == "work_permit" else RESIDENCE_REPORT, record_id)
            if ref not in evidence:
                evidence.append(ref)
        yield Draft(
            person_id,
            {
                "arrived": arrived.isoformat(),
                "permit_type": permit_type,
                "signs": [sign for sign in SIGNS if counts[sign]],
                "work_permits": counts["work_permit"],
                "company_reports": counts["company_housing"],
                "work_reports": counts["work_purpose"],
            },
            evidence,
        )


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    phrases = {
        "work_permit": gettext("named in a work permit (RPTKA)"),
        "company_housing": gettext("housed by a company"),
        "work_purpose": gettext("reported as staying for work"),
    }
    signs = "; ".join(phrases[sign] for sign in facts["signs"])
    return gettext(
        "In the country on a visit (%(permit)s) since %(arrived)s, yet during this visit "
        "%(signs)s (UU 6/2011 Pasal 122)."
    ) % {"permit": facts["permit_type"], "arrived": text.day(facts["arrived"]), "signs": signs}


RULE = Rule(
    code="VISITOR_WORKING",
    title=_("Visitor working"),
    subject_type=SubjectType.PERSON,
    severity=Severity.HIGH,
    legal_basis="UU 6/2011 Pasal 122",
    parameters=(),
    evaluate=evaluate,
    explain=explain,
    reads_alerts=False,
)
