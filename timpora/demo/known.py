"""Who the demo's files name, and whom another identity would be taken for.

The planted cases must do what they are planted for, whatever the day and the size of the
population: a watch-list entry meant for a person must score as that person, a clean trap or an
entry for someone abroad must score as nobody. The generator asks the matching app's own scorer
(``matching.scoring.score``, the one linking and screening use), comparing only the identities
whose dates of birth leave a match possible: two full dates that differ beyond a typo, or a year
that differs, rule a match out whatever the names (a document number in common aside, which the
demo never plants).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from timpora.matching.normalise import blocking_keys
from timpora.matching.scoring import Identity, score

# The identity block's key in the demo: (nationality, passport number).
Key = tuple[str, str]


def identity_of(block: dict[str, str]) -> Identity:
    """A row's identity block as the registry's person (or a watch-list entry) is scored."""
    return Identity(
        names=tuple(n for n in (block["full_name"], block.get("name_original", "")) if n),
        date_of_birth=block["date_of_birth"],
        sex=block["sex"],
        nationalities=(block["nationality"],),
        documents=(block["passport_number"],) if block.get("passport_number") else (),
    )


def findable(a: Identity, b: Identity) -> bool:
    """Whether the matching app's blocking index would put the two side by side at all (they
    share a blocking key of their names): a name it cannot key (``A. RAO``) is never scored."""
    return bool(blocking_keys(a.name_variants()) & blocking_keys(b.name_variants()))


def _date_keys(date_of_birth: str) -> set[tuple[str, ...]]:
    """Keys shared by two dates of birth that may be of one person (equal, typo, swapped)."""
    if len(date_of_birth) != 10:
        return {("partial", date_of_birth[:4])}
    year, month, day = date_of_birth[:4], date_of_birth[5:7], date_of_birth[8:]
    digits = year + month + day
    keys: set[tuple[str, ...]] = {
        ("typo", digits[:i] + "?" + digits[i + 1 :]) for i in range(len(digits))
    }
    keys.add(("swapped", year, *sorted((month, day))))
    return keys


@dataclass
class Known:
    """Identities by key, indexed by what their dates of birth could match."""

    identities: dict[Key, Identity] = field(default_factory=dict)
    _by_date: dict[tuple[str, ...], set[Key]] = field(default_factory=lambda: defaultdict(set))
    _by_year: dict[str, set[Key]] = field(default_factory=lambda: defaultdict(set))

    def add(self, key: Key, identity: Identity) -> None:
        if key in self.identities:
            return
        self.identities[key] = identity
        for date_key in _date_keys(identity.date_of_birth):
            self._by_date[date_key].add(key)
        self._by_year[identity.date_of_birth[:4]].add(key)

    def add_rows(self, rows: Iterable[dict[str, str]]) -> None:
        for row in rows:
            self.add((row["nationality"], row["passport_number"]), identity_of(row))

    def _candidates(self, date_of_birth: str) -> set[Key]:
        if not date_of_birth:
            return set(self.identities)
        year = date_of_birth[:4]
        if len(date_of_birth) != 10:
            return set(self._by_year[year])
        found = set(self._by_date[("partial", year)])
        for date_key in _date_keys(date_of_birth):
            found |= self._by_date[date_key]
        return found

    def taken_for(self, identity: Identity, threshold: float) -> dict[Key, float]:
        """The known identities this one scores as (at or above ``threshold``), with scores."""
        found = {}
        for key in sorted(self._candidates(identity.date_of_birth)):
            value = score(identity, self.identities[key], at_least=threshold).value
            if value >= threshold:
                found[key] = value
        return found
