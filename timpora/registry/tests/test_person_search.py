from __future__ import annotations

import pytest

from timpora.registry.models import Kecamatan
from timpora.registry.queries import PersonSearch, search_persons
from timpora.testing import NGUYEN, TAN, crossing, stay_permit

PARK = {
    "full_name": "PARK JI SUNG",
    "given_names": "JI SUNG",
    "surname": "PARK",
    "name_original": "박지성",
    "sex": "M",
    "date_of_birth": "1981-02-25",
    "nationality": "KOR",
    "passport_number": "M12345678",
}
CHEN = {
    "full_name": "CHEN XIAOMING",
    "surname": "CHEN",
    "given_names": "XIAOMING",
    "name_original": "陈晓明",
    "date_of_birth": "1990-05",
    "nationality": "CHN",
    "passport_number": "E11223344",
}


@pytest.fixture
def registry(cast, facts):
    facts.add(
        "border-crossing",
        [
            crossing(PARK, "HN-9", "ARRIVAL", "2026-03-05T09:00:00+07:00"),
            crossing(CHEN, "HN-10", "ARRIVAL", "2026-03-06T09:00:00+07:00"),
            crossing(TAN, "BC-1", "ARRIVAL", "2026-03-01T12:20:00+07:00"),
        ],
        source=cast.imigrasi,
    )
    facts.add(
        "stay-permit",
        [stay_permit(NGUYEN, "P-1", kecamatan="Batu Aji", city="Batam")],
        source=cast.imigrasi,
    )


def _names(user, **criteria):
    return [p.full_name for p in search_persons(user, PersonSearch(**criteria))]


def test_it_finds_a_korean_name_written_in_hangul(cast, registry):
    assert _names(cast.alice, name="박지성") == ["PARK JI SUNG"]


def test_it_finds_a_joined_given_name_typed_apart_and_the_other_way_round(cast, registry):
    assert _names(cast.alice, name="chen xiao") == ["CHEN XIAOMING"]
    assert _names(cast.alice, name="JISUNG") == ["PARK JI SUNG"]


def test_it_finds_names_in_any_order(cast, registry):
    assert _names(cast.alice, name="wei ming tan") == ["TAN WEI MING"]


def test_it_filters_by_nationality_and_partial_birth_date(cast, registry):
    assert _names(cast.alice, nationality="KOR") == ["PARK JI SUNG"]
    assert _names(cast.alice, date_of_birth="1990") == ["CHEN XIAOMING"]
    assert _names(cast.alice, date_of_birth="1979-04") == ["TAN WEI MING"]


def test_it_filters_by_kecamatan_through_the_records_the_user_may_see(cast, registry):
    batu_aji = Kecamatan.objects.get(name="Batu Aji").pk
    assert _names(cast.alice, kecamatan=batu_aji) == ["NGUYEN VAN THANG"]
    assert _names(cast.charlie, kecamatan=batu_aji) == ["NGUYEN VAN THANG"]


def test_it_finds_nothing_for_an_empty_search(cast, registry):
    assert _names(cast.alice) == []
