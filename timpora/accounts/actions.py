"""Every change to agencies, users, teams, access profiles and tokens.

Each action checks that the actor may do it, runs in one transaction and writes its audit event.
``actor=None`` means the system itself (``timpora init``, ``timpora demo``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from timpora.accounts.access import DEFAULT_PROFILES, forget_levels
from timpora.accounts.choices import AccessLevel, AgencyKind, DataCategory, Role, TeamLevel
from timpora.accounts.models import AccessGrant, Agency, ApiToken, Team, User
from timpora.audit.choices import Verb
from timpora.audit.log import record

# Generated passwords avoid letters that are easy to misread when read out or copied by hand.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105
TOKEN_PREFIX = "tmp_"  # noqa: S105  (a marker, not a secret)


def generate_password() -> str:
    """A random password of four groups of five characters (about 115 bits)."""
    groups = ("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(5)) for _ in range(4))
    return "-".join(groups)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


# Roles with power beyond the user's own agency: a coordinator edits every agency's access
# profile, an auditor reads every agency's audit events. An agency administrator cannot grant
# them; the platform operator does, with `timpora setrole` (decision 6).
TEAM_ROLES = frozenset({Role.COORDINATOR, Role.AUDITOR})


def _require_grantable(role: str, actor: User | None) -> None:
    _require(
        actor is None or role not in TEAM_ROLES,
        _("Coordinator and auditor roles are granted by the platform operator."),
    )


def _may_manage_users_of(actor: User | None, agency: Agency | None) -> bool:
    if actor is None:  # the system: init, demo, createsuperuser
        return True
    return actor.is_agency_admin and agency is not None and actor.agency_id == agency.pk


# --- Agencies, teams and access profiles -----------------------------------------------------


@transaction.atomic
def ensure_agency(*, code: str, name: str, kind: str, note: str = "", actor: User | None) -> Agency:
    """Create the agency with its default access profile, or bring its name up to date."""
    _require(actor is None or actor.is_coordinator, _("Only a coordinator manages agencies."))
    kind = AgencyKind(kind)
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        agency = Agency.objects.create(code=code, name=name, kind=kind, note=note)
        AccessGrant.objects.bulk_create(
            AccessGrant(agency=agency, category=category, level=level)
            for category, level in DEFAULT_PROFILES[kind].items()
        )
        record(
            actor=actor,
            verb=Verb.AGENCY_CREATED,
            subject=agency,
            agency=agency,
            changes={"name": [None, name], "kind": [None, kind]},
        )
        return agency
    changes = {
        field: [getattr(agency, field), value]
        for field, value in (("name", name), ("kind", kind), ("note", note))
        if getattr(agency, field) != value
    }
    if changes:
        for field, (_old, new) in changes.items():
            setattr(agency, field, new)
        agency.save(update_fields=[*changes, "updated_at"])
        record(
            actor=actor, verb=Verb.AGENCY_CHANGED, subject=agency, agency=agency, changes=changes
        )
    # A category added in a later release gets its default level for existing agencies.
    _add_missing_grants(agency)
    return agency


def _add_missing_grants(agency: Agency) -> None:
    present = set(agency.access_grants.values_list("category", flat=True))
    defaults = DEFAULT_PROFILES[AgencyKind(agency.kind)]
    AccessGrant.objects.bulk_create(
        AccessGrant(agency=agency, category=category, level=level)
        for category, level in defaults.items()
        if category not in present
    )


@transaction.atomic
def set_access_level(
    agency: Agency, category: DataCategory | str, level: AccessLevel | str, *, actor: User
) -> AccessGrant:
    """Change one line of an agency's access profile (coordinators only)."""
    _require(actor.is_coordinator, _("Only a coordinator changes access profiles."))
    category, level = DataCategory(category), AccessLevel(level)
    grant, _created = AccessGrant.objects.select_for_update().get_or_create(
        agency=agency, category=category, defaults={"level": AccessLevel.NONE}
    )
    old = grant.level
    if old != level:
        grant.level = level
        grant.save(update_fields=["level", "updated_at"])
        record(
            actor=actor,
            verb=Verb.ACCESS_PROFILE_CHANGED,
            subject=agency,
            changes={category: [old, level]},
        )
        forget_levels(actor)
    return grant


@transaction.atomic
def set_two_factor_required(agency: Agency, required: bool, *, actor: User) -> Agency:
    _require(actor.is_coordinator, _("Only a coordinator sets the two-factor policy."))
    if agency.requires_two_factor != required:
        record(
            actor=actor,
            verb=Verb.AGENCY_CHANGED,
            subject=agency,
            changes={"requires_two_factor": [agency.requires_two_factor, required]},
        )
        agency.requires_two_factor = required
        agency.save(update_fields=["requires_two_factor", "updated_at"])
    return agency


@transaction.atomic
def ensure_team(
    *,
    name: str,
    level: TeamLevel | str,
    area_code: str,
    area_name: str,
    chair: Agency,
    members: Iterable[Agency],
    parent: Team | None = None,
    actor: User | None,
) -> Team:
    """Create or update a Timpora team for an area; its member list becomes ``members``."""
    _require(actor is None or actor.is_coordinator, _("Only a coordinator manages teams."))
    team, created = Team.objects.get_or_create(
        level=level,
        area_code=area_code,
        defaults={"name": name, "area_name": area_name, "chair": chair, "parent": parent},
    )
    wanted = {agency.pk for agency in members} | {chair.pk}
    present = set(team.members.values_list("pk", flat=True))
    changes: dict[str, Any] = {}
    if not created:
        for field, value in (("name", name), ("area_name", area_name)):
            if getattr(team, field) != value:
                changes[field] = [getattr(team, field), value]
                setattr(team, field, value)
        if team.chair_id != chair.pk or team.parent_id != (parent.pk if parent else None):
            changes["chair"] = [team.chair_id, chair.pk]
            team.chair, team.parent = chair, parent
        if changes:
            team.save()
    if wanted != present:
        team.members.set(wanted)
        changes["members"] = [sorted(present), sorted(wanted)]
    if created or changes:
        record(
            actor=actor,
            verb=Verb.TEAM_CREATED if created else Verb.TEAM_CHANGED,
            subject=team,
            changes=changes,
        )
    return team


