"""Many readers through the proxy: ``python -m bench.load`` (results: docs/DEPLOY.md).

Starts N Streamlit replicas behind nginx with ``deploy/run.sh`` (the deployment itself), then:

1. **Load**: keeps ``--sessions`` readers open through the proxy for ``--seconds``. Each reader
   speaks Streamlit's own websocket protocol (protobuf ``BackMsg``/``ForwardMsg`` on
   ``/_stcore/stream``), as the browser does: it loads the page (``GET /``, which sets the route
   cookie), opens its session, then changes dates and toggles layers with a think time between,
   each change a rerun carrying the map component's state. A reader leaves after a few changes
   and a new one takes its place, so sessions open and close all the time. Now and then a
   reader's connection blips: it reconnects with its session id, and must get the same session
   back (only the replica that holds it can resume it: the sticky-session check). ``--browsers``
   real Chromium readers meanwhile time what a reader sees: a cold load, and a date change until
   the address bar holds it.
2. **Memory**: every replica's resident memory (VmRSS) is sampled each second, before, during,
   and after the readers have gone (past Streamlit's 120 s ``server.disconnectedSessionTTL``).
   The level it is compared with is taken after a warm-up rush identical to the load (the same
   readers and browsers for as long; ``--warmup-seconds``): a replica's first rush leaves
   Python's small-object allocator a few MB larger for good, as much as that rush's peak needed
   (docs/DEPLOY.md), and a repeated rush does not add to it.
3. **Failover**: the readers come back for ``--kill-seconds``, and one replica is killed
   (SIGKILL) a third of the way in: what its readers saw, and where new readers went.

Every run is checked: each change must come back as this reader's own view, both in the
address Python writes (``page_info_changed``) and in the view the component was seeded with
(each reader starts with a map view no other has, so another reader's view cannot pass).
Every wait is bounded; every process started is stopped, also on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import math
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from bench.server import ROOT, ServerError, free_port

RUN_SH = ROOT / "deploy" / "run.sh"
RESULTS = ROOT / "docs" / "bench" / "load.json"
DOC = ROOT / "docs" / "DEPLOY.md"
LOGS = ROOT / "artifacts" / "bench" / "load"
SESSION_TTL_S = 120  # Streamlit's server.disconnectedSessionTTL (its default; deploy/run.sh keeps it)
TIDY_WAIT_S = 35  # one pass of the app's memory janitor (every 30 s: collection, malloc_trim)
RUN_TIMEOUT_S = 20.0  # one script run: from the rerun request to script_finished
CONNECT_TIMEOUT_S = 10.0
RECONNECT_FOR_S = 30.0  # a reader whose connection drops tries again for this long
THINK_S = (0.5, 1.5)  # a reader's pause between two changes
CHANGES_PER_READER = (8, 20)  # then the reader leaves and a new one comes
BLIP_CHANCE = 0.04  # per change: the connection drops and the reader reconnects
BLIP_PAUSE_S = 0.5  # after a blip, the reader reconnects this much later
OVERLAYS = ("presence", "demands")


def percentiles(values: list[float]) -> dict[str, float] | None:
    """n, p50, p90, p95, p99 and max of ``values`` (nearest rank), in the values' unit."""
    if not values:
        return None
    xs = sorted(values)

    def rank(p: float) -> float:
        return round(xs[min(len(xs) - 1, max(0, math.ceil(p * len(xs)) - 1))], 1)

    return {
        "n": len(xs),
        "p50": rank(0.50),
        "p90": rank(0.90),
        "p95": rank(0.95),
        "p99": rank(0.99),
        "max": round(xs[-1], 1),
    }


