"""The matching pages: the review queue, one item side by side with its decision, a merge and its
split, the watch lists with their entries, and screening one identity.

Every page that shows persons writes an audit event with its purpose (identity review for the
queue and an item; the officer's own purpose for screening); every write is an action.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timpora.accounts.access import can_see_records
from timpora.accounts.choices import DataCategory, Role
from timpora.audit.choices import Purpose, Verb
from timpora.audit.log import record as audit
from timpora.core.apps import collect_panels
from timpora.core.htmx import is_partial, render_page
from timpora.core.querysets import get_visible_or_404
from timpora.core.ratelimit import rate_limit
from timpora.lib.dates import compatible_birth_dates
from timpora.lib.text import document_key
from timpora.matching.actions import (
    ContradictsEarlierDecision,
    NotDecidable,
    change_watchlist,
    decide,
    ensure_watchlists,
    split,
)
from timpora.matching.choices import Decision, ReviewKind, ReviewStatus
from timpora.matching.forms import (
    HIT_LABELS,
    DecisionForm,
    EntrySearchForm,
    ReviewFilterForm,
    ScreenForm,
    SplitForm,
    WatchlistForm,
)
from timpora.matching.models import Merge, ReviewItem, Watchlist, WatchlistEntry
from timpora.matching.screening import query_identity, screen_audited
from timpora.matching.templatetags.matching_tags import dmy
from timpora.registry.choices import WatchList
from timpora.registry.models import Person

PAGE_SIZE = 25
C = DataCategory

FACTORS = {
    "name": gettext_lazy("Name"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "sex": gettext_lazy("Sex"),
    "nationality": gettext_lazy("Nationality"),
    "document": gettext_lazy("Travel document"),
}
OUTCOMES = {
    "exact": gettext_lazy("the same"),
    "variant": gettext_lazy("a spelling or script variant"),
    "partial": gettext_lazy("partly the same"),
    "similar": gettext_lazy("similar"),
    "close": gettext_lazy("one character apart"),
    "typo": gettext_lazy("a typing error apart"),
    "swapped": gettext_lazy("day and month swapped"),
    "different": gettext_lazy("different"),
    "missing": gettext_lazy("missing on one side"),
}


def _items() -> QuerySet[ReviewItem]:
    return ReviewItem.objects.select_related(
        "agency",
        "decided_by",
        "person__nationality",
        "person__first_source",
        "person__current_permit",
        "other_person__nationality",
        "other_person__first_source",
        "other_person__current_permit",
        "entry__source",
    )


def _may_decide(user: Any, item: ReviewItem) -> bool:
    """The responsible agency decides (a coordinator for anyone); an auditor only reads."""
    return not user.is_auditor and (user.is_coordinator or item.agency_id == user.agency_id)


def _may_see_identities(user: Any) -> None:
    if not can_see_records(user, C.IDENTITY):
        raise PermissionDenied(_("Your agency may not see identities."))


# --- The review queue --------------------------------------------------------------------------


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """The items the user may see, best score first; the listing is audited."""
    user: Any = request.user
    form = ReviewFilterForm(request.GET or None)
    items = ReviewItem.objects.visible_to(user).filter(**form.filters())
    items = items.select_related("agency", "person", "other_person", "entry")
    page = Paginator(items.order_by("-score", "created_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if page.object_list:
        audit(
            actor=user,
            verb=Verb.PERSON_LISTED,
            purpose=Purpose.IDENTITY_REVIEW,
            subject_type="matching.reviewitem",
            changes={"items": [str(item.code) for item in page]},
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "active": "review"}
    return render(request, "matching/review_queue.html", context)


# --- One item, side by side ----------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One row of the side-by-side table; ``differs`` when both sides know it and disagree."""

    label: str
    left: list[str]
    right: list[str]
    differs: bool


def _keys(values: list[str]) -> set[str]:
    return {v.strip().casefold() for v in values if v and v.strip()}


def _fact(label: str, left: list[str], right: list[str], *, compare: bool = True) -> Fact:
    a, b = _keys(left), _keys(right)
    return Fact(label, left, right, compare and bool(a) and bool(b) and not a & b)


