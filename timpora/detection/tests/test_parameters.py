"""What a coordinator sets: legal parameters from a date on (earlier days keep their value), and
which agencies each rule's alerts go to."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from timpora.audit.models import AuditEvent
from timpora.detection import actions
from timpora.detection.models import Alert, AlertRoute, LegalParameter
from timpora.detection.parameters import SINCE, Parameters, Period, overstay_charge

CHARGE = "OVERSTAY_CHARGE_PER_DAY"


def _charge(value: int, day: str, cast, basis: str = "PP 99/2026") -> LegalParameter:
    return actions.set_parameter(
        CHARGE,
        Decimal(value),
        valid_from=date.fromisoformat(day),
        legal_basis=basis,
        actor=cast.dina,
    )


@pytest.fixture
def tan(world):
    """TAN WEI MING's stay ended on 30 March; the overstay starts on 31 March."""
    who = world.person()
    world.arrive(who, "2026-03-01 10:00", until="2026-03-30")
    return who


# --- A value from a date on ----------------------------------------------------------------------


def test_a_new_value_closes_the_current_one_the_day_before(cast):
    row = _charge(2_000_000, "2026-04-10", cast)

    rows = list(LegalParameter.objects.filter(code=CHARGE).order_by("valid_from"))
    assert [(r.value, r.valid_from, r.valid_to) for r in rows] == [
        (Decimal(1_000_000), SINCE, date(2026, 4, 9)),
        (Decimal(2_000_000), date(2026, 4, 10), None),
    ]
    assert row.pk == rows[1].pk
    assert (row.legal_basis, row.changed_by, row.unit) == ("PP 99/2026", cast.dina, "IDR")


def test_an_overstay_across_a_change_costs_each_day_at_its_own_charge(world, cast, tan):
    _charge(2_000_000, "2026-04-10", cast)

    [alert] = world.fires("OVERSTAY", "2026-04-20")

    # 31 March to 9 April: 10 days at Rp 1.000.000; 10 to 20 April: 11 days at Rp 2.000.000.
    assert alert.facts["days_over"] == 21
    assert alert.facts["charge"] == 10 * 1_000_000 + 11 * 2_000_000
    assert "Rp 32.000.000" in alert.explanation_en


@pytest.mark.parametrize(
    ("as_of", "charge"),
    [
        ("2026-04-09", 10 * 1_000_000),  # the last day before the change: the old charge only
        ("2026-04-10", 10 * 1_000_000 + 2_000_000),  # the first day of the new charge
    ],
)
def test_the_day_before_the_change_and_the_day_of_it(world, cast, tan, as_of, charge):
    _charge(2_000_000, "2026-04-10", cast)

    [alert] = world.fires("OVERSTAY", as_of)

    assert alert.facts["charge"] == charge


def test_evaluating_before_the_change_gives_exactly_the_old_charge(world, cast, tan):
    [before] = world.fires("OVERSTAY", "2026-04-05")
    old = before.facts["charge"]
    _charge(3_000_000, "2026-04-10", cast)

    [after] = world.fires("OVERSTAY", "2026-04-05")

    assert old == 6 * 1_000_000
    assert after.facts["charge"] == old


def test_a_correction_on_the_same_day_replaces_the_value(world, cast, tan):
    _charge(2_000_000, "2026-04-10", cast, basis="PP 99/2026")
    _charge(1_500_000, "2026-04-10", cast, basis="PP 99/2026 (corrected)")

    rows = list(LegalParameter.objects.filter(code=CHARGE).order_by("valid_from"))
    assert [(r.value, r.valid_to) for r in rows] == [
        (Decimal(1_000_000), date(2026, 4, 9)),
        (Decimal(1_500_000), None),
    ]
    assert rows[1].legal_basis == "PP 99/2026 (corrected)"
    [alert] = world.fires("OVERSTAY", "2026-04-11")
    assert alert.facts["charge"] == 10 * 1_000_000 + 2 * 1_500_000


def test_a_change_before_one_announced_in_advance_holds_until_it(world, cast, tan):
    _charge(3_000_000, "2026-05-01", cast)
    _charge(2_000_000, "2026-04-10", cast)

    rows = list(LegalParameter.objects.filter(code=CHARGE).order_by("valid_from"))
    assert [(r.value, r.valid_from, r.valid_to) for r in rows] == [
        (Decimal(1_000_000), SINCE, date(2026, 4, 9)),
        (Decimal(2_000_000), date(2026, 4, 10), date(2026, 4, 30)),
        (Decimal(3_000_000), date(2026, 5, 1), None),
    ]
    [alert] = world.fires("OVERSTAY", "2026-05-02")
    assert alert.facts["charge"] == 10 * 1_000_000 + 21 * 2_000_000 + 2 * 3_000_000


