from __future__ import annotations

import pytest
from django.utils import translation

from timpora.core.templatetags.timpora import partial_date, rupiah


@pytest.mark.parametrize(
    ("value", "shown"),
    [("1988-11-02", "2 Nov 1988"), ("1983-07", "Juli 1983"), ("1992", "1992"), ("", "")],
)
def test_it_shows_full_and_partial_birth_dates_the_indonesian_way(value, shown):
    with translation.override("id"):
        assert partial_date(value) == shown


def test_it_writes_money_in_rupiah_with_dots_between_thousands():
    with translation.override("id"):
        assert rupiah(1_000_000) == "Rp 1.000.000"


def test_it_keeps_indonesian_grouping_in_the_english_interface():
    with translation.override("en"):
        assert rupiah(61_000_000) == "Rp 61.000.000"
