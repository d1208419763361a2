"""A virtual microphone for tests: a private PulseAudio daemon whose default source
plays back whatever is written into a null sink.

    pulseaudio (user mode, private runtime dir, only the needed modules)
      module-null-sink  "norae_sink"          <- paplay file.wav, pacat /dev/zero
      module-remap-source of its monitor "norae_mic" (default source)
    PortAudio -> ALSA "pulse" plugin -> norae_mic

``pacat /dev/zero`` keeps the sink clock running so the source produces a
steady stream even between played files. A fresh null sink first renders one
2 s block before it honours low-latency clients, so ``start()`` waits until a
``parec`` client receives audio; after that capture starts within ~40 ms. Works as root in a fresh container
without D-Bus. Needs: apt-get install -y pulseaudio pulseaudio-utils
libportaudio2 libasound2-plugins.
"""

from __future__ import annotations

import glob
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

APT_LINE = "apt-get install -y pulseaudio pulseaudio-utils libportaudio2 libasound2-plugins"
SINK = "norae_sink"
SOURCE = "norae_mic"
RATE = 16_000

_CONFIG = """\
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
load-module module-null-sink sink_name={sink} rate={rate} channels=1 sink_properties=device.description=NoraeVirtualSink
load-module module-remap-source master={sink}.monitor source_name={source} source_properties=device.description=NoraeVirtualMic
set-default-sink {sink}
set-default-source {source}
"""


class VirtualMicError(RuntimeError):
    """The virtual microphone could not be set up; the message says what is missing."""


def missing_tools() -> list[str]:
    """Commands or libraries the virtual microphone needs but this machine lacks."""
    missing = [cmd for cmd in ("pulseaudio", "pactl", "pacat", "paplay") if shutil.which(cmd) is None]
    if not glob.glob("/usr/lib/*/alsa-lib/libasound_module_pcm_pulse.so") and not glob.glob(
        "/usr/lib/alsa-lib/libasound_module_pcm_pulse.so"
    ):
        missing.append("ALSA pulse plugin (libasound2-plugins)")
    if not glob.glob("/usr/lib/*/libportaudio.so*") and not glob.glob("/usr/lib/libportaudio.so*"):
        missing.append("PortAudio (libportaudio2)")
    return missing


class VirtualMic:
    """Start with ``start()`` (or ``with``); ``env`` holds what clients need to see it.

    ``play(path)`` writes a WAV into the sink and returns the Popen (non-blocking).
    ``stop()`` ends every process it started and removes the runtime directory.
    """

    def __init__(self) -> None:
        self.runtime_dir: Path | None = None
        self.env: dict[str, str] = {}
        self._daemon: subprocess.Popen | None = None
        self._clock: subprocess.Popen | None = None
        self._players: list[subprocess.Popen] = []

    def start(self, timeout_s: float = 10.0) -> VirtualMic:
        missing = missing_tools()
        if missing:
            raise VirtualMicError(f"virtual microphone needs {', '.join(missing)}: {APT_LINE}")
        # A short path: unix socket paths are limited to 108 bytes.
        self.runtime_dir = Path(tempfile.mkdtemp(prefix="norae-pa-", dir="/tmp"))
        os.chmod(self.runtime_dir, 0o700)
        (self.runtime_dir / "home").mkdir()
        socket = self.runtime_dir / "native"
        config = self.runtime_dir / "norae.pa"
        config.write_text(_CONFIG.format(socket=socket, sink=SINK, source=SOURCE, rate=RATE))
        self.env = {
            "PULSE_SERVER": f"unix:{socket}",
            "PULSE_RUNTIME_PATH": str(self.runtime_dir),
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "PULSE_STATE_PATH": str(self.runtime_dir / "state"),
            "PULSE_COOKIE": str(self.runtime_dir / "cookie"),
        }
        env = {**os.environ, **self.env, "HOME": str(self.runtime_dir / "home")}
        self._daemon = subprocess.Popen(
            ["pulseaudio", "-n", "-F", str(config), "--daemonize=no", "--system=false",
             "--exit-idle-time=-1", "--disallow-exit", "--disable-shm", "--use-pid-file=false",
             "--realtime=false", "--high-priority=false", "--log-target=stderr", "--log-level=error"],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            self._wait_ready(env, timeout_s)
            self._clock = subprocess.Popen(
                ["pacat", "--playback", f"--device={SINK}", "--format=s16le", f"--rate={RATE}",
                 "--channels=1", "--raw", "--latency-msec=20", "/dev/zero"],
                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            self._wait_audio_flows(env, timeout_s)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, env: dict[str, str], timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._daemon.poll() is not None:
                err = self._daemon.stderr.read().decode("utf-8", "replace").strip()
                raise VirtualMicError(f"pulseaudio exited with code {self._daemon.returncode}: {err}")
            probe = subprocess.run(["pactl", "list", "short", "sources"], env=env,
                                   capture_output=True, text=True, timeout=5, check=False)
            if probe.returncode == 0 and SOURCE in probe.stdout:
                return
            time.sleep(0.1)
        raise VirtualMicError(f"pulseaudio did not come up within {timeout_s:.0f} s")

    def _wait_audio_flows(self, env: dict[str, str], timeout_s: float) -> None:
        reader = subprocess.Popen(
            ["parec", f"--device={SOURCE}", "--format=s16le", f"--rate={RATE}", "--channels=1",
             "--raw", "--latency-msec=20"],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        try:
            ready, _, _ = select.select([reader.stdout], [], [], timeout_s)
            if not ready or not os.read(reader.stdout.fileno(), 640):
                raise VirtualMicError(f"the virtual microphone delivered no audio within {timeout_s:.0f} s")
        finally:
            reader.kill()
            reader.wait(timeout=5)
            reader.stdout.close()

    def play(self, wav_path: str | Path) -> subprocess.Popen:
        """Start playing a WAV into the sink (and so into the virtual microphone)."""
        env = {**os.environ, **self.env, "HOME": str(self.runtime_dir / "home")}
        player = subprocess.Popen(
            ["paplay", f"--device={SINK}", str(wav_path)], env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        self._players.append(player)
        return player

    def stop(self) -> None:
        for proc in [*self._players, self._clock, self._daemon]:
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        for proc in [*self._players, self._clock, self._daemon]:
            if proc is not None and proc.stderr is not None:
                proc.stderr.close()
        self._players, self._clock, self._daemon = [], None, None
        if self.runtime_dir is not None:
            shutil.rmtree(self.runtime_dir, ignore_errors=True)
            self.runtime_dir = None

    def __enter__(self) -> VirtualMic:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
