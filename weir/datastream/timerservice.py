"""TimerService, as in ``pyflink.datastream.timerservice`` (defined in
:mod:`weir.api.functions`)."""

from weir.api.functions import TimerService

__all__ = ["TimerService"]
