"""Detection reacts to imports: the rules run for what each finished batch touched."""

from __future__ import annotations

import logging
from typing import Any

from timpora.exchange.signals import batch_imported

logger = logging.getLogger(__name__)


def detect_after_import(
    sender: Any, *, batch: Any, person_ids: list[int], company_ids: list[str], **kwargs: Any
) -> None:
    from timpora.detection.tasks import detect_for_batch

    detect_for_batch(batch.pk, person_ids, company_ids, actor=batch.submitted_by)


def connect() -> None:
    batch_imported.connect(detect_after_import, dispatch_uid="detection.detect_after_import")
