"""The public verification page of issued documents, ``/v/<token>/`` (URL name ``verify``)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from timpora.cases import views_documents as views

urlpatterns: list[Any] = [
    path("<str:token>/", views.verify, name="verify"),
]
