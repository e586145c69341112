"""Explicit settings, read from the environment so that tests, `serve` and a province's gunicorn
start the same app: SAFECOMM_DATA (the data folder), SAFECOMM_DATABASE_URL (PostgreSQL instead
of the folder's SQLite), SAFECOMM_SECRET_KEY, SAFECOMM_COOKIE_SECURE, SAFECOMM_ALLOWED_HOSTS,
SAFECOMM_DEBUG, SAFECOMM_SQLITE_TIMEOUT."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from ..ledger.package import MAX_FILE

WEB = Path(__file__).resolve().parent
DATA = Path(os.environ.get("SAFECOMM_DATA", "safecomm-data")).resolve()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def _secret_key() -> str:
    """From the environment, or kept in the data folder (created once, readable by its owner only)."""
    if os.environ.get("SAFECOMM_SECRET_KEY"):
        return os.environ["SAFECOMM_SECRET_KEY"]
    path = DATA / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_text().strip()
        with os.fdopen(fd, "w") as f:
            f.write(key)
        return key


# How long a writer waits for SQLite's one write lock before the request is answered 503 (服务器正忙).
SQLITE_TIMEOUT = float(os.environ.get("SAFECOMM_SQLITE_TIMEOUT", "30"))


def database(url: str | None) -> dict:
    """`postgresql://user:password@host:port/name?sslmode=…` → Django's settings; none → SQLite
    in WAL mode in the data folder (IMMEDIATE transactions, so two writers wait instead of failing)."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA / "safecomm.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON",
                "transaction_mode": "IMMEDIATE",
                "timeout": SQLITE_TIMEOUT,
            },
        }
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"SAFECOMM_DATABASE_URL 只支持 postgresql://…（收到 {parts.scheme}://）")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
        "CONN_MAX_AGE": 60,
    }


SECRET_KEY = _secret_key()
DEBUG = _flag("SAFECOMM_DEBUG")
ALLOWED_HOSTS = [h for h in os.environ.get("SAFECOMM_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SAFECOMM_CSRF_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "safecomm.web.units",
    "safecomm.web.accounts",
    "safecomm.web.audit",
    "safecomm.web.evidence",
    "safecomm.web.papers",
    "safecomm.web.review",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "safecomm.web.middleware.SecurityHeaders",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "safecomm.web.middleware.BodyLimit",  # before anything reads the body (CSRF reads the form)
    "safecomm.web.middleware.LoginRequired",
    "safecomm.web.middleware.DatabaseBusy",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "safecomm.web.urls"
WSGI_APPLICATION = "safecomm.web.wsgi.application"

TEMPLATES = [
    {  # our pages: Jinja2, autoescaped, from each app's jinja2/ folder and the shared one
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [WEB / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "safecomm.web.jinja.environment", "autoescape": True},
    },
    {  # Django's admin
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": [
            "django.template.context_processors.request",
            "django.contrib.auth.context_processors.auth",
            "django.contrib.messages.context_processors.messages",
        ]},
    },
]

DATABASES = {"default": database(os.environ.get("SAFECOMM_DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_URL_PATH = "/login/"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = os.environ.get("SAFECOMM_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [WEB / "static"]
STATIC_ROOT = os.environ.get("SAFECOMM_STATIC_ROOT") or None

SESSION_COOKIE_SECURE = _flag("SAFECOMM_COOKIE_SECURE")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # a working day
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"  # the 申报表 preview is framed by our own 材料 page

# The largest upload is the largest workbook the engine reads. A request body may be a little
# larger (the form's other fields, multipart framing): up to REQUEST_LIMIT the upload page says
# why a file is refused; above it the request is answered 413 with a Chinese page naming the
# limit, without reading the body (waitress, before the app; under gunicorn, the BodyLimit
# middleware).
UPLOAD_LIMIT = MAX_FILE
REQUEST_LIMIT = UPLOAD_LIMIT + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # the form fields besides files
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # a larger file goes to a temporary file in the data folder
DATA_UPLOAD_MAX_NUMBER_FILES = 10

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "safecomm.web.errors.csrf_failure"
