"""The current user and the agencies, for API clients."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from timpora.accounts.access import levels_for
from timpora.accounts.models import Agency

router = Router(tags=["accounts"])


class AgencyOut(Schema):
    code: str
    name: str
    kind: str
    requires_two_factor: bool


class AgencyDetailOut(AgencyOut):
    access: dict[str, str] | None = None


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    agency: AgencyOut | None
    access: dict[str, str]


@router.get("/me", response=MeOut, summary="The user calling, their agency and its access")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "agency": user.agency,
        "access": levels_for(user),
    }


@router.get("/agencies", response=list[AgencyOut], summary="The member agencies")
def agencies(request: HttpRequest) -> Any:
    return Agency.objects.order_by("code")


@router.get("/agencies/{code}", response=AgencyDetailOut, summary="One agency")
def agency(request: HttpRequest, code: str) -> dict[str, Any]:
    """An agency; its access profile is shown to its own users and to coordinators."""
    user: Any = request.user
    found = get_object_or_404(Agency, code=code)
    access = None
    if user.agency_id == found.pk or user.is_coordinator:
        access = dict(found.access_grants.values_list("category", "level"))
    return {
        "code": found.code,
        "name": found.name,
        "kind": found.kind,
        "requires_two_factor": found.requires_two_factor,
        "access": access,
    }
