"""Agencies, their users and roles, Timpora teams, access profiles and API tokens."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from timpora.accounts.choices import AccessLevel, AgencyKind, DataCategory, Role, TeamLevel
from timpora.core.models import TimporaModel


class Agency(models.Model):
    """A member institution of a Timpora team: Kantor Imigrasi, Polresta, Disnaker, …

    Unlike other rows, an agency's public ``code`` is its stable business code (``IMI-BTM``): the
    code agencies already use, given with every import (``--source IMI-BTM``) and in the API.
    """

    code = models.CharField(
        _("agency code"),
        max_length=32,
        unique=True,
        help_text=_("Stable code used in files and the API, e.g. IMI-BTM."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    requires_two_factor = models.BooleanField(
        _("two-factor log-in required"),
        default=False,
        help_text=_("Every user of this agency must confirm log-ins with an authenticator code."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def audit_label(self) -> str:
        return self.code


class Team(TimporaModel):
    """A Timpora team at one level of government, with its member agencies.

    Batam has a city team chaired by the Kantor Imigrasi and a team per kecamatan.
    """

    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=TeamLevel.choices)
    area_code = models.CharField(
        _("area code"), max_length=16, help_text=_("Kemendagri code of the area, e.g. 21.71.")
    )
    area_name = models.CharField(_("area"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    chair = models.ForeignKey(
        Agency, verbose_name=_("chair"), on_delete=models.PROTECT, related_name="chaired_teams"
    )
    members = models.ManyToManyField(
        Agency, verbose_name=_("member agencies"), related_name="teams"
    )

    class Meta:
        verbose_name = _("Timpora team")
        verbose_name_plural = _("Timpora teams")
        ordering = ["area_code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "area_code"], name="team_one_per_area"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(username=self.model.normalize_username(username), **extra)
        user.set_password(password)  # None leaves an unusable password: no default passwords
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who works in Timpora, a member of one agency with one role.

    Only a platform operator created with ``createsuperuser`` may have no agency; such an account
    sees no person data, because access always flows from an agency's profile.
    """

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    username = models.CharField(
        _("user name"),
        max_length=150,
        unique=True,
        error_messages={"unique": _("A user with that user name already exists.")},
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.OFFICER)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("platform operator"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def audit_label(self) -> str:
        return self.username

    # Roles. A coordinator of the team also manages access profiles and two-factor policy.
    @property
    def is_agency_admin(self) -> bool:
        return self.is_active and self.agency_id is not None and self.role == Role.AGENCY_ADMIN

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and self.agency_id is not None and self.role == Role.COORDINATOR

    @property
    def is_auditor(self) -> bool:
        return self.is_active and self.agency_id is not None and self.role == Role.AUDITOR


class AccessGrant(models.Model):
    """One line of an agency's access profile: how much of one category of person data it sees."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="access_grants"
    )
    category = models.CharField(_("category"), max_length=20, choices=DataCategory.choices)
    level = models.CharField(_("level"), max_length=8, choices=AccessLevel.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["agency", "category"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "category"], name="access_one_per_category"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.category}: {self.level}"


class ApiToken(TimporaModel):
    """A personal API token. Only its SHA-256 hash is kept; the token is shown once at creation."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def audit_label(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
