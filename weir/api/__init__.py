"""User-facing interfaces with no dependencies on the rest of weir: function classes, state
interfaces and descriptors, output tags. ``weir.datastream`` re-exports them under PyFlink's
module names; the runtime depends on them without importing the API facade."""
