"""OutputTag: names a side output (``ctx.output(tag, value)`` / ``get_side_output(tag)``)."""

from __future__ import annotations

from typing import Any


class OutputTag:
    """Example::

        late = OutputTag("late", Types.STRING())
        main = ds.process(MyProcessFunction())
        main.get_side_output(late).print()
    """

    def __init__(self, tag_id: str, type_info: Any = None) -> None:
        if not tag_id:
            raise ValueError("an OutputTag needs a non-empty id")
        self.tag_id = tag_id
        self.type_info = type_info

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OutputTag) and self.tag_id == other.tag_id

    def __hash__(self) -> int:
        return hash(self.tag_id)

    def __repr__(self) -> str:
        return f"OutputTag({self.tag_id!r})"
