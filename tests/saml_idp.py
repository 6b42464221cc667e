"""A real SAML 2.0 identity provider for the single sign-on tests, run in its own process by
tests/saml_server.py: pysaml2's IdP (which signs with Debian's xmlsec1) behind a small WSGI
server on a free loopback port.

Its configuration comes as JSON in SAML_TEST_CONFIG: the tracker's SP metadata, the accounts
(login -> NameID and attributes), its key and certificate files; optionally an entity id and
SSO URL (an impostor with another key claims the real IdP's) and the entity ids of other
service providers it also answers for. It prints "listening <port>", then serves:

- GET /metadata: its metadata, which the tracker reads (SSO_<NAME>_METADATA_URL);
- GET /sso?SAMLRequest=…: its log-in form (HTTP-Redirect binding);
- POST /sso/login: the signed response, in a form that the browser posts to the tracker;
  an ``audience`` field makes it address the response to one of the others;
- GET /unsolicited?login=…&acs=…&sp=…: a response nobody asked for (IdP-initiated).
"""

import html
import json
import os
import shutil
import sys
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig, SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

LOG_IN_FORM = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test IdP log-in</title></head>
<body><main><h1>Test IdP</h1>
<form method="post" action="/sso/login">
<input type="hidden" name="SAMLRequest" value="{request}">
<input type="hidden" name="RelayState" value="{relay_state}">
<label>Username <input name="login" autocomplete="off"></label>
<button type="submit">Sign in</button>
</form></main></body></html>"""


def other_service_provider(entity_id):
    """Metadata of another service provider the IdP also serves (made by pysaml2)."""
    settings = SPConfig()
    settings.load(
        {
            "entityid": entity_id,
            "service": {
                "sp": {
                    "endpoints": {
                        "assertion_consumer_service": [(f"{entity_id}/acs", BINDING_HTTP_POST)]
                    }
                }
            },
        }
    )
    return create_metadata_string(None, config=settings, sign=False).decode()


def identity_provider(config, base_url):
    entity_id = config.get("entity_id") or f"{base_url}/metadata"
    sso_url = config.get("sso_url") or f"{base_url}/sso"
    service_providers = [
        config["sp_metadata"],
        *(other_service_provider(other) for other in config.get("other_audiences", [])),
    ]
    settings = IdPConfig()
    settings.load(
        {
            "entityid": entity_id,
            "service": {
                "idp": {
                    "endpoints": {"single_sign_on_service": [(sso_url, BINDING_HTTP_REDIRECT)]},
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 5},
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                }
            },
            "key_file": config["key_file"],
            "cert_file": config["cert_file"],
            "metadata": {"inline": service_providers},
            "xmlsec_binary": shutil.which("xmlsec1"),
            "delete_tmpfiles": True,
        }
    )
    return Server(config=settings)


def signed_response(server, account, **response_args):
    response = server.create_authn_response(
        {name: list(values) for name, values in account["attributes"].items()},
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=account["nameid"]),
        authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
        sign_response=True,
        sign_assertion=True,
        # python3-saml refuses SHA-1, pysaml2's default.
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
        **response_args,
    )
    return response


def post_form(server, response, destination, relay_state):
    return server.apply_binding(
        BINDING_HTTP_POST, str(response), destination, relay_state, response=True
    )["data"]


def application(config, server):
    accounts = config["accounts"]

    def app(environ, start_response):
        path = environ["PATH_INFO"]
        query = {key: values[0] for key, values in parse_qs(environ["QUERY_STRING"]).items()}
        if path == "/metadata":
            body = create_metadata_string(None, config=server.config, sign=False)
            return answer(start_response, "200 OK", "text/xml", body)
        if path == "/sso":
            body = LOG_IN_FORM.format(
                request=html.escape(query["SAMLRequest"]),
                relay_state=html.escape(query.get("RelayState", "")),
            )
            return answer(start_response, "200 OK", "text/html", body)
        if path == "/sso/login":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = parse_qs(environ["wsgi.input"].read(length).decode())
            fields = {key: values[0] for key, values in form.items()}
            if fields.get("login") not in accounts:
                return answer(start_response, "403 Forbidden", "text/plain", "unknown login")
            request = server.parse_authn_request(fields["SAMLRequest"], BINDING_HTTP_REDIRECT)
            response_args = server.response_args(request.message)
            response_args.pop("binding", None)
            if fields.get("audience"):
                response_args["sp_entity_id"] = fields["audience"]
            response = signed_response(server, accounts[fields["login"]], **response_args)
            body = post_form(
                server, response, response_args["destination"], fields.get("RelayState", "")
            )
            return answer(start_response, "200 OK", "text/html", body)
        if path == "/unsolicited":
            response = signed_response(
                server,
                accounts[query["login"]],
                in_response_to=None,
                destination=query["acs"],
                sp_entity_id=query["sp"],
            )
            body = post_form(server, response, query["acs"], "")
            return answer(start_response, "200 OK", "text/html", body)
        return answer(start_response, "404 Not Found", "text/plain", "not found")

    return app


def answer(start_response, status, content_type, body):
    data = body.encode() if isinstance(body, str) else body
    start_response(status, [("Content-Type", f"{content_type}; charset=utf-8")])
    return [data]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main():
    config = json.loads(os.environ["SAML_TEST_CONFIG"])
    httpd = make_server("127.0.0.1", 0, lambda environ, start: [], handler_class=QuietHandler)
    port = httpd.server_address[1]
    server = identity_provider(config, f"http://127.0.0.1:{port}")
    httpd.set_app(application(config, server))
    print(f"listening {port}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
