"""Type information: factories, equality, repr, and Flink's text form of values."""

from __future__ import annotations

import datetime as dt
import pickle
import struct
from decimal import Decimal

import cloudpickle
import pytest

from weir.common import Instant, Row, RowKind, Types
from weir.common.typeinfo import (
    BasicTypeInfo,
    ListTypeInfo,
    LocalTimeTypeInfo,
    MapTypeInfo,
    PickledBytesTypeInfo,
    RowTypeInfo,
    TupleTypeInfo,
    TypeInformation,
    display_string,
    java_double_string,
    java_float_string,
)

# -- factories, equality, repr ------------------------------------------------------------------

ALL_FACTORIES = [
    Types.STRING, Types.BYTE, Types.BOOLEAN, Types.SHORT, Types.INT, Types.LONG, Types.FLOAT,
    Types.DOUBLE, Types.CHAR, Types.BIG_INT, Types.BIG_DEC, Types.INSTANT, Types.SQL_DATE,
    Types.SQL_TIME, Types.SQL_TIMESTAMP, Types.PICKLED_BYTE_ARRAY,
]


@pytest.mark.parametrize("factory", ALL_FACTORIES)
def test_every_simple_factory_is_equal_to_itself_and_hashable(factory):
    a, b = factory(), factory()
    assert isinstance(a, TypeInformation)
    assert a == b and hash(a) == hash(b)
    assert {a: 1}[b] == 1


def test_different_basic_types_differ():
    assert Types.INT() != Types.LONG()
    assert Types.STRING() != Types.PICKLED_BYTE_ARRAY()
    assert Types.SQL_DATE() != Types.SQL_TIME()
    assert len({f() for f in ALL_FACTORIES}) == len(ALL_FACTORIES)


def test_reprs_like_pyflink():
    assert repr(Types.STRING()) == "String"
    assert repr(Types.INT()) == "Integer"
    assert repr(Types.BIG_DEC()) == "BigDecimal"
    assert repr(Types.PICKLED_BYTE_ARRAY()) == "PickledByteArrayTypeInfo"
    assert repr(Types.SQL_DATE()) == "DateTypeInfo"
    assert repr(Types.LIST(Types.INT())) == "ListTypeInfo<Integer>"
    assert repr(Types.MAP(Types.STRING(), Types.LONG())) == "MapTypeInfo<String, Long>"
    assert repr(Types.PRIMITIVE_ARRAY(Types.INT())) == "PrimitiveArrayTypeInfo<Integer>"
    assert repr(Types.BASIC_ARRAY(Types.STRING())) == "BasicArrayTypeInfo<String>"
    assert repr(Types.OBJECT_ARRAY(Types.STRING())) == "ObjectArrayTypeInfo<String>"
    assert repr(Types.TUPLE([Types.STRING(), Types.INT()])) == "TupleTypeInfo(String, Integer)"
    assert repr(Types.ROW([Types.STRING(), Types.INT()])) == "RowTypeInfo(String, Integer)"
    named = Types.ROW_NAMED(["word", "n"], [Types.STRING(), Types.INT()])
    assert repr(named) == "RowTypeInfo(word: String, n: Integer)"
    assert str(named) == repr(named)


def test_composite_equality():
    assert Types.TUPLE([Types.STRING(), Types.INT()]) == Types.TUPLE([Types.STRING(), Types.INT()])
    assert Types.TUPLE([Types.STRING(), Types.INT()]) != Types.TUPLE([Types.INT(), Types.INT()])
    assert Types.LIST(Types.INT()) == Types.LIST(Types.INT())
    assert Types.LIST(Types.INT()) != Types.LIST(Types.LONG())
    assert Types.MAP(Types.STRING(), Types.INT()) == Types.MAP(Types.STRING(), Types.INT())
    assert Types.MAP(Types.STRING(), Types.INT()) != Types.MAP(Types.STRING(), Types.LONG())
    assert Types.PRIMITIVE_ARRAY(Types.INT()) != Types.BASIC_ARRAY(Types.INT())
    # As in PyFlink, row types compare by field types only.
    assert Types.ROW([Types.INT()]) == Types.ROW_NAMED(["x"], [Types.INT()])
    assert hash(Types.ROW([Types.INT()])) == hash(Types.ROW_NAMED(["x"], [Types.INT()]))
    assert Types.ROW([Types.INT()]) != Types.TUPLE([Types.INT()])


