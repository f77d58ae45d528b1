"""The exchange formats over HTTP: send records of a kind, follow the batch, read its rejections,
and page through the current records of a kind (``spec/exchange/README.md``).

Every import goes through the same pipeline as the upload page and the command line
(``pipeline.submit_upload``); this module only turns requests into uploads and batches into
answers. Problems are RFC 9457 documents, as everywhere in the API.
"""

from __future__ import annotations

import io
import json
import zoneinfo
from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.core.problems import problem
from timpora.core.querysets import get_visible_or_404
from timpora.exchange.choices import Channel
from timpora.exchange.export import export_rows as current_rows
from timpora.exchange.export import may_export
from timpora.exchange.formats import FORMATS, write_table
from timpora.exchange.models import ImportBatch, RawRecord
from timpora.exchange.permissions import permission_for
from timpora.exchange.pipeline import ImportRefused, submit_upload
from timpora.exchange.report import REPORT_STATUSES, write_report
from timpora.registry.choices import FactKind
from timpora.registry.records import COLUMNS

router = Router(tags=["exchange"])

REJECTIONS_SHOWN = 100
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")  # a date-time without an offset is WIB (spec)

# Bodies sent as they are, by media type: the name tells the pipeline the format.
_BODY_NAMES = {
    "application/json": "body.json",
    "application/x-ndjson": "body.jsonl",
    "application/jsonl": "body.jsonl",
    "application/x-jsonlines": "body.jsonl",
    "text/csv": "body.csv",
}
_EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
}


# --- Schemas ---------------------------------------------------------------------------------


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str


class ReasonOut(Schema):
    field: str
    value: str
    expected: str


class RejectionOut(Schema):
    line: int
    outcome: str = Field(..., description="REJECTED, or SUPERSEDED by a later row with its key")
    reasons: list[ReasonOut]
    values: dict[str, Any] = Field(..., description="the row as received")


class BatchOut(Schema):
    code: str
    url: str
    kind: str
    source: str
    channel: str
    file_name: str
    format: str
    encoding: str
    status: str = Field(..., description="QUEUED, STAGING, APPLYING, COMPLETED or REFUSED")
    finished: bool
    refusal: str
    notes: list[str]
    columns: list[str]
    rows_total: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    superseded: int
    persons_created: int
    conflicts: int
    submitted_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    rejections: list[RejectionOut] = Field(
        ..., description=f"the first {REJECTIONS_SHOWN} rejected or superseded rows"
    )
    rejections_url: str = Field(..., description="every rejected row, as a CSV report")


class ExportParams(Schema):
    format: Literal["json", "jsonl", "csv"] = "json"
    since: str | None = Field(
        None, description="only records changed at or after this ISO 8601 date-time"
    )
    after: int = Field(0, ge=0, description="the cursor: `next` of the previous page")
    limit: int = Field(1000, ge=1, le=10000)


class ExportPage(Schema):
    items: list[dict[str, str]]
    next: int | None = Field(..., description="the `after` of the next page; null at the end")


# --- Helpers ---------------------------------------------------------------------------------


def _unknown_kind(request: HttpRequest, kind: str) -> HttpResponse:
    return problem(
        request,
        404,
        _("There is no exchange kind %(kind)s. Kinds: %(kinds)s.")
        % {"kind": kind, "kinds": ", ".join(FactKind.values)},
        slug="unknown-kind",
    )


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _batch_url(request: HttpRequest, batch: ImportBatch) -> str:
    return _absolute(request, reverse("api:exchange_batch", kwargs={"code": str(batch.code)}))


def _rejections(batch: ImportBatch) -> list[dict[str, Any]]:
    rows = (
        RawRecord.objects.filter(batch=batch, status__in=REPORT_STATUSES)
        .order_by("line")
        .values_list("line", "status", "errors", "values")[:REJECTIONS_SHOWN]
    )
    return [
        {
            "line": line,
            "outcome": status,
            "reasons": json.loads(errors) if errors else [],
            "values": json.loads(values),
        }
        for line, status, errors, values in rows
    ]


