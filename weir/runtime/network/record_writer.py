"""The producer side of one job edge: a partitioner and one output channel per consumer subtask."""

from __future__ import annotations

from typing import Any

from weir.runtime.network.channels import OutputChannel
from weir.runtime.network.events import RecordBatch
from weir.runtime.network.partitioners import StreamPartitioner


class RecordWriter:
    __slots__ = ("partitioner", "channels", "_split", "_sends")

    def __init__(self, partitioner: StreamPartitioner, channels: list[OutputChannel]) -> None:
        partitioner.setup(len(channels))
        self.partitioner = partitioner
        self.channels = channels
        self._split = partitioner.split
        self._sends = [c.send for c in channels]

    def emit(self, values: list[Any], timestamps: list[int] | None = None) -> None:
        sends = self._sends
        for channel, part, part_ts in self._split(values, timestamps):
            sends[channel](RecordBatch(part, part_ts))

    def broadcast_event(self, event: Any) -> None:
        """Send a control event (barrier, watermark, end-of-partition) on every channel."""
        for send in self._sends:
            send(event)

    def close(self) -> None:
        for channel in self.channels:
            channel.close()
