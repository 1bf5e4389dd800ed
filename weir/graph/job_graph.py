"""JobGraph: stream nodes chained into vertices, the unit the JobManager deploys.

Operators are *chained* into one task when records can pass between them as a function call:
the downstream operator has this one input only, runs at the same parallelism, and the edge is a
forward edge (or any edge between two operators of parallelism 1, where every partitioner is the
identity). A chain runs in one thread with no serialisation between its operators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from weir.graph.stream_graph import StreamEdge, StreamGraph, StreamNode
from weir.graph.transformations import TwoInputTransformation
from weir.runtime.network.partitioners import ForwardPartitioner


@dataclass(eq=False)
class JobEdge:
    id: int
    source: JobVertex
    target: JobVertex
    stream_edge: StreamEdge

    @property
    def input_index(self) -> int:
        return self.stream_edge.input_index


@dataclass(eq=False)
class JobVertex:
    id: int
    parallelism: int
    max_parallelism: int
    #: Operators of the chain, head first, in topological order.
    nodes: list[StreamNode] = field(default_factory=list)
    inputs: list[JobEdge] = field(default_factory=list)
    outputs: list[JobEdge] = field(default_factory=list)

    @property
    def head(self) -> StreamNode:
        return self.nodes[0]

    @property
    def name(self) -> str:
        return " -> ".join(n.name for n in self.nodes)

    @property
    def is_source(self) -> bool:
        return self.head.is_source


@dataclass
class JobGraph:
    job_name: str
    vertices: list[JobVertex]
    config: dict[str, Any]

    def vertex(self, vertex_id: int) -> JobVertex:
        return next(v for v in self.vertices if v.id == vertex_id)

    @property
    def total_slots(self) -> int:
        """Slots needed with slot sharing: one slot holds one subtask of every vertex."""
        return max(v.parallelism for v in self.vertices)


def is_chainable(edge: StreamEdge, chaining_enabled: bool = True) -> bool:
    upstream, downstream = edge.source, edge.target
    if not chaining_enabled:
        return False
    if not (upstream.transformation.chaining and downstream.transformation.chaining):
        return False
    if downstream.is_source or len(downstream.in_edges) != 1:
        return False
    if isinstance(downstream.transformation, TwoInputTransformation):
        return False
    if upstream.parallelism != downstream.parallelism:
        return False
    if type(edge.partitioner) is ForwardPartitioner:
        return True
    # With one producer and one consumer every partitioner sends everything to the same place.
    return upstream.parallelism == 1 and not edge.partitioner.is_broadcast


def build_job_graph(stream_graph: StreamGraph) -> JobGraph:
    chaining = bool(stream_graph.config.get("pipeline.operator-chaining", True))
    vertex_of: dict[int, JobVertex] = {}
    vertices: list[JobVertex] = []
    for node in stream_graph.topological_order():
        if len(node.in_edges) == 1 and is_chainable(node.in_edges[0], chaining):
            vertex = vertex_of[node.in_edges[0].source.id]
        else:
            vertex = JobVertex(len(vertices) + 1, node.parallelism, node.max_parallelism)
            vertices.append(vertex)
        vertex.nodes.append(node)
        vertex_of[node.id] = vertex
    edge_id = 0
    for node in stream_graph.topological_order():
        for edge in node.out_edges:
            if vertex_of[edge.target.id] is vertex_of[node.id]:
                continue
            edge_id += 1
            job_edge = JobEdge(edge_id, vertex_of[node.id], vertex_of[edge.target.id], edge)
            job_edge.source.outputs.append(job_edge)
            job_edge.target.inputs.append(job_edge)
    return JobGraph(stream_graph.job_name, vertices, dict(stream_graph.config))
