"""The Import page, driven offscreen: a folder with a broken file, cancel, resume."""

from __future__ import annotations

import itertools
import threading
import time

from PySide6.QtCore import QCoreApplication, QEvent, QTimer

from app import import_run
from app.catalog_store import CatalogStore
from tests.fixture_files import (
    TEMPO_TITLE,
    write_tempo_change_midi,
    write_ultrastar_utf8,
)
from tests.gui_wait import wait_until


def dispose(widget) -> None:
    """Close and delete a widget now, so no Qt object outlives its test."""
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def open_page(db_path, **kwargs):
    from ui.import_page import ImportPage

    page = ImportPage(db_path, **kwargs)
    page.resize(900, 560)
    page.show()
    return page


def finish(page, timeout_s: float = 90.0) -> None:
    wait_until(lambda: not page.is_running(), timeout_s, what="the import to finish")


def ultrastar(title: str, i: int) -> str:
    notes = "\n".join(f": {n * 4} 3 {(i + n * 5) % 12} la" for n in range(8))
    return f"#TITLE:{title}\n#ARTIST:Test Choir\n#BPM:200\n#GAP:0\n{notes}\nE\n"


def table_rows(page) -> list[tuple[str, str]]:
    table = page.error_table
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def test_a_folder_with_a_broken_file_lists_it_and_imports_the_rest(qapp, tmp_path, artifacts_dir):
    folder = tmp_path / "songs"
    folder.mkdir()
    write_tempo_change_midi(folder / "tempo_change.mid")
    write_ultrastar_utf8(folder / "korean_utf8.txt")
    (folder / "broken.mid").write_text("This is not a MIDI file.\n", encoding="utf-8")
    db_path = tmp_path / "c.sqlite"
    page = open_page(db_path)
    changes, ticks = [], [time.monotonic()]
    page.catalog_changed.connect(lambda: changes.append(1))
    timer = QTimer(interval=10)  # the event loop must keep turning while the import runs
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    try:
        assert page.add_folder_button.isVisible() and page.add_files_button.isVisible()
        timer.start()
        assert page.start_import([folder])
        assert not page.start_import([folder]), "one import at a time"
        finish(page)
        timer.stop()
        longest_gap_s = max(b - a for a, b in itertools.pairwise(ticks))
        print(f"longest event-loop gap during the import: {longest_gap_s * 1000:.0f} ms")
        assert longest_gap_s < 0.25
        assert table_rows(page) == [("broken.mid", "not a MIDI file (bad header)")]
        assert page.progress_bar.text() == "3 of 3 files · 2 imported · 1 failed"
        assert "2 songs imported" in page.summary_label.text()
        assert "1 could not be imported" in page.summary_label.text()
        assert changes == [1]
        assert not page.resume_button.isVisible()
        with CatalogStore(db_path) as store:
            titles = sorted(r["title"] for r in store.search_songs(""))
            assert titles == sorted([TEMPO_TITLE, "아리랑 (UTF-8)"])
        shot = artifacts_dir / "import_page_offscreen.png"
        assert page.grab().save(str(shot))
        print(f"screenshot: {shot}")

        page.start_import([folder])  # again: nothing new, the broken file listed again
        finish(page)
        assert page.progress_bar.text() == \
            "3 of 3 files · 0 imported · 1 failed · 2 already in the catalog"
        assert changes == [1]
    finally:
        dispose(page)


