"""The web app's guard: one ASGI middleware in front of every route.

In: each HTTP request. Out: the request passed on to the app, or refused before any route runs:

- a ``Host`` header that is not the served address → 421 (a DNS-rebinding page cannot reach us);
- a method other than GET, HEAD or POST → 405;
- a POST whose ``Origin`` is missing or not the served origin → 403 (a cross-origin form);
- a POST without this server's CSRF token (the ``X-CSRF-Token`` header, or the ``csrf_token``
  field of the form) → 403;
- a POST body larger than ``max_body`` → 413, counted as it arrives (not trusted from
  ``Content-Length``).

Every response gets headers that keep the pages to themselves: a Content-Security-Policy
allowing only this server's own scripts, styles and images (article text shown in a page can
neither run a script nor fetch from the network), no framing, no sniffing, no referrer sent to
other sites (``same-origin``: with ``no-referrer`` a browser sends ``Origin: null`` on its own forms).
The token is made once per server process and given only in the app's own pages.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .strings import t

SAFE_METHODS = frozenset({"GET", "HEAD"})
TOKEN_FIELD = "csrf_token"
TOKEN_HEADER = "x-csrf-token"

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def new_token() -> str:
    """A fresh CSRF token (one per server process)."""
    return secrets.token_urlsafe(32)


def host_names(host: str, port: int) -> set[str]:
    """The ``Host`` headers the server at ``host``:``port`` answers to (loopback: every loopback name)."""
    names = {host.lower()}
    if host in {"127.0.0.1", "localhost", "::1", "[::1]"}:
        names |= {"127.0.0.1", "localhost", "[::1]"}
    if ":" in host and not host.startswith("["):
        names.add(f"[{host.lower()}]")
    return {f"{name}:{port}" for name in names} | ({*names} if port == 80 else set())


class Guard:
    """The middleware (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, hosts: Iterable[str], token: str, max_body: int) -> None:
        self.app = app
        self.hosts = frozenset(h.lower() for h in hosts)
        self.origins = frozenset(f"http://{h}" for h in self.hosts)
        self.token = token
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets: the connection is closed unanswered
        headers = Headers(scope=scope)
        if headers.get("host", "").lower() not in self.hosts:
            await _refuse(send, 421, t("bad_host"))
            return
        method = scope["method"]
        if method not in SAFE_METHODS and method != "POST":
            await _refuse(send, 405, method)
            return
        send = _with_headers(send)
        if method in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if headers.get("origin", "").lower() not in self.origins:
            await _refuse(send, 403, t("forbidden"))
            return
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await _refuse(send, 413, t("too_large", mb=self.max_body // (1024 * 1024)))
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_body:
                await _refuse(send, 413, t("too_large", mb=self.max_body // (1024 * 1024)))
                return
            if not message.get("more_body", False):
                break
        given = headers.get(TOKEN_HEADER) or await _form_token(scope, bytes(body))
        if not given or not hmac.compare_digest(given.encode(), self.token.encode()):
            await _refuse(send, 403, t("forbidden"))
            return
        await self.app(scope, _replay(bytes(body)), send)


async def _form_token(scope: Scope, body: bytes) -> str | None:
    """The ``csrf_token`` field of a urlencoded or multipart form body, if any."""
    kind = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("latin-1"), max_num_fields=1000).get(TOKEN_FIELD)
        return values[0] if values else None
    if kind == "multipart/form-data":
        request = Request(scope, _replay(body))
        try:
            form = await request.form(max_files=50, max_fields=200)
        except Exception:
            return None
        try:
            value = form.get(TOKEN_FIELD)
            return value if isinstance(value, str) else None
        finally:
            await form.close()
    return None


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            extra = [(k, v) for k, v in _HEADERS if k not in present]
            message = dict(message, headers=[*message.get("headers", []), *extra])
        await send(message)

    return wrapped


async def _refuse(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    headers: list[Any] = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *_HEADERS,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


__all__ = ["CSP", "TOKEN_FIELD", "TOKEN_HEADER", "Guard", "host_names", "new_token"]
