"""``UNREPORTED_STAY``: a visitor in the country for days that no lodging has reported.

Whoever lodges a foreigner must report the stay (UU 6/2011 Pasal 72). A visitor's last crossing
up to D is an arrival on a visit-type entry (``BVK``, ``VOA``, ``ITK``); more than the grace
days later no residence report has a check-in from the day before that arrival (a report made
the evening before a morning ferry still counts) up to D. Residents (ITAS, ITAP) are left out:
they live at a declared address, not in lodgings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.rules import text
from timpora.detection.rules.base import CROSSING, Context, Draft, Ref, Rule
from timpora.registry.choices import VISIT_TYPES


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("status", "crossings", "stays")
    rows = frame.rows(
        """
        SELECT c.person_id, c.id, c.day, c.permit_type
        FROM status s JOIN crossings c ON c.id = s.last_crossing_id
        WHERE s.last_direction = 'ARRIVAL'
          AND list_contains($visit_types, c.permit_type)
          AND $as_of - c.day > $grace
          AND NOT EXISTS (
              SELECT 1 FROM stays r
              WHERE r.person_id = c.person_id
                AND r.in_day >= c.day - 1 AND r.in_day <= $as_of
          )
        """,
        visit_types=sorted(t.value for t in VISIT_TYPES),
        grace=ctx.p("UNREPORTED_GRACE_DAYS"),
    )
    for person_id, crossing_id, arrived, permit_type in rows:
        yield Draft(
            person_id,
            {
                "arrived": arrived.isoformat(),
                "permit_type": permit_type,
                "days": (ctx.as_of - arrived).days,
                "grace": ctx.p("UNREPORTED_GRACE_DAYS"),
            },
            [Ref(CROSSING, crossing_id)],
        )


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    return ngettext(
        "Arrived on %(arrived)s on a %(permit)s and still in the country %(days)s days later, "
        "but no lodging has reported the stay, which is due within %(grace)s day of arrival "
        "(UU 6/2011 Pasal 72).",
        "Arrived on %(arrived)s on a %(permit)s and still in the country %(days)s days later, "
        "but no lodging has reported the stay, which is due within %(grace)s days of arrival "
        "(UU 6/2011 Pasal 72).",
        facts["grace"],
    ) % {
        "arrived": text.day(facts["arrived"]),
        "permit": facts["permit_type"],
        "days": text.number(facts["days"]),
        "grace": text.number(facts["grace"]),
    }


RULE = Rule(
    code="UNREPORTED_STAY",
    title=_("Unreported stay"),
    subject_type=SubjectType.PERSON,
    severity=Severity.MEDIUM,
    legal_basis="UU 6/2011 Pasal 72",
    parameters=("UNREPORTED_GRACE_DAYS",),
    evaluate=evaluate,
    explain=explain,
)
