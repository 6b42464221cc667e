"""The OpenID Connect callback, with the ID token's signature always checked against the keys
the provider publishes (its ``jwks_uri``).

django-allauth skips that check when the token came straight from the provider's token
endpoint, as OpenID Connect Core 3.1.3.7 allows over TLS. The tracker checks it anyway: a token
the provider did not sign (from a proxy in the middle, or a certificate issued in error) is
refused like an expired one, with allauth's "Third-Party Login Failure" page.
"""

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404


class SignatureCheckingAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app, id_token):
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


@login_not_required
def callback(request, provider_id):
    try:
        adapter = SignatureCheckingAdapter(request, provider_id)
        return OAuth2CallbackView.adapter_view(adapter)(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
