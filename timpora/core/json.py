"""JSON values that read back unchanged from any database."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


def jsonable(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """Dates, UUIDs and decimals as the strings JSON columns give back on SQLite and PostgreSQL,
    so that a hash or a comparison made now matches the value read later."""
    if not values:
        return {}
    return dict(json.loads(json.dumps(values, cls=DjangoJSONEncoder, sort_keys=True)))
