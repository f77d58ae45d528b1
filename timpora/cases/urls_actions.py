"""The pages of referrals and administrative actions, appended to ``cases/urls.py`` (whose
``app_name`` is "cases")."""

from __future__ import annotations

from typing import Any

from django.urls import path

from timpora.cases import views_actions, views_referrals

urlpatterns: list[Any] = [
    path("referrals/", views_referrals.referral_inbox, name="referrals"),
    path("<uuid:code>/referrals/", views_referrals.referral_send, name="referral_send"),
    path("referrals/<uuid:code>/accept/", views_referrals.referral_accept, name="referral_accept"),
    path(
        "referrals/<uuid:code>/decline/", views_referrals.referral_decline, name="referral_decline"
    ),
    path(
        "referrals/<uuid:code>/outcome/",
        views_referrals.referral_complete,
        name="referral_complete",
    ),
    path(
        "referrals/<uuid:code>/withdraw/",
        views_referrals.referral_withdraw,
        name="referral_withdraw",
    ),
    path("<uuid:code>/actions/", views_actions.action_propose, name="action_propose"),
    path("actions/<uuid:code>/approve/", views_actions.action_approve, name="action_approve"),
    path("actions/<uuid:code>/execute/", views_actions.action_execute, name="action_execute"),
    path("actions/<uuid:code>/cancel/", views_actions.action_cancel, name="action_cancel"),
    path(
        "<uuid:code>/deadlines/<uuid:deadline>/met/",
        views_actions.deadline_meet,
        name="deadline_meet",
    ),
]
