"""Importing .m3u/.m3u8 playlists as sessions: entries matched by path, by
#EXTINF artist and title, or by file name; bad lines reported, never fatal;
a malformed file is a clear error; importing twice keeps one session."""

from __future__ import annotations

import pytest

from app.play_log import play_sessions
from app.playlist_import import PlaylistError, import_playlist
from app.song_record import Note, SongRecord


@pytest.fixture
def store(fresh_store, tmp_path):
    for title, artist, path in [("Blue Bird", "Hana", str(tmp_path / "music" / "blue.mid")),
                                ("Café Noël", "Minho", "/elsewhere/cafe.kar"),
                                ("Arirang", "Traditional", ""),
                                ("Arirang", "Someone Else", "")]:
        fresh_store.add_song(SongRecord(title, artist=artist, source_path=path,
                                        notes=[Note(0, 1, 60), Note(1, 1, 64)]))
    return fresh_store


def ids(store) -> dict[tuple[str, str], int]:
    return {(r["title"], r["artist"]): r["id"] for r in store.db.query("SELECT * FROM songs")}


def test_an_extended_playlist_becomes_one_session_in_its_order(store, tmp_path):
    playlist = tmp_path / "party.m3u8"
    playlist.write_text(
        "\ufeff#EXTM3U\n"
        "#PLAYLIST:Friday\n"
        "#EXTINF:215,MINHO - cafe noel\n"          # by artist and title, any case and accents
        "http://example.invalid/stream/8812\n"
        "music/blue.mid\n"                          # by path, relative to the playlist
        "#EXTINF:180,Arirang\n"                     # a title alone: the first such song
        "C:\\Karaoke\\Arirang.kar\n"
        "\n"
        "/nowhere/03 - Traditional - Arirang.mp3\n"  # by file name: artist, title, track number
        "#EXTINF:100,Hana Kim - Blue Bird\n"       # the only "Blue Bird", whoever sings it
        "b.mp3\n"
        "#EXTINF:not a proper line\n"
        "/nowhere/Unknown Tune.mp3\n", encoding="utf-8")
    outcome = import_playlist(store, playlist, now=1_760_000_000.0)
    song = ids(store)
    assert [s for _line, s in outcome.matched] == [
        song["Café Noël", "Minho"], song["Blue Bird", "Hana"], song["Arirang", "Traditional"],
        song["Arirang", "Traditional"], song["Blue Bird", "Hana"]]
    assert outcome.entries == 6
    assert [line for line, _reason in outcome.problems] == [12, 13]
    assert "malformed #EXTINF" in outcome.problems[0][1]
    assert "no song in the catalog matches" in outcome.problems[1][1] and "Unknown Tune" in outcome.problems[1][1]
    assert play_sessions(store) == [[s for _line, s in outcome.matched]]
    assert outcome.summary() == "party.m3u8: 5 of 6 entries matched songs in the catalog"


def test_importing_the_same_playlist_again_replaces_its_session(store, tmp_path):
    playlist = tmp_path / "a.m3u"
    playlist.write_bytes("#EXTINF:10,Hana - Blue Bird\nx.mp3\n#EXTINF:10,Minho - Caf\xe9 Noël\ny.mp3\n"
                         .encode("latin-1", errors="replace"))
    first = import_playlist(store, playlist)
    again = import_playlist(store, playlist)
    assert first.session_id == again.session_id and again.replaced and not first.replaced
    assert len(play_sessions(store)) == 1 and len(first.matched) == 2  # latin-1 read as such


@pytest.mark.parametrize("name, content, message", [
    ("empty.m3u", b"#EXTM3U\n# nothing here\n", "lists no songs"),
    ("binary.m3u", b"\x00\x01\x02ID3\x00", "binary data"),
    ("bad.m3u8", b"#EXTM3U\n\xff\xfe broken\n", "not valid UTF-8"),
    ("list.txt", b"song.mp3\n", "not an .m3u or .m3u8 playlist"),
])
def test_a_malformed_file_is_a_clear_error_and_adds_nothing(store, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(PlaylistError, match=message):
        import_playlist(store, path)
    assert play_sessions(store) == []


def test_a_missing_file_is_a_clear_error(store, tmp_path):
    with pytest.raises(PlaylistError, match="cannot read"):
        import_playlist(store, tmp_path / "gone.m3u")
