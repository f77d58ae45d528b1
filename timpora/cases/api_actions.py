"""API of administrative actions (``/api/v1/cases/{code}/actions``, ``/api/v1/actions``)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["administrative actions"])
