"""The demo's log-ins: one or more users in the agencies of a Batam Timpora team.

Passwords are generated and shown once, never stored in plain text. A user who already exists
(a second ``timpora demo``) gets a fresh generated password, written by the system with its audit
event, so that every run prints log-ins that work and the earlier ones stop working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import translation

from timpora.accounts.actions import create_user, generate_password
from timpora.accounts.choices import AccessLevel, DataCategory, Role
from timpora.accounts.models import AccessGrant, Agency, User
from timpora.audit.choices import Verb
from timpora.audit.log import record


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    agency: str
    role: Role


DEMO_USERS = (
    DemoUser("imi.officer", "Andi Pratama", "IMI-BTM", Role.OFFICER),
    DemoUser("imi.supervisor", "Budi Santoso", "IMI-BTM", Role.SUPERVISOR),
    DemoUser("imi.coordinator", "Dewi Lestari", "IMI-BTM", Role.COORDINATOR),
    DemoUser("imi.auditor", "Eko Saputra", "IMI-BTM", Role.AUDITOR),
    DemoUser("imi.admin", "Fitri Handayani", "IMI-BTM", Role.AGENCY_ADMIN),
    DemoUser("polresta.officer", "Gilang Ramadhan", "POLRESTA-BRL", Role.OFFICER),
    DemoUser("disnaker.officer", "Hendra Wijaya", "DISNAKER-BTM", Role.OFFICER),
    DemoUser("dukcapil.officer", "Indah Permata", "DISDUKCAPIL-BTM", Role.OFFICER),
    DemoUser("kesbangpol.officer", "Joko Susilo", "KESBANGPOL-BTM", Role.OFFICER),
)

# What a role may do beyond reading its agency's data.
_ROLE_NOTES = {
    Role.SUPERVISOR: "supervises the officers' work",
    Role.COORDINATOR: "manages agencies, teams and access profiles",
    Role.AUDITOR: "reads the audit log",
    Role.AGENCY_ADMIN: "manages its agency's users",
}
_CATEGORY_WORDS = {
    DataCategory.IDENTITY: "identities",
    DataCategory.DOCUMENTS: "permits",
    DataCategory.CROSSINGS: "crossings",
    DataCategory.RESIDENCE_REPORTS: "residence reports",
    DataCategory.WORK_PERMITS: "work permits",
    DataCategory.REGISTRATIONS: "registrations",
    DataCategory.ALERTS: "alerts",
    DataCategory.CASES: "cases",
    DataCategory.INTELLIGENCE: "intelligence",
}


@dataclass(frozen=True)
class Login:
    """One line of the log-in table the command prints."""

    username: str
    password: str
    agency: str
    role: str
    sees: str
    created: bool


@transaction.atomic
def reset_demo_password(user: User) -> str:
    """Give a demo user a fresh generated password; the system (no actor) is the one acting.

    ``accounts.actions.reset_password`` needs an administrator as actor; the demo command has
    none, so this does the same with ``actor=None``, with the same audit event.
    """
    password = generate_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor=None, verb=Verb.USER_PASSWORD_RESET, subject=user, agency=user.agency)
    return password


def what_they_see(agency: Agency, role: str) -> str:
    """The agency's access profile in words, with what the role adds."""
    levels = dict(AccessGrant.objects.filter(agency=agency).values_list("category", "level"))
    records = [c for c in DataCategory if levels.get(c) == AccessLevel.RECORD]
    if len(records) == len(DataCategory):
        sees = "every person and record"
    elif not records or DataCategory.IDENTITY not in records:
        sees = "counts only, no persons"
    else:
        shown = [_CATEGORY_WORDS[c] for c in records if c != DataCategory.IDENTITY]
        sees = "persons with their " + ", ".join(shown) + "; counts of the rest"
    note = _ROLE_NOTES.get(Role(role))
    return f"{sees}; {note}" if note else sees


def _english(label: Any) -> str:
    with translation.override("en"):
        return str(label)


def ensure_demo_users() -> list[Login]:
    """Create the demo users that are missing and give those that exist a new password."""
    logins: list[Login] = []
    agencies = {a.code: a for a in Agency.objects.filter(code__in={u.agency for u in DEMO_USERS})}
    for spec in DEMO_USERS:
        agency = agencies[spec.agency]
        user = User.objects.filter(username__iexact=spec.username).first()
        if user is None:
            user, password = create_user(
                agency=agency,
                username=spec.username,
                full_name=spec.full_name,
                role=spec.role,
                actor=None,
            )
            created = True
        else:
            password = reset_demo_password(user)
            created = False
        logins.append(
            Login(
                username=user.username,
                password=password,
                agency=user.agency.code if user.agency else "",
                role=_english(Role(user.role).label),
                sees=what_they_see(user.agency, user.role) if user.agency else "nothing",
                created=created,
            )
        )
    return logins
