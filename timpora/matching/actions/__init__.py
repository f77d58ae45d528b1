"""Writes of the matching app: watch lists, the index, review items, decisions, merges and splits.

Nothing here merges or acts on a person by itself: linking and screening raise review items,
and only :func:`decide` (an officer's recorded decision) merges two persons.
"""

from timpora.matching.actions.decisions import (
    ContradictsEarlierDecision,
    Decided,
    NotDecidable,
    decide,
    merge_persons,
    split,
)
from timpora.matching.actions.review import (
    Matched,
    ProposedHit,
    ProposedPair,
    Raised,
    link_persons,
    match_persons,
    propose_hits,
    propose_pairs,
    raise_conflicts,
    rescreen_for_entries,
    screen_persons,
)
from timpora.matching.actions.watchlists import (
    DEFAULT_OWNERS,
    change_watchlist,
    ensure_watchlists,
    entries_changed,
    record_watchlist_entries,
)

__all__ = [
    "DEFAULT_OWNERS",
    "ContradictsEarlierDecision",
    "Decided",
    "Matched",
    "NotDecidable",
    "ProposedHit",
    "ProposedPair",
    "Raised",
    "change_watchlist",
    "decide",
    "ensure_watchlists",
    "entries_changed",
    "link_persons",
    "match_persons",
    "merge_persons",
    "propose_hits",
    "propose_pairs",
    "raise_conflicts",
    "record_watchlist_entries",
    "rescreen_for_entries",
    "screen_persons",
    "split",
]
