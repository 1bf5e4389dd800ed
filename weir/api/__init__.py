"""User-facing interfaces that depend on nothing in weir but :mod:`weir.common`: function
classes, state interfaces and descriptors, output tags. ``weir.datastream`` re-exports them under
PyFlink's module names; the runtime depends on them without importing the API facade."""
