"""GET /local/analytics: a page of charts over the analytics routes (overview and locations), for a person running
`make run`. The page asks for a key holding the `analytics` scope (kept in the tab's session storage only) and calls
the API as any client does; the chart library, uPlot, is vendored under local/static/uplot with its license."""

from __future__ import annotations

from pathlib import Path

from local.events import HttpRequest
from local.gateway import Response

PATH = "/local/analytics"
PAGE = Path(__file__).with_name("analytics.html")
STATIC = Path(__file__).with_name("static")
ASSETS = {
    "/local/static/uplot/uPlot.iife.min.js": ("uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8"),
    "/local/static/uplot/uPlot.min.css": ("uplot/uPlot.min.css", "text/css; charset=utf-8"),
}


class AnalyticsPage:
    def __call__(self, request: HttpRequest) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return None
        path = request.raw_path.rstrip("/") or "/"
        if path == PATH:
            headers = {"content-type": "text/html; charset=utf-8", "cache-control": "no-store"}
            return Response(200, headers, PAGE.read_bytes())
        if path in ASSETS:
            name, content_type = ASSETS[path]
            headers = {"content-type": content_type, "cache-control": "max-age=3600"}
            return Response(200, headers, (STATIC / name).read_bytes())
        return None
