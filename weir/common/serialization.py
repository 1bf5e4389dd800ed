"""Encoders and (de)serialisation schemas, as in PyFlink."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class Encoder:
    """Turns a record into the bytes a row-format file sink writes.

    Example::

        FileSink.for_row_format("/tmp/out", Encoder.simple_string_encoder()).build()
    """

    def __init__(self, charset: str = "UTF-8") -> None:
        self.charset = charset

    @staticmethod
    def simple_string_encoder(charset_name: str = "UTF-8") -> Encoder:
        """``str(value)`` followed by a newline."""
        return Encoder(charset_name)

    def encode(self, value: Any) -> bytes:
        return (str(value) + "\n").encode(self.charset)


class SerializationSchema(ABC):
    @abstractmethod
    def serialize(self, element: Any) -> bytes: ...


class DeserializationSchema(ABC):
    @abstractmethod
    def deserialize(self, message: bytes) -> Any: ...


class SimpleStringSchema(SerializationSchema, DeserializationSchema):
    def __init__(self, charset: str = "UTF-8") -> None:
        self.charset = charset

    def serialize(self, element: Any) -> bytes:
        return str(element).encode(self.charset)

    def deserialize(self, message: bytes) -> str:
        return message.decode(self.charset)
