"""``OVERSTAY``: in the country at D after the authorised stay ended (UU 6/2011 Pasal 78)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.parameters import overstay_charge, rupiah
from timpora.detection.rules import text
from timpora.detection.rules.base import CROSSING, Context, Draft, Ref, Rule


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("status")
    rows = frame.rows(
        """
        SELECT person_id, authorised_until, authorised_by_kind, authorised_by_id,
               last_crossing_id, last_crossed_at
        FROM status
        WHERE in_country AND authorised_until < $as_of
        """
    )
    limit = ctx.p("OVERSTAY_DEPORTATION_DAYS")
    for person_id, until, by_kind, by_id, crossing_id, crossed_at in rows:
        days = (ctx.as_of - until).days
        evidence = [Ref(by_kind, by_id)]
        if crossing_id is not None and crossing_id != by_id:
            evidence.insert(0, Ref(CROSSING, crossing_id))
        yield Draft(
            person_id,
            {
                "authorised_until": until.isoformat(),
                "days_over": days,
                "charge": int(overstay_charge(ctx.parameters, until, ctx.as_of)),
                "over_limit": days > limit,
                "limit": limit,
                "arrived": crossed_at.date().isoformat() if crossed_at else None,
            },
            evidence,
        )


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    values = {
        "until": text.day(facts["authorised_until"]),
        "days": text.number(facts["days_over"]),
        "charge": rupiah(facts["charge"]),
        "limit": text.number(facts["limit"]),
    }
    if facts["over_limit"]:
        return (
            gettext(
                "Still in the country %(days)s days after the authorised stay ended on %(until)s: "
                "more than %(limit)s days, so deportation and an entry ban apply (UU 6/2011 Pasal "
                "78); the charge would be %(charge)s (PP 28/2019)."
            )
            % values
        )
    return (
        gettext(
            "Still in the country %(days)s days after the authorised stay ended on %(until)s: "
            "an overstay charge of %(charge)s (PP 28/2019); deportation applies after %(limit)s "
            "days (UU 6/2011 Pasal 78)."
        )
        % values
    )


RULE = Rule(
    code="OVERSTAY",
    title=_("Overstay"),
    subject_type=SubjectType.PERSON,
    severity=Severity.HIGH,
    legal_basis="UU 6/2011 Pasal 78; PP 28/2019",
    parameters=("OVERSTAY_CHARGE_PER_DAY", "OVERSTAY_DEPORTATION_DAYS"),
    evaluate=evaluate,
    explain=explain,
)
