"""``STAY_BEYOND_PERMIT``: a residence report whose check-out is after the authorised stay ended.

A stay is judged against the person's authorised-until date (``detection-rules.md``, Terms):
the latest ``valid_until`` / ``authorized_stay_until`` of their permits (not cancelled) and
arrival grants that started on or before a day. The stay must have had one at its check-in
(a stay reported before any permit or arrival is known is a data question, not this lead), and
its check-out, on or before D, falls after the authorised-until date of the check-out day, so
an extension or a new permit that covers the check-out clears it. One alert per person, with
every such stay up to D as evidence (UU 6/2011 Pasal 78).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.rules import text
from timpora.detection.rules.base import RESIDENCE_REPORT, Context, Draft, Ref, Rule


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("permits", "crossings", "stays")
    rows = frame.rows(
        """
        WITH grants AS (
            SELECT person_id, valid_from AS start, valid_until AS until,
                   'stay-permit' AS kind, id
            FROM permits WHERE status <> 'CANCELLED'
            UNION ALL
            SELECT person_id, day, authorized_stay_until, 'border-crossing', id
            FROM crossings
            WHERE direction = 'ARRIVAL' AND authorized_stay_until IS NOT NULL
        ),
        ended AS (
            SELECT id, person_id, in_day, out_day, check_out FROM stays
            WHERE out_day <= $as_of
        ),
        at_in AS (
            SELECT e.id, arg_max(g.kind, (g.until, g.id)) AS kind,
                   arg_max(g.id, (g.until, g.id)) AS grant_id
            FROM ended e JOIN grants g ON g.person_id = e.person_id AND g.start <= e.in_day
            GROUP BY e.id
        ),
        at_out AS (
            SELECT e.id, max(g.until) AS until
            FROM ended e JOIN grants g ON g.person_id = e.person_id AND g.start <= e.out_day
            GROUP BY e.id
        ),
        beyond AS (
            SELECT e.person_id, e.id, e.out_day, e.check_out, o.until, i.kind, i.grant_id
            FROM ended e
            JOIN at_in i ON i.id = e.id
            JOIN at_out o ON o.id = e.id
            WHERE e.out_day > o.until
        )
        SELECT person_id,
               arg_max(out_day, (check_out, id)) AS out_day,
               arg_max(until, (check_out, id)) AS until,
               count(*) AS stays,
               list(id ORDER BY check_out, id) AS stay_ids,
               list(DISTINCT struct_pack(kind := kind, id := grant_id)) AS grants
        FROM beyond GROUP BY person_id
        """
    )
    for person_id, out_day, until, count, stay_ids, grants in rows:
        evidence = [Ref(g["kind"], g["id"]) for g in sorted(grants, key=lambda g: g["id"])]
        evidence += [Ref(RESIDENCE_REPORT, stay_id) for stay_id in stay_ids]
        yield Draft(
            person_id,
            {
                "checked_out": out_day.isoformat(),
                "authorised_until": until.isoformat(),
                "days_beyond": (out_day - until).days,
                "stays": count,
            },
            evidence,
        )


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    values = {
        "out": text.day(facts["checked_out"]),
        "until": text.day(facts["authorised_until"]),
        "days": text.number(facts["days_beyond"]),
        "stays": text.number(facts["stays"]),
    }
    if facts["stays"] > 1:
        return (
            ngettext(
                "Checked out of a reported stay on %(out)s, %(days)s day after the authorised "
                "stay ended on %(until)s, with no permit or extension covering it; %(stays)s "
                "reported stays ran past the permit (UU 6/2011 Pasal 78).",
                "Checked out of a reported stay on %(out)s, %(days)s days after the authorised "
                "stay ended on %(until)s, with no permit or extension covering it; %(stays)s "
                "reported stays ran past the permit (UU 6/2011 Pasal 78).",
                facts["days_beyond"],
            )
            % values
        )
    return (
        ngettext(
            "Checked out of a reported stay on %(out)s, %(days)s day after the authorised stay "
            "ended on %(until)s, with no permit or extension covering it (UU 6/2011 Pasal 78).",
            "Checked out of a reported stay on %(out)s, %(days)s days after the authorised stay "
            "ended on %(until)s, with no permit or extension covering it (UU 6/2011 Pasal 78).",
            facts["days_beyond"],
        )
        % values
    )


RULE = Rule(
    code="STAY_BEYOND_PERMIT",
    title=_("Stay beyond the permit"),
    subject_type=SubjectType.PERSON,
    severity=Severity.MEDIUM,
    legal_basis="UU 6/2011 Pasal 78",
    parameters=(),
    evaluate=evaluate,
    explain=explain,
)
