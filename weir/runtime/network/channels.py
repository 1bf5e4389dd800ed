"""Input gates, input channels and output channels, with credit-based flow control.

Every (producer subtask, consumer subtask) pair of a job edge is one *channel*. The consumer side is
an :class:`InputChannel` feeding its task's :class:`InputGate`; the producer side is a
:class:`LocalOutputChannel` (same process: the batch object is handed over, no serialisation) or a
:class:`RemoteOutputChannel` (a socket to the consumer's TaskManager).

Flow control: a channel holds a fixed number of *credits*; pushing a record batch takes one and the
task returns it once the batch is processed. A slow consumer therefore blocks its producers (locally
on the semaphore, remotely because the reader stops draining the socket and TCP's window fills),
which is backpressure with memory bounded by ``credits × batch size`` per channel. A channel the task
*blocks* (barrier alignment) keeps its credits until it is unblocked, so it stops its producer alone.
"""

from __future__ import annotations

import queue
import socket
import threading
from typing import Any

from weir.runtime.network.auth import client_handshake
from weir.runtime.network.errors import ConnectionClosed, NetworkError
from weir.runtime.network.events import RecordBatch
from weir.runtime.network.frames import encode_event, send_message

DEFAULT_CREDITS = 4


class ChannelFailure:
    """Put into a gate's mailbox when a remote producer's connection dies mid-stream."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class InputChannel:
    """The consumer end of one channel; ``push`` may be called from any thread."""

    __slots__ = ("gate", "index", "input_index", "_credits", "_closed", "description")

    def __init__(
        self, gate: InputGate, index: int, input_index: int, credits: int, description: str
    ) -> None:
        self.gate = gate
        self.index = index
        self.input_index = input_index
        self._credits = threading.Semaphore(credits)
        self._closed = False
        self.description = description

    def push(self, event: Any) -> None:
        if type(event) is RecordBatch:
            while not self._credits.acquire(timeout=0.5):
                if self._closed:
                    raise ConnectionClosed(f"{self.description}: consumer closed")
        if self._closed:
            raise ConnectionClosed(f"{self.description}: consumer closed")
        self.gate.mailbox.put((self.index, event))

    def return_credit(self) -> None:
        self._credits.release()

    def close(self) -> None:
        self._closed = True


class InputGate:
    """All input channels of one task, merged into one mailbox the task thread drains.

    The mailbox also carries *mail* (index ``-1``): actions other threads want the task thread to run,
    such as triggering a checkpoint or cancelling, so that all task work happens on one thread.
    """

    MAIL = -1

    def __init__(self) -> None:
        self.mailbox: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
        self.channels: list[InputChannel] = []

    def add_channel(self, input_index: int, credits: int, description: str) -> InputChannel:
        channel = InputChannel(self, len(self.channels), input_index, credits, description)
        self.channels.append(channel)
        return channel

    def put_mail(self, mail: Any) -> None:
        self.mailbox.put((self.MAIL, mail))

    def close(self) -> None:
        for channel in self.channels:
            channel.close()


class OutputChannel:
    """The producer end of a channel."""

    def send(self, event: Any) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class LocalOutputChannel(OutputChannel):
    __slots__ = ("_target",)

    def __init__(self, target: InputChannel) -> None:
        self._target = target

    def send(self, event: Any) -> None:
        self._target.push(event)


class RemoteOutputChannel(OutputChannel):
    """Sends frames to an :class:`InputChannel` in another process over an authenticated socket."""

    def __init__(
        self, address: tuple[str, int], channel_key: tuple, secret: bytes, timeout: float = 30.0
    ) -> None:
        self._key = channel_key
        try:
            sock = socket.create_connection(address, timeout=timeout)
        except OSError as exc:
            raise NetworkError(
                f"cannot connect to the TaskManager at {address[0]}:{address[1]} for channel "
                f"{channel_key}: {exc}"
            ) from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client_handshake(sock, secret)
        sock.settimeout(None)
        send_message(sock, ("channel", channel_key))
        self._sock = sock
        self._sendall = sock.sendall

    def send(self, event: Any) -> None:
        try:
            self._sendall(encode_event(event))
        except OSError as exc:
            raise ConnectionClosed(f"channel {self._key}: consumer went away ({exc})") from exc

    def close(self) -> None:
        try:
            self._sock.close()
        except OSError:
            pass
