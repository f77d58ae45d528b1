"""Screening and the review queue over HTTP.

``POST /screen`` screens one identity (query by example) against the watch lists in force;
``/review-items`` lists the items the caller's agency handles and records decisions on them.
Every endpoint is scoped like the pages: another agency's item is a 404.
"""

from __future__ import annotations

import builtins
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from timpora.accounts.access import can_see_records
from timpora.accounts.choices import DataCategory
from timpora.audit.choices import Purpose, Verb
from timpora.audit.log import record as audit
from timpora.core.problems import problem
from timpora.matching.actions import ContradictsEarlierDecision, NotDecidable, decide
from timpora.matching.choices import Decision, ReviewKind, ReviewStatus
from timpora.matching.models import ReviewItem
from timpora.matching.scoring import ALGORITHM
from timpora.matching.screening import query_identity, screen_audited

router = Router(tags=["matching"])

_DATE = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"


class ScreenIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=200)
    aliases: list[str] = Field(default_factory=list, max_length=20)
    date_of_birth: str = Field("", max_length=10, pattern=_DATE)
    sex: str = Field("", pattern=r"^[MFXmfx]?$")
    nationality: list[str] = Field(default_factory=list, max_length=5)
    passport_numbers: list[str] = Field(default_factory=list, max_length=5)
    purpose: Purpose


class ReasonOut(Schema):
    factor: str
    outcome: str
    weight: float
    detail: str


class MatchOut(Schema):
    list: str
    entry_id: str
    score: float
    reasons: builtins.list[ReasonOut]
    full_name: str
    aliases: builtins.list[str]
    date_of_birth: str
    nationalities: builtins.list[str]
    reason: str = Field(..., description="why the person is listed")
    action_on_hit: str
    owning_agency: str
    legal_basis: str
    valid_until: str
    algorithm: str


class ScreenOut(Schema):
    threshold: float
    algorithm: str
    matches: list[MatchOut]


def _may_screen(user: Any) -> bool:
    return can_see_records(user, DataCategory.IDENTITY)


@router.post(
    "/screen",
    response={200: ScreenOut, 403: Any},
    summary="Screen one identity against the watch lists (audited with its purpose)",
)
def screen_one(request: HttpRequest, body: ScreenIn) -> Any:
    """Query by example: every entry in force scoring at least the screening threshold, best
    first, with the reasons of each score, the entry's reason for listing and the action an
    officer must take on a hit. Nothing is stored but the audit event."""
    user = request.user
    if not _may_screen(user):
        return problem(request, 403, _("Your agency may not screen identities."), slug="forbidden")
    identity = query_identity(
        body.full_name,
        aliases=body.aliases,
        date_of_birth=body.date_of_birth,
        sex=body.sex,
        nationalities=body.nationality,
        documents=body.passport_numbers,
    )
    matches = screen_audited(identity, actor=user, purpose=body.purpose, channel="api")
    return {
        "threshold": settings.SCREEN_THRESHOLD,
        "algorithm": ALGORITHM,
        "matches": [m.as_detail() for m in matches],
    }


class PersonSide(Schema):
    code: str
    full_name: str
    name_original: str
    date_of_birth: str
    sex: str
    nationality: str


class EntrySide(Schema):
    code: str
    list: str
    entry_id: str
    full_name: str
    aliases: builtins.list[str]
    date_of_birth: str
    reason: str
    action_on_hit: str


class ReviewItemOut(Schema):
    code: str
    kind: str
    origin: str
    status: str
    agency: str
    score: float
    algorithm: str
    reasons: list[ReasonOut]
    person: PersonSide
    other_person: PersonSide | None
    entry: EntrySide | None
    decision: str
    note: str
    decided_at: str


class ReviewPage(Schema):
    count: int
    items: list[ReviewItemOut]


class ReviewParams(Schema):
    status: ReviewStatus = ReviewStatus.OPEN
    kind: ReviewKind | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