def test_row_type_info_accessors():
    t = Types.ROW_NAMED(["name", "id"], [Types.STRING(), Types.INT()])
    assert isinstance(t, RowTypeInfo)
    assert t.get_field_names() == ["name", "id"]
    assert t.get_field_types() == [Types.STRING(), Types.INT()]
    assert t.get_field_index("id") == 1
    assert t.get_field_index("missing") == -1
    assert t.get_field_type("name") == Types.STRING()
    assert t.get_arity() == 2
    unnamed = Types.ROW([Types.STRING(), Types.INT()])
    assert unnamed.get_field_names() == ["f0", "f1"]
    assert unnamed.get_field_index("f1") == 1
    with pytest.raises(ValueError):
        Types.ROW_NAMED(["a"], [Types.INT(), Types.INT()])


def test_other_accessors():
    assert isinstance(Types.TUPLE([Types.INT()]), TupleTypeInfo)
    assert Types.TUPLE([Types.INT(), Types.STRING()]).get_field_types() == [
        Types.INT(), Types.STRING()
    ]
    assert isinstance(Types.LIST(Types.INT()), ListTypeInfo)
    assert Types.LIST(Types.INT()).elem_type == Types.INT()
    m = Types.MAP(Types.STRING(), Types.INT())
    assert isinstance(m, MapTypeInfo)
    assert m.get_key_type_info() == Types.STRING() and m.get_value_type_info() == Types.INT()
    assert isinstance(Types.STRING(), BasicTypeInfo)
    assert isinstance(Types.PICKLED_BYTE_ARRAY(), PickledBytesTypeInfo)


@pytest.mark.parametrize("dumps", [pickle.dumps, cloudpickle.dumps])
def test_type_infos_pickle(dumps):
    types = [
        Types.ROW_NAMED(["a", "b"], [Types.STRING(), Types.LIST(Types.DOUBLE())]),
        Types.TUPLE([Types.INT(), Types.MAP(Types.STRING(), Types.FLOAT())]),
        Types.PRIMITIVE_ARRAY(Types.BYTE()),
        Types.INSTANT(),
        Types.PICKLED_BYTE_ARRAY(),
    ]
    for t in types:
        copy = pickle.loads(dumps(t))
        assert copy == t
        assert repr(copy) == repr(t)


# -- Java number formatting ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (110.1, "110.1"),
        (1.0, "1.0"),
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (100.0, "100.0"),
        (-2.5, "-2.5"),
        (0.1, "0.1"),
        (0.001, "0.001"),
        (0.00099, "9.9E-4"),
        (1e-05, "1.0E-5"),
        (9999999.0, "9999999.0"),
        (1e7, "1.0E7"),
        (12345678.9, "1.23456789E7"),
        (123456789.0, "1.23456789E8"),
        (1e21, "1.0E21"),
        (1e23, "1.0E23"),
        (1.7976931348623157e308, "1.7976931348623157E308"),
        (5e-324, "4.9E-324"),
        (0.1 + 0.2, "0.30000000000000004"),
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
    ],
)
def test_java_double_to_string(value, expected):
    assert java_double_string(value) == expected
    assert Types.DOUBLE().to_display_string(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (140.2, "140.2"),
        (20.1 + 13.1, "33.2"),
        (0.1, "0.1"),
        (1.0, "1.0"),
        (1e-5, "1.0E-5"),
        (1e7, "1.0E7"),
        (1e10, "1.0E10"),
        (123456.789, "123456.79"),
        (16777217.0, "1.6777216E7"),
        (3.4028234663852886e38, "3.4028235E38"),
        (1.401298464324817e-45, "1.4E-45"),
        (1e39, "Infinity"),
        (-1e39, "-Infinity"),
        (float("nan"), "NaN"),
        (-0.0, "-0.0"),
    ],
)
def test_java_float_to_string(value, expected):
    assert java_float_string(value) == expected
    assert Types.FLOAT().to_display_string(value) == expected


