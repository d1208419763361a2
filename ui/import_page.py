"""The Import page: add song folders or files, watch the progress, read what failed.

A thin wrapper over :class:`app.import_session.ImportSession`, which runs on a
single-thread writer pool (never the UI thread) and keeps a snapshot this page
reads on every progress signal. Cancel stops after the current file; an
import that was cancelled, or cut short by a quit or a crash, is offered for
resuming whenever the page is shown (files already stored are skipped by
their hash).

    page = ImportPage(db_path, kiosk=False)
    page.catalog_changed.connect(library.refresh)
    page.start_import([Path("~/Music/karaoke").expanduser()])
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QThreadPool, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.catalog_store import CatalogStore
from app.import_session import (
    PHASE_INDEXING,
    ImportSession,
    ImportSnapshot,
    UnfinishedImport,
    processed_count,
    unfinished_imports,
)
from app.importers import SUPPORTED_EXTENSIONS
from ui.background import run_task

TOUCH_HEIGHT = 44
"""Minimum height of a touch target, in pixels."""


class ImportPage(QWidget):
    """Import song files into the catalog at ``db_path``.

    kiosk: no file dialogs (the Add buttons are hidden); ``start_import`` still works.
    pool: the app's single-thread pool for catalog writes; by default the page
        makes its own one-thread pool (imports then never run two at once).
    """

    catalog_changed = Signal()
    """Songs were added (emitted once an import that added any ends, cancelled or not)."""
    import_finished = Signal(object)
    """The final :class:`ImportSnapshot` of an import, after the page shows its summary."""

    def __init__(self, db_path: Path, parent: QWidget | None = None, *, kiosk: bool = False,
                 pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.kiosk = kiosk
        if pool is None:
            pool = QThreadPool()  # not a child: deleting the page must not wait inside Qt
            pool.setMaxThreadCount(1)
        self._pool = pool
        self._session: ImportSession | None = None
        self._unfinished: UnfinishedImport | None = None
        self._failures_shown = 0
        # The worker's callbacks may land after this page is gone; a deleted
        # page also cancels its import (the pool then waits for one file only).
        alive, sessions = self._alive, self._sessions = [True], []
        self.destroyed.connect(lambda *_: (alive.__setitem__(0, False),
                                           [s.cancel() for s in sessions]))
        self._build()

    # --- layout -------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Import songs"))
        heading.setStyleSheet("font-size: 22px; font-weight: 600;")
        layout.addWidget(heading)
        intro = QLabel(self.tr(
            "MIDI and KAR files, UltraStar .txt files and audio (WAV, FLAC, Ogg, MP3). "
            "Songs already in the catalog are skipped; a broken file is listed below "
            "and never stops the others."))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        buttons = QHBoxLayout()
        self.add_folder_button = self._button(self.tr("Add folder…"), self._choose_folder)
        self.add_files_button = self._button(self.tr("Add files…"), self._choose_files)
        self.resume_button = self._button("", self.resume_import)
        self.cancel_button = self._button(self.tr("Cancel"), self.cancel_import)
        for button in (self.add_folder_button, self.add_files_button, self.resume_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.kiosk_note = QLabel(self.tr("Adding songs from files is turned off in kiosk mode."))
        layout.addWidget(self.kiosk_note)
        for widget in (self.add_folder_button, self.add_files_button):
            widget.setVisible(not self.kiosk)
        self.kiosk_note.setVisible(self.kiosk)
        self.resume_button.setVisible(False)
        self.cancel_button.setVisible(False)

        self.status_label = QLabel(self.tr("Choose a folder or files to import."))
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.progress_bar = QProgressBar(textVisible=True, visible=False)
        self.progress_bar.setMinimumHeight(32)
        layout.addWidget(self.progress_bar)
        self.summary_label = QLabel(visible=False)
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet("font-size: 16px;")
        layout.addWidget(self.summary_label)

        self.errors_heading = QLabel(self.tr("Files that could not be imported"), visible=False)
        self.errors_heading.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.errors_heading)
        self.error_table = QTableWidget(0, 2, visible=False)
        self.error_table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Reason")])
        self.error_table.verticalHeader().setVisible(False)
        self.error_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.error_table.setWordWrap(True)
        header = self.error_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.error_table, 1)
        layout.addStretch(0)

    def _button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setMinimumHeight(TOUCH_HEIGHT)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # --- choosing files (never in kiosk mode) ----------------------------------
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder of songs"))
        if folder:
            self.start_import([Path(folder)])

    def _choose_files(self) -> None:
        patterns = " ".join(f"*{ext}" for ext in sorted(SUPPORTED_EXTENSIONS))
        files, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Add song files"), "", self.tr("Song files") + f" ({patterns})")
        if files:
            self.start_import([Path(f) for f in files])

    # --- running ----------------------------------------------------------------
    def is_running(self) -> bool:
        return self._session is not None

    def start_import(self, paths: list[Path]) -> bool:
        """Import ``paths`` (files and folders, walked recursively) off the UI thread.

        Returns False (and does nothing) while another import runs.
        """
        if self._session is not None or not paths:
            return False
        session = self._session = ImportSession(self.db_path, paths)
        self._sessions[:] = [session]
        self._failures_shown = 0
        self.error_table.setRowCount(0)
        self._show_running(True)
        self.status_label.setText(self.tr("Looking for song files…"))
        self.progress_bar.setRange(0, 0)  # busy until the files are counted
        self.progress_bar.setFormat("")
        run_task(session.run, on_done=self._guard(self._finished),
                 on_error=self._guard(self._failed),
                 on_progress=self._guard(lambda _d, _t: self._show(session.snapshot())),
                 pool=self._pool)
        return True

    def cancel_import(self) -> None:
        """Stop after the file being imported now; everything done so far is kept."""
        if self._session is not None:
            self._session.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText(self.tr("Stopping after the current file…"))

    def resume_import(self) -> bool:
        """Start again the newest unfinished import (its stored files are skipped)."""
        run = self._unfinished
        return run is not None and self.start_import([Path(p) for p in run.paths])

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Cancel a running import and wait for its current file (call when the app quits)."""
        if self._session is not None:
            self._session.cancel()
        self._pool.waitForDone(timeout_ms)

    def _guard(self, callback):
        alive = self._alive
        return lambda *args: callback(*args) if alive[0] else None

    def _show_running(self, running: bool) -> None:
        for button in (self.add_folder_button, self.add_files_button):
            button.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.progress_bar.setVisible(True)
        if running:
            self.resume_button.setVisible(False)
            self.summary_label.setVisible(False)

    def _show(self, snap: ImportSnapshot) -> None:
        result = snap.result
        if snap.phase == PHASE_INDEXING:
            self.progress_bar.setRange(0, max(snap.index_total, 1))
            self.progress_bar.setValue(snap.index_done)
            self.progress_bar.setFormat(self.tr("Preparing hum search: {done} of {total} songs")
                                        .format(done=snap.index_done, total=snap.index_total))
            self.status_label.setText(self.tr("Making the new songs findable by humming…"))
        elif snap.files_total:
            self.progress_bar.setRange(0, snap.files_total)
            self.progress_bar.setValue(snap.files_done)
            self.progress_bar.setFormat(self.counts_text(snap))
            if snap.current is not None and not (self._session and self._session.cancelling):
                self.status_label.setText(self.tr("Importing {name}…").format(name=snap.current.name))
        self._add_failures(result.failed)

    def counts_text(self, snap: ImportSnapshot) -> str:
        """``"N of M files · K imported · E failed"`` (and how many were already stored)."""
        result = snap.result
        text = self.tr("{done} of {total} files · {added} imported · {failed} failed").format(
            done=snap.files_done, total=snap.files_total, added=len(result.added),
            failed=len(result.failed))
        if result.unchanged:
            text += " · " + self.tr("{n} already in the catalog").format(n=len(result.unchanged))
        return text

    def _add_failures(self, failed: list[tuple[Path, str]]) -> None:
        for path, reason in failed[self._failures_shown:]:
            row = self.error_table.rowCount()
            self.error_table.insertRow(row)
            name = QTableWidgetItem(Path(path).name or str(path))
            name.setToolTip(str(path))
            self.error_table.setItem(row, 0, name)
            self.error_table.setItem(row, 1, QTableWidgetItem(reason))
        self._failures_shown = len(failed)
        has = bool(failed)
        self.errors_heading.setVisible(has)
        self.error_table.setVisible(has)

    def _finished(self, snap: ImportSnapshot) -> None:
        self._session = None
        self._show(snap)
        self._show_running(False)
        result = snap.result
        self.progress_bar.setRange(0, max(snap.files_total, 1))
        self.progress_bar.setValue(snap.files_done if snap.files_total else 1)
        self.progress_bar.setFormat(self.counts_text(snap))
        self.status_label.setText(self.tr("Import stopped.") if result.cancelled
                                  else self.tr("Import finished."))
        self.summary_label.setText(self.summary_text(snap))
        self.summary_label.setVisible(True)
        self.refresh_unfinished()
        if result.added:
            self.catalog_changed.emit()
        self.import_finished.emit(snap)

    def summary_text(self, snap: ImportSnapshot) -> str:
        """The closing words of an import, for people."""
        result = snap.result
        if not snap.files_total and not result.failed:
            return self.tr("No song files were found there.")
        parts = [self.tr("{n} songs imported").format(n=len(result.added))]
        if result.unchanged:
            parts.append(self.tr("{n} were already in the catalog").format(n=len(result.unchanged)))
        if result.failed:
            parts.append(self.tr("{n} could not be imported (listed below)")
                         .format(n=len(result.failed)))
        if result.skipped:
            parts.append(self.tr("{n} text files were not songs").format(n=len(result.skipped)))
        text = ", ".join(parts) + "."
        if result.cancelled:
            text = self.tr("Stopped after {done} of {total} files. Everything imported so far "
                           "is kept; Resume finishes the rest.").format(
                done=snap.files_done, total=snap.files_total) + " " + text
        if snap.index_note:
            text += " " + snap.index_note
        return text

    def _failed(self, exc: Exception) -> None:
        self._session = None
        self._show_running(False)
        self.progress_bar.setVisible(False)
        self.status_label.setText(self.tr("The import stopped: {reason}").format(reason=exc))
        self.refresh_unfinished()

    # --- resuming -----------------------------------------------------------------
    def showEvent(self, event) -> None:
        """Each time the page is shown, look again for an unfinished import."""
        super().showEvent(event)
        if self._session is None:
            self.refresh_unfinished()

    def refresh_unfinished(self) -> None:
        """Look (off the UI thread) for an import that did not finish, and offer to resume it."""
        db_path = self.db_path
        if not db_path.exists():
            return

        def newest(_progress):
            with CatalogStore(db_path) as store:
                runs = unfinished_imports(store)
                return (runs[0], processed_count(store, runs[0])) if runs else None

        run_task(newest, on_done=self._guard(self._offer_resume), on_error=lambda _exc: None,
                 pool=self._pool)

    def _offer_resume(self, found: tuple[UnfinishedImport, int] | None) -> None:
        self._unfinished = found[0] if found else None
        if found is None or self._session is not None:
            self.resume_button.setVisible(False)
            return
        run, done = found
        self.resume_button.setText(
            self.tr("Resume the unfinished import of “{name}” ({done} of {total} files done)")
            .format(name=run.label(), done=done, total=run.total))
        self.resume_button.setToolTip("\n".join(run.paths))
        self.resume_button.setVisible(True)
