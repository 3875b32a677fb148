"""The deployment (deploy/): nginx's configuration for N replicas, its sticky routing, and the
load client (bench/load.py) through deploy/run.sh against one real replica.

Skipped when nginx is missing, unless GCM_REQUIRE_BROWSER=1 (as in CI), where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.load import RUN_SH, Reader, ReaderError, Stats, bundle_facts, deployment, http_get, run_phase, warm
from bench.proxy import MAIN, NGINX, available
from bench.server import free_port, stop, wait_healthy

REQUIRED = os.environ.get("GCM_REQUIRE_BROWSER") == "1"


@pytest.fixture(autouse=True)
def _nginx() -> None:
    if not available():
        reason = f"nginx not found at {NGINX} (apt-get install nginx)"
        if REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)


def site_conf(n: int | None = None, *, ports: list[int] | None = None, listen: str = "8080") -> str:
    env = {**os.environ, "GCM_LISTEN": listen}
    if ports is not None:
        env["GCM_PORTS"] = " ".join(str(p) for p in ports)
    args = ["bash", str(RUN_SH), "conf"] + ([] if n is None else [str(n)])
    r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=30, check=True)
    return r.stdout


def nginx_prefix(tmp: Path, site: str) -> Path:
    tmp.chmod(0o755)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / sub).mkdir(mode=0o777)
        (tmp / sub).chmod(0o777)
    (tmp / "site.conf").write_text(site)
    conf = tmp / "nginx.conf"
    conf.write_text(MAIN.format(tmp=tmp))
    return conf


@pytest.mark.parametrize("n", [1, 3])
def test_the_config_for_n_replicas_parses(n: int, tmp_path: Path) -> None:
    site = site_conf(n, listen="127.0.0.1:18080")
    servers = re.findall(r"^\s*server 127\.0\.0\.1:(\d+) ", site, flags=re.M)
    assert servers == [str(8601 + i) for i in range(n)]
    assert "listen 127.0.0.1:18080;" in site
    conf = nginx_prefix(tmp_path, site)
    r = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-e", f"{tmp_path}/error.log", "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert r.returncode == 0, r.stderr


def test_run_sh_refuses_a_bad_replica_count() -> None:
    r = subprocess.run(["bash", str(RUN_SH), "conf", "two"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2
    assert "N must be a positive integer" in r.stderr


# ---- sticky routing, against two stand-in upstreams ------------------------------------------------


class _Echo(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = str(self.server.server_address[1]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def two_upstreams() -> Iterator[list[ThreadingHTTPServer]]:
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _Echo) for _ in range(2)]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    try:
        yield servers
    finally:
        for s in servers:
            s.shutdown()
            s.server_close()


@pytest.fixture
def proxy(two_upstreams: list[ThreadingHTTPServer]) -> Iterator[tuple[str, list[ThreadingHTTPServer]]]:
    """nginx with deploy/nginx-replicas.conf in front of the two stand-ins."""
    ports = [s.server_address[1] for s in two_upstreams]
    listen = free_port()
    with tempfile.TemporaryDirectory(prefix="gcm-nginx-test-") as tmp:
        conf = nginx_prefix(Path(tmp), site_conf(ports=ports, listen=f"127.0.0.1:{listen}"))
        proc = subprocess.Popen(
            [NGINX, "-p", tmp, "-e", f"{tmp}/error.log", "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{listen}"
        try:
            wait_healthy(url, proc, 20, what="nginx", detail=lambda: (Path(tmp) / "error.log").read_text())
            yield url, two_upstreams
        finally:
            stop(proc)


def _route(url: str, cookie: str = "") -> tuple[str, str]:
    """(the upstream that answered, the route cookie set, if any)."""
    status, headers, body = http_get(url + "/", cookie)
    assert status == 200
    cookies = [c.split(";", 1)[0] for c in headers.get("set-cookie", []) if c.startswith("gcm_route=")]
    return body.decode(), cookies[0] if cookies else ""


def test_a_reader_keeps_to_one_replica_and_readers_spread(
    proxy: tuple[str, list[ThreadingHTTPServer]],
) -> None:
    url, _ = proxy
    first = [_route(url) for _ in range(40)]
    assert all(re.fullmatch(r"gcm_route=[0-9a-f]{32}", c) for _, c in first)  # every newcomer gets one
    assert len({c for _, c in first}) == 40
    # All from 127.0.0.1, yet spread over both (ip_hash would put them all on one).
    assert len({upstream for upstream, _ in first}) == 2
    for upstream, cookie in first[:10]:
        for _ in range(3):
            assert _route(url, cookie) == (upstream, "")  # same replica, no new cookie


def test_a_forged_route_cookie_is_replaced(proxy: tuple[str, list[ThreadingHTTPServer]]) -> None:
    url, _ = proxy
    _, cookie = _route(url, "gcm_route=../../etc; x=1")
    assert re.fullmatch(r"gcm_route=[0-9a-f]{32}", cookie)


def test_readers_of_a_dead_replica_go_to_the_other(proxy: tuple[str, list[ThreadingHTTPServer]]) -> None:
    url, servers = proxy
    readers = [_route(url) for _ in range(20)]
    dead = servers[0]
    dead.shutdown()
    dead.server_close()
    live = str(servers[1].server_address[1])
    for _, cookie in readers:
        assert _route(url, cookie)[0] == live
    assert all(_route(url)[0] == live for _ in range(5))


# ---- the load client through deploy/run.sh, one real replica ---------------------------------------


async def _expects_anothers_view(url: str, days: list[str], actors: list[str]) -> str:
    stats = Stats(t0=time.monotonic())
    mine, other = (Reader(rid, url, days, actors, random.Random(rid), stats) for rid in (1, 2))
    try:
        await mine.open()
        mine.initial = other.initial
        await mine.act()
    except ReaderError as e:
        return e.kind
    finally:
        await mine.close()
    return "no error"


def test_load_client_smoke_through_the_proxy(tmp_path: Path) -> None:
    """Two protocol readers for a few seconds through nginx to one Streamlit replica: every change
    comes back as the reader's own view, blips resume the same session, nothing errs."""
    days, actors = bundle_facts()
    with deployment(1, logs=tmp_path / "logs") as dep:
        asyncio.run(warm(dep, days, actors))
        stats, browsers = asyncio.run(
            run_phase(dep, sessions=2, seconds=6, browsers=0, seed=3, samples=[], blip_chance=0.3)
        )
        pid = dep.pid(dep.ports[0])
        # The check itself: a reader that expects another reader's view must report a leak.
        assert asyncio.run(_expects_anothers_view(dep.url, days, actors)) == "leak"
    assert stats.errors == []
    assert stats.leaks == 0
    assert stats.readers >= 2
    assert len(stats.actions["date"]) + len(stats.actions["layer"]) >= 4
    assert stats.blips["resumed"] >= 1 and stats.blips["new_session"] == 0
    assert browsers["visits"] == 0
    assert pid is not None and not Path(f"/proc/{pid}").exists()  # run.sh stop ended it
