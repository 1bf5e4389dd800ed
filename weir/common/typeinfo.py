"""Type information (PyFlink's ``Types``): optional declarations of what a stream carries.

weir never requires them. When given, they decide how ``print()`` renders values: exactly as
Flink's Java ``toString`` would, e.g. ``(word,1)`` for a tuple, ``+I[a, 1]`` for a row, ``1.0E-5``
for a double and ``true`` for a boolean. Without type information a value prints as ``str(value)``,
which is what PyFlink does for untyped (pickled) streams.

Example::

    t = Types.TUPLE([Types.STRING(), Types.INT()])
    ds.map(lambda w: (w, 1), output_type=t)
    t.to_display_string(("word", 1))        # '(word,1)'
"""

from __future__ import annotations

import datetime as _dt
import math
import struct
from collections.abc import Callable
from decimal import Decimal, localcontext
from enum import Enum
from typing import Any

__all__ = [
    "BasicArrayTypeInfo",
    "BasicType",
    "BasicTypeInfo",
    "DateTypeInfo",
    "InstantTypeInfo",
    "ListTypeInfo",
    "LocalTimeTypeInfo",
    "MapTypeInfo",
    "ObjectArrayTypeInfo",
    "PickledBytesTypeInfo",
    "PrimitiveArrayTypeInfo",
    "RowTypeInfo",
    "SqlTimeTypeInfo",
    "TimeTypeInfo",
    "TimestampTypeInfo",
    "TupleTypeInfo",
    "TypeInformation",
    "Types",
    "display_string",
    "java_double_string",
    "java_float_string",
]


# ---------------------------------------------------------------------------------------------
# Java number formatting
# ---------------------------------------------------------------------------------------------

_F32 = struct.Struct("<f")


