"""Scoring, table-driven per script: the same person under two spellings scores at or above the
review threshold, the hard negatives beside them below it, and every score explains itself."""

from __future__ import annotations

import pytest
from django.conf import settings

from timpora.matching import scoring
from timpora.matching.scoring import DEFAULT_REVIEW_THRESHOLD, Identity, score

T = DEFAULT_REVIEW_THRESHOLD


def who(name: str, dob: str = "", nat: str = "", sex: str = "", *docs: str) -> Identity:
    return Identity(
        names=(name,),
        date_of_birth=dob,
        nationalities=(nat,) if nat else (),
        sex=sex,
        documents=docs,
    )


SAME = [
    # (script, a, b)
    ("chinese", who("ZHANG WEI", "1988-11-02", "CHN"), who("张伟", "1988-11-02", "CHN")),
    ("chinese", who("ZHANG XIAOMING", "1990-05-01"), who("ZHANG XIAO MING", "1990-05-01")),
    ("chinese", who("CHANG WEI", "1988-11-02"), who("张伟", "1988-11-02")),
    ("chinese", who("TAN WEI MING", "1979-04-12", "SGP"), who("陈伟明", "1979-04-12", "SGP")),
    ("chinese", who("LI QIANG", "1975"), who("李强", "1975-08-19")),
    ("korean", who("PARK JI SUNG", "1981-02-25", "KOR"), who("박지성", "1981-02-25", "KOR")),
    ("korean", who("BAK JI-SEONG", "1981-02-25", "KOR"), who("PARK JISUNG", "1981-02-25", "KOR")),
    ("korean", who("JO HYEJIN", "1971", "KOR"), who("CHO HYE-JIN", "1971-01-06", "KOR")),
    ("japanese", who("佐藤 浩", "1970-03-03", "JPN"), who("SATO HIROSHI", "1970-03-03", "JPN")),
    ("russian", who("Юрий Гагарин", "1934-03-09", "RUS"), who("YURIY GAGARIN", "1934-03-09")),
    ("russian", who("IURII GAGARIN", "1934-03-09"), who("YURI GAGARIN", "1934-03-09")),
    ("arabic", who("محمد علي", "1980-01-15"), who("MOHAMMED ALI", "1980-01-15")),
    ("arabic", who("MOHD ALI", "1980-01-15"), who("MUHAMMAD ALI", "1980-01-15")),
    ("arabic", who("ABDUL RAHMAN BIN YUSOF", "1970-07-07"), who("ABDULRAHMAN YUSOF", "1970-07-07")),
    ("indian", who("R. K. SHARMA", "1983-07-14", "IND"),
     who("RAJESH KUMAR SHARMA", "1983-07-14", "IND")),
    ("vietnamese", who("Nguyễn Văn Nam", "1992-01-01"), who("NGUYEN VAN NAM", "1992-01-01")),
    ("western", who("JOHN SMITH", "1960-01-01"), who("SMITH, JOHN", "1960-01-01")),
    # A date typo, or day and month swapped, with the same name.
    ("western", who("ANNA MUELLER", "1985-03-12"), who("ANNA MUELLER", "1985-03-13")),
    ("western", who("ANNA MUELLER", "1985-03-12"), who("ANNA MUELLER", "1985-12-03")),
    # A letter off in the name, with the same full date of birth.
    ("western", who("INGRID JANSSEN", "1968-01-12"), who("INGRIT JANSSEN", "1968-01-12")),
    # The same passport number is strong evidence even when a date was mistyped beyond a typo.
    ("western", who("EDWARD DENHOLM", "1966-03-06", "", "", "7119771"),
     who("EDWARD DENHOLM", "1913-06-29", "", "", "7119771")),
]  # fmt: skip

DIFFERENT = [
    ("chinese", who("LI WEI", "1988-11-02"), who("LI WEN", "1979-03-30")),
    ("chinese", who("ZHANG WEI", "1988-11-02"), who("ZHANG WEI", "1979-01-30")),
    ("chinese", who("ZHANG WEI", "1988-11-02"), who("ZHANG WEN", "1988")),
    ("korean", who("KIM MIN JUN", "1990-01-01"), who("KIM MIN JAE", "1990")),
    ("arabic", who("MOHAMMED ALI", "1980-01-15"), who("MAHMOUD ALI", "1980")),
    # Brothers: the father's and family names agree, the given name does not.
    ("arabic", who("TAREK MAJED HUSSEIN AL-HASHIMI", "1995-04-25"),
     who("SAEED MAJED HUSSEIN AL-HASHIMI", "1995")),
    # A letter off is a weak resemblance: without a full date of birth, not enough.
    ("western", who("INGRID EMMA JOERGENSEN", "", "DNK"),
     who("INGRIT EMMA JOERGENSEN", "1968-01-12", "DNK")),
    # A one-part name alone (ALI / MOHAMMED ALI).
    ("arabic", who("ALI", "1980"), who("MOHAMMED ALI", "1980-01-15")),
    # Burmese names have no surname; the same parts in another order are another name.
    ("myanmar", who("LWIN NYUNT NWAY", "2006-06-17", "MMR"), who("NWAY NYUNT LWIN", "2006", "MMR")),
]  # fmt: skip


