"""``ADDRESS_CLUSTER``: many foreigners at one private address on the same day.

A private landlord (an ``INDIVIDUAL`` reporter) housing at least *6* different foreigners whose
stays overlap on one day within the *30* days up to D is a lead (an unlicensed lodging, a
worker dormitory). A stay covers a day from the day of its check-in to the day of its
check-out, or for good while it has none. The busiest day of the window is reported (the
earliest, when several days are as busy); its stays are the evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.parameters import OPERATIONAL
from timpora.detection.rules import text
from timpora.detection.rules.base import RESIDENCE_REPORT, Context, Draft, Ref, Rule


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("stays", "places")
    window = ctx.p("ADDRESS_CLUSTER_WINDOW_DAYS")
    least = ctx.p("ADDRESS_CLUSTER_MIN_PERSONS")
    rows = frame.rows(
        """
        WITH days AS (
            SELECT CAST(d AS DATE) AS d
            FROM generate_series(
                CAST($as_of - CAST($window AS INTEGER) AS TIMESTAMP),
                CAST($as_of AS TIMESTAMP),
                INTERVAL 1 DAY
            ) AS series(d)
        ),
        private AS (
            SELECT s.place_id, s.id, s.person_id, s.in_day, s.out_day
            FROM stays s JOIN places p ON p.id = s.place_id
            WHERE p.reporter_type = 'INDIVIDUAL'
              AND s.in_day <= $as_of
              AND (s.out_day IS NULL OR s.out_day >= $as_of - CAST($window AS INTEGER))
        ),
        covering AS (
            SELECT private.place_id, days.d, private.person_id, private.id
            FROM private JOIN days
              ON private.in_day <= days.d AND (private.out_day IS NULL OR private.out_day >= days.d)
        ),
        per_day AS (
            SELECT place_id, d, count(DISTINCT person_id) AS persons
            FROM covering GROUP BY place_id, d
        ),
        busiest AS (
            SELECT place_id, d, persons,
                   row_number() OVER (PARTITION BY place_id ORDER BY persons DESC, d) AS rank
            FROM per_day WHERE persons >= $least
        )
        SELECT b.place_id, b.d, b.persons, list(c.id ORDER BY c.id) AS ids
        FROM busiest b JOIN covering c ON c.place_id = b.place_id AND c.d = b.d
        WHERE b.rank = 1
        GROUP BY b.place_id, b.d, b.persons
        """,
        window=window,
        least=least,
    )
    for place_id, day, persons, ids in rows:
        yield Draft(
            place_id,
            {"day": day.isoformat(), "persons": persons, "least": least, "window_days": window},
            [Ref(RESIDENCE_REPORT, stay_id) for stay_id in ids],
        )


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    return gettext(
        "On %(day)s, %(persons)s different foreigners were staying at this private address; "
        "%(least)s or more on one day within %(days)s days make a cluster to look into."
    ) % {
        "day": text.day(facts["day"]),
        "persons": text.number(facts["persons"]),
        "least": text.number(facts["least"]),
        "days": text.number(facts["window_days"]),
    }


RULE = Rule(
    code="ADDRESS_CLUSTER",
    title=_("Address cluster"),
    subject_type=SubjectType.PLACE,
    severity=Severity.MEDIUM,
    legal_basis=OPERATIONAL,
    parameters=("ADDRESS_CLUSTER_MIN_PERSONS", "ADDRESS_CLUSTER_WINDOW_DAYS"),
    evaluate=evaluate,
    explain=explain,
)
