"""Stable string values of the cases app: case types and states, referrals, administrative
actions (TAK) and the documents issued for them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseType(models.TextChoices):
    OVERSTAY = "OVERSTAY", _("Overstay")
    VISITOR_WORKING = "VISITOR_WORKING", _("Working on a visit permit")
    OUTSIDE_RPTKA = "OUTSIDE_RPTKA", _("Worker outside the RPTKA")
    UNREPORTED_STAY = "UNREPORTED_STAY", _("Unreported stay")
    NON_REPORTING_LODGING = "NON_REPORTING_LODGING", _("Lodging that does not report")
    WATCHLIST_HIT = "WATCHLIST_HIT", _("Watch-list hit")
    IDENTITY_CONFLICT = "IDENTITY_CONFLICT", _("Identity conflict")
    OTHER = "OTHER", _("Other")


class CaseOrigin(models.TextChoices):
    ALERTS = "ALERTS", _("Escalated alerts")
    REVIEW = "REVIEW", _("Review item")
    MANUAL = "MANUAL", _("Opened by hand")


class CaseStatus(models.TextChoices):
    OPEN = "OPEN", _("Open")
    INVESTIGATING = "INVESTIGATING", _("Investigating")
    ACTION_PENDING = "ACTION_PENDING", _("Action pending")
    CLOSED = "CLOSED", _("Closed")


#: The steps a case may take by hand; closing has its own action (it needs an outcome).
CASE_STEPS: dict[str, tuple[str, ...]] = {
    CaseStatus.OPEN: (CaseStatus.INVESTIGATING, CaseStatus.ACTION_PENDING),
    CaseStatus.INVESTIGATING: (CaseStatus.ACTION_PENDING,),
    CaseStatus.ACTION_PENDING: (CaseStatus.INVESTIGATING,),
    CaseStatus.CLOSED: (),
}


class Priority(models.TextChoices):
    LOW = "LOW", _("Low")
    NORMAL = "NORMAL", _("Normal")
    HIGH = "HIGH", _("High")
    URGENT = "URGENT", _("Urgent")


class Outcome(models.TextChoices):
    ACTION_TAKEN = "ACTION_TAKEN", _("Administrative action taken")
    REFERRED = "REFERRED", _("Handed over to another agency")
    PRO_JUSTITIA = "PRO_JUSTITIA", _("Criminal proceedings (pro justitia)")
    COMPLIED = "COMPLIED", _("The person complied (left, reported or regularised)")
    NO_VIOLATION = "NO_VIOLATION", _("No violation found")
    INSUFFICIENT = "INSUFFICIENT", _("Not enough evidence")
    DUPLICATE = "DUPLICATE", _("Duplicate of another case")
    OTHER = "OTHER", _("Other")


class EventKind(models.TextChoices):
    """One line of a case's timeline."""

    OPENED = "OPENED", _("Opened")
    ALERTS_LINKED = "ALERTS_LINKED", _("Alerts linked")
    STATUS = "STATUS", _("Status changed")
    ASSIGNED = "ASSIGNED", _("Assigned")
    PRIORITY = "PRIORITY", _("Priority changed")
    NOTE = "NOTE", _("Note")
    ATTACHMENT = "ATTACHMENT", _("Attachment added")
    TASK_ADDED = "TASK_ADDED", _("Task added")
    TASK_DONE = "TASK_DONE", _("Task done")
    TASK_REOPENED = "TASK_REOPENED", _("Task reopened")
    REFERRAL_SENT = "REFERRAL_SENT", _("Referral sent")
    REFERRAL_ACCEPTED = "REFERRAL_ACCEPTED", _("Referral accepted")
    REFERRAL_DECLINED = "REFERRAL_DECLINED", _("Referral declined")
    REFERRAL_COMPLETED = "REFERRAL_COMPLETED", _("Referral outcome reported")
    REFERRAL_WITHDRAWN = "REFERRAL_WITHDRAWN", _("Referral withdrawn")
    TRANSFERRED = "TRANSFERRED", _("Ownership transferred")
    ACTION_PROPOSED = "ACTION_PROPOSED", _("Action proposed")
    ACTION_APPROVED = "ACTION_APPROVED", _("Action approved")
    ACTION_EXECUTED = "ACTION_EXECUTED", _("Action executed")
    ACTION_CANCELLED = "ACTION_CANCELLED", _("Action cancelled")
    DEADLINE_MET = "DEADLINE_MET", _("Deadline met")
    DOCUMENT_ISSUED = "DOCUMENT_ISSUED", _("Document issued")
    DOCUMENT_REVOKED = "DOCUMENT_REVOKED", _("Document revoked")
    FACT_RECORDED = "FACT_RECORDED", _("Recorded in the data")
    CLOSED = "CLOSED", _("Closed")
    REOPENED = "REOPENED", _("Reopened")