def _to_float32(value: float) -> float:
    """``value`` rounded to the nearest 32-bit float (±inf on overflow), as a Python float."""
    try:
        return _F32.unpack(_F32.pack(value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)


def _java_layout(negative: bool, digits: str, exponent: int) -> str:
    """Lay out ``0.d1d2... * 10**(exponent+1)`` as Java's ``Double.toString``/``Float.toString``
    do: plain notation for 1e-3 <= |v| < 1e7, computerized scientific notation otherwise."""
    sign = "-" if negative else ""
    if -3 <= exponent < 7:
        if exponent >= 0:
            whole = digits[: exponent + 1].ljust(exponent + 1, "0")
            frac = digits[exponent + 1 :] or "0"
        else:
            whole, frac = "0", "0" * (-exponent - 1) + digits
        return f"{sign}{whole}.{frac}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent}"


def _special(value: float) -> str | None:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    return None


def _scientific(text: str) -> tuple[str, int]:
    """Significant digits (no trailing zeros) and decimal exponent of the first digit, from a
    ``'%e'``-style or ``repr``-style rendering of a positive finite number."""
    _sign, digit_tuple, exp = Decimal(text).as_tuple()
    digits = "".join(map(str, digit_tuple))
    exponent = int(exp) + len(digits) - 1
    stripped = digits.lstrip("0")
    exponent -= len(digits) - len(stripped)
    return stripped.rstrip("0") or "0", exponent


def java_double_string(value: float) -> str:
    """Java's ``Double.toString``: the shortest decimal that reads back as ``value`` (JDK 19+
    rules), e.g. ``110.1``, ``1.0``, ``1.0E-5``, ``1.0E7``, ``4.9E-324``."""
    value = float(value)
    special = _special(value)
    if special is not None:
        return special
    magnitude = abs(value)
    digits, exponent = _scientific(repr(magnitude))
    if len(digits) == 1:
        # Java prefers the closest of the 1- and 2-digit decimals that read back as the value
        # (Double.MIN_VALUE prints as 4.9E-324, not 5.0E-324).
        two = f"{magnitude:.1e}"
        if float(two) == magnitude:
            digits, exponent = _scientific(two)
    return _java_layout(value < 0, digits, exponent)


def _float32_rounding_interval(magnitude: float) -> tuple[Decimal, Decimal, bool]:
    """The decimals that round to the positive float32 ``magnitude``: (low, high, inclusive),
    where the bounds are the midpoints to the neighbouring floats and ties go to even."""
    bits = struct.unpack("<I", _F32.pack(magnitude))[0]
    below = struct.unpack("<f", struct.pack("<I", bits - 1))[0] if bits > 0 else 0.0
    above = struct.unpack("<f", struct.pack("<I", bits + 1))[0]
    exact, low = Decimal(magnitude), Decimal(below)
    high = Decimal(above) if math.isfinite(above) else exact + (exact - low)
    with localcontext() as ctx:
        ctx.prec = 200
        return (exact + low) / 2, (exact + high) / 2, bits % 2 == 0


def _shortest_float32(magnitude: float) -> tuple[str, int]:
    """Shortest decimal (digits, exponent) that rounds to the float32 ``magnitude``; among those
    of that length the closest; a 2-digit decimal is preferred to a 1-digit one when closer."""
    exact = Decimal(magnitude)
    low, high, inclusive = _float32_rounding_interval(magnitude)
    best: tuple[Decimal, int, str, int] | None = None
    for precision in range(1, 10):
        mantissa, _, exp_text = f"{magnitude:.{precision - 1}e}".partition("e")
        scaled = int(mantissa.replace(".", ""))
        exp10 = int(exp_text) - (precision - 1)
        for candidate in (scaled - 1, scaled, scaled + 1):
            if candidate <= 0:
                continue
            as_decimal = Decimal(candidate).scaleb(exp10)
            inside = low < as_decimal < high or (inclusive and as_decimal in (low, high))
            if not inside:
                continue
            digits, exponent = _scientific(str(as_decimal))
            with localcontext() as ctx:
                ctx.prec = 200
                distance = abs(as_decimal - exact)
            key = (distance, len(digits), digits, exponent)
            if best is None or key < best:
                best = key
        if best is not None and precision >= 2:
            break
    if best is None:  # unreachable for finite float32 values; keep a safe answer
        return _scientific(repr(magnitude))
    return best[2], best[3]


def java_float_string(value: float) -> str:
    """Java's ``Float.toString`` of ``value`` rounded to 32 bits (what a FLOAT field holds in
    Flink), e.g. ``140.2``, ``33.2``, ``1.0E-5``, ``1.4E-45``."""
    as_float32 = _to_float32(float(value))
    special = _special(as_float32)
    if special is not None:
        return special
    digits, exponent = _shortest_float32(abs(as_float32))
    return _java_layout(as_float32 < 0, digits, exponent)


# ---------------------------------------------------------------------------------------------
# Rendering of values
# ---------------------------------------------------------------------------------------------


def _generic(value: Any) -> str:
    """Flink's text form of a value with no (or no useful) type information."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return java_double_string(value)
    if isinstance(value, str | int):
        return str(value)
    get_row_kind = getattr(value, "get_row_kind", None)
    if callable(get_row_kind):  # a Row
        return f"{get_row_kind().short_string()}[{', '.join(_generic(v) for v in value)}]"
    if isinstance(value, tuple):
        return "(" + ",".join(_generic(v) for v in value) + ")"
    if isinstance(value, list):
        return "[" + ", ".join(_generic(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_generic(k)}={_generic(v)}" for k, v in value.items()) + "}"
    return str(value)


def _nested(type_info: Any, value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(type_info, TypeInformation):
        return type_info.to_display_string(value)
    return _generic(value)


def _integer(value: Any) -> str:
    return str(int(value)) if isinstance(value, int) else _generic(value)


def _string(value: Any) -> str:
    return value if isinstance(value, str) else _generic(value)


def _boolean(value: Any) -> str:
    return "true" if value else "false"


def _double(value: Any) -> str:
    return java_double_string(value) if isinstance(value, int | float) else _generic(value)


def _float(value: Any) -> str:
    return java_float_string(value) if isinstance(value, int | float) else _generic(value)


def _big_dec(value: Any) -> str:
    # Python's Decimal and Java's BigDecimal.toString follow the same to-scientific-string rules.
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    if isinstance(value, int | Decimal):
        return str(Decimal(value))
    return _generic(value)


def _fraction(nanos: int) -> str:
    """ISO-8601 fraction as java.time prints it: none, or 3, 6 or 9 digits."""
    if nanos == 0:
        return ""
    if nanos % 1_000_000 == 0:
        return f".{nanos // 1_000_000:03d}"
    if nanos % 1_000 == 0:
        return f".{nanos // 1_000:06d}"
    return f".{nanos:09d}"


def _instant(value: Any) -> str:
    """``java.time.Instant.toString``: ``2021-01-01T00:00:00.001Z``."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.astimezone()
        value = value.astimezone(_dt.UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S") + _fraction(value.microsecond * 1000) + "Z"
    seconds, nanos = getattr(value, "seconds", None), getattr(value, "nanos", None)
    if not isinstance(seconds, int) or not isinstance(nanos, int):
        return _generic(value)
    try:
        moment = _dt.datetime(1970, 1, 1) + _dt.timedelta(seconds=seconds)
    except OverflowError:
        return _generic(value)
    return f"{moment.year:04d}" + moment.strftime("-%m-%dT%H:%M:%S") + _fraction(nanos) + "Z"


def _sql_date(value: Any) -> str:
    if isinstance(value, _dt.date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    return _generic(value)


def _sql_time(value: Any) -> str:
    if isinstance(value, _dt.time | _dt.datetime):
        return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    return _generic(value)


def _sql_timestamp(value: Any) -> str:
    """``java.sql.Timestamp.toString``: ``2021-01-01 12:00:00.0`` (nanos, trailing zeros cut)."""
    if not isinstance(value, _dt.datetime):
        return _generic(value)
    nanos = value.microsecond * 1000
    fraction = f"{nanos:09d}".rstrip("0") or "0"
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{fraction}"
    )


def _local_time(value: Any) -> str:
    """``java.time.LocalTime.toString``: ``10:15``, ``10:15:30`` or ``10:15:30.123``."""
    text = f"{value.hour:02d}:{value.minute:02d}"
    nanos = value.microsecond * 1000
    if value.second or nanos:
        text += f":{value.second:02d}" + _fraction(nanos)
    return text


# ---------------------------------------------------------------------------------------------
# Type information classes
# ---------------------------------------------------------------------------------------------


class TypeInformation:
    """Base of all type information: what values of a stream (or state) look like.

    Example::

        Types.ROW_NAMED(["name", "score"], [Types.STRING(), Types.DOUBLE()])
    """

    def to_display_string(self, value: Any) -> str:
        """How Flink's Java ``toString`` renders ``value`` of this type (``print()`` output)."""
        return _generic(value)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __repr__(self) -> str:
        return type(self).__name__

    def __str__(self) -> str:
        return repr(self)


class BasicType(Enum):
    """The basic types; the values are the Java class names PyFlink shows in ``repr``."""

    STRING = "String"
    BYTE = "Byte"
    BOOLEAN = "Boolean"
    SHORT = "Short"
    INT = "Integer"
    LONG = "Long"
    FLOAT = "Float"
    DOUBLE = "Double"
    CHAR = "Char"
    BIG_INT = "BigInteger"
    BIG_DEC = "BigDecimal"
    INSTANT = "Instant"


_BASIC_RENDERERS: dict[BasicType, Callable[[Any], str]] = {
    BasicType.STRING: _string,
    BasicType.BYTE: _integer,
    BasicType.BOOLEAN: _boolean,
    BasicType.SHORT: _integer,
    BasicType.INT: _integer,
    BasicType.LONG: _integer,
    BasicType.FLOAT: _float,
    BasicType.DOUBLE: _double,
    BasicType.CHAR: _string,
    BasicType.BIG_INT: _integer,
    BasicType.BIG_DEC: _big_dec,
    BasicType.INSTANT: _instant,
}


class BasicTypeInfo(TypeInformation):
    """Strings, numbers, booleans, chars, big integers/decimals and instants."""

    def __init__(self, basic_type: BasicType) -> None:
        self._basic_type = basic_type

    def get_basic_type(self) -> BasicType:
        return self._basic_type

    def to_display_string(self, value: Any) -> str:
        if value is None:
            return "null"
        return _BASIC_RENDERERS[self._basic_type](value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BasicTypeInfo) and self._basic_type == other._basic_type

    def __hash__(self) -> int:
        return hash(("BasicTypeInfo", self._basic_type.value))

    def __repr__(self) -> str:
        return self._basic_type.value

    @staticmethod
    def STRING_TYPE_INFO() -> BasicTypeInfo:
        return BasicTypeInfo(BasicType.STRING)

    @staticmethod
    def BOOLEAN_TYPE_INFO() -> BasicTypeInfo:
        return BasicTypeInfo(BasicType.BOOLEAN)

    @staticmethod
    def BYTE_TYPE_INFO() -> BasicTypeInfo:
        return BasicTypeInfo(BasicType.BYTE)

    @staticmethod
    def SHORT_TYPE_INFO() -> BasicTypeInfo:
        return BasicTypeInfo(BasicType.SHORT)

    @staticmethod
    def INT_TYPE_INFO() -> BasicTypeInfo:
        return BasicTypeInfo(BasicType.INT)

    @staticmethod
    def LONG_TYPE_INFO() -> BasicTypeInfo:
        return BasicTypeInfo(BasicType.LONG)

    @staticmethod
    def FLOAT_TYPE_INFO() -> BasicTypeInfo:
        return BasicTypeInfo(BasicType.FLOAT)

    @staticmethod
    def DOUBLE_TYPE_INFO() -> BasicTypeInfo:
        return BasicTypeInfo(BasicType.DOUBLE)

    @staticmethod
    def CHAR_TYPE_INFO() -> BasicTypeInfo:
        return BasicTypeInfo(BasicType.CHAR)

    @staticmethod
    def BIG_INT_TYPE_INFO() -> BasicTypeInfo:
        return BasicTypeInfo(BasicType.BIG_INT)

    @staticmethod
    def BIG_DEC_TYPE_INFO() -> BasicTypeInfo:
        return BasicTypeInfo(BasicType.BIG_DEC)

    @staticmethod
    def INSTANT_TYPE_INFO() -> InstantTypeInfo:
        return InstantTypeInfo(BasicType.INSTANT)


class InstantTypeInfo(BasicTypeInfo):
    """Instants (:class:`weir.common.Instant`), printed as ISO-8601 like ``java.time.Instant``."""

    def __init__(self, basic_type: BasicType = BasicType.INSTANT) -> None:
        super().__init__(basic_type)


class SqlTimeTypeInfo(TypeInformation):
    """Factories of the SQL date/time types (``datetime.date``/``time``/``datetime`` values)."""

    @staticmethod
    def DATE() -> DateTypeInfo:
        return DateTypeInfo()

    @staticmethod
    def TIME() -> TimeTypeInfo:
        return TimeTypeInfo()

    @staticmethod
    def TIMESTAMP() -> TimestampTypeInfo:
        return TimestampTypeInfo()


class DateTypeInfo(TypeInformation):
    """``java.sql.Date``: prints as ``2021-01-31``."""

    def to_display_string(self, value: Any) -> str:
        return "null" if value is None else _sql_date(value)


class TimeTypeInfo(TypeInformation):
    """``java.sql.Time``: prints as ``12:30:00`` (no fraction)."""

    def to_display_string(self, value: Any) -> str:
        return "null" if value is None else _sql_time(value)


class TimestampTypeInfo(TypeInformation):
    """``java.sql.Timestamp``: prints as ``2021-01-31 12:30:00.0``."""

    def to_display_string(self, value: Any) -> str:
        return "null" if value is None else _sql_timestamp(value)


class LocalTimeTypeInfo(TypeInformation):
    """``java.time`` local dates and times (``LocalDate``, ``LocalTime``, ``LocalDateTime``)."""

    class TimeType(Enum):
        LOCAL_DATE = 0
        LOCAL_TIME = 1
        LOCAL_DATE_TIME = 2

    def __init__(self, time_type: LocalTimeTypeInfo.TimeType) -> None:
        self._time_type = time_type

    def to_display_string(self, value: Any) -> str:
        if value is None:
            return "null"
        kind = self._time_type
        if kind is LocalTimeTypeInfo.TimeType.LOCAL_DATE and isinstance(value, _dt.date):
            return _sql_date(value)
        if kind is LocalTimeTypeInfo.TimeType.LOCAL_TIME and isinstance(value, _dt.time):
            return _local_time(value)
        if kind is LocalTimeTypeInfo.TimeType.LOCAL_DATE_TIME and isinstance(value, _dt.datetime):
            return f"{_sql_date(value)}T{_local_time(value)}"
        return _generic(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocalTimeTypeInfo) and self._time_type == other._time_type

    def __hash__(self) -> int:
        return hash(("LocalTimeTypeInfo", self._time_type.value))

    def __repr__(self) -> str:
        return f"LocalTimeTypeInfo<{self._time_type.name}>"


class PickledBytesTypeInfo(TypeInformation):
    """Any picklable Python object; prints as ``str(value)``."""

    def to_display_string(self, value: Any) -> str:
        return str(value)

    def __repr__(self) -> str:
        return "PickledByteArrayTypeInfo"


class _ArrayTypeInfo(TypeInformation):
    _label = "ArrayTypeInfo"

    def __init__(self, element_type: TypeInformation) -> None:
        self._element_type = element_type

    def get_element_type(self) -> TypeInformation:
        return self._element_type

    def to_display_string(self, value: Any) -> str:
        if value is None:
            return "null"
        element = self._element_type
        if isinstance(value, bytes | bytearray) and element == Types.BYTE():
            # Java bytes are signed: Arrays.toString(new byte[]{(byte) 200}) is "[-56]".
            return "[" + ", ".join(str(b - 256 if b > 127 else b) for b in value) + "]"
        return "[" + ", ".join(_nested(element, v) for v in value) + "]"

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return False
        return self._element_type == other._element_type  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self._label, self._element_type))

    def __repr__(self) -> str:
        return f"{self._label}<{self._element_type!r}>"


