"""StreamExecutionEnvironment: where a job is built and from which it is executed.

``execute`` turns the plan into a job graph, starts a local mini-cluster of TaskManager processes,
runs the job and blocks until it ends.

Example::

    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    env.from_collection([1, 2, 3]).map(lambda x: x * 10).print()
    env.execute("tens")
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

from weir.common.configuration import Configuration
from weir.common.job_execution_result import JobExecutionResult
from weir.connectors.base import Source
from weir.connectors.collection import CollectionSource, GeneratorSource, NumberSequenceSourceImpl
from weir.connectors.socket import SocketTextSource
from weir.connectors.text_file import TextFileSource
from weir.datastream.checkpoint_config import CheckpointConfig
from weir.datastream.checkpointing_mode import CheckpointingMode
from weir.datastream.data_stream import DataStream
from weir.datastream.execution_config import ExecutionConfig
from weir.graph.job_graph import JobGraph, build_job_graph
from weir.graph.stream_graph import build_stream_graph
from weir.graph.transformations import SinkTransformation, SourceTransformation, Transformation
from weir.runtime.jobmanager.collect import CollectResultIterator
from weir.runtime.jobmanager.job_client import JobClient
from weir.runtime.jobmanager.job_master import JobMaster
from weir.runtime.operators.collect import CollectSinkOperator
from weir.runtime.operators.source import SourceOperator
from weir.state.key_groups import DEFAULT_MAX_PARALLELISM, check_parallelism

log = logging.getLogger("weir")


def _ensure_logging() -> None:
    """Show weir's INFO logs (job start/end, throughput) on stderr unless logging is configured."""
    weir_logger = logging.getLogger("weir")
    if logging.getLogger().handlers or weir_logger.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    weir_logger.addHandler(handler)
    weir_logger.setLevel(os.environ.get("WEIR_LOG_LEVEL", "INFO"))
    weir_logger.propagate = False


