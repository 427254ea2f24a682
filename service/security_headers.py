"""Security headers on every response: a strict Content-Security-Policy, no framing, no sniffing.

The pages load only their own scripts (the shared token.js among them) and stylesheets, so
their policy allows nothing else (no inline script or style, no other origin). The Swagger UI
under /docs ships inline scripts, so it alone gets 'unsafe-inline' for them; it holds no data
of its own.
"""

from __future__ import annotations

from flask import Flask, Response, request

PAGE_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
DOCS_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


_PAGE_HEADERS = {"Content-Security-Policy": PAGE_POLICY, **HEADERS}
# Suggestions and confirmations quote the notes: no cache may keep them.
_API_HEADERS = {**_PAGE_HEADERS, "Cache-Control": "no-store"}
_DOCS_HEADERS = {"Content-Security-Policy": DOCS_POLICY, **HEADERS}


def _add_headers(response: Response) -> Response:
    # A header a view set itself is kept. Werkzeug's setdefault and `in` look a name up by
    # raising and catching a KeyError when it is absent, ~4 µs each on every response.
    present = {name.lower() for name, _ in response.headers.items()}
    wanted = _PAGE_HEADERS
    if request.path.startswith("/docs"):
        wanted = _DOCS_HEADERS
    elif request.path.startswith("/v1"):
        wanted = _API_HEADERS
    for name, value in wanted.items():
        if name.lower() not in present:
            response.headers.add(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
