"""Connectors, as in ``pyflink.datastream.connectors``.

Example::

    from weir.datastream.connectors import FileSink, FileSource, NumberSequenceSource
"""

from enum import Enum

from weir.connectors.base import Source
from weir.datastream.connectors.file_system import (
    BucketAssigner,
    FileEnumeratorProvider,
    FileSink,
    FileSource,
    FileSourceBuilder,
    FileSplitAssignerProvider,
    OutputFileConfig,
    RollingPolicy,
    Sink,
    StreamFormat,
)
from weir.datastream.connectors.number_seq import NumberSequenceSource


class DeliveryGuarantee(Enum):
    """The delivery guarantee a sink connector is configured for.

    Example::

        DeliveryGuarantee.EXACTLY_ONCE
    """

    EXACTLY_ONCE = 0
    AT_LEAST_ONCE = 1
    NONE = 2


__all__ = [
    "BucketAssigner",
    "DeliveryGuarantee",
    "FileEnumeratorProvider",
    "FileSink",
    "FileSource",
    "FileSourceBuilder",
    "FileSplitAssignerProvider",
    "NumberSequenceSource",
    "OutputFileConfig",
    "RollingPolicy",
    "Sink",
    "Source",
    "StreamFormat",
]
