"""Kechuang settings: one file, driven by environment variables (see config/env.py and docs/operations.md).

Defaults are for a laptop: embedded SQLite in WAL mode under ``var/``, no service to start. Production sets
``KECHUANG_PRODUCTION=1``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL`` (PostgreSQL); then the secure
defaults below switch on and ``manage.py check --deploy`` is clean.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KECHUANG_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
# The shared data (CSL papers, demands) lives beside the checkout; benchmarks and the paper import read it there.
SHARED_DATA_DIR = Path(env_str("KECHUANG_SHARED_DATA", str(BASE_DIR.parent / "shared" / "data")))

PRODUCTION = env_bool("KECHUANG_PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("生产环境不得开启 DEBUG（KECHUANG_PRODUCTION=1 and DEBUG=1 conflict）")

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY 至少需要 50 个字符")
else:
    # A fixed development key keeps sessions valid across restarts of `make demo`; it is refused in production.
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-kechuang-0123456789-abcdefghijklmnopqrstuvwxyz")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "kechuang.core",
    "kechuang.accounts",
    "kechuang.workflow",
    "kechuang.directory",
    "kechuang.market",
    "kechuang.policies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kechuang.core.middleware.AuditActorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kechuang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kechuang.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "kechuang.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=env_int("DB_CONN_MAX_AGE", 60)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE transactions avoid "database is locked"
    # upgrades mid-transaction; a busy timeout waits for the writer instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Tests on a file as well, not Django's shared-cache in-memory database: there, two threads writing at once
    # fail at once with "database table is locked" (table locks ignore the busy timeout), so tests of concurrent
    # work (single-flight rebuilds, backups) could not run as production does. One file per test process.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:workspace"
LOGOUT_REDIRECT_URL = "core:home"

# --- Locale ---------------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: ours only; third-party assets (htmx) come from installed packages ---------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app directories so `make demo` needs no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Mail: console by default, so password-reset mails show in the terminal ---------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@kechuang.local")

# --- Security ------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag; the cookie stays default
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- API -----------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "kechuang.core.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "kechuang.core.schema.AutoSchema",  # + the default error responses
    "EXCEPTION_HANDLER": "kechuang.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "科创服务平台 API",
    "DESCRIPTION": "Kechuang REST API：创新资源、技术市场、政策与统计。",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from the drf-spectacular-sidecar package (installed from PyPI), never a CDN:
    # the platform must work on a closed network and nothing third-party is copied into the repository.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema documents JSON request bodies, the API's format: form encodings cannot carry null or a list of
    # values faithfully (DRF still parses them for older clients, undocumented).
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # Separate request components (DemandRequest …): what a client must send (required, non-empty) differs from
    # what it receives (read-only fields).
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a field called "status" with different choices: name each enum in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ListingStatusEnum": "kechuang.market.choices.Status",
        "AccountStatusEnum": "kechuang.directory.choices.AccountStatus",
        "ApplicationStatusEnum": "kechuang.policies.choices.ApplicationStatus",
        "PushStatusEnum": "kechuang.policies.choices.PushStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Kechuang -------------------------------------------------------------------------------------------
KECHUANG_PLATFORM_NAME = env_str("KECHUANG_PLATFORM_NAME", "昆明市科创服务平台")
KECHUANG_INDEX_DIR = VAR_DIR / "index"
CSRF_FAILURE_VIEW = "kechuang.core.views.csrf_failure"
# Publishing a record updates the index of this process at once and queues one rebuild job so that the other
# app processes pick the change up; turn off where a scheduled `kechuang index build` does that instead.
KECHUANG_INDEX_AUTO_REBUILD = env_bool("KECHUANG_INDEX_AUTO_REBUILD", True)
# Background work runs on django-tasks (docs/dependencies.md says why). "thread": the embedded default, a task
# runs in a thread of the process that asked for it once its transaction commits, nothing else to start;
# "database": tasks are rows run by `kechuang manage run_jobs` workers (production, PostgreSQL or SQLite).
KECHUANG_TASK_BACKEND = env_str("KECHUANG_TASK_BACKEND", "thread")
_TASK_BACKENDS = {"thread": "kechuang.core.tasks.ThreadBackend", "database": "django_tasks_db.DatabaseBackend"}
if KECHUANG_TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured("KECHUANG_TASK_BACKEND 只能是 thread 或 database")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[KECHUANG_TASK_BACKEND]}}
# A job still "running" after this many seconds is taken for dead (its process was killed) and marked failed,
# so a single-flight job kind is never blocked for ever.
KECHUANG_JOB_TIMEOUT = env_int("KECHUANG_JOB_TIMEOUT", 2 * 3600)
# Periodic tasks: name -> (dotted path of a function f(now) -> dict | None, interval in seconds). The scheduler
# (`kechuang manage run_jobs`, and with the thread backend the web process itself) runs each one when due as a
# recorded job; a function that cannot be imported yet is skipped with a warning. The deadline sweep belongs to
# kechuang.workflow.deadlines (time in workflows, issue 11).
KECHUANG_PERIODIC_TASKS: dict[str, tuple[str, int]] = {
    "workflow.deadlines.sweep": ("kechuang.workflow.deadlines.sweep", env_int("KECHUANG_SWEEP_SECONDS", 300)),
}
# 公示期 before a subsidy is paid, in calendar days with both ends counted (kechuang/policies/workflow.py says
# why calendar rather than working days).
POLICY_PUBLICITY_DAYS = env_int("POLICY_PUBLICITY_DAYS", 7)
