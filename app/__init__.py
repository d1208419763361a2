"""Norae's application core: catalog store, indexes, audio I/O, importers, CLI.

May use QtCore at most, never QtWidgets or QtGui (``tests/test_layering.py``).
"""
