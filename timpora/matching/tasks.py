"""Background work of the matching app (run by ``timpora worker``)."""

from __future__ import annotations

from django_tasks import task

from timpora.matching.actions import rescreen_for_entries


@task()
def rescreen_entries(entry_ids: list[int]) -> dict[str, int]:
    """Screen the whole registry again against watch-list entries that were added or changed."""
    return rescreen_for_entries(entry_ids).as_dict()
