"""Settings of C4F Tracker, read only from the environment (12-factor).

Every value has a development default so that ``make run`` works with nothing set.
With DEBUG off (production) the app refuses to start without the values it cannot guess.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from c4f_tracker.database import database
from c4f_tracker.production import refuse_unsafe_production
from c4f_tracker.storage import s3_storage
from milestones.sso.providers import provider_origins, read_providers
from milestones.sso.saml import read_saml_providers, saml_origins

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only-never-in-production")
if not DEBUG:
    refuse_unsafe_production(env, SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Its filters are used by django-allauth's list of security keys.
    "django.contrib.humanize",
    "simple_history",
    "axes",
    # Single sign-on (OpenID Connect), second factors and the list of sessions (milestones.sso).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.mfa",
    "allauth.usersessions",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "milestones",
]

MIDDLEWARE = [
    "milestones.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "milestones.sso.middleware.SessionLastUseMiddleware",
    "milestones.middleware.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: people who must have a second factor are sent to enrol one first.
    "milestones.sso.middleware.SecondFactorRequiredMiddleware",
    "milestones.sso.middleware.ProviderUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "c4f_tracker.urls"
WSGI_APPLICATION = "c4f_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database(env, default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's cache; the pages render from the database at each request and keep nothing here.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://?max_entries=10000")}

AUTH_USER_MODEL = "milestones.Person"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out user and address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on and second factors (django-allauth; milestones/sso/). Nobody signs up: a
# provider's sign-in reaches a person who exists with that verified email address, or one the
# programme admits by email domain (milestones.sso.admission).
SSO_APPS, SSO_PROBLEMS = read_providers(env, debug=DEBUG)
SSO_SAML_APPS, SSO_SAML_PROBLEMS = read_saml_providers(env, debug=DEBUG)
SSO_PROBLEMS += SSO_SAML_PROBLEMS
PASSWORD_LOGIN = env.bool("PASSWORD_LOGIN", default=True)
# Who must have a second factor before anything else: "none", "officers" or "everyone".
MFA_REQUIRED_FOR = env.str("MFA_REQUIRED_FOR", default="none")
if MFA_REQUIRED_FOR not in ("none", "officers", "everyone"):
    raise ImproperlyConfigured(
        f"MFA_REQUIRED_FOR must be none, officers or everyone, not {MFA_REQUIRED_FOR!r}"
    )
ACCOUNT_ADAPTER = "milestones.sso.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "milestones.sso.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": SSO_APPS},
    "saml": {"APPS": SSO_SAML_APPS},
}
# The provider's answer is awaited this many seconds, then a page says it did not answer.
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SSO_TIMEOUT", default=10)
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="C4F Tracker")
MFA_PASSKEY_LOGIN_ENABLED = False
# allauth keeps no verified addresses of its own here: people's addresses were proved by the
# invitation's link or by the provider's verified claim.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# WebAuthn needs HTTPS, except on localhost during development and tests.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_FORMS = {
    "authenticate": "milestones.sso.forms.SecondFactorForm",
    "authenticate_webauthn": "milestones.sso.forms.SecurityKeyForm",
}
# Sessions are recorded at log-in (browser, address, time); their last use is written at most
# every five minutes (milestones.sso.middleware), not at every request as allauth would.
USERSESSIONS_TRACK_ACTIVITY = False

# A reason for a date change can be longer than the 100 characters simple-history keeps by default.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Submitted files: a folder on disk outside the static files, never served from a public URL
# (milestones/submissions/storage.py), or S3-compatible object storage when
# SUBMISSIONS_STORAGE_URL is set (s3://bucket?endpoint_url=…&region_name=…): private objects,
# keys from SUBMISSIONS_ACCESS_KEY and SUBMISSIONS_SECRET_KEY; files go out only through the
# app's views (milestones/submissions/serving.py), never through the bucket's URLs.
SUBMISSIONS_ROOT = env.path("SUBMISSIONS_ROOT", default=BASE_DIR / "var" / "submissions")
SUBMISSIONS_STORAGE_URL = env.str("SUBMISSIONS_STORAGE_URL", default="")
# The operator's cap on the largest file, in MB (MiB): a plan item's own limit is never above it.
SUBMISSIONS_MAX_FILE_MB = env.int("SUBMISSIONS_MAX_FILE_MB", default=200)


SUBMISSIONS_STORAGE = (
    s3_storage(
        SUBMISSIONS_STORAGE_URL,
        env.str("SUBMISSIONS_ACCESS_KEY", default="") or None,
        env.str("SUBMISSIONS_SECRET_KEY", default="") or None,
    )
    if SUBMISSIONS_STORAGE_URL
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": SUBMISSIONS_ROOT, "base_url": None},
    }
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "submissions": SUBMISSIONS_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded files go to temporary files on disk as they arrive, never into memory, whatever
# their size (a view adds milestones.submissions.uploads' limits in front); the form fields
# beside them stay under DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB).
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default="") or None

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="C4F Tracker <tracker@c4f.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The accessibility statement (/accessibility/): where people report barriers, and the day the
# app was last checked against WCAG 2.1 AA (BITV 2.0 asks for both).
ACCESSIBILITY_CONTACT_EMAIL = env.str(
    "ACCESSIBILITY_CONTACT_EMAIL", default="accessibility@c4f.example"
)
ACCESSIBILITY_CHECKED_ON = datetime.date.fromisoformat(
    env.str("ACCESSIBILITY_CHECKED_ON", default="2026-12-05")
)

# Behind a TLS-terminating proxy the scheme comes from this header; set it only when the
# proxy strips the header from clients' requests.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# "preload" only makes the site eligible for browsers' preload lists; submitting is separate.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_AGE = 8 * 60 * 60
# "__Host-" cookies are only accepted by browsers over HTTPS, with Path=/ and no Domain: no
# other host (a subdomain, a plain-HTTP page) can set or overwrite them.
if not DEBUG:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
X_FRAME_OPTIONS = "DENY"
# A refused form gets a page in the site's layout; a second tab's log-in goes on (views.common).
CSRF_FAILURE_VIEW = "milestones.views.common.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): everything from the app itself, no inline script or
# style. The one page that needs computed positions (the cluster timeline) puts them in a
# <style> element carrying the response's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        # The favicon is an empty data: URL so that browsers do not ask for /favicon.ico.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        # The log-in page's provider buttons lead, through redirects, to the providers.
        "form-action": [SELF, *provider_origins(SSO_APPS), *saml_origins(SSO_SAML_APPS)],
        "frame-ancestors": [NONE],
    },
}

# The API (/api/v1/, milestones/api/): JSON only, tokens sent as "Authorization: Bearer"; a
# logged-in browser may read (the docs' "Try it out"), never write.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "milestones.api.access.BearerTokenAuthentication",
        "milestones.api.access.SessionReadAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "milestones.api.access.WritesNeedWriteToken",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["milestones.api.access.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "milestones.api.schema.ApiSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "C4F Tracker API",
    "DESCRIPTION": "Programmes, plan items, clusters, milestones and submissions of C4F Tracker.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from the app itself (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Requests per token (or per logged-in person) and period: second, minute, hour or day.
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="120/min")

# Log-in: django-axes locks a user and address pair after 5 failures, for 15 minutes (never for
# ever); a successful log-in in between starts the count again.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "milestones.forms.accounts.login_name"
# Not verbose: no banner at every start; failures and lockouts are still logged.
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or behind this many proxies that each append the address
# they were reached from to X-Forwarded-For, that many entries from its right. Anything further
# left was written by the client and is not believed.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# X-Forwarded-For is believed only on requests that come from these addresses or networks: the
# proxy's. gunicorn trusts X-Forwarded-Proto from the same ones (c4f_tracker/gunicorn.conf.py).
TRUSTED_PROXY_ADDRESSES = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1", "::1"])
if not DEBUG and TRUSTED_PROXY_COUNT > 0 and "*" in TRUSTED_PROXY_ADDRESSES:
    raise ImproperlyConfigured(
        "FORWARDED_ALLOW_IPS=* with TRUSTED_PROXY_COUNT > 0 lets any client that reaches "
        "gunicorn name its own address and escape the log-in lockout: set FORWARDED_ALLOW_IPS "
        "to the address of the proxy in front of gunicorn."
    )
AXES_CLIENT_IP_CALLABLE = "milestones.middleware.client_address"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # A calendar feed's URL is its password: the loggers that write request paths mask it.
    "filters": {"mask_feed_tokens": {"()": "milestones.logfilters.MaskFeedTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request lines can carry feed tokens in their paths; the access log is gunicorn's
        # and is configured there without the path's secret part.
        "django.server": {
            "handlers": ["console"],
            "level": "WARNING",
            "propagate": False,
            "filters": ["mask_feed_tokens"],
        },
        "django.request": {"filters": ["mask_feed_tokens"]},
        "django.security.csrf": {"filters": ["mask_feed_tokens"]},
    },
}

# Reminder emails (milestones.reminders). Public holidays of this German state (ISO 3166-2
# subdivision, Saxony by default) move a reminder to the working day before.
REMINDER_HOLIDAY_STATE = env.str("REMINDER_HOLIDAY_STATE", default="SN")
REMINDER_SEND_TIME = env.str("REMINDER_SEND_TIME", default="08:00")
# A reminder SMTP would not take is tried again after a pause (seconds, doubling each time, at
# most 6 hours), this many times in all.
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=10)
REMINDER_RETRY_AFTER = env.int("REMINDER_RETRY_AFTER", default=300)

# Webhooks (milestones.api.webhooks): seconds a delivery waits to connect and for each read of
# the answer; seconds before a failed delivery is tried again (doubling, at most an hour);
# days an endpoint may fail before it is switched off. Outside development only HTTPS to
# public addresses (checked after the name is resolved, at every delivery).
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
WEBHOOK_RETRY_AFTER = env.int("WEBHOOK_RETRY_AFTER", default=30)
WEBHOOK_DISABLE_AFTER = datetime.timedelta(days=env.int("WEBHOOK_DISABLE_AFTER_DAYS", default=3))
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=DEBUG)
# Days a delivered webhook stays in the ledger before a worker's round deletes it.
WEBHOOK_DELIVERIES_KEEP_DAYS = env.int("WEBHOOK_DELIVERIES_KEEP_DAYS", default=90)
if WEBHOOK_DELIVERIES_KEEP_DAYS < 1:
    raise ImproperlyConfigured(
        "WEBHOOK_DELIVERIES_KEEP_DAYS must be a whole number of days, 1 or more."
    )

# `make run` shows the app's own error pages (404, 403, 500), as people will see them, instead
# of Django's debug pages, which list the URL patterns and settings: DEBUG_PAGES=False turns
# Django's DEBUG off while everything above keeps its development values (plain HTTP, the
# development key, no collectstatic). WhiteNoise then serves the static files from the
# folders themselves, as runserver would.
if not env.bool("DEBUG_PAGES", default=DEBUG):
    DEBUG = False
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
