"""StreamGraph: physical operators as nodes, with virtual transformations resolved into edges."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from weir.graph.transformations import (
    OneInputTransformation,
    PartitionTransformation,
    SideOutputTransformation,
    SinkTransformation,
    SourceTransformation,
    Transformation,
    TwoInputTransformation,
    UnionTransformation,
)
from weir.runtime.network.partitioners import (
    ForwardPartitioner,
    KeyGroupStreamPartitioner,
    RebalancePartitioner,
    StreamPartitioner,
)


@dataclass(eq=False)
class StreamNode:
    id: int
    name: str
    parallelism: int
    max_parallelism: int
    uid: str
    transformation: Transformation
    in_edges: list[StreamEdge] = field(default_factory=list)
    out_edges: list[StreamEdge] = field(default_factory=list)

    @property
    def is_source(self) -> bool:
        return isinstance(self.transformation, SourceTransformation)


@dataclass(eq=False)
class StreamEdge:
    source: StreamNode
    target: StreamNode
    partitioner: StreamPartitioner
    #: 0 for one-input operators and the first input of two-input ones; 1 for the second input.
    input_index: int = 0
    side_output_tag: str | None = None
    #: An explicit partitioner (not the default forward) was asked for; never chained across.
    explicit_partitioning: bool = False


@dataclass
class StreamGraph:
    job_name: str
    nodes: dict[int, StreamNode]
    config: dict[str, Any]

    def topological_order(self) -> list[StreamNode]:
        order, seen = [], set()

        def visit(node: StreamNode) -> None:
            if node.id in seen:
                return
            seen.add(node.id)
            for edge in node.in_edges:
                visit(edge.source)
            order.append(node)

        for node in sorted(self.nodes.values(), key=lambda n: n.id):
            visit(node)
        return order


def build_stream_graph(
    job_name: str,
    sinks: list[Transformation],
    default_parallelism: int,
    default_max_parallelism: int,
    config: dict[str, Any],
) -> StreamGraph:
    """Walk back from the sinks, creating a node per physical transformation."""
    nodes: dict[int, StreamNode] = {}
    uids: set[str] = set()

    def node_for(t: Transformation) -> StreamNode:
        if t.id in nodes:
            return nodes[t.id]
        parallelism = t.parallelism or default_parallelism
        if isinstance(t, SourceTransformation) and t.force_parallelism_one:
            parallelism = 1
        max_par = t.max_parallelism or default_max_parallelism
        uid = t.uid or ""  # automatic uids are assigned once the graph is complete
        if t.uid is not None and uid in uids:
            raise ValueError(f"the uid {uid!r} is used by two operators; uids must be unique")
        uids.add(uid)
        node = StreamNode(t.id, t.name, parallelism, max_par, uid, t)
        nodes[t.id] = node
        if isinstance(t, TwoInputTransformation):
            connect(t.input1, node, 0, None, None)
            connect(t.input2, node, 1, None, None)
        elif isinstance(t, OneInputTransformation | SinkTransformation):
            connect(t.input, node, 0, None, None)
        return node

    def connect(
        upstream: Transformation | None,
        target: StreamNode,
        input_index: int,
        partitioner: StreamPartitioner | None,
        tag: str | None,
    ) -> None:
        if upstream is None:
            return
        if isinstance(upstream, PartitionTransformation):
            connect(upstream.input, target, input_index, upstream.partitioner, tag)
            return
        if isinstance(upstream, UnionTransformation):
            for u in upstream.union_inputs:
                connect(u, target, input_index, partitioner, tag)
            return
        if isinstance(upstream, SideOutputTransformation):
            connect(upstream.input, target, input_index, partitioner, upstream.tag_id)
            return
        source = node_for(upstream)
        explicit = partitioner is not None
        # Each edge owns its partitioner: it keeps per-edge state (round-robin position, caches).
        part = copy.copy(partitioner) if partitioner is not None else ForwardPartitioner()
        if isinstance(part, KeyGroupStreamPartitioner):
            part.max_parallelism = target.max_parallelism
        if isinstance(part, ForwardPartitioner) and type(part) is ForwardPartitioner and (
            source.parallelism != target.parallelism
        ):
            # Flink changes forward to rebalance when the parallelism differs.
            part = RebalancePartitioner()
        edge = StreamEdge(source, target, part, input_index, tag, explicit)
        source.out_edges.append(edge)
        target.in_edges.append(edge)

    for sink in sinks:
        node_for(sink)
    # Operators without a uid get one from their position in the program (creation order), so
    # the same program yields the same uids in every run and its savepoints can be restored.
    for position, node in enumerate(sorted(nodes.values(), key=lambda n: n.id)):
        if not node.uid:
            kind = type(getattr(node.transformation, "operator", node.transformation)).__name__
            node.uid = f"auto-{position}-{kind}"
    return StreamGraph(job_name, nodes, config)
