"""What a case of each type usually needs done, in order, and which type an alert's rule
suggests. The tasks are created when a case is opened; officers add, complete and reopen them.

The strings are English sources translated to Bahasa Indonesia (the default language).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from timpora.cases.choices import CaseType
from timpora.detection.choices import SubjectType


@dataclass(frozen=True)
class Step:
    """One task of a playbook: ``key`` is kept on the task (``Task.template``)."""

    key: str
    title: Promise
    days: int  # due this many days after the case is opened

    def due_on(self, opened_on: date) -> date:
        return opened_on + timedelta(days=self.days)


PLAYBOOKS: dict[str, tuple[Step, ...]] = {
    CaseType.OVERSTAY: (
        Step("verify-identity", _("Verify the identity, passport and stay permit"), 1),
        Step("check-departure", _("Check the departure records and any extension request"), 1),
        Step("locate", _("Locate the person (lodging reports, sponsor)"), 2),
        Step("interview", _("Interview the person and draw up the examination record (BAP)"), 3),
        Step(
            "charge-or-deport",
            _("Compute the overstay charge, or propose deportation beyond 60 days"),
            5,
        ),
        Step("close-out", _("Record the payment or the departure and close the case"), 14),
    ),
    CaseType.VISITOR_WORKING: (
        Step("verify-identity", _("Verify the identity and the visit permit"), 1),
        Step("site-check", _("Check the work site together with Disnaker"), 3),
        Step("employer-statement", _("Take a statement from the employer"), 5),
        Step("interview", _("Interview the person and draw up the examination record (BAP)"), 5),
        Step("propose-action", _("Propose the administrative action"), 7),
    ),
    CaseType.OUTSIDE_RPTKA: (
        Step("verify-rptka", _("Compare the RPTKA and the work permit with the actual work"), 2),
        Step("refer-disnaker", _("Ask Disnaker to check the employer's RPTKA"), 3),
        Step("employer-statement", _("Take a statement from the employer"), 5),
        Step("propose-action", _("Propose changing or cancelling the stay permit"), 10),
    ),
    CaseType.UNREPORTED_STAY: (
        Step("verify-stay", _("Verify where the person stays"), 2),
        Step("contact-host", _("Contact the host or lodging about the missing report"), 3),
        Step("record-report", _("Make sure the stay is reported (APOA)"), 7),
    ),
    CaseType.NON_REPORTING_LODGING: (
        Step("visit-lodging", _("Visit the lodging"), 3),
        Step("explain-apoa", _("Explain the APOA reporting duty to the manager"), 3),
        Step("check-guests", _("Check the foreign guests of the last 30 days"), 5),
        Step("follow-up", _("Check that the lodging reports from now on"), 30),
    ),
    CaseType.WATCHLIST_HIT: (
        Step("confirm-identity", _("Confirm the identity against the watch-list entry"), 0),
        Step("contact-owner", _("Contact the agency that owns the watch-list entry"), 1),
        Step("decide-measure", _("Decide the measure with the owning agency"), 2),
    ),
    CaseType.IDENTITY_CONFLICT: (
        Step("compare-documents", _("Compare the conflicting documents and records"), 2),
        Step("ask-issuer", _("Ask the issuing authority or the embassy to confirm"), 5),
        Step("interview", _("Interview the person"), 7),
        Step("record-finding", _("Record the finding (same person, forgery, data error)"), 10),
    ),
    CaseType.OTHER: (),
}

#: The case type an alert's rule suggests (person alerts; see :func:`case_type_for` for places).
RULE_CASE_TYPE: dict[str, str] = {
    "OVERSTAY": CaseType.OVERSTAY,
    "STAY_BEYOND_PERMIT": CaseType.OVERSTAY,
    "VISITOR_WORKING": CaseType.VISITOR_WORKING,
    "WORK_MISMATCH": CaseType.OUTSIDE_RPTKA,
    "UNREPORTED_STAY": CaseType.UNREPORTED_STAY,
    "LATE_REPORT": CaseType.UNREPORTED_STAY,
    "WATCHLIST_HIT": CaseType.WATCHLIST_HIT,
    "DOCUMENT_CONFLICT": CaseType.IDENTITY_CONFLICT,
}
#: Reporting rules about a place (a lodging) rather than a person.
PLACE_REPORTING_RULES = {"UNREPORTED_STAY", "LATE_REPORT"}


def case_type_for(alert: Any) -> str:
    """The case type of an alert: by its rule; a reporting alert about a place is a lodging
    that does not report."""
    if alert.rule in PLACE_REPORTING_RULES and alert.subject_type == SubjectType.PLACE:
        return CaseType.NON_REPORTING_LODGING
    return RULE_CASE_TYPE.get(alert.rule, CaseType.OTHER)


def case_type_for_alerts(alerts: Any) -> str:
    """The type of the first alert whose rule suggests one, OTHER when none does."""
    for alert in alerts:
        found = case_type_for(alert)
        if found != CaseType.OTHER:
            return found
    return CaseType.OTHER


def steps_for(case_type: str) -> tuple[Step, ...]:
    return PLAYBOOKS.get(case_type, ())
