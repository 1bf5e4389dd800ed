"""JobID: 16 random bytes, shown as 32 hex digits."""

from __future__ import annotations

import os

__all__ = ["JobID"]


class JobID:
    """The identifier of a job.

    Example::

        job_id = JobID()
        JobID.from_hex_string(job_id.to_hex_string()) == job_id    # True
    """

    __slots__ = ("_bytes",)

    SIZE = 16

    def __init__(self, value: bytes | None = None) -> None:
        if value is None:
            value = os.urandom(self.SIZE)
        value = bytes(value)
        if len(value) != self.SIZE:
            raise ValueError(f"a JobID has {self.SIZE} bytes, got {len(value)}")
        self._bytes = value

    @staticmethod
    def generate() -> JobID:
        return JobID()

    @staticmethod
    def from_hex_string(hex_string: str) -> JobID:
        """Parse 32 hex digits."""
        try:
            return JobID(bytes.fromhex(hex_string))
        except ValueError as exc:
            raise ValueError(f"Cannot parse JobID from {hex_string!r}: {exc}") from None

    def to_hex_string(self) -> str:
        return self._bytes.hex()

    def get_bytes(self) -> bytes:
        return self._bytes

    def __str__(self) -> str:
        return self._bytes.hex()

    def __repr__(self) -> str:
        return f"JobID({self._bytes.hex()})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JobID) and self._bytes == other._bytes

    def __hash__(self) -> int:
        return hash(self._bytes)

    def __reduce__(self) -> tuple:
        return (JobID, (self._bytes,))
