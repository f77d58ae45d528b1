from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Outside a request, messages (refusals, reasons) are read in English by these tests.

    Requests choose their own language (Indonesian unless the user chose English).
    """
    with translation.override("en"):
        yield
