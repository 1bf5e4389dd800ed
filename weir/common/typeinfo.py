"""Type information (PyFlink's ``Types``): optional declarations of what a stream carries.

weir never requires them; when given they decide how ``print()`` renders values (as Flink's Java
``toString`` would: ``(word,1)`` for tuples, ``+I[a, 1]`` for rows) and may drive faster encodings.

Example::

    ds.map(lambda w: (w, 1), output_type=Types.TUPLE([Types.STRING(), Types.INT()]))
"""

from __future__ import annotations

import math
import struct
from decimal import Decimal
from typing import Any


class TypeInformation:
    """Base of all type information objects."""

    def to_display_string(self, value: Any) -> str:
        return _java_string(value)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __repr__(self) -> str:
        return type(self).__name__


class BasicTypeInfo(TypeInformation):
    def __init__(self, name: str) -> None:
        self.name = name

    def to_display_string(self, value: Any) -> str:
        if value is None:
            return "null"
        if self.name == "FLOAT":
            return java_float_string(float(value))
        if self.name == "DOUBLE":
            return java_double_string(float(value))
        if self.name == "BOOLEAN":
            return "true" if value else "false"
        return _java_string(value)

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return self.name


class SqlTimeTypeInfo(BasicTypeInfo):
    pass


class PickledBytesTypeInfo(TypeInformation):
    def to_display_string(self, value: Any) -> str:
        return str(value)

    def __repr__(self) -> str:
        return "PickledByteArrayTypeInfo"


class RowTypeInfo(TypeInformation):
    def __init__(self, field_types: list[TypeInformation], field_names: list[str] | None = None):
        self._field_types = list(field_types)
        self._field_names = (
            list(field_names) if field_names else [f"f{i}" for i in range(len(field_types))]
        )

    def get_field_names(self) -> list[str]:
        return list(self._field_names)

    def get_field_index(self, field_name: str) -> int:
        return self._field_names.index(field_name) if field_name in self._field_names else -1

    def get_field_types(self) -> list[TypeInformation]:
        return list(self._field_types)

    def get_field_type(self, field: int | str) -> TypeInformation:
        if isinstance(field, str):
            field = self.get_field_index(field)
        return self._field_types[field]

    def get_arity(self) -> int:
        return len(self._field_types)

    def to_display_string(self, value: Any) -> str:
        if value is None:
            return "null"
        kind = value.get_row_kind().short_string() if hasattr(value, "get_row_kind") else "+I"
        fields = [t.to_display_string(v) for t, v in zip(self._field_types, value, strict=False)]
        return f"{kind}[{', '.join(fields)}]"

    def __hash__(self) -> int:
        return hash(tuple(self._field_names))

    def __repr__(self) -> str:
        return "RowTypeInfo(%s)" % ", ".join(
            f"{n}: {t!r}" for n, t in zip(self._field_names, self._field_types, strict=True)
        )


class TupleTypeInfo(TypeInformation):
    def __init__(self, field_types: list[TypeInformation]) -> None:
        self._field_types = list(field_types)

    def get_field_types(self) -> list[TypeInformation]:
        return list(self._field_types)

    def get_arity(self) -> int:
        return len(self._field_types)

    def to_display_string(self, value: Any) -> str:
        if value is None:
            return "null"
        fields = [t.to_display_string(v) for t, v in zip(self._field_types, value, strict=False)]
        return f"({','.join(fields)})"

    def __hash__(self) -> int:
        return hash(len(self._field_types))

    def __repr__(self) -> str:
        return "TupleTypeInfo(%s)" % ", ".join(repr(t) for t in self._field_types)


class ListTypeInfo(TypeInformation):
    def __init__(self, element_type: TypeInformation) -> None:
        self.elem_type = element_type

    def to_display_string(self, value: Any) -> str:
        if value is None:
            return "null"
        return "[" + ", ".join(self.elem_type.to_display_string(v) for v in value) + "]"

    def __repr__(self) -> str:
        return f"ListTypeInfo<{self.elem_type!r}>"


class PrimitiveArrayTypeInfo(ListTypeInfo):
    pass


class BasicArrayTypeInfo(ListTypeInfo):
    pass


class ObjectArrayTypeInfo(ListTypeInfo):
    pass


class MapTypeInfo(TypeInformation):
    def __init__(self, key_type_info: TypeInformation, value_type_info: TypeInformation) -> None:
        self._key_type_info = key_type_info
        self._value_type_info = value_type_info

    def to_display_string(self, value: Any) -> str:
        if value is None:
            return "null"
        items = (
            f"{self._key_type_info.to_display_string(k)}="
            f"{self._value_type_info.to_display_string(v)}"
            for k, v in value.items()
        )
        return "{" + ", ".join(items) + "}"

    def __repr__(self) -> str:
        return f"MapTypeInfo<{self._key_type_info!r}, {self._value_type_info!r}>"


