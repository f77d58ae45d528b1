"""Raising review items: linking persons, screening them, identity conflicts."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from timpora.accounts.models import User
from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.core.bulk import refresh_statistics
from timpora.matching import index
from timpora.matching.choices import ReviewKind, ReviewOrigin, ReviewStatus
from timpora.matching.models import (
    PairDecision,
    PersonForms,
    PersonKey,
    ReviewItem,
    Watchlist,
    WatchlistEntry,
)
from timpora.matching.scoring import ALGORITHM, score
from timpora.registry.models import IdentityConflict, Person

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
        _create_items(new_items, ReviewKind.SAME, origin, actor, raised)
    return raised


def _create_items(
    items: list[ReviewItem],
    kind: ReviewKind,
    origin: ReviewOrigin | str,
    actor: User | None,
    raised: Raised,
) -> None:
    """Write the new items in bulk and audit them as one event."""
    created = ReviewItem.objects.bulk_create(items, batch_size=1000)
    raised.created = len(created)
    raised.item_ids = [item.pk for item in created if item.pk]
    if created:
        audit(
            actor=actor,
            verb=Verb.REVIEW_RAISED,
            subject_type="matching.reviewitem",
            changes={"kind": str(kind), "origin": str(origin), **raised.as_dict()},
        )


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
        _create_items(new_items, ReviewKind.HIT, origin, actor, raised)
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


def match_persons(person_ids: Iterable[int], *, actor: User | None = None) -> Matched:
    """After an import: index the persons, link those placed by no document, screen the new
    and renamed ones.

    Safe to run again (a resumed import does): indexing skips names already indexed, linking
    skips pairs already raised or decided, and persons already screened under their current
    names are not screened again.
    """
    result = Matched()
    ids = sorted(set(person_ids))
    for number, start in enumerate(range(0, len(ids), index.CHUNK)):
        chunk = ids[start : start + index.CHUNK]
        result.indexed += len(index.index_persons(chunk))
        if number in (0, 3, 15, 63) and len(ids) > index.CHUNK:
            # A large batch multiplies the index: let PostgreSQL's planner know (as the import
            # does for the facts), so the candidate joins keep using the key index.
            refresh_statistics([PersonKey, PersonForms])
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
