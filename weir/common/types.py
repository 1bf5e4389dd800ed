"""Row and RowKind, as in ``pyflink.common.types``."""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Any

__all__ = ["Row", "RowKind"]


class RowKind(Enum):
    """The change a row describes in a changelog: insert, update (before/after) or delete."""

    INSERT = 0
    UPDATE_BEFORE = 1
    UPDATE_AFTER = 2
    DELETE = 3

    def short_string(self) -> str:
        """``+I``, ``-U``, ``+U`` or ``-D``, as Flink prints it in front of a row."""
        return _SHORT_STRINGS[self.value]

    def __str__(self) -> str:
        return self.short_string()


_SHORT_STRINGS = ("+I", "-U", "+U", "-D")
_ROW_KINDS = tuple(RowKind)


def _create_row(fields: list[str] | None, values: Any, row_kind: Any = 0) -> Row:
    """Rebuild a row (used by pickle and by ``Row.__call__``)."""
    row = Row(*values)
    row._fields = list(fields) if fields is not None else None
    row._row_kind = row_kind if isinstance(row_kind, RowKind) else _ROW_KINDS[row_kind]
    return row


class Row:
    """A record with positional fields and optional field names, as in PyFlink.

    Fields are read like attributes (``row.name``), by position (``row[0]``) or by name
    (``row["name"]``), and can be assigned by position or name. As in PyFlink, keyword fields are
    sorted by name: ``Row(name="a", id=1)`` has the fields ``id, name``.

    Example::

        r = Row(score=3, name="Alice")  # keyword fields are sorted by name
        r.name, r["score"], r[0]        # ('Alice', 3, 'Alice')
        r.as_dict()                     # {'name': 'Alice', 'score': 3}
        Row("a", 1)                     # positional: <Row('a', 1)>
        Person = Row("name", "age")     # a row "class"
        Person("Bob", 30)               # Row(name='Bob', age=30)
    """

    __slots__ = ("_values", "_fields", "_row_kind")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and kwargs:
            raise ValueError("Can not use both args and kwargs to create Row")
        if kwargs:
            names = sorted(kwargs)
            self._fields: list[str] | None = names
            self._values: list[Any] = [kwargs[n] for n in names]
        else:
            self._fields = None
            self._values = list(args)
        self._row_kind = RowKind.INSERT

    # -- names and kind ------------------------------------------------------------------------

    def as_dict(self, recursive: bool = False) -> dict[str, Any]:
        """The fields as a dict (``recursive``: nested rows, lists and dicts too)."""
        if self._fields is None:
            raise TypeError("Cannot convert a Row without field names into a dict")
        if not recursive:
            return dict(zip(self._fields, self._values, strict=False))
        return {k: _as_plain(v) for k, v in zip(self._fields, self._values, strict=False)}

    def get_row_kind(self) -> RowKind:
        return self._row_kind

    def set_row_kind(self, row_kind: RowKind) -> None:
        self._row_kind = row_kind

    def set_field_names(self, field_names: list[str]) -> None:
        self._fields = list(field_names)

    def get_fields_by_names(self, names: list[str]) -> list[Any]:
        """The values of the named fields, in the order given."""
        return [self[n] for n in names]

    def _is_retract_msg(self) -> bool:
        return self._row_kind in (RowKind.UPDATE_BEFORE, RowKind.DELETE)

    def _is_accumulate_msg(self) -> bool:
        return self._row_kind in (RowKind.UPDATE_AFTER, RowKind.INSERT)

    # -- field access ---------------------------------------------------------------------------

    def _index(self, name: str) -> int:
        fields = self._fields
        if fields is None or name not in fields:
            raise KeyError(name)
        return fields.index(name)

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, int | slice):
            return self._values[item]
        return self._values[self._index(item)]

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(key, int | slice):
            self._values[key] = value
        else:
            self._values[self._index(key)] = value

    def __getattr__(self, item: str) -> Any:
        # Only called when normal lookup fails: field names, never private names.
        if item.startswith("_"):
            raise AttributeError(item)
        try:
            fields = object.__getattribute__(self, "_fields")
        except AttributeError:
            raise AttributeError(item) from None
        if fields is None or item not in fields:
            raise AttributeError(item)
        return self._values[fields.index(item)]

    def __contains__(self, item: Any) -> bool:
        # As in recent PyFlink: field names when the row has them, else values.
        if self._fields is not None:
            return item in self._fields
        return item in self._values

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __call__(self, *args: Any) -> Row:
        """Use a row of names as a row "class": ``Row("a", "b")(1, 2)`` is ``Row(a=1, b=2)``."""
        if len(args) > len(self):
            raise ValueError(
                f"Can not create Row with fields {self!r}, expected {len(self)} values "
                f"but got {args!r}"
            )
        return _create_row(list(self._values), args, self._row_kind)

    # -- comparison, hashing, pickling, text --------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return False
        return (
            type(self) is type(other)
            and self._fields == other._fields
            and self._row_kind == other._row_kind
            and self._values == other._values
        )

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(tuple(self._values))

    def __reduce__(self) -> Any:
        return (_create_row, (self._fields, tuple(self._values), self._row_kind.value))

    def __copy__(self) -> Row:
        return _create_row(self._fields, self._values, self._row_kind)

    def __repr__(self) -> str:
        if self._fields is not None:
            return "Row(%s)" % ", ".join(
                f"{k}={v!r}" for k, v in zip(self._fields, self._values, strict=False)
            )
        return "<Row(%s)>" % ", ".join(repr(v) for v in self._values)


def _as_plain(value: Any) -> Any:
    if isinstance(value, Row):
        return value.as_dict(True) if value._fields is not None else value
    if isinstance(value, list):
        return [_as_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_plain(v) for k, v in value.items()}
    return value
