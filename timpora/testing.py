"""The test cast (STYLE.md) and helpers, loaded as a pytest plugin by the root conftest.py.

Everyone is created through the real actions, as in production. Reference data (countries,
kecamatan, checkpoints, the Batam agencies) is loaded once per test database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from timpora.accounts import actions as accounts
from timpora.accounts.choices import AgencyKind, Role
from timpora.accounts.models import Agency, User


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        call_command("init", verbosity=0)
    yield
    with django_db_blocker.unblock():
        _close_stray_connections()


def _close_stray_connections() -> None:
    """End the connections that live-server threads left open, so the test database can go.

    A request thread of the browser tests' live server may still hold an idle PostgreSQL
    connection when the session ends; PostgreSQL refuses to drop a database in use.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _isolated_settings(settings: Any, tmp_path: Any) -> None:
    settings.SECURE_COOKIES = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.MATCHING_MODEL_DIR = tmp_path / "models"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def reference_data(db: Any) -> None:
    """Reference data, reloaded when a transactional test emptied the database."""
    from timpora.registry.models import Country

    if not Country.objects.exists():
        call_command("init", verbosity=0)


@dataclass
class Cast:
    imigrasi: Agency
    disnaker: Agency
    kesbangpol: Agency
    alice: User  # immigration officer
    bob: User  # immigration supervisor
    charlie: User  # manpower officer
    dina: User  # coordinator (immigration)
    erin: User  # auditor (immigration)
    fajar: User  # immigration agency administrator
    gita: User  # local-government officer
    passwords: dict[str, str]

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


def _agency(code: str, name: str, kind: str) -> Agency:
    return accounts.ensure_agency(code=code, name=name, kind=kind, actor=None)


@pytest.fixture
def cast(reference_data: None) -> Cast:
    imigrasi = Agency.objects.get(code="IMI-BTM")
    disnaker = Agency.objects.get(code="DISNAKER-BTM")
    kesbangpol = Agency.objects.get(code="KESBANGPOL-BTM")
    passwords: dict[str, str] = {}

    def person(name: str, agency: Agency, role: str) -> User:
        user, password = accounts.create_user(
            agency=agency, username=name, full_name=name.title(), role=role, actor=None
        )
        passwords[name] = password
        return user

    return Cast(
        imigrasi=imigrasi,
        disnaker=disnaker,
        kesbangpol=kesbangpol,
        alice=person("alice", imigrasi, Role.OFFICER),
        bob=person("bob", imigrasi, Role.SUPERVISOR),
        charlie=person("charlie", disnaker, Role.OFFICER),
        dina=person("dina", imigrasi, Role.COORDINATOR),
        erin=person("erin", imigrasi, Role.AUDITOR),
        fajar=person("fajar", imigrasi, Role.AGENCY_ADMIN),
        gita=person("gita", kesbangpol, Role.OFFICER),
        passwords=passwords,
    )


@pytest.fixture
def fixtures_dir() -> Iterator[Any]:
    yield settings.BASE_DIR / "tests" / "fixtures"


__all__ = ["AgencyKind", "Cast"]


class Facts:
    """Writes exchange-format rows as facts through the real parser and action."""

    def add(self, kind: str, rows: list[dict[str, Any]], *, source: Agency) -> Any:
        from timpora.registry.actions import record_facts
        from timpora.registry.records import parse_row
        from timpora.registry.reference import current_reference

        reference = current_reference()
        records = [parse_row(kind, row, reference) for row in rows]
        return record_facts(records, source=source, actor=None)


@pytest.fixture
def facts(reference_data: None) -> Facts:
    return Facts()


TAN = {
    "full_name": "TAN WEI MING",
    "given_names": "WEI MING",
    "surname": "TAN",
    "sex": "M",
    "date_of_birth": "1979-04-12",
    "nationality": "SGP",
    "passport_number": "K1234567A",
}
ZHANG = {
    "full_name": "ZHANG WEI",
    "given_names": "WEI",
    "surname": "ZHANG",
    "name_original": "张伟",
    "sex": "M",
    "date_of_birth": "1988-11-02",
    "nationality": "CHN",
    "passport_number": "EJ4820193",
}
NGUYEN = {
    "full_name": "NGUYEN VAN THANG",
    "given_names": "VAN THANG",
    "surname": "NGUYEN",
    "name_original": "Nguyễn Văn Thắng",
    "sex": "M",
    "date_of_birth": "1992",
    "nationality": "VNM",
    "passport_number": "C8842211",
}


@pytest.fixture
def people(cast: Cast, facts: Facts) -> dict[str, Any]:
    """Two visitors who arrived (TAN WEI MING from Singapore, ZHANG WEI 张伟 from China) and a
    worker with an ITAS and no crossing (NGUYEN VAN THANG), by full name."""
    from timpora.registry.models import Person

    facts.add(
        "border-crossing",
        [
            crossing(TAN, "BC-1", "ARRIVAL", "2026-03-01T12:20:00+07:00"),
            crossing(ZHANG, "HN-1", "ARRIVAL", "2026-03-02T18:55:00+07:00", permit_type="ITK"),
        ],
        source=cast.imigrasi,
    )
    facts.add("stay-permit", [stay_permit(NGUYEN, "2C21AB0012-X")], source=cast.imigrasi)
    return {p.full_name: p for p in Person.objects.all()}


def crossing(
    identity: dict[str, str], key: str, direction: str, at: str, **extra: str
) -> dict[str, str]:
    return {
        "crossing_id": key,
        "direction": direction,
        "checkpoint": "BTM-HB",
        "crossed_at": at,
        **identity,
        **extra,
    }


def stay_permit(identity: dict[str, str], number: str, **extra: str) -> dict[str, str]:
    row = {
        "permit_number": number,
        "permit_type": "ITAS",
        "visa_index": "E23",
        "status": "ACTIVE",
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
        "sponsor_type": "COMPANY",
        "sponsor_id": "8120009876543",
        "sponsor_name": "PT Sinar Baja Fabrikasi",
        **identity,
    }
    row.update(extra)
    return row
