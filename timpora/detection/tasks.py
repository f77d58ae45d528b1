"""Background work of the detection app: the run after an import and the nightly sweep."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from timpora.detection.choices import RunKind
from timpora.detection.engine import detect, place_window_days, scope_of_persons
from timpora.detection.frame import Scope
from timpora.detection.models import DetectionRun

logger = logging.getLogger(__name__)


def detect_for_batch(
    batch_id: int, person_ids: Iterable[int], company_nibs: Iterable[str], *, actor: Any = None
) -> DetectionRun | None:
    """Evaluate every rule for the persons, places and companies an import batch touched.

    Runs in the import's own process (the upload request or the worker that imports), right
    after the batch (its cost at scale: ``bench/detect_bench.py``, docs/performance.md).
    """
    from timpora.detection.actions import parameters_at
    from timpora.exchange.models import ImportBatch
    from timpora.registry.choices import FactKind
    from timpora.registry.models import Company

    kind = ImportBatch.objects.filter(pk=batch_id).values_list("kind", flat=True).first()
    window = place_window_days(parameters_at(timezone.localdate()))
    scope = scope_of_persons(
        person_ids,
        # Only residence reports change what the place rules see.
        with_places=kind in (None, FactKind.RESIDENCE_REPORT),
        places_since=timezone.localdate() - timedelta(days=window),
    )
    nibs = list(company_nibs)
    if nibs:
        companies = set(Company.objects.filter(company_id__in=nibs).values_list("pk", flat=True))
        scope = Scope(scope.person_ids, scope.place_ids, scope.company_ids | companies)
    if not scope.size:
        return None
    return detect(scope=scope, kind=RunKind.INCREMENTAL, actor=actor)


@task()
def sweep(as_of: str | None = None, rule: str | None = None) -> dict[str, Any]:
    """A full sweep of the rules (``timpora detect`` in the background)."""
    day = date.fromisoformat(as_of) if as_of else None
    run = detect(day, rules=[rule] if rule else None)
    return {"run": run.pk, "counts": run.counts}


@task()
def nightly(as_of: str) -> dict[str, Any] | None:
    """The nightly sweep of ``as_of``: claimed once per day, however many workers run."""
    day = date.fromisoformat(as_of)
    try:
        with transaction.atomic():
            run = DetectionRun.objects.create(kind=RunKind.NIGHTLY, as_of=day)
    except IntegrityError:
        logger.info("The nightly detection of %s has already run.", day)
        return None
    run = detect(day, kind=RunKind.NIGHTLY, run=run)
    return {"run": run.pk, "counts": run.counts}


def nightly_due(now: Any = None) -> str | None:
    """Today's date when the nightly sweep is due (after NIGHTLY_DETECTION_HOUR) and not run."""
    from django.conf import settings

    now = timezone.localtime(now)
    if now.hour < settings.NIGHTLY_DETECTION_HOUR:
        return None
    today = now.date()
    if DetectionRun.objects.filter(kind=RunKind.NIGHTLY, as_of=today).exists():
        return None
    return today.isoformat()
