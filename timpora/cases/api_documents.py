"""API of issued documents, including the public verification of a document's token."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["documents"])
