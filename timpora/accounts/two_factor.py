"""Time-based one-time codes (TOTP, RFC 6238) with django-otp: set-up, confirmation, removal."""

from __future__ import annotations

from typing import Any

import segno
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from timpora.accounts.models import User
from timpora.audit.choices import Verb
from timpora.audit.log import record


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_two_factor_setup(user: Any) -> bool:
    """True for a logged-in user whose agency requires two-factor log-in they have not set up."""
    verified = getattr(user, "is_verified", lambda: False)()
    return bool(user.agency_id and user.agency.requires_two_factor and not verified)


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up, created on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_svg(device: TOTPDevice, user: User) -> str:
    """The provisioning URI as an inline SVG QR code, drawn here: nothing leaves the intranet."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111"))


def verify(device: TOTPDevice, code: str) -> bool:
    code = "".join(code.split())
    return code.isdigit() and bool(device.verify_token(code))


@transaction.atomic
def confirm_device(
    request: HttpRequest, user: User, device: TOTPDevice, code: str, *, actor: User
) -> bool:
    """Confirm a new device with a first code; the session counts as verified from then on."""
    if actor.pk != user.pk:
        raise PermissionDenied(_("Only the user may set up their own two-factor log-in."))
    if not verify(device, code):
        record(actor=actor, verb=Verb.TWO_FACTOR_FAILED, subject=user)
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    record(actor=actor, verb=Verb.TWO_FACTOR_ENABLED, subject=user)
    return True


@transaction.atomic
def remove_two_factor(user: User, *, actor: User) -> None:
    if not (actor.pk == user.pk or (actor.is_agency_admin and actor.agency_id == user.agency_id)):
        raise PermissionDenied(_("Only the user or an administrator of their agency may do this."))
    if user.agency and user.agency.requires_two_factor and actor.pk == user.pk:
        raise PermissionDenied(_("Your agency requires two-factor log-in."))
    deleted, _rows = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        record(actor=actor, verb=Verb.TWO_FACTOR_DISABLED, subject=user)
