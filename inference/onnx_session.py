"""Opening a shipped ONNX model the same way for every encoder."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort


def open_session(path: str | Path, *, threads: int, what: str,
                 error: type[Exception]) -> ort.InferenceSession:
    """A CPU onnxruntime session on ``path`` with ``threads`` intra-op threads.

    Raises ``error`` with a readable message naming ``what`` (e.g. "melody
    model") when the file is missing or onnxruntime cannot load it.
    """
    path = Path(path)
    if not path.is_file():
        raise error(f"{what} not found: {path}")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    if threads > 1:  # idle pool threads sleep rather than spin, leaving the cores to the UI
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises several unrelated types
        raise error(f"cannot load {what} {path}: {exc}") from exc
