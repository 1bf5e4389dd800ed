"""Exceptions of the network layer."""


class NetworkError(Exception):
    """A channel or connection failed."""


class AuthenticationError(NetworkError):
    """A peer did not prove it knows the job's secret; the connection is dropped."""


class ConnectionClosed(NetworkError):
    """The peer closed the connection."""
