"""Finding a foreign national and reading their record, each look audited with its purpose."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from timpora.audit.choices import Purpose
from timpora.core.apps import TimporaAppConfig
from timpora.core.htmx import render_page
from timpora.core.querysets import get_visible_or_404
from timpora.registry import queries
from timpora.registry.forms import PersonSearchForm, PurposeForm
from timpora.registry.models import Person

PURPOSE_SESSION_KEY = "timpora_purpose"
PAGE_SIZE = 25


@login_required
def person_search(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    data = request.GET.copy() if request.GET else None
    if data is not None and not data.get("purpose"):
        data["purpose"] = request.session.get(PURPOSE_SESSION_KEY, "")
    form = PersonSearchForm(data, initial={"purpose": request.session.get(PURPOSE_SESSION_KEY)})
    page = None
    if data is not None and form.is_valid() and not form.search().is_empty:
        search = form.search()
        purpose = form.cleaned_data["purpose"]
        request.session[PURPOSE_SESSION_KEY] = purpose
        found = queries.with_list_details(queries.search_persons(user, search), user)
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
        queries.audit_search(user, search, purpose, page.paginator.count)
    return render_page(
        request,
        "registry/person_search.html",
        {"form": form, "page": page, "purpose": request.session.get(PURPOSE_SESSION_KEY, "")},
        partial="results",
    )


@login_required
def person_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A person's record; asks for the purpose first unless the request names one."""
    user: Any = request.user
    kept = (
        Person.objects.filter(code=code, merged_into__isnull=False)
        .values_list("merged_into__code", flat=True)
        .first()
    )
    if kept:  # merged by an officer's decision: the kept person's record is the one to read
        survivor = get_visible_or_404(Person.objects.all(), user, kept)
        messages.info(request, _("This person was merged into another; this is the kept record."))
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(reverse("registry:person_detail", args=[survivor.code]) + query)
    form = PurposeForm(request.GET if "purpose" in request.GET else None)
    if not form.is_valid():
        # Check scope before asking for a purpose, so that the page reveals nothing either way.
        get_visible_or_404(Person.objects.all(), user, code)
        return render(request, "registry/person_purpose.html", {"form": form, "code": code})
    purpose = form.cleaned_data["purpose"]
    request.session[PURPOSE_SESSION_KEY] = purpose
    person = queries.view_person(user, code, purpose)
    record = queries.person_record(user, person)
    panels = [
        mark_safe(panel)  # noqa: S308 - each app renders its panel from its own template
        for config in apps.get_app_configs()
        if isinstance(config, TimporaAppConfig)
        for panel in config.person_panels(request, person)
    ]
    return render(
        request,
        "registry/person_detail.html",
        {"person": person, "rec": record, "purpose": Purpose(purpose).label, "panels": panels},
    )
