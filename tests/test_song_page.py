"""The song page, driven offscreen: details, the piano roll, the buttons, similar songs."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
from PySide6.QtTest import QTest

from app.catalog_store import CatalogStore
from app.song_record import Note, SongRecord

MELODY = [67, 69, 71, 72, 74, 72, 71, 69, 67]
"""G4 A4 B4 C5 D5 C5 B4 A4 G4, one note every 0.5 s."""


def dispose(widget) -> None:
    """Close and delete a widget now, so no Qt object outlives its test."""
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def add_song(store: CatalogStore, notes=None, title="Skyline Song") -> int:
    notes = notes if notes is not None else [Note(i * 0.5, 0.45, p) for i, p in enumerate(MELODY)]
    song_id = store.add_song(SongRecord(
        title, artist="Test Artist", genre="Ballad", year=1999, language="Korean",
        singer_gender="mixed", singers=["Hana", "Minho"], notes=notes))
    store.db.execute("UPDATE singers SET gender = 'female' WHERE name = 'Hana'")
    store.db.execute("UPDATE singers SET gender = 'male' WHERE name = 'Minho'")
    return song_id


def open_page():
    from ui.song_page import SongPage

    page = SongPage()
    page.resize(900, 720)
    page.show()
    QCoreApplication.processEvents()
    return page


def test_a_song_shows_its_details_and_melody_as_a_piano_roll(qapp, tmp_path, artifacts_dir):
    store = CatalogStore(tmp_path / "c.sqlite")
    song_id = add_song(store)
    page = open_page()
    try:
        assert page.show_song(store, song_id)
        QCoreApplication.processEvents()
        assert page.title_label.text() == "Skyline Song"
        assert page.artist_label.text() == "Test Artist"
        assert page.facts["range"].text().startswith("G4–D5")
        assert page.facts["key"].text() == store.song(song_id)["original_key"] != ""
        assert page.facts["singers"].text() == "Hana (female), Minho (male)"
        assert (page.facts["genre"].text(), page.facts["year"].text()) == ("Ballad", "1999")
        assert page.facts["length"].text() == "0:04"

        roll = page.piano_roll
        assert [n.pitch for n in roll.notes()] == MELODY
        assert roll.pitch_bounds() == (65, 77)
        assert roll.row_labels() == ["C5"]
        rects = roll.note_rects()
        assert len(rects) == len(MELODY)
        assert all(roll.rect().contains(r.toRect()) for r in rects)
        assert [r.left() for r in rects] == sorted(r.left() for r in rects)
        top = min(rects, key=lambda r: r.top())
        assert rects.index(top) == MELODY.index(74), "the highest note is drawn highest"
        assert all(abs(r.height() - rects[0].height()) < 1e-6 for r in rects)

        assert page.similar_placeholder.isVisible() and not page.similar_list.isVisible()
        shot = artifacts_dir / "song_page_offscreen.png"
        assert page.grab().save(str(shot))
        print(f"screenshot: {shot}")
    finally:
        dispose(page)
        store.close()


def test_buttons_and_similar_songs_emit_what_the_window_needs(qapp, tmp_path):
    store = CatalogStore(tmp_path / "c.sqlite")
    song_id = add_song(store)
    page = open_page()
    sung, back, picked = [], [], []
    page.sing_requested.connect(sung.append)
    page.back_requested.connect(lambda: back.append(1))
    page.song_requested.connect(picked.append)
    try:
        page.show_song(store, song_id)
        assert page.sing_button.minimumHeight() >= 44 and page.back_button.minimumHeight() >= 44
        QTest.mouseClick(page.sing_button, Qt.MouseButton.LeftButton)
        QTest.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
        assert sung == [song_id] and back == [1]

        page.show_similar([{"song_id": 7, "title": "Other Song", "artist": "Someone",
                            "reason": "same mood"}])
        QCoreApplication.processEvents()
        assert page.similar_list.isVisible() and not page.similar_placeholder.isVisible()
        assert page.similar_rows() == [(7, "Other Song — Someone  ·  same mood")]
        item_rect = page.similar_list.visualItemRect(page.similar_list.item(0))
        assert item_rect.height() >= 44
        QTest.mouseClick(page.similar_list.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(item_rect.center()))
        assert picked == [7]
        page.show_song(store, song_id)  # a new song starts without the old similar list
        assert page.similar_rows() == [] and not page.similar_list.isVisible()
    finally:
        dispose(page)
        store.close()


def test_long_songs_scroll_and_missing_songs_say_so(qapp, tmp_path):
    store = CatalogStore(tmp_path / "c.sqlite")
    long_id = add_song(store, [Note(i * 2.0, 1.5, 55 + i % 20) for i in range(120)], "Long Song")
    page = open_page()
    try:
        page.show_song(store, long_id)
        QCoreApplication.processEvents()
        assert len(page.piano_roll.note_rects()) == 120
        assert page.piano_roll.width() > page.roll_scroll.viewport().width()
        assert page.piano_roll.row_labels() == ["C5", "C4"]
        assert not page.show_song(store, 9999)
        assert "no longer in the catalog" in page.title_label.text()
        assert page.piano_roll.note_rects() == [] and not page.sing_button.isEnabled()
    finally:
        dispose(page)
        store.close()


def test_roll_layout_geometry_is_pure_and_sane():
    from ui.piano_roll import GUTTER_PX, RollLayout, pitch_bounds

    assert pitch_bounds([]) == (54, 66)
    assert pitch_bounds([Note(0, 1, 60)]) == (54, 66)  # one note: an octave around it
    roll = RollLayout([Note(0, 1, 60), Note(1, 2, 72)], width=344, height=328)
    assert (roll.low, roll.high, roll.length_s) == (58, 74, 3.0)
    assert roll.px_per_s == (344 - GUTTER_PX - 8) / 3.0
    (x0, y0, w0, _h0), (x1, y1, w1, _h1) = roll.note_rects()
    assert x0 == GUTTER_PX and x1 == GUTTER_PX + roll.px_per_s and y1 < y0
    assert w1 > w0
    assert roll.c_rows() == [60, 72]
    assert roll.time_ticks() == [0.0, 1.0, 2.0, 3.0]
