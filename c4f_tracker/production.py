"""What production (DEBUG off) refuses to start without. Imported by the settings; reads the
environment and nothing of Django's."""

from django.core.exceptions import ImproperlyConfigured

# A development default for any of these would be unsafe in production.
PRODUCTION_REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL")
# Django signs sessions, password resets and invitations with the key: one anyone can read in
# .env.example, or one short enough to guess, would let them forge all three.
SECRET_KEY_SHORTEST = 50


def refuse_unsafe_production(env, secret_key):
    """Raise ImproperlyConfigured, saying what to set, when a required setting is missing or
    the key is the example's placeholder or too short."""
    missing = [name for name in PRODUCTION_REQUIRED if not env.str(name, default="").strip()]
    if missing:
        raise ImproperlyConfigured(
            "DEBUG is off (production) and these settings are missing from the environment: "
            + ", ".join(missing)
            + ". See .env.example."
        )
    if "REPLACE" in secret_key or len(secret_key) < SECRET_KEY_SHORTEST:
        raise ImproperlyConfigured(
            "DEBUG is off (production) and SECRET_KEY is the example's placeholder or shorter "
            f"than {SECRET_KEY_SHORTEST} characters. Generate one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
