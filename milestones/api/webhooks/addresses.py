"""Which addresses a webhook may be sent to: public ones only, so that registering an endpoint
cannot make the tracker reach into the network it runs in.

The address is checked when an endpoint is registered and again before every delivery,
after the host name is resolved, and the delivery goes to the very address checked: a name
that resolves to a public address at registration and to 127.0.0.1 later (DNS rebinding)
is refused then. Development and the tests allow private addresses and plain HTTP
(``WEBHOOKS_ALLOW_PRIVATE_ADDRESSES``, ``WEBHOOKS_ALLOW_HTTP``).
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class AddressRefused(Exception):
    """The URL may not be sent to; the message says why, in words for its owner."""


@dataclass(frozen=True)
class Target:
    """Where a delivery goes: the URL's parts and the one checked address to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def is_public(address):
    """Whether an IP address is one on the public internet: not private, loopback,
    link-local, multicast, reserved or unspecified (an IPv4 address inside IPv6 as itself)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url):
    """The URL's scheme, host, port and path; AddressRefused for one that is not HTTPS
    (outside development) or has no host."""
    parts = urlsplit(url)
    allowed = {"https", "http"} if settings.WEBHOOKS_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed:
        raise AddressRefused(_("The address must start with https://."))
    if not parts.hostname:
        raise AddressRefused(_("The address has no host name."))
    if parts.username or parts.password:
        raise AddressRefused(_("The address may not carry a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise AddressRefused(_("The address has an invalid port.")) from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port, path


def resolve(url):
    """Where a delivery to the URL goes (a Target), its host name resolved now; AddressRefused
    when it cannot be resolved or any of its addresses is not public (unless allowed)."""
    scheme, host, port, path = check_url(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(
            _("The host name %(host)s cannot be resolved.") % {"host": host}
        ) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES and not all(map(is_public, addresses)):
        raise AddressRefused(
            _(
                "%(host)s is a private, loopback or otherwise internal address: webhooks go "
                "to public addresses only."
            )
            % {"host": host}
        )
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])
