"""Settings, read from the environment with strict parsers (see docs/configuration.md).

Defaults just work: with nothing set, Timpora runs on an SQLite file in ``var/`` beside the code.
A malformed value stops start-up and names the variable.
"""

from __future__ import annotations

import os
import re
import secrets
import zoneinfo
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from timpora.lib.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

env = Env()

# --- Where Timpora keeps its files -------------------------------------------------------------
DATA_DIR = env.path("TIMPORA_DATA_DIR", BASE_DIR / "var")
try:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
except OSError as _exc:
    raise ImproperlyConfigured(
        f"TIMPORA_DATA_DIR={str(DATA_DIR)!r} cannot be used as a directory: {_exc.strerror}."
    ) from None


def _secret_key_from_data_dir(data_dir: Path) -> str:
    """Return the key kept in the data directory, creating it on first run.

    The key is created with O_EXCL so that two processes starting together agree on one key.
    """
    path = data_dir / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if len(key) < 50:
            raise ImproperlyConfigured(
                f"{path} holds a key shorter than 50 characters: delete it to generate a new one, "
                "or set SECRET_KEY."
            ) from None
        return key
    key = secrets.token_urlsafe(64)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


SECRET_KEY = env.optional_text("SECRET_KEY") or _secret_key_from_data_dir(DATA_DIR)
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

DEBUG = env.flag("DEBUG", False)
ALLOWED_HOSTS = env.items("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.items("CSRF_TRUSTED_ORIGINS", [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS item {_origin!r} must start with http:// or https://."
        )