def test_cancel_keeps_a_consistent_catalog_and_a_new_page_resumes(
        qapp, tmp_path, artifacts_dir, monkeypatch):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(12):
        (folder / f"song_{i:02d}.txt").write_text(ultrastar(f"Song {i:02d}", i), encoding="utf-8")
    db_path = tmp_path / "c.sqlite"
    reached, release, parsed = threading.Event(), threading.Event(), []
    real_parse = import_run.parse_file

    def gated_parse(path):  # holds the worker inside the 4th file until the test says go
        parsed.append(path.name)
        if len(parsed) == 4:
            reached.set()
            assert release.wait(30)
        return real_parse(path)

    monkeypatch.setattr(import_run, "parse_file", gated_parse)
    page = open_page(db_path)
    try:
        page.start_import([folder])
        wait_until(reached.is_set, what="the 4th file")
        assert page.cancel_button.isVisible()
        page.cancel_import()
        release.set()
        finish(page)
        assert page.summary_label.text().startswith("Stopped after 4 of 12 files.")
        assert page.progress_bar.text() == "4 of 12 files · 4 imported · 0 failed"
        with CatalogStore(db_path) as store:
            assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert store.count_songs() == 4
            assert store.db.execute("SELECT count(*) FROM melodies WHERE n_notes = 8"
                                    ).fetchone()[0] == 4
        wait_until(page.resume_button.isVisible, what="the resume offer")
        shot = artifacts_dir / "import_page_cancelled_offscreen.png"
        assert page.grab().save(str(shot))
        print(f"screenshot: {shot}")
    finally:
        dispose(page)

    page = open_page(db_path)  # as after a quit: the unfinished import is offered again
    changes = []
    page.catalog_changed.connect(lambda: changes.append(1))
    try:
        wait_until(page.resume_button.isVisible, what="the resume offer on a new page")
        assert "“many” (4 of 12 files done)" in page.resume_button.text()
        assert page.resume_import()
        finish(page)
        assert page.progress_bar.text() == \
            "12 of 12 files · 8 imported · 0 failed · 4 already in the catalog"
        assert changes == [1]
        wait_until(lambda: page._unfinished is None, what="the unfinished note to go")
        assert not page.resume_button.isVisible()
        with CatalogStore(db_path) as store:
            assert store.count_songs() == 12
    finally:
        dispose(page)


def test_kiosk_mode_has_no_file_dialog_buttons(qapp, tmp_path):
    page = open_page(tmp_path / "c.sqlite", kiosk=True)
    try:
        assert not page.add_folder_button.isVisible()
        assert not page.add_files_button.isVisible()
        assert page.kiosk_note.isVisible()
    finally:
        dispose(page)


def test_closing_the_page_mid_import_stops_it_cleanly(qapp, tmp_path, monkeypatch):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(6):
        (folder / f"song_{i}.txt").write_text(ultrastar(f"Song {i}", i), encoding="utf-8")
    reached, release, parsed = threading.Event(), threading.Event(), []
    real_parse = import_run.parse_file

    def gated_parse(path):
        parsed.append(path.name)
        if len(parsed) == 2:
            reached.set()
            assert release.wait(30)
        return real_parse(path)

    monkeypatch.setattr(import_run, "parse_file", gated_parse)
    page = open_page(tmp_path / "c.sqlite")
    pool = page._pool
    page.start_import([folder])
    wait_until(reached.is_set, what="the 2nd file")
    dispose(page)  # the worker's result now arrives for a page that is gone
    release.set()
    assert pool.waitForDone(30_000)
    QCoreApplication.processEvents()
    with CatalogStore(tmp_path / "c.sqlite") as store:
        assert store.count_songs() == 2


def test_unfinished_imports_are_remembered_per_set_of_paths(fresh_store, tmp_path):
    from app.import_session import (
        mark_finished,
        mark_started,
        normalise_paths,
        processed_count,
        unfinished_imports,
    )

    a, b = normalise_paths([tmp_path / "a"]), normalise_paths([tmp_path / "b", tmp_path / "c.mid"])
    mark_started(fresh_store, a, 10)
    mark_started(fresh_store, b, 3)
    mark_started(fresh_store, a, 12)  # started again: one note, the newer total
    runs = {r.paths: r for r in unfinished_imports(fresh_store)}
    assert {p: r.total for p, r in runs.items()} == {a: 12, b: 3}
    assert runs[b].label() == "b, c.mid"
    fresh_store.record_import(str(tmp_path / "a" / "x.mid"), "h1", "imported")
    fresh_store.record_import(str(tmp_path / "ab" / "y.mid"), "h2", "imported")  # not under a/
    fresh_store.record_import(str(tmp_path / "c.mid"), "h3", "failed", error="broken")
    assert processed_count(fresh_store, runs[a]) == 1
    assert processed_count(fresh_store, runs[b]) == 1
    mark_finished(fresh_store, a)
    assert [r.paths for r in unfinished_imports(fresh_store)] == [b]
    fresh_store.set_meta("unfinished_imports", "not json")
    assert unfinished_imports(fresh_store) == []
