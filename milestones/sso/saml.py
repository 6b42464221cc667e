"""SAML 2.0 identity providers read from the environment, for django-allauth's SAML provider
(python3-saml does the XML, signatures and checks).

A name in ``SSO_PROVIDERS`` with ``SSO_<NAME>_PROTOCOL=saml`` needs ``SSO_<NAME>_ENTITY_ID``
(the IdP's entity id) and either ``SSO_<NAME>_METADATA_URL`` (its metadata, read when first
needed and kept four hours) or ``SSO_<NAME>_SSO_URL`` with ``SSO_<NAME>_CERTIFICATE`` (its
signing certificate). Optional: ``SSO_<NAME>_LABEL``, ``SSO_<NAME>_EMAIL_VERIFIED`` (the IdP
vouches for the addresses it sends) and ``SSO_<NAME>_SP_CERTIFICATE`` with ``SSO_<NAME>_SP_KEY``
(the tracker then signs its requests). Certificates and keys are PEM text or a PEM file's path.
A provider with something missing or wrong is left out and the reason logged, as for OpenID
Connect (milestones.sso.providers).

This module is imported by the settings: it reads the environment and nothing of Django's.
"""

from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from milestones.sso.providers import PROVIDER_ID, protocol, variable


class Unusable(Exception):
    """A setting of a provider that cannot be used; the message says which and why."""


def read_saml_providers(env, *, debug):
    """The allauth "APPS" of the saml provider, and the problems of those left out."""
    apps, problems = [], []
    for provider_id in env.list("SSO_PROVIDERS", default=[]):
        provider_id = provider_id.strip().lower()
        # A name that is not one is reported by read_providers.
        if not PROVIDER_ID.match(provider_id) or protocol(env, provider_id) != "saml":
            continue
        try:
            apps.append(_app(env, provider_id, debug=debug))
        except Unusable as problem:
            problems.append(f"SSO provider {provider_id!r} left out: {problem}")
    return apps, problems


def _app(env, provider_id, *, debug):
    def value(field):
        return env.str(variable(provider_id, field), default="").strip()

    if not value("ENTITY_ID"):
        raise Unusable(f"{variable(provider_id, 'ENTITY_ID')} not set")
    if value("METADATA_URL"):
        idp = {
            "entity_id": value("ENTITY_ID"),
            "metadata_url": _url(provider_id, "METADATA_URL", value("METADATA_URL"), debug),
            "metadata_request_timeout": env.int("SSO_TIMEOUT", default=10),
        }
    elif value("SSO_URL") and value("CERTIFICATE"):
        idp = {
            "entity_id": value("ENTITY_ID"),
            "sso_url": _url(provider_id, "SSO_URL", value("SSO_URL"), debug),
            "x509cert": _pem(provider_id, "CERTIFICATE", value("CERTIFICATE")),
        }
    else:
        raise Unusable(
            f"{variable(provider_id, 'METADATA_URL')} (or {variable(provider_id, 'SSO_URL')} "
            f"and {variable(provider_id, 'CERTIFICATE')}) not set"
        )
    # A response nobody asked for has no one-time state to check it against, and allauth
    # remembers no response ids: it could be sent again. So sign-in starts at the tracker.
    advanced = {"reject_idp_initiated_sso": True}
    if value("SP_CERTIFICATE") or value("SP_KEY"):
        if not (value("SP_CERTIFICATE") and value("SP_KEY")):
            raise Unusable(
                f"{variable(provider_id, 'SP_CERTIFICATE')} and "
                f"{variable(provider_id, 'SP_KEY')} go together"
            )
        advanced |= {
            "x509cert": _pem(provider_id, "SP_CERTIFICATE", value("SP_CERTIFICATE")),
            "private_key": _pem(provider_id, "SP_KEY", value("SP_KEY"), key=True),
            "authn_request_signed": True,
        }
    return {
        "provider_id": provider_id,
        "name": value("LABEL") or provider_id,
        # The organisation's part of allauth's SAML addresses: /accounts/saml/<name>/…
        "client_id": provider_id,
        "settings": {
            "idp": idp,
            "verified_email": env.bool(variable(provider_id, "EMAIL_VERIFIED"), default=False),
            "advanced": advanced,
        },
    }


def _url(provider_id, field, url, debug):
    # Outside development the IdP's metadata and log-in must come over TLS.
    schemes = ("https", "http") if debug else ("https",)
    parts = urlsplit(url)
    if parts.scheme not in schemes or not parts.netloc:
        raise Unusable(
            f"{variable(provider_id, field)} must be an {' or '.join(schemes)} URL, not {url!r}"
        )
    return url


def _pem(provider_id, field, given, *, key=False):
    """The PEM text of a certificate or key given as text or as a file's path, checked."""
    name = variable(provider_id, field)
    if given.startswith("-----BEGIN"):
        # Environment files often carry a PEM's line breaks as "\n".
        text = given.replace("\\n", "\n")
    else:
        try:
            text = Path(given).read_text()
        except (OSError, UnicodeDecodeError) as error:
            raise Unusable(f"{name}: cannot read {given!r} ({error})") from None
    try:
        if key:
            load_pem_private_key(text.encode(), password=None)
        else:
            x509.load_pem_x509_certificate(text.encode())
    except (ValueError, TypeError):
        kind = "an unencrypted PEM private key" if key else "a PEM certificate"
        raise Unusable(f"{name} is not {kind}") from None
    return text


def saml_origins(apps):
    """Where the log-in form's button leads (the IdP's log-in), for the Content-Security-Policy's
    form-action: the SSO URL's origin, or the metadata URL's where only that is given."""
    origins = []
    for app in apps:
        idp = app["settings"]["idp"]
        parts = urlsplit(idp.get("sso_url") or idp["metadata_url"])
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


def saml_claims(sociallogin):
    """The claims admission needs, from what allauth read from the assertion: the address
    (verified when the assertion says so or SSO_<NAME>_EMAIL_VERIFIED vouches for the IdP) and
    the name (milestones.sso.adapters puts it on the person being signed in)."""
    address = next(iter(sociallogin.email_addresses), None)
    return {
        "email": address.email if address else "",
        "email_verified": bool(address and address.verified),
        "name": sociallogin.user.name,
    }
