"""OutputTag: names a side output (``ctx.output(tag, value)`` / ``get_side_output(tag)``)."""

from __future__ import annotations

from typing import Any

__all__ = ["OutputTag"]


class OutputTag:
    """The name (and optional type) of a side output; tags are equal when their ids are.

    Example::

        late = OutputTag("late", Types.STRING())
        main = ds.process(MyProcessFunction())     # calls ctx.output(late, value)
        main.get_side_output(late).print()
    """

    __slots__ = ("tag_id", "type_info")

    def __init__(self, tag_id: str, type_info: Any = None) -> None:
        if not isinstance(tag_id, str) or not tag_id:
            raise ValueError("OutputTag tag_id cannot be None or an empty string")
        if type_info is not None and not callable(getattr(type_info, "to_display_string", None)):
            raise TypeError(f"type_info must be a TypeInformation, got {type_info!r}")
        self.tag_id = tag_id
        #: The type of the side output's records; None: any picklable value.
        self.type_info = type_info

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OutputTag) and self.tag_id == other.tag_id

    def __hash__(self) -> int:
        return hash(("OutputTag", self.tag_id))

    def __reduce__(self) -> tuple:
        return (OutputTag, (self.tag_id, self.type_info))

    def __repr__(self) -> str:
        if self.type_info is None:
            return f"OutputTag({self.tag_id!r})"
        return f"OutputTag({self.tag_id!r}, {self.type_info!r})"
