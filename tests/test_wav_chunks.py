"""RIFF/WAVE chunk walking: the truncation verdict and the raw INFO tags."""

from __future__ import annotations

import struct

import numpy as np
import soundfile as sf

from app.wav_chunks import read_riff_info, riff_chunks, riff_layout, wav_truncation


def _chunk(chunk_id: bytes, body: bytes, endian: str = "<", declared: int | None = None) -> bytes:
    size = len(body) if declared is None else declared
    return chunk_id + struct.pack(f"{endian}L", size) + body + b"\x00" * (len(body) & 1)


def _wav(*chunks: bytes, magic: bytes = b"RIFF", endian: str = "<") -> bytes:
    body = b"WAVE" + b"".join(chunks)
    return magic + struct.pack(f"{endian}L", len(body)) + body


FMT = struct.pack("<HHLLHH", 1, 1, 8000, 16000, 2, 16)  # PCM, mono, 8 kHz, 16 bit


def test_a_whole_wav_written_by_libsndfile_passes(tmp_path):
    path = tmp_path / "whole.wav"
    sf.write(path, np.zeros(800, dtype=np.float32), 8000, subtype="PCM_16")
    assert wav_truncation(path) is None


def test_data_chunk_cut_short_is_truncated_with_the_share_present(tmp_path):
    path = tmp_path / "cut.wav"
    full = _wav(_chunk(b"fmt ", FMT), _chunk(b"data", b"\x01\x00" * 400))
    path.write_bytes(full[: len(full) - 400])  # half of the 800 data bytes
    assert wav_truncation(path) == "truncated wav file (only 50% of the audio data is present)"


def test_one_missing_byte_is_already_truncated(tmp_path):
    path = tmp_path / "short.wav"
    full = _wav(_chunk(b"fmt ", FMT), _chunk(b"data", b"\x01\x00" * 400))
    path.write_bytes(full[:-1])
    assert wav_truncation(path) == "truncated wav file (only 99% of the audio data is present)"


def test_riff_header_without_a_data_chunk_is_truncated(tmp_path):
    path = tmp_path / "head_only.wav"
    path.write_bytes(_wav(_chunk(b"fmt ", FMT)))
    assert wav_truncation(path) == "truncated wav file (no audio data chunk)"


def test_streaming_sizes_are_accepted(tmp_path):
    for declared in (0, 0xFFFFFFFF):
        path = tmp_path / f"stream_{declared}.wav"
        path.write_bytes(_wav(_chunk(b"fmt ", FMT), _chunk(b"data", b"\x01\x00" * 50, declared=declared)))
        assert wav_truncation(path) is None


def test_big_endian_rifx_is_walked_too(tmp_path):
    path = tmp_path / "cut_rifx.wav"
    full = _wav(_chunk(b"fmt ", FMT, ">"), _chunk(b"data", b"\x00\x01" * 400, ">"), magic=b"RIFX", endian=">")
    path.write_bytes(full[: len(full) - 200])
    assert wav_truncation(path) == "truncated wav file (only 75% of the audio data is present)"


def test_files_that_are_not_riff_wave_get_no_verdict(tmp_path):
    text = tmp_path / "notes.wav"
    text.write_text("not a recording\n" * 10)
    rf64 = tmp_path / "big.wav"
    rf64.write_bytes(b"RF64" + b"\xff" * 4 + b"WAVE" + _chunk(b"ds64", bytes(28)))
    tiny = tmp_path / "tiny.wav"
    tiny.write_bytes(b"RIFF")
    assert [wav_truncation(p) for p in (text, rf64, tiny)] == [None, None, None]
    assert riff_layout(b"RIFF\x00\x00\x00\x00AVI ") is None


def test_riff_chunks_lists_ids_offsets_and_declared_lengths(tmp_path):
    path = tmp_path / "odd.wav"
    path.write_bytes(_wav(_chunk(b"fmt ", FMT), _chunk(b"junk", b"abc"), _chunk(b"data", b"\x00" * 8)))
    with open(path, "rb") as fh:
        chunks = list(riff_chunks(fh, path.stat().st_size, "<4sL"))
    assert chunks == [(b"fmt ", 20, 16), (b"junk", 44, 3), (b"data", 56, 8)]  # "abc" padded to 4


def test_info_tags_come_back_as_undecoded_bytes(tmp_path):
    title = "봄날".encode("cp949")
    info = b"INFO" + _chunk(b"INAM", title + b"\x00") + _chunk(b"IART", b" Band \x00") + _chunk(b"ICMT", b"x")
    info += _chunk(b"INAM", b"Second title\x00")
    path = tmp_path / "tagged.wav"
    path.write_bytes(_wav(_chunk(b"fmt ", FMT), _chunk(b"data", b"\x00" * 8), _chunk(b"LIST", info)))
    assert read_riff_info(path) == {"title": title, "artist": b"Band"}


def test_no_info_tags_and_non_wav_files_give_an_empty_dict(tmp_path):
    plain = tmp_path / "plain.wav"
    plain.write_bytes(_wav(_chunk(b"fmt ", FMT), _chunk(b"data", b"\x00" * 8)))
    text = tmp_path / "text.wav"
    text.write_text("hello")
    assert read_riff_info(plain) == {} and read_riff_info(text) == {}