class PrimitiveArrayTypeInfo(_ArrayTypeInfo):
    """Arrays of a primitive type (``int[]``, ``byte[]``...); ``bytes`` values for BYTE."""

    _label = "PrimitiveArrayTypeInfo"


class BasicArrayTypeInfo(_ArrayTypeInfo):
    """Arrays of boxed basic types (``Integer[]``, ``String[]``...)."""

    _label = "BasicArrayTypeInfo"


class ObjectArrayTypeInfo(_ArrayTypeInfo):
    """Arrays of any type (``Row[]``...)."""

    _label = "ObjectArrayTypeInfo"


class RowTypeInfo(TypeInformation):
    """Rows (:class:`weir.common.Row`, or tuples/lists/dicts): prints as ``+I[a, 1]``.

    Example::

        t = Types.ROW_NAMED(["name", "id"], [Types.STRING(), Types.INT()])
        t.get_field_index("id")                       # 1
        t.to_display_string(Row(name="a", id=1))      # '+I[a, 1]'
    """

    def __init__(
        self, field_types: list[TypeInformation], field_names: list[str] | None = None
    ) -> None:
        self._field_types = list(field_types)
        self._field_names = list(field_names) if field_names is not None else None
        if self._field_names is not None and len(self._field_names) != len(self._field_types):
            raise ValueError(
                f"{len(self._field_names)} field names for {len(self._field_types)} field types"
            )

    def get_field_names(self) -> list[str]:
        """The field names; ``f0``, ``f1``... when none were given."""
        if self._field_names is None:
            return [f"f{i}" for i in range(len(self._field_types))]
        return list(self._field_names)

    def get_field_index(self, field_name: str) -> int:
        """Position of ``field_name``, or -1."""
        names = self.get_field_names()
        return names.index(field_name) if field_name in names else -1

    def get_field_types(self) -> list[TypeInformation]:
        return list(self._field_types)

    def get_field_type(self, field: int | str) -> TypeInformation:
        index = self.get_field_index(field) if isinstance(field, str) else field
        if index < 0:
            raise KeyError(field)
        return self._field_types[index]

    def get_arity(self) -> int:
        return len(self._field_types)

    def _field_values(self, value: Any) -> list[Any]:
        if isinstance(value, dict):
            return [value.get(n) for n in self.get_field_names()]
        row_fields = getattr(value, "_fields", None)
        if (
            self._field_names is not None
            and row_fields
            and callable(getattr(value, "as_dict", None))
            and set(self._field_names) <= set(row_fields)
        ):
            # A Row with names is matched to the type by name, as PyFlink does.
            return [value[n] for n in self._field_names]
        return list(value)

    def to_display_string(self, value: Any) -> str:
        if value is None:
            return "null"
        get_row_kind = getattr(value, "get_row_kind", None)
        kind = get_row_kind().short_string() if callable(get_row_kind) else "+I"
        values = self._field_values(value)
        types = self._field_types
        fields = [
            _nested(types[i] if i < len(types) else None, v) for i, v in enumerate(values)
        ]
        return f"{kind}[{', '.join(fields)}]"

    def __eq__(self, other: object) -> bool:
        # As in PyFlink, rows with the same field types are the same type whatever the names.
        return isinstance(other, RowTypeInfo) and self._field_types == other._field_types

    def __hash__(self) -> int:
        return hash(("RowTypeInfo", tuple(self._field_types)))

    def __repr__(self) -> str:
        if self._field_names is not None:
            return "RowTypeInfo(%s)" % ", ".join(
                f"{n}: {t!r}" for n, t in zip(self._field_names, self._field_types, strict=True)
            )
        return "RowTypeInfo(%s)" % ", ".join(repr(t) for t in self._field_types)


