"""Frames, authentication and channels, without a job."""

from __future__ import annotations

import os
import pickle
import socket
import threading
import time

import pytest

from weir.runtime.network.auth import client_handshake, server_handshake
from weir.runtime.network.channels import InputGate, RemoteOutputChannel
from weir.runtime.network.data_server import ChannelRegistry, DataServer
from weir.runtime.network.errors import AuthenticationError
from weir.runtime.network.events import (
    END_OF_PARTITION,
    CheckpointBarrier,
    RecordBatch,
    Watermark,
)
from weir.runtime.network.frames import HEADER, KIND_MESSAGE, FrameReader, encode_event


def test_events_round_trip_in_order():
    a, b = socket.socketpair()
    events = [RecordBatch([("a", 1), ("b", 2)]), Watermark(5), CheckpointBarrier(3, 99),
              RecordBatch([1, 2], [10, 20]), END_OF_PARTITION]
    for e in events:
        a.sendall(encode_event(e))
    reader = FrameReader(b)
    assert [reader.read_event() for _ in events] == events


def test_handshake_accepts_the_secret_and_rejects_others():
    secret = os.urandom(32)
    for client_secret, ok in ((secret, True), (b"wrong" * 7, False)):
        a, b = socket.socketpair()
        errors = []

        def server(sock=a, errors=errors):
            try:
                server_handshake(sock, secret, timeout=2)
            except AuthenticationError as exc:
                errors.append(exc)

        t = threading.Thread(target=server)
        t.start()
        if ok:
            client_handshake(b, client_secret, timeout=2)
        else:
            with pytest.raises(AuthenticationError):
                client_handshake(b, client_secret, timeout=2)
        t.join()
        assert bool(errors) == (not ok)


class _Exploit:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_unauthenticated_peer_cannot_make_the_server_unpickle(tmp_path):
    marker = tmp_path / "pwned"
    registry = ChannelRegistry()
    server = DataServer(os.urandom(32), registry)
    try:
        sock = socket.create_connection(server.address)
        sock.recv(32)  # the server's nonce
        payload = pickle.dumps(("channel", _Exploit(str(marker))))
        # Send garbage where the proof belongs, followed by a malicious pickle frame.
        sock.sendall(os.urandom(64) + HEADER.pack(len(payload), KIND_MESSAGE) + payload)
        sock.settimeout(2)
        try:
            assert sock.recv(100) == b""  # dropped
        except ConnectionResetError:
            pass  # dropped with unread data still queued: the kernel resets instead
        sock.close()
        time.sleep(0.2)
        assert not marker.exists()
    finally:
        server.close()


def test_remote_channel_delivers_batches_with_credit_backpressure():
    secret = os.urandom(32)
    registry = ChannelRegistry()
    server = DataServer(secret, registry)
    gate = InputGate()
    channel = gate.add_channel(0, credits=2, description="test")
    registry.register(("k",), channel)
    out = RemoteOutputChannel(server.address, ("k",), secret)
    for i in range(5):
        out.send(RecordBatch([i]))
    out.send(END_OF_PARTITION)
    time.sleep(0.3)
    # only two batches may sit unprocessed; the rest wait on the socket
    assert gate.mailbox.qsize() == 2
    received = []
    while True:
        index, event = gate.mailbox.get(timeout=5)
        if event is END_OF_PARTITION:
            break
        received.extend(event.values)
        channel.return_credit()
    assert received == [0, 1, 2, 3, 4]
    out.close()
    server.close()
