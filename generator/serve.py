"""`rapor serve`: a local preview that rebuilds when an input changes and reloads the open page.

The preview serves the output folder as built (the same files an upload gets); only HTML responses gain one
script tag, added on the way out, that asks the server whether a newer build exists and reloads the page, or
shows the located error of a failed rebuild over the page. A failed rebuild leaves the last good build in
place, so the preview keeps serving it: a rebuild writes nothing until the whole build was produced, and then
only the changed files, each renamed over its old version, so no page is ever served half-written
(preview_write.py). The server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import errno
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import RaporError

RELOAD_PATH = "/__rapor/state"
SCRIPT_PATH = "/__rapor/reload.js"
# Polling, not a socket: it works through any proxy, and a preview with one reader needs no more.
RELOAD_SCRIPT = b"""(function () {
  var seen = null;
  function show(error) {
    var box = document.getElementById("rapor-preview-error");
    if (!error) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "rapor-preview-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;margin:0;max-height:50vh;overflow:auto;" +
        "padding:1em;background:#fff3f3;color:#6b1020;border-top:4px solid #a11d2c;z-index:99999;" +
        "white-space:pre-wrap;font:14px/1.4 monospace";
      document.body.appendChild(box);
    }
    box.textContent = "rapor: the last change did not build; this is the last good build.\\n\\n" + error;
  }
  function poll() {
    fetch("/__rapor/state", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.build !== seen) { location.reload(); return; }
      seen = s.build;
      show(s.error);
    }).catch(function () {}).finally(function () { setTimeout(poll, 800); });
  }
  poll();
})();
"""


@dataclass
class PreviewState:
    """What the open pages poll: the number of the last good build and the error of the last attempt."""

    build: int = 0
    error: str = ""
    output: Path | None = None  # the folder served, once the first build has named it
    lock: threading.Lock = field(default_factory=threading.Lock)

    def succeeded(self) -> None:
        with self.lock:
            self.build += 1
            self.error = ""

    def failed(self, message: str) -> None:
        with self.lock:
            self.error = message

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"build": self.build, "error": self.error}).encode("utf-8")


class PreviewHandler(SimpleHTTPRequestHandler):
    state: PreviewState

    def __init__(self, *args: object, state: PreviewState, **kwargs: object) -> None:
        self.state = state
        super().__init__(*args, directory=str(state.output or "."), **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged: the terminal is for build results and errors."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == RELOAD_PATH:
            self._send(self.state.as_json(), "application/json")
        elif path == SCRIPT_PATH:
            self._send(RELOAD_SCRIPT, "text/javascript")
        elif self._html_file(path) is not None:
            html_path = self._html_file(path)
            assert html_path is not None
            try:
                data = html_path.read_bytes()
            except OSError:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            tag = f'<script src="{SCRIPT_PATH}"></script>'.encode()
            data = data.replace(b"</body>", tag + b"</body>", 1) if b"</body>" in data else data + tag
            self._send(data, "text/html; charset=utf-8")
        else:
            super().do_GET()

    def _html_file(self, path: str) -> Path | None:
        """The HTML file a request names (a folder means its index.html), if it lies inside the output."""
        local = Path(self.translate_path(path))
        if local.is_dir():
            local = local / "index.html"
        root = Path(self.directory).resolve()
        try:
            resolved = local.resolve()
        except OSError:
            return None
        if resolved.suffix != ".html" or not resolved.is_file() or not resolved.is_relative_to(root):
            return None
        return resolved

    def _send(self, data: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def watched_paths(root: Path) -> list[Path]:
    """What a build reads: the config, data, content and themes (those that exist)."""
    candidates = [root / "rapor.toml", root / "data", root / "content", root / "themes"]
    return [path for path in candidates if path.exists()]


def make_server(state: PreviewState, host: str, port: int) -> ThreadingHTTPServer:
    """The preview server, bound at once (before the first build, so that a port in use is said before a build
    is waited for); it serves `state.output` once a build has named it."""
    try:
        return ThreadingHTTPServer((host, port), partial(PreviewHandler, state=state))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            message = f"port {port} on {host} is already in use"
            hint = ("stop the program listening there (another rapor serve?), or choose another port: --port 0 "
                    "takes a free one")
        elif exc.errno in (errno.EACCES, errno.EPERM):
            message = f"no permission to listen on port {port} of {host}"
            hint = ("ports below 1024 need administrator rights: choose another, e.g. --port 8000 (--port 0 takes a "
                    "free one)")
        else:
            message = f"cannot listen on port {port} of {host} ({exc.strerror or exc})"
            hint = "choose another port, e.g. --port 8000 (--port 0 takes a free one)"
        raise RaporError.single("--port", 1, 1, message, hint) from None


def rebuild_loop(root: Path, output: Path, build: Callable[[], str], state: PreviewState,
                 say: Callable[[str], None], stop: threading.Event) -> None:
    """Rebuild after each batch of changes to the inputs (never to the output) until `stop` is set."""
    import watchfiles

    output_resolved = output.resolve()

    def is_input(_change: watchfiles.Change, path: str) -> bool:
        candidate = Path(path).resolve()
        return not (candidate == output_resolved or candidate.is_relative_to(output_resolved)
                    or candidate.name.startswith((".output", f".{output_resolved.name}.")))

    for changes in watchfiles.watch(*watched_paths(root), watch_filter=is_input, stop_event=stop,
                                    debounce=300, step=50, raise_interrupt=False):
        names = sorted({Path(path).name for _, path in changes})
        say(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}; rebuilding")
        attempt(build, state, say)


def attempt(build: Callable[[], str], state: PreviewState, say: Callable[[str], None]) -> bool:
    started = time.perf_counter()
    try:
        summary = build()
    except RaporError as exc:
        message = exc.format()
        state.failed(message)
        say(message)
        say("the last good build is still served")
        return False
    state.succeeded()
    say(f"{summary} ({time.perf_counter() - started:.1f} s)")
    return True