def _batch_out(request: HttpRequest, batch: ImportBatch) -> dict[str, Any]:
    rejections_path = reverse("api:exchange_batch_rejections", kwargs={"code": str(batch.code)})
    return {
        "code": str(batch.code),
        "url": _batch_url(request, batch),
        "kind": batch.kind,
        "source": batch.source.code,
        "channel": batch.channel,
        "file_name": batch.file_name,
        "format": batch.format,
        "encoding": batch.encoding,
        "status": batch.status,
        "finished": batch.finished,
        "refusal": batch.refusal,
        "notes": [str(note) for note in batch.notes],
        "columns": [str(column) for column in batch.columns],
        "rows_total": batch.rows_total,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "rejected": batch.rejected,
        "superseded": batch.superseded,
        "persons_created": batch.persons_created,
        "conflicts": batch.conflicts,
        "submitted_at": batch.created_at,
        "started_at": batch.started_at,
        "finished_at": batch.finished_at,
        "rejections": _rejections(batch) if batch.rejected or batch.superseded else [],
        "rejections_url": _absolute(request, rejections_path),
    }


def _upload(request: HttpRequest) -> tuple[Any, str | None] | HttpResponse:
    """The file the request carries and its format (``None``: from its name), or a problem."""
    content_type = (request.content_type or "").lower()
    if content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            return problem(
                request,
                422,
                _("Send the file in the form field “file”."),
                slug="no-file",
            )
        fmt = request.POST.get("format") or None
        if fmt is not None and fmt not in FORMATS:
            return problem(
                request,
                422,
                _("The format %(format)s is not one of %(formats)s.")
                % {"format": fmt, "formats": ", ".join(FORMATS)},
                slug="unknown-format",
            )
        if not upload.size:
            return problem(request, 422, _("The file is empty."), slug="empty")
        return upload, fmt
    try:
        body = request.body
    except RequestDataTooBig:
        return problem(
            request,
            413,
            _(
                "The body is larger than %(size)s MB; send the rows as a file in a multipart "
                "form (field “file”) instead."
            )
            % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)},
            slug="too-large",
        )
    if not body.strip():
        return problem(request, 422, _("The request has no rows: its body is empty."), slug="empty")
    name = _BODY_NAMES.get(content_type)
    if name is None:
        return problem(
            request,
            415,
            _(
                "Send a JSON array (application/json), JSON Lines (application/x-ndjson), "
                "CSV (text/csv) or a file in a multipart form (multipart/form-data)."
            ),
            slug="unsupported-media-type",
        )
    return SimpleUploadedFile(name, body, content_type=content_type), None


class _SinceError(ValueError):
    pass


def _parse_since(value: str | None) -> datetime | None:
    """An ISO 8601 date-time, WIB when it has no offset. A ``+`` of the offset that arrived
    unencoded (and so as a space) is put back."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if "T" in text and " " in text and text.rsplit(" ", 1)[1][:2].isdigit():
        text = "+".join(text.rsplit(" ", 1))
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise _SinceError(text) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=WIB)
    return parsed


# --- Endpoints -------------------------------------------------------------------------------
# The batch routes come first, so that /exchange/batches/… is never read as a kind.


@router.get(
    "/exchange/batches/{code}",
    response={200: BatchOut, 404: ProblemOut},
    url_name="exchange_batch",
    summary="An import batch: its status, counts, notes and first rejected rows",
)
def get_batch(request: HttpRequest, code: str) -> Any:
    """A batch of the caller's agency (coordinators and auditors see every batch)."""
    batch = get_visible_or_404(ImportBatch.objects.select_related("source"), request.user, code)
    return _batch_out(request, batch)


