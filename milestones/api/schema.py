"""The OpenAPI document: drf-spectacular's, with the errors every operation may answer."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

# {"detail": "..."}, or for a form its fields' names with their messages.
ERROR = inline_serializer(
    name="Error",
    fields={"detail": serializers.CharField(required=False)},
)
# What the errors mean, for the document's readers.
ERRORS = {
    "401": "No token, or one that is unknown, expired, revoked or no longer allowed.",
    "403": "The token or its person may not do this.",
    "404": "Not there, or not for this token (another cluster's objects are not found).",
    "406": "Only JSON is served.",
    "429": "Too many requests for this token; the Retry-After header says when to try again.",
}
WRITE_ERRORS = {
    "400": "The body is not JSON, or its fields are unknown, of the wrong type or unsound; "
    "each field's messages say why.",
    "409": "The milestone is not in a state that allows this.",
    "413": "The body is larger than the server takes.",
    "415": "The body is not application/json.",
}
LIST_ERRORS = {"400": "A filter's value is not understood; its message says why."}


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(ERRORS)
        if self.method == "POST":
            errors.update(WRITE_ERRORS)
        elif self._is_list_view():
            errors.update(LIST_ERRORS)
        for code, description in errors.items():
            if code not in responses:
                response = self._get_response_for_code(ERROR, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "milestones.api.access.BearerTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from the account page: Authorization: Bearer c4f_…",
        }


class SessionReadScheme(OpenApiAuthenticationExtension):
    target_class = "milestones.api.access.SessionReadAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "A logged-in browser, for reading only.",
        }