class TupleTypeInfo(TypeInformation):
    """Tuples: prints as Flink's ``Tuple.toString``, ``(word,1)`` (no spaces)."""

    def __init__(self, field_types: list[TypeInformation]) -> None:
        self._field_types = list(field_types)

    def get_field_types(self) -> list[TypeInformation]:
        return list(self._field_types)

    def get_arity(self) -> int:
        return len(self._field_types)

    def to_display_string(self, value: Any) -> str:
        if value is None:
            return "null"
        types = self._field_types
        fields = [_nested(types[i] if i < len(types) else None, v) for i, v in enumerate(value)]
        return f"({','.join(fields)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TupleTypeInfo) and self._field_types == other._field_types

    def __hash__(self) -> int:
        return hash(("TupleTypeInfo", tuple(self._field_types)))

    def __repr__(self) -> str:
        return "TupleTypeInfo(%s)" % ", ".join(repr(t) for t in self._field_types)


class ListTypeInfo(TypeInformation):
    """Lists: prints as ``[a, b]``."""

    def __init__(self, element_type: TypeInformation) -> None:
        self.elem_type = element_type

    def to_display_string(self, value: Any) -> str:
        if value is None:
            return "null"
        return "[" + ", ".join(_nested(self.elem_type, v) for v in value) + "]"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ListTypeInfo) and self.elem_type == other.elem_type

    def __hash__(self) -> int:
        return hash(("ListTypeInfo", self.elem_type))

    def __repr__(self) -> str:
        return f"ListTypeInfo<{self.elem_type!r}>"