@router.get(
    "/exchange/batches/{code}/rejections.csv",
    response={404: ProblemOut},
    url_name="exchange_batch_rejections",
    summary="The rejection report of a batch, as CSV (audited)",
    openapi_extra={
        "responses": {
            200: {
                "description": "the report",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def get_rejections(request: HttpRequest, code: str) -> HttpResponse:
    """Each rejected or superseded row with its original columns, its line, outcome and
    reasons. Values that a spreadsheet would run as formulas are neutralised."""
    batch = get_visible_or_404(ImportBatch.objects.select_related("source"), request.user, code)
    out = io.BytesIO()
    count = write_report(batch, out)
    audit(
        actor=request.user,
        verb=Verb.REJECTIONS_DOWNLOADED,
        subject=batch,
        changes={"kind": batch.kind, "rows": count, "channel": Channel.API},
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejections-{batch.code}.csv"'
    return response


@router.post(
    "/exchange/{kind}",
    response={
        201: BatchOut,
        202: BatchOut,
        403: ProblemOut,
        404: ProblemOut,
        413: ProblemOut,
        415: ProblemOut,
        422: ProblemOut,
    },
    url_name="exchange_import",
    summary="Send records of a kind: a JSON array, JSON Lines, CSV, or a file upload",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                "application/x-ndjson": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "format": {"type": "string", "enum": list(FORMATS)},
                        },
                    }
                },
            }
        }
    },
)
def post_records(request: HttpRequest, kind: str, response: HttpResponse) -> Any:
    """Import the rows as records of ``kind`` sent by the caller's agency. 201 with the batch when
    it is done, 202 with a ``Location`` to follow while the worker runs it. A file refused whole
    (a missing required column, a malformed file) answers 422 with the batch code and the reason;
    nothing of it was written. Sending the same rows again changes nothing."""
    if kind not in FactKind.values:
        return _unknown_kind(request, kind)
    user: Any = request.user
    agency = user.agency
    if agency is None or not permission_for(agency, kind).allowed:
        return problem(
            request,
            403,
            _("%(agency)s may not send records of the kind %(kind)s.")
            % {"agency": getattr(agency, "code", user.get_username()), "kind": kind},
            slug="kind-not-permitted",
        )
    found = _upload(request)
    if isinstance(found, HttpResponse):
        return found
    upload, fmt = found
    try:
        batch = submit_upload(
            kind=kind, upload=upload, source=agency, user=user, channel=Channel.API, fmt=fmt
        )
    except ImportRefused as refused:
        batch = refused.batch
        return problem(
            request,
            422,
            batch.refusal,
            slug="file-refused",
            batch=str(batch.code),
            batch_url=_batch_url(request, batch),
            refusal=batch.refusal,
        )
    batch.refresh_from_db()
    response["Location"] = _batch_url(request, batch)
    return Status(201 if batch.finished else 202, _batch_out(request, batch))


@router.get(
    "/exchange/{kind}",
    response={200: ExportPage, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut},
    url_name="exchange_export",
    summary="The current records of a kind, a page at a time (audited)",
    openapi_extra={
        "responses": {
            200: {
                "content": {
                    "application/x-ndjson": {"schema": {"type": "string"}},
                    "text/csv": {"schema": {"type": "string"}},
                }
            }
        }
    },
)
def get_records(request: HttpRequest, kind: str, params: Query[ExportParams]) -> Any:
    """The current records of ``kind`` in the exchange shape, by a stable order. JSON answers
    ``{"items", "next"}``; ``jsonl`` and ``csv`` answer the rows, with a ``Link: …; rel="next"``
    header while more remain. Pass ``next`` as ``after`` for the next page; ``since`` keeps the
    records changed at or after a time (no offset: WIB). Each page is audited."""
    if kind not in FactKind.values:
        return _unknown_kind(request, kind)
    user: Any = request.user
    if not may_export(user, kind):
        return problem(
            request,
            403,
            _("Your agency may not read every record of the kind %(kind)s.") % {"kind": kind},
            slug="export-not-permitted",
        )
    try:
        since = _parse_since(params.since)
    except _SinceError:
        return problem(
            request,
            422,
            _("“since” must be an ISO 8601 date-time, e.g. 2026-03-01T00:00:00+07:00."),
            slug="invalid",
            errors=[{"location": "query.since", "message": _("not an ISO 8601 date-time")}],
        )
    found = list(current_rows(kind, since=since, after=params.after, limit=params.limit + 1))
    page = found[: params.limit]
    cursor = page[-1][0] if len(found) > params.limit else None
    rows = [row for _pk, row in page]
    audit(
        actor=user,
        verb=Verb.RECORDS_EXPORTED,
        changes={
            "kind": kind,
            "format": params.format,
            "rows": len(rows),
            "since": since.isoformat() if since else None,
            "after": params.after,
            "channel": Channel.API,
        },
    )
    link = _next_link(request, cursor)
    if params.format == "json":
        answer: HttpResponse = JsonResponse(
            {"items": rows, "next": cursor}, json_dumps_params={"ensure_ascii": False}
        )
    else:
        out = io.BytesIO()
        write_table(rows, COLUMNS[kind], params.format, out)
        answer = HttpResponse(out.getvalue(), content_type=_EXPORT_TYPES[params.format])
        answer["Content-Disposition"] = f'attachment; filename="{kind}.{params.format}"'
    if link:
        answer["Link"] = link
    return answer


def _next_link(request: HttpRequest, cursor: int | None) -> str:
    if cursor is None:
        return ""
    query = request.GET.copy()
    query["after"] = str(cursor)
    url = _absolute(request, f"{request.path}?{query.urlencode()}")
    return f'<{url}>; rel="next"'
