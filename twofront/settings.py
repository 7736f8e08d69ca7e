"""twofront settings: everything that differs between machines comes from the environment."""

import base64
import os

import dj_database_url
from django.utils.translation import gettext_lazy as _

from twofront.conf import BASE_DIR, env, env_bool, parse_pii_keys, secret, var_dir

PRODUCTION = env("TWOFRONT_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", False)
VAR_DIR = var_dir()

SECRET_KEY = secret("SECRET_KEY", PRODUCTION)
PII_ACTIVE_KEY_ID, PII_KEYS = parse_pii_keys(secret("PII_KEYS", PRODUCTION))
BLIND_INDEX_KEY = base64.b64decode(secret("BLIND_INDEX_KEY", PRODUCTION))

ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "csp",
    "twofront.core",
    "twofront.metrics",
    "twofront.transfer",
    "twofront.enterprise",
    "twofront.prevention",
    "twofront.medical",
    "twofront.command",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "twofront.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "twofront.core.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "twofront.urls"
WSGI_APPLICATION = "twofront.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "twofront" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "twofront.core.context_processors.navigation_menu",
            ],
        },
    },
]

# SQLite under ./var/ by default (WAL so readers never block the writer); PostgreSQL via DATABASE_URL.
DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'twofront.sqlite3'}"), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
    }
# PostgreSQL: the hot paths' few repeated statements (core.db.hot_cursor) are prepared once per connection.
# psycopg prepares only statements asked explicitly (the threshold is never reached by others). Set it off
# behind a pooler in transaction mode that cannot keep prepared statements (PgBouncer before 1.21).
TWOFRONT_PREPARED_STATEMENTS = env("TWOFRONT_PREPARED_STATEMENTS", "true").lower() in ("1", "true", "yes")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and TWOFRONT_PREPARED_STATEMENTS:
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
# Test databases are per process, so parallel test runs on one machine never share one.
_TEST_SUFFIX = env("TWOFRONT_TEST_DB_SUFFIX", str(os.getpid()))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{_TEST_SUFFIX}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_twofront_{_TEST_SUFFIX}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout: this many failures for one username within the window lock it for the window.
TWOFRONT_LOCKOUT_FAILURES = int(env("TWOFRONT_LOCKOUT_FAILURES", "5"))
TWOFRONT_LOCKOUT_MINUTES = int(env("TWOFRONT_LOCKOUT_MINUTES", "15"))
# TOTP two-factor for staff roles: on in production, off in the demo unless asked.
TWOFRONT_REQUIRE_2FA = env_bool("TWOFRONT_REQUIRE_2FA", PRODUCTION)
TWOFRONT_TOKEN_DAYS = int(env("TWOFRONT_TOKEN_DAYS", "90"))
# Imports: how often a running import reports its counters, and after how long without a report it is stalled
# (PostgreSQL reports even inside the write transaction; SQLite cannot while it writes: keep this above its
# longest write).
TWOFRONT_IMPORT_PROGRESS_SECONDS = float(env("TWOFRONT_IMPORT_PROGRESS_SECONDS", "0.5"))
TWOFRONT_IMPORT_STALLED_AFTER_SECONDS = int(env("TWOFRONT_IMPORT_STALLED_AFTER_SECONDS", "900"))
# Command centre: districts' daily report deadline (local "HH:MM", same day) and days between escalations
# of an overdue supervision task. The worker's timers are read from the environment where they start
# (TWOFRONT_ESCALATION_SECONDS, TWOFRONT_BRIEFING_HOUR).
TWOFRONT_REPORT_DEADLINE = env("TWOFRONT_REPORT_DEADLINE", "20:00")
TWOFRONT_ESCALATION_STEP_DAYS = int(env("TWOFRONT_ESCALATION_STEP_DAYS", "3"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "twofront" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"), "QUEUES": ["default"]}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # ECharts and htmx set element styles from script.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "twofront.core.logging.MaskPIIFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_pii"], "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_PER_PAGE = 50

TWOFRONT_APP_NAME = _("twofront city platform")
