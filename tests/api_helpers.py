"""What the API's tests share: tokens of each role and requests that carry them."""

import json

from milestones.api.tokens import issue_api_token
from milestones.models import ApiTokenScope


def token_of(person, *, scope=ApiTokenScope.PERSON, write=True, **target):
    """A new token's secret for the person (read-write unless told)."""
    _token, raw_token = issue_api_token(
        person=person, name="test", scope=scope, can_write=write, **target
    )
    return raw_token


def bearer(raw_token):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"}


def get(client, path, raw_token, **extra):
    return client.get(path, **bearer(raw_token), **extra)


def post(client, path, raw_token, body, **extra):
    """POST ``body`` as JSON (a str is sent as it is)."""
    content = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, content, content_type="application/json", **bearer(raw_token), **extra)
