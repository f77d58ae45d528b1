from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from timpora.core.apps import TimporaAppConfig


class DetectionConfig(TimporaAppConfig):
    default = True
    name = "timpora.detection"
    label = "detection"
    verbose_name = _("Early detection")

    def ready(self) -> None:
        from timpora.detection import signals

        signals.connect()

    def schedule(self) -> None:
        from timpora.detection.tasks import nightly, nightly_due

        day = nightly_due()
        if day is not None and day != getattr(self, "_enqueued", None):
            nightly.enqueue(day)
            self._enqueued = day

    def load_reference_data(self, *, log: Any) -> None:
        from timpora.detection.actions import ensure_defaults

        created = ensure_defaults()
        if log is not None and any(created.values()):
            log.write(
                "Detection: {parameters} legal parameters, {routes} alert routes added.".format(
                    **created
                )
            )
