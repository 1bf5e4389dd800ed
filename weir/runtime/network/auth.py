"""Mutual HMAC challenge-response authentication for every socket weir opens.

Nothing received from the network is unpickled before the peer has proved it knows the job's
secret. Both sides send a random nonce and answer the other's with HMAC-SHA256(secret, role | nonces).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import socket

from weir.runtime.network.errors import AuthenticationError

NONCE_SIZE = 32
_DIGEST = hashlib.sha256
_MAC_SIZE = 32


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise AuthenticationError("peer closed the connection during the handshake")
        buf += chunk
    return bytes(buf)


def _mac(secret: bytes, role: bytes, first: bytes, second: bytes) -> bytes:
    return hmac.new(secret, role + first + second, _DIGEST).digest()


def server_handshake(sock: socket.socket, secret: bytes, timeout: float = 10.0) -> None:
    """Authenticate a client that connected to us; raises :class:`AuthenticationError`."""
    previous = sock.gettimeout()
    sock.settimeout(timeout)
    try:
        server_nonce = os.urandom(NONCE_SIZE)
        sock.sendall(server_nonce)
        reply = _recv_exact(sock, NONCE_SIZE + _MAC_SIZE)
        client_nonce, client_mac = reply[:NONCE_SIZE], reply[NONCE_SIZE:]
        expected = _mac(secret, b"client", server_nonce, client_nonce)
        if not hmac.compare_digest(client_mac, expected):
            raise AuthenticationError("client failed to prove the job secret")
        sock.sendall(_mac(secret, b"server", client_nonce, server_nonce))
    except (TimeoutError, OSError) as exc:
        raise AuthenticationError(f"handshake failed: {exc}") from exc
    finally:
        sock.settimeout(previous)


def client_handshake(sock: socket.socket, secret: bytes, timeout: float = 10.0) -> None:
    """Authenticate ourselves to a server and check that it knows the secret too."""
    previous = sock.gettimeout()
    sock.settimeout(timeout)
    try:
        server_nonce = _recv_exact(sock, NONCE_SIZE)
        client_nonce = os.urandom(NONCE_SIZE)
        sock.sendall(client_nonce + _mac(secret, b"client", server_nonce, client_nonce))
        server_mac = _recv_exact(sock, _MAC_SIZE)
        if not hmac.compare_digest(server_mac, _mac(secret, b"server", client_nonce, server_nonce)):
            raise AuthenticationError("server failed to prove the job secret")
    except (TimeoutError, OSError) as exc:
        raise AuthenticationError(f"handshake failed: {exc}") from exc
    finally:
        sock.settimeout(previous)
