"""The import pipeline: walking folders, one transaction per file, errors, cancel."""

from __future__ import annotations

import shutil

import pytest

from app import import_run
from app.import_run import collect_files, import_paths


def ultrastar(title: str, pitches=(0, 2, 4, 5, 7)) -> str:
    body = "\n".join(f": {i * 4} 3 {p} la" for i, p in enumerate(pitches))
    return f"#TITLE:{title}\n#ARTIST:Someone\n#BPM:200\n#GAP:0\n{body}\nE\n"


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "music"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.txt").write_text(ultrastar("A"), encoding="utf-8")
    (root / "sub" / "b.txt").write_text(ultrastar("B", (1, 3)), encoding="utf-8")
    (root / "sub" / "deeper" / "c.txt").write_text(ultrastar("C", (5, 9)), encoding="utf-8")
    (root / ".hidden" / "d.txt").write_text(ultrastar("D"), encoding="utf-8")
    (root / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    return root


def test_collect_walks_recursively_skipping_hidden_and_unsupported(folder, tmp_path):
    files, problems = collect_files([folder, tmp_path / "missing.mid", folder / "cover.jpg"])
    assert [f.name for f in files] == ["a.txt", "b.txt", "c.txt"]
    assert [(p.name, r) for p, r in problems] == [
        ("missing.mid", "no such file or folder"), ("cover.jpg", "unsupported file type .jpg")]


def test_text_files_that_are_not_songs_are_skipped_in_folders_but_named_when_given(
        file_store, folder):
    readme = folder / "sub" / "README.txt"
    readme.write_text("Songs for Friday night.\nBring snacks.\n", encoding="utf-8")
    result = import_paths(file_store, [folder])
    assert len(result.added) == 3 and result.failed == []
    assert [p.name for p, _ in result.skipped] == ["README.txt"]
    assert "1 skipped" in result.summary()
    named = import_paths(file_store, [readme])
    assert [p.name for p, _ in named.failed] == ["README.txt"]


def test_each_file_is_added_once_even_under_two_names(file_store, folder):
    shutil.copy(folder / "a.txt", folder / "a copy.txt")
    result = import_paths(file_store, [folder])
    assert len(result.added) == 3 and len(result.unchanged) == 1
    assert file_store.count_songs() == 3


def test_an_unexpected_parser_crash_is_listed_and_the_rest_goes_on(file_store, folder,
                                                                   monkeypatch):
    real_parse = import_run.parse_file

    def flaky(path):
        if path.name == "b.txt":
            raise ZeroDivisionError("parser bug")
        return real_parse(path)

    monkeypatch.setattr(import_run, "parse_file", flaky)
    result = import_paths(file_store, [folder])
    assert [p.name for p, _ in result.added] == ["a.txt", "c.txt"]
    assert [(p.name, r) for p, r in result.failed] == [
        ("b.txt", "unexpected error (ZeroDivisionError: parser bug)")]
    row = file_store.import_status(str((folder / "sub" / "b.txt").resolve()))
    assert row["status"] == "failed" and "parser bug" in row["error"]


def test_a_file_fixed_after_failing_imports_next_time(file_store, folder):
    broken = folder / "a.txt"
    broken.write_text("#TITLE:A\nthis is not a note line\n", encoding="utf-8")
    first = import_paths(file_store, [broken])
    assert first.failed and not first.added
    broken.write_text(ultrastar("A fixed"), encoding="utf-8")
    second = import_paths(file_store, [broken])
    assert len(second.added) == 1
    assert file_store.import_status(str(broken.resolve()))["status"] == "imported"


def test_cancel_stops_between_files_and_keeps_what_was_done(file_store, folder):
    seen = []
    result = import_paths(file_store, [folder], progress=lambda d, t, p: seen.append(d),
                          should_cancel=lambda: len(seen) >= 2)
    assert result.cancelled and len(result.added) == 2
    assert file_store.count_songs() == 2
    rest = import_paths(file_store, [folder])
    assert len(rest.added) == 1 and len(rest.unchanged) == 2


def test_progress_reports_every_file_then_the_end(file_store, folder):
    calls = []
    import_paths(file_store, [folder], progress=lambda d, t, p: calls.append((d, t)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]

