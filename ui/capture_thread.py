"""The capture worker: reads an audio source, runs the live melody encoder and
the take's level/auto-stop logic, and sends the UI small batched updates.

The audio callback (inside the source) only queues blocks; this thread does
the reading, pitch and bookkeeping; the UI thread only paints what arrives.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QThread, Signal

from app.audio_source import AudioSource, SourceTimeout
from app.take_recorder import TakeRecorder

UPDATE_EVERY_S = 0.05
"""Updates are batched to at most one per this many seconds (20 per second)."""
STOP_USER, STOP_END_OF_FILE = "user", "end_of_file"


class CaptureThread(QThread):
    """One take from ``source_factory()`` into ``recorder_factory()`` (a
    TakeRecorder; made in this thread, as loading the pitch model takes a moment).

    Signals (delivered on the UI thread): ``update(dict)`` with keys level_db,
    peak, hint, elapsed_s, sung_s, times_s, midi (float arrays of the new pitch
    frames); ``take_finished(audio float32 [L], pitch PitchTrack | None, reason str)``
    (the pitch of the whole take from the live encoder's outputs, see
    :meth:`app.take_recorder.TakeRecorder.pitch_track`); ``failed(str)`` when
    the source cannot be opened or stops working (nothing is recorded).
    """

    update = Signal(object)
    take_finished = Signal(object, object, str)
    failed = Signal(str)

    def __init__(self, source_factory: Callable[[], AudioSource],
                 recorder_factory: Callable[[], TakeRecorder], parent=None) -> None:
        super().__init__(parent)
        self.source_factory = source_factory
        self.recorder_factory = recorder_factory
        self.recorder: TakeRecorder | None = None
        self._stop = threading.Event()

    def request_stop(self) -> None:
        """End the take after the current block (safe from any thread)."""
        self._stop.set()

    def run(self) -> None:  # capture thread
        try:
            self.recorder = self.recorder_factory()
            source = self.source_factory()
            source.start()
        except Exception as exc:  # no model, no device, busy device, unreadable file
            self.failed.emit(str(exc))
            return
        reason = STOP_USER
        pending: list = []
        last_emit = time.monotonic()
        try:
            while not self._stop.is_set():
                try:
                    block = source.read(timeout=0.5)
                except SourceTimeout:
                    continue
                if block is None:
                    reason = STOP_END_OF_FILE
                    break
                step = self.recorder.push(block)
                pending.append(step)
                if time.monotonic() - last_emit >= UPDATE_EVERY_S or step.stop_reason:
                    self.update.emit(_merge(pending))
                    pending, last_emit = [], time.monotonic()
                if step.stop_reason:
                    reason = step.stop_reason
                    break
        except Exception as exc:  # the device vanished mid-take
            self.failed.emit(f"Recording stopped: {exc}")
            return
        finally:
            source.stop()
        if pending:
            self.update.emit(_merge(pending))
        self.recorder.finish()
        self.take_finished.emit(self.recorder.audio(), self.recorder.pitch_track(), reason)


def _merge(steps) -> dict:
    last = steps[-1]
    return {"level_db": max(s.level_db for s in steps), "peak": max(s.peak for s in steps),
            "hint": last.hint, "elapsed_s": last.elapsed_s, "sung_s": last.sung_s,
            "times_s": np.concatenate([s.times_s for s in steps]),
            "midi": np.concatenate([s.midi for s in steps])}
