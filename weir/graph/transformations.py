"""Transformations: the logical plan the DataStream API builds, one node per API call.

Physical transformations (sources, operators, sinks) become stream-graph nodes; virtual ones
(partitioning, union, side-output selection) only shape the edges between them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

_ids = itertools.count(1)


@dataclass(eq=False)
class Transformation:
    name: str
    parallelism: int | None = None
    max_parallelism: int | None = None
    uid: str | None = None
    output_type: Any = None
    chaining: bool = True
    id: int = field(default_factory=lambda: next(_ids))

    @property
    def inputs(self) -> list[Transformation]:
        return []


@dataclass(eq=False)
class SourceTransformation(Transformation):
    """``source`` builds a reader per subtask (see :mod:`weir.connectors.base`)."""

    source: Any = None
    #: Sources that cannot be split run with parallelism 1 whatever the job's default is.
    force_parallelism_one: bool = False


@dataclass(eq=False)
class OneInputTransformation(Transformation):
    input: Transformation | None = None
    operator: Any = None  # a StreamOperator template
    #: For keyed operators: extracts the key from a record (the stream was ``key_by``-ed).
    key_selector: Any = None

    @property
    def inputs(self) -> list[Transformation]:
        return [self.input] if self.input is not None else []


@dataclass(eq=False)
class TwoInputTransformation(Transformation):
    input1: Transformation | None = None
    input2: Transformation | None = None
    operator: Any = None
    key_selector1: Any = None
    key_selector2: Any = None

    @property
    def inputs(self) -> list[Transformation]:
        return [t for t in (self.input1, self.input2) if t is not None]


@dataclass(eq=False)
class SinkTransformation(OneInputTransformation):
    pass


@dataclass(eq=False)
class PartitionTransformation(Transformation):
    """Virtual: records from ``input`` travel to the next operator through ``partitioner``."""

    input: Transformation | None = None
    partitioner: Any = None

    @property
    def inputs(self) -> list[Transformation]:
        return [self.input] if self.input is not None else []


@dataclass(eq=False)
class UnionTransformation(Transformation):
    union_inputs: list[Transformation] = field(default_factory=list)

    @property
    def inputs(self) -> list[Transformation]:
        return list(self.union_inputs)


@dataclass(eq=False)
class SideOutputTransformation(Transformation):
    """Virtual: the records ``input`` emitted under ``tag_id`` instead of its main output."""

    input: Transformation | None = None
    tag_id: str = ""

    @property
    def inputs(self) -> list[Transformation]:
        return [self.input] if self.input is not None else []
