"""``WORK_PERMIT_LAPSED``: an E23 worker in the country without a work permit in force.

In the country at D with an ``E23`` (work) stay permit valid at D, and either no work permit
(not cancelled) valid at D, or every work permit valid at D has its DKPTKA levy paid only until
a day before D (a work permit whose payment is unknown is not taken as lapsed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.rules import text
from timpora.detection.rules.base import STAY_PERMIT, WORK_PERMIT, Context, Draft, Ref, Rule

NO_WORK_PERMIT = "no_work_permit"
LEVY_UNPAID = "levy_unpaid"


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("status", "permits", "work_permits")
    rows = frame.rows(
        """
        WITH workers AS (
            SELECT p.person_id, list(p.id ORDER BY p.id) AS permit_ids
            FROM permits p JOIN status s ON s.person_id = p.person_id
            WHERE s.in_country AND p.visa_index = 'E23' AND p.status <> 'CANCELLED'
              AND p.valid_from <= $as_of AND p.valid_until >= $as_of
            GROUP BY p.person_id
        ),
        work AS (
            SELECT person_id, list(id ORDER BY id) AS work_ids,
                   bool_or(dkptka_paid_until IS NULL OR dkptka_paid_until >= $as_of) AS paid,
                   max(dkptka_paid_until) AS paid_until
            FROM work_permits
            WHERE status <> 'CANCELLED' AND valid_from <= $as_of AND valid_until >= $as_of
            GROUP BY person_id
        )
        SELECT k.person_id, k.permit_ids, w.work_ids, w.paid_until
        FROM workers k LEFT JOIN work w ON w.person_id = k.person_id
        WHERE w.person_id IS NULL OR NOT w.paid
        ORDER BY k.person_id
        """
    )
    for person_id, permit_ids, work_ids, paid_until in rows:
        evidence = [Ref(STAY_PERMIT, i) for i in permit_ids]
        evidence += [Ref(WORK_PERMIT, i) for i in work_ids or ()]
        yield Draft(
            person_id,
            {
                "reason": LEVY_UNPAID if work_ids else NO_WORK_PERMIT,
                "paid_until": paid_until.isoformat() if paid_until else None,
            },
            evidence,
        )


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    values = {"day": text.day(ctx.as_of), "paid": text.day(facts["paid_until"])}
    if facts["reason"] == LEVY_UNPAID:
        return (
            gettext(
                "Holds an E23 work stay permit valid on %(day)s, but the DKPTKA levy of the work "
                "permit (RPTKA) valid that day was paid only until %(paid)s."
            )
            % values
        )
    return (
        gettext(
            "Holds an E23 work stay permit valid on %(day)s, but no work permit (RPTKA) valid "
            "that day."
        )
        % values
    )


RULE = Rule(
    code="WORK_PERMIT_LAPSED",
    title=_("Work permit lapsed"),
    subject_type=SubjectType.PERSON,
    severity=Severity.MEDIUM,
    legal_basis="PP 34/2021",
    parameters=(),
    evaluate=evaluate,
    explain=explain,
)
