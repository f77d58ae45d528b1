"""A foreign national, their travel documents, and the tokens their names are searched by."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from timpora.accounts.access import FACT_CATEGORIES, can_see_records, record_categories
from timpora.accounts.choices import DataCategory
from timpora.core.models import TimporaModel
from timpora.core.querysets import ScopedQuerySet
from timpora.registry.choices import Sex
from timpora.registry.models.reference import Country


class PersonQuerySet(ScopedQuerySet["Person"]):
    def visible_to(self, user: Any) -> PersonQuerySet:
        """Persons whose records the user's agency may see.

        An agency sees a person when its profile grants identities and at least one category
        that holds a record of theirs: Manpower sees workers and permit holders, not tourists.
        """
        from timpora.registry.models.facts import FACT_MODELS

        categories = record_categories(user)
        if not categories:
            return self.none()
        current = self.filter(merged_into__isnull=True)
        if categories >= {str(c) for c in FACT_CATEGORIES}:
            return current  # every person entered the registry through some fact
        linked = Q()
        for category in sorted(categories):
            linked |= Q(Exists(FACT_MODELS[category].objects.filter(person_id=OuterRef("pk"))))
        return current.filter(linked)


class Person(TimporaModel):
    """A foreign national as the agencies know them: one human being, ideally one row.

    The identity fields hold the best-known values (from the latest record that created or
    confirmed the person). A record whose document matches but whose identity does not is kept as
    a separate person for the matching app to resolve; nothing is merged without an officer.
    """

    full_name = models.CharField(_("full name"), max_length=200)
    given_names = models.CharField(_("given names"), max_length=200, blank=True)
    surname = models.CharField(_("surname"), max_length=200, blank=True)
    name_original = models.CharField(_("name in native script"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    date_of_birth = models.CharField(
        _("date of birth"),
        max_length=10,
        blank=True,
        db_index=True,
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD: some documents give only the year."),
    )
    place_of_birth = models.CharField(_("place of birth"), max_length=200, blank=True)
    nationality = models.ForeignKey(
        Country, verbose_name=_("nationality"), on_delete=models.PROTECT, related_name="+"
    )
    needs_resolution = models.BooleanField(
        _("awaiting identity review"),
        default=False,
        help_text=_("Created because no known document matched; the resolver should look at it."),
    )
    first_source = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("first reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_source_kind = models.CharField(_("first record kind"), max_length=32)
    first_source_key = models.CharField(_("first record key"), max_length=200)

    # Derived from the facts after every import batch (registry.actions.refresh_derived), so
    # that lists, rules and dashboards read them without recomputing.
    in_country = models.BooleanField(_("in the country"), null=True, blank=True)
    authorised_until = models.DateField(_("authorised to stay until"), null=True, blank=True)
    current_permit = models.ForeignKey(
        "registry.StayPermit",
        verbose_name=_("current stay permit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    current_address = models.CharField(_("current address"), max_length=300, blank=True)
    current_kecamatan = models.ForeignKey(
        "registry.Kecamatan",
        verbose_name=_("current kecamatan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    current_employer = models.ForeignKey(
        "registry.Company",
        verbose_name=_("current employer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    derived_on = models.DateField(_("derived facts as of"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set when an officer decided this is the same human as another person."),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["full_name", "date_of_birth"]
        indexes = [models.Index(fields=["nationality", "full_name"], name="person_nat_name")]

    def __str__(self) -> str:
        return self.full_name

    def audit_label(self) -> str:
        # The audit log names a person by code only: it is read by auditors of every agency.
        return ""


class PersonNameToken(models.Model):
    """One search token of a person's names (see ``timpora.lib.text.search_tokens``)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="name_tokens", db_index=False
    )
    token = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("name token")
        verbose_name_plural = _("name tokens")
        ordering = ["token"]
        constraints = [
            # (token, person) answers "who has a word starting with TAN"; (person, token)
            # answers "which of these persons also has one starting with WEI" from the index.
            models.UniqueConstraint(fields=["token", "person"], name="name_token_unique"),
        ]
        indexes = [models.Index(fields=["person", "token"], name="name_token_person")]

    def __str__(self) -> str:
        return self.token


class TravelDocumentQuerySet(ScopedQuerySet["TravelDocument"]):
    def visible_to(self, user: Any) -> TravelDocumentQuerySet:
        if not (
            can_see_records(user, DataCategory.IDENTITY)
            and can_see_records(user, DataCategory.DOCUMENTS)
        ):
            return self.none()
        return self.filter(person__in=Person.objects.visible_to(user))


class TravelDocument(TimporaModel):
    """A passport (or other travel document) as printed, held by one person."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="documents"
    )
    number = models.CharField(_("number"), max_length=32)
    number_key = models.CharField(
        _("number (normalised for matching)"),
        max_length=32,
        db_index=True,
        help_text=_("Upper-cased, without spaces, dashes or '<'."),
    )
    issuing_state = models.ForeignKey(
        Country, verbose_name=_("issuing state"), on_delete=models.PROTECT, related_name="+"
    )
    expiry = models.DateField(_("expiry"), null=True, blank=True)
    first_source = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("first reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = TravelDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("travel document")
        verbose_name_plural = _("travel documents")
        ordering = ["person", "-expiry"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "number_key", "issuing_state"], name="document_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuing_state_id} {self.number}"


class IdentityConflict(TimporaModel):
    """The same passport number arriving with another identity (date of birth or name).

    The second identity is kept as a separate person; this row records the pair for the
    ``DOCUMENT_CONFLICT`` rule and the resolver. An officer decides whether they are one human.
    """

    number_key = models.CharField(_("document number"), max_length=32, db_index=True)
    issuing_state = models.ForeignKey(
        Country, verbose_name=_("issuing state"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("known holder"),
        on_delete=models.CASCADE,
        related_name="document_conflicts",
    )
    other_person = models.ForeignKey(
        Person,
        verbose_name=_("other identity"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reasons = models.JSONField(_("differences"), default=list)
    source = models.ForeignKey(
        "accounts.Agency", verbose_name=_("source"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("record kind"), max_length=32)
    source_key = models.CharField(_("record key"), max_length=200)

    class Meta:
        verbose_name = _("identity conflict")
        verbose_name_plural = _("identity conflicts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "other_person"], name="identity_conflict_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_key} ({self.issuing_state_id})"
