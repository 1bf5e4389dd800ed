"""Rolling aggregations on a keyed stream: ``reduce``, ``sum``, ``min``, ``max``, ``min_by``, ``max_by``.

Each is a reduce function applied to the stored value and the new record; the operator emits the
updated value for every record, as Flink's rolling aggregations do. Non-aggregated fields keep the
values of the first record seen for the key (Flink's behaviour for ``sum``/``min``/``max``), while
``min_by``/``max_by`` keep the whole record holding the extreme value (the first one on ties).
"""

from __future__ import annotations

from typing import Any

from weir.api.state import ValueStateDescriptor
from weir.common.types import Row
from weir.runtime.operators.base import StreamOperator
from weir.runtime.operators.key_selectors import getter_field, optimize_key_selector
from weir.runtime.operators.udf import user_method


def get_field(value: Any, position: int | str) -> Any:
    if isinstance(position, int):
        if isinstance(value, int | float) and position == 0:
            return value
        return value[position]
    if isinstance(value, dict):
        return value[position]
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict):  # Row with field names
        return getattr(value, position)
    return getattr(value, position)


def set_field(value: Any, position: int | str, new: Any) -> Any:
    """A copy of ``value`` with one field replaced (records may be shared; never mutate them)."""
    if isinstance(value, Row):
        index = position if isinstance(position, int) else value._fields.index(position)
        values = list(value)
        values[index] = new
        row = Row(*values)
        row._fields = value._fields
        row.set_row_kind(value.get_row_kind())
        return row
    if isinstance(position, int):
        if isinstance(value, int | float) and position == 0:
            return new
        if isinstance(value, tuple) and not hasattr(value, "_fields"):
            return value[:position] + (new,) + value[position + 1 :]
        if isinstance(value, list):
            copy = list(value)
            copy[position] = new
            return copy
        if hasattr(value, "_fields"):  # namedtuple
            return value._replace(**{value._fields[position]: new})
        copy = _copy_row(value)
        copy[position] = new
        return copy
    if isinstance(value, dict):
        copy = dict(value)
        copy[position] = new
        return copy
    if hasattr(value, "_fields"):
        return value._replace(**{position: new})
    if hasattr(value, "as_dict"):
        copy = _copy_row(value)
        setattr(copy, position, new)
        return copy
    import copy as _copy

    dup = _copy.copy(value)
    setattr(dup, position, new)
    return dup


def _copy_row(row: Any) -> Any:
    import copy

    return copy.copy(row)


class SumReducer:
    def __init__(self, position: int | str) -> None:
        self.position = position

    def reduce(self, acc: Any, value: Any) -> Any:
        p = self.position
        return set_field(acc, p, get_field(acc, p) + get_field(value, p))


class MinReducer:
    def __init__(self, position: int | str) -> None:
        self.position = position

    def reduce(self, acc: Any, value: Any) -> Any:
        p = self.position
        a, b = get_field(acc, p), get_field(value, p)
        return acc if a <= b else set_field(acc, p, b)


class MaxReducer(MinReducer):
    def reduce(self, acc: Any, value: Any) -> Any:
        p = self.position
        a, b = get_field(acc, p), get_field(value, p)
        return acc if a >= b else set_field(acc, p, b)


class MinByReducer(MinReducer):
    def reduce(self, acc: Any, value: Any) -> Any:
        p = self.position
        return acc if get_field(acc, p) <= get_field(value, p) else value


class MaxByReducer(MinReducer):
    def reduce(self, acc: Any, value: Any) -> Any:
        p = self.position
        return acc if get_field(acc, p) >= get_field(value, p) else value


class KeyedReduceOperator(StreamOperator):
    """Rolling reduce per key; state is one value per key in the keyed backend."""

    STATE_NAME = "_weir_rolling_reduce"

    def __init__(self, name: str, reduce_function: Any, key_selector: Any) -> None:
        super().__init__(name)
        self.function = reduce_function
        self.key_selector = optimize_key_selector(key_selector)

    def open(self) -> None:
        from weir.runtime.operators.runtime_context import StreamingRuntimeContext

        opener = getattr(self.function, "open", None)
        if callable(opener) and not isinstance(self.function, SumReducer | MinReducer):
            opener(StreamingRuntimeContext(self.setup_info))
        backend = self.setup_info.keyed_backend
        assert backend is not None, "a keyed reduce runs on a keyed stream"
        self.state = backend.get_partitioned_state(ValueStateDescriptor(self.STATE_NAME, None))
        self._reduce = user_method(self.function, "reduce")

    def finish(self) -> None:
        if self.setup_info.batch_mode:
            # BATCH execution: one final result per key instead of every intermediate one.
            self.output.emit(list(self.state.key_map().values()))

    def close(self) -> None:
        closer = getattr(self.function, "close", None)
        if callable(closer):
            closer()

    def process_batch(self, values, timestamps):
        table = self.state.key_map()
        get = table.get
        key_of = self.key_selector
        out = []
        append = out.append
        fn = self.function
        if type(fn) is SumReducer and type(fn.position) is int and values and type(values[0]) is tuple:
            if fn.position == 1 and getter_field(key_of) == 0:
                self._count_pairs(values, table, out)
            else:
                self._sum_tuples(values, table, key_of, out, fn.position)
        else:
            reduce = self._reduce
            for v in values:
                k = key_of(v)
                cur = get(k)
                new = v if cur is None else reduce(cur, v)
                table[k] = new
                append(new)
        if not self.setup_info.batch_mode:
            self.output.emit(out, timestamps)

    @staticmethod
    def _count_pairs(values, table, out):
        """The word-count hot path: ``key_by(lambda t: t[0]).sum(1)`` on tuples."""
        get = table.get
        append = out.append
        for v in values:
            k = v[0]
            cur = get(k)
            if cur is None:
                new = v
            elif len(cur) == 2:
                new = (k, cur[1] + v[1])
            else:
                new = (k, cur[1] + v[1]) + cur[2:]
            table[k] = new
            append(new)

    @staticmethod
    def _sum_tuples(values, table, key_of, out, p):
        """The word-count hot path: summing one field of plain tuples."""
        get = table.get
        append = out.append
        if p == 1:
            for v in values:
                k = key_of(v)
                cur = get(k)
                if cur is None:
                    new = v
                elif len(cur) == 2:
                    new = (cur[0], cur[1] + v[1])
                else:
                    new = (cur[0], cur[1] + v[1]) + cur[2:]
                table[k] = new
                append(new)
            return
        for v in values:
            k = key_of(v)
            cur = get(k)
            new = v if cur is None else cur[:p] + (cur[p] + v[p],) + cur[p + 1 :]
            table[k] = new
            append(new)
