"""The one exception every importer raises for a file it cannot read.

Kept in its own module so the parser modules and the package ``__init__`` can
both import it without a cycle.
"""

from __future__ import annotations


class ImportFileError(Exception):
    """A file could not be imported; ``str(e)`` is a short readable reason.

    Example: ``ImportFileError("not a MIDI file (bad header)")``.
    """


class NotASongFileError(ImportFileError):
    """The file is readable but is not a song file we understand.

    Raised for ``.txt`` files that are not UltraStar song files (a README, a
    lyrics sheet): an import pipeline may skip these quietly instead of
    reporting them as broken.
    """
