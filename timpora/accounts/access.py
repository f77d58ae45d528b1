"""Need-to-know access: what each agency's users may see of each category of person data.

An agency's access profile holds one level per :class:`DataCategory`: nothing, counts only, or
person-level records. Person-level managers call :func:`record_categories` in their
``visible_to``; pages with figures call :func:`can_count`. The defaults below follow the tasks of
each kind of agency in a Timpora team (DOMAIN.md); a coordinator edits them per agency.
"""

from __future__ import annotations

from typing import Any

from timpora.accounts.choices import ACCESS_LEVEL_RANK, AccessLevel, AgencyKind, DataCategory

C = DataCategory
R, N, K = AccessLevel.RECORD, AccessLevel.NONE, AccessLevel.COUNT


def _profile(
    records: set[DataCategory], *, none: frozenset[DataCategory] = frozenset()
) -> dict[DataCategory, AccessLevel]:
    """Records for ``records``, nothing for ``none``, counts for every other category."""
    return {
        category: R if category in records else N if category in none else K
        for category in DataCategory
    }


_NO_INTEL = frozenset({C.INTELLIGENCE})

DEFAULT_PROFILES: dict[str, dict[DataCategory, AccessLevel]] = {
    # Immigration runs the team and holds the primary records: it sees everything.
    AgencyKind.IMMIGRATION: _profile(set(DataCategory)),
    # Police: who is where (crossings, lodging reports) for public order and wanted persons.
    AgencyKind.POLICE: _profile(
        {C.IDENTITY, C.CROSSINGS, C.RESIDENCE_REPORTS, C.ALERTS, C.CASES}, none=_NO_INTEL
    ),
    AgencyKind.MILITARY: _profile(set(), none=_NO_INTEL),
    # Prosecutors see persons through the cases referred to them.
    AgencyKind.PROSECUTOR: _profile({C.CASES}, none=_NO_INTEL),
    # Local government plans with figures per kecamatan, never with persons.
    AgencyKind.LOCAL_GOVERNMENT: _profile(set(), none=_NO_INTEL),
    # Manpower supervises foreign workers: their permits and RPTKA.
    AgencyKind.MANPOWER: _profile(
        {C.IDENTITY, C.DOCUMENTS, C.WORK_PERMITS, C.ALERTS, C.CASES}, none=_NO_INTEL
    ),
    # Civil registry issues SKTT and KTP-el to resident foreigners.
    AgencyKind.CIVIL_REGISTRY: _profile({C.IDENTITY, C.REGISTRATIONS}, none=_NO_INTEL),
    AgencyKind.CUSTOMS: _profile({C.IDENTITY, C.CROSSINGS}, none=_NO_INTEL),
    AgencyKind.INTELLIGENCE: _profile(
        {C.IDENTITY, C.DOCUMENTS, C.CROSSINGS, C.RESIDENCE_REPORTS, C.INTELLIGENCE}
    ),
    AgencyKind.OTHER: _profile(set(), none=_NO_INTEL),
}

# The categories whose records say something about a person besides their identity. An agency
# sees a person when it may see identities and at least one of these holds a record of theirs.
FACT_CATEGORIES = (
    C.DOCUMENTS,
    C.CROSSINGS,
    C.RESIDENCE_REPORTS,
    C.WORK_PERMITS,
    C.REGISTRATIONS,
)


def levels_for(user: Any) -> dict[str, str]:
    """The user's agency profile as ``{category: level}``, read once per user object."""
    cached: dict[str, str] | None = getattr(user, "_timpora_access_levels", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.agency_id:
        levels: dict[str, str] = {}
    else:
        from timpora.accounts.models import AccessGrant

        levels = dict(
            AccessGrant.objects.filter(agency_id=user.agency_id).values_list("category", "level")
        )
    user._timpora_access_levels = levels
    return levels


def forget_levels(user: Any) -> None:
    """Drop the cached profile (after a change in the same request)."""
    if hasattr(user, "_timpora_access_levels"):
        del user._timpora_access_levels


def level(user: Any, category: DataCategory | str) -> AccessLevel:
    return AccessLevel(levels_for(user).get(str(category), AccessLevel.NONE))


def can_see_records(user: Any, category: DataCategory | str) -> bool:
    return level(user, category) == AccessLevel.RECORD


def can_count(user: Any, category: DataCategory | str) -> bool:
    return ACCESS_LEVEL_RANK[level(user, category)] >= ACCESS_LEVEL_RANK[AccessLevel.COUNT]


def record_categories(user: Any) -> set[str]:
    """The fact categories whose records the user may see, or none without identity access."""
    if not can_see_records(user, C.IDENTITY):
        return set()
    return {str(category) for category in FACT_CATEGORIES if can_see_records(user, category)}
