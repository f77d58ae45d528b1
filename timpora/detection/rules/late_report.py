"""``LATE_REPORT``: a reporter that reported a guest's stay too long after check-in.

Whoever houses a foreigner (a lodging, a company, a private landlord) must report the stay
within *24* hours of check-in (UU 6/2011 Pasal 72). Per place, among the reports submitted in
the *30* days up to D (by the local day of ``reported_at``), at least one came more than that
many hours after its check-in: exactly 24 hours is on time, 24 hours and a minute is late.
A stay reported by more than one agency (the police copy lodgings' guest lists) counts once,
as reported when the first report came.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.rules import text
from timpora.detection.rules.base import RESIDENCE_REPORT, Context, Draft, Ref, Rule

#: At most this many late reports are listed as evidence (the facts keep the full counts).
EVIDENCE_LIMIT = 50


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("stays")
    window = ctx.p("LATE_REPORT_WINDOW_DAYS")
    hours = ctx.p("LATE_REPORT_HOURS")
    rows = frame.rows(
        """
        WITH reported AS (
            -- One stay may arrive from several agencies (the lodging's own report, the
            -- police's copy of its guest list): the stay was reported when the first came.
            SELECT place_id, person_id, check_in,
                   min(reported_at) AS reported_at, arg_min(id, (reported_at, id)) AS id
            FROM stays
            WHERE reported_at IS NOT NULL AND check_in IS NOT NULL
            GROUP BY place_id, person_id, check_in
        ),
        recent AS (
            SELECT place_id, id,
                   epoch(reported_at) - epoch(check_in) AS delay_seconds
            FROM reported
            WHERE CAST(reported_at AS DATE) BETWEEN $as_of - CAST($window AS INTEGER) AND $as_of
        )
        SELECT place_id,
               count(*) FILTER (WHERE delay_seconds > $limit) AS late,
               count(*) AS total,
               max(delay_seconds) AS worst,
               list(id ORDER BY delay_seconds DESC, id) FILTER (WHERE delay_seconds > $limit)
        FROM recent
        GROUP BY place_id
        HAVING count(*) FILTER (WHERE delay_seconds > $limit) > 0
        """,
        window=window,
        limit=hours * 3600,
    )
    since = ctx.as_of - timedelta(days=window)
    for place_id, late, total, worst, ids in rows:
        yield Draft(
            place_id,
            {
                "late": late,
                "total": total,
                "worst_minutes": int(worst) // 60,
                "hours": hours,
                "window_days": window,
                "since": since.isoformat(),
            },
            [Ref(RESIDENCE_REPORT, stay_id) for stay_id in ids[:EVIDENCE_LIMIT]],
        )


def delay(minutes: int) -> str:
    """``1501`` → ``25 hours 1 minute`` (``25 jam 1 menit``)."""
    hours, rest = divmod(minutes, 60)
    said = ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": text.number(hours)}
    if rest:
        said += " " + ngettext("%(n)s minute", "%(n)s minutes", rest) % {"n": rest}
    return said


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    values = {
        "late": text.number(facts["late"]),
        "total": text.number(facts["total"]),
        "since": text.day(facts["since"]),
        "as_of": text.day(ctx.as_of),
        "hours": text.number(facts["hours"]),
        "worst": delay(facts["worst_minutes"]),
    }
    return (
        ngettext(
            "%(late)s of the %(total)s residence report submitted from %(since)s to %(as_of)s "
            "came more than %(hours)s hours after check-in, the longest delay being %(worst)s "
            "(UU 6/2011 Pasal 72).",
            "%(late)s of the %(total)s residence reports submitted from %(since)s to %(as_of)s "
            "came more than %(hours)s hours after check-in, the longest delay being %(worst)s "
            "(UU 6/2011 Pasal 72).",
            facts["total"],
        )
        % values
    )


RULE = Rule(
    code="LATE_REPORT",
    title=_("Late residence reports"),
    subject_type=SubjectType.PLACE,
    severity=Severity.LOW,
    legal_basis="UU 6/2011 Pasal 72",
    parameters=("LATE_REPORT_WINDOW_DAYS", "LATE_REPORT_HOURS"),
    evaluate=evaluate,
    explain=explain,
)
