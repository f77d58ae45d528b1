"""Officers' decisions on review items: remembered per pair; *same* merges, a split undoes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from timpora.accounts.models import User
from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.matching import index
from timpora.matching.actions.review import _pair
from timpora.matching.choices import Decision, ReviewKind, ReviewStatus
from timpora.matching.models import (
    Merge,
    PairDecision,
    ReviewItem,
)
from timpora.registry.derived import refresh_derived
from timpora.registry.models import Person

# --- decisions, merges and splits ----------------------------------------------------------


class ContradictsEarlierDecision(Exception):  # noqa: N818 - it is a refusal, not an error
    """The decision contradicts one recorded earlier for the same pair; confirm to go on."""

    def __init__(self, earlier: PairDecision) -> None:
        self.earlier = earlier
        super().__init__(
            _("An earlier decision on %(date)s said: %(decision)s.")
            % {
                "date": timezone.localtime(earlier.decided_at).strftime("%d-%m-%Y"),
                "decision": Decision(earlier.decision).label,
            }
        )


class NotDecidable(Exception):  # noqa: N818
    pass


def _earlier_decisions(item: ReviewItem) -> models.QuerySet[PairDecision]:
    if item.kind == ReviewKind.HIT:
        return PairDecision.objects.filter(person_id=item.person_id, entry_id=item.entry_id)
    a, b = _pair(item.person_id, item.other_person_id or 0)
    return PairDecision.objects.filter(person_id=a, other_person_id=b)


def _contradiction(item: ReviewItem, decision: str) -> PairDecision | None:
    opposite = {Decision.SAME: Decision.DIFFERENT, Decision.DIFFERENT: Decision.SAME}.get(
        Decision(decision)
    )
    if opposite is None:
        return None
    return _earlier_decisions(item).filter(decision=opposite).order_by("-decided_at").first()


@dataclass(slots=True)
class Decided:
    item: ReviewItem
    merge: Merge | None = None
    contradicted: PairDecision | None = None


@transaction.atomic
def decide(
    item: ReviewItem,
    decision: Decision | str,
    *,
    actor: User,
    note: str = "",
    confirm: bool = False,
) -> Decided:
    """Record an officer's decision on a review item; *same person* on a pair merges them.

    A decision contradicting an earlier one for the same pair (or the same person and entry)
    raises :class:`ContradictsEarlierDecision` unless ``confirm`` is given.
    """
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    if item.status != ReviewStatus.OPEN:
        raise NotDecidable(_("This item has already been decided."))
    decision = Decision(decision)
    if decision == Decision.UNSURE and not note.strip():
        raise NotDecidable(_("Say in the note what makes you unsure."))
    earlier = _contradiction(item, decision)
    if earlier is not None and not confirm:
        raise ContradictsEarlierDecision(earlier)
    now = timezone.now()
    item.status = ReviewStatus.DECIDED
    item.decision = decision
    item.note = note.strip()
    item.decided_by = actor
    item.decided_at = now
    item.save(
        update_fields=["status", "decision", "note", "decided_by", "decided_at", "updated_at"]
    )
    if item.kind == ReviewKind.HIT:
        PairDecision.objects.create(
            person_id=item.person_id,
            entry_id=item.entry_id,
            entry_revision=item.entry_revision,
            decision=decision,
            item=item,
            decided_at=now,
        )
    else:
        a, b = _pair(item.person_id, item.other_person_id or 0)
        PairDecision.objects.create(
            person_id=a, other_person_id=b, decision=decision, item=item, decided_at=now
        )
    audit(
        actor=actor,
        verb=Verb.REVIEW_DECIDED,
        subject=item,
        changes={
            "decision": str(decision),
            "kind": item.kind,
            "score": item.score,
            "note": item.note,
            "contradicts": str(earlier.item.code) if earlier else "",
        },
    )
    merge = None
    if item.kind == ReviewKind.SAME and decision == Decision.SAME:
        merge = merge_persons(item, actor=actor)
    return Decided(item=item, merge=merge, contradicted=earlier)


#: Rows that are not moved by a merge: the matching index is rebuilt, and history stays.
_NOT_MOVED = {"matching.personkey", "matching.personforms", "matching.merge"}


def _person_relations() -> list[tuple[type[models.Model], str]]:
    relations = []
    for rel in Person._meta.related_objects:
        model = rel.related_model
        if not isinstance(model, type) or rel.many_to_many or rel.one_to_one:
            continue
        if model._meta.label_lower in _NOT_MOVED:
            continue
        relations.append((model, rel.field.name))
    relations.sort(key=lambda r: (r[0]._meta.label_lower, r[1]))
    return relations


def _movable(
    model: type[models.Model], field_name: str, merged: Person, survivor: Person
) -> models.QuerySet[Any]:
    """The rows of ``model`` pointing to ``merged`` by ``field_name`` that can move over.

    A row that would then point to the survivor twice (an identity conflict between the two,
    a decision on the pair) stays; so does a row that would collide with one of the survivor's
    under a unique constraint (the same document held by both).
    """
    rows = model._default_manager.filter(**{field_name: merged})
    for other in model._meta.get_fields():
        if (
            other.name != field_name
            and isinstance(other, models.ForeignKey)
            and other.related_model is Person
        ):
            rows = rows.exclude(**{other.name: survivor})
    if model is ReviewItem:
        rows = rows.filter(status=ReviewStatus.OPEN)
    if model is Person:
        rows = rows.exclude(pk=survivor.pk)
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field_name in constraint.fields:
            others = [f for f in constraint.fields if f != field_name]
            clash = model._default_manager.filter(
                **{field_name: survivor}, **{f: models.OuterRef(f) for f in others}
            )
            if constraint.condition is None:
                rows = rows.exclude(models.Exists(clash))
            else:
                # A partial constraint (one live alert per rule and person) only binds the
                # rows that meet its condition, on both sides.
                clash = clash.filter(constraint.condition)
                rows = rows.exclude(models.Q(models.Exists(clash)) & constraint.condition)
    return rows


def merge_persons(item: ReviewItem, *, actor: User) -> Merge:
    """Merge the newer person of a decided pair into the older one, keeping what moved."""
    first, second = (
        Person.objects.select_for_update()
        .filter(pk__in=[item.person_id, item.other_person_id])
        .order_by("pk")
    )
    survivor, merged = first, second
    if survivor.merged_into_id or merged.merged_into_id:
        raise NotDecidable(_("One of these persons has already been merged into another."))
    # Open items between the two have been answered by this decision.
    ReviewItem.objects.filter(status=ReviewStatus.OPEN, kind=ReviewKind.SAME).filter(
        Q(person=survivor, other_person=merged) | Q(person=merged, other_person=survivor)
    ).update(status=ReviewStatus.CLOSED, updated_at=timezone.now())
    moved: dict[str, Any] = {
        "_merged": {"needs_resolution": merged.needs_resolution},
        "_survivor": {"needs_resolution": survivor.needs_resolution},
    }
    for model, field_name in _person_relations():
        rows = _movable(model, field_name, merged, survivor)
        pks = sorted(rows.values_list("pk", flat=True))
        if pks:
            model._default_manager.filter(pk__in=pks).update(**{field_name: survivor})
            moved[f"{model._meta.label_lower}.{field_name}"] = pks
    merged.merged_into = survivor
    merged.needs_resolution = False
    merged.save(update_fields=["merged_into", "needs_resolution", "updated_at"])
    Person.objects.filter(pk=survivor.pk).update(needs_resolution=False)
    merge = Merge.objects.create(
        survivor=survivor, merged=merged, item=item, moved=moved, merged_by=actor
    )
    index.index_persons([survivor.pk, merged.pk], force=True)
    refresh_derived([survivor.pk])
    audit(
        actor=actor,
        verb=Verb.PERSONS_MERGED,
        subject=survivor,
        changes={
            "merged": str(merged.code),
            "item": str(item.code),
            "rows_moved": sum(len(v) for k, v in moved.items() if not k.startswith("_")),
        },
    )
    return merge


@transaction.atomic
def split(merge: Merge, *, actor: User, note: str) -> Merge:
    """Undo a merge: every row it moved goes back, both persons stand as before.

    The pair is then remembered as *different persons* so that it is not proposed again.
    """
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.split_at is not None:
        raise NotDecidable(_("This merge has already been split."))
    if not note.strip():
        raise NotDecidable(_("Say why the merge was wrong."))
    survivor = Person.objects.select_for_update().get(pk=merge.survivor_id)
    merged = Person.objects.select_for_update().get(pk=merge.merged_id)
    if survivor.merged_into_id is not None:
        raise NotDecidable(
            _("The kept person has since been merged into another; split that merge first.")
        )
    later = Merge.objects.filter(
        survivor=survivor, split_at__isnull=True, created_at__gt=merge.created_at
    )
    if later.exists():
        raise NotDecidable(_("A later merge into this person must be split first."))
    relations = {f"{m._meta.label_lower}.{f}": (m, f) for m, f in _person_relations()}
    for label, pks in merge.moved.items():
        if label.startswith("_") or label not in relations:
            continue
        model, field_name = relations[label]
        model._default_manager.filter(pk__in=pks, **{field_name: survivor}).update(
            **{field_name: merged}
        )
    merged.merged_into = None
    merged.needs_resolution = merge.moved.get("_merged", {}).get("needs_resolution", False)
    merged.save(update_fields=["merged_into", "needs_resolution", "updated_at"])
    survivor.needs_resolution = merge.moved.get("_survivor", {}).get("needs_resolution", False)
    survivor.save(update_fields=["needs_resolution", "updated_at"])
    now = timezone.now()
    merge.split_at = now
    merge.split_by = actor
    merge.split_note = note.strip()
    merge.save(update_fields=["split_at", "split_by", "split_note", "updated_at"])
    a, b = _pair(survivor.pk, merged.pk)
    PairDecision.objects.create(
        person_id=a,
        other_person_id=b,
        decision=Decision.DIFFERENT,
        item=merge.item,
        decided_at=now,
    )
    index.index_persons([survivor.pk, merged.pk], force=True)
    refresh_derived([survivor.pk, merged.pk])
    audit(
        actor=actor,
        verb=Verb.PERSON_SPLIT,
        subject=survivor,
        changes={"merged": str(merged.code), "merge": str(merge.code), "note": merge.split_note},
    )
    return merge
