"""The pages of issued documents, appended to ``cases/urls.py`` (namespace ``cases``)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from timpora.cases import views_documents as views

urlpatterns: list[Any] = [
    path("<uuid:code>/documents/", views.document_issue, name="document_issue"),
    path("documents/<uuid:code>.pdf", views.document_download, name="document"),
    path("documents/<uuid:code>/revoke/", views.document_revoke, name="document_revoke"),
]
