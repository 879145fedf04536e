"""What the browser tests share: Debian's Chromium, a local server for a built site, and a
watch on every page that fails on requests to other origins, HTTP errors, console errors,
page errors and dialogs.

The tests do not skip when the browser is missing: CI installs it (scripts/test.sh) and a
missing browser must show as an error, not as a quietly green run.
"""

from __future__ import annotations

import functools
import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def launch_chromium(playwright):
    """Debian's Chromium under Playwright (``playwright install`` cannot download browsers here)."""
    if not CHROMIUM.is_file():
        pytest.fail(f"the browser tests need Chromium at {CHROMIUM}: install it with `apt-get install chromium` "
                    "(scripts/test.sh does); they fail rather than skip without it", pytrace=False)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (for a server this process starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) in a thread; yields the origin, ``http://127.0.0.1:N``."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@dataclass
class Watch:
    """Everything a page did that a reader on an intranet must never see."""

    origin: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, context) -> None:
        """Watch every request and every page of ``context``. Requests are recorded, not intercepted:
        routing would turn off the browser's cache and slow every page load."""
        context.on("request", self._request)
        context.on("page", self._watch_page)

    def _request(self, request) -> None:
        self.requests.append(request.url)
        if not self.is_local(request.url):
            self.foreign.append(request.url)

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob") or f"{parts.scheme}://{parts.netloc}" == self.origin

    def _watch_page(self, page) -> None:
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("requestfailed", self._failed)
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("dialog", self._dialog)

    def _failed(self, request) -> None:
        # ERR_ABORTED: the page itself dropped the request because the reader moved on (a new
        # search, a link followed) while it was in flight; a missing file is a 404 response above.
        if self.is_local(request.url) and request.failure != "net::ERR_ABORTED":
            self.failed.append(f"{request.failure} {request.url}")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def clear(self) -> None:
        for name in ("requests", "foreign", "failed", "console_errors", "page_errors", "dialogs"):
            getattr(self, name).clear()

    def problems(self) -> dict[str, list[str]]:
        found = {"requests to other origins": self.foreign, "failed or HTTP >= 400": self.failed,
                 "console errors": self.console_errors, "page errors": self.page_errors, "dialogs": self.dialogs}
        return {k: v for k, v in found.items() if v}
