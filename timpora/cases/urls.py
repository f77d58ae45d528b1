"""The case pages under ``/cases/``, with those of referrals, actions and documents."""

from __future__ import annotations

from typing import Any

from django.urls import path, re_path

from timpora.cases import urls_actions, urls_documents, views

app_name = "cases"
UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
urlpatterns: list[Any] = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("open/", views.case_open, name="open"),
    path("my-work/", views.my_work, name="my_work"),
    path("attachments/<uuid:code>/", views.attachment_download, name="attachment"),
    path("<uuid:code>/", views.case_detail, name="case"),
    re_path(
        rf"^(?P<code>{UUID})/tasks/(?P<task>{UUID})/(?P<step>{'|'.join(views.TASK_STEPS)})/$",
        views.task_step,
        name="task_step",
    ),
    re_path(
        rf"^(?P<code>{UUID})/(?P<step>{'|'.join(views.STEPS)})/$", views.case_step, name="step"
    ),
]

# The pages of referrals and actions, and of the documents issued for a case.
urlpatterns += urls_actions.urlpatterns + urls_documents.urlpatterns
