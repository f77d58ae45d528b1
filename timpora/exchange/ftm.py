"""FollowTheMoney entities (the OpenSanctions export format) read as ``watchlist-entry`` rows.

A FollowTheMoney JSON Lines file holds one entity per line: ``{"id", "schema", "properties",
"caption", "datasets", "first_seen", ...}`` with every property a list of strings. ``Person``
entities become watch-list entries (the exchange format's fields); entities of other schemas
(companies, vessels, sanctions, addresses) are skipped and counted in the batch's notes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pycountry
from django.utils import timezone
from django.utils.translation import gettext as _

from timpora.registry.choices import FactKind, WatchList
from timpora.registry.records import COLUMNS

FTM_COLUMNS: tuple[str, ...] = COLUMNS[FactKind.WATCHLIST_ENTRY]
_SEX = {"male": "M", "female": "F", "other": "X"}


def is_ftm(obj: Mapping[str, Any]) -> bool:
    """Whether a JSON object is a FollowTheMoney entity."""
    return isinstance(obj.get("schema"), str) and isinstance(obj.get("properties"), dict)


def _values(properties: Mapping[str, Any], *names: str) -> list[str]:
    out: list[str] = []
    for name in names:
        value = properties.get(name) or []
        for item in value if isinstance(value, list) else [value]:
            text = str(item).strip()
            if text and text not in out:
                out.append(text)
    return out


def _alpha3(code: str) -> str:
    code = code.strip()
    if len(code) == 3 and code.isalpha():
        return code.upper()
    country = pycountry.countries.get(alpha_2=code.split("-")[0].upper()) if code else None
    return country.alpha_3 if country else ""


def entry_values(entity: Mapping[str, Any]) -> dict[str, str]:
    """The ``watchlist-entry`` fields of one FollowTheMoney ``Person`` entity."""
    properties = entity.get("properties") or {}
    names = _values(properties, "name")
    caption = str(entity.get("caption") or "").strip()
    full_name = caption or (names[0] if names else "")
    aliases = [n for n in [*names, *_values(properties, "alias", "weakAlias")] if n != full_name]
    nationalities = []
    for code in _values(properties, "nationality", "citizenship"):
        alpha3 = _alpha3(code)
        if alpha3 and alpha3 not in nationalities:
            nationalities.append(alpha3)
    datasets = [str(d) for d in entity.get("datasets") or []]
    topics = _values(properties, "topics")
    reason_parts = []
    if datasets:
        reason_parts.append(_("Listed in: %(datasets)s.") % {"datasets": ", ".join(datasets)})
    if topics:
        reason_parts.append(_("Topics: %(topics)s.") % {"topics": ", ".join(topics)})
    notes = _values(properties, "notes", "position", "program")
    if notes:
        reason_parts.append(notes[0][:2000])
    listed = WatchList.SANCTIONS
    if any(d.startswith("interpol") for d in datasets):
        listed = WatchList.INTERPOL
    first_seen = str(entity.get("first_seen") or "")[:10] or timezone.localdate().isoformat()
    gender = _values(properties, "gender")
    return {
        "list": str(listed),
        "entry_id": str(entity.get("id") or ""),
        "full_name": full_name,
        "aliases": ";".join(a.replace(";", ",") for a in aliases),
        "name_original": "",
        "sex": _SEX.get(gender[0].lower(), "") if gender else "",
        "date_of_birth": (_values(properties, "birthDate") or [""])[0][:10],
        "nationality": ";".join(nationalities),
        "passport_numbers": ";".join(_values(properties, "passportNumber")),
        "reason": " ".join(reason_parts) or _("Listed in a published sanctions data set."),
        "action_on_hit": _(
            "Verify the identity with the documents; report the hit to the immigration "
            "intelligence unit before any action."
        ),
        "owning_agency": "OpenSanctions" + (f" ({', '.join(datasets)})" if datasets else ""),
        "legal_basis": ";".join(_values(properties, "program", "programId"))[:300],
        "valid_from": first_seen,
        "valid_until": "",
    }


def ftm_rows(
    objects: Iterator[tuple[int, dict[str, Any]]], notes: list[str]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The ``Person`` entities as watch-list rows; other schemas counted in ``notes`` at the end."""
    skipped: dict[str, int] = {}
    for line, obj in objects:
        if not is_ftm(obj):
            # Not an entity at all: passed through, so the row is rejected with its reason.
            yield line, obj
            continue
        if obj["schema"] != "Person":
            skipped[obj["schema"]] = skipped.get(obj["schema"], 0) + 1
            continue
        yield line, entry_values(obj)
    if skipped:
        counts = ", ".join(f"{schema} {count}" for schema, count in sorted(skipped.items()))
        notes.append(
            _(
                "FollowTheMoney entities that are not persons were skipped (%(counts)s); "
                "only Person entities are watch-list entries."
            )
            % {"counts": counts}
        )
