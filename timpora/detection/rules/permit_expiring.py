"""``PERMIT_EXPIRING``: in the country with an ITAS or ITAP that ends soon and no renewal yet.

A lead to remind the holder or the sponsor before the permit lapses into an overstay (UU 6/2011
Pasal 78). A renewal is any other permit of the person, not cancelled, that starts after the
expiring one started and ends after it ends (an extension of the same permit simply moves its
``valid_until`` out of the notice period).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.rules import text
from timpora.detection.rules.base import STAY_PERMIT, Context, Draft, Ref, Rule


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("status", "permits")
    rows = frame.rows(
        """
        WITH expiring AS (
            SELECT p.person_id, p.id, p.permit_type, p.valid_until
            FROM permits p JOIN status s ON s.person_id = p.person_id
            WHERE s.in_country
              AND p.permit_type IN ('ITAS', 'ITAP') AND p.status <> 'CANCELLED'
              AND p.valid_from <= $as_of AND p.valid_until >= $as_of
              AND p.valid_until <= $as_of + CAST($notice AS INTEGER)
              AND NOT EXISTS (
                  SELECT 1 FROM permits r
                  WHERE r.person_id = p.person_id AND r.id <> p.id
                    AND r.status <> 'CANCELLED'
                    AND r.valid_from > p.valid_from AND r.valid_until > p.valid_until
              )
        )
        SELECT person_id,
               arg_min(permit_type, (valid_until, id)) AS permit_type,
               min(valid_until) AS valid_until,
               list(id ORDER BY valid_until, id) AS ids
        FROM expiring GROUP BY person_id
        """,
        notice=ctx.p("PERMIT_EXPIRY_NOTICE_DAYS"),
    )
    for person_id, permit_type, until, ids in rows:
        yield Draft(
            person_id,
            {
                "permit_type": permit_type,
                "valid_until": until.isoformat(),
                "days_left": (until - ctx.as_of).days,
            },
            [Ref(STAY_PERMIT, permit_id) for permit_id in ids],
        )


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    values = {
        "permit": facts["permit_type"],
        "until": text.day(facts["valid_until"]),
        "days": text.number(facts["days_left"]),
    }
    if facts["days_left"] == 0:
        return (
            gettext(
                "The %(permit)s ends today, %(until)s, and no renewal is recorded; staying "
                "after today would be an overstay (UU 6/2011 Pasal 78)."
            )
            % values
        )
    return (
        ngettext(
            "The %(permit)s ends on %(until)s, in %(days)s day, and no renewal is recorded; "
            "staying after that day would be an overstay (UU 6/2011 Pasal 78).",
            "The %(permit)s ends on %(until)s, in %(days)s days, and no renewal is recorded; "
            "staying after that day would be an overstay (UU 6/2011 Pasal 78).",
            facts["days_left"],
        )
        % values
    )


RULE = Rule(
    code="PERMIT_EXPIRING",
    title=_("Permit expiring"),
    subject_type=SubjectType.PERSON,
    severity=Severity.LOW,
    legal_basis="UU 6/2011 Pasal 78",
    parameters=("PERMIT_EXPIRY_NOTICE_DAYS",),
    evaluate=evaluate,
    explain=explain,
)
