"""``VISA_RUN``: visiting month after month with a short hop abroad in between.

A visit is an arrival and the person's next crossing when that is a departure; a visit with no
crossing after it is open and lasts up to D; a visit followed by another arrival (its departure
was never recorded) has no known length and breaks a run. A run is a sequence of consecutive
visits on ``BVK`` or ``VOA`` that arrive within the window up to D, each lasting at least the
least length (days from the arrival day to the departure day) and each followed by the next
after at most the most days outside. Runs are found as gaps and islands: a visit that does not
continue the previous one starts a new island, and the islands are counted. No law forbids it
as such; it is a pattern for an officer to look at (living or working on visit permits).
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
from timpora.detection.rules.base import CROSSING, Context, Draft, Ref, Rule

RUN_TYPES = ["BVK", "VOA"]


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("crossings")
    rows = frame.rows(
        """
        WITH ordered AS (
            SELECT person_id, id, direction, day, permit_type, crossed_at,
                   lead(direction) OVER w AS next_direction,
                   lead(id) OVER w AS next_id,
                   lead(day) OVER w AS next_day
            FROM crossings WHERE day <= $as_of
            WINDOW w AS (PARTITION BY person_id ORDER BY crossed_at, id)
        ),
        visits AS (
            SELECT person_id, id AS arrival_id, crossed_at, day AS arrived, permit_type,
                   CASE WHEN next_direction = 'DEPARTURE' THEN next_id END AS departure_id,
                   CASE WHEN next_direction = 'DEPARTURE' THEN next_day
                        WHEN next_direction IS NULL THEN $as_of END AS left_day
            FROM ordered WHERE direction = 'ARRIVAL'
        ),
        judged AS (
            SELECT *,
                   coalesce(list_contains($types, permit_type)
                            AND arrived >= $as_of - $window
                            AND left_day - arrived >= $min_stay, false) AS counts
            FROM visits
        ),
        gaps AS (
            SELECT *, lag(counts) OVER v AS after_counted,
                   arrived - lag(left_day) OVER v AS gap_before
            FROM judged
            WINDOW v AS (PARTITION BY person_id ORDER BY crossed_at, arrival_id)
        ),
        islands AS (
            SELECT *,
                   sum(CASE WHEN after_counted AND gap_before <= $max_gap THEN 0 ELSE 1 END)
                       OVER (PARTITION BY person_id ORDER BY crossed_at, arrival_id
                             ROWS UNBOUNDED PRECEDING) AS island,
                   after_counted AND gap_before <= $max_gap AS continues
            FROM gaps
        ),
        runs AS (
            SELECT person_id, island,
                   count(*) AS visits,
                   min(arrived) AS first_arrival,
                   max(left_day) AS last_day,
                   bool_or(departure_id IS NULL) AS still_here,
                   min(left_day - arrived) AS shortest,
                   max(gap_before) FILTER (WHERE continues) AS widest,
                   list(arrival_id ORDER BY crossed_at) AS arrivals,
                   list(departure_id ORDER BY crossed_at) FILTER (WHERE departure_id IS NOT NULL)
                       AS departures
            FROM islands WHERE counts
            GROUP BY person_id, island
            HAVING count(*) >= $min_visits
        )
        SELECT person_id,
               arg_max(visits, (visits, last_day)), arg_max(first_arrival, (visits, last_day)),
               arg_max(last_day, (visits, last_day)), arg_max(still_here, (visits, last_day)),
               arg_max(shortest, (visits, last_day)), arg_max(widest, (visits, last_day)),
               arg_max(arrivals, (visits, last_day)), arg_max(departures, (visits, last_day))
        FROM runs GROUP BY person_id
        """,
        types=RUN_TYPES,
        window=ctx.p("VISA_RUN_WINDOW_DAYS"),
        min_stay=ctx.p("VISA_RUN_MIN_STAY_DAYS"),
        max_gap=ctx.p("VISA_RUN_MAX_GAP_DAYS"),
        min_visits=ctx.p("VISA_RUN_MIN_VISITS"),
    )
    for row in rows:
        person_id, visits, first, last, still_here, shortest, widest, arrivals, departures = row
        yield Draft(
            person_id,
            {
                "visits": visits,
                "first_arrival": first.isoformat(),
                "last_day": last.isoformat(),
                "still_here": bool(still_here),
                "shortest_days": shortest,
                "widest_gap_days": widest,
            },
            [Ref(CROSSING, i) for i in arrivals] + [Ref(CROSSING, i) for i in departures or ()],
        )


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    values = {
        "visits": text.number(facts["visits"]),
        "first": text.day(facts["first_arrival"]),
        "last": text.day(facts["last_day"]),
        "shortest": text.number(facts["shortest_days"]),
        "gap": text.number(facts["widest_gap_days"]),
    }
    if facts["still_here"]:
        return (
            gettext(
                "%(visits)s consecutive visa-free or visa-on-arrival visits from %(first)s, "
                "the last still going on %(last)s, each at least %(shortest)s days long with "
                "at most %(gap)s days outside the country between them: a possible visa run."
            )
            % values
        )
    return (
        gettext(
            "%(visits)s consecutive visa-free or visa-on-arrival visits from %(first)s to "
            "%(last)s, each at least %(shortest)s days long with at most %(gap)s days outside "
            "the country between them: a possible visa run."
        )
        % values
    )


RULE = Rule(
    code="VISA_RUN",
    title=_("Visa run"),
    subject_type=SubjectType.PERSON,
    severity=Severity.MEDIUM,
    legal_basis=OPERATIONAL,
    parameters=(
        "VISA_RUN_WINDOW_DAYS",
        "VISA_RUN_MIN_VISITS",
        "VISA_RUN_MIN_STAY_DAYS",
        "VISA_RUN_MAX_GAP_DAYS",
    ),
    evaluate=evaluate,
    explain=explain,
)
