"""Writes of the matching app: watch lists, the index, review items, decisions, merges and splits.

Nothing here merges or acts on a person by itself: linking and screening raise review items,
and only :func:`decide` (an officer's recorded decision) merges two persons.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from timpora.accounts.choices import AgencyKind
from timpora.accounts.models import Agency, User
from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.matching import index
from timpora.matching.choices import Decision, ReviewKind, ReviewOrigin, ReviewStatus
from timpora.matching.models import (
    Merge,
    PairDecision,
    PersonForms,
    ReviewItem,
    Watchlist,
    WatchlistEntry,
)
from timpora.matching.scoring import ALGORITHM, score
from timpora.registry.actions import RecordResult, upsert_with_history
from timpora.registry.choices import FactKind, WatchList
from timpora.registry.derived import refresh_derived
from timpora.registry.models import IdentityConflict, Person
from timpora.registry.records import WatchlistEntryRecord

# --- watch lists ---------------------------------------------------------------------------


@transaction.atomic
def record_watchlist_entries(
    records: Sequence[WatchlistEntryRecord],
    *,
    source: Agency,
    actor: User | None,
    audited: bool = True,
) -> RecordResult:
    """Create, update or leave watch-list entries sent by ``source``; keep earlier versions.

    Entries created or changed are indexed at once; everyone is screened against them again
    after the transaction commits (a background task).
    """
    result = RecordResult(kind=str(FactKind.WATCHLIST_ENTRY))
    items = [
        (
            r.key,
            {
                "list": r.list,
                "entry_id": r.entry_id,
                "full_name": r.full_name,
                "aliases": list(r.aliases),
                "name_original": r.name_original,
                "sex": r.sex,
                "date_of_birth": r.date_of_birth,
                "nationalities": list(r.nationality),
                "passport_numbers": list(r.passport_numbers),
                "reason": r.reason,
                "action_on_hit": r.action_on_hit,
                "owning_agency": r.owning_agency,
                "legal_basis": r.legal_basis,
                "valid_from": r.valid_from,
                "valid_until": r.valid_until,
            },
        )
        for r in records
    ]
    upsert_with_history(
        WatchlistEntry,
        str(FactKind.WATCHLIST_ENTRY),
        items,
        key_field="source_key",
        scope={"source": source},
        result=result,
    )
    changed_keys = [
        key
        for key, outcome in zip((i[0] for i in items), result.outcomes, strict=False)
        if outcome in {"CREATED", "UPDATED"}
    ]
    if changed_keys:
        entry_ids = list(
            WatchlistEntry.objects.filter(source=source, source_key__in=changed_keys).values_list(
                "pk", flat=True
            )
        )
        entries_changed(entry_ids)
    if audited:
        audit(actor=actor, verb=Verb.FACTS_RECORDED, agency=source, changes=result.as_dict())
    return result


#: Who handles the hits on each list unless a coordinator says otherwise, by agency kind.
DEFAULT_OWNERS = {
    WatchList.PENANGKALAN: AgencyKind.IMMIGRATION,
    WatchList.PENCEGAHAN: AgencyKind.IMMIGRATION,
    WatchList.DPO: AgencyKind.POLICE,
    WatchList.INTERPOL: AgencyKind.POLICE,
    WatchList.SANCTIONS: AgencyKind.IMMIGRATION,
}


def ensure_watchlists() -> None:
    """Create the lists of the exchange format that do not exist yet, with their default owner."""
    existing = set(Watchlist.objects.values_list("list", flat=True))
    for code in WatchList.values:
        if code in existing:
            continue
        kind = DEFAULT_OWNERS.get(WatchList(code))
        owner = Agency.objects.filter(kind=kind).order_by("code").first() if kind else None
        Watchlist.objects.get_or_create(list=code, defaults={"owning_agency": owner})


def entries_changed(entry_ids: Sequence[int]) -> None:
    """Index these entries now and re-screen the registry against them after the commit."""
    if not entry_ids:
        return
    ensure_watchlists()
    index.index_entries(entry_ids)
    lists = set(WatchlistEntry.objects.filter(pk__in=entry_ids).values_list("list", flat=True))
    Watchlist.objects.filter(list__in=lists).update(changed_at=timezone.now())

    def enqueue() -> None:
        from timpora.matching.tasks import rescreen_entries

        rescreen_entries.enqueue(list(entry_ids))

    transaction.on_commit(enqueue)


@transaction.atomic
def change_watchlist(watchlist: Watchlist, *, actor: User, **values: Any) -> Watchlist:
    """Change a list's owner, description or validity (audited); screening follows validity."""
    changes = {}
    for name, value in values.items():
        old = getattr(watchlist, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(watchlist, name, value)
    if changes:
        watchlist.save()
        audit(actor=actor, verb=Verb.WATCHLIST_CHANGED, subject=watchlist, changes=changes)
        entry_ids = list(
            WatchlistEntry.objects.filter(list=watchlist.list).values_list("pk", flat=True)
        )

        def enqueue() -> None:
            from timpora.matching.tasks import rescreen_entries

            rescreen_entries.enqueue(entry_ids)

        transaction.on_commit(enqueue)
    return watchlist


# --- raising review items ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProposedPair:
    """Two persons that may be one, with the score and its reasons."""

    person_id: int
    other_person_id: int
    score: float
    reasons: list[dict[str, Any]]
    algorithm: str


@dataclass(frozen=True, slots=True)
class ProposedHit:
    person_id: int
    entry_id: int
    score: float
    reasons: list[dict[str, Any]]
    algorithm: str = ALGORITHM


@dataclass(slots=True)
class Raised:
    created: int = 0
    already_open: int = 0
    already_decided: int = 0
    item_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "already_open": self.already_open,
            "already_decided": self.already_decided,
        }


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _responsible_for_pairs(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Who handles a possible duplicate: the agency that first reported the newer person."""
    newer = {b for _, b in pairs}
    return dict(Person.objects.filter(pk__in=newer).values_list("pk", "first_source_id"))


def propose_pairs(
    pairs: Sequence[ProposedPair], *, origin: ReviewOrigin | str, actor: User | None = None
) -> Raised:
    """Open a "possibly the same person" item for each pair not already open or decided."""
    raised = Raised()
    wanted: dict[tuple[int, int], ProposedPair] = {}
    for p in pairs:
        if p.person_id == p.other_person_id:
            continue
        key = _pair(p.person_id, p.other_person_id)
        if key not in wanted or wanted[key].score < p.score:
            wanted[key] = p
    if not wanted:
        return raised
    with transaction.atomic():
        persons = [x for key in wanted for x in key]
        merged = set(
            Person.objects.filter(pk__in=persons, merged_into__isnull=False).values_list(
                "pk", flat=True
            )
        )
        open_pairs = set(
            ReviewItem.objects.filter(
                kind=ReviewKind.SAME, status=ReviewStatus.OPEN, person_id__in=persons
            ).values_list("person_id", "other_person_id")
        )
        decided = set(
            PairDecision.objects.filter(
                person_id__in=persons, other_person__isnull=False
            ).values_list("person_id", "other_person_id")
        )
        agencies = _responsible_for_pairs(wanted)
        new_items = []
        for key, p in sorted(wanted.items()):
            if key[0] in merged or key[1] in merged:
                continue
            if key in open_pairs:
                raised.already_open += 1
                continue
            if key in decided:
                raised.already_decided += 1
                continue
            new_items.append(
                ReviewItem(
                    kind=ReviewKind.SAME,
                    origin=origin,
                    agency_id=agencies[key[1]],
                    person_id=key[0],
                    other_person_id=key[1],
                    score=round(p.score, 4),
                    reasons=p.reasons,
                    algorithm=p.algorithm,
                )
            )
        created = ReviewItem.objects.bulk_create(new_items, batch_size=1000)
        raised.created = len(created)
        raised.item_ids = [item.pk for item in created if item.pk]
        if created:
            audit(
                actor=actor,
                verb=Verb.REVIEW_RAISED,
                subject_type="matching.reviewitem",
                changes={"kind": ReviewKind.SAME, "origin": str(origin), **raised.as_dict()},
            )
    return raised


def _hit_agencies(entry_ids: Iterable[int]) -> dict[int, int]:
    """Who handles a hit: the list's owning agency, else the agency that sent the entry."""
    owners = dict(
        Watchlist.objects.filter(owning_agency__isnull=False).values_list(
            "list", "owning_agency_id"
        )
    )
    return {
        pk: owners.get(list_code, source)
        for pk, list_code, source in WatchlistEntry.objects.filter(
            pk__in=set(entry_ids)
        ).values_list("pk", "list", "source_id")
    }


def propose_hits(
    hits: Sequence[ProposedHit], *, origin: ReviewOrigin | str, actor: User | None = None
) -> Raised:
    """Open a watch-list hit item for each (person, entry) not already open or decided."""
    raised = Raised()
    wanted = {(h.person_id, h.entry_id): h for h in hits}
    if not wanted:
        return raised
    with transaction.atomic():
        persons = {p for p, _ in wanted}
        open_hits = set(
            ReviewItem.objects.filter(
                kind=ReviewKind.HIT, status=ReviewStatus.OPEN, person_id__in=persons
            ).values_list("person_id", "entry_id")
        )
        revisions = dict(
            WatchlistEntry.objects.filter(pk__in={e for _, e in wanted}).values_list(
                "pk", "revision"
            )
        )
        decided = set(
            PairDecision.objects.filter(person_id__in=persons, entry__isnull=False).values_list(
                "person_id", "entry_id", "entry_revision"
            )
        )
        agencies = _hit_agencies(e for _, e in wanted)
        new_items = []
        for (person_id, entry_id), h in sorted(wanted.items()):
            if (person_id, entry_id) in open_hits:
                raised.already_open += 1
                continue
            if (person_id, entry_id, revisions[entry_id]) in decided:
                raised.already_decided += 1
                continue
            new_items.append(
                ReviewItem(
                    kind=ReviewKind.HIT,
                    origin=origin,
                    agency_id=agencies[entry_id],
                    person_id=person_id,
                    entry_id=entry_id,
                    entry_revision=revisions[entry_id],
                    score=round(h.score, 4),
                    reasons=h.reasons,
                    algorithm=h.algorithm,
                )
            )
        created = ReviewItem.objects.bulk_create(new_items, batch_size=1000)
        raised.created = len(created)
        raised.item_ids = [item.pk for item in created if item.pk]
        if created:
            audit(
                actor=actor,
                verb=Verb.REVIEW_RAISED,
                subject_type="matching.reviewitem",
                changes={"kind": ReviewKind.HIT, "origin": str(origin), **raised.as_dict()},
            )
    return raised


# --- linking and screening persons ---------------------------------------------------------


def link_persons(person_ids: Sequence[int], *, actor: User | None = None) -> Raised:
    """Score these persons against their blocking candidates; raise pairs above the threshold."""
    pairs = index.person_candidates(person_ids)
    identities = index.person_identities({x for pair in pairs for x in pair})
    proposed = []
    for a, b in pairs:
        if a not in identities or b not in identities:
            continue
        result = score(identities[a], identities[b], at_least=settings.MATCH_THRESHOLD)
        if result.value >= settings.MATCH_THRESHOLD:
            proposed.append(
                ProposedPair(a, b, result.value, result.reasons_as_dicts(), result.algorithm)
            )
    return propose_pairs(proposed, origin=ReviewOrigin.LINKING, actor=actor)


def _score_hits(pairs: Iterable[tuple[int, int]], on: datetime.date) -> list[ProposedHit]:
    pairs = list(pairs)
    entries = index.entries_in_force({e for _, e in pairs}, on)
    identities = index.person_identities({p for p, e in pairs if e in entries})
    entry_ids = {pk: index.entry_identity(entry) for pk, entry in entries.items()}
    hits = []
    for person_id, entry_id in pairs:
        if entry_id not in entry_ids or person_id not in identities:
            continue
        result = score(
            identities[person_id], entry_ids[entry_id], at_least=settings.SCREEN_THRESHOLD
        )
        if result.value >= settings.SCREEN_THRESHOLD:
            hits.append(ProposedHit(person_id, entry_id, result.value, result.reasons_as_dicts()))
    return hits


def screen_persons(
    person_ids: Sequence[int], *, actor: User | None = None, on: datetime.date | None = None
) -> Raised:
    """Screen these persons against every entry in force; raise hits above the threshold."""
    day = on or timezone.localdate()
    hits = _score_hits(index.entry_candidates(person_ids), day)
    raised = propose_hits(hits, origin=ReviewOrigin.SCREENING, actor=actor)
    if person_ids:
        audit(
            actor=actor,
            verb=Verb.SCREENED,
            subject_type="registry.person",
            changes={"persons": len(person_ids), "hits": len(hits), **raised.as_dict()},
        )
    return raised


def rescreen_for_entries(entry_ids: Sequence[int], *, actor: User | None = None) -> Raised:
    """Screen everyone again against these (new or changed) entries."""
    day = timezone.localdate()
    hits = _score_hits(index.persons_sharing_keys_with_entries(entry_ids), day)
    raised = propose_hits(hits, origin=ReviewOrigin.SCREENING, actor=actor)
    audit(
        actor=actor,
        verb=Verb.SCREENED,
        subject_type="matching.watchlistentry",
        changes={"entries": len(entry_ids), "hits": len(hits), **raised.as_dict()},
    )
    return raised


@dataclass(slots=True)
class Matched:
    """What linking and screening did for the persons of one import batch."""

    indexed: int = 0
    linked: Raised = field(default_factory=Raised)
    screened: Raised = field(default_factory=Raised)

    def as_dict(self) -> dict[str, Any]:
        return {
            "indexed": self.indexed,
            "linked": self.linked.as_dict(),
            "screened": self.screened.as_dict(),
        }


def match_persons(person_ids: Iterable[int], *, actor: User | None = None) -> Matched:
    """After an import: index the persons, link those placed by no document, screen the new
    and renamed ones.

    Safe to run again (a resumed import does): indexing skips names already indexed, linking
    skips pairs already raised or decided, and persons already screened under their current
    names are not screened again.
    """
    result = Matched()
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), index.CHUNK):
        chunk = ids[start : start + index.CHUNK]
        result.indexed += len(index.index_persons(chunk))
        _add(result.linked, raise_conflicts(chunk, actor=actor))
        unplaced = list(
            Person.objects.filter(
                pk__in=chunk, needs_resolution=True, merged_into__isnull=True
            ).values_list("pk", flat=True)
        )
        if unplaced:
            linked = link_persons(unplaced, actor=actor)
            _add(result.linked, linked)
            # Placed by no document and like nobody known: nothing awaits an officer.
            raised = ReviewItem.objects.filter(
                kind=ReviewKind.SAME, status=ReviewStatus.OPEN
            ).filter(Q(person_id=OuterRef("pk")) | Q(other_person_id=OuterRef("pk")))
            Person.objects.filter(pk__in=unplaced).exclude(Exists(raised)).update(
                needs_resolution=False
            )
        unscreened = list(
            PersonForms.objects.filter(person_id__in=chunk, screened_at__isnull=True).values_list(
                "person_id", flat=True
            )
        )
        if unscreened:
            _add(result.screened, screen_persons(unscreened, actor=actor))
            PersonForms.objects.filter(person_id__in=unscreened).update(screened_at=timezone.now())
    return result


