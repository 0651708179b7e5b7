"""The web console: static files (HTML, CSS, plain JavaScript, no build step) that call the report
API with the user's key. `syncline up` serves them at /console/; infra/ deploys them to S3 behind
CloudFront."""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


# What CloudFront's response headers policy sends too (infra/syncline_infra/console.py): scripts and
# styles from the console's own origin only, no inline script, calls to the API's origin only.
def content_security_policy(api_origin: str = "'self'") -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {api_origin}; font-src 'self'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    )


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}


def static_file(path: str) -> tuple[bytes, str] | None:
    """The file the URL path under /console/ names (index.html for the folder), or None."""
    name = path.strip("/") or "index.html"
    if "/" in name or name.startswith(".") or "\\" in name:
        return None
    file = STATIC_DIR / name
    kind = CONTENT_TYPES.get(file.suffix)
    if kind is None or not file.is_file():
        return None
    return file.read_bytes(), kind
