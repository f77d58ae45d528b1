"""The exchange pages: send a file (choose, preview and map its columns, confirm), follow a batch
and read its report, and the table of who may send what.

An upload is kept under ``UPLOAD_DIR`` with a name this module makes; the browser only ever holds
a random token that keys it in the session, never a path.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from timpora.accounts.models import Agency
from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.core.htmx import is_partial, render_page
from timpora.core.querysets import get_visible_or_404
from timpora.exchange.choices import Channel, RowStatus
from timpora.exchange.formats import FileRefused, detect_format, read_table
from timpora.exchange.forms import MappingForm, SendPermissionForm, UploadForm
from timpora.exchange.models import ImportBatch, RawRecord
from timpora.exchange.permissions import (
    permissions_of,
    permissions_of_all,
    set_send_permission,
)
from timpora.exchange.pipeline import ImportRefused, resolve_columns, submit_upload
from timpora.exchange.profiles import save_column_profile
from timpora.exchange.report import REPORT_STATUSES, write_report
from timpora.registry.choices import FactKind
from timpora.registry.records import REQUIRED_COLUMNS

PAGE_SIZE = 25
PREVIEW_ROWS = 10
REPORT_ROWS = 50
PREVIEW_CELL = 500  # characters of a cell kept for the preview
PENDING_KEY = "timpora_exchange_uploads"
PENDING_MAX = 5  # uploads kept per session while their columns are mapped
PREFIX = "preview-"
UPDATES = ".updates"


# --- Batches ---------------------------------------------------------------------------------


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = ImportBatch.objects.visible_to(request.user).select_related("source", "submitted_by")
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchange/batch_list.html", {"page": page, "active": "exchange"})


@login_required
def batch_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A batch; while it runs, its ``live`` fragment is polled every second."""
    batch = get_visible_or_404(
        ImportBatch.objects.select_related("source", "submitted_by"), request.user, code
    )
    context = {
        "batch": batch,
        "report": _report(batch) if batch.finished else None,
        "active": "exchange",
    }
    return render_page(request, "exchange/batch_detail.html", context, partial="live")


def _report(batch: ImportBatch) -> list[dict[str, Any]]:
    """The first rejected or superseded rows: line, outcome, values by column, every reason."""
    rows = RawRecord.objects.filter(batch=batch, status__in=REPORT_STATUSES).order_by("line")
    report = []
    for row in rows[:REPORT_ROWS]:
        values = json.loads(row.values)
        report.append(
            {
                "line": row.line,
                "outcome": RowStatus(row.status).label,
                "values": [values.get(column, "") for column in batch.columns],
                "reasons": json.loads(row.errors) if row.errors else [],
            }
        )
    return report


@login_required
@require_GET
def batch_rejections(request: HttpRequest, code: str) -> FileResponse:
    """The rejection report as CSV: the original columns of each row, plus its reasons."""
    batch = get_visible_or_404(ImportBatch.objects.all(), request.user, code)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    count = write_report(batch, cast(BinaryIO, out))
    out.seek(0)
    audit(
        actor=request.user,
        verb=Verb.REJECTIONS_DOWNLOADED,
        subject=batch,
        changes={"kind": batch.kind, "file": batch.file_name, "rows": count},
    )
    name = f"{Path(batch.file_name).stem or 'batch'}.rejections.csv"
    return FileResponse(out, as_attachment=True, filename=name, content_type="text/csv")


# --- Upload, step 1: the file ----------------------------------------------------------------


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST" and user.agency_id is None:
        raise PermissionDenied("only staff of an agency send files")
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            token = _keep_upload(request, form.cleaned_data)
        except FileRefused as refused:
            form.add_error("file", refused.reason)
        else:
            return redirect("exchange:preview", token=token)
    return render(
        request,
        "exchange/upload.html",
        {"form": form, "examples": sorted(_example_files()), "active": "exchange"},
    )


