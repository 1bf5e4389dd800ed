"""JobID: 16 random bytes, shown as 32 hex digits."""

from __future__ import annotations

import os


class JobID:
    def __init__(self, value: bytes | None = None) -> None:
        self._bytes = value if value is not None else os.urandom(16)

    @staticmethod
    def from_hex_string(hex_string: str) -> JobID:
        return JobID(bytes.fromhex(hex_string))

    def to_hex_string(self) -> str:
        return self._bytes.hex()

    def __str__(self) -> str:
        return self._bytes.hex()

    def __repr__(self) -> str:
        return f"JobID({self._bytes.hex()})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JobID) and self._bytes == other._bytes

    def __hash__(self) -> int:
        return hash(self._bytes)
