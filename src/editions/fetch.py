"""Fetching over HTTP(S): the one way editions reaches the network.

In: a URL and the limits of the fetch. Out: a :class:`Response` (final URL, content type,
charset, body), or an :class:`~editions.errors.EditionsError` naming the URL, in one line a user
can act on: ``https://example.org/a: cannot fetch: the server answered 404 Not Found``.

Every fetch has:

- a total time limit (``timeout``, for connecting, every redirect and reading the body together);
- a size cap (``max_bytes``, checked against ``Content-Length`` and while reading, and again
  after decompression, so a gzip bomb stops at the cap);
- a clear user agent (``editions/<version>``);
- at most ``max_redirects`` redirects, a loop reported as such, and every hop checked again:
  ``http``/``https`` only, no user name or password in the URL, and the address rules below;
- a content-type check (``accept``; HTML by default).

**Addresses.** Each host is resolved once and the connection is made to the address that was
checked (no second lookup a DNS rebinding could change). ``allow_private=False`` refuses
loopback, private, link-local, multicast and reserved addresses at every hop: that is what a
fetch an *article* causes (a remote image) must use. ``allow_private=True`` (the default, for
URLs the *user* typed on the command line or in their ``edition.toml``) lets the first URL name a
machine on the user's own network, but a public server still cannot redirect into private
address space: only a chain that *starts* on a private address may continue there.

Proxies (``HTTP_PROXY`` …) are not used: the address checks need the real peer.
"""

from __future__ import annotations

import ipaddress
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from .errors import EditionsError
from .version import __version__

if TYPE_CHECKING:  # loaded by the first fetch (most commands never fetch: ``is_url`` is all they use)
    import http.client

USER_AGENT = f"editions/{__version__} (article importer; Python)"
DEFAULT_TIMEOUT = 30.0
MAX_PAGE_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
MAX_URL_LENGTH = 4096


@dataclass(frozen=True)
class Response:
    """A successful fetch."""

    url: str
    """The URL the body came from, after redirects."""
    requested_url: str
    content_type: str
    """The media type, lower case, without parameters (``text/html``); empty when the server gave none."""
    charset: str | None
    body: bytes
    status: int = 200
    redirects: tuple[str, ...] = field(default_factory=tuple)
    """The URLs that answered with a redirect, in order."""


