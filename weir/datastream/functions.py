"""User-function interfaces, as in ``pyflink.datastream.functions`` (defined in
:mod:`weir.api.functions`)."""

from weir.api.functions import *  # noqa: F403
from weir.api.functions import __all__  # noqa: F401
