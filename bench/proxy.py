"""Run deploy/nginx.conf in front of a Streamlit server on 127.0.0.1, and always stop it."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.server import ROOT, ServerError, free_port, stop, wait_healthy

SITE = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

MAIN = """worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""


def available() -> bool:
    return Path(NGINX).exists()


def site_conf(upstream_port: int, listen_port: int) -> str:
    """deploy/nginx.conf with its two ports replaced (and nothing else)."""
    text = SITE.read_text(encoding="utf-8")
    for old, new in (
        ("server 127.0.0.1:8501;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 8080;", f"listen 127.0.0.1:{listen_port};"),
    ):
        if text.count(old) != 1:
            raise ValueError(f"{SITE} should hold {old!r} once")
        text = text.replace(old, new)
    return text


@contextmanager
def nginx(upstream: str, *, log: Path, timeout_s: float = 30) -> Iterator[str]:
    """Serve ``upstream`` (http://127.0.0.1:PORT) through nginx; yields the proxy's URL."""
    if not available():
        raise ServerError("nginx is not installed (Debian: apt-get install nginx)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="gcm-nginx-") as tmp:
        Path(tmp).chmod(0o755)
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (Path(tmp) / sub).mkdir(mode=0o777)
            (Path(tmp) / sub).chmod(0o777)  # nginx's workers may run as another user
        (Path(tmp) / "site.conf").write_text(site_conf(int(upstream.rsplit(":", 1)[1]), port))
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(MAIN.format(tmp=tmp))
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("w") as out:
            proc = subprocess.Popen(
                [NGINX, "-p", tmp, "-e", f"{tmp}/error.log", "-c", str(conf)],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(
                url,
                proc,
                timeout_s,
                what="nginx",
                detail=lambda: (Path(tmp) / "error.log").read_text(errors="replace")[-2000:],
            )
            yield url
        finally:
            stop(proc)
