"""Keyed-state interfaces and descriptors, as in ``pyflink.datastream.state`` (defined in
:mod:`weir.api.state`)."""

from weir.api.state import *  # noqa: F403
from weir.api.state import __all__  # noqa: F401
