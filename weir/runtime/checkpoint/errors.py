"""Exceptions of checkpointing and recovery."""


class CheckpointError(Exception):
    """A checkpoint could not be taken or completed."""


class CorruptCheckpointError(CheckpointError):
    """A checkpoint file is missing, truncated or fails its checksum; the message names it."""


class NoCheckpointError(CheckpointError):
    """Recovery or restore found no usable checkpoint or savepoint."""
