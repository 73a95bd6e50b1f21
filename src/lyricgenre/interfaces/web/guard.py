"""The server's guard, in front of every route (ASGI middleware): request limits and timeouts, the Host check
that keeps DNS-rebinding pages out, and security headers on every answer."""

from __future__ import annotations

import asyncio

from fastapi.responses import JSONResponse

MAX_BODY_BYTES = 1_000_000
BODY_TIMEOUT_S = 30.0  # the longest wait for the next chunk of a request body (headers: `connections.py`)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # The page loads only its own script and stylesheet (no inline script; inline styles draw the bars);
    # /docs loads its assets from the package itself.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
}


class Guard:
    """ASGI middleware: requests for other Host names than `allowed_hosts` (when given) get 400; a body over
    MAX_BODY_BYTES gets 413, announced by Content-Length or counted as its chunks arrive (never read whole
    before the check); a body stalling over BODY_TIMEOUT_S between chunks gets 408; answers get
    `SECURITY_HEADERS` (not the interactive /docs, whose page loads its own)."""

    def __init__(self, app, allowed_hosts: tuple[str, ...] | None = None, limit: int = MAX_BODY_BYTES):
        self.app, self.allowed_hosts, self.limit = app, allowed_hosts, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        send = _with_security_headers(send, scope["path"])
        headers = dict(scope["headers"])
        if self.allowed_hosts and _host_name(headers.get(b"host", b"").decode("latin-1")) not in self.allowed_hosts:
            answer = JSONResponse({"error": "unexpected Host header (only loopback names are served)"}, 400)
            return await answer(scope, receive, send)
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await _too_large()(scope, receive, send)
        received, answered = 0, False

        body_done = False

        async def counted():
            nonlocal received, answered, body_done
            if body_done:  # after the body, the app may wait for the client to leave: no deadline then
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), BODY_TIMEOUT_S)
            except TimeoutError:
                answered = True
                await JSONResponse({"error": f"request body stalled for {BODY_TIMEOUT_S:g} s"}, 408)(
                    scope, receive, send
                )
                return {"type": "http.disconnect"}
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            received += len(message.get("body", b""))
            if received > self.limit and not answered:
                # Answer 413 now and tell the app the client left, so it stops reading; what it answers then
                # (FastAPI turns any failure to read a body into a 400) is dropped.
                answered = True
                await _too_large()(scope, receive, send)
                return {"type": "http.disconnect"}
            return message

        async def app_send(message):
            if not answered:
                await send(message)

        await self.app(scope, counted, app_send)


def _with_security_headers(send, path: str):
    """`send` adding SECURITY_HEADERS to the response start (except for /docs, whose page loads its own)."""
    if path.startswith(("/docs", "/redoc")):
        return send

    async def sending(message):
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
            message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
        await send(message)

    return sending


def _host_name(host: str) -> str:
    """A Host header without its port ("[::1]:8000" -> "[::1]")."""
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _too_large() -> JSONResponse:
    return JSONResponse({"error": f"request body over {MAX_BODY_BYTES} bytes"}, status_code=413)
