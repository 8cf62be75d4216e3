"""Helpers for browser tests: a real ``streamlit run`` on a free port, and Debian's chromium.

Not a test module. Use it from ``tests/test_browser.py``::

    from browser import launch_chromium, running_dashboard
    from playwright.sync_api import expect, sync_playwright

    with running_dashboard(db_path) as base_url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        page.goto(base_url)
        expect(page.get_by_text("Kesiapan")).to_be_visible()

Playwright cannot download its own browser here: ``launch_chromium`` uses /usr/bin/chromium
(``bash tests/run.sh`` installs it). Wait on page state with ``expect``, never with sleep.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
START_TIMEOUT_SECONDS = 60.0


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _stop(process: subprocess.Popen) -> None:
    """End the server and everything it started (it runs in its own process group)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


@contextmanager
def running_dashboard(
    db_path: Path | str,
    env: Mapping[str, str] | None = None,
    *,
    script: Path | str = "dashboard.py",
    timeout: float = START_TIMEOUT_SECONDS,
) -> Iterator[str]:
    """Run ``streamlit run <script>`` from the repo root with READINESS_DB=db_path.

    Yields the base URL once ``/_stcore/health`` answers 200; raises with the server's output
    if it does not within ``timeout`` seconds or exits early. ``env`` adds or overrides
    environment variables; ``script`` lets a test serve another file (relative to the root).
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    environment = {**os.environ, "READINESS_DB": str(db_path), **(env or {})}
    # A file, not a pipe: a chatty server must never block on a full pipe buffer.
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + timeout
            while not _healthy(f"{base_url}/_stcore/health"):
                if process.poll() is not None or time.monotonic() > deadline:
                    _stop(process)
                    output.seek(0)
                    state = (
                        f"exited with code {process.returncode}"
                        if process.returncode is not None
                        else f"not healthy after {timeout:.0f} s"
                    )
                    msg = f"streamlit run {script} {state}; its output:\n{output.read()}"
                    raise RuntimeError(msg)
                time.sleep(0.2)  # polling the health endpoint, not waiting on app state
            yield base_url
        finally:
            _stop(process)


def launch_chromium(playwright, **options):
    """Debian's headless chromium through Playwright (whose own browser download is unavailable)."""
    if not CHROMIUM.exists():
        msg = f"{CHROMIUM} is missing; run `bash tests/run.sh` (it installs chromium) as root"
        raise RuntimeError(msg)
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=list(CHROMIUM_ARGS),
        **options,
    )
