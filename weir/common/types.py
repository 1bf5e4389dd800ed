"""Row and RowKind, as in PyFlink."""

from __future__ import annotations

from enum import Enum
from typing import Any


class RowKind(Enum):
    INSERT = 0
    UPDATE_BEFORE = 1
    UPDATE_AFTER = 2
    DELETE = 3

    def short_string(self) -> str:
        return ("+I", "-U", "+U", "-D")[self.value]

    def __str__(self) -> str:
        return self.short_string()


class Row(tuple):
    """A record with positional fields and optional field names.

    Example::

        r = Row(name="Alice", score=3)
        r.name, r[1], r.as_dict()     # 'Alice', 3, {'name': 'Alice', 'score': 3}
        Row("a", 1)                   # positional
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Row:
        if args and kwargs:
            raise ValueError("Row takes positional or keyword fields, not both")
        if kwargs:
            row = tuple.__new__(cls, list(kwargs.values()))
            row._fields = list(kwargs.keys())
        else:
            row = tuple.__new__(cls, args)
            row._fields = None
        row._row_kind = RowKind.INSERT
        return row

    def __reduce__(self) -> Any:
        return (_make_row, (tuple(self), self._fields, self._row_kind.value))

    # tuple is immutable; PyFlink rows allow field assignment, so keep values in a list view
    def __setitem__(self, index: int | str, value: Any) -> None:
        raise TypeError(
            "Row fields cannot be assigned in place in weir; build a new Row (rows may be shared "
            "between operators)"
        )

    def as_dict(self, recursive: bool = False) -> dict[str, Any]:
        if self._fields is None:
            raise TypeError("Cannot convert a Row without field names into a dict")
        if not recursive:
            return dict(zip(self._fields, self, strict=True))
        return {
            k: v.as_dict(True) if isinstance(v, Row) and v._fields else v
            for k, v in zip(self._fields, self, strict=True)
        }

    def set_field_names(self, field_names: list[str]) -> None:
        if len(field_names) != len(self):
            raise ValueError(f"{len(field_names)} names for a row of {len(self)} fields")
        self._fields = list(field_names)

    def get_fields_by_names(self, names: list[str]) -> list[Any]:
        return [getattr(self, n) for n in names]

    def get_row_kind(self) -> RowKind:
        return self._row_kind

    def set_row_kind(self, row_kind: RowKind) -> None:
        self._row_kind = row_kind

    def __getattr__(self, item: str) -> Any:
        if item.startswith("_"):
            raise AttributeError(item)
        fields = self.__dict__.get("_fields")
        if fields is None or item not in fields:
            raise AttributeError(item)
        return self[fields.index(item)]

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, str):
            fields = self.__dict__.get("_fields")
            if fields is None or item not in fields:
                raise KeyError(item)
            return tuple.__getitem__(self, fields.index(item))
        return tuple.__getitem__(self, item)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return False
        return (
            tuple.__eq__(self, other)
            and self._fields == other._fields
            and self._row_kind == other._row_kind
        )

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return tuple.__hash__(self)

    def __repr__(self) -> str:
        if self._fields:
            return "Row(%s)" % ", ".join(
                f"{k}={v!r}" for k, v in zip(self._fields, self, strict=True)
            )
        return "Row(%s)" % ", ".join(repr(v) for v in self)

    def __copy__(self) -> Row:
        return _make_row(tuple(self), self._fields, self._row_kind.value)


def _make_row(values: tuple, fields: list[str] | None, kind: int) -> Row:
    row = Row(*values)
    row._fields = list(fields) if fields is not None else None
    row._row_kind = RowKind(kind)
    return row
