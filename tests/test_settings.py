"""Configuration from the environment: defaults just work, a malformed value stops start-up.

Settings are read once per process, so each case starts Django in a subprocess with a crafted
environment and its own data directory.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
TIMPORA = Path(sys.executable).parent / "timpora"
SET_UP = "import django; django.setup()"
PRINT_KEY = SET_UP + "; from django.conf import settings; print(settings.SECRET_KEY)"

MALFORMED = [
    pytest.param("DEBUG", "maybe", id="DEBUG"),
    pytest.param("DATABASE_URL", "mysql://timpora:secret@db.example/timpora", id="DATABASE_URL"),
    pytest.param("SECRET_KEY", "too-short-to-sign-anything", id="SECRET_KEY"),
    pytest.param("TIME_ZONE", "WIB", id="TIME_ZONE"),
    pytest.param("TIMPORA_LOGIN_FAILURE_LIMIT", "five", id="TIMPORA_LOGIN_FAILURE_LIMIT"),
    pytest.param("ALLOWED_HOSTS", "timpora.example,,localhost", id="ALLOWED_HOSTS"),
]


def _run(command, tmp_path, **variables):
    """Run ``command`` with nothing from this environment but PATH, and the given variables."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "timpora.settings",
        "TIMPORA_DATA_DIR": str(tmp_path / "data"),
        **variables,
    }
    return subprocess.run(  # noqa: S603  (our own interpreter and console script)
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _start_django(tmp_path, code=SET_UP, **variables):
    return _run([sys.executable, "-c", code], tmp_path, **variables)


@pytest.mark.parametrize(("name", "value"), MALFORMED)
def test_it_stops_start_up_on_a_malformed_value_and_names_the_variable(tmp_path, name, value):
    result = _start_django(tmp_path, **{name: value})
    assert result.returncode != 0
    # the last line is the error itself; the traceback above it quotes settings.py's source
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert name in last_line


@pytest.mark.parametrize(("name", "value"), MALFORMED)
def test_it_says_what_is_wrong_in_one_line_from_the_console_script(tmp_path, name, value):
    result = _run([str(TIMPORA), "check"], tmp_path, **{name: value})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("timpora: configuration error: ")
    assert name in result.stderr


def test_it_names_a_data_dir_that_is_a_file(tmp_path):
    a_file = tmp_path / "not-a-directory"
    a_file.write_text("")
    result = _run([str(TIMPORA), "check"], tmp_path, TIMPORA_DATA_DIR=str(a_file))
    assert result.returncode == 2
    assert result.stderr.startswith("timpora: configuration error: ")
    assert "TIMPORA_DATA_DIR" in result.stderr


def test_it_starts_with_nothing_set(tmp_path):
    result = _run([str(TIMPORA), "check"], tmp_path)
    assert result.returncode == 0, result.stderr


def test_it_generates_a_secret_key_readable_only_by_its_owner(tmp_path):
    result = _start_django(tmp_path, code=PRINT_KEY)
    key_file = tmp_path / "data" / "secret_key"
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == result.stdout.strip()
    assert len(result.stdout.strip()) >= 50


def test_it_reuses_the_generated_secret_key_on_the_next_start(tmp_path):
    first = _start_django(tmp_path, code=PRINT_KEY)
    second = _start_django(tmp_path, code=PRINT_KEY)
    assert first.stdout.strip()
    assert second.stdout.strip() == first.stdout.strip()


def test_it_prefers_a_secret_key_from_the_environment(tmp_path):
    key = "k" * 60
    result = _start_django(tmp_path, code=PRINT_KEY, SECRET_KEY=key)
    assert result.stdout.strip() == key
    assert not (tmp_path / "data" / "secret_key").exists()


def test_it_documents_every_environment_variable():
    doc = ROOT / "docs" / "configuration.md"
    assert doc.is_file()
    text = doc.read_text(encoding="utf-8")
    missing = sorted(
        name for name in settings.ENV_VARIABLES if not re.search(rf"\b{re.escape(name)}\b", text)
    )
    assert missing == []


def test_it_lists_the_variables_of_both_database_engines():
    assert {"SQLITE_BUSY_TIMEOUT_SECONDS", "DATABASE_CONN_MAX_AGE"} <= settings.ENV_VARIABLES