@pytest.mark.parametrize(("script", "a", "b"), SAME, ids=[f"{s}-{a.names[0]}" for s, a, _ in SAME])
def test_the_same_person_under_two_spellings_reaches_the_threshold(
    script: str, a: Identity, b: Identity
) -> None:
    result = score(a, b)
    assert result.value >= T, (script, result.reasons)
    assert score(b, a).value == pytest.approx(result.value)  # symmetric


@pytest.mark.parametrize(
    ("script", "a", "b"), DIFFERENT, ids=[f"{s}-{a.names[0]}" for s, a, _ in DIFFERENT]
)
def test_hard_negatives_stay_below_the_threshold(script: str, a: Identity, b: Identity) -> None:
    result = score(a, b)
    assert result.value < T, (script, result.reasons)
    # Skipping the name when the other facts rule a match out gives the same decision.
    assert score(a, b, at_least=T).value < T


def test_a_score_explains_itself_with_weights_that_add_up() -> None:
    result = score(
        who("张伟", "1988-11-02", "CHN", "M"), who("ZHANG WEI", "1988-11-02", "CHN", "M")
    )
    factors = {r.factor: r for r in result.reasons}
    assert set(factors) == {"name", "date_of_birth", "sex", "nationality"}
    assert factors["name"].outcome == "exact" and "ZHANG=ZHANG" in factors["name"].detail
    assert factors["date_of_birth"].outcome == "exact"
    assert result.weight == pytest.approx(scoring.PRIOR + sum(r.weight for r in result.reasons))
    assert 0.0 < result.value < 1.0
    assert result.algorithm == scoring.ALGORITHM
    assert all(
        set(d) == {"factor", "outcome", "weight", "detail"} for d in result.reasons_as_dicts()
    )


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        ("1985-03-12", "1985-03-12", "exact"),
        ("1985-03-12", "1985-03-13", "typo"),
        ("1985-03-12", "1985-12-03", "swapped"),
        ("1985-03-12", "1985", "partial"),
        ("1985-03-12", "1985-03", "partial"),
        ("1985-03-12", "1986", "different"),
        ("1985-03-12", "1991-07-30", "different"),
        ("1985-03-12", "", "missing"),
    ],
)
def test_dates_of_birth(a: str, b: str, outcome: str) -> None:
    assert scoring.compare_dates(a, b).outcome == outcome


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        (["E1234567"], ["E1234567"], "exact"),
        (["E 123-4567"], ["e1234567"], "exact"),
        (["E1234567"], ["E1234568"], "close"),
        (["E1234567"], ["E1243567"], "close"),  # two digits transposed
        (["E1234567"], ["K9988776"], "different"),
        ([], ["K9988776"], "missing"),
    ],
)
def test_document_numbers(a: list[str], b: list[str], outcome: str) -> None:
    assert scoring.compare_documents(a, b).outcome == outcome


def test_the_settings_default_to_the_scorers_thresholds() -> None:
    assert settings.MATCH_THRESHOLD == scoring.DEFAULT_REVIEW_THRESHOLD
    assert settings.SCREEN_THRESHOLD == scoring.DEFAULT_SCREEN_THRESHOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # A father's name written by one agency and not the other (Malay/Indonesian names).
        (who("RAHMAT", "1976-09-08", "IDN"), who("RAHMAT BIN SUPARMAN", "1976-09-08", "IDN")),
        (who("ZULKIFLI B. EKO", "1984-02-03"), who("ZULKIFLI BIN EKO", "1984-02-03")),
        (
            who("MUHAMMAD ABDUL RAHMAN BN ISMAIL", "1971"),
            who("MUHAMMAD ABDUL RAHMAN BIN ISMAIL", "1971-09-24"),
        ),
        # The Balinese I / NI before the birth-order name.
        (who("WAYAN SUDIRTA", "1964-04-03"), who("I WAYAN SUDIRTA", "1964-04-03")),
    ],
)
def test_malay_and_indonesian_conventions(a: Identity, b: Identity) -> None:
    assert score(a, b).value >= T, score(a, b).reasons


def test_brothers_differ_even_with_the_father_name_in_common() -> None:
    # The father's name in common, the person's own name not: two people.
    assert score(who("AHMAD BIN ALI", "1980"), who("HASSAN BIN ALI", "1980-05-05")).value < T
    assert score(who("RAHMAT", "1976"), who("AHMAD BIN RAHMAT", "1976-09-08")).value < T
