"""The referral and action sections of the case page: its rows with the steps the user may
take, and the forms to send a referral and to propose an action.

The case page's view (``cases.views``) gives ``case``, ``referrals``, ``actions``,
``deadlines``, ``is_owner`` and ``user``; these tags add what the sections need from them.
"""

from __future__ import annotations

from typing import Any

from django import template

from timpora.cases.forms_actions import ProposeForm, ReferralForm, details_form
from timpora.cases.models import Case
from timpora.cases.views_actions import action_rows, may_propose
from timpora.cases.views_referrals import referral_permissions

register = template.Library()


@register.simple_tag
def referral_section(case: Case, referrals: Any, user: Any, is_owner: bool) -> dict[str, Any]:
    """The referral rows with the user's steps, and the send form for the owner."""
    rows = [{"referral": r, "may": referral_permissions(r, user)} for r in referrals]
    may_send = bool(is_owner) and not user.is_auditor and not case.is_closed
    return {"rows": rows, "form": ReferralForm(case=case) if may_send else None}


@register.simple_tag
def action_section(
    case: Case, actions: Any, deadlines: Any, user: Any, is_owner: bool
) -> dict[str, Any]:
    """The action rows, the case's own deadlines, and the propose form (immigration owners)."""
    rows, case_deadlines = action_rows(actions, deadlines, user)
    propose = None
    if is_owner and may_propose(case, user):
        form = ProposeForm(case=case)
        propose = {"form": form, "details": details_form(form.action_kind)}
    return {
        "rows": rows,
        "deadlines": case_deadlines,
        "propose": propose,
        "may_meet": bool(is_owner) and not user.is_auditor,
    }
