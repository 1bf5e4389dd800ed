"""Row and RowKind semantics, as in PyFlink."""

from __future__ import annotations

import copy
import pickle

import cloudpickle
import pytest

from weir.common import Row, RowKind


def test_positional_row():
    r = Row("a", 1, None)
    assert len(r) == 3
    assert r[0] == "a" and r[1] == 1 and r[2] is None
    assert r[-1] is None
    assert r[0:2] == ["a", 1]
    assert list(r) == ["a", 1, None]
    a, b, c = r
    assert (a, b, c) == ("a", 1, None)
    assert repr(r) == "<Row('a', 1, None)>"
    assert str(r) == "<Row('a', 1, None)>"


def test_keyword_row_fields_are_sorted_by_name():
    r = Row(name="Alice", age=11)
    assert repr(r) == "Row(age=11, name='Alice')"
    assert list(r) == [11, "Alice"]
    assert r.name == "Alice" and r.age == 11
    assert r["name"] == "Alice" and r[0] == 11
    assert r.as_dict() == {"age": 11, "name": "Alice"}


def test_missing_fields():
    r = Row(name="Alice")
    with pytest.raises(AttributeError):
        _ = r.missing
    with pytest.raises(KeyError):
        _ = r["missing"]
    with pytest.raises(KeyError):
        _ = Row(1)["name"]
    with pytest.raises(AttributeError):
        _ = Row(1).name
    with pytest.raises(IndexError):
        _ = Row(1)[5]


def test_mixed_arguments_rejected():
    with pytest.raises(ValueError):
        Row(1, name="a")


def test_contains_checks_names_when_named_else_values():
    assert "name" in Row(name="Alice", age=11)
    assert "Alice" not in Row(name="Alice", age=11)
    assert "Alice" in Row("Alice", 11)
    assert "name" not in Row("Alice", 11)


def test_assignment_by_position_and_name():
    r = Row(name="Alice", age=11)
    r[0] = 12
    r["name"] = "Bob"
    assert r == Row(name="Bob", age=12)
    p = Row(1, 2)
    p[1] = 3
    assert p == Row(1, 3)
    with pytest.raises(KeyError):
        p["x"] = 1
    with pytest.raises(AttributeError):
        r.name = "Carol"  # attributes are read-only, as in PyFlink


def test_set_field_names_and_as_dict():
    r = Row("Alice", 11)
    with pytest.raises(TypeError):
        r.as_dict()
    r.set_field_names(["name", "age"])
    assert r.name == "Alice"
    assert r.as_dict() == {"name": "Alice", "age": 11}
    assert repr(r) == "Row(name='Alice', age=11)"
    assert r.get_fields_by_names(["age", "name"]) == [11, "Alice"]


def test_as_dict_recursive():
    r = Row(key=1, value=Row(name="a", age=2), items=[Row(x=1)], d={"k": Row(y=2)})
    assert r.as_dict()["value"] == Row(name="a", age=2)
    assert r.as_dict(True) == {
        "key": 1,
        "value": {"name": "a", "age": 2},
        "items": [{"x": 1}],
        "d": {"k": {"y": 2}},
    }


def test_row_as_a_class():
    Person = Row("name", "age")
    assert "name" in Person
    alice = Person("Alice", 11)
    assert alice.as_dict() == {"name": "Alice", "age": 11}
    assert list(alice) == ["Alice", 11]  # the template's order, not sorted
    assert repr(alice) == "Row(name='Alice', age=11)"
    assert alice.age == 11
    with pytest.raises(ValueError):
        Person(1, 2, 3)


def test_equality_and_hash():
    assert Row("a", 1) == Row("a", 1)
    assert Row("a", 1) != Row("a", 2)
    assert Row("a", 1) != ("a", 1)
    assert Row(a=1) == Row(a=1)
    assert Row(a=1) != Row(b=1)
    assert Row(1) != Row(a=1)
    assert hash(Row("a", 1)) == hash(Row("a", 1)) == hash(("a", 1))
    assert len({Row("a", 1), Row("a", 1), Row("b", 1)}) == 2
    deleted = Row("a", 1)
    deleted.set_row_kind(RowKind.DELETE)
    assert deleted != Row("a", 1)


def test_row_kind():
    r = Row(1)
    assert r.get_row_kind() is RowKind.INSERT
    r.set_row_kind(RowKind.UPDATE_AFTER)
    assert r.get_row_kind() is RowKind.UPDATE_AFTER
    assert [k.short_string() for k in RowKind] == ["+I", "-U", "+U", "-D"]
    assert [k.value for k in RowKind] == [0, 1, 2, 3]
    assert str(RowKind.DELETE) == "-D"


@pytest.mark.parametrize("dumps", [pickle.dumps, cloudpickle.dumps])
def test_pickling_keeps_values_names_and_kind(dumps):
    r = Row(name="a", n=Row(1, 2))
    r.set_row_kind(RowKind.UPDATE_BEFORE)
    back = pickle.loads(dumps(r))
    assert back == r
    assert back.get_row_kind() is RowKind.UPDATE_BEFORE
    assert back.name == "a"
    positional = pickle.loads(dumps(Row(1, "x")))
    assert positional == Row(1, "x")
    assert repr(positional) == "<Row(1, 'x')>"


def test_copy_is_shallow_and_independent():
    r = Row(name="a", items=[1])
    c = copy.copy(r)
    assert c == r and c is not r
    c["name"] = "b"
    assert r.name == "a"
    assert c.items is r.items
    d = copy.deepcopy(r)
    assert d == r and d.items is not r.items
