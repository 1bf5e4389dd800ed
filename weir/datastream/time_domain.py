"""TimeDomain, as in ``pyflink.datastream.time_domain`` (defined in :mod:`weir.api.functions`)."""

from weir.api.functions import TimeDomain

__all__ = ["TimeDomain"]
