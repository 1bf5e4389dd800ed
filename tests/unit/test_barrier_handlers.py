"""Barrier handlers driven directly: several channels, aligned and at-least-once, cancellation."""

from __future__ import annotations

from weir.runtime.checkpointing.barrier_handler import (
    AlignedBarrierHandler,
    BarrierHandlerActions,
    TrackingBarrierHandler,
)
from weir.runtime.network.events import CheckpointBarrier


class Recorder:
    def __init__(self):
        self.log = []
        self.blocked = set()

    def actions(self):
        return BarrierHandlerActions(
            trigger=lambda b, align: self.log.append(("trigger", b.checkpoint_id)),
            abort=lambda cid, why: self.log.append(("abort", cid)),
            block=self.blocked.add,
            unblock_all=self.blocked.clear,
        )


def barrier(cid, unaligned=False):
    return CheckpointBarrier(cid, 0, unaligned=unaligned)


def test_aligned_blocks_until_every_channel_delivered_the_barrier():
    r = Recorder()
    h = AlignedBarrierHandler(3, r.actions())
    h.on_barrier(0, barrier(1))
    assert r.blocked == {0} and r.log == []
    h.on_barrier(2, barrier(1))
    assert r.blocked == {0, 2} and h.pending_checkpoint == 1
    h.on_barrier(1, barrier(1))
    assert r.log == [("trigger", 1)] and r.blocked == set() and h.pending_checkpoint is None


def test_aligned_newer_barrier_aborts_the_alignment_in_progress():
    r = Recorder()
    h = AlignedBarrierHandler(2, r.actions())
    h.on_barrier(0, barrier(1))
    h.on_barrier(0, barrier(2))
    assert r.log == [("abort", 1)] and r.blocked == {0}
    h.on_barrier(1, barrier(1))  # stale, ignored
    h.on_barrier(1, barrier(2))
    assert r.log == [("abort", 1), ("trigger", 2)]


def test_aligned_cancel_mid_alignment_unblocks():
    r = Recorder()
    h = AlignedBarrierHandler(2, r.actions())
    h.on_barrier(1, barrier(5))
    h.on_cancel(0, 5)
    assert r.log == [("abort", 5)] and r.blocked == set()
    h.on_barrier(0, barrier(5))  # late barrier of the cancelled checkpoint: ignored
    assert r.log == [("abort", 5)] and r.blocked == set()


def test_aligned_end_of_partition_counts_as_aligned():
    r = Recorder()
    h = AlignedBarrierHandler(2, r.actions())
    h.on_barrier(0, barrier(1))
    h.on_end_of_partition(1)
    assert r.log == [("trigger", 1)]
    h.on_barrier(0, barrier(2))  # one live channel left
    assert r.log[-1] == ("trigger", 2)


def test_tracking_never_blocks_and_triggers_on_last_barrier():
    r = Recorder()
    h = TrackingBarrierHandler(2, r.actions())
    h.on_barrier(0, barrier(1))
    assert r.blocked == set() and r.log == []
    h.on_barrier(0, barrier(2))
    h.on_barrier(1, barrier(2))
    assert r.log == [("abort", 1), ("trigger", 2)]
    h.on_barrier(1, barrier(1))
    assert r.log == [("abort", 1), ("trigger", 2)]


class UnalignedRecorder(Recorder):
    def unaligned_actions(self):
        from weir.runtime.checkpointing.barrier_handler import UnalignedActions

        return UnalignedActions(
            start=lambda b, waiting: self.log.append(("start", b.checkpoint_id, sorted(waiting))),
            channel_done=lambda cid, ch: self.log.append(("done", cid, ch)),
            abort=lambda cid, why: self.log.append(("abort", cid)),
        )


def unaligned(n=3):
    from weir.runtime.checkpointing.barrier_handler import UnalignedBarrierHandler

    r = UnalignedRecorder()
    return r, UnalignedBarrierHandler(n, r.actions(), r.unaligned_actions())


def test_unaligned_snapshots_at_the_first_barrier_and_never_blocks():
    r, h = unaligned()
    h.on_barrier(1, barrier(1, True))
    assert r.log == [("start", 1, [0, 2])] and r.blocked == set()
    h.on_barrier(0, barrier(1, True))
    h.on_end_of_partition(2)
    assert r.log[1:] == [("done", 1, 0), ("done", 1, 2)]
    assert h.pending_checkpoint is None
    h.on_barrier(0, barrier(2, True))
    assert r.log[-1] == ("start", 2, [1])


def test_unaligned_newer_barrier_or_cancel_aborts_the_recording():
    r, h = unaligned()
    h.on_barrier(0, barrier(1, True))
    h.on_barrier(0, barrier(2, True))
    assert ("abort", 1) in r.log and r.log[-1] == ("start", 2, [1, 2])
    h.on_cancel(1, 2)
    assert r.log[-1] == ("abort", 2) and h.pending_checkpoint is None


def test_unaligned_handler_aligns_barriers_not_marked_unaligned():
    """The final checkpoint after end of input is aligned: no in-flight output after it."""
    r, h = unaligned(2)
    h.on_barrier(0, barrier(7))
    assert r.blocked == {0} and not any(e[0] == "start" for e in r.log)
    h.on_barrier(1, barrier(7))
    assert ("trigger", 7) in r.log


def test_unaligned_savepoints_are_aligned():
    from weir.runtime.network.events import CheckpointBarrier

    r, h = unaligned(2)
    h.on_barrier(0, CheckpointBarrier(1, 0, is_savepoint=True))
    assert r.blocked == {0} and not any(e[0] == "start" for e in r.log)
    h.on_barrier(1, CheckpointBarrier(1, 0, is_savepoint=True))
    assert ("trigger", 1) in r.log and r.blocked == set()
