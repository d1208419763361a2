"""All writes go through one thread; readers see them through their own connection."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from app.catalog_store import CatalogStore
from app.db_writer import DbWriter
from app.song_record import Note, SongRecord


def test_writes_from_many_threads_run_on_one_writer_thread(tmp_path):
    db_path = tmp_path / "c.sqlite"
    writer = DbWriter(db_path)
    writer_threads = set()

    def add(i: int):
        def work(store):
            writer_threads.add(threading.get_ident())
            return store.add_song(SongRecord(f"Song {i}", notes=[Note(0, 1, 60 + i % 12)]))
        return writer.submit(work).result()

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(add, range(40)))
    writer.close()
    assert len(set(ids)) == 40
    assert len(writer_threads) == 1 and threading.get_ident() not in writer_threads
    with CatalogStore(db_path) as reader:
        assert reader.count_songs() == 40


def test_a_failing_write_reports_its_error_and_the_writer_goes_on(tmp_path):
    writer = DbWriter(tmp_path / "c.sqlite")
    failed = writer.submit(lambda store: store.db.execute("INSERT INTO nowhere VALUES (1)"))
    assert "nowhere" in str(failed.exception())
    assert writer.submit(lambda store: store.add_song(SongRecord("Still works"))).result() == 1
    writer.close()
