"""Django settings for PlanTrack.

The embedded default is SQLite under ``var/``; set ``PLANTRACK_DATABASE_URL`` to a
``postgres://user:password@host:port/name`` URL for PostgreSQL, the production database.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parents[1]
DATA_DIR = Path(os.environ.get("PLANTRACK_DATA_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get(
    "PLANTRACK_SECRET_KEY", "plantrack-embedded-demo-key-not-for-production"
)
DEBUG = os.environ.get("PLANTRACK_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("PLANTRACK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)

# Demo mode labels every page 演示数据; off for a real deployment.
PLANTRACK_DEMO = os.environ.get("PLANTRACK_DEMO", "1") == "1"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "plantrack.regions",
    "plantrack.departments",
    "plantrack.plans",
    "plantrack.enterprises",
    "plantrack.accounts",
    "plantrack.reporting",
    "plantrack.progress",
    "plantrack.assessment",
    "plantrack.projects",
    "plantrack.annualplans",
    "plantrack.supervision",
    "plantrack.monitoring",
    "plantrack.quality",
    "plantrack.reports",
    "plantrack.dashboard",
    "plantrack.web",
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
]

ROOT_URLCONF = "plantrack.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plantrack.web.context.site",
            ],
        },
    },
]

WSGI_APPLICATION = "plantrack.wsgi.application"


def _database(url: str | None) -> dict:
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "plantrack.sqlite3",
            # WAL lets pages read while a report is written, across the server's processes;
            # NORMAL syncs the log at checkpoints instead of at every commit (an approval's
            # warnings were a tenth of its recompute in fsyncs). A crash of the program loses
            # nothing; a power cut can lose the last commits, never corrupt the file.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"},
        }
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"PLANTRACK_DATABASE_URL: unsupported scheme {parsed.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parsed.path.lstrip("/"),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
    }


DATABASES = {"default": _database(os.environ.get("PLANTRACK_DATABASE_URL"))}
# Seconds a worker thread keeps its database connection between requests: opening one costs
# more than a cached page (a PostgreSQL backend process per connection). The health check
# replaces a connection the database dropped instead of failing the next request.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("PLANTRACK_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ModelBackend, reading the request's user with its profile (one query fewer per page).
AUTHENTICATION_BACKENDS = ["plantrack.accounts.backends.ProfileBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# A deployment runs collectstatic into PLANTRACK_STATIC_ROOT; without it WhiteNoise serves the
# app folders directly, which is what the embedded default and the tests use.
STATIC_ROOT = os.environ.get("PLANTRACK_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploaded evidence and documents: served only through access-checked download views.
MEDIA_ROOT = os.environ.get("PLANTRACK_MEDIA_ROOT") or str(DATA_DIR / "media")
MEDIA_URL = "media/"

# Sessions are read from a file cache shared by the server's processes (a file read instead of
# a query per request) and written through to the database, so logout deletes both and a copied
# cookie stops working everywhere. Several hosts would need a shared cache (e.g. Redis) here.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "sessions": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": DATA_DIR / "cache" / "sessions",
        # Beyond this many sessions a third of the files go; those sessions read the database.
        "OPTIONS": {"MAX_ENTRIES": 10000},
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The plan shipped with PlanTrack and loaded by `plantrack demo`.
PLANTRACK_DEFAULT_PLAN = PACKAGE_DIR / "plans" / "data" / "zhejiang-2011.yaml"

# How long a server process reuses a plan's data fingerprint before reading it again
# (dashboard.progress.plan_state); 0 reads it on every request.
PLANTRACK_STATE_SECONDS = float(os.environ.get("PLANTRACK_STATE_SECONDS", "1"))

# Day of the following month on which the monitoring data amendment (修约) window closes.
PLANTRACK_AMENDMENT_DAY = int(os.environ.get("PLANTRACK_AMENDMENT_DAY", "10"))
