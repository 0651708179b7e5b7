"""Where a connector may send its credentials: public internet addresses only.

A connector's base URL is chosen by an API key of a company group, and its error bodies are
reflected in reports, so a connector aimed at an internal address (the instance metadata service
at 169.254.169.254, a VPC service, loopback) would both carry the credentials there and read the
answer back. In a deployed stage such destinations are refused:

* when a connector is created or updated (`check_destination`: the host is resolved and every
  address it resolves to must be public), and
* again at connect time (`GuardedTransport` for httpx, `connect_address` for SFTP): the host is
  resolved, every address checked, and the connection made to the checked address, so a DNS
  answer that changes between the two checks (DNS rebinding) cannot reach an internal address.

The local stack (and tests against fake servers on 127.0.0.1) set `SYNCLINE_ALLOW_PRIVATE_NETWORKS`
to true; the default is false. The variable is read on each check, so it is never cached.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

import httpcore
import httpx

from syncline.settings import ENV

ALLOW_ENV = ENV["allow_private_networks"]
REFUSED = (
    "must not point at a private, loopback, link-local or otherwise internal address "
    f"(a local stack allows them with {ALLOW_ENV}=true)"
)


def private_networks_allowed() -> bool:
    return os.environ.get(ALLOW_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def is_public(address: str) -> bool:
    """True for a globally routable unicast address (IPv4-mapped IPv6 judged as its IPv4)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
    return bool(ip.is_global) and not ip.is_multicast


def resolve(host: str, port: int | None) -> list[str]:
    """Every address `host` resolves to (a literal address: itself)."""
    host = host.strip("[]")
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port or 0, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class BlockedAddressError(httpcore.ConnectError):
    """A connection refused because its destination resolves to an internal address."""


def public_addresses(host: str, port: int | None) -> list[str]:
    """The addresses of `host`, all public; raises BlockedAddressError otherwise (and OSError when
    the name does not resolve)."""
    addresses = resolve(host, port)
    if not addresses or not all(is_public(a) for a in addresses):
        raise BlockedAddressError("refusing to connect: the destination is an internal address")
    return addresses


def check_destination(host: str | None, port: int | None) -> bool:
    """False when private networks are not allowed and `host` is, or resolves to, an internal
    address. A name that does not resolve (yet) passes here: the connect-time check still holds."""
    if not host or private_networks_allowed():
        return True
    if host.strip("[]").lower().rstrip(".") in ("localhost",) or host.lower().rstrip(".").endswith(
        ".localhost"
    ):
        return False
    try:
        public_addresses(host, port)
    except BlockedAddressError:
        return False
    except Exception:  # no answer (yet): the connect-time check decides
        return True
    return True


def connect_address(host: str, port: int | None) -> str:
    """The address to connect to for `host`: itself when private networks are allowed, else its
    first (checked) public address."""
    if private_networks_allowed():
        return host
    return public_addresses(host, port)[0]


class _GuardedBackend(httpcore.SyncBackend):
    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        if not private_networks_allowed():
            try:
                host = public_addresses(host, port)[0]  # connect to exactly the address checked
            except socket.gaierror as exc:
                raise httpcore.ConnectError(f"name resolution failed ({type(exc).__name__})") from None
        return super().connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with the internal-address check at connect time (TLS still verifies the
    URL's host name: the SNI and certificate check use the origin, not the address)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        pool = self._pool
        if isinstance(pool, httpcore.ConnectionPool):
            pool._network_backend = _GuardedBackend()


def blocked(exc: BaseException) -> bool:
    """Whether an httpx error was a refused internal destination."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            break
        if isinstance(seen, BlockedAddressError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
