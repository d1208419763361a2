"""kill -9 during an import of 1,000 files: the database opens, holds no
half-imported song, and the next import resumes and completes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from app.catalog_store import CatalogStore

NOTES_PER_SONG = 24


def write_ultrastar_songs(folder, count):
    for i in range(count):
        lines = [f"#TITLE:Crash Song {i:04d}", "#ARTIST:Test Choir", "#BPM:240", "#GAP:500"]
        for n in range(NOTES_PER_SONG):
            lines.append(f": {n * 4} 3 {(i + n * 5) % 19 - 7} la")
        lines.append("E")
        (folder / f"song_{i:04d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def count_songs(db_path) -> int:
    try:
        with sqlite3.connect(db_path, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM songs").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_kill_9_mid_import_leaves_a_consistent_database_that_resumes(tmp_path):
    folder = tmp_path / "songs"
    folder.mkdir()
    write_ultrastar_songs(folder, 1000)
    db_path = tmp_path / "c.sqlite"
    command = [sys.executable, "-m", "ui.launcher", "--db", str(db_path), "--no-demo", "import",
               str(folder)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while count_songs(db_path) < 50:
        assert proc.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    with CatalogStore(db_path) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        survived = store.count_songs()
        assert 50 <= survived < 1000, "the kill must land mid-import"
        half_done = store.db.execute(
            "SELECT count(*) FROM songs s LEFT JOIN melodies m ON m.song_id = s.id "
            f"WHERE m.n_notes IS NULL OR m.n_notes != {NOTES_PER_SONG}").fetchone()[0]
        assert half_done == 0
        unrecorded = store.db.execute(
            "SELECT count(*) FROM songs WHERE id NOT IN "
            "(SELECT song_id FROM import_files WHERE status = 'imported')").fetchone()[0]
        assert unrecorded == 0

    resumed = subprocess.run(command + ["--json"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    import json

    report = json.loads(resumed.stdout)
    assert len(report["added"]) == 1000 - survived
    assert len(report["unchanged"]) == survived
    with CatalogStore(db_path) as store:
        assert store.count_songs() == 1000
        titles = {r[0] for r in store.db.execute("SELECT title FROM songs")}
        assert len(titles) == 1000
