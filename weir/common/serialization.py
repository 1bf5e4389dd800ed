"""Encoders and (de)serialisation schemas, as in ``pyflink.common.serialization``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

__all__ = ["DeserializationSchema", "Encoder", "SerializationSchema", "SimpleStringSchema"]


class Encoder:
    """Turns a record into the bytes a row-format file sink writes.

    Example::

        FileSink.for_row_format("/tmp/out", Encoder.simple_string_encoder()).build()
        Encoder.simple_string_encoder().encode(("a", 1))      # b"('a', 1)\\n"
    """

    def __init__(self, charset_name: str = "UTF-8") -> None:
        "".encode(charset_name)  # fail early on an unknown charset
        self.charset_name = charset_name

    @property
    def charset(self) -> str:
        return self.charset_name

    @staticmethod
    def simple_string_encoder(charset_name: str = "UTF-8") -> Encoder:
        """``str(value)`` followed by a newline, in ``charset_name``."""
        return Encoder(charset_name)

    def encode(self, value: Any) -> bytes:
        return (str(value) + "\n").encode(self.charset_name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Encoder) and self.charset_name == other.charset_name

    def __hash__(self) -> int:
        return hash(("Encoder", self.charset_name))

    def __repr__(self) -> str:
        return f"Encoder.simple_string_encoder({self.charset_name!r})"


class SerializationSchema(ABC):
    """Turns a record into bytes (for sinks to message queues and the like)."""

    def open(self, context: Any = None) -> None:
        """Called once before the first record."""

    @abstractmethod
    def serialize(self, element: Any) -> bytes: ...


class DeserializationSchema(ABC):
    """Turns bytes into a record (for sources from message queues and the like)."""

    def open(self, context: Any = None) -> None:
        """Called once before the first message."""

    @abstractmethod
    def deserialize(self, message: bytes) -> Any: ...

    def is_end_of_stream(self, next_element: Any) -> bool:
        """True when ``next_element`` marks the end of a bounded stream."""
        return False


class SimpleStringSchema(SerializationSchema, DeserializationSchema):
    """Strings to and from bytes in a charset (UTF-8 by default).

    Example::

        schema = SimpleStringSchema()
        schema.deserialize(schema.serialize("héllo"))     # 'héllo'
    """

    def __init__(self, charset: str = "UTF-8") -> None:
        "".encode(charset)
        self.charset = charset

    def serialize(self, element: Any) -> bytes:
        return str(element).encode(self.charset)

    def deserialize(self, message: bytes) -> str:
        return bytes(message).decode(self.charset)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SimpleStringSchema) and self.charset == other.charset

    def __hash__(self) -> int:
        return hash(("SimpleStringSchema", self.charset))
