"""Single sign-on providers (OpenID Connect) read from the environment.

``SSO_PROVIDERS=agency,tu-dresden`` names them (SAML ones too, with
``SSO_<NAME>_PROTOCOL=saml``: milestones.sso.saml); each one then needs ``SSO_<NAME>_ISSUER``,
``SSO_<NAME>_CLIENT_ID`` and ``SSO_<NAME>_SECRET`` (``<NAME>`` in capitals, ``-`` as ``_``),
and may have ``SSO_<NAME>_LABEL`` for its button. A provider with something missing or wrong
is left out, so that the app still starts without its button, and the reason is logged.

This module is imported by the settings: it reads the environment and nothing of Django's.
"""

import logging
import re
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

PROVIDER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


PROTOCOLS = ("oidc", "saml")


def variable(provider_id, field):
    return f"SSO_{provider_id.upper().replace('-', '_')}_{field}"


def protocol(env, provider_id):
    return env.str(variable(provider_id, "PROTOCOL"), default="oidc").strip().lower()


def read_providers(env, *, debug):
    """The allauth "APPS" of the openid_connect provider, and the problems of those left out."""
    apps, problems = [], []
    for provider_id in env.list("SSO_PROVIDERS", default=[]):
        provider_id = provider_id.strip().lower()
        if not PROVIDER_ID.match(provider_id):
            problems.append(
                f"SSO provider {provider_id!r} left out: a name is lower-case letters, digits "
                "and '-', at most 40 characters"
            )
            continue
        if protocol(env, provider_id) not in PROTOCOLS:
            problems.append(
                f"SSO provider {provider_id!r} left out: {variable(provider_id, 'PROTOCOL')} "
                f"must be oidc or saml, not {protocol(env, provider_id)!r}"
            )
            continue
        if protocol(env, provider_id) == "saml":
            continue
        values = {
            field: env.str(variable(provider_id, field), default="").strip()
            for field in ("ISSUER", "CLIENT_ID", "SECRET", "LABEL")
        }
        missing = [
            variable(provider_id, field)
            for field in ("ISSUER", "CLIENT_ID", "SECRET")
            if not values[field]
        ]
        if missing:
            problems.append(f"SSO provider {provider_id!r} left out: {', '.join(missing)} not set")
            continue
        issuer = urlsplit(values["ISSUER"])
        # Outside development the provider's tokens must come over TLS.
        schemes = ("https", "http") if debug else ("https",)
        if issuer.scheme not in schemes or not issuer.netloc:
            problems.append(
                f"SSO provider {provider_id!r} left out: {variable(provider_id, 'ISSUER')} "
                f"must be an {' or '.join(schemes)} URL, not {values['ISSUER']!r}"
            )
            continue
        apps.append(
            {
                "provider_id": provider_id,
                "name": values["LABEL"] or provider_id,
                "client_id": values["CLIENT_ID"],
                "secret": values["SECRET"],
                "settings": {"server_url": values["ISSUER"].rstrip("/")},
            }
        )
    return apps, problems


def log_problems(problems):
    for problem in problems:
        logger.error("%s; its button is hidden.", problem)


def provider_origins(apps):
    """Where the log-in form's button leads: the Content-Security-Policy's form-action must
    allow it, as browsers check each redirect after a form is sent."""
    origins = []
    for app in apps:
        issuer = urlsplit(app["settings"]["server_url"])
        origins.append(f"{issuer.scheme}://{issuer.netloc}")
    return sorted(set(origins))
