"""Settings shared by every environment. Values come from the environment (see README)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
import phonenumbers
import pycountry
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_choice,
    env_fernet_keys,
    env_int,
    env_list,
    env_rate,
    env_str,
    env_timezone,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-do-not-use-in-production")
# Keys of the values encrypted at rest (core/encryption.py), newest first. Empty here: local and
# test settings derive a key from SECRET_KEY, production requires them.
FIELD_ENCRYPTION_KEYS = env_fernet_keys("FIELD_ENCRYPTION_KEYS")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "axes",
    # Two-step sign-in: codes from an authenticator app, and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "clas",
    "alerts",
    "protection_plans",
    "reporting",
    "sms",
    "notifications",
    "exchange",  # CAP 1.2 for partner systems
    "demo",  # seeds the apps above, so it comes after them
    "ops",  # backups and restores (manage.py backup_data, restore_data)
    "pgtrigger",
    "pghistory",
    "audit",  # who changed what and when, kept by PostgreSQL triggers (audit/models.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (gzip) for a slow link; static files are not: WhiteNoise, above, answers
    # them first with copies compressed at collectstatic. Below the middleware that only set
    # headers, above every one that writes the body. BREACH (guessing a secret in a compressed
    # page from the sizes of many responses) is acceptable here: Django masks the CSRF token
    # differently in every response and pads each gzip response with up to 100 random bytes,
    # and the session cookie is SameSite=Lax, so another site's requests carry no session
    # except top-level navigations, far too slow and visible for the thousands BREACH needs.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in session ends after its role's idle time (clas.middleware).
    "clas.middleware.IdleTimeoutMiddleware",
    # Who made each change, for the history PostgreSQL keeps (audit.context).
    "audit.context.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Which device, if any, confirmed the session's second step (django-otp); then a session
    # that owes one reaches only the pages that ask for it (clas.middleware).
    "django_otp.middleware.OTPMiddleware",
    "clas.middleware.TwoFactorRequiredMiddleware",
    # Last: turns a login refused for too many failures into the locked-out answer.
    "axes.middleware.AxesMiddleware",
]

# The history triggers (audit/models.py) are not written into the migrations of the apps they
# watch: audit installs them after each migrate, on PostgreSQL only (SQLite gets none).
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "clas.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.navigation",
                "notifications.context_processors.header",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another.
DATABASE_URL = env_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: broker for Celery and the cache. Without it, tasks run in-process.
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ew",
            # A Redis that does not answer must not hold a page: the dashboards compute
            # without the cache after a second (core.cache).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sign-in: axes first, so a username and address with too many recent failures is refused before
# the password is even checked (README "Security: accounts").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Locked after this many failures in a row for one username from one address, for this long;
# a failure while locked starts the cool-off again, a success resets the count.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.lockout.locked_out"
# No start-up banner in every process's log; failures and lockouts are still logged.
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or behind this many reverse proxies the address the first
# of them saw (from the right of X-Forwarded-For, the part a client cannot forge). Lockouts and
# API rates count per address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "core.lockout.client_address"

# A signed-in session ends after this much time without a request, per role; each request
# extends it. No session, signed in or not, lives longer than the longest of them.
SESSION_IDLE_SECONDS_MISSION_WIDE = 60 * env_int("SESSION_IDLE_MINUTES_HQ", 8 * 60, minimum=5)
SESSION_IDLE_SECONDS = 60 * env_int("SESSION_IDLE_MINUTES", 12 * 60, minimum=5)
SESSION_COOKIE_AGE = max(SESSION_IDLE_SECONDS_MISSION_WIDE, SESSION_IDLE_SECONDS)

# Two-step sign-in (README "Security: accounts"): these roles, and staff who reach the admin
# site when "admin" is among them, must confirm each sign-in with a code from an authenticator
# app; anyone else may choose to. Test settings turn it off for the tests that do not test it.
OTP_REQUIRED_ROLES: tuple[str, ...] = ("hq", "admin")
# Admin pages never show the secret of a device.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Reset emails asked for, per address and per email address, within the window; past it the
# request is refused and nothing is sent.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5, minimum=1)
PASSWORD_RESET_WINDOW_SECONDS = 60 * env_int("PASSWORD_RESET_WINDOW_MINUTES", 60, minimum=1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: English and French, French first in the field.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
# No script reads the language cookie, and another site's requests need not carry it (Secure
# in production: config.settings.production).
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_timezone("MISSION_TIME_ZONE", "Africa/Bangui")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Mission geography: alerts outside this box are refused (CAR with a margin).
MISSION_NAME = env_str("MISSION_NAME", "MINUSCA")
# The country of the mission's area (ISO 3166 alpha-2): ACLED-compatible exports name it.
MISSION_COUNTRY = env_str("MISSION_COUNTRY", "CF").upper()
if pycountry.countries.get(alpha_2=MISSION_COUNTRY) is None:
    raise ImproperlyConfigured(
        f"MISSION_COUNTRY: {MISSION_COUNTRY!r} is not an ISO 3166 country code."
    )
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = f"{MISSION_NAME} early warning"
MISSION_BOUNDS = {"min_lat": 2.0, "max_lat": 11.5, "min_lon": 14.0, "max_lon": 27.8}
# An alert within this many km of a base is urgent and escalates on the shortest delays.
NEAR_BASE_KM = env_int("NEAR_BASE_KM", 5, minimum=0)
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")

# Email: SMTP when EMAIL_HOST is set, the console otherwise.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "early-warning@localhost")

# Celery. Routing must never wait behind report generation: separate queues.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "alerts"
CELERY_TASK_ROUTES = {
    "alerts.tasks.*": {"queue": "alerts"},
    "reporting.tasks.*": {"queue": "reports"},
    "sms.tasks.*": {"queue": "sms"},
    "notifications.tasks.*": {"queue": "alerts"},
    "exchange.tasks.*": {"queue": "reports"},
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task not acknowledged within this time is delivered again (acks_late).
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up fast when the broker is down: the alert is saved with its outbox
# record and the sweep routes it later, so the CLA's request must not wait on retries.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.1,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The largest body a page or the API accepts (files uploaded apart): an alert, a report or a
# form is a few kilobytes. Past it, a 400 for a page and a 413 for the API (core.api).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

REST_FRAMEWORK = {
    # JSON no deeper than core.parsers.MAX_JSON_DEPTH levels.
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # The token first, so a request without credentials, or with an expired or revoked
    # token, is a 401 that names the scheme (WWW-Authenticate: Token), not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Generous for the field (an outbox sending a backlog, the queue polling), tight enough to
    # stop a script; the token endpoint, which checks passwords, has its own stricter rate.
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.UserRateThrottle",
        "core.throttling.AnonRateThrottle",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "user": env_rate("API_RATE_USER", "120/min"),
        "anon": env_rate("API_RATE_ANON", "30/min"),
        "auth_token": env_rate("API_RATE_TOKEN", "10/min"),
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, with the error responses every operation may give (core.schema).
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Early warning and community liaison API",
    "DESCRIPTION": "Alerts, triangulation queues, people, places and reports of the mission.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema for signed-in users only (a token or a session; the token first, so that an
    # anonymous request gets 401); the docs page sends anonymous people to the login page.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # The shared error bodies core.schema.AutoSchema refers to.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.add_error_components",
    ],
    # The docs page loads Swagger UI from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind" or "status": name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "LocationKindEnum": "clas.models.Location.Kind",
        "TrainingKindEnum": "clas.models.Training.Kind",
        "NetworkStatusEnum": "clas.models.CommunityAlertNetwork.Status",
        "DeploymentStatusEnum": "clas.models.DeploymentStatus",
        "PlanStatusEnum": "protection_plans.models.ProtectionPlan.Status",
        "MeasureStatusEnum": "protection_plans.models.Measure.Status",
        "ReportKindEnum": "reporting.models.Report.Kind",
        "WrittenReportKindEnum": "reporting.api.WRITTEN_KIND_CHOICES",
        "ReportStatusEnum": "reporting.models.Report.Status",
        "CompiledKindEnum": "reporting.models.COMPILED_KIND_CHOICES",
        "CompileRequestStatusEnum": "reporting.models.CompileRequest.Status",
        "AlertStatusEnum": "alerts.models.Alert.Status",
        "AlertEventKindEnum": "alerts.models.AlertEvent.Kind",
        "AlertLinkKindEnum": "alerts.models.AlertLink.Kind",
    },
}

# API tokens (POST /api/v1/auth/token/): stored as a hash, never in clear; each expires after
# this many days and is revoked by DELETE, a password change or reset, or deactivation.
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=env_int("API_TOKEN_DAYS", 30, minimum=1)),
    "AUTH_HEADER_PREFIX": "Token",
}

# Lines about an alert carry its reference (core.logging.log_context). `json` writes one object
# per line for a log collector (the production default), `plain` is for people at a terminal.
LOG_FORMAT = env_choice("LOG_FORMAT", "plain", ("plain", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"alert": {"()": "core.logging.AlertContextFilter"}},
    # A factory, not a fixed class: it reads LOG_FORMAT when logging starts, after
    # production.py has changed the default.
    "formatters": {"default": {"()": "core.logging.configured_formatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "default", "filters": ["alert"]}
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
}

# What operators watch (core/health.py): /healthz fails when an alert has waited this long
# to be routed; /metrics answers these addresses or networks, or a request with
# `Authorization: Bearer <METRICS_TOKEN>` when a token is set.
HEALTH_MAX_PENDING_SECONDS = env_int("HEALTH_MAX_PENDING_SECONDS", 300, minimum=1)
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
METRICS_TOKEN = env_str("METRICS_TOKEN")
# Container healthchecks and Prometheus call the web process directly over plain HTTP, and so
# does Kannel on the internal network (its endpoints check the shared secret).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/live$", r"^metrics$", r"^sms/kannel/"]

# Links in emails point here.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# CAP 1.2 messages for partner systems (exchange app): who sends them (default: the host of
# SITE_URL) and their status ("Exercise" on a training installation).
CAP_SENDER = env_str("CAP_SENDER", "")
CAP_STATUS = env_choice("CAP_STATUS", "Actual", ("Actual", "Exercise", "System", "Test", "Draft"))
if any(character in CAP_SENDER for character in " ,<&"):
    raise ImproperlyConfigured("CAP_SENDER may not contain spaces, commas, '<' or '&' (CAP 1.2).")

# Exports of the alert list: the files are deleted this many days after they were asked for.
EXPORT_KEEP_DAYS = env_int("EXPORT_KEEP_DAYS", 7, minimum=1)

# Every periodic job, in one place (Celery beat, and the in-process scheduler of `make run`).
# Crontab times are in the mission's time zone (CELERY_TIMEZONE).
CELERY_BEAT_SCHEDULE = {
    "sweep-pending-alerts": {"task": "alerts.tasks.sweep_pending_alerts", "schedule": 15.0},
    "escalate-overdue-alerts": {"task": "alerts.tasks.escalate_overdue_alerts", "schedule": 60.0},
    "sweep-sms": {"task": "sms.tasks.sweep_sms", "schedule": 60.0},
    "sweep-alert-news": {"task": "notifications.tasks.sweep_alert_news", "schedule": 120.0},
    "sweep-exports": {"task": "exchange.tasks.sweep_exports", "schedule": 300.0},
    "daily-digest": {
        "task": "reporting.tasks.compile_daily_digests",
        "schedule": crontab(hour=env_int("DAILY_DIGEST_HOUR", 19, minimum=0), minute=0),
    },
    "weekly-report": {
        "task": "reporting.tasks.compile_weekly_reports",
        "schedule": crontab(day_of_week="mon", hour=6, minute=0),
    },
}

# Compiled reports are written in this language.
REPORT_LANGUAGE = env_choice("REPORT_LANGUAGE", "fr", ("fr", "en"))

# SMS through a Kannel gateway (sms/, README "SMS through Kannel"). Without KANNEL_SENDSMS_URL
# no gateway is configured: replies are written to the log. Without KANNEL_SECRET the endpoints
# Kannel calls refuse every request.
SMS_DEFAULT_REGION = env_str("SMS_DEFAULT_REGION", "CF").upper()
if SMS_DEFAULT_REGION not in phonenumbers.SUPPORTED_REGIONS:
    raise ImproperlyConfigured(
        "The environment variable SMS_DEFAULT_REGION must be a two-letter region code such as "
        f"CF, got {SMS_DEFAULT_REGION!r}."
    )
SMS_NUMBER = env_str("SMS_NUMBER")
SMS_RATE_LIMIT = env_int("SMS_RATE_LIMIT", 10, minimum=1)
SMS_RATE_WINDOW = env_int("SMS_RATE_WINDOW", 600, minimum=1)
KANNEL_SECRET = env_str("KANNEL_SECRET")
if KANNEL_SECRET and len(KANNEL_SECRET) < 16:
    raise ImproperlyConfigured(
        "The environment variable KANNEL_SECRET must be at least 16 characters."
    )
KANNEL_SENDSMS_URL = env_url("KANNEL_SENDSMS_URL", ("http", "https"))
KANNEL_SENDSMS_USERNAME = env_str("KANNEL_SENDSMS_USERNAME")
KANNEL_SENDSMS_PASSWORD = env_str("KANNEL_SENDSMS_PASSWORD")
KANNEL_SMSC_ID = env_str("KANNEL_SMSC_ID")
if KANNEL_SENDSMS_URL and not (KANNEL_SENDSMS_USERNAME and KANNEL_SENDSMS_PASSWORD):
    raise ImproperlyConfigured(
        "KANNEL_SENDSMS_URL is set: set KANNEL_SENDSMS_USERNAME and KANNEL_SENDSMS_PASSWORD too."
    )
# How Kannel reaches this system, for the delivery reports it posts back.
KANNEL_CALLBACK_URL = env_url("KANNEL_CALLBACK_URL", ("http", "https")).rstrip("/") or SITE_URL
