from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from timpora.core.apps import HomePanel, TimporaAppConfig

if TYPE_CHECKING:
    from django.http import HttpRequest


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

    def home_panels(self, request: HttpRequest) -> list[HomePanel]:
        """Open and overdue alerts the user may see, when their agency may see alerts."""
        from django.urls import reverse

        from timpora.accounts.access import can_see_records
        from timpora.accounts.choices import DataCategory
        from timpora.core.apps import HomeFigure
        from timpora.detection.queries import home_counts

        if not can_see_records(request.user, DataCategory.ALERTS):
            return []
        open_count, overdue = home_counts(request.user)
        inbox = reverse("detection:inbox")
        return [
            HomePanel(
                str(_("Alerts")),
                [
                    HomeFigure(
                        str(_("Open alerts")),
                        open_count,
                        str(_("new, acknowledged or escalated")),
                        inbox,
                    ),
                    HomeFigure(
                        str(_("Overdue alerts")),
                        overdue,
                        str(_("new and not acknowledged in time")),
                        inbox,
                    ),
                ],
                order=15,
            )
        ]

    def person_panels(self, request: HttpRequest, person: Any) -> list[str]:
        """The person's live alerts routed to the user's agency, with the person's risk."""
        from django.template.loader import render_to_string

        from timpora.accounts.access import can_see_records
        from timpora.accounts.choices import DataCategory
        from timpora.detection.choices import OPEN_STATUSES
        from timpora.detection.models import Alert
        from timpora.detection.risk import Risk, risks
        from timpora.detection.rules import RULES

        if not can_see_records(request.user, DataCategory.ALERTS):
            return []
        alerts = list(
            Alert.objects.visible_to(request.user)
            .filter(person=person, status__in=OPEN_STATUSES)
            .order_by("-first_detected_at")
        )
        if not alerts:
            return []
        rows = [
            {
                "alert": alert,
                "title": RULES[alert.rule].title if alert.rule in RULES else alert.rule,
                "text": alert.explanation(),
            }
            for alert in alerts
        ]
        risk = risks("person", [person.pk]).get(person.pk, Risk())
        html = render_to_string(
            "detection/_person_alerts.html", {"rows": rows, "risk": risk}, request=request
        )
        return [html]

    def load_reference_data(self, *, log: Any) -> None:
        from timpora.detection.actions import ensure_defaults

        created = ensure_defaults()
        if log is not None and any(created.values()):
            log.write(
                "Detection: {parameters} legal parameters, {routes} alert routes added.".format(
                    **created
                )
            )
