"""Stable codes of audit events and of the purposes for reading personal data.

A verb's string value never changes once released: auditors filter and export by it. Verbs are
grouped by the app that writes them; add new ones at the end of their group.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    # accounts: log-in and sessions
    USER_LOGGED_IN = "user.logged_in", _("Logged in")
    USER_LOGGED_OUT = "user.logged_out", _("Logged out")
    USER_LOGIN_FAILED = "user.login_failed", _("Log-in failed")
    USER_LOCKED_OUT = "user.locked_out", _("Locked out after failed log-ins")
    USER_UNLOCKED = "user.unlocked", _("Lock-out lifted")
    # accounts: users and their agencies
    USER_CREATED = "user.created", _("User created")
    USER_CHANGED = "user.changed", _("User changed")
    USER_DEACTIVATED = "user.deactivated", _("User deactivated")
    USER_REACTIVATED = "user.reactivated", _("User reactivated")
    USER_PASSWORD_CHANGED = "user.password_changed", _("Password changed")
    USER_PASSWORD_RESET = "user.password_reset", _("Password reset by an administrator")
    TWO_FACTOR_ENABLED = "user.two_factor_enabled", _("Two-factor log-in enabled")
    TWO_FACTOR_DISABLED = "user.two_factor_disabled", _("Two-factor log-in removed")
    TWO_FACTOR_FAILED = "user.two_factor_failed", _("Two-factor code rejected")
    API_TOKEN_CREATED = "api_token.created", _("API token created")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
    AGENCY_CREATED = "agency.created", _("Agency created")
    AGENCY_CHANGED = "agency.changed", _("Agency changed")
    ACCESS_PROFILE_CHANGED = "access_profile.changed", _("Access profile changed")
    TEAM_CREATED = "team.created", _("Timpora team created")
    TEAM_CHANGED = "team.changed", _("Timpora team changed")
    # audit
    AUDIT_EXPORTED = "audit.exported", _("Audit log exported")
    # registry: reads of personal data
    PERSON_SEARCHED = "person.searched", _("Persons searched")
    PERSON_VIEWED = "person.viewed", _("Person viewed")
    PERSON_LISTED = "person.listed", _("Persons listed")
    # registry: writes
    REFERENCE_DATA_LOADED = "reference_data.loaded", _("Reference data loaded")
    FACTS_RECORDED = "facts.recorded", _("Facts recorded")
    BATCH_IMPORTED = "exchange.batch_imported", _("File imported")
    BATCH_REFUSED = "exchange.batch_refused", _("File refused")
    BATCH_SUBMITTED = "exchange.batch_submitted", _("File submitted for import")
    RECORDS_EXPORTED = "exchange.exported", _("Records exported")
    REJECTIONS_DOWNLOADED = "exchange.rejections_downloaded", _("Rejection report downloaded")
    SEND_PERMISSION_CHANGED = "exchange.permission_changed", _("Permission to send changed")
    COLUMN_PROFILE_SAVED = "exchange.profile_saved", _("Column mapping saved")
    REVIEW_RAISED = "matching.review_raised", _("Review items raised")
    REVIEW_DECIDED = "matching.review_decided", _("Review item decided")
    PERSONS_MERGED = "matching.persons_merged", _("Persons merged")
    PERSON_SPLIT = "matching.person_split", _("Merged persons split")
    SCREENED = "matching.screened", _("Screened against the watch lists")
    RESOLVE_RUN = "matching.resolve_run", _("Batch identity resolution run")
    WATCHLIST_CHANGED = "matching.watchlist_changed", _("Watch list changed")
    DETECTION_RUN = "detection.run", _("Detection rules evaluated")
    ALERTS_LISTED = "detection.alerts_listed", _("Alerts listed")
    ALERT_VIEWED = "detection.alert_viewed", _("Alert viewed")
    ALERT_ACKNOWLEDGED = "detection.alert_acknowledged", _("Alert acknowledged")
    ALERT_DISMISSED = "detection.alert_dismissed", _("Alert dismissed")
    ALERT_ESCALATED = "detection.alert_escalated", _("Alert escalated")
    ALERT_RESOLVED = "detection.alert_resolved", _("Alert closed")
    ALERTS_EXPORTED = "detection.alerts_exported", _("Alerts exported")
    PARAMETER_CHANGED = "detection.parameter_changed", _("Legal parameter changed")
    ALERT_ROUTES_CHANGED = "detection.routes_changed", _("Alert routing changed")
    # cases
    CASE_OPENED = "cases.opened", _("Case opened")
    CASES_LISTED = "cases.listed", _("Cases listed")
    CASE_VIEWED = "cases.viewed", _("Case viewed")
    CASE_CHANGED = "cases.changed", _("Case changed")
    CASE_NOTE_ADDED = "cases.note_added", _("Note added to a case")
    CASE_CLOSED = "cases.closed", _("Case closed")
    CASE_REOPENED = "cases.reopened", _("Case reopened")
    CASE_TRANSFERRED = "cases.transferred", _("Case ownership transferred")
    ATTACHMENT_ADDED = "cases.attachment_added", _("Attachment added")
    ATTACHMENT_DOWNLOADED = "cases.attachment_downloaded", _("Attachment downloaded")
    TASK_ADDED = "cases.task_added", _("Task added")
    TASK_CHANGED = "cases.task_changed", _("Task changed")
    REFERRAL_SENT = "cases.referral_sent", _("Referral sent")
    REFERRAL_ACCEPTED = "cases.referral_accepted", _("Referral accepted")
    REFERRAL_DECLINED = "cases.referral_declined", _("Referral declined")
    REFERRAL_COMPLETED = "cases.referral_completed", _("Referral outcome reported")
    REFERRAL_WITHDRAWN = "cases.referral_withdrawn", _("Referral withdrawn")
    ACTION_PROPOSED = "cases.action_proposed", _("Administrative action proposed")
    ACTION_APPROVED = "cases.action_approved", _("Administrative action approved")
    ACTION_EXECUTED = "cases.action_executed", _("Administrative action executed")
    ACTION_CANCELLED = "cases.action_cancelled", _("Administrative action cancelled")
    DEADLINE_MET = "cases.deadline_met", _("Deadline met")
    DOCUMENT_ISSUED = "cases.document_issued", _("Document issued")
    DOCUMENT_DOWNLOADED = "cases.document_downloaded", _("Document downloaded")
    DOCUMENT_VERIFIED = "cases.document_verified", _("Document verified")
    DOCUMENT_REVOKED = "cases.document_revoked", _("Document revoked")
    PERMIT_CANCELLED = "registry.permit_cancelled", _("Stay permit cancelled")
    PERMIT_CHANGED = "registry.permit_changed", _("Stay permit changed by a decision")


class Purpose(models.TextChoices):
    """Why an officer reads a person's data (UU 27/2022 PDP: processing needs a stated purpose)."""

    SUPERVISION = "SUPERVISION", _("Supervision")
    INVESTIGATION = "INVESTIGATION", _("Investigation")
    ENFORCEMENT = "ENFORCEMENT", _("Enforcement")
    EVALUATION = "EVALUATION", _("Evaluation")
    IDENTITY_REVIEW = "IDENTITY_REVIEW", _("Identity review (duplicates and watch-list hits)")
