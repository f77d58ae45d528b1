"""Background tasks of the exchange app (run by ``timpora worker``)."""

from __future__ import annotations

from django_tasks import task

from timpora.exchange.models import ImportBatch
from timpora.exchange.pipeline import ImportRefused, discard_upload, run_batch


@task()
def run_import(batch_id: int) -> str:
    """Import an uploaded batch; a refused file is a normal outcome, not a failure."""
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        run_batch(batch)
    except ImportRefused:
        pass
    finally:
        batch.refresh_from_db()
        if batch.finished:
            discard_upload(batch)
    return str(batch.status)
