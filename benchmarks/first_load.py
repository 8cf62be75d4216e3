"""First and repeat visit on a weak link: bytes transferred and seconds until the login form.

``python -m benchmarks.first_load`` builds the demo (DATA CONTOH) in a scratch folder, starts
the dashboard, and opens it in chromium with Chrome DevTools network emulation (the link
profiles in :data:`LINKS`). ``--url URL`` measures a dashboard that is already running, e.g.
behind the reverse proxy of docs/operations.md. Prints a Markdown table.

Bytes are what crossed the emulated link: every HTTP response's encoded length (headers and
body as sent, so compression counts) plus every WebSocket frame the server sent before the
form appeared. "Kunjungan ulang" opens the link again in a new tab of the same browser
profile, so cached assets are reused.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from readiness import formatting as fmt
from readiness.config import PROJECT_DIR, load_settings
from readiness.store_open import open_store


@dataclass(frozen=True)
class Link:
    label: str
    kilobits_per_second: int
    round_trip_ms: int


LINKS = (
    Link("400 kbit/s, RTT 400 ms", 400, 400),
    Link("1,6 Mbit/s, RTT 150 ms", 1600, 150),
)


@dataclass
class Visit:
    link: str
    kind: str
    seconds: float
    bytes_http: int
    bytes_websocket: int
    requests: int
    outside: int
    largest: list[tuple[int, str]]

    @property
    def megabytes(self) -> float:
        return (self.bytes_http + self.bytes_websocket) / 1_000_000


def _emulate(session, link: Link) -> None:
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": link.round_trip_ms,
            "downloadThroughput": link.kilobits_per_second * 1000 / 8,
            "uploadThroughput": link.kilobits_per_second * 1000 / 8,
        },
    )


def _visit(session, page, url: str, link: Link, kind: str) -> Visit:
    """Load ``url`` and wait for the login form; count what crossed the link."""
    http: dict[str, int] = {}
    frames: list[int] = []
    hosts: list[str] = []
    urls: dict[str, str] = {}

    def finished(event) -> None:
        http[event["requestId"]] = int(event.get("encodedDataLength", 0))

    def frame(event) -> None:
        frames.append(len(event["response"].get("payloadData", "")))

    def sent(event) -> None:
        hosts.append(event["request"]["url"])
        urls[event["requestId"]] = event["request"]["url"]

    session.on("Network.loadingFinished", finished)
    session.on("Network.webSocketFrameReceived", frame)
    session.on("Network.requestWillBeSent", sent)
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.get_by_label("Nama pengguna").wait_for(state="visible", timeout=300_000)
    seconds = time.perf_counter() - start
    page.wait_for_timeout(300)  # let the last responses' loadingFinished events arrive
    session.remove_listener("Network.loadingFinished", finished)
    session.remove_listener("Network.webSocketFrameReceived", frame)
    session.remove_listener("Network.requestWillBeSent", sent)
    local = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost", "data:")
    return Visit(
        link=link.label,
        kind=kind,
        seconds=seconds,
        bytes_http=sum(http.values()),
        bytes_websocket=sum(frames),
        requests=len(hosts),
        outside=sum(not h.startswith(local) for h in hosts),
        largest=sorted(((size, urls.get(rid, "?")) for rid, size in http.items()), reverse=True),
    )


def measure(url: str, links: tuple[Link, ...] = LINKS) -> list[Visit]:
    """First visit (empty browser cache) then a repeat visit, on each link profile."""
    sys.path.insert(0, str(PROJECT_DIR / "tests"))
    from browser import launch_chromium
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    visits = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for link in links:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            session = context.new_cdp_session(page)
            _emulate(session, link)
            visits.append(_visit(session, page, url, link, "pertama"))
            # Late chunks land in the cache too (Streamlit may poll, so idle is not guaranteed).
            with contextlib.suppress(PlaywrightTimeout):
                page.wait_for_load_state("networkidle", timeout=20_000)
            page.wait_for_timeout(1_500)  # chromium commits its HTTP cache entries after the fact
            page.close()
            # The repeat visit: the clerk opens the link again later (a new tab, same browser).
            page = context.new_page()
            session = context.new_cdp_session(page)
            _emulate(session, link)
            visits.append(_visit(session, page, url, link, "ulang"))
            context.close()
        browser.close()
    return visits


@contextlib.contextmanager
def demo_dashboard() -> Iterator[str]:
    """The demo database in a scratch folder, served by ``streamlit run`` on a free port."""
    sys.path.insert(0, str(PROJECT_DIR / "tests"))
    from browser import running_dashboard

    from readiness.db import now_wib
    from readiness.demo import build_demo

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.duckdb"
        build_demo(open_store(db, load_settings()), now_wib().date())
        with running_dashboard(db) as url:
            yield url


# The compression and cache settings of docs/operations.md, on a local port, without TLS.
NGINX_CONF = """worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fcgi; uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    gzip on; gzip_comp_level 6; gzip_min_length 1024; gzip_proxied any; gzip_vary on;
    gzip_types text/css application/javascript text/javascript application/json
               image/svg+xml font/ttf application/wasm;
    server {{
        listen 127.0.0.1:{port};
        location /static/ {{
            proxy_pass {app}; proxy_http_version 1.1;
            proxy_hide_header Cache-Control;
            add_header Cache-Control "public, max-age=31536000, immutable";
        }}
        location / {{
            proxy_pass {app}; proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host; proxy_read_timeout 86400;
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx_proxy(app_url: str) -> Iterator[str | None]:
    """nginx in front of ``app_url`` with the proxy settings above; None if nginx is missing."""
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if binary is None:
        yield None
        return
    from browser import free_port

    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        conf = Path(folder) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=folder, port=port, app=app_url), encoding="utf-8")
        process = subprocess.Popen(
            [binary, "-c", str(conf), "-p", folder, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(1)  # nginx binds its port at once; one second is plenty
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


def _target(visit: Visit) -> tuple[str, str]:
    """The target that applies to this visit and whether it was met ("ya"/"tidak"/"")."""
    if visit.kind == "ulang":
        return "≤ 3 dtk", "ya" if visit.seconds <= 3 else "tidak"
    if visit.link == LINKS[0].label:
        met = visit.megabytes <= 1.2 and visit.seconds <= 25 and visit.outside == 0
        return "≤ 1,2 MB, ≤ 25 dtk", "ya" if met else "tidak"
    return "", ""


INTRO = (
    "Written by `python -m benchmarks.first_load` (chromium at 390×844 with Chrome DevTools "
    "network emulation, `Network.emulateNetworkConditions`; demo database built for the day). "
    "Time = from navigation to the visible login form; bytes = every HTTP response's encoded "
    "length (headers + body as sent) plus the WebSocket frames before the form. "
    "*Pertama* = empty browser cache, *ulang* = the link opened again in a new tab of the "
    "same browser profile (its HTTP cache kept). "
    "Streamlit sends its bundles uncompressed (it leaves compression to the proxy), so the "
    "first visit is only light behind the proxy of docs/operations.md."
)


def table(visits: list[Visit], where: str) -> str:
    lines = [
        f"Pemuatan pertama ({where}); target: kunjungan pertama ≤ 1,2 MB dan formulir masuk "
        "≤ 25 dtk pada 400 kbit/s, kunjungan ulang ≤ 3 dtk.",
        "",
        "| jaringan | kunjungan | formulir masuk (dtk) | MB (HTTP + WebSocket) | permintaan | "
        "ke host luar | target | hasil |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for v in visits:
        target, met = _target(v)
        lines.append(
            f"| {v.link} | {v.kind} | {fmt.decimal(v.seconds)} | {fmt.decimal(v.megabytes, 2)} "
            f"({fmt.decimal(v.bytes_http / 1e6, 2)} + {fmt.decimal(v.bytes_websocket / 1e6, 2)})"
            f" | {v.requests} | {v.outside} | {target} | {met} |"
        )
    first = visits[0]
    lines += [
        "",
        f"Respons terbesar pada kunjungan pertama ({first.link}), kB terkirim:",
        "",
        *(
            f"- {fmt.decimal(size / 1000)} kB `{url.split('/', 3)[-1]}`"
            for size, url in first.largest[:8]
        ),
    ]
    return "\n".join(lines)


SECTION = "## Pemuatan pertama"


def write_section(path: Path, text: str) -> None:
    """Put ``text`` as the first-load section of ``path`` (docs/benchmarks.md), replacing it."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    kept = old.split(SECTION, 1)[0].rstrip()
    path.write_text(f"{kept}\n\n{SECTION}\n\n{text}\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.first_load", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--url", action="append", default=[], help="a running dashboard (repeatable)"
    )
    parser.add_argument("--label", action="append", default=[], help="title of each --url")
    parser.add_argument("--out", default=None, help="write the tables into this Markdown file")
    args = parser.parse_args(argv)
    tables = []
    if args.url:
        labels = args.label + args.url[len(args.label) :]
        for url, label in zip(args.url, labels, strict=True):
            tables.append(table(measure(url), label))
    else:
        with demo_dashboard() as url:
            tables.append(table(measure(url), "streamlit run langsung, tanpa proxy"))
            with nginx_proxy(url) as proxied:
                if proxied:
                    label = "lewat nginx dengan gzip dan cache panjang, docs/operations.md"
                    tables.append(table(measure(proxied), label))
    text = "\n\n".join([INTRO, *tables])
    print(text)
    if args.out:
        write_section(Path(args.out), text)
        print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
