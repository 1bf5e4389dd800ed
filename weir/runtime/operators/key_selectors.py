"""Key selectors turned into the fastest equivalent callable.

Most key selectors are ``lambda t: t[0]`` or ``lambda r: r["user"]``. Calling a Python lambda costs
far more than the subscript inside it, and key extraction runs once per record on both sides of
every keyed exchange, so such lambdas are recognised from their bytecode and replaced by
``operator.itemgetter``, which runs in C and can be mapped over a whole batch at once.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any


def _reference_code() -> Any:
    return (lambda t: t[0]).__code__  # noqa: E731


_SUBSCRIPT_CODE = _reference_code()


def field_index(key_selector: Any) -> int | str | None:
    """The constant ``c`` when ``key_selector`` is exactly ``lambda x: x[c]``, else None."""
    code = getattr(key_selector, "__code__", None)
    if code is None or getattr(key_selector, "__defaults__", None):
        return None
    if (
        code.co_code != _SUBSCRIPT_CODE.co_code
        or code.co_argcount != 1
        or code.co_freevars
        or code.co_cellvars
    ):
        return None
    constants = [c for c in code.co_consts if c is not None]
    if len(constants) != 1 or type(constants[0]) not in (int, str):
        return None
    return constants[0]


def optimize_key_selector(key_selector: Any) -> Callable[[Any], Any]:
    """An equivalent, faster callable: an itemgetter for subscript lambdas, the bound
    ``get_key`` of a KeySelector, or the callable itself."""
    index = field_index(key_selector)
    if index is not None:
        return operator.itemgetter(index)
    get_key = getattr(key_selector, "get_key", None)
    if callable(get_key):
        return get_key
    if not callable(key_selector):
        raise TypeError(f"{key_selector!r} is not a key selector (a callable or a KeySelector)")
    return key_selector


def getter_field(key_selector: Any) -> int | str | None:
    """The field an ``itemgetter(field)`` extracts, else None."""
    if type(key_selector) is operator.itemgetter:
        args = key_selector.__reduce__()[1]
        if len(args) == 1:
            return args[0]
    return None
