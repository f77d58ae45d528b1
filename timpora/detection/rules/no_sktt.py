"""``NO_SKTT``: an ITAS holder who has not registered with Dukcapil in time (Perpres 96/2018).

An ITAS holder must obtain an SKTT (Surat Keterangan Tempat Tinggal) within the set days of the
permit's issue. The issue date is ``issued_on``, or ``valid_from`` when the permit does not say.
An SKTT counts for a permit when it was issued on or after that permit's ``valid_from``: a new
ITAS needs a new registration, an extension of the same ITAS does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.rules import text
from timpora.detection.rules.base import STAY_PERMIT, Context, Draft, Ref, Rule


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("permits", "registrations")
    limit = ctx.p("SKTT_DAYS")
    frame.use("persons")
    # Only the persons whose registrations are loaded (in a scoped run, the permits of the
    # companies in scope belong to others too).
    rows = frame.rows(
        """
        WITH unregistered AS (
            SELECT p.person_id, p.id, p.valid_from,
                   coalesce(p.issued_on, p.valid_from) AS issued
            FROM permits p
            WHERE p.permit_type = 'ITAS' AND p.status <> 'CANCELLED'
              AND p.valid_from <= $as_of AND p.valid_until >= $as_of
              AND $as_of - coalesce(p.issued_on, p.valid_from) > $limit
              AND p.person_id IN (SELECT id FROM persons)
              AND NOT EXISTS (
                  SELECT 1 FROM registrations r
                  WHERE r.person_id = p.person_id AND r.registration_type = 'SKTT'
                    AND r.issued_on >= p.valid_from
              )
        )
        SELECT person_id,
               arg_max(issued, (valid_from, id)) AS issued,
               arg_max(valid_from, (valid_from, id)) AS valid_from,
               list(id ORDER BY valid_from, id) AS ids
        FROM unregistered GROUP BY person_id
        """,
        limit=limit,
    )
    for person_id, issued, valid_from, ids in rows:
        yield Draft(
            person_id,
            {
                "issued": issued.isoformat(),
                "valid_from": valid_from.isoformat(),
                "days": (ctx.as_of - issued).days,
                "limit": limit,
            },
            [Ref(STAY_PERMIT, permit_id) for permit_id in ids],
        )


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    return gettext(
        "Holds an ITAS issued on %(issued)s, %(days)s days ago, and no SKTT has been issued "
        "since it took effect on %(valid_from)s; an ITAS holder must register with Dukcapil "
        "within %(limit)s days (Perpres 96/2018)."
    ) % {
        "issued": text.day(facts["issued"]),
        "valid_from": text.day(facts["valid_from"]),
        "days": text.number(facts["days"]),
        "limit": text.number(facts["limit"]),
    }


RULE = Rule(
    code="NO_SKTT",
    title=_("ITAS without SKTT"),
    subject_type=SubjectType.PERSON,
    severity=Severity.LOW,
    legal_basis="Perpres 96/2018",
    parameters=("SKTT_DAYS",),
    evaluate=evaluate,
    explain=explain,
)