class AttachmentKind(models.TextChoices):
    DOCUMENT = "DOCUMENT", _("Document")
    PHOTO = "PHOTO", _("Photo")


class ReferralScope(models.TextChoices):
    CASE = "CASE", _("The whole case")
    REQUEST = "REQUEST", _("A request within the case")


class ReferralStatus(models.TextChoices):
    SENT = "SENT", _("Sent")
    ACCEPTED = "ACCEPTED", _("Accepted")
    DECLINED = "DECLINED", _("Declined")
    COMPLETED = "COMPLETED", _("Outcome reported")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")


#: A referral in these states lets the receiving agency see its case.
REFERRAL_SHARING = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED)


class ActionKind(models.TextChoices):
    """Tindakan Administratif Keimigrasian (UU 6/2011 Pasal 75(2)), detention (83-85) and the
    hand-over for criminal investigation."""

    PENANGKALAN = "PENANGKALAN", _("Listing for an entry ban (penangkalan)")
    PENCEGAHAN = "PENCEGAHAN", _("Listing for an exit ban (pencegahan)")
    PERMIT_LIMIT = "PERMIT_LIMIT", _("Limiting the stay permit")
    PERMIT_CHANGE = "PERMIT_CHANGE", _("Changing the stay permit")
    PERMIT_CANCEL = "PERMIT_CANCEL", _("Cancelling the stay permit")
    PLACE_BAN = "PLACE_BAN", _("Barring from certain places")
    RESIDENCE_ORDER = "RESIDENCE_ORDER", _("Requiring residence at a certain place")
    OVERSTAY_CHARGE = "OVERSTAY_CHARGE", _("Overstay charge (biaya beban)")
    DEPORTATION = "DEPORTATION", _("Deportation")
    DETENTION = "DETENTION", _("Detention (detensi)")
    PRO_JUSTITIA = "PRO_JUSTITIA", _("Hand-over for criminal investigation (pro justitia)")


class ActionStatus(models.TextChoices):
    PROPOSED = "PROPOSED", _("Proposed")
    APPROVED = "APPROVED", _("Approved")
    EXECUTED = "EXECUTED", _("Executed")
    CANCELLED = "CANCELLED", _("Cancelled")


class DeadlineKind(models.TextChoices):
    WRITTEN_ORDER = "WRITTEN_ORDER", _("Written order after an urgent field action")
    DETENTION_REVIEW = "DETENTION_REVIEW", _("Detention review")
    EXECUTION = "EXECUTION", _("Execution of the approved action")
    PAYMENT = "PAYMENT", _("Payment of the overstay charge")


class DocumentKind(models.TextChoices):
    SURAT_PERINTAH = "SURAT_PERINTAH", _("Order (Surat Perintah)")
    BAP = "BAP", _("Examination record (Berita Acara Pemeriksaan)")
    KEPUTUSAN_TAK = "KEPUTUSAN_TAK", _("Decision on an administrative action (Keputusan TAK)")
    BA_DEPORTASI = "BA_DEPORTASI", _("Deportation record (Berita Acara Pendeportasian)")


#: The short code of each document kind in its number: 0007/SP/IMI-BTM/2026.
DOCUMENT_ABBREVIATION = {
    DocumentKind.SURAT_PERINTAH: "SP",
    DocumentKind.BAP: "BAP",
    DocumentKind.KEPUTUSAN_TAK: "KEP-TAK",
    DocumentKind.BA_DEPORTASI: "BA-DEP",
}