class MapTypeInfo(TypeInformation):
    """Dicts: prints as ``{k=v, k2=v2}`` (in the dict's order)."""

    def __init__(self, key_type_info: TypeInformation, value_type_info: TypeInformation) -> None:
        self._key_type_info = key_type_info
        self._value_type_info = value_type_info

    def get_key_type_info(self) -> TypeInformation:
        return self._key_type_info

    def get_value_type_info(self) -> TypeInformation:
        return self._value_type_info

    def to_display_string(self, value: Any) -> str:
        if value is None:
            return "null"
        k_type, v_type = self._key_type_info, self._value_type_info
        items = (f"{_nested(k_type, k)}={_nested(v_type, v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, MapTypeInfo)
            and self._key_type_info == other._key_type_info
            and self._value_type_info == other._value_type_info
        )

    def __hash__(self) -> int:
        return hash(("MapTypeInfo", self._key_type_info, self._value_type_info))

    def __repr__(self) -> str:
        return f"MapTypeInfo<{self._key_type_info!r}, {self._value_type_info!r}>"


def display_string(value: Any, type_info: TypeInformation | None) -> str:
    """How ``print()`` renders ``value``: Flink's text form when typed, ``str(value)`` otherwise
    (PyFlink maps untyped records through ``str`` before printing)."""
    if type_info is None:
        return str(value)
    return type_info.to_display_string(value)


