"""``SPONSOR_ANOMALY``: a sponsoring company that is unknown, or whose foreigners draw alerts.

A company sponsors stay permits valid at D but is unknown to the company registry (only named
as a sponsor or employer, never sent as a company record); or it sponsors at least *5* permits
valid at D and at least *50 %* of their holders have an open alert of a rule that points at the
sponsor (:data:`ALERT_RULES`). It reads other rules' open alerts, so it runs after them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.rules import text
from timpora.detection.rules.base import COMPANY, STAY_PERMIT, Context, Draft, Ref, Rule

# The rules whose open alerts on a permit holder count against the sponsor.
ALERT_RULES = ("OVERSTAY", "VISITOR_WORKING", "WORK_MISMATCH", "UNREPORTED_STAY")
# The most records an alert lists (the company and its permits); facts keep the counts.
EVIDENCE_LIMIT = 50


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("permits", "companies", "open_alerts")
    min_permits = ctx.p("SPONSOR_MIN_PERMITS")
    share = ctx.p("SPONSOR_ALERT_SHARE_PERCENT")
    rows = frame.rows(
        """
        WITH valid AS (
            SELECT id, person_id, sponsor_company_id AS company_id,
                   EXISTS (
                       SELECT 1 FROM open_alerts a
                       WHERE a.person_id = p.person_id AND list_contains($rules, a.rule)
                   ) AS alerted
            FROM permits p
            WHERE sponsor_company_id IS NOT NULL AND status <> 'CANCELLED'
              AND valid_from <= $as_of AND valid_until >= $as_of
        ),
        sponsors AS (
            SELECT company_id, count(*) AS permits, count(DISTINCT person_id) AS holders,
                   count(DISTINCT person_id) FILTER (WHERE alerted) AS alerted,
                   list(id ORDER BY id)[1:$limit] AS permit_ids
            FROM valid GROUP BY company_id
        )
        SELECT c.id, NOT coalesce(c.registered, false) AS unknown,
               s.permits, s.holders, s.alerted, s.permit_ids
        FROM sponsors s JOIN companies c ON c.id = s.company_id
        WHERE NOT coalesce(c.registered, false)
           OR (s.permits >= $min_permits AND s.alerted * 100 >= $share * s.holders)
        ORDER BY c.id
        """,
        rules=list(ALERT_RULES),
        limit=EVIDENCE_LIMIT - 1,
        min_permits=min_permits,
        share=share,
    )
    for company_id, unknown, permits, holders, alerted, permit_ids in rows:
        yield Draft(
            company_id,
            {
                "unknown": unknown,
                "alert_share": permits >= min_permits and alerted * 100 >= share * holders,
                "permits": permits,
                "holders": holders,
                "alerted": alerted,
                "percent": alerted * 100 // holders,
                "min_permits": min_permits,
                "share_percent": share,
            },
            [Ref(COMPANY, company_id), *(Ref(STAY_PERMIT, i) for i in permit_ids)],
        )


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    values = {
        "permits": text.number(facts["permits"]),
        "holders": text.number(facts["holders"]),
        "alerted": text.number(facts["alerted"]),
        "percent": text.number(facts["percent"]),
        "day": text.day(ctx.as_of),
    }
    if facts["unknown"] and facts["alert_share"]:
        return (
            gettext(
                "Sponsors %(permits)s stay permits valid on %(day)s but is unknown to the company "
                "registry, and %(alerted)s of their %(holders)s holders (%(percent)s%%) have an "
                "open alert of overstay, work or unreported stay."
            )
            % values
        )
    if facts["unknown"]:
        return (
            gettext(
                "Sponsors %(permits)s stay permits valid on %(day)s but is unknown to the company "
                "registry."
            )
            % values
        )
    return (
        gettext(
            "%(alerted)s of the %(holders)s holders (%(percent)s%%) of the %(permits)s stay "
            "permits this company sponsors, valid on %(day)s, have an open alert of overstay, "
            "work or unreported stay."
        )
        % values
    )


RULE = Rule(
    code="SPONSOR_ANOMALY",
    title=_("Sponsor anomaly"),
    subject_type=SubjectType.COMPANY,
    severity=Severity.MEDIUM,
    legal_basis="UU 6/2011 Pasal 63",
    parameters=("SPONSOR_MIN_PERMITS", "SPONSOR_ALERT_SHARE_PERCENT"),
    evaluate=evaluate,
    explain=explain,
    reads_alerts=True,
)