def _upload_dir() -> Path:
    folder = Path(settings.UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep_upload(request: HttpRequest, cleaned: dict[str, Any]) -> str:
    """Keep the file, read its header and first rows, and remember it under a new token."""
    uploaded = cleaned["file"]
    name = Path(str(uploaded.name)).name
    fmt = detect_format(name)
    token = secrets.token_urlsafe(16)
    path = _upload_dir() / f"{PREFIX}{token}{Path(name).suffix.lower()[:10]}"
    with path.open("wb") as out:
        for block in uploaded.chunks():
            out.write(block)
    try:
        with read_table(path, fmt) as table:
            rows = [
                (line, [values.get(column, "")[:PREVIEW_CELL] for column in table.columns])
                for line, values in islice(table.rows, PREVIEW_ROWS)
            ]
            columns, encoding, notes = list(table.columns), table.encoding, list(table.notes)
    except FileRefused:
        path.unlink(missing_ok=True)
        raise
    profile = cleaned.get("profile")
    pending = request.session.get(PENDING_KEY, {})
    while len(pending) >= PENDING_MAX:  # the oldest abandoned preview goes
        _discard(pending.pop(next(iter(pending))))
    pending[token] = {
        "file": path.name,
        "name": name,
        "kind": cleaned["kind"],
        "format": fmt,
        "profile": profile.name if profile else "",
        "mapping": dict(profile.mapping) if profile else {},
        "columns": columns,
        "rows": rows,
        "encoding": encoding,
        "notes": notes,
    }
    request.session[PENDING_KEY] = pending
    return token


def _kept_path(entry: dict[str, Any]) -> Path:
    path = _upload_dir() / Path(entry["file"]).name
    if not path.name.startswith(PREFIX) or not path.is_file():
        raise Http404
    return path


def _discard(entry: dict[str, Any]) -> None:
    (_upload_dir() / Path(entry["file"]).name).unlink(missing_ok=True)


def _forget(request: HttpRequest, token: str) -> None:
    pending = request.session.get(PENDING_KEY, {})
    entry = pending.pop(token, None)
    if entry is not None:
        _discard(entry)
    request.session[PENDING_KEY] = pending


# --- Upload, steps 2 and 3: map the columns, confirm ------------------------------------------


@login_required
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """The first rows and the column mapping; htmx re-checks the mapping on every change."""
    user: Any = request.user
    entry = request.session.get(PENDING_KEY, {}).get(token)
    if entry is None:
        messages.error(
            request, _("This upload is no longer waiting; please choose the file again.")
        )
        return redirect("exchange:upload")
    kind, columns = entry["kind"], entry["columns"]
    form = MappingForm(
        request.POST or None,
        kind=kind,
        columns=columns,
        initial_mapping=resolve_columns(kind, columns, entry["mapping"]),
    )
    if request.method == "POST" and is_partial(request):
        return render(request, "exchange/preview.html#mapping-check", _preview_context(form))
    if request.method == "POST" and "cancel" in request.POST:
        _forget(request, token)
        return redirect("exchange:upload")
    if request.method == "POST" and form.is_valid():
        return _confirm(request, token, entry, form, user)
    context = {
        **_preview_context(form),
        "entry": entry,
        "token": token,
        "kind_label": FactKind(kind).label,
        "active": "exchange",
    }
    return render(request, "exchange/preview.html", context)


def _preview_context(form: MappingForm) -> dict[str, Any]:
    filled = form.filled()
    required = [(field, field in filled) for field in REQUIRED_COLUMNS[form.kind]]
    return {"form": form, "problems": form.current_problems(), "required": required}


def _confirm(
    request: HttpRequest, token: str, entry: dict[str, Any], form: MappingForm, user: Any
) -> HttpResponse:
    mapping = form.mapping()
    profile_name = form.cleaned_data["profile_name"].strip()
    if profile_name:
        save_column_profile(actor=user, kind=entry["kind"], name=profile_name, mapping=mapping)
    with _kept_path(entry).open("rb") as handle:
        try:
            batch = submit_upload(
                kind=entry["kind"],
                upload=File(handle, name=entry["name"]),
                source=user.agency,
                user=user,
                channel=Channel.UPLOAD,
                fmt=entry["format"],
                mapping=mapping,
            )
        except ImportRefused as refused:
            batch = refused.batch
    _forget(request, token)
    return redirect("exchange:batch", code=batch.code)


# --- Example files ---------------------------------------------------------------------------


def _example_files() -> dict[str, Path]:
    """The demo's exchange files by name (``<kind>.csv``, ``<kind>.updates.csv``), newest first."""
    root = Path(settings.DATA_DIR) / "demo"
    if not root.is_dir():
        return {}
    candidates = [*root.glob("*.csv"), *root.glob("*/*.csv")]
    found: dict[str, Path] = {}
    for path in sorted(candidates, key=lambda p: p.stat().st_mtime):
        if path.stem.removesuffix(UPDATES) in FactKind.values and path.is_file():
            found[path.name] = path  # a later generation of the demo wins
    return found


@login_required
@require_GET
def example_file(request: HttpRequest, name: str) -> FileResponse:
    path = _example_files().get(name)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="text/csv")


# --- Who may send what -----------------------------------------------------------------------


@login_required
def permission_table(request: HttpRequest) -> HttpResponse:
    """Agencies by kinds, readable by all staff; a coordinator edits an agency's row."""
    user: Any = request.user
    if request.method == "POST":
        if not user.is_coordinator:
            raise PermissionDenied("only a coordinator edits who may send what")
        agency = get_object_or_404(Agency, code=request.POST.get("agency", ""))
        form = SendPermissionForm(request.POST, agency=agency, permissions=permissions_of(agency))
        if form.is_valid():
            for kind, allowed, lists in form.changes():
                set_send_permission(user, agency, kind, allowed=allowed, lists=lists)
            messages.success(request, _("Saved who %(agency)s may send.") % {"agency": agency.code})
            return redirect("exchange:permissions")
    rows = []
    agencies = list(Agency.objects.order_by("name"))
    table = permissions_of_all(agencies)
    for agency in agencies:
        permissions = table[agency.pk]
        row_form = (
            SendPermissionForm(agency=agency, permissions=permissions)
            if user.is_coordinator
            else None
        )
        cells = [
            {
                "kind": kind,
                "permission": permissions[kind],
                "field": row_form[kind] if row_form else None,
            }
            for kind in FactKind.values
        ]
        rows.append({"agency": agency, "cells": cells, "form": row_form})
    context = {
        "rows": rows,
        "kinds": FactKind.choices,
        "watchlist": FactKind.WATCHLIST_ENTRY.value,
        "editable": user.is_coordinator,
        "active": "exchange",
    }
    return render(request, "exchange/permissions.html", context)
