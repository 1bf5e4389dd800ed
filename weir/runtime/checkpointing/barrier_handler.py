"""Barrier handlers: decide, from the barriers arriving on a task's input channels, when the task
takes its snapshot for a checkpoint.

- :class:`AlignedBarrierHandler` (exactly-once): a channel that delivered the barrier of checkpoint
  *n* is blocked until every channel has delivered it, so that no record after the barrier is
  processed before the snapshot; then the snapshot is taken and all channels are unblocked.
- :class:`TrackingBarrierHandler` (at-least-once): nothing is blocked; the snapshot is taken when
  the last barrier arrives, so records after the barrier on fast channels may be included in
  it (and replayed again after a failure: duplicates, never loss).

They know nothing of state or operators: the task passes callbacks to block/unblock channels and
to trigger or abort the checkpoint.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from weir.runtime.network.events import CheckpointBarrier


@dataclass
class BarrierHandlerActions:
    """What a handler may ask of its task."""

    trigger: Callable[[CheckpointBarrier, float], None]  # (barrier, alignment duration in s)
    abort: Callable[[int, str], None]  # (checkpoint id, reason)
    block: Callable[[int], None]  # channel index
    unblock_all: Callable[[], None]


class CheckpointBarrierHandler(ABC):
    def __init__(self, num_channels: int, actions: BarrierHandlerActions) -> None:
        self.num_channels = num_channels
        self.actions = actions
        self.finished_channels: set[int] = set()
        #: The newest checkpoint this task has triggered or aborted; older barriers are stale.
        self.latest_handled = 0

    @property
    def live_channels(self) -> int:
        return self.num_channels - len(self.finished_channels)

    @abstractmethod
    def on_barrier(self, channel: int, barrier: CheckpointBarrier) -> None: ...

    @abstractmethod
    def on_cancel(self, channel: int, checkpoint_id: int) -> None: ...

    @abstractmethod
    def on_end_of_partition(self, channel: int) -> None: ...

    @property
    @abstractmethod
    def pending_checkpoint(self) -> int | None:
        """The checkpoint whose barriers are being collected, if any."""


class AlignedBarrierHandler(CheckpointBarrierHandler):
    def __init__(self, num_channels: int, actions: BarrierHandlerActions) -> None:
        super().__init__(num_channels, actions)
        self._current: CheckpointBarrier | None = None
        self._arrived: set[int] = set()
        self._started = 0.0

    @property
    def pending_checkpoint(self) -> int | None:
        return self._current.checkpoint_id if self._current else None

    def on_barrier(self, channel: int, barrier: CheckpointBarrier) -> None:
        cid = barrier.checkpoint_id
        if cid <= self.latest_handled and self._current is None:
            return  # stale: already triggered or aborted
        if self._current is not None and cid > self._current.checkpoint_id:
            # A newer checkpoint overtook the one we are aligning: the old one cannot complete.
            self._abort(f"barrier of checkpoint {cid} arrived before alignment of "
                        f"{self._current.checkpoint_id} finished")
        if self._current is not None and cid < self._current.checkpoint_id:
            return
        if self._current is None:
            if cid <= self.latest_handled:
                return
            self._current = barrier
            self._arrived = set()
            self._started = time.monotonic()
        self._arrived.add(channel)
        if len(self._arrived) >= self.live_channels:
            self._complete()
        else:
            self.actions.block(channel)

    def _complete(self) -> None:
        barrier = self._current
        assert barrier is not None
        alignment = time.monotonic() - self._started
        self._current = None
        self._arrived = set()
        self.latest_handled = barrier.checkpoint_id
        self.actions.unblock_all()
        self.actions.trigger(barrier, alignment)

    def _abort(self, reason: str) -> None:
        assert self._current is not None
        cid = self._current.checkpoint_id
        self._current = None
        self._arrived = set()
        self.latest_handled = max(self.latest_handled, cid)
        self.actions.unblock_all()
        self.actions.abort(cid, reason)

    def on_cancel(self, channel: int, checkpoint_id: int) -> None:
        if self._current is not None and checkpoint_id >= self._current.checkpoint_id:
            self._abort(f"checkpoint {checkpoint_id} was cancelled upstream")
        elif checkpoint_id > self.latest_handled:
            self.latest_handled = checkpoint_id
            self.actions.abort(checkpoint_id, "cancelled upstream before its barrier arrived")

    def on_end_of_partition(self, channel: int) -> None:
        self.finished_channels.add(channel)
        self._arrived.discard(channel)
        if self._current is not None and len(self._arrived) >= self.live_channels:
            self._complete()


class TrackingBarrierHandler(CheckpointBarrierHandler):
    def __init__(self, num_channels: int, actions: BarrierHandlerActions) -> None:
        super().__init__(num_channels, actions)
        self._counts: dict[int, set[int]] = {}
        self._barriers: dict[int, CheckpointBarrier] = {}
        self._started: dict[int, float] = {}

    @property
    def pending_checkpoint(self) -> int | None:
        return min(self._counts) if self._counts else None

    def on_barrier(self, channel: int, barrier: CheckpointBarrier) -> None:
        cid = barrier.checkpoint_id
        if cid <= self.latest_handled:
            return
        arrived = self._counts.setdefault(cid, set())
        self._barriers[cid] = barrier
        self._started.setdefault(cid, time.monotonic())
        arrived.add(channel)
        if len(arrived) >= self.live_channels:
            self._complete(cid)

    def _complete(self, cid: int) -> None:
        barrier = self._barriers.pop(cid)
        started = self._started.pop(cid)
        del self._counts[cid]
        # Older checkpoints still counting can no longer complete in order.
        for older in [c for c in self._counts if c < cid]:
            self._drop(older, f"checkpoint {cid} completed first")
        self.latest_handled = cid
        self.actions.trigger(barrier, time.monotonic() - started)

    def _drop(self, cid: int, reason: str) -> None:
        self._counts.pop(cid, None)
        self._barriers.pop(cid, None)
        self._started.pop(cid, None)
        self.actions.abort(cid, reason)

    def on_cancel(self, channel: int, checkpoint_id: int) -> None:
        if checkpoint_id > self.latest_handled:
            if checkpoint_id in self._counts:
                self._drop(checkpoint_id, "cancelled upstream")
            else:
                self.actions.abort(checkpoint_id, "cancelled upstream")
            self.latest_handled = max(self.latest_handled, checkpoint_id)

    def on_end_of_partition(self, channel: int) -> None:
        self.finished_channels.add(channel)
        for cid in sorted(self._counts):
            self._counts[cid].discard(channel)
            if cid in self._counts and len(self._counts[cid]) >= self.live_channels:
                self._complete(cid)


@dataclass
class UnalignedActions:
    """What the unaligned handler asks of its task, beyond the aligned actions."""

    #: Snapshot now; record in-flight data of the given channels until their barriers arrive.
    start: Callable[[CheckpointBarrier, set[int]], None]
    #: A recorded channel delivered its barrier (or ended): stop recording it.
    channel_done: Callable[[int, int], None]
    #: Abandon the recording of a checkpoint.
    abort: Callable[[int, str], None]


class UnalignedBarrierHandler(CheckpointBarrierHandler):
    """Exactly-once without alignment: the first barrier triggers the snapshot at once, and the
    records still arriving on the other channels before their barriers become part of it as
    *channel state* (replayed first after a restore). Nothing is blocked, so checkpoints complete
    under backpressure. Barriers not marked unaligned — savepoints (their state must be
    rescalable) and the final checkpoint after end of input — are aligned."""

    def __init__(self, num_channels: int, actions: BarrierHandlerActions,
                 unaligned: UnalignedActions) -> None:
        super().__init__(num_channels, actions)
        self.unaligned = unaligned
        self._aligned = AlignedBarrierHandler(num_channels, actions)
        self._aligned.finished_channels = self.finished_channels  # one view of ended channels
        self._current: int | None = None
        self._waiting: set[int] = set()

    @property
    def pending_checkpoint(self) -> int | None:
        return self._current if self._current is not None else self._aligned.pending_checkpoint

    def on_barrier(self, channel: int, barrier: CheckpointBarrier) -> None:
        cid = barrier.checkpoint_id
        if not barrier.unaligned:
            self._aligned.latest_handled = max(self._aligned.latest_handled, self.latest_handled)
            self._aligned.on_barrier(channel, barrier)
            self.latest_handled = max(self.latest_handled, self._aligned.latest_handled)
            return
        if self._current is not None and cid > self._current:
            self._abort(f"barrier of checkpoint {cid} overtook checkpoint {self._current}")
        if self._current is None:
            if cid <= self.latest_handled:
                return
            self._current = cid
            self.latest_handled = cid
            live = set(range(self.num_channels)) - self.finished_channels
            self._waiting = live - {channel}
            self.unaligned.start(barrier, set(self._waiting))
        elif cid == self._current:
            self._waiting.discard(channel)
            self.unaligned.channel_done(cid, channel)
        if self._current is not None and not self._waiting:
            self._current = None

    def _abort(self, reason: str) -> None:
        cid = self._current
        assert cid is not None
        self._current = None
        self._waiting = set()
        self.unaligned.abort(cid, reason)

    def on_cancel(self, channel: int, checkpoint_id: int) -> None:
        if self._current is not None and checkpoint_id >= self._current:
            self._abort(f"checkpoint {checkpoint_id} was cancelled upstream")
        else:
            self._aligned.on_cancel(channel, checkpoint_id)

    def on_end_of_partition(self, channel: int) -> None:
        self._aligned.on_end_of_partition(channel)  # adds to the shared finished_channels
        if self._current is not None and channel in self._waiting:
            self._waiting.discard(channel)
            self.unaligned.channel_done(self._current, channel)
            if not self._waiting:
                self._current = None
