"""The collect sink behind ``DataStream.execute_and_collect()``: streams records to the client."""

from __future__ import annotations

from typing import Any

from weir.runtime.network.events import END_OF_PARTITION, RecordBatch
from weir.runtime.operators.base import StreamOperator


class CollectSinkOperator(StreamOperator):
    def __init__(self, name: str, address: tuple[str, int] | None = None, token: str = "") -> None:
        super().__init__(name)
        #: Filled in by the client before the job is submitted.
        self.address = address
        self.token = token
        self._channel: Any = None

    def open(self) -> None:
        info = self.setup_info
        assert self.address is not None and info.connect is not None
        self._channel = info.connect(self.address, ("collect", self.token, info.subtask_index))

    def process_batch(self, values, timestamps):
        self._channel.send(RecordBatch(values))

    def finish(self) -> None:
        self._channel.send(END_OF_PARTITION)

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