class StreamExecutionEnvironment:
    """The context in which a streaming program is built and executed (PyFlink's class)."""

    def __init__(self, configuration: Configuration | None = None) -> None:
        self._config: dict[str, Any] = {}
        if configuration is not None:
            self._config.update(configuration.to_dict())
        self._parallelism = int(self._config.get(
            "parallelism.default", os.environ.get("WEIR_DEFAULT_PARALLELISM", 1)))
        self._max_parallelism = int(
            self._config.get("pipeline.max-parallelism", DEFAULT_MAX_PARALLELISM)
        )
        self._sinks: list[Transformation] = []
        self._state_backend: Any = None
        if os.environ.get("WEIR_SAVEPOINT_PATH") and "execution.savepoint.path" not in self._config:
            # set by ``weir run --from-savepoint PATH``
            self._config["execution.savepoint.path"] = os.environ["WEIR_SAVEPOINT_PATH"]
        self._execution_config = ExecutionConfig()
        self._chaining = True

    @staticmethod
    def get_execution_environment(
        configuration: Configuration | None = None,
    ) -> StreamExecutionEnvironment:
        """A new environment that runs jobs on a local mini-cluster of worker processes."""
        return StreamExecutionEnvironment(configuration)

    # -- configuration ---------------------------------------------------------------------

    def set_parallelism(self, parallelism: int) -> StreamExecutionEnvironment:
        check_parallelism(parallelism, max(self._max_parallelism, parallelism))
        self._parallelism = parallelism
        return self

    def get_parallelism(self) -> int:
        return self._parallelism

    def set_max_parallelism(self, max_parallelism: int) -> StreamExecutionEnvironment:
        check_parallelism(1, max_parallelism)
        self._max_parallelism = max_parallelism
        return self

    def get_max_parallelism(self) -> int:
        return self._max_parallelism

    def get_config(self) -> ExecutionConfig:
        return self._execution_config

    def configure(self, configuration: Configuration) -> StreamExecutionEnvironment:
        self._config.update(configuration.to_dict())
        return self

    def set_runtime_mode(self, execution_mode: Any) -> StreamExecutionEnvironment:
        self._config["execution.runtime-mode"] = getattr(execution_mode, "name", execution_mode)
        return self

    def set_buffer_timeout(self, timeout_millis: int) -> StreamExecutionEnvironment:
        self._config["execution.buffer-timeout"] = timeout_millis
        return self

    def set_stream_time_characteristic(self, characteristic: Any) -> StreamExecutionEnvironment:
        self._config["pipeline.time-characteristic"] = getattr(characteristic, "name",
                                                               characteristic)
        return self

    def disable_operator_chaining(self) -> StreamExecutionEnvironment:
        self._chaining = False
        return self

    def is_chaining_enabled(self) -> bool:
        return self._chaining

    def set_state_backend(self, state_backend: Any) -> StreamExecutionEnvironment:
        """Where keyed state lives: ``HashMapStateBackend()`` (default), ``FsStateBackend(uri)``…"""
        if not hasattr(state_backend, "create_keyed_state_backend"):
            raise TypeError(
                f"{state_backend!r} is not a state backend; use e.g. HashMapStateBackend() from "
                "weir.datastream.state_backend"
            )
        self._state_backend = state_backend
        return self

    def get_state_backend(self) -> Any:
        return self._state_backend

    def enable_checkpointing(
        self, interval: int, mode: CheckpointingMode | None = None
    ) -> StreamExecutionEnvironment:
        """Take a checkpoint every ``interval`` ms with the barrier algorithm.

        ``mode``: ``EXACTLY_ONCE`` (default; barriers aligned), ``AT_LEAST_ONCE`` (no alignment;
        replays may duplicate) or ``AT_MOST_ONCE`` (state restored, nothing replayed).
        Checkpoints go to the state backend's directory (``FsStateBackend(uri)``), to
        ``get_checkpoint_config().set_checkpoint_storage_dir(uri)``, or stay in memory.
        """
        config = self.get_checkpoint_config()
        config.set_checkpoint_interval(interval)
        config.set_checkpointing_mode(mode or CheckpointingMode.EXACTLY_ONCE)
        return self

    def get_checkpoint_config(self) -> CheckpointConfig:
        return CheckpointConfig(self._config)

    def get_checkpoint_interval(self) -> int:
        return self.get_checkpoint_config().get_checkpoint_interval()

    def get_checkpointing_mode(self) -> CheckpointingMode:
        return self.get_checkpoint_config().get_checkpointing_mode()

    def set_restart_strategy(self, restart_strategy_configuration: Any) -> None:
        """What to do after a failure, e.g. ``RestartStrategies.fixed_delay_restart(3, 1000)``.
        Default: restart every second forever with checkpointing on, never without it."""
        from weir.runtime.jobmanager.restart import restart_backoff

        restart_backoff(restart_strategy_configuration, True)  # validates the type
        self._config["restart-strategy.object"] = restart_strategy_configuration

    def get_restart_strategy(self) -> Any:
        return self._config.get("restart-strategy.object")

    def set_savepoint_restore(self, path: str, ignore_unclaimed_state: bool = False
                              ) -> StreamExecutionEnvironment:
        """Start the next job from a savepoint or retained checkpoint directory (Flink's
        ``execution.savepoint.path``); the parallelism may differ from the one it was taken at."""
        self._config["execution.savepoint.path"] = path
        self._config["execution.savepoint.ignore-unclaimed-state"] = ignore_unclaimed_state
        return self

    def add_python_file(self, file_path: str) -> None:
        """Make a module or package importable in the workers (they also inherit ``sys.path``)."""
        directory = os.path.dirname(os.path.abspath(file_path)) if os.path.isfile(file_path) \
            else os.path.abspath(file_path)
        if directory not in sys.path:
            sys.path.append(directory)

    def set_python_executable(self, python_exec: str) -> None:
        self._config["python.executable"] = python_exec

    def add_jars(self, *jars_path: str) -> None:
        """Accepted for PyFlink compatibility; weir runs no JVM, so jars are not used."""

    def add_classpaths(self, *classpaths: str) -> None:
        """Accepted for PyFlink compatibility; weir runs no JVM."""

    # -- sources ---------------------------------------------------------------------------

    def _source(self, source: Source, name: str, type_info: Any = None) -> DataStream:
        t = SourceTransformation(
            name=name, source=source, output_type=type_info,
            force_parallelism_one=not source.parallel,
        )
        t.operator = SourceOperator(name, source)  # type: ignore[attr-defined]
        return DataStream(self, t)

    def from_collection(self, collection: list[Any], type_info: Any = None) -> DataStream:
        """A bounded stream of the given elements, in order (parallelism 1)."""
        return self._source(CollectionSource(list(collection)), "Source: Collection Source",
                            type_info)

    def from_source(
        self, source: Any, watermark_strategy: Any = None, source_name: str = "Source",
        type_info: Any = None,
    ) -> DataStream:
        """A stream from a unified source such as ``NumberSequenceSource`` or ``FileSource``."""
        impl = source.to_source() if hasattr(source, "to_source") else source
        if not isinstance(impl, Source):
            raise TypeError(f"{source!r} is not a weir source")
        stream = self._source(impl, f"Source: {source_name}", type_info)
        if watermark_strategy is not None and (
            getattr(watermark_strategy, "kind", "none") != "none"
            or getattr(watermark_strategy, "timestamp_assigner", None) is not None
        ):
            return stream.assign_timestamps_and_watermarks(watermark_strategy)
        return stream

    def add_source(
        self, source_func: Any, source_name: str = "Custom Source", type_info: Any = None
    ) -> DataStream:
        return self.from_source(source_func, None, source_name, type_info)

    def read_text_file(self, file_path: str, charset_name: str = "UTF-8") -> DataStream:
        """The lines of a text file (or of every file in a directory), read in parallel by byte
        ranges; each reader remembers its byte offset so it can be rewound."""
        return self._source(TextFileSource(file_path, charset_name),
                            f"Source: {os.path.basename(file_path) or file_path}")

    def socket_text_stream(
        self, hostname: str, port: int, delimiter: str = "\n", max_retry: int = -1
    ) -> DataStream:
        """Lines read from a TCP server (e.g. ``nc -lk 9999``), parallelism 1. While the server
        is not there the source logs why and retries every second (``max_retry`` attempts; -1:
        forever; 0: end the stream as soon as the connection is lost)."""
        return self._source(SocketTextSource(hostname, port, delimiter, max_retry),
                            "Source: Socket Stream")

    def from_sequence(self, start: int, end: int) -> DataStream:
        """The numbers ``start`` to ``end`` inclusive, split across parallel readers."""
        return self._source(NumberSequenceSourceImpl(start, end), "Source: Sequence Source")

    def from_generator(
        self, generator: Any, count: int | None = None, records_per_second: float | None = None,
        type_info: Any = None,
    ) -> DataStream:
        """Pythonic shortcut: ``generator(i)`` for ``i`` in ``range(count)`` (unbounded when
        ``count`` is None), optionally rate-limited — handy for demos and benchmarks."""
        return self._source(GeneratorSource(generator, count, records_per_second),
                            "Source: Generator Source", type_info)

    # -- execution -------------------------------------------------------------------------

    def _add_sink(self, sink: SinkTransformation) -> None:
        self._sinks.append(sink)

    def _job_config(self) -> dict[str, Any]:
        config = dict(self._config)
        config["pipeline.operator-chaining"] = self._chaining
        if self._state_backend is not None:
            config["state.backend.object"] = self._state_backend
        config["job.parameters"] = dict(self._execution_config.get_global_job_parameters())
        return config

    def get_stream_graph_and_clear(self, job_name: str) -> JobGraph:
        if not self._sinks:
            raise RuntimeError(
                "no operators defined in streaming topology; add a sink (print(), add_sink(), "
                "sink_to() or execute_and_collect()) before calling execute()"
            )
        stream_graph = build_stream_graph(
            job_name, self._sinks, self._parallelism, self._max_parallelism, self._job_config()
        )
        self._sinks = []
        return build_job_graph(stream_graph)

    def _start(self, job_graph: JobGraph, collect: tuple | None = None) -> JobMaster:
        _ensure_logging()
        master = JobMaster(job_graph, job_graph.config)
        if collect is not None:
            operator, token = collect
            operator.address = master.data_server.address
        return master

    def execute_async(self, job_name: str | None = None) -> JobClient:
        """Start the job and return at once with a :class:`JobClient`."""
        job_graph = self.get_stream_graph_and_clear(job_name or "Flink Streaming Job")
        master = self._start(job_graph)
        master.start()
        return JobClient(master)

    def execute(self, job_name: str | None = None) -> JobExecutionResult:
        """Run the job and block until it ends; raises ``JobExecutionException`` on failure.
        Ctrl-C cancels the job (stopping every worker) and re-raises ``KeyboardInterrupt``."""
        client = self.execute_async(job_name)
        try:
            return client.wait()
        except KeyboardInterrupt:
            client.cancel()
            raise

    def _execute_collect(
        self, job_name: str | None, sink: SinkTransformation, operator: CollectSinkOperator,
        token: str,
    ) -> CollectResultIterator:
        job_graph = self.get_stream_graph_and_clear(job_name or "Flink Streaming Job")
        master = self._start(job_graph, (operator, token))
        parallelism = next(n.parallelism for v in job_graph.vertices for n in v.nodes
                           if n.transformation is sink)
        # The iterator registers its channels before any task can connect to them.
        iterator = CollectResultIterator(master, token, parallelism)
        master.start()
        return iterator

    def get_execution_plan(self) -> str:
        """The job graph as JSON (vertices with their chained operators and edges)."""
        stream_graph = build_stream_graph(
            "plan", self._sinks, self._parallelism, self._max_parallelism, self._job_config()
        )
        job_graph = build_job_graph(stream_graph)
        return json.dumps({
            "vertices": [
                {"id": v.id, "name": v.name, "parallelism": v.parallelism,
                 "operators": [n.name for n in v.nodes]}
                for v in job_graph.vertices
            ],
            "edges": [
                {"source": e.source.id, "target": e.target.id,
                 "ship_strategy": e.stream_edge.partitioner.describe()}
                for v in job_graph.vertices for e in v.outputs
            ],
        }, indent=2)

    def close(self) -> None:
        self._sinks = []
