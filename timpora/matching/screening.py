"""Screening on demand: one identity (or a file of them) against the watch lists in force.

The form, ``POST /api/v1/screen`` and ``timpora screen`` all call :func:`screen`; each screening
asked by a person is audited with its purpose by :func:`screen_audited`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.matching import index
from timpora.matching.models import WatchlistEntry
from timpora.matching.scoring import Identity, Score, score


@dataclass(frozen=True, slots=True)
class Match:
    entry: WatchlistEntry
    score: Score

    def as_dict(self) -> dict[str, Any]:
        """The shape of ``spec/cli.md`` (``timpora screen``) and of the API."""
        return {
            "list": self.entry.list,
            "entry_id": self.entry.entry_id,
            "score": round(self.score.value, 4),
            "reasons": self.score.reasons_as_dicts(),
        }

    def as_detail(self) -> dict[str, Any]:
        """With what an officer needs to act: who is listed, why, and what to do on a hit."""
        entry = self.entry
        return {
            **self.as_dict(),
            "full_name": entry.full_name,
            "aliases": list(entry.aliases),
            "date_of_birth": entry.date_of_birth,
            "nationalities": list(entry.nationalities),
            "reason": entry.reason,
            "action_on_hit": entry.action_on_hit,
            "owning_agency": entry.owning_agency,
            "legal_basis": entry.legal_basis,
            "valid_until": entry.valid_until.isoformat() if entry.valid_until else "",
            "algorithm": self.score.algorithm,
        }


def query_identity(
    full_name: str,
    *,
    aliases: Sequence[str] = (),
    date_of_birth: str = "",
    sex: str = "",
    nationalities: Sequence[str] = (),
    documents: Sequence[str] = (),
) -> Identity:
    return Identity(
        names=tuple(n.strip() for n in (full_name, *aliases) if n and n.strip()),
        date_of_birth=date_of_birth.strip(),
        sex=sex.strip().upper(),
        nationalities=tuple(n.strip().upper() for n in nationalities if n.strip()),
        documents=tuple(d for d in documents if d.strip()),
    )


def screen(
    identity: Identity,
    *,
    on: datetime.date | None = None,
    threshold: float | None = None,
) -> list[Match]:
    """The entries in force that score at least the threshold against ``identity``, best first."""
    if not identity.names:
        return []
    cut = settings.SCREEN_THRESHOLD if threshold is None else threshold
    day = on or timezone.localdate()
    # Normalise the query once, not once per candidate.
    query = Identity(
        names=identity.names,
        date_of_birth=identity.date_of_birth,
        sex=identity.sex,
        nationalities=identity.nationalities,
        documents=identity.documents,
        forms=identity.name_variants(),
    )
    candidates = index.candidate_entries(query)
    entries = index.entries_in_force(candidates, day)
    matches = []
    for pk in candidates:
        entry = entries.get(pk)
        if entry is None:
            continue
        result = score(query, index.entry_identity(entry), at_least=cut)
        if result.value >= cut:
            matches.append(Match(entry, result))
    matches.sort(key=lambda m: (-m.score.value, m.entry.list, m.entry.entry_id))
    return matches


def screen_audited(
    identity: Identity, *, actor: Any, purpose: str, channel: str, queries: int = 1
) -> list[Match]:
    """Screen and record who asked, why and through what (form, API, command line)."""
    matches = screen(identity)
    audit(
        actor=actor,
        verb=Verb.SCREENED,
        purpose=purpose,
        subject_type="matching.watchlistentry",
        changes={
            "channel": channel,
            "queries": queries,
            "matches": [f"{m.entry.list}:{m.entry.entry_id}" for m in matches],
        },
    )
    return matches
