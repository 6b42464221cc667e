"""The sign-in pages' rows of tests/test_authorization.py's matrix (django-allauth's pages
under /accounts/ and the tracker's own sessions pages): per role, in that file's ROLES order,
what a GET and a POST with the CSRF token answer; "L" is the redirect to the log-in page.

Its people log in with force_login and have no password, so the pages that confirm a password
again answer 403, and those about a second factor they do not have answer 404. The providers
"uni" (OpenID Connect) and "uni" (SAML) are not configured: their pages answer 404, except
SAML's assertion consumer, which only keeps what was posted and sends on to its second step."""


def NO_SUCH_OBJECT(world):
    return {"pk": 999999}


def PROVIDER(world):
    return {"provider_id": "uni"}


def ORGANIZATION(world):
    return {"organization_slug": "uni"}


#                              anon  other member lead coord f-off officer deact
SSO_ROWS = {
    "account_login": ("200 200 200 200 200 200 200 200", "200 200 200 200 200 200 200 200", None),
    "account_logout": ("405 405 405 405 405 405 405 405", "302 302 302 302 302 302 302 302", None),
    "account_change_password": ("L 200 200 200 200 200 200 L", "L 200 200 200 200 200 200 L", None),
    # Sign-up is closed: the page says so; a logged-in person is sent on.
    "account_signup": ("200 302 302 302 302 302 302 200", "200 302 302 302 302 302 302 200", None),
    "account_inactive": (
        "200 200 200 200 200 200 200 200",
        "405 405 405 405 405 405 405 405",
        None,
    ),
    "account_reauthenticate": ("L 403 403 403 403 403 403 L", "L 403 403 403 403 403 403 L", None),
    "mfa_index": ("L 200 200 200 200 200 200 L", "L 405 405 405 405 405 405 L", None),
    # The second step of a log-in that has not begun: back to the log-in page.
    "mfa_authenticate": (
        "302 302 302 302 302 302 302 302",
        "302 302 302 302 302 302 302 302",
        None,
    ),
    "mfa_reauthenticate": ("L 403 403 403 403 403 403 L", "L 403 403 403 403 403 403 L", None),
    "mfa_activate_totp": ("L 200 200 200 200 200 200 L", "L 200 200 200 200 200 200 L", None),
    "mfa_deactivate_totp": ("L 404 404 404 404 404 404 L", "L 404 404 404 404 404 404 L", None),
    "mfa_view_recovery_codes": ("L 404 404 404 404 404 404 L", "L 405 405 405 405 405 405 L", None),
    "mfa_download_recovery_codes": (
        "L 404 404 404 404 404 404 L",
        "L 404 404 404 404 404 404 L",
        None,
    ),
    "mfa_generate_recovery_codes": (
        "L 200 200 200 200 200 200 L",
        "L 200 200 200 200 200 200 L",
        None,
    ),
    "mfa_list_webauthn": ("L 200 200 200 200 200 200 L", "L 405 405 405 405 405 405 L", None),
    "mfa_add_webauthn": ("L 200 200 200 200 200 200 L", "L 200 200 200 200 200 200 L", None),
    # Another person's key is as absent as one that does not exist.
    "mfa_edit_webauthn": (
        "L 404 404 404 404 404 404 L",
        "L 404 404 404 404 404 404 L",
        NO_SUCH_OBJECT,
    ),
    "mfa_remove_webauthn": (
        "L 404 404 404 404 404 404 L",
        "L 404 404 404 404 404 404 L",
        NO_SUCH_OBJECT,
    ),
    "mfa_reauthenticate_webauthn": (
        "L 403 403 403 403 403 403 L",
        "L 403 403 403 403 403 403 L",
        None,
    ),
    "openid_connect_login": (
        "404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404",
        PROVIDER,
    ),
    "openid_connect_callback": (
        "404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404",
        PROVIDER,
    ),
    # The same callback, with the ID token's signature checked (milestones.sso.oidc).
    "openid_connect_signed_callback": (
        "404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404",
        PROVIDER,
    ),
    # The IdP posts here from its own site, so without a CSRF token (python3-saml checks the
    # response's signature instead), in the step that follows.
    "saml_acs": (
        "302 302 302 302 302 302 302 302",
        "302 302 302 302 302 302 302 302",
        ORGANIZATION,
    ),
    "saml_finish_acs": (
        "404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404",
        ORGANIZATION,
    ),
    "saml_sls": (
        "404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404",
        ORGANIZATION,
    ),
    "saml_metadata": (
        "404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404",
        ORGANIZATION,
    ),
    "saml_login": (
        "404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404",
        ORGANIZATION,
    ),
    "socialaccount_connections": (
        "L 200 200 200 200 200 200 L",
        "L 200 200 200 200 200 200 L",
        None,
    ),
    "socialaccount_login_cancelled": (
        "200 200 200 200 200 200 200 200",
        "405 405 405 405 405 405 405 405",
        None,
    ),
    "socialaccount_login_error": (
        "401 401 401 401 401 401 401 401",
        "405 405 405 405 405 405 405 405",
        None,
    ),
    # Sign-up through a provider is closed too: nothing pending, back to the log-in page.
    "socialaccount_signup": (
        "302 302 302 302 302 302 302 302",
        "302 302 302 302 302 302 302 302",
        None,
    ),
    "usersessions_list": ("L 200 200 200 200 200 200 L", "L 405 405 405 405 405 405 L", None),
    "sessions_end_others": ("L 405 405 405 405 405 405 L", "L 302 302 302 302 302 302 L", None),
    "session_end": ("L 405 405 405 405 405 405 L", "L 404 404 404 404 404 404 L", NO_SUCH_OBJECT),
}

# SAML's identity provider sends the browser to these from its own site, with no CSRF token
# to send: python3-saml checks the signature of what it sends, and the sign-in's one-time state.
SSO_CSRF_EXEMPT = ["saml_acs", "saml_sls"]

# Those of them that take a POST with the session (the coordinator's POST is neither 405 nor
# the log-in redirect): each must refuse one without the CSRF token.
SSO_CSRF_PROTECTED = [
    "account_change_password",
    "account_login",
    "account_logout",
    "account_reauthenticate",
    "account_signup",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_authenticate",
    "mfa_deactivate_totp",
    "mfa_download_recovery_codes",
    "mfa_edit_webauthn",
    "mfa_generate_recovery_codes",
    "mfa_reauthenticate",
    "mfa_reauthenticate_webauthn",
    "mfa_remove_webauthn",
    "openid_connect_callback",
    "openid_connect_login",
    "openid_connect_signed_callback",
    "saml_finish_acs",
    "saml_login",
    "saml_metadata",
    "session_end",
    "sessions_end_others",
    "socialaccount_connections",
    "socialaccount_signup",
]
