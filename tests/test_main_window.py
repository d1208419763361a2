"""The main window's library, driven offscreen: it lists the catalog and searches it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent

from app.catalog_store import CatalogStore
from app.song_record import Note, SongRecord
from tests.gui_wait import wait_until

TITLES = ["아리랑 (Arirang)", "Jingle Bells", "Silent Night", "도라지 타령 (Doraji taryeong)"]


def dispose(window) -> None:
    """Close and delete a window now, so no Qt object outlives its test."""
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def make_catalog(path):
    with CatalogStore(path) as store:
        for i, title in enumerate(TITLES):
            store.add_song(SongRecord(title, artist="Traditional", genre="folk" if i % 2 else "carol",
                                      notes=[Note(0, 1, 60 + i), Note(1, 1, 64 + i)]))


def open_window(qapp, db_path, seed_demo=False, **options):
    from PySide6.QtCore import QSettings

    from ui.main_window import LIBRARY, MainWindow

    settings = QSettings(str(db_path.with_suffix(".ini")), QSettings.Format.IniFormat)
    window = MainWindow(db_path, seed_demo=seed_demo, settings=settings, **options)
    window.show_page(LIBRARY)
    window.show()
    window.load_catalog()
    wait_until(lambda: window.store is not None, timeout_s=180, what="the catalog to open")
    return window


def test_window_lists_the_catalog_and_searches_as_you_type(qapp, tmp_path, artifacts_dir):
    make_catalog(tmp_path / "c.sqlite")
    window = open_window(qapp, tmp_path / "c.sqlite")
    try:
        assert window.library.model.rowCount() == 4
        assert "4 songs" in window.library.count_label.text()
        window.library.search_box.setText("ㅇㄹㄹ")
        wait_until(lambda: window.library.model.rowCount() == 1, what="the search to narrow the list")
        assert window.library.model.song_at(0)["title"] == "아리랑 (Arirang)"
        window.library.search_box.setText("")
        wait_until(lambda: window.library.model.rowCount() == 4, what="the full list")
        window.library.genre_box.setCurrentIndex(window.library.genre_box.findData("carol"))
        assert sorted(window.library.model.song_at(r)["title"] for r in range(window.library.model.rowCount())) \
            == ["Silent Night", "아리랑 (Arirang)"]
        shot = artifacts_dir / "main_window_offscreen.png"
        assert window.grab().save(str(shot))
        print(f"screenshot: {shot}")
    finally:
        dispose(window)


def test_first_run_seeds_the_demo_catalog_without_freezing(qapp, tmp_path):
    window = open_window(qapp, tmp_path / "new.sqlite", seed_demo=True)
    try:
        assert window.store.count_songs() >= 1000
        assert window.library.model.rowCount() > 0
        window.library.search_box.setText("jingle")
        wait_until(lambda: window.library.model.rowCount() >= 1
                   and window.library.model.song_at(0)["title"] == "Jingle Bells",
                   what="Jingle Bells in the demo catalog")
    finally:
        dispose(window)


def test_a_broken_catalog_is_reported_in_the_window(qapp, tmp_path):
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    bogus = tmp_path / "bogus.sqlite"
    bogus.write_bytes(b"not a database at all" * 100)
    window = MainWindow(bogus, seed_demo=False, settings=QSettings(
        str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window.show()
    window.load_catalog()
    try:
        wait_until(lambda: "Could not open" in window.status_label.text(), what="the error")
        assert window.store is None
    finally:
        dispose(window)