def raise_conflicts(person_ids: Sequence[int], *, actor: User | None = None) -> Raised:
    """Raise every identity conflict of these persons (one passport number, two identities)
    for review, whatever its score: only an officer can say whether they are one human."""
    pairs = list(
        IdentityConflict.objects.filter(
            Q(person_id__in=person_ids) | Q(other_person_id__in=person_ids)
        ).values_list("person_id", "other_person_id")
    )
    if not pairs:
        return Raised()
    identities = index.person_identities({x for pair in pairs for x in pair})
    proposed = []
    for a, b in pairs:
        if a in identities and b in identities:
            result = score(identities[a], identities[b])
            proposed.append(
                ProposedPair(a, b, result.value, result.reasons_as_dicts(), result.algorithm)
            )
    return propose_pairs(proposed, origin=ReviewOrigin.CONFLICT, actor=actor)


def _add(total: Raised, part: Raised) -> None:
    total.created += part.created
    total.already_open += part.already_open
    total.already_decided += part.already_decided
    total.item_ids.extend(part.item_ids)


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
        if (
            isinstance(constraint, models.UniqueConstraint)
            and field_name in constraint.fields
            and constraint.condition is None
        ):
            others = [f for f in constraint.fields if f != field_name]
            clash = model._default_manager.filter(
                **{field_name: survivor}, **{f: models.OuterRef(f) for f in others}
            )
            rows = rows.exclude(models.Exists(clash))
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