def test_float_strings_read_back_as_the_same_float32():
    def f32(x: float) -> float:
        return struct.unpack("<f", struct.pack("<f", x))[0]

    for bits in range(0x3F800000, 0x3F800000 + 2000, 7):
        x = struct.unpack("<f", struct.pack("<I", bits))[0]
        text = java_float_string(x)
        assert f32(float(text)) == x, (x, text)


def test_double_strings_read_back_as_the_same_double():
    for x in [1 / 3, 2 / 3, 1e-300, 6.02214076e23, 299792458.0, 0.5, 1234.5678]:
        assert float(java_double_string(x)) == x


# -- display strings ----------------------------------------------------------------------------

def test_basic_values():
    assert Types.STRING().to_display_string("word") == "word"
    assert Types.INT().to_display_string(42) == "42"
    assert Types.LONG().to_display_string(-7) == "-7"
    assert Types.SHORT().to_display_string(3) == "3"
    assert Types.BYTE().to_display_string(-1) == "-1"
    assert Types.BIG_INT().to_display_string(10**30) == "1" + "0" * 30
    assert Types.BOOLEAN().to_display_string(True) == "true"
    assert Types.BOOLEAN().to_display_string(False) == "false"
    assert Types.CHAR().to_display_string("x") == "x"
    assert Types.DOUBLE().to_display_string(3) == "3.0"
    for t in (Types.STRING(), Types.INT(), Types.DOUBLE(), Types.BOOLEAN(), Types.INSTANT()):
        assert t.to_display_string(None) == "null"


def test_big_decimal_like_java():
    t = Types.BIG_DEC()
    assert t.to_display_string(Decimal("123.4500")) == "123.4500"
    assert t.to_display_string(Decimal("0.0000001")) == "1E-7"
    assert t.to_display_string(Decimal("1E+3")) == "1E+3"
    assert t.to_display_string(5) == "5"


def test_time_values_like_java():
    assert Types.INSTANT().to_display_string(Instant.of_epoch_milli(0)) == "1970-01-01T00:00:00Z"
    assert (
        Types.INSTANT().to_display_string(Instant.of_epoch_milli(1_600_000_000_123))
        == "2020-09-13T12:26:40.123Z"
    )
    assert Types.INSTANT().to_display_string(Instant(1, 500)) == "1970-01-01T00:00:01.000000500Z"
    assert Types.SQL_DATE().to_display_string(dt.date(2021, 3, 4)) == "2021-03-04"
    assert Types.SQL_TIME().to_display_string(dt.time(9, 5, 7, 123)) == "09:05:07"
    ts = Types.SQL_TIMESTAMP()
    assert ts.to_display_string(dt.datetime(2021, 3, 4, 9, 5, 7)) == "2021-03-04 09:05:07.0"
    assert ts.to_display_string(dt.datetime(2021, 3, 4, 9, 5, 7, 120000)) == (
        "2021-03-04 09:05:07.12"
    )
    local_time = LocalTimeTypeInfo(LocalTimeTypeInfo.TimeType.LOCAL_TIME)
    assert local_time.to_display_string(dt.time(10, 15)) == "10:15"
    assert local_time.to_display_string(dt.time(10, 15, 30, 1000)) == "10:15:30.001"
    local_dt = LocalTimeTypeInfo(LocalTimeTypeInfo.TimeType.LOCAL_DATE_TIME)
    assert local_dt.to_display_string(dt.datetime(2021, 1, 2, 3, 4, 5)) == "2021-01-02T03:04:05"