# --- Users -----------------------------------------------------------------------------------


@transaction.atomic
def create_user(
    *,
    agency: Agency | None,
    username: str,
    full_name: str = "",
    email: str = "",
    role: Role | str = Role.OFFICER,
    actor: User | None,
) -> tuple[User, str]:
    """Create a user of ``agency`` with a generated password, returned once and never stored."""
    _require(
        _may_manage_users_of(actor, agency),
        _("Only an administrator of this agency manages its users."),
    )
    _require_grantable(str(role), actor)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("A user with that user name already exists.")})
    password = generate_password()
    user = User.objects.create_user(
        username, password, full_name=full_name, email=email, agency=agency, role=Role(role)
    )
    record(
        actor=actor,
        verb=Verb.USER_CREATED,
        subject=user,
        agency=agency,
        changes={"username": [None, username], "role": [None, role]},
    )
    return user, password


@transaction.atomic
def change_user(user: User, *, full_name: str, email: str, role: Role | str, actor: User) -> User:
    _require(
        _may_manage_users_of(actor, user.agency),
        _("Only an administrator of this agency manages its users."),
    )
    _require(
        not (user.pk == actor.pk and role != user.role),
        _("You cannot change your own role."),
    )
    if role != user.role:
        _require_grantable(str(role), actor)
        _require_grantable(user.role, actor)
    changes = {
        field: [getattr(user, field), value]
        for field, value in (("full_name", full_name), ("email", email), ("role", str(role)))
        if getattr(user, field) != value
    }
    if changes:
        for field, (_old, new) in changes.items():
            setattr(user, field, new)
        user.save(update_fields=list(changes))
        record(actor=actor, verb=Verb.USER_CHANGED, subject=user, changes=changes)
    return user


@transaction.atomic
def set_role(user: User, role: Role | str, *, actor: None) -> User:
    """The platform operator's way to grant any role, team roles included (``timpora setrole``)."""
    role = Role(role)
    if user.role != role:
        record(
            actor=actor, verb=Verb.USER_CHANGED, subject=user, changes={"role": [user.role, role]}
        )
        user.role = role
        user.save(update_fields=["role"])
    return user


@transaction.atomic
def set_user_active(user: User, active: bool, *, actor: User) -> User:
    _require(
        _may_manage_users_of(actor, user.agency),
        _("Only an administrator of this agency manages its users."),
    )
    _require(user.pk != actor.pk, _("You cannot deactivate yourself."))
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
        record(
            actor=actor,
            verb=Verb.USER_REACTIVATED if active else Verb.USER_DEACTIVATED,
            subject=user,
        )
    return user


@transaction.atomic
def reset_password(user: User, *, actor: User) -> str:
    """Give the user a new generated password (shown once to the administrator)."""
    _require(
        _may_manage_users_of(actor, user.agency),
        _("Only an administrator of this agency manages its users."),
    )
    password = generate_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor=actor, verb=Verb.USER_PASSWORD_RESET, subject=user)
    return password


@transaction.atomic
def change_password(user: User, *, old_password: str, new_password: str, actor: User) -> User:
    _require(actor.pk == user.pk, _("Only the user may change their own password."))
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("Your current password is not correct.")})
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record(actor=actor, verb=Verb.USER_PASSWORD_CHANGED, subject=user)
    return user


@transaction.atomic
def unlock_user(user: User, *, actor: User) -> int:
    """Lift a lock-out after failed log-ins before its cool-off ends."""
    from axes.utils import reset

    _require(
        _may_manage_users_of(actor, user.agency),
        _("Only an administrator of this agency manages its users."),
    )
    count = int(reset(username=user.username) or 0)
    if count:
        record(actor=actor, verb=Verb.USER_UNLOCKED, subject=user)
    return count


# --- API tokens ------------------------------------------------------------------------------


def hash_token(raw: str) -> str:
    # A token carries 256 random bits, so one round of SHA-256 is enough to keep it unusable if
    # the table leaks; a slow password hash would only slow down every API call.
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def create_api_token(user: User, *, name: str, days: int, actor: User) -> tuple[ApiToken, str]:
    """Create a personal token for ``user``; the returned plain token is shown once."""
    _require(actor.pk == user.pk, _("Only the user may create their own API tokens."))
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"days": _("Choose between 1 and %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}}
        )
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    record(
        actor=actor,
        verb=Verb.API_TOKEN_CREATED,
        subject=token,
        changes={"expires_at": [None, token.expires_at]},
    )
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: User) -> ApiToken:
    _require(
        actor.pk == token.user_id or _may_manage_users_of(actor, token.user.agency),
        _("Only the owner or an administrator of their agency revokes a token."),
    )
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        record(actor=actor, verb=Verb.API_TOKEN_REVOKED, subject=token)
    return token


def authenticate_token(raw: str) -> User | None:
    """The active user behind a usable token, or ``None``."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__agency")
        .filter(key_hash=hash_token(raw))
        .first()
    )
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    # Note the last use at most once a minute, so that a busy client does not write every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