def _person(person: Any) -> dict[str, Any]:
    return {
        "code": str(person.code),
        "full_name": person.full_name,
        "name_original": person.name_original,
        "date_of_birth": person.date_of_birth,
        "sex": person.sex,
        "nationality": person.nationality_id,
    }


def _item_out(item: ReviewItem) -> dict[str, Any]:
    entry = item.entry
    return {
        "code": str(item.code),
        "kind": item.kind,
        "origin": item.origin,
        "status": item.status,
        "agency": item.agency.code,
        "score": item.score,
        "algorithm": item.algorithm,
        "reasons": [
            {
                "factor": r.get("factor", ""),
                "outcome": r.get("outcome", ""),
                "weight": r.get("weight", 0.0),
                "detail": r.get("detail", ""),
            }
            for r in item.reasons
        ],
        "person": _person(item.person),
        "other_person": _person(item.other_person) if item.other_person else None,
        "entry": None
        if entry is None
        else {
            "code": str(entry.code),
            "list": entry.list,
            "entry_id": entry.entry_id,
            "full_name": entry.full_name,
            "aliases": list(entry.aliases),
            "date_of_birth": entry.date_of_birth,
            "reason": entry.reason,
            "action_on_hit": entry.action_on_hit,
        },
        "decision": item.decision,
        "note": item.note,
        "decided_at": item.decided_at.isoformat() if item.decided_at else "",
    }


def _items(user: Any) -> Any:
    return ReviewItem.objects.visible_to(user).select_related(
        "agency", "person", "other_person", "entry"
    )


@router.get(
    "/review-items",
    response=ReviewPage,
    summary="The review items of your agency (audited: they show persons)",
)
def list_review_items(request: HttpRequest, params: Query[ReviewParams]) -> dict[str, Any]:
    items = _items(request.user).filter(status=params.status)
    if params.kind:
        items = items.filter(kind=params.kind)
    count = items.count()
    page = list(items[params.offset : params.offset + params.limit])
    audit(
        actor=request.user,
        verb=Verb.PERSON_LISTED,
        purpose=Purpose.IDENTITY_REVIEW,
        subject_type="matching.reviewitem",
        changes={"items": [str(i.code) for i in page]},
    )
    return {"count": count, "items": [_item_out(i) for i in page]}


@router.get("/review-items/{code}", response=ReviewItemOut, summary="One review item (audited)")
def get_review_item(request: HttpRequest, code: str) -> dict[str, Any]:
    item = get_object_or_404(_items(request.user), code=code)
    audit(
        actor=request.user, verb=Verb.PERSON_VIEWED, subject=item, purpose=Purpose.IDENTITY_REVIEW
    )
    return _item_out(item)


class DecisionIn(Schema):
    decision: Decision
    note: str = Field("", max_length=2000)
    confirm: bool = Field(False, description="decide even though an earlier decision differs")


class DecisionOut(Schema):
    item: ReviewItemOut
    merged_into: str | None = Field(None, description="the kept person, when persons merged")


@router.post(
    "/review-items/{code}/decision",
    response={200: DecisionOut, 403: Any, 409: Any},
    summary="Decide a review item: SAME (merges a pair), DIFFERENT or UNSURE",
)
def decide_review_item(request: HttpRequest, code: str, body: DecisionIn) -> Any:
    """A decision contradicting an earlier one for the same pair answers 409 naming it; send
    again with ``confirm`` to record it anyway."""
    user: Any = request.user
    item = get_object_or_404(_items(user), code=code)
    if user.is_auditor or (item.agency_id != user.agency_id and not user.is_coordinator):
        return problem(request, 403, _("Only the responsible agency decides this item."))
    try:
        decided = decide(item, body.decision, actor=user, note=body.note, confirm=body.confirm)
    except ContradictsEarlierDecision as exc:
        return problem(request, 409, str(exc), slug="contradicts-earlier-decision")
    except NotDecidable as exc:
        return problem(request, 409, str(exc), slug="not-decidable")
    item = _items(user).get(pk=decided.item.pk)
    merged_into = str(decided.merge.survivor.code) if decided.merge else None
    return {"item": _item_out(item), "merged_into": merged_into}
