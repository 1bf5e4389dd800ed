"""Exceptions of the state layer."""


class StateError(Exception):
    """Misuse of keyed state, with a message that says how to fix it."""