# --- Database ----------------------------------------------------------------------------------
_DEFAULT_DB_URL = f"sqlite:///{DATA_DIR / 'timpora.sqlite3'}"
_db_url = env.text("DATABASE_URL", _DEFAULT_DB_URL)
# Both engines' options are read (and so checked) whichever engine is in use.
_SQLITE_TIMEOUT = env.integer("SQLITE_BUSY_TIMEOUT_SECONDS", 20, minimum=1)
_PG_CONN_MAX_AGE = env.integer("DATABASE_CONN_MAX_AGE", 60, minimum=0)
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=0)
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if not _db.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no SQLite file (sqlite:////path/to/file).")
    _db["OPTIONS"] = {
        # Writers queue instead of failing at once; IMMEDIATE takes the write lock at BEGIN, so a
        # transaction never fails half-way when another process writes (SQLITE_BUSY upgrades).
        "timeout": _SQLITE_TIMEOUT,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_MAX_AGE"] = _PG_CONN_MAX_AGE
    _db["CONN_HEALTH_CHECKS"] = True
else:
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:/// or postgres:// (got engine {_db['ENGINE']!r})."
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "js_lib_htmx",
    # Timpora, from the foundation up: an app may import the ones above it, never one below.
    "timpora.core",
    "timpora.accounts",
    "timpora.audit",
    "timpora.registry",
    "timpora.matching",
    "timpora.exchange",
    "timpora.detection",
    "timpora.cases",
    "timpora.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "timpora.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "timpora.audit.context.AuditContextMiddleware",
    "timpora.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "timpora.urls"
WSGI_APPLICATION = "timpora.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "timpora.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Accounts and security ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out after repeated failed log-ins (django-axes), per user name so that one office behind
# one address is not locked out by a single careless colleague.
AXES_FAILURE_LIMIT = env.integer("TIMPORA_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env.integer("TIMPORA_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
# Password spraying from one address is slowed by a per-address rate limit on the log-in form
# instead (LOGIN_RATE below, core.ratelimit), which does not lock a whole office out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
LOGIN_RATE = env.text("TIMPORA_LOGIN_RATE", "30/m")
if not re.fullmatch(r"[1-9][0-9]*/[smhd]", LOGIN_RATE):
    raise ImproperlyConfigured(f"TIMPORA_LOGIN_RATE={LOGIN_RATE!r} is not a rate such as 30/m.")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Timpora"
API_TOKEN_MAX_DAYS = env.integer("TIMPORA_API_TOKEN_MAX_DAYS", 90, minimum=1)

SECURE_COOKIES = env.flag("TIMPORA_SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.integer("TIMPORA_SESSION_IDLE_MINUTES", 60, minimum=5) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age above is an idle time-out
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env.integer("TIMPORA_HSTS_SECONDS", 0, minimum=0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.flag("TIMPORA_BEHIND_TLS_PROXY", False) else None
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Cache ------------------------------------------------------------------------------------
# Only the API's request throttling uses the cache; each process keeps its own. Rate limits on
# log-in and public forms are kept in the database (core.ratelimit), shared by every process.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.text("TIME_ZONE", "Asia/Jakarta")
if TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not a known IANA time zone.")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Indonesian conventions for dates and numbers in both languages (1.000.000; 28 Nov 2026).
FORMAT_MODULE_PATH = ["timpora.formats"]
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from the finders until collectstatic fills it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- API ---------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# --- Logging -----------------------------------------------------------------------------------
LOG_LEVEL = env.choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Timpora -----------------------------------------------------------------------------------
# Where the reference data (agencies, kecamatan, checkpoints) is read from by `timpora init`.
REFERENCE_DATA_DIR = env.path("TIMPORA_REFERENCE_DATA_DIR", PACKAGE_DIR / "reference")

# --- Background tasks and imports --------------------------------------------------------------
# `timpora worker` runs the tasks kept in the database; "immediate" runs each task at once in
# the process that enqueues it (tests, or a single-user laptop without a worker).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[env.choice("TIMPORA_TASKS", "database", tuple(_TASK_BACKENDS))]
    }
}
# Uploaded files wait here for the worker, and are removed when their batch is done.
UPLOAD_DIR = DATA_DIR / "uploads"
# The largest file the upload page and the API accept.
MAX_IMPORT_UPLOAD_MB = env.integer("TIMPORA_MAX_UPLOAD_MB", 200)
# Uploads up to this size are imported at once, in the request; larger ones by the worker.
IMPORT_INLINE_MAX_KB = env.integer("TIMPORA_IMPORT_INLINE_KB", 512)
# A JSON or JSON Lines body posted to the API is read in memory up to this size; larger data
# is sent as a file upload (multipart), which Django streams to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 32 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Matching (defaults are matching.scoring's, checked by a test) ------------------------------
# A pair of persons scoring at least this becomes a "possibly the same person" review item.
MATCH_THRESHOLD = env.fraction("TIMPORA_MATCH_THRESHOLD", 0.80)
# A watch-list entry scoring at least this against a person is a hit (a review item).
SCREEN_THRESHOLD = env.fraction("TIMPORA_SCREEN_THRESHOLD", 0.80)
# Splink's match probability from which `timpora resolve` proposes a pair.
RESOLVE_THRESHOLD = env.fraction("TIMPORA_RESOLVE_THRESHOLD", 0.90)
# Trained Splink models, one versioned file each.
MATCHING_MODEL_DIR = DATA_DIR / "matching" / "models"
# The worker sweeps every detection rule once a day, from this hour (local time) on.
NIGHTLY_DETECTION_HOUR = env.integer("TIMPORA_NIGHTLY_DETECTION_HOUR", 1, minimum=0)

# Every variable read above, for the test that keeps docs/configuration.md complete.
ENV_VARIABLES = frozenset(env.names)

# --- Cases -------------------------------------------------------------------------------------
# The address printed in documents' QR codes: where the verification page is reached from the
# intranet (or the internet, for a document shown at a checkpoint abroad).
PUBLIC_URL = env.text("TIMPORA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Case attachments and issued documents: outside any URL, served only by views that check who
# may see the case.
PRIVATE_MEDIA_ROOT = env.path("TIMPORA_PRIVATE_MEDIA_DIR", DATA_DIR / "private")
MAX_ATTACHMENT_MB = env.integer("TIMPORA_MAX_ATTACHMENT_MB", 20, minimum=1)
