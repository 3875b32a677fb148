"""What the Streamlit server needs and Streamlit offers no option for (kept out of the app file).

:func:`no_delay`: Streamlit's server binds its listening socket itself, as
``socket.socket(family)``, whose protocol number is 0, and asyncio sets ``TCP_NODELAY`` on a new
connection only if that number is ``IPPROTO_TCP`` (``asyncio.base_events._set_nodelay``, called
for every accepted connection). So every connection runs Nagle's algorithm: when a response (or a
burst of websocket messages) goes out in more than one write, the second waits until the browser
acknowledges the first, and the browser delays that acknowledgement by up to 40 ms (Linux's
delayed ACK). Measured against this app's server on loopback: a second request on a kept-alive
connection took 43-45 ms, for a 2-byte health check as for the map page; 0.3 ms with
``TCP_NODELAY``. It held up the map page's fetch in about a third of cold loads, and Streamlit's
own files on every page load.

The app calls :func:`no_delay` on its first run; connections accepted before that keep Nagle for
good, and a proxy keeps its connections to a replica alive, so a deployment starts Streamlit
through this module instead: ``python -m serving run streamlit_app.py [flags]`` (deploy/run.sh).
"""

from __future__ import annotations

import asyncio.base_events
import socket
import sys
from collections.abc import Sequence
from typing import Any

_INSTALLED: list[Any] = []


def _set_nodelay(sock: socket.socket) -> None:
    """asyncio's own rule, without requiring the protocol number to be spelled out."""
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def no_delay() -> bool:
    """Make every TCP connection the server accepts from now on send at once (``TCP_NODELAY``).

    Connections accepted before the first call (the first reader's, after a start) keep the
    default. Idempotent; returns False where this Python's asyncio has no such hook (then nothing
    changes)."""
    if not hasattr(asyncio.base_events, "_set_nodelay") or not hasattr(socket, "TCP_NODELAY"):
        return False
    if not _INSTALLED:
        _INSTALLED.append(asyncio.base_events._set_nodelay)
        asyncio.base_events._set_nodelay = _set_nodelay
    return True


def main(argv: Sequence[str] | None = None) -> None:
    """Streamlit's own command line, with :func:`no_delay` in place before the server accepts its
    first connection: ``python -m serving run streamlit_app.py --server.port 8601``."""
    no_delay()
    from streamlit.web import cli

    cli.main(args=list(sys.argv[1:] if argv is None else argv), prog_name="streamlit")


if __name__ == "__main__":
    main()
