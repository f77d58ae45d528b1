"""``timpora detect``: counts per rule; an unknown rule or a bad date stops with one line."""

from __future__ import annotations

import io

import pytest
from django.core.management import ManagementUtility, call_command

from timpora.detection.choices import RunKind
from timpora.detection.models import Alert, DetectionRun


def detect(*args: str) -> str:
    out = io.StringIO()
    call_command("detect", *args, stdout=out)
    return out.getvalue()


def run_from_the_command_line(*args: str, capsys, monkeypatch) -> tuple[int, str, str]:
    """As the shell runs it: the exit status and what it printed. (The command closes the
    database connections on its way out, which would end the test's transaction.)"""
    from django.core.management import base

    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["timpora", *args]).execute()
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


@pytest.fixture
def tan(world):
    who = world.person()
    world.arrive(who, "2026-03-01 10:00", until="2026-03-30")
    return who


def test_it_prints_the_counts_of_the_rule_it_ran(tan):
    printed = detect("--as-of", "2026-04-04", "--rule", "OVERSTAY").splitlines()

    assert printed[0] == "as_of 2026-04-04"
    [line] = [p for p in printed if p.startswith("OVERSTAY ")]
    assert line.startswith(
        "OVERSTAY fired=1 opened=1 updated=0 reopened=0 resolved=0 ended=0 seconds="
    )
    assert printed[-1].startswith("total seconds=")
    assert len(printed) == 3
    run = DetectionRun.objects.get()
    assert (run.kind, run.rules, run.subjects) == (RunKind.FULL, ["OVERSTAY"], None)
    assert run.finished_at is not None


def test_a_second_run_prints_what_changed(world, tan):
    detect("--as-of", "2026-04-04", "--rule", "OVERSTAY")
    world.depart(tan, "2026-04-05 09:00")

    printed = detect("--as-of", "2026-04-05", "--rule", "OVERSTAY")

    assert "OVERSTAY fired=0 opened=0 updated=0 reopened=0 resolved=1 ended=0" in printed
    assert Alert.objects.get().status == "RESOLVED"


def test_several_rules_print_a_line_each(tan):
    printed = detect("--as-of", "2026-04-04", "--rule", "OVERSTAY", "--rule", "NO_SKTT")

    assert [p.split()[0] for p in printed.splitlines()[1:-1]] == ["OVERSTAY", "NO_SKTT"]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--rule", "NOPE"], "CommandError: unknown rule: NOPE\n"),
        (["--rule", "OVERSTAY", "--rule", "overstay"], "CommandError: unknown rule: overstay\n"),
        (["--as-of", "2026-13-01"], "CommandError: --as-of '2026-13-01' is not a date"),
        (["--as-of", "04-04-2026"], "CommandError: --as-of '04-04-2026' is not a date"),
    ],
)
def test_a_bad_argument_exits_non_zero_with_a_one_line_reason(
    tan, capsys, monkeypatch, args, reason
):
    status, out, err = run_from_the_command_line(
        "detect", *args, capsys=capsys, monkeypatch=monkeypatch
    )

    assert status != 0
    assert err.startswith(reason)
    assert err.count("\n") == 1
    assert out == ""
    assert not DetectionRun.objects.exists()
    assert not Alert.objects.exists()


def test_the_alerts_command_needs_an_action(capsys, monkeypatch, db):
    status, _out, err = run_from_the_command_line("alerts", capsys=capsys, monkeypatch=monkeypatch)

    assert status != 0
    assert "required" in err
