"""Norae's PySide6 user interface: thin widgets over the pure classes in ``app``."""