def is_public_address(address: str) -> bool:
    """Whether an IP address is public: not loopback, private, link-local, multicast or reserved."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.is_site_local:
            return False
    return bool(ip.is_global) and not ip.is_multicast and not ip.is_unspecified


def fetch(
    url: str,
    *,
    accept: Sequence[str] | None = HTML_TYPES,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_PAGE_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    allow_private: bool = True,
    user_agent: str = USER_AGENT,
) -> Response:
    """Fetch ``url`` (see the module docstring for the limits and the address rules).

    ``accept`` lists the media types wanted (``image/*`` matches any image; ``None`` accepts
    anything). Raises :class:`EditionsError` naming ``url`` for every failure.
    """
    deadline = time.monotonic() + timeout
    current = _checked_url(url, url)
    seen = [current]
    started_private: bool | None = None
    for _hop in range(max_redirects + 1):
        parts = urlsplit(current)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = _resolve(host, port, url)
        private = [a for a in addresses if not is_public_address(a)]
        if started_private is None:
            started_private = bool(private)
        if private and not (allow_private and started_private):
            where = "" if current == url else f"redirected to {current}: "
            reason = (
                "a public page may not redirect there"
                if allow_private
                else "only public addresses are fetched"
            )
            raise EditionsError(
                f"cannot fetch: {where}{host} is a local or private address ({private[0]}); {reason}", url
            )
        status, reason, headers, body = _request(
            current, addresses, url, deadline, timeout, max_bytes, user_agent
        )
        if status in REDIRECT_STATUSES:
            location = headers.get("location")
            if not location:
                raise EditionsError(
                    f"cannot fetch: the server answered {status} {reason} without a Location", url
                )
            target = _checked_url(urljoin(current, location.strip()), url, redirect=True)
            if target in seen:
                chain = " → ".join([*seen[seen.index(target) :], target])
                raise EditionsError(f"cannot fetch: redirect loop ({chain})", url)
            seen.append(target)
            current = target
            continue
        if not 200 <= status < 300 or status in {204, 205}:
            raise EditionsError(f"cannot fetch: the server answered {status} {reason}".rstrip(), url)
        content_type, charset = _content_type(headers.get("content-type", ""))
        if accept is not None and not _acceptable(content_type, body, accept):
            shown = content_type or "no content type"
            wanted = "a web page" if tuple(accept) == HTML_TYPES else " or ".join(accept)
            raise EditionsError(f"cannot fetch: not {wanted} (the server sent {shown})", url)
        return Response(
            url=current,
            requested_url=url,
            content_type=content_type,
            charset=charset,
            body=body,
            status=status,
            redirects=tuple(seen[:-1]),
        )
    raise EditionsError(f"cannot fetch: too many redirects (more than {max_redirects})", url)


def _checked_url(candidate: str, original: str, *, redirect: bool = False) -> str:
    """``candidate`` as a fetchable http(s) URL in ASCII, or an error naming ``original``."""
    where = f"redirected to {candidate}: " if redirect else ""
    candidate = candidate.strip()
    if len(candidate) > MAX_URL_LENGTH:
        raise EditionsError(f"cannot fetch: {where}the URL is too long", original)
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError as exc:
        raise EditionsError(f"cannot fetch: {where}invalid URL ({exc})", original) from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise EditionsError(f"cannot fetch: {where}only http:// and https:// URLs are fetched", original)
    if not parts.hostname:
        raise EditionsError(f"cannot fetch: {where}the URL names no host", original)
    if parts.username is not None or parts.password is not None:
        raise EditionsError(
            f"cannot fetch: {where}URLs with a user name or password are not fetched", original
        )
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise EditionsError(f"cannot fetch: {where}invalid host name '{parts.hostname}'", original) from None
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port else host
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~-._")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=~-._?")
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def _resolve(host: str, port: int, original: str) -> list[str]:
    """The IP addresses of ``host`` (an IP literal resolves to itself)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise EditionsError(
            f"cannot fetch: cannot find the host '{host}' ({_reason(exc)})", original
        ) from None
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise EditionsError(f"cannot fetch: cannot find the host '{host}'", original)
    return addresses


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or getattr(exc, "reason", None) or exc) or type(exc).__name__


def _connection(scheme: str, host: str, port: int, address: str, timeout: float) -> Any:
    """An HTTP(S) connection to ``address``, checked beforehand: the Host header still names the
    host, and for HTTPS the certificate is verified for the host (an ``http.client`` connection)."""
    import http.client
    import socket
    import ssl

    class PinnedHTTP(http.client.HTTPConnection):
        def connect(self) -> None:
            self.sock = socket.create_connection((address, self.port), self.timeout)

    class PinnedHTTPS(http.client.HTTPSConnection):
        def connect(self) -> None:
            sock = socket.create_connection((address, self.port), self.timeout)
            try:
                self.sock = context.wrap_socket(sock, server_hostname=self.host)
            except BaseException:
                sock.close()
                raise

    if scheme != "https":
        return PinnedHTTP(host, port, timeout=timeout)
    context = ssl.create_default_context()
    return PinnedHTTPS(host, port, timeout=timeout, context=context)


def _request(
    url: str,
    addresses: list[str],
    original: str,
    deadline: float,
    timeout: float,
    max_bytes: int,
    user_agent: str,
) -> tuple[int, str, dict[str, str], bytes]:
    """One GET; returns the status, reason, lower-cased headers and body (empty for redirects)."""
    import http.client
    import socket
    import ssl

    split = urlsplit(url)
    host = split.hostname or ""
    port = split.port or (443 if split.scheme == "https" else 80)
    target = split.path or "/"
    if split.query:
        target += "?" + split.query
    last_error: BaseException | None = None
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        conn: http.client.HTTPConnection = _connection(split.scheme, host, port, address, remaining)
        try:
            try:
                conn.connect()
            except (TimeoutError, ConnectionError, OSError) as exc:
                if isinstance(exc, ssl.SSLError):
                    raise
                last_error = exc
                continue
            conn.putrequest("GET", target, skip_accept_encoding=True)
            conn.putheader("User-Agent", user_agent)
            conn.putheader("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
            conn.putheader("Accept-Encoding", "gzip, deflate")
            conn.putheader("Connection", "close")
            conn.endheaders()
            response = conn.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            if response.status in REDIRECT_STATUSES:
                return response.status, response.reason, headers, b""
            body = _read_body(conn, response, headers, original, deadline, timeout, max_bytes)
            return response.status, response.reason, headers, body
        except ssl.SSLCertVerificationError as exc:
            raise EditionsError(
                f"cannot fetch: secure connection refused ({exc.verify_message})", original
            ) from None
        except ssl.SSLError as exc:
            raise EditionsError(
                f"cannot fetch: secure connection failed ({_reason(exc)})", original
            ) from None
        except TimeoutError:
            raise EditionsError(f"cannot fetch: timed out after {timeout:g} s", original) from None
        except http.client.HTTPException as exc:
            raise EditionsError(
                f"cannot fetch: invalid answer from the server ({type(exc).__name__})", original
            ) from None
        except OSError as exc:
            raise EditionsError(f"cannot fetch: {_reason(exc)}", original) from None
        finally:
            conn.close()
    if last_error is None:
        raise EditionsError(f"cannot fetch: timed out after {timeout:g} s", original)
    if isinstance(last_error, (TimeoutError, socket.timeout)):
        raise EditionsError(f"cannot fetch: timed out after {timeout:g} s", original)
    raise EditionsError(f"cannot fetch: cannot connect to {host} ({_reason(last_error)})", original)


def _read_body(
    conn: http.client.HTTPConnection,
    response: http.client.HTTPResponse,
    headers: dict[str, str],
    original: str,
    deadline: float,
    timeout: float,
    max_bytes: int,
) -> bytes:
    limit = _mb(max_bytes)
    length = headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise EditionsError(
            f"cannot fetch: the page is too large ({_mb(int(length))}; the limit is {limit})", original
        )
    encoding = headers.get("content-encoding", "identity").strip().lower()
    if encoding not in {"", "identity", "gzip", "x-gzip", "deflate"}:
        raise EditionsError(f"cannot fetch: unsupported content encoding '{encoding}'", original)
    decoder = zlib.decompressobj(47) if encoding not in {"", "identity"} else None
    chunks: list[bytes] = []
    size = 0
    raw_size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise EditionsError(f"cannot fetch: timed out after {timeout:g} s", original)
        if conn.sock is not None:
            conn.sock.settimeout(remaining)
        chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
        if not chunk:
            break
        raw_size += len(chunk)
        if raw_size > max_bytes:
            raise EditionsError(f"cannot fetch: the page is too large (over {limit})", original)
        if decoder is not None:
            try:
                chunk = decoder.decompress(chunk, max_bytes + 1 - size)
            except zlib.error:
                raise EditionsError(
                    "cannot fetch: the server sent corrupt compressed data", original
                ) from None
            if decoder.unconsumed_tail:
                raise EditionsError(
                    f"cannot fetch: the page is too large (over {limit} uncompressed)", original
                )
        size += len(chunk)
        if size > max_bytes:
            raise EditionsError(f"cannot fetch: the page is too large (over {limit})", original)
        chunks.append(chunk)
    return b"".join(chunks)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


def _content_type(value: str) -> tuple[str, str | None]:
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'")
    return media.strip().lower(), charset


def _acceptable(content_type: str, body: bytes, accept: Sequence[str]) -> bool:
    for wanted in accept:
        if wanted.endswith("/*") and content_type.startswith(wanted[:-1]):
            return True
        if content_type == wanted:
            return True
    if not content_type and any(t in HTML_TYPES for t in accept):
        head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
    return False


def is_url(text: str | object) -> bool:
    """Whether a PATH argument is an ``http://`` or ``https://`` URL rather than a file name."""
    return isinstance(text, str) and text.strip().lower().startswith(("http://", "https://"))


__all__ = [
    "DEFAULT_TIMEOUT",
    "HTML_TYPES",
    "MAX_PAGE_BYTES",
    "MAX_REDIRECTS",
    "USER_AGENT",
    "Response",
    "fetch",
    "is_public_address",
    "is_url",
]