def test_tuple_like_flink_tuple_to_string():
    t = Types.TUPLE([Types.STRING(), Types.INT()])
    assert t.to_display_string(("word", 1)) == "(word,1)"
    assert t.to_display_string(["word", 1]) == "(word,1)"
    assert t.to_display_string(("word", None)) == "(word,null)"
    nested = Types.TUPLE([Types.STRING(), Types.TUPLE([Types.DOUBLE(), Types.BOOLEAN()])])
    assert nested.to_display_string(("a", (1.0, True))) == "(a,(1.0,true))"


def test_row_like_flink_row_to_string():
    t = Types.ROW([Types.STRING(), Types.INT()])
    assert t.to_display_string(Row("a", 1)) == "+I[a, 1]"
    assert t.to_display_string(("a", 1)) == "+I[a, 1]"
    row = Row("a", 1)
    row.set_row_kind(RowKind.UPDATE_BEFORE)
    assert t.to_display_string(row) == "-U[a, 1]"
    row.set_row_kind(RowKind.DELETE)
    assert t.to_display_string(row) == "-D[a, 1]"
    assert t.to_display_string(Row("a", None)) == "+I[a, null]"


def test_named_row_fields_are_matched_by_name():
    t = Types.ROW_NAMED(["name", "id"], [Types.STRING(), Types.INT()])
    # keyword rows are sorted (id, name); the type's order wins, as in PyFlink
    assert t.to_display_string(Row(name="a", id=1)) == "+I[a, 1]"
    assert t.to_display_string({"id": 2, "name": "b"}) == "+I[b, 2]"
    assert t.to_display_string(Row("c", 3)) == "+I[c, 3]"


def test_nested_values_render_with_their_types():
    t = Types.ROW([
        Types.STRING(),
        Types.DOUBLE(),
        Types.LIST(Types.FLOAT()),
        Types.MAP(Types.STRING(), Types.BOOLEAN()),
        Types.ROW([Types.INT(), Types.TUPLE([Types.STRING(), Types.LONG()])]),
    ])
    value = Row("x", 1e7, [0.5, 140.2], {"k": True, "j": False}, Row(1, ("y", 2)))
    assert t.to_display_string(value) == (
        "+I[x, 1.0E7, [0.5, 140.2], {k=true, j=false}, +I[1, (y,2)]]"
    )


def test_lists_arrays_and_maps():
    assert Types.LIST(Types.STRING()).to_display_string(["a", "b"]) == "[a, b]"
    assert Types.LIST(Types.INT()).to_display_string([]) == "[]"
    assert Types.BASIC_ARRAY(Types.DOUBLE()).to_display_string([1.0, None]) == "[1.0, null]"
    assert Types.PRIMITIVE_ARRAY(Types.INT()).to_display_string([1, 2, 3]) == "[1, 2, 3]"
    assert Types.PRIMITIVE_ARRAY(Types.BYTE()).to_display_string(b"\x01\xc8") == "[1, -56]"
    assert Types.PRIMITIVE_ARRAY(Types.CHAR()).to_display_string("ab") == "[a, b]"
    assert Types.OBJECT_ARRAY(Types.TUPLE([Types.INT()])).to_display_string([(1,)]) == "[(1)]"
    m = Types.MAP(Types.STRING(), Types.DOUBLE())
    assert m.to_display_string({"a": 1.0, "b": 1e-5}) == "{a=1.0, b=1.0E-5}"
    assert m.to_display_string({}) == "{}"


def test_pickled_and_untyped_values_use_str():
    assert Types.PICKLED_BYTE_ARRAY().to_display_string(("a", 1)) == "('a', 1)"
    assert display_string(("a", 1), None) == "('a', 1)"
    assert display_string(1.0, None) == "1.0"
    assert display_string(Row("a", 1), None) == "<Row('a', 1)>"
    assert display_string(("a", 1), Types.TUPLE([Types.STRING(), Types.INT()])) == "(a,1)"
    assert display_string(True, Types.BOOLEAN()) == "true"
