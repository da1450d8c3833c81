"""Every request to an address a user named (media URLs, webhook receivers, the registration probe) goes through
here, with two guarantees the HTTP client alone does not give:

- The address that was checked is the address connected to. The host is resolved once, every address it
  resolves to is classified (see `classify`), and the connection goes to that vetted IP; TLS still verifies the
  certificate for the host name (SNI) and the Host header still names it. A name that resolves to a public address
  for the check and a private one for the connection (DNS rebinding) gets nowhere.
- The whole exchange has one total deadline. Timeouts per read would let a server that sends its headers a byte a
  second hold the caller forever; here every connect, read and write gets only what is left of the deadline.
"""
from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import httpcore

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

PUBLIC, PRIVATE, FORBIDDEN = "public", "private", "forbidden"

NAT64 = ipaddress.ip_network("64:ff9b::/96")
METADATA = {ipaddress.ip_address("100.100.100.200"), ipaddress.ip_address("fd00:ec2::254")}
"""Cloud metadata services outside the link-local range (Alibaba Cloud; AWS over IPv6). 169.254.169.254, the
common one, is link-local."""

NETWORK_ERRORS = (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError,
                  httpcore.UnsupportedProtocol)


class Refused(Exception):
    """The request was not made or did not finish; `reason` says why in words an API client understands."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class TimedOut(Refused):
    """The deadline passed before the exchange was over."""


def embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16), else None: a
    private IPv4 address in IPv6 clothing is still private."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def classify(address: Address) -> str:
    """FORBIDDEN: never reachable (link-local, cloud metadata, unspecified, multicast, reserved); PRIVATE:
    loopback and private networks, reachable only where configuration allows; PUBLIC: everything else."""
    inner = embedded_ipv4(address)
    if inner is not None:
        return classify(inner)
    if address.is_loopback:
        return PRIVATE
    if (address in METADATA or address.is_link_local or address.is_unspecified or address.is_multicast
            or address.is_reserved):
        return FORBIDDEN
    return PUBLIC if address.is_global else PRIVATE


@dataclass(frozen=True)
class Reach:
    """Where requests may go. `allow_private` opens loopback and private networks; FORBIDDEN stays closed."""

    allow_private: bool
    setting: str
    """The variable that opens private addresses, named in the refusal."""

    def vet(self, host: str, port: int, deadline: float) -> str:
        """The one address to connect to for `host`, after checking every address it resolves to."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror:
            raise Refused(f"host {host} not found") from None
        if time.monotonic() > deadline:
            raise TimedOut("the host name took too long to resolve")
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        for address in addresses:
            kind = classify(address)
            if kind == FORBIDDEN:
                raise Refused(f"{address} is a link-local, metadata or reserved address, which is never allowed")
            if kind == PRIVATE and not self.allow_private:
                raise Refused(f"{address} is a private or local address (set {self.setting}=true to allow it)")
        return str(addresses[0])


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation gets at most what is left of the exchange's deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float):
        self._stream, self._deadline = stream, deadline

    def _left(self, timeout: float | None, failure: type[Exception]) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise failure("the total deadline passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        secured = self._stream.start_tls(ssl_context, server_hostname, self._left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(secured, self._deadline)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to the vetted address of the host httpcore asks for; httpcore keeps using the host name for TLS
    (SNI, certificate) and the Host header."""

    def __init__(self, reach: Reach, deadline: float):
        self._reach, self._deadline = reach, deadline
        self._sync = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options=None) -> httpcore.NetworkStream:
        address = self._reach.vet(host, port, self._deadline)
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ConnectTimeout("the total deadline passed")
        stream = self._sync.connect_tcp(address, port, min(timeout or left, left), local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    """Lower-case names."""
    chunks: Iterator[bytes]


@contextmanager
def request(method: str, url: str, reach: Reach, seconds: float, headers: dict[str, str] | None = None,
            content: bytes | None = None) -> Iterator[Response]:
    """One request (no redirects followed) that must be over, body included, within `seconds`. Refused with the
    reason when the URL is not http(s), the address is not allowed, or the exchange fails or runs out of time
    (reading the body inside the block included)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused("only http and https URLs are allowed")
    if not parts.hostname:
        raise Refused("the URL has no host")
    deadline = time.monotonic() + seconds
    pool = httpcore.ConnectionPool(ssl_context=ssl.create_default_context(cafile=certifi.where()),
                                   network_backend=_PinnedBackend(reach, deadline), max_connections=1)
    try:
        with pool, pool.stream(method, url, headers=headers or {}, content=content) as response:
            headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in response.headers}
            yield Response(response.status, headers, response.iter_stream())
    except httpcore.TimeoutException:
        raise TimedOut(f"no complete answer within {seconds:g} s") from None
    except NETWORK_ERRORS as error:
        raise Refused(_plain(error)) from None


def _plain(error: Exception) -> str:
    """'[Errno 111] Connection refused' -> 'connection refused': an errno means nothing to an API client."""
    text = str(error)
    if text.startswith("[Errno"):
        text = text.split("] ", 1)[-1]
    return text.lower() or type(error).__name__
