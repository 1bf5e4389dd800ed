"""The data server of a TaskManager (and of the client, for collected results).

It accepts connections on loopback, authenticates them before reading anything else, and hands each
to the :class:`InputChannel` named in the producer's hello message. A reader thread per connection
decodes frames and pushes the events into the channel; when the channel is out of credits the thread
blocks, the socket stops being drained and TCP pushes back on the producer.
"""

from __future__ import annotations

import logging
import socket
import threading

from weir.runtime.network.auth import server_handshake
from weir.runtime.network.channels import ChannelFailure, InputChannel
from weir.runtime.network.errors import AuthenticationError, ConnectionClosed
from weir.runtime.network.events import EndOfPartition
from weir.runtime.network.frames import KIND_MESSAGE, FrameReader, decode_event

log = logging.getLogger(__name__)


class ChannelRegistry:
    """Input channels of the tasks in this process, by channel key; waits for late registrations."""

    def __init__(self) -> None:
        self._channels: dict[tuple, InputChannel] = {}
        self._cond = threading.Condition()

    def register(self, key: tuple, channel: InputChannel) -> None:
        with self._cond:
            self._channels[key] = channel
            self._cond.notify_all()

    def wait_for(self, key: tuple, timeout: float = 60.0) -> InputChannel:
        with self._cond:
            if not self._cond.wait_for(lambda: key in self._channels, timeout):
                raise ConnectionClosed(f"no task registered the input channel {key}")
            return self._channels[key]

    def unregister_all(self, keys) -> None:
        with self._cond:
            for key in keys:
                self._channels.pop(key, None)


class DataServer:
    def __init__(self, secret: bytes, registry: ChannelRegistry, host: str = "127.0.0.1") -> None:
        self._secret = secret
        self.registry = registry
        self._sock = socket.create_server((host, 0), backlog=128)
        self.address: tuple[str, int] = self._sock.getsockname()[:2]
        self._closed = False
        self._thread = threading.Thread(target=self._accept_loop, name="data-server", daemon=True)
        self._thread.start()

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), name="channel-reader", daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            server_handshake(conn, self._secret)
        except AuthenticationError as exc:
            log.warning("rejected a data connection: %s", exc)
            conn.close()
            return
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reader = FrameReader(conn)
        channel: InputChannel | None = None
        try:
            kind, payload = reader.read_frame()
            hello = decode_event(kind, payload) if kind == KIND_MESSAGE else None
            if not (isinstance(hello, tuple) and len(hello) == 2 and hello[0] == "channel"):
                raise ConnectionClosed(f"unexpected hello {hello!r}")
            channel = self.registry.wait_for(tuple(hello[1]))
            push = channel.push
            read_event = reader.read_event
            while True:
                event = read_event()
                push(event)
                if type(event) is EndOfPartition:
                    return
        except (ConnectionClosed, OSError) as exc:
            if channel is not None and not self._closed:
                try:
                    channel.gate.mailbox.put((channel.index, ChannelFailure(str(exc))))
                except Exception:  # noqa: BLE001 - the gate is gone; nothing to tell
                    pass
        finally:
            conn.close()

    def close(self) -> None:
        self._closed = True
        try:
            self._sock.close()
        except OSError:
            pass
