"""Log-in (with an optional authenticator code), password, tokens, users and access profiles."""

from __future__ import annotations

import base64
import time
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from timpora.accounts import actions, two_factor
from timpora.accounts.access import levels_for
from timpora.accounts.choices import DataCategory
from timpora.accounts.forms import (
    AccessProfileForm,
    CodeForm,
    LoginForm,
    PasswordChangeForm,
    TokenForm,
    UserChangeForm,
    UserForm,
)
from timpora.accounts.models import Agency, ApiToken, User
from timpora.audit.choices import Verb
from timpora.audit.log import record
from timpora.core.ratelimit import rate_limit

PENDING_KEY = "timpora_pending_2fa"
PENDING_SECONDS = 300


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


@rate_limit("login", settings.LOGIN_RATE)
def login_view(request: HttpRequest) -> HttpResponse:
    """Step one: user name and password. Users with an authenticator go on to step two."""
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked_out.html", status=429)
        if user is None:
            form.add_error(None, _("The user name or the password is not correct."))
        elif two_factor.has_two_factor(user):
            request.session[PENDING_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "until": time.time() + PENDING_SECONDS,
                "next": _next_url(request),
            }
            return redirect("accounts:login_code")
        else:
            login(request, user)
            return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@rate_limit("login", settings.LOGIN_RATE)
def login_code_view(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the authenticator app, within five minutes of step one."""
    pending = request.session.get(PENDING_KEY)
    if not pending or pending["until"] < time.time():
        request.session.pop(PENDING_KEY, None)
        messages.error(request, _("Please log in again."))
        return redirect("accounts:login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    device = two_factor.confirmed_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and device is not None:
        if two_factor.verify(device, form.cleaned_data["code"]):
            del request.session[PENDING_KEY]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending["next"])
        record(actor=user, verb=Verb.TWO_FACTOR_FAILED, subject=user)
        form.add_error("code", _("This code is not correct or has expired."))
    return render(request, "accounts/login_code.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_password(
                user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                actor=user,
            )
        except ValidationError as exc:
            # The action names the field of a wrong current password; the password validators
            # raise plain lists, which concern the new password.
            errors = (
                exc.error_dict if hasattr(exc, "error_dict") else {"new_password": exc.error_list}
            )
            for field, items in errors.items():
                for error in items:
                    form.add_error(field, error)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "has_two_factor": two_factor.has_two_factor(user),
            "levels": _levels_table(levels_for(user)),
        },
    )


def _levels_table(levels: dict[str, str]) -> list[tuple[str, str]]:
    return [(str(category.label), levels.get(category.value, "NONE")) for category in DataCategory]


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    device = two_factor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.confirm_device(request, user, device, form.cleaned_data["code"], actor=user):
            messages.success(request, _("Two-factor log-in is on."))
            return redirect("accounts:profile")
        form.add_error("code", _("This code is not correct or has expired."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(device, user),
            "secret": _base32(device.bin_key),
            "required": bool(user.agency and user.agency.requires_two_factor),
        },
    )


def _base32(key: bytes) -> str:
    text = base64.b32encode(key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    two_factor.remove_two_factor(user, actor=user)
    messages.success(request, _("Two-factor log-in is off."))
    return redirect("accounts:profile")


# --- API tokens ------------------------------------------------------------------------------


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        token, raw = actions.create_api_token(
            user, name=form.cleaned_data["name"], days=form.cleaned_data["days"], actor=user
        )
        created = {"token": token, "raw": raw}
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=user)
    return render(
        request, "accounts/token_list.html", {"form": form, "tokens": tokens, "created": created}
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, code: str) -> HttpResponse:
    token = get_object_or_404(ApiToken, code=code, user=request.user)
    actions.revoke_api_token(token, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:token_list")


# --- Users of an agency (agency administrators) ------------------------------------------------


def _admin(request: HttpRequest) -> Any:
    user: Any = request.user
    if not user.is_agency_admin:
        raise PermissionDenied(_("Only an administrator of your agency manages its users."))
    return user


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    admin = _admin(request)
    form = UserForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            user, password = actions.create_user(
                agency=admin.agency, actor=admin, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error("username", exc.messages[0])
        else:
            created = {"user": user, "password": password}
            form = UserForm()
    users = User.objects.filter(agency=admin.agency).order_by("username")
    locked = set(
        AccessAttempt.objects.filter(
            username__in=[u.username for u in users],
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        ).values_list("username", flat=True)
    )
    return render(
        request,
        "accounts/user_list.html",
        {"form": form, "users": users, "created": created, "locked": locked},
    )


@login_required
def user_detail(request: HttpRequest, code: str) -> HttpResponse:
    admin = _admin(request)
    user = get_object_or_404(User, code=code, agency=admin.agency)  # other agencies: 404
    form = UserChangeForm(
        request.POST or None,
        initial={"full_name": user.full_name, "email": user.email, "role": user.role},
        current_role=user.role,
    )
    new_password = None
    if request.method == "POST":
        operation = request.POST.get("operation", "save")
        if operation == "save" and form.is_valid():
            actions.change_user(user, actor=admin, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("accounts:user_detail", code=user.code)
        if operation in ("deactivate", "reactivate"):
            actions.set_user_active(user, operation == "reactivate", actor=admin)
            messages.success(request, _("Saved."))
            return redirect("accounts:user_detail", code=user.code)
        if operation == "reset_password":
            new_password = actions.reset_password(user, actor=admin)
        if operation == "unlock":
            actions.unlock_user(user, actor=admin)
            messages.success(request, _("The lock-out has been lifted."))
            return redirect("accounts:user_detail", code=user.code)
        if operation == "remove_two_factor":
            two_factor.remove_two_factor(user, actor=admin)
            messages.success(request, _("Two-factor log-in removed; the user sets it up again."))
            return redirect("accounts:user_detail", code=user.code)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "form": form,
            "new_password": new_password,
            "has_two_factor": two_factor.has_two_factor(user),
        },
    )


# --- Agencies and their access profiles ------------------------------------------------------


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = Agency.objects.order_by("name")
    return render(request, "accounts/agency_list.html", {"agencies": agencies})


@login_required
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    """An agency; its access profile is shown to its users and edited by coordinators."""
    user: Any = request.user
    agency = get_object_or_404(Agency, code=code)
    may_see_profile = user.is_coordinator or user.agency_id == agency.pk
    levels = dict(agency.access_grants.values_list("category", "level"))
    form = None
    if user.is_coordinator:
        form = AccessProfileForm(
            request.POST or None,
            levels=levels,
            initial={"requires_two_factor": agency.requires_two_factor},
        )
        if request.method == "POST" and form.is_valid():
            for category in DataCategory:
                actions.set_access_level(
                    agency, category, form.cleaned_data[category.value], actor=user
                )
            actions.set_two_factor_required(
                agency, form.cleaned_data["requires_two_factor"], actor=user
            )
            messages.success(request, _("The access profile has been saved."))
            return redirect("accounts:agency_detail", code=agency.code)
    elif request.method == "POST":
        raise PermissionDenied(_("Only a coordinator changes access profiles."))
    return render(
        request,
        "accounts/agency_detail.html",
        {
            "agency": agency,
            "form": form,
            "levels": _levels_table(levels) if may_see_profile else None,
            "teams": agency.teams.order_by("area_code"),
        },
    )
