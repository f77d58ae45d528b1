"""Column profiles: an agency's named mapping from its files' own column names to the fields."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from timpora.accounts.models import User
from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.exchange.models import ColumnProfile
from timpora.registry.choices import FactKind
from timpora.registry.records import COLUMNS


@transaction.atomic
def save_column_profile(
    *, actor: User, kind: str, name: str, mapping: Mapping[str, str]
) -> ColumnProfile:
    """Save ``mapping`` as the actor's agency's profile ``name`` for ``kind`` (audited).

    A profile of the same name and kind is updated. ``mapping`` maps a file column to a field
    of the kind, or to ``""`` for a column to ignore.
    """
    if actor.agency_id is None:
        raise ValueError("only a user of an agency saves column profiles")
    if kind not in FactKind.values:
        raise ValueError(f"unknown kind {kind!r}")
    name = name.strip()
    if not name:
        raise ValueError("a column profile needs a name")
    fields = set(COLUMNS[kind])
    unknown = {target for target in mapping.values() if target and target not in fields}
    if unknown:
        raise ValueError(f"fields not in {kind}: {sorted(unknown)}")
    profile = (
        ColumnProfile.objects.select_for_update()
        .filter(agency_id=actor.agency_id, kind=kind, name=name)
        .first()
    )
    before = dict(profile.mapping) if profile else None
    if profile is None:
        profile = ColumnProfile.objects.create(
            agency_id=actor.agency_id, kind=kind, name=name, mapping=dict(mapping)
        )
    else:
        profile.mapping = dict(mapping)
        profile.save(update_fields=["mapping", "updated_at"])
    audit(
        actor=actor,
        verb=Verb.COLUMN_PROFILE_SAVED,
        subject=profile,
        changes={"kind": kind, "name": name, "mapping": [before, dict(mapping)]},
    )
    return profile
