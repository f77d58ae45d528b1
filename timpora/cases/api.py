"""API of cases, tasks and referrals (``/api/v1/cases``, ``/api/v1/referrals``)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cases"])