def _person_side(person: Person, user: Any) -> dict[str, list[str]]:
    side = {
        "name": [person.full_name],
        "native": [person.name_original],
        "sex": [person.get_sex_display() if person.sex else ""],
        "dob": [person.date_of_birth],
        "nationality": [person.nationality.name],
        "nationality_key": [person.nationality_id],
        "source": [f"{person.first_source.code}"],
    }
    if can_see_records(user, C.DOCUMENTS):
        documents = person.documents.select_related("issuing_state").order_by("number_key")
        side["documents"] = [f"{d.number} · {d.issuing_state.name}" for d in documents]
        side["document_keys"] = [d.number_key for d in documents]
        permit = person.current_permit
        side["permit"] = [
            _("%(type)s %(number)s, until %(date)s")
            % {
                "type": permit.get_permit_type_display(),
                "number": permit.permit_number,
                "date": date_format(permit.valid_until, "SHORT_DATE_FORMAT"),
            }
            if permit
            else ""
        ]
    if can_see_records(user, C.CROSSINGS):
        known = person.in_country is not None
        side["in_country"] = [(_("Yes") if person.in_country else _("No")) if known else ""]
    if can_see_records(user, C.RESIDENCE_REPORTS):
        side["address"] = [person.current_address]
    return side


def _entry_side(entry: WatchlistEntry) -> dict[str, list[str]]:
    return {
        "name": [entry.full_name, *entry.aliases],
        "native": [entry.name_original],
        "sex": [entry.get_sex_display() if entry.sex else ""],
        "dob": [entry.date_of_birth],
        "nationality": list(entry.nationalities),
        "nationality_key": list(entry.nationalities),
        "documents": list(entry.passport_numbers),
        "document_keys": [document_key(n) for n in entry.passport_numbers],
        "source": [entry.source.code],
    }


def _facts(item: ReviewItem, user: Any) -> list[Fact]:
    left = _person_side(item.person, user)
    if item.kind == ReviewKind.HIT and item.entry is not None:
        right = _entry_side(item.entry)
    elif item.other_person is not None:
        right = _person_side(item.other_person, user)
    else:
        right = {}
    dob_a, dob_b = left["dob"][0], right.get("dob", [""])[0]
    rows = [
        # A name is the same when it appears on the other side in either script.
        Fact(
            _("Full name"),
            left["name"],
            right.get("name", []),
            _fact(
                "", left["name"] + left["native"], right.get("name", []) + right.get("native", [])
            ).differs,
        ),
        _fact(_("Name in native script"), left["native"], right.get("native", [])),
        _fact(_("Sex"), left["sex"], right.get("sex", [])),
        Fact(
            _("Date of birth"),
            [dmy(dob_a)],
            [dmy(dob_b)],
            bool(dob_a and dob_b) and not _compatible(dob_a, dob_b),
        ),
        Fact(
            _("Nationality"),
            left["nationality"],
            right.get("nationality", []),
            _fact("", left["nationality_key"], right.get("nationality_key", [])).differs,
        ),
    ]
    if "documents" in left:
        differs = _fact("", left["document_keys"], right.get("document_keys", [])).differs
        rows.append(Fact(_("Documents"), left["documents"], right.get("documents", []), differs))
        rows.append(_fact(_("Current stay permit"), left["permit"], right.get("permit", [])))
    if "in_country" in left:
        rows.append(_fact(_("In the country"), left["in_country"], right.get("in_country", [])))
    if "address" in left:
        rows.append(_fact(_("Current address"), left["address"], right.get("address", [])))
    rows.append(_fact(_("First reported by"), left["source"], right.get("source", [])))
    return rows


def _compatible(a: str, b: str) -> bool:
    try:
        return compatible_birth_dates(a, b)
    except ValueError:
        return a == b


