"""The server fix in serving.py: connections accepted by a socket bound the way Streamlit binds
its own (protocol number 0) send at once (TCP_NODELAY), which asyncio alone does not do."""

from __future__ import annotations

import asyncio
import asyncio.base_events
import socket
from collections.abc import Iterator

import pytest

import serving


def accepted_nodelay() -> int:
    """TCP_NODELAY on a connection accepted by a listener bound as Streamlit binds it."""

    async def run() -> int:
        listener = socket.socket(socket.AF_INET)  # proto 0, as streamlit's _bind_socket
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        got: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Server(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                got.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Server, sock=listener)
        try:
            _, writer = await asyncio.open_connection(*listener.getsockname())
            value = await asyncio.wait_for(got, 5)
            writer.close()
            return value
        finally:
            server.close()

    return asyncio.run(run())


@pytest.fixture
def restored() -> Iterator[None]:
    before = asyncio.base_events._set_nodelay  # type: ignore[attr-defined]
    installed = list(serving._INSTALLED)
    yield
    asyncio.base_events._set_nodelay = before  # type: ignore[attr-defined]
    serving._INSTALLED[:] = installed


@pytest.mark.usefixtures("restored")
def test_connections_send_at_once_once_installed() -> None:
    if serving._INSTALLED:  # installed earlier in this process (an AppTest): take it back first
        asyncio.base_events._set_nodelay = serving._INSTALLED[0]  # type: ignore[attr-defined]
        serving._INSTALLED.clear()
    assert accepted_nodelay() == 0  # the default for such a listener: Nagle's algorithm on
    assert serving.no_delay() is True
    assert serving.no_delay() is True  # idempotent
    assert accepted_nodelay() != 0


def test_the_app_installs_it() -> None:
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP

    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert asyncio.base_events._set_nodelay is serving._set_nodelay  # type: ignore[attr-defined]


@pytest.mark.usefixtures("restored")
def test_the_launcher_installs_it_before_streamlit_starts(capsys: pytest.CaptureFixture[str]) -> None:
    """python -m serving run ... (deploy/run.sh) is Streamlit's command line with the fix in place
    first; shown here with Streamlit's --version, which starts no server."""
    import streamlit

    if serving._INSTALLED:
        asyncio.base_events._set_nodelay = serving._INSTALLED[0]  # type: ignore[attr-defined]
        serving._INSTALLED.clear()
    with pytest.raises(SystemExit) as done:
        serving.main(["--version"])
    assert done.value.code in (0, None)
    assert streamlit.__version__ in capsys.readouterr().out
    assert asyncio.base_events._set_nodelay is serving._set_nodelay  # type: ignore[attr-defined]