def test_a_changed_threshold_changes_the_explanation_from_its_day(world, cast, tan):
    actions.set_parameter(
        "OVERSTAY_DEPORTATION_DAYS",
        Decimal(20),
        valid_from=date(2026, 4, 1),
        legal_basis="UU 6/2011 Pasal 78 (as amended)",
        actor=cast.dina,
    )

    [alert] = world.fires("OVERSTAY", "2026-04-20")

    assert (alert.facts["limit"], alert.facts["over_limit"]) == (20, True)
    assert "deportation and an entry ban apply" in alert.explanation_en


def test_a_parameter_change_is_audited_with_old_and_new_values(cast):
    _charge(2_000_000, "2026-04-10", cast)

    event = AuditEvent.objects.get(verb="detection.parameter_changed")
    assert event.actor == cast.dina
    assert event.subject_code == CHARGE
    assert event.changes == {
        "value": ["1000000.0000", "2000000"],
        "legal_basis": ["PP 28/2019", "PP 99/2026"],
        "valid_from": "2026-04-10",
    }


@pytest.mark.parametrize(
    ("code", "value", "day"),
    [
        ("NO_SUCH_PARAMETER", 1, "2026-04-10"),
        (CHARGE, -1, "2026-04-10"),
        (CHARGE, 1, "1999-12-31"),  # before the first value of the parameter
    ],
)
def test_a_value_that_cannot_be_set_is_refused(cast, code, value, day):
    with pytest.raises(ValidationError):
        actions.set_parameter(
            code,
            Decimal(value),
            valid_from=date.fromisoformat(day),
            legal_basis="x",
            actor=cast.dina,
        )
    assert LegalParameter.objects.filter(code=CHARGE).count() == 1
    assert not AuditEvent.objects.filter(verb="detection.parameter_changed").exists()


def test_the_parameters_at_a_date_are_those_valid_that_day(cast):
    _charge(2_000_000, "2026-04-10", cast)

    assert actions.parameters_at(date(2026, 4, 9)).integer(CHARGE) == 1_000_000
    assert actions.parameters_at(date(2026, 4, 10)).integer(CHARGE) == 2_000_000
    assert actions.parameters_at(date(2026, 4, 10)).value(CHARGE, date(2026, 4, 9)) == 1_000_000


# --- Parameters, the pure view -------------------------------------------------------------------


def _periods(*periods: tuple[int, str, str | None]) -> Parameters:
    return Parameters(
        {
            CHARGE: [
                Period(Decimal(v), date.fromisoformat(f), date.fromisoformat(t) if t else None)
                for v, f, t in periods
            ]
        },
        date(2026, 4, 30),
    )


def test_total_sums_each_day_at_its_value():
    params = _periods((1, "2026-01-01", "2026-04-09"), (2, "2026-04-10", None))

    assert params.total(CHARGE, date(2026, 4, 8), date(2026, 4, 11)) == 1 + 1 + 2 + 2
    assert params.total(CHARGE, date(2026, 4, 10), date(2026, 4, 10)) == 2
    assert params.total(CHARGE, date(2026, 4, 11), date(2026, 4, 10)) == 0
    assert overstay_charge(params, date(2026, 4, 7), date(2026, 4, 10)) == 1 + 1 + 2


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("2026-04-08", "2026-04-12"),  # spans the day without a value
        ("2026-04-10", "2026-04-10"),  # is that day
        ("2025-12-31", "2026-01-02"),  # starts before the first value
    ],
)
def test_total_refuses_a_span_with_a_day_without_a_value(first, last):
    params = _periods((1, "2026-01-01", "2026-04-09"), (2, "2026-04-11", None))

    with pytest.raises(KeyError):
        params.total(CHARGE, date.fromisoformat(first), date.fromisoformat(last))


def test_total_of_the_days_around_a_gap_is_fine():
    params = _periods((1, "2026-01-01", "2026-04-09"), (2, "2026-04-11", None))

    assert params.total(CHARGE, date(2026, 4, 8), date(2026, 4, 9)) == 2
    assert params.total(CHARGE, date(2026, 4, 11), date(2026, 4, 12)) == 4