def _java_string(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return java_double_string(value)
    return str(value)


def java_double_string(value: float) -> str:
    """``Double.toString``: the shortest decimal that reads back as ``value``, in scientific
    notation (``1.0E7``, ``1.0E-5``) outside [1e-3, 1e7)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1, value) < 0 else "0.0"
    sign, digit_tuple, exp = Decimal(repr(value)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    exponent = int(exp) + len(digit_tuple) - 1  # of the first digit
    minus = "-" if sign else ""
    if 1e-3 <= abs(value) < 1e7:
        if exponent >= 0:
            whole = digits[: exponent + 1].ljust(exponent + 1, "0")
            frac = digits[exponent + 1 :] or "0"
        else:
            whole, frac = "0", "0" * (-exponent - 1) + digits
        return f"{minus}{whole}.{frac}"
    return f"{minus}{digits[0]}.{digits[1:] or '0'}E{exponent}"


def java_float_string(value: float) -> str:
    """``Float.toString`` of the value rounded to 32 bits (what a FLOAT field holds in Flink)."""
    as_float32 = struct.unpack("f", struct.pack("f", value))[0]
    if math.isnan(as_float32) or math.isinf(as_float32) or as_float32 == 0:
        return java_double_string(as_float32)
    # The shortest decimal that rounds back to the same float32.
    for precision in range(1, 10):
        text = f"{as_float32:.{precision}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == as_float32:
            return java_double_string(float(text))
    return java_double_string(as_float32)


def display_string(value: Any, type_info: TypeInformation | None) -> str:
    """How ``print()`` renders ``value``: Flink's text form when typed, ``str`` otherwise."""
    if type_info is None:
        return str(value)
    return type_info.to_display_string(value)


class Types:
    """Factories of type information, as in PyFlink."""

    @staticmethod
    def STRING() -> TypeInformation:
        return BasicTypeInfo("STRING")

    @staticmethod
    def BYTE() -> TypeInformation:
        return BasicTypeInfo("BYTE")

    @staticmethod
    def BOOLEAN() -> TypeInformation:
        return BasicTypeInfo("BOOLEAN")

    @staticmethod
    def SHORT() -> TypeInformation:
        return BasicTypeInfo("SHORT")

    @staticmethod
    def INT() -> TypeInformation:
        return BasicTypeInfo("INT")

    @staticmethod
    def LONG() -> TypeInformation:
        return BasicTypeInfo("LONG")

    @staticmethod
    def FLOAT() -> TypeInformation:
        return BasicTypeInfo("FLOAT")

    @staticmethod
    def DOUBLE() -> TypeInformation:
        return BasicTypeInfo("DOUBLE")

    @staticmethod
    def CHAR() -> TypeInformation:
        return BasicTypeInfo("CHAR")

    @staticmethod
    def BIG_INT() -> TypeInformation:
        return BasicTypeInfo("BIG_INT")

    @staticmethod
    def BIG_DEC() -> TypeInformation:
        return BasicTypeInfo("BIG_DEC")

    @staticmethod
    def INSTANT() -> TypeInformation:
        return BasicTypeInfo("INSTANT")

    @staticmethod
    def SQL_DATE() -> TypeInformation:
        return SqlTimeTypeInfo("SQL_DATE")

    @staticmethod
    def SQL_TIME() -> TypeInformation:
        return SqlTimeTypeInfo("SQL_TIME")

    @staticmethod
    def SQL_TIMESTAMP() -> TypeInformation:
        return SqlTimeTypeInfo("SQL_TIMESTAMP")

    @staticmethod
    def PICKLED_BYTE_ARRAY() -> TypeInformation:
        return PickledBytesTypeInfo()

    @staticmethod
    def ROW(field_types: list[TypeInformation]) -> RowTypeInfo:
        return RowTypeInfo(field_types)

    @staticmethod
    def ROW_NAMED(field_names: list[str], field_types: list[TypeInformation]) -> RowTypeInfo:
        return RowTypeInfo(field_types, field_names)

    @staticmethod
    def TUPLE(field_types: list[TypeInformation]) -> TupleTypeInfo:
        return TupleTypeInfo(field_types)

    @staticmethod
    def PRIMITIVE_ARRAY(element_type: TypeInformation) -> TypeInformation:
        return PrimitiveArrayTypeInfo(element_type)

    @staticmethod
    def BASIC_ARRAY(element_type: TypeInformation) -> TypeInformation:
        return BasicArrayTypeInfo(element_type)

    @staticmethod
    def OBJECT_ARRAY(element_type: TypeInformation) -> TypeInformation:
        return ObjectArrayTypeInfo(element_type)

    @staticmethod
    def MAP(key_type_info: TypeInformation, value_type_info: TypeInformation) -> TypeInformation:
        return MapTypeInfo(key_type_info, value_type_info)

    @staticmethod
    def LIST(element_type_info: TypeInformation) -> TypeInformation:
        return ListTypeInfo(element_type_info)