class Types:
    """Factories of type information, as in PyFlink.

    Example::

        Types.TUPLE([Types.STRING(), Types.INT()]).to_display_string(("a", 1))   # '(a,1)'
        Types.ROW([Types.STRING(), Types.INT()]).to_display_string(Row("a", 1))  # '+I[a, 1]'
    """

    @staticmethod
    def STRING() -> TypeInformation:
        """``str`` values."""
        return BasicTypeInfo.STRING_TYPE_INFO()

    @staticmethod
    def BYTE() -> TypeInformation:
        """Integers in [-128, 127]."""
        return BasicTypeInfo.BYTE_TYPE_INFO()

    @staticmethod
    def BOOLEAN() -> TypeInformation:
        """``bool`` values; print as ``true``/``false``."""
        return BasicTypeInfo.BOOLEAN_TYPE_INFO()

    @staticmethod
    def SHORT() -> TypeInformation:
        """16-bit integers."""
        return BasicTypeInfo.SHORT_TYPE_INFO()

    @staticmethod
    def INT() -> TypeInformation:
        """32-bit integers."""
        return BasicTypeInfo.INT_TYPE_INFO()

    @staticmethod
    def LONG() -> TypeInformation:
        """64-bit integers."""
        return BasicTypeInfo.LONG_TYPE_INFO()

    @staticmethod
    def FLOAT() -> TypeInformation:
        """32-bit floats; print as Java's ``Float.toString``."""
        return BasicTypeInfo.FLOAT_TYPE_INFO()

    @staticmethod
    def DOUBLE() -> TypeInformation:
        """64-bit floats; print as Java's ``Double.toString``."""
        return BasicTypeInfo.DOUBLE_TYPE_INFO()

    @staticmethod
    def CHAR() -> TypeInformation:
        """One-character strings."""
        return BasicTypeInfo.CHAR_TYPE_INFO()

    @staticmethod
    def BIG_INT() -> TypeInformation:
        """Arbitrary-size integers."""
        return BasicTypeInfo.BIG_INT_TYPE_INFO()

    @staticmethod
    def BIG_DEC() -> TypeInformation:
        """``decimal.Decimal`` values."""
        return BasicTypeInfo.BIG_DEC_TYPE_INFO()

    @staticmethod
    def INSTANT() -> TypeInformation:
        """:class:`weir.common.Instant` values."""
        return BasicTypeInfo.INSTANT_TYPE_INFO()

    @staticmethod
    def SQL_DATE() -> TypeInformation:
        """``datetime.date`` values."""
        return SqlTimeTypeInfo.DATE()

    @staticmethod
    def SQL_TIME() -> TypeInformation:
        """``datetime.time`` values."""
        return SqlTimeTypeInfo.TIME()

    @staticmethod
    def SQL_TIMESTAMP() -> TypeInformation:
        """``datetime.datetime`` values."""
        return SqlTimeTypeInfo.TIMESTAMP()

    @staticmethod
    def PICKLED_BYTE_ARRAY() -> TypeInformation:
        """Any picklable object (what an untyped PyFlink stream carries)."""
        return PickledBytesTypeInfo()

    @staticmethod
    def ROW(field_types: list[TypeInformation]) -> RowTypeInfo:
        """Rows with the given field types (named ``f0``, ``f1``...)."""
        return RowTypeInfo(field_types)

    @staticmethod
    def ROW_NAMED(field_names: list[str], field_types: list[TypeInformation]) -> RowTypeInfo:
        """Rows with the given field names and types."""
        return RowTypeInfo(field_types, field_names)

    @staticmethod
    def TUPLE(field_types: list[TypeInformation]) -> TupleTypeInfo:
        """Tuples with the given field types."""
        return TupleTypeInfo(field_types)

    @staticmethod
    def PRIMITIVE_ARRAY(element_type: TypeInformation) -> TypeInformation:
        """Arrays of a primitive type, e.g. ``Types.PRIMITIVE_ARRAY(Types.INT())``."""
        return PrimitiveArrayTypeInfo(element_type)

    @staticmethod
    def BASIC_ARRAY(element_type: TypeInformation) -> TypeInformation:
        """Arrays of a boxed basic type, e.g. ``Types.BASIC_ARRAY(Types.STRING())``."""
        return BasicArrayTypeInfo(element_type)

    @staticmethod
    def OBJECT_ARRAY(element_type: TypeInformation) -> TypeInformation:
        """Arrays of any type."""
        return ObjectArrayTypeInfo(element_type)

    @staticmethod
    def MAP(key_type_info: TypeInformation, value_type_info: TypeInformation) -> TypeInformation:
        """Dicts with the given key and value types."""
        return MapTypeInfo(key_type_info, value_type_info)

    @staticmethod
    def LIST(element_type_info: TypeInformation) -> TypeInformation:
        """Lists with the given element type."""
        return ListTypeInfo(element_type_info)