def test_value_refuses_a_day_without_a_value():
    params = _periods((1, "2026-01-01", "2026-04-09"))

    assert params.value(CHARGE, date(2026, 4, 9)) == 1
    with pytest.raises(KeyError):
        params.value(CHARGE, date(2026, 4, 10))
    with pytest.raises(KeyError):
        params.value("UNKNOWN")


# --- Routing and scoping -------------------------------------------------------------------------


@pytest.fixture
def overstay(world, tan):
    world.detect("2026-04-04", "OVERSTAY")
    [alert] = world.alerts("OVERSTAY")
    return alert


def test_overstay_goes_to_immigration_only_by_default(cast, overstay):
    assert set(
        AlertRoute.objects.filter(rule="OVERSTAY").values_list("agency_kind", flat=True)
    ) == {"IMMIGRATION"}
    assert list(overstay.agencies.all()) == [cast.imigrasi]
    assert list(Alert.objects.visible_to(cast.alice)) == [overstay]
    assert list(Alert.objects.visible_to(cast.charlie)) == []


def test_routing_to_manpower_shows_the_live_alerts_and_the_next_ones(world, cast, overstay):
    actions.set_routes("OVERSTAY", ["IMMIGRATION", "MANPOWER"], actor=cast.dina)

    assert list(Alert.objects.visible_to(cast.charlie)) == [overstay]
    lee = world.person("LEE MIN HO", nationality="KOR", date_of_birth="1985-02-03")
    world.arrive(lee, "2026-03-05 10:00", until="2026-04-01")
    world.detect("2026-04-04", "OVERSTAY")
    assert Alert.objects.visible_to(cast.charlie).count() == 2
    assert Alert.objects.visible_to(cast.alice).count() == 2
    event = AuditEvent.objects.get(verb="detection.routes_changed")
    assert event.subject_code == "OVERSTAY"
    assert event.changes == {"agency_kinds": [["IMMIGRATION"], ["IMMIGRATION", "MANPOWER"]]}


def test_routing_away_from_an_agency_hides_the_live_alerts_from_its_officers(cast, overstay):
    actions.set_routes("OVERSTAY", ["MANPOWER"], actor=cast.dina)

    assert list(Alert.objects.visible_to(cast.alice)) == []
    assert list(Alert.objects.visible_to(cast.charlie)) == [overstay]
    # Coordinators and auditors of an agency that sees alerts see them all.
    assert list(Alert.objects.visible_to(cast.dina)) == [overstay]
    assert list(Alert.objects.visible_to(cast.erin)) == [overstay]


def test_a_closed_alert_keeps_the_agencies_it_went_to(world, cast, tan, overstay):
    actions.resolve(overstay, actor=cast.alice, note="deported")

    actions.set_routes("OVERSTAY", ["MANPOWER"], actor=cast.dina)

    assert list(Alert.objects.get(pk=overstay.pk).agencies.all()) == [cast.imigrasi]


def test_an_agency_without_alerts_in_its_profile_sees_none_even_when_routed(cast, overstay):
    actions.set_routes("OVERSTAY", ["IMMIGRATION", "LOCAL_GOVERNMENT"], actor=cast.dina)

    assert overstay.agencies.filter(pk=cast.kesbangpol.pk).exists()
    assert list(Alert.objects.visible_to(cast.gita)) == []
    with pytest.raises(actions.NotAllowed):
        actions.acknowledge(overstay, actor=cast.gita)


def test_routes_of_an_unknown_rule_are_refused(cast):
    with pytest.raises(ValidationError):
        actions.set_routes("NOPE", ["IMMIGRATION"], actor=cast.dina)
    assert not AlertRoute.objects.filter(rule="NOPE").exists()


def test_seeding_the_defaults_again_changes_nothing(cast):
    actions.set_routes("OVERSTAY", ["MANPOWER"], actor=cast.dina)
    _charge(2_000_000, "2026-04-10", cast)

    assert actions.ensure_defaults() == {"parameters": 0, "routes": 0}
    assert list(
        AlertRoute.objects.filter(rule="OVERSTAY").values_list("agency_kind", flat=True)
    ) == ["MANPOWER"]
    assert LegalParameter.objects.filter(code=CHARGE).count() == 2