def _reasons(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reasons of a score in words, the heaviest (for or against) first."""
    rows = [
        {
            "factor": FACTORS.get(str(r.get("factor", "")), r.get("factor", "")),
            "outcome": OUTCOMES.get(str(r.get("outcome", "")), r.get("outcome", "")),
            "weight": float(r.get("weight") or 0.0),
            "detail": r.get("detail", ""),
        }
        for r in reasons
    ]
    return sorted(rows, key=lambda r: -abs(r["weight"]))


def _decision_context(
    item: ReviewItem,
    user: Any,
    form: DecisionForm | None = None,
    contradiction: ContradictsEarlierDecision | None = None,
) -> dict[str, Any]:
    merge = None
    if item.kind == ReviewKind.SAME and item.decision == Decision.SAME:
        merge = Merge.objects.filter(item=item).select_related("survivor").first()
    label = item.get_decision_display()
    if item.kind == ReviewKind.HIT and item.decision:
        label = str(HIT_LABELS[Decision(item.decision)])
    return {
        "item": item,
        "decision_label": label,
        "may_decide": item.status == ReviewStatus.OPEN and _may_decide(user, item),
        "form": form or DecisionForm(kind=item.kind),
        "contradiction": contradiction,
        "merge": merge,
    }


@login_required
def review_item(request: HttpRequest, code: str) -> HttpResponse:
    """Both sides, the score's reasons, and the decision panel (htmx swaps only the panel)."""
    user: Any = request.user
    item = get_visible_or_404(_items(), user, code)
    form, contradiction = None, None
    if request.method == "POST":
        if not _may_decide(user, item):
            raise PermissionDenied(_("Only the responsible agency decides this item."))
        form = DecisionForm(request.POST, kind=item.kind)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decide(
                    item, data["decision"], actor=user, note=data["note"], confirm=data["confirm"]
                )
            except ContradictsEarlierDecision as exc:
                contradiction = exc
            except NotDecidable as exc:
                form.add_error(None, str(exc))
            else:
                if not is_partial(request):
                    messages.success(request, _("Your decision was recorded."))
                    return redirect("matching:review_item", code=item.code)
                form = None
            item = _items().get(pk=item.pk)
        if is_partial(request):
            context = {**_decision_context(item, user, form, contradiction), "oob": True}
            return render(request, "matching/review_item.html#decision", context)
    audit(actor=user, verb=Verb.PERSON_VIEWED, subject=item, purpose=Purpose.IDENTITY_REVIEW)
    context = {
        **_decision_context(item, user, form, contradiction),
        "facts": _facts(item, user),
        "reasons": _reasons(item.reasons),
        "panels": collect_panels("review_panels", request, item),
        "watchlist": (
            Watchlist.objects.filter(list=item.entry.list).select_related("owning_agency").first()
            if item.entry
            else None
        ),
        "active": "review",
    }
    return render(request, "matching/review_item.html", context)


# --- Merges --------------------------------------------------------------------------------------


def _moved_counts(merge: Merge) -> list[tuple[str, int]]:
    """``{"registry.stay.person": [pks]}`` → ``[("residence reports", 3)]``."""
    counts = []
    for label, pks in sorted(merge.moved.items()):
        if label.startswith("_"):
            continue
        model_label = label.rsplit(".", 1)[0]
        try:
            name = str(apps.get_model(model_label)._meta.verbose_name_plural)
        except (LookupError, ValueError):
            name = model_label
        counts.append((name, len(pks)))
    return counts


def _may_split(user: Any, merge: Merge) -> bool:
    if user.is_coordinator:
        return True
    return user.role == Role.SUPERVISOR and merge.item.agency_id == user.agency_id


@login_required
def merge_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Who was merged into whom and what moved; a supervisor may split it back."""
    user: Any = request.user
    try:
        wanted = uuid.UUID(str(code))
    except ValueError:
        raise Http404 from None
    merge = (
        Merge.objects.filter(code=wanted, item__in=ReviewItem.objects.visible_to(user))
        .select_related("survivor", "merged", "item__agency", "merged_by", "split_by")
        .first()
    )
    if merge is None:
        raise Http404
    may_split = merge.split_at is None and _may_split(user, merge)
    form = SplitForm(request.POST or None)
    if request.method == "POST":
        if not may_split:
            raise PermissionDenied(_("Only a supervisor of the responsible agency splits a merge."))
        if form.is_valid():
            try:
                split(merge, actor=user, note=form.cleaned_data["note"])
            except NotDecidable as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The merge was split: both persons stand again."))
                return redirect("matching:merge_detail", code=merge.code)
    audit(actor=user, verb=Verb.PERSON_VIEWED, subject=merge.item, purpose=Purpose.IDENTITY_REVIEW)
    context = {
        "merge": merge,
        "moved": _moved_counts(merge),
        "may_split": may_split,
        "form": form,
        "active": "review",
    }
    return render(request, "matching/merge_detail.html", context)


# --- Watch lists -----------------------------------------------------------------------------


@login_required
def watchlist_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    _may_see_identities(user)
    ensure_watchlists()
    today = timezone.localdate()
    counts = dict(
        WatchlistEntry.objects.values_list("list").annotate(n=Count("pk")).order_by("list")
    )
    lists = [
        {"list": w, "in_force": w.in_force(today), "entries": counts.get(w.list, 0)}
        for w in Watchlist.objects.visible_to(user).select_related("owning_agency")
    ]
    context = {"lists": lists, "may_edit": user.is_coordinator, "active": "watchlists"}
    return render(request, "matching/watchlist_list.html", context)


def _watchlist(user: Any, code: str) -> Watchlist:
    if code not in WatchList.values:
        raise Http404
    ensure_watchlists()
    watchlist = Watchlist.objects.visible_to(user).select_related("owning_agency")
    found = watchlist.filter(list=code).first()
    if found is None:
        raise Http404
    return found


@login_required
def watchlist_edit(request: HttpRequest, code: str) -> HttpResponse:
    """A coordinator changes a list's owner, description, legal basis or validity."""
    user: Any = request.user
    if not user.is_coordinator:
        raise PermissionDenied(_("Only a coordinator changes a watch list."))
    watchlist = _watchlist(user, code)
    fields = ["owning_agency", "description", "legal_basis", "valid_from", "valid_until"]
    initial = {name: getattr(watchlist, name) for name in fields}
    form = WatchlistForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        change_watchlist(
            watchlist, actor=user, **{name: form.cleaned_data[name] for name in fields}
        )
        messages.success(request, _("The watch list was changed."))
        return redirect("matching:watchlists")
    context = {"watchlist": watchlist, "form": form, "active": "watchlists"}
    return render(request, "matching/watchlist_edit.html", context)


@login_required
def watchlist_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The entries of one list, searchable by name; the listing is audited."""
    user: Any = request.user
    _may_see_identities(user)
    watchlist = _watchlist(user, code)
    form = EntrySearchForm(request.GET or None)
    entries = WatchlistEntry.objects.filter(list=watchlist.list).select_related("source")
    search = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    if search:
        entries = entries.filter(
            Q(full_name__icontains=search) | Q(name_original__icontains=search)
        )
    page = Paginator(entries.order_by("full_name", "entry_id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if page.object_list:
        audit(
            actor=user,
            verb=Verb.PERSON_LISTED,
            purpose=Purpose.IDENTITY_REVIEW,
            subject_type="matching.watchlistentry",
            changes={
                "list": watchlist.list,
                "query": search,
                "entries": [e.entry_id for e in page],
            },
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "watchlist": watchlist,
        "in_force": watchlist.in_force(timezone.localdate()),
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "today": timezone.localdate(),
        "active": "watchlists",
    }
    return render_page(request, "matching/watchlist_detail.html", context, partial="entries")


# --- Screening -------------------------------------------------------------------------------


@login_required
@rate_limit("matching-screen", "30/m")
def screen(request: HttpRequest) -> HttpResponse:
    """One identity against the watch lists in force, with the officer's purpose (audited)."""
    user: Any = request.user
    _may_see_identities(user)
    form = ScreenForm(request.POST or None)
    matches = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        nationality = data["nationality"]
        identity = query_identity(
            data["full_name"],
            date_of_birth=data["date_of_birth"],
            nationalities=[nationality.alpha3] if nationality else [],
        )
        found = screen_audited(identity, actor=user, purpose=data["purpose"], channel="form")
        matches = [
            {
                "entry": m.entry,
                "score": m.score.value,
                "reasons": _reasons(m.score.reasons_as_dicts()),
            }
            for m in found
        ]
    context = {"form": form, "matches": matches, "active": "screen"}
    return render_page(request, "matching/screen.html", context, partial="screening")
