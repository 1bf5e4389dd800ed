"""OutputTag, as in ``pyflink.datastream.output_tag`` (defined in :mod:`weir.api.output_tag`)."""

from weir.api.output_tag import OutputTag

__all__ = ["OutputTag"]