# ---- the deployment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Deployment:
    """Replicas and nginx started by deploy/run.sh in ``run_dir``."""

    url: str
    ports: tuple[int, ...]
    run_dir: Path
    env: dict[str, str]

    def pid(self, port: int) -> int | None:
        try:
            return int((self.run_dir / f"replica-{port}.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def rss_mb(self, port: int) -> float | None:
        """The replica's resident memory now (VmRSS), or None if it is not running."""
        pid = self.pid(port)
        return None if pid is None else _rss_mb(pid)

    def cpu_s(self, port: int) -> float | None:
        """CPU time the replica has used so far (user + system), in seconds."""
        pid = self.pid(port)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def nginx_rss_mb(self) -> float | None:
        try:
            pid = int((self.run_dir / "nginx" / "nginx.pid").read_text().strip())
        except (OSError, ValueError):
            return None
        return _rss_mb(pid)

    def nginx_errors(self) -> list[str]:
        """nginx's error log so far: its upstream errors (a replica that failed a request)."""
        try:
            text = (self.run_dir / "nginx" / "error.log").read_text(errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if "[error]" in line]

    def kill(self, port: int) -> None:
        """SIGKILL the replica on ``port`` (its process group: Streamlit and anything it started)."""
        pid = self.pid(port)
        if pid is None:
            raise ServerError(f"no replica on port {port}")
        os.killpg(pid, signal.SIGKILL)


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _free_ports(n: int) -> list[int]:
    ports: list[int] = []
    for _ in range(100 * n):
        p = free_port()
        if p not in ports:
            ports.append(p)
        if len(ports) == n:
            return ports
    raise ServerError(f"could not find {n} free ports")


def nginx_available() -> bool:
    from bench.proxy import available

    return available()


@contextlib.contextmanager
def deployment(
    replicas: int, *, logs: Path, timeout_s: float | None = None, post_script_gc: bool = False
) -> Iterator[Deployment]:
    """``deploy/run.sh start`` with ``replicas`` replicas on free loopback ports, in a temporary
    run directory; ``deploy/run.sh stop`` (and SIGKILL for anything left) when the block ends.
    The replicas' and nginx's logs are copied to ``logs``."""
    if not nginx_available():
        raise ServerError("nginx is not installed (Debian: apt-get install nginx)")
    ports = _free_ports(replicas + 1)
    with tempfile.TemporaryDirectory(prefix="gcm-deploy-") as tmp:
        env = {
            **os.environ,
            "GCM_PORTS": " ".join(str(p) for p in ports[:-1]),
            "GCM_LISTEN": f"127.0.0.1:{ports[-1]}",
            "GCM_RUN_DIR": tmp,
            "PYTHON": sys.executable,
            "GCM_POST_SCRIPT_GC": "true" if post_script_gc else "false",
        }
        dep = Deployment(f"http://127.0.0.1:{ports[-1]}", tuple(ports[:-1]), Path(tmp), env)
        try:
            try:
                r = subprocess.run(
                    ["bash", str(RUN_SH), "start"],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=timeout_s or 60 + 45 * replicas,
                )
            except subprocess.TimeoutExpired as e:
                raise ServerError(f"deploy/run.sh start did not finish within {e.timeout:.0f} s") from e
            if r.returncode != 0:
                raise ServerError(f"deploy/run.sh start failed: {(r.stderr or r.stdout)[-2000:]}")
            yield dep
        finally:
            _stop(dep, logs)


def _stop(dep: Deployment, logs: Path) -> None:
    logs.mkdir(parents=True, exist_ok=True)
    for f in [*dep.run_dir.glob("replica-*.log"), dep.run_dir / "nginx" / "error.log"]:
        with contextlib.suppress(OSError):
            (logs / f.name).write_bytes(f.read_bytes()[-200_000:])
    with contextlib.suppress(subprocess.TimeoutExpired):
        subprocess.run(["bash", str(RUN_SH), "stop"], env=dep.env, capture_output=True, timeout=90)
    for f in dep.run_dir.glob("**/*.pid"):  # whatever run.sh could not stop
        with contextlib.suppress(OSError, ValueError):
            os.killpg(int(f.read_text().strip()), signal.SIGKILL)


# ---- one reader, in Streamlit's protocol --------------------------------------------------------


def http_get(
    url: str, cookie: str = "", *, gzip: bool = False, timeout: float = 10
) -> tuple[int, dict[str, list[str]], bytes]:
    """GET ``url`` (http://127.0.0.1:PORT/...): status, headers (lower-case names), body."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout)
    try:
        headers = {"Accept-Encoding": "gzip" if gzip else "identity"}
        if cookie:
            headers["Cookie"] = cookie
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        out: dict[str, list[str]] = {}
        for k, v in resp.getheaders():
            out.setdefault(k.lower(), []).append(v)
        return resp.status, out, body
    finally:
        conn.close()


def view_params(state: dict[str, Any]) -> dict[str, str]:
    """The query parameters the app writes for a reported map state (the app's own URL form)."""
    from geo.urlstate import View

    v = state.get("view")
    return View(
        date=date.fromisoformat(state["date"]),
        overlays=tuple(state["overlays"]),
        actors=None if state.get("actors") is None else tuple(state["actors"]),
        center=None if v is None else (float(v[0]), float(v[1])),
        zoom=None if v is None else float(v[2]),
    ).to_params()


def seeded_view(params: dict[str, str], actors: list[str]) -> dict[str, Any]:
    """The view the app seeds a new session with from its address (``View.to_json``)."""
    from geo.urlstate import parse

    view, _ = parse(params, default_date=date(2000, 1, 1), actors=actors)
    return view.to_json()


class ReaderError(Exception):
    """Something a reader saw that it should not have: ``kind`` sorts it in the report."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class Run:
    """What one script run sent back."""

    session_id: str = ""
    page_hash: str = ""
    status: int | None = None
    queries: list[str] = field(default_factory=list)
    component: dict[str, Any] | None = None
    widget_id: str = ""
    exception: str = ""


@dataclass
class Stats:
    """Everything the readers of one phase measured and saw."""

    t0: float
    actions: dict[str, list[float]] = field(default_factory=lambda: {"date": [], "layer": []})
    opens: list[float] = field(default_factory=list)
    page_file: list[float] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    leaks: int = 0
    readers: int = 0
    by_replica: Counter[str] = field(default_factory=Counter)
    blips: Counter[str] = field(default_factory=Counter)
    drops: list[dict[str, Any]] = field(default_factory=list)
    killed: str | None = None
    kill_t: float | None = None
    opened_after_kill: Counter[str] = field(default_factory=Counter)

    def now(self) -> float:
        return round(time.monotonic() - self.t0, 2)

    def error(self, reader: int, kind: str, message: str) -> None:
        self.errors.append({"t": self.now(), "reader": reader, "kind": kind, "message": message[:300]})


class Reader:
    """One reader: its page load, its Streamlit session, and its view of the map."""

    def __init__(
        self, rid: int, base: str, days: list[str], actors: list[str], rng: random.Random, stats: Stats
    ) -> None:
        self.rid, self.base, self.days, self.actors, self.rng, self.stats = (
            rid,
            base,
            days,
            actors,
            rng,
            stats,
        )
        day = rng.choice(days)
        # A map view no other reader has: anything of another reader's would show.
        view = [round(31.3 + (rid % 9000) * 0.0001, 4), 34.4, 11]
        self.state: dict[str, Any] = {"date": day, "overlays": list(OVERLAYS), "actors": None, "view": view}
        self.query = urlencode(view_params(self.state))  # the address bar
        self.initial = seeded_view(dict(parse_qsl(self.query)), actors)
        self.cookie = ""
        self.replica = ""
        self.session_id = ""
        self.page_hash = ""
        self.widget_id = ""
        self.ws: Any = None
        self.doing = "opening"  # for the error messages

    # -- the wire --

    async def _connect(self, *, resume: bool) -> None:
        from websockets.asyncio.client import connect
        from websockets.typing import Origin, Subprotocol

        host = self.base.split("://", 1)[1]
        # As the browser: "streamlit", then the XSRF token, then the session to resume.
        xsrf = dict(c.split("=", 1) for c in self.cookie.split("; ") if "=" in c).get("_streamlit_xsrf", "")
        protocols = ["streamlit", xsrf or "none"] + ([self.session_id] if resume and self.session_id else [])
        self.ws = await connect(
            f"ws://{host}/_stcore/stream",
            origin=Origin(self.base),
            subprotocols=[Subprotocol(p) for p in protocols],
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
            open_timeout=CONNECT_TIMEOUT_S,
            max_size=64 * 2**20,
            proxy=None,
        )

    async def _rerun(self, *, with_state: bool) -> Run:
        """Ask for a rerun as the browser does (the address, and the component's state), and
        collect that run's messages up to its ``script_finished``."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        if self.page_hash:
            cs.page_script_hash = self.page_hash
        if with_state and self.widget_id:
            w = cs.widget_states.widgets.add()
            w.id = self.widget_id
            w.json_value = json.dumps({"state": self.state})
        cs.context_info.timezone = "UTC"
        cs.context_info.locale = "en-US"
        cs.context_info.url = self.base + "/"
        await self.ws.send(msg.SerializeToString())
        deadline = time.monotonic() + RUN_TIMEOUT_S
        run, run_id = Run(), None
        seen: list[str] = []
        while True:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise TimeoutError
                data = await asyncio.wait_for(self.ws.recv(), left)
            except TimeoutError as e:
                raise ReaderError(
                    "timeout",
                    f"no script_finished within {RUN_TIMEOUT_S:.0f} s on {self.replica} "
                    f"({self.doing}, session {self.session_id[:8] or 'new'}); "
                    f"received: {', '.join(seen[-12:]) or 'nothing'}",
                ) from e
            fm = ForwardMsg.FromString(data)
            kind = fm.WhichOneof("type")
            seen.append(f"{kind}:{fm.script_finished}" if kind == "script_finished" else str(kind))
            if kind == "new_session":
                run_id = fm.metadata.run.script_run_id
                run.session_id = fm.new_session.initialize.session_id
                run.page_hash = fm.new_session.page_script_hash
            elif run_id is None:
                continue  # the tail of an earlier run
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                what = el.WhichOneof("type")
                # The map's element (the app's only component).
                if what == "bidi_component" and el.bidi_component.component_name.endswith("gcm_map"):
                    run.widget_id = el.bidi_component.id
                    run.component = json.loads(el.bidi_component.json or "{}")
                elif what == "exception":
                    run.exception = f"{el.exception.type}: {el.exception.message}"
            elif kind == "page_info_changed":
                run.queries.append(fm.page_info_changed.query_string)
            elif kind == "script_finished" and fm.metadata.run.script_run_id in ("", run_id):
                run.status = fm.script_finished
                return run

    def _check(self, run: Run, *, sent_query: str, initial: dict[str, Any]) -> None:
        """The run finished, and everything it sent back is this reader's own view."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if run.exception:
            raise ReaderError("script", run.exception)
        if run.status != ForwardMsg.FINISHED_SUCCESSFULLY:
            raise ReaderError("script", f"script_finished {run.status}")
        if self.session_id and run.session_id != self.session_id:
            raise ReaderError("session", f"session {self.session_id[:8]} became {run.session_id[:8]}")
        want = view_params(self.state)
        for q in run.queries:
            if dict(parse_qsl(q)) != want:
                self.stats.leaks += 1
                raise ReaderError("leak", f"the address came back as {q!r}, expected {urlencode(want)!r}")
        if dict(parse_qsl(sent_query)) != want and not run.queries:
            raise ReaderError("url", f"the address was not written (expected {urlencode(want)!r})")
        seeded = None if run.component is None else run.component.get("initial")
        got = None if not isinstance(seeded, dict) else {k: seeded.get(k) for k in initial}
        if got != initial:
            self.stats.leaks += 1
            raise ReaderError("leak", f"the map was seeded with {got}, expected {initial}")
        if run.queries:
            self.query = run.queries[-1]

    # -- what a reader does --

    async def open(self) -> None:
        """Load the page through the proxy (the route cookie), open the session, run the app."""
        t0 = time.perf_counter()
        status, headers, _ = await asyncio.to_thread(http_get, f"{self.base}/?{self.query}")
        if status != 200:
            raise ReaderError("http", f"GET / answered {status}")
        self.cookie = "; ".join(c.split(";", 1)[0] for c in headers.get("set-cookie", []))
        self.replica = (headers.get("x-upstream") or ["?"])[-1]
        await self._connect(resume=False)
        sent = self.query
        run = await self._rerun(with_state=False)
        self._check(run, sent_query=sent, initial=self.initial)
        self.session_id, self.page_hash, self.widget_id = run.session_id, run.page_hash, run.widget_id
        self.stats.opens.append((time.perf_counter() - t0) * 1000)
        self.stats.readers += 1
        self.stats.by_replica[self.replica] += 1
        if self.stats.kill_t is not None:
            self.stats.opened_after_kill[self.replica] += 1
        # The page file the component fetches (the same for every reader), compressed by nginx.
        url = (run.component or {}).get("url")
        if isinstance(url, str):
            t1 = time.perf_counter()
            status, _, body = await asyncio.to_thread(http_get, f"{self.base}/{url}", self.cookie, gzip=True)
            if status != 200 or not body:
                raise ReaderError("http", f"GET {url} answered {status}")
            self.stats.page_file.append((time.perf_counter() - t1) * 1000)

    def _change(self) -> str:
        """A date change (most often) or a layer toggle, as the page reports it."""
        if self.rng.random() < 0.6:
            later = [d for d in self.days if d > self.state["date"]]
            self.state["date"] = (
                later[0]
                if later and self.rng.random() < 0.7
                else self.rng.choice([d for d in self.days if d != self.state["date"]])
            )
            return "date"
        if self.rng.random() < 0.5:
            name = self.rng.choice(OVERLAYS)
            on = set(self.state["overlays"]) ^ {name}
            self.state["overlays"] = [o for o in OVERLAYS if o in on]
        else:
            shown = list(self.actors if self.state["actors"] is None else self.state["actors"])
            name = self.rng.choice(self.actors)
            shown = [a for a in shown if a != name] if name in shown else [*shown, name]
            self.state["actors"] = None if sorted(shown) == sorted(self.actors) else shown
        return "layer"

    async def act(self) -> None:
        kind = self._change()
        self.doing = f"a {kind} change"
        t0 = time.perf_counter()
        sent = self.query
        run = await self._rerun(with_state=True)
        self._check(run, sent_query=sent, initial=self.initial)
        self.stats.actions[kind].append((time.perf_counter() - t0) * 1000)

    async def blip(self) -> None:
        """The connection drops and comes back: the session must be resumed, state and all."""
        self.doing = "a blip"
        self.stats.blips["attempted"] += 1
        await self.ws.close()
        await asyncio.sleep(BLIP_PAUSE_S)
        await self._connect(resume=True)
        sent = self.query
        try:
            run = await self._rerun(with_state=True)
        except ReaderError:
            self.stats.blips["no_reply"] += 1
            raise
        if run.session_id != self.session_id:
            if self.stats.kill_t is not None and self.replica == self.stats.killed:
                # Its replica was killed meanwhile: that is a failover, not a routing fault.
                self.stats.blips["replica_gone"] += 1
                drop: dict[str, Any] = {"t": self.stats.now(), "reader": self.rid, "replica": self.replica}
                self.stats.drops.append(drop)
                await self._adopt(run, sent, drop, t_drop=time.monotonic())
                return
            self.stats.blips["new_session"] += 1
            raise ReaderError("sticky", "reconnected to a new session: the proxy sent it to another replica")
        self._check(run, sent_query=sent, initial=self.initial)
        self.stats.blips["resumed"] += 1

    async def _adopt(self, run: Run, sent: str, drop: dict[str, Any], *, t_drop: float) -> None:
        """After a reconnection: check the run, take its session, note where the reader is now."""
        resumed = run.session_id == self.session_id
        # A new session is seeded from the address; a resumed one keeps its seed.
        initial = self.initial if resumed else seeded_view(dict(parse_qsl(sent)), self.actors)
        self.session_id = run.session_id  # resumed, or a new one on the replica it reached
        self._check(run, sent_query=sent, initial=initial)
        self.initial = initial
        drop["recovered_ms"] = round((time.monotonic() - t_drop) * 1000)
        drop["resumed"] = resumed
        _, headers, _ = await asyncio.to_thread(http_get, f"{self.base}/_stcore/health", self.cookie)
        self.replica = drop["now_on"] = (headers.get("x-upstream") or ["?"])[-1]

    async def recover(self, reason: str) -> None:
        """The connection was lost: reconnect as Streamlit's frontend does (same cookie, same
        session id, then a rerun with the address and the component's state), for a bounded time."""
        t_drop = time.monotonic()
        self.doing = "recovering"
        drop: dict[str, Any] = {
            "t": self.stats.now(),
            "reader": self.rid,
            "replica": self.replica,
            "reason": reason[:120],
        }
        self.stats.drops.append(drop)
        with contextlib.suppress(Exception):
            await self.ws.close()
        last = ""
        while time.monotonic() - t_drop < RECONNECT_FOR_S:
            try:
                await self._connect(resume=True)
                sent = self.query
                run = await self._rerun(with_state=True)
            except (OSError, TimeoutError, ReaderError) as e:
                last = repr(e)
                await asyncio.sleep(0.5)
                continue
            except Exception as e:  # noqa: BLE001 - websockets' handshake and close errors
                last = repr(e)
                await asyncio.sleep(0.5)
                continue
            await self._adopt(run, sent, drop, t_drop=t_drop)
            return
        raise ReaderError("reconnect", f"could not reconnect within {RECONNECT_FOR_S:.0f} s: {last[:200]}")

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)


async def reader_slot(
    slot: int,
    base: str,
    days: list[str],
    actors: list[str],
    stats: Stats,
    until: float,
    seed: int,
    blip_chance: float = BLIP_CHANCE,
) -> None:
    """Keep one reader on the map until ``until``: when one leaves, the next comes."""
    from websockets.exceptions import ConnectionClosed

    rng = random.Random(seed)
    n = 0
    while time.monotonic() < until:
        rid = slot * 1000 + n
        n += 1
        reader = Reader(rid, base, days, actors, rng, stats)
        try:
            await reader.open()
            for _ in range(rng.randint(*CHANGES_PER_READER)):
                await asyncio.sleep(rng.uniform(*THINK_S))
                if time.monotonic() >= until:
                    break
                for attempt in range(2):
                    try:
                        await (reader.blip() if rng.random() < blip_chance else reader.act())
                        break
                    except (ConnectionClosed, OSError) as e:
                        if attempt:
                            raise
                        await reader.recover(repr(e))  # its rerun carries the change; then the next
        except ReaderError as e:
            stats.error(rid, e.kind, str(e))
        except (ConnectionClosed, OSError) as e:
            stats.error(rid, "connection", repr(e))
        except Exception as e:  # noqa: BLE001 - anything else a reader meets is reported, not raised
            stats.error(rid, "unexpected", repr(e))
        finally:
            await reader.close()


# ---- real browsers ---------------------------------------------------------------------------------

URL_WATCH = """(want) => { window.__gcmUrl = new Promise((resolve) => {
  const t0 = performance.now();
  const tick = () => {
    if (location.search.includes(want)) resolve(performance.now() - t0);
    else if (performance.now() - t0 > 15000) resolve(-1);
    else setTimeout(tick, 4);
  };
  tick();
}); return true; }"""


def browser_reader(base: str, days: list[str], stop: threading.Event, out: dict[str, Any], seed: int) -> None:
    """Cold loads through the proxy in fresh contexts, each followed by three date changes, timed
    in the page: to the map drawn, and until the address bar holds the new date (the rerun)."""
    from bench.browser import CHANGE_AND_FOLLOW, MARKS, Browser, map_frame

    rng = random.Random(seed)
    browser = Browser()
    try:
        while not stop.is_set():
            day = rng.choice(days[:-3])
            context, page, _ = browser.page()
            try:
                resp = page.goto(f"{base}/?date={day}", wait_until="commit")
                replica = resp.headers.get("x-upstream", "?") if resp is not None else "?"
                frame = map_frame(page)
                top, inner = page.evaluate(MARKS), frame.evaluate(MARKS)
                out["cold_load_ms"].append(inner["painted"]["ready"] - top["origin"])
                out["replicas"][replica] += 1
                current = day
                for _ in range(3):
                    if stop.is_set():
                        break
                    page.wait_for_timeout(rng.uniform(500, 1500))
                    nxt = next(d for d in days if d > current)
                    page.evaluate(URL_WATCH, f"date={nxt}")
                    r = frame.evaluate(CHANGE_AND_FOLLOW, ["script", nxt])
                    url_ms = page.evaluate("() => window.__gcmUrl")
                    if r["date"] != nxt:
                        raise RuntimeError(f"the map shows {r['date']}, not {nxt}")
                    if url_ms < 0:
                        raise RuntimeError(f"the address did not reach date={nxt} within 15 s")
                    out["map_ms"].append(r["map"])
                    out["url_ms"].append(url_ms)
                    current = nxt
                out["visits"] += 1
            except Exception as e:  # noqa: BLE001 - reported with the figures
                out["errors"].append(repr(e)[:300])
            finally:
                context.close()
    finally:
        browser.close()


# ---- a phase: readers, browsers, memory ---------------------------------------------------------


def bundle_facts() -> tuple[list[str], list[str]]:
    import geo

    bundle = geo.load_bundle()
    return [d.isoformat() for d in bundle.timeline.change_dates], list(bundle.actors)


async def _sample_memory(
    dep: Deployment, stats: Stats, samples: list[dict[str, Any]], stop: asyncio.Event
) -> None:
    while not stop.is_set():
        samples.append(
            {
                "t": stats.now(),
                **{str(p): dep.rss_mb(p) for p in dep.ports},
                **{f"cpu{p}": dep.cpu_s(p) for p in dep.ports},
                "nginx": dep.nginx_rss_mb(),
                "load1": float(Path("/proc/loadavg").read_text().split()[0]),
            }
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def run_phase(
    dep: Deployment,
    *,
    sessions: int,
    seconds: float,
    browsers: int,
    seed: int,
    samples: list[dict[str, Any]],
    kill_at: float | None = None,
    settle: float = 0,
    blip_chance: float = BLIP_CHANCE,
) -> tuple[Stats, dict[str, Any]]:
    """``sessions`` readers (ramped up over a few seconds) and ``browsers`` browser readers for
    ``seconds``; optionally kill the first replica ``kill_at`` seconds in; then ``settle``
    seconds of memory samples with nobody connected."""
    days, actors = await asyncio.to_thread(bundle_facts)
    stats = Stats(t0=time.monotonic())
    stop_sampling = asyncio.Event()
    sampler = asyncio.create_task(_sample_memory(dep, stats, samples, stop_sampling))
    bstats: dict[str, Any] = {
        "cold_load_ms": [],
        "map_ms": [],
        "url_ms": [],
        "visits": 0,
        "errors": [],
        "replicas": Counter(),
    }
    stop_browsers = threading.Event()
    threads = [
        threading.Thread(
            target=browser_reader, args=(dep.url, days, stop_browsers, bstats, seed + 7919 * i), daemon=True
        )
        for i in range(browsers)
    ]
    try:
        for t in threads:
            t.start()
        until = time.monotonic() + seconds
        ramp = min(10.0, seconds / 6)
        tasks = []
        for i in range(sessions):
            tasks.append(
                asyncio.create_task(
                    reader_slot(i, dep.url, days, actors, stats, until, seed * 100_003 + i, blip_chance)
                )
            )
            await asyncio.sleep(ramp / sessions)
        if kill_at is not None:
            await asyncio.sleep(max(0.0, stats.t0 + kill_at - time.monotonic()))
            port = dep.ports[0]
            stats.killed = f"127.0.0.1:{port}"
            dep.kill(port)
            stats.kill_t = stats.now()
            print(f"  killed the replica on :{port} at {stats.kill_t:.0f} s", file=sys.stderr)
        # Bounded: every reader stops at `until`, plus one script run and a reconnection.
        _done, pending = await asyncio.wait(tasks, timeout=seconds + RUN_TIMEOUT_S + RECONNECT_FOR_S + 30)
        for task in pending:
            task.cancel()
            stats.error(-1, "hung", "a reader did not finish in time")
    finally:
        stop_browsers.set()
        for t in threads:
            await asyncio.to_thread(t.join, 60)
    if settle:
        await asyncio.sleep(settle)
    stop_sampling.set()
    await sampler
    bstats["hung_threads"] = sum(t.is_alive() for t in threads)
    return stats, bstats


async def warm(dep: Deployment, days: list[str], actors: list[str]) -> None:
    """One session on each replica directly (not through nginx): the app's first run loads the
    bundle and writes the page file, which every later reader shares."""
    for port in dep.ports:
        stats = Stats(t0=time.monotonic())
        r = Reader(0, f"http://127.0.0.1:{port}", days, actors, random.Random(port), stats)
        try:
            await r.open()
            await r.act()
        finally:
            await r.close()
        if stats.errors:
            raise ServerError(f"warm-up on :{port} failed: {stats.errors}")


def _mem_at(
    samples: list[dict[str, Any]], key: str, t_from: float, t_to: float, how: Callable[[list[float]], float]
) -> float | None:
    xs = [s[key] for s in samples if t_from <= s["t"] <= t_to and s.get(key) is not None]
    return round(how(xs), 1) if xs else None


def _cores(samples: list[dict[str, Any]], key: str, t_from: float, t_to: float) -> float | None:
    """CPU cores the process used on average between two times (from its CPU-time samples)."""
    xs = [(s["t"], s[key]) for s in samples if t_from <= s["t"] <= t_to and s.get(key) is not None]
    if len(xs) < 2 or xs[-1][0] <= xs[0][0]:
        return None
    return round(float(xs[-1][1] - xs[0][1]) / float(xs[-1][0] - xs[0][0]), 2)


def _summary(stats: Stats, bstats: dict[str, Any], seconds: float) -> dict[str, Any]:
    all_actions = stats.actions["date"] + stats.actions["layer"]
    kinds = Counter(e["kind"] for e in stats.errors)
    return {
        "readers_opened": stats.readers,
        "readers_by_replica": dict(stats.by_replica),
        "changes": len(all_actions),
        "changes_per_s": round(len(all_actions) / seconds, 1),
        "change_ms": percentiles(all_actions),
        "date_change_ms": percentiles(stats.actions["date"]),
        "layer_toggle_ms": percentiles(stats.actions["layer"]),
        "open_ms": percentiles(stats.opens),
        "page_file_ms": percentiles(stats.page_file),
        "errors": len(stats.errors),
        "errors_by_kind": dict(kinds),
        "error_samples": stats.errors[:20],
        "leaks": stats.leaks,
        "blips": {"attempted": 0, "resumed": 0, **stats.blips},
        "drops": len(stats.drops),
        "browsers": {
            "visits": bstats["visits"],
            "cold_load_ms": percentiles(bstats["cold_load_ms"]),
            "map_ms": percentiles(bstats["map_ms"]),
            "url_ms": percentiles(bstats["url_ms"]),
            "by_replica": dict(bstats["replicas"]),
            "errors": len(bstats["errors"]),
            "error_samples": bstats["errors"][:10],
            "hung_threads": bstats.get("hung_threads", 0),
        },
    }


def run_load(
    *,
    replicas: int,
    sessions: int,
    seconds: float,
    browsers: int,
    settle: float,
    kill_seconds: float,
    seed: int = 1,
    logs: Path = LOGS,
    post_script_gc: bool = False,
    blip_chance: float = BLIP_CHANCE,
    warmup_seconds: float | None = None,
) -> dict[str, Any]:
    """The whole run (see the module's docstring); returns the results as a dict. The warm-up
    rush lasts ``warmup_seconds`` (default: as long as the load; 0 skips it)."""
    if warmup_seconds is None:
        warmup_seconds = seconds
    out: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load1_before": float(Path("/proc/loadavg").read_text().split()[0]),
            "date": date.today().isoformat(),
        },
        "config": {
            "replicas": replicas,
            "sessions": sessions,
            "seconds": seconds,
            "browsers": browsers,
            "settle_s": settle,
            "kill_seconds": kill_seconds,
            "think_s": list(THINK_S),
            "changes_per_reader": list(CHANGES_PER_READER),
            "blip_chance": blip_chance,
            "post_script_gc": post_script_gc,
            "warmup_s": warmup_seconds,
        },
    }
    with contextlib.suppress(Exception):
        import streamlit

        out["machine"]["streamlit"] = streamlit.__version__
    days, actors = bundle_facts()
    with deployment(replicas, logs=logs, post_script_gc=post_script_gc) as dep:
        print(f"  {replicas} replicas {dep.ports} behind {dep.url}", file=sys.stderr)
        started = {str(p): dep.rss_mb(p) for p in dep.ports}
        asyncio.run(warm(dep, days, actors))
        time.sleep(TIDY_WAIT_S)
        one_reader = {str(p): dep.rss_mb(p) for p in dep.ports}
        warmup: dict[str, Any] = {}
        if warmup_seconds > 0:
            # The first rush a replica sees leaves its small-object allocator (pymalloc) holding a
            # few MB more for good: arenas pinned by a few hundred objects that outlived the rush,
            # as many as that rush's peak needed (sessions are held until the TTL, so the peak
            # grows with the rush's length). A repeated rush reuses that room. So the level to
            # come back to is the one after a rush like the load.
            print(
                f"  warm-up rush: {sessions} readers, {browsers} browsers, {warmup_seconds:.0f} s, "
                "then past the session TTL ...",
                file=sys.stderr,
            )
            wstats, _ = asyncio.run(
                run_phase(
                    dep,
                    sessions=sessions,
                    seconds=warmup_seconds,
                    browsers=browsers,
                    seed=seed + 2,
                    samples=[],
                    settle=SESSION_TTL_S + 5,
                    blip_chance=blip_chance,
                )
            )
            warmup = {
                "changes": len(wstats.actions["date"]) + len(wstats.actions["layer"]),
                "errors": len(wstats.errors),
                "leaks": wstats.leaks,
            }
            asyncio.run(warm(dep, days, actors))  # reaps the warm-up's expired sessions (see below)
            time.sleep(TIDY_WAIT_S)
        baseline = {str(p): dep.rss_mb(p) for p in dep.ports}
        samples: list[dict[str, Any]] = []
        print(f"  load: {sessions} readers, {browsers} browsers, {seconds:.0f} s ...", file=sys.stderr)
        stats, bstats = asyncio.run(
            run_phase(
                dep,
                sessions=sessions,
                seconds=seconds,
                browsers=browsers,
                seed=seed,
                samples=samples,
                settle=settle,
                blip_chance=blip_chance,
            )
        )
        # Expired sessions leave Streamlit's session store only when it is next written to (its
        # TTL cache reaps on writes): one reader on each replica, opened and closed, does that.
        # Then one pass of the janitor, as before the baseline.
        asyncio.run(warm(dep, days, actors))
        time.sleep(TIDY_WAIT_S)
        after_probe = {str(p): dep.rss_mb(p) for p in dep.ports}
        load = _summary(stats, bstats, seconds)
        errors_before = dep.nginx_errors()
        load["nginx_upstream_errors"] = len(errors_before)
        load["nginx_error_samples"] = [e[:300] for e in errors_before[:5]]
        memory: dict[str, Any] = {}
        end = seconds + 15
        for p in dep.ports:
            k = str(p)
            memory[k] = {
                "started_mb": started[k],
                "one_reader_mb": one_reader[k],
                "baseline_mb": baseline[k],
                "peak_mb": _mem_at(samples, k, 0, end, max),
                "end_of_load_mb": _mem_at(samples, k, seconds - 5, seconds, statistics.median),
                "cpu_cores_under_load": _cores(samples, f"cpu{p}", 0, seconds),
                "after_probe_mb": after_probe[k],
                "after_mb": _mem_at(samples, k, samples[-1]["t"] - 5, samples[-1]["t"], statistics.median)
                if samples
                else None,
            }
        memory["warmup"] = warmup
        memory["nginx_peak_mb"] = _mem_at(samples, "nginx", 0, end, max)
        memory["load1_peak"] = _mem_at(samples, "load1", 0, end, max)
        memory["timeline"] = samples[::2]
        out["load"], out["memory"] = load, memory
        print(
            f"  load: {load['changes']} changes, {load['errors']} errors, {load['leaks']} leaks",
            file=sys.stderr,
        )
        if kill_seconds > 0 and replicas > 1:
            print(
                f"  failover: {sessions} readers for {kill_seconds:.0f} s, one replica killed ...",
                file=sys.stderr,
            )
            fsamples: list[dict[str, Any]] = []
            fstats, fb = asyncio.run(
                run_phase(
                    dep,
                    sessions=sessions,
                    seconds=kill_seconds,
                    browsers=browsers,
                    seed=seed + 1,
                    samples=fsamples,
                    kill_at=kill_seconds / 3,
                    blip_chance=blip_chance,
                )
            )
            f = _summary(fstats, fb, kill_seconds)
            f["nginx_upstream_errors"] = len(dep.nginx_errors()) - len(errors_before)
            on_killed = [d for d in fstats.drops if d["replica"] == fstats.killed]
            recovered = [d for d in on_killed if "recovered_ms" in d]
            f.update(
                {
                    "killed": fstats.killed,
                    "killed_at_s": fstats.kill_t,
                    "drops_on_killed": len(on_killed),
                    "drops_elsewhere": len(fstats.drops) - len(on_killed),
                    "recovered": len(recovered),
                    "recovered_ms": percentiles([d["recovered_ms"] for d in recovered]),
                    "recovered_on": dict(Counter(d.get("now_on", "?") for d in recovered)),
                    "resumed_sessions": sum(bool(d.get("resumed")) for d in recovered),
                    "opened_after_kill_by_replica": dict(fstats.opened_after_kill),
                    "survivor_rss_mb_end": _mem_at(
                        fsamples, str(dep.ports[-1]), kill_seconds - 5, kill_seconds, statistics.median
                    ),
                }
            )
            out["failover"] = f
    return out


# ---- the report ------------------------------------------------------------------------------------

START, END = "<!-- load:start -->", "<!-- load:end -->"


def _p(x: dict[str, float] | None) -> str:
    if not x:
        return "—"
    return f"{x['p50']:,.0f} / {x['p90']:,.0f} / {x['p99']:,.0f} / {x['max']:,.0f} ms (n={x['n']:,})"


def render(r: dict[str, Any]) -> str:
    """The results as the Markdown of docs/DEPLOY.md's load section."""
    c, m, load, mem = r["config"], r["machine"], r["load"], r["memory"]
    b = load["browsers"]
    lines = [
        f"Run of {m['date']}: {m['cpus']} cores shared with the load client and the browsers, "
        f"Streamlit {m.get('streamlit', '?')}; 1-minute load average {m['load1_before']} before the run, "
        f"{mem['load1_peak']} at its peak. {c['replicas']} replicas behind nginx, {c['sessions']} concurrent "
        f"protocol readers for {c['seconds']:.0f} s (think time {c['think_s'][0]}–{c['think_s'][1]} s, "
        f"{c['changes_per_reader'][0]}–{c['changes_per_reader'][1]} changes each, then a new reader), "
        f"and {c['browsers']} Chromium readers. Latencies p50 / p90 / p99 / max.{_warmup_note(c, mem)}",
        "",
        "| load through the proxy | result |",
        "| --- | --- |",
        f"| readers opened (by replica) | {load['readers_opened']:,} ({_by(load['readers_by_replica'])}) |",
        f"| changes (date changes and layer toggles) | {load['changes']:,}, {load['changes_per_s']} per s |",
        f"| **errors** | **{load['errors']}** {_kinds(load['errors_by_kind'])} |",
        f"| **a reader shown another's view** | **{load['leaks']}** |",
        f"| date change: rerun request to `script_finished` | {_p(load['date_change_ms'])} |",
        f"| layer toggle: the same | {_p(load['layer_toggle_ms'])} |",
        f"| a reader's arrival: `GET /`, websocket, first run | {_p(load['open_ms'])} |",
        f"| the map page file (gzip by nginx) | {_p(load['page_file_ms'])} |",
        f"| requests nginx could not pass to their replica (its error log) "
        f"| {load.get('nginx_upstream_errors', '—')} |",
        f"| connection blips: resumed the same session (sticky) "
        f"| {load['blips']['resumed']} of {load['blips']['attempted']}{_no_reply(load['blips'])} |",
        f"| browser: cold load to the map drawn | {_p(b['cold_load_ms'])} |",
        f"| browser: date change, map redrawn | {_p(b['map_ms'])} |",
        f"| browser: date change until the address bar holds it | {_p(b['url_ms'])} |",
        f"| browser visits (by replica), errors | {b['visits']} ({_by(b['by_replica'])}), {b['errors']} |",
        "",
        "| replica | CPU under load | memory (VmRSS): started | after one reader "
        "| after the warm-up rush | peak under load "
        f"| end of load | {c['settle_s']:.0f} s after the last reader left "
        "| then one more reader came and went |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for k, v in mem.items():
        if isinstance(v, dict) and "baseline_mb" in v:
            lines.append(
                f"| :{k} | {_cores_s(v.get('cpu_cores_under_load'))} | {_mb(v['started_mb'])} "
                f"| {_mb(v.get('one_reader_mb'))} | **{_mb(v['baseline_mb'])}** | {_mb(v['peak_mb'])} | "
                f"{_mb(v['end_of_load_mb'])} | {_mb(v['after_mb'])} | **{_mb(v.get('after_probe_mb'))}** |"
            )
    lines.append(f"| nginx | | | | | {_mb(mem['nginx_peak_mb'])} | | | |")
    f = r.get("failover")
    if f:
        lines += [
            "",
            f"Failover: {c['sessions']} readers again for {c['kill_seconds']:.0f} s; the replica on "
            f"{f['killed']} killed with SIGKILL at {f['killed_at_s']:.0f} s.",
            "",
            "| failover | result |",
            "| --- | --- |",
            f"| readers whose connection dropped with the replica "
            f"| {f['drops_on_killed']} (elsewhere: {f['drops_elsewhere']}) |",
            f"| of those, back on a live replica (where) | {f['recovered']} ({_by(f['recovered_on'])}) |",
            f"| time from the drop to their view redrawn by the survivor | {_p(f['recovered_ms'])} |",
            f"| the survivor's memory at the end (it held every reader) | {_mb(f['survivor_rss_mb_end'])} |",
            f"| their sessions resumed (state kept) "
            f"| {f['resumed_sessions']}: a new session, seeded from the address |",
            f"| readers arriving after the kill (by replica) | {_by(f['opened_after_kill_by_replica'])} |",
            f"| **errors** (all kinds) | **{f['errors']}** {_kinds(f['errors_by_kind'])} |",
            f"| a reader shown another's view | {f['leaks']} |",
            f"| connection blips: resumed | {f['blips']['resumed']} of {f['blips']['attempted']}"
            f"{_no_reply(f['blips'])}; {f['blips'].get('replica_gone', 0)} found their replica gone |",
            f"| changes, latency | {f['changes']:,}; {_p(f['change_ms'])} |",
            f"| browser visits, errors | {f['browsers']['visits']}, {f['browsers']['errors']} |",
        ]
    return "\n".join(lines)


def _warmup_note(c: dict[str, Any], mem: dict[str, Any]) -> str:
    w = mem.get("warmup") or {}
    if not w:
        return " No warm-up rush: the memory baseline is after one reader."
    return (
        f" Memory is compared with its level after a warm-up rush like the load ({c['sessions']} readers "
        f"and {c['browsers']} browsers for {c['warmup_s']:.0f} s: {w['changes']:,} changes, "
        f"{w['errors']} errors, {w['leaks']} leaks), "
        f"left past the session TTL; each memory figure after a reader is one janitor pass "
        f"({TIDY_WAIT_S} s) later."
    )


def _no_reply(blips: dict[str, int]) -> str:
    n = blips.get("no_reply", 0)
    return f"; {n} reconnected but got no reply to their rerun within {RUN_TIMEOUT_S:.0f} s" if n else ""


def _by(d: dict[str, int]) -> str:
    """Counts by replica, as ports; nginx lists every replica it tried ("A, B": A failed, then B)."""

    def ports(k: str) -> str:
        return " → ".join(a.rsplit(":", 1)[-1] for a in k.split(", "))

    return ", ".join(f"{ports(k)}: {v}" for k, v in sorted(d.items())) or "—"


def _kinds(d: dict[str, int]) -> str:
    return "(" + ", ".join(f"{k}: {v}" for k, v in sorted(d.items())) + ")" if d else ""


def _cores_s(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f} cores"


def _mb(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--sessions", type=int, default=50, help="concurrent protocol readers (default 50)")
    parser.add_argument("--seconds", type=float, default=60, help="length of the load phase (default 60)")
    parser.add_argument("--browsers", type=int, default=3, help="Chromium readers beside them (default 3)")
    parser.add_argument(
        "--settle",
        type=float,
        default=SESSION_TTL_S + 30,
        help=f"seconds of memory samples after the readers left (default {SESSION_TTL_S + 30}: past the TTL)",
    )
    parser.add_argument(
        "--kill-seconds", type=float, default=45, help="length of the failover phase; 0 skips it (default 45)"
    )
    parser.add_argument(
        "--post-script-gc",
        action="store_true",
        help="keep Streamlit's full garbage collection after every run (deploy/run.sh turns it off)",
    )
    parser.add_argument(
        "--blip-chance",
        type=float,
        default=BLIP_CHANCE,
        help=f"chance per change that the connection drops and is resumed (default {BLIP_CHANCE})",
    )
    parser.add_argument(
        "--warmup-seconds",
        type=float,
        default=None,
        help="a rush of the same readers and browsers before the memory baseline; 0 skips it "
        "(default: as long as the load)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--no-doc", action="store_true", help=f"do not rewrite the figures in {DOC.name}")
    args = parser.parse_args(argv)
    if args.replicas < 1 or args.sessions < 1 or args.seconds <= 0:
        parser.error("--replicas and --sessions must be at least 1, --seconds above 0")
    try:
        results = run_load(
            replicas=args.replicas,
            sessions=args.sessions,
            seconds=args.seconds,
            browsers=args.browsers,
            settle=args.settle,
            kill_seconds=args.kill_seconds,
            seed=args.seed,
            post_script_gc=args.post_script_gc,
            blip_chance=args.blip_chance,
            warmup_seconds=args.warmup_seconds,
        )
    except ServerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    text = render(results)
    if not args.no_doc and args.out == RESULTS:
        from bench.report import replace_section

        replace_section(DOC, START, END, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
