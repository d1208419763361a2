"""The song page in the window: similar songs appear (looked up off the UI
thread), picking one opens it, and "Sing this" records a play with its key."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from app.catalog_store import CatalogStore
from tests.gui_wait import wait_until
from tests.similar_catalog import copy_catalog
from tests.test_main_window import dispose, open_window


def plays(path) -> list[dict]:
    with CatalogStore(path) as store:
        return list(store.db.query("SELECT session_id, song_id, key_shift FROM plays "
                                   "WHERE session_id LIKE 'room:20%' ORDER BY id"))


def test_song_page_lists_similar_songs_and_sing_this_records_plays(qapp, similar_db, tmp_path,
                                                                   artifacts_dir):
    path = copy_catalog(similar_db[0], tmp_path / "c")
    ids = similar_db[1]
    window = open_window(qapp, path)
    page = window.song_page
    try:
        window.open_song(ids["Ana Stepwise"][0])
        assert window.stack.currentWidget() is page
        wait_until(lambda: page.similar_rows(), what="the similar songs")
        rows = page.similar_rows()
        assert len(rows) == 10 and ids["Ana Stepwise"][0] not in [song for song, _text in rows]
        assert page.similar_list.isVisible() and not page.similar_placeholder.isVisible()
        assert any("Ana song" in text and "same artist, genre or era" in text for _song, text in rows)
        shot = artifacts_dir / "song_page_similar_offscreen.png"
        assert window.grab().save(str(shot))
        print(f"screenshot: {shot}")

        assert page.sing_button.isVisible() and page.sing_button.text() == "Sing this"
        QTest.mouseClick(page.sing_button, Qt.MouseButton.LeftButton)
        wait_until(lambda: "Now singing: Ana song 1" in window.status_label.text(),
                   what="the play to be recorded")
        assert len(plays(path)) == 1

        # a song page opened with a key (as from a suggestion) sings in that key
        window.open_song(ids["Bo Leaps"][2], key_shift=-2)
        assert page.sing_button.text() == "Sing this (key -2)"
        QTest.mouseClick(page.sing_button, Qt.MouseButton.LeftButton)
        wait_until(lambda: len(plays(path)) == 2, what="the second play")
        first, second = plays(path)
        assert (first["song_id"], first["key_shift"]) == (ids["Ana Stepwise"][0], 0)
        assert (second["song_id"], second["key_shift"]) == (ids["Bo Leaps"][2], -2)
        assert first["session_id"] == second["session_id"]  # one room, one session

        wait_until(lambda: page.similar_rows() and page.song_id == ids["Bo Leaps"][2],
                   what="the second song's similar songs")
        picked, _text = page.similar_rows()[0]
        rect = page.similar_list.visualItemRect(page.similar_list.item(0))
        QTest.mouseClick(page.similar_list.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center()))
        assert page.song_id == picked and page.sing_button.text() == "Sing this"
    finally:
        dispose(window)
