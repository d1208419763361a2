"""Find and choose the microphone (PortAudio input device) to record from.

sounddevice is imported lazily: a machine without the PortAudio library can
still decode files and run everything else; only the microphone path reports
``NoInputDeviceError`` with the apt line that fixes it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from types import ModuleType

from inference.constants import SAMPLE_RATE

log = logging.getLogger(__name__)

NO_DEVICE_MESSAGE = "No microphone found. Connect one, or pick an audio file instead."
PORTAUDIO_HINT = "The PortAudio library is missing (apt-get install libportaudio2)."


class NoInputDeviceError(Exception):
    """No usable input device. ``str()`` is the plain user message; ``details`` says more."""

    def __init__(self, message: str = NO_DEVICE_MESSAGE, details: str = ""):
        self.details = details
        super().__init__(message)


@dataclass(frozen=True)
class InputDevice:
    """One PortAudio input device; ``default_samplerate`` in Hz."""

    index: int
    name: str
    host_api: str
    max_input_channels: int
    default_samplerate: float
    is_default: bool

    @property
    def label(self) -> str:
        """Name shown to the user, e.g. "USB Mic (ALSA)"."""
        return f"{self.name} ({self.host_api})"


@dataclass(frozen=True)
class DeviceChoice:
    """The device picked, and why each device tried before it was rejected."""

    device: InputDevice
    rejected: dict[str, str] = field(default_factory=dict)


def sounddevice_module() -> ModuleType:
    """The imported sounddevice module; NoInputDeviceError when PortAudio is missing."""
    try:
        import sounddevice
    except OSError as err:  # raised by sounddevice when libportaudio cannot be loaded
        raise NoInputDeviceError(f"{NO_DEVICE_MESSAGE} {PORTAUDIO_HINT}", details=str(err)) from err
    return sounddevice


def refresh_devices() -> None:
    """Re-scan devices; PortAudio only looks once, when it is initialised.

    Needed after plugging in a microphone or starting a sound server. Call it
    only while no stream is open: it shuts PortAudio down and starts it again.
    """
    sd = sounddevice_module()
    sd._terminate()  # sounddevice has no public re-scan; these two are its own helpers
    sd._initialize()


def list_input_devices() -> list[InputDevice]:
    """All devices with at least one input channel, in PortAudio order."""
    sd = sounddevice_module()
    try:
        devices = sd.query_devices()
        host_apis = sd.query_hostapis()
    except sd.PortAudioError as err:
        raise NoInputDeviceError(details=str(err)) from err
    default_in = _default_input_index(sd)
    found = []
    for index, dev in enumerate(devices):
        if int(dev["max_input_channels"]) < 1:
            continue
        api = host_apis[dev["hostapi"]]["name"] if dev["hostapi"] < len(host_apis) else "?"
        found.append(
            InputDevice(
                index=int(dev.get("index", index)),
                name=str(dev["name"]),
                host_api=str(api),
                max_input_channels=int(dev["max_input_channels"]),
                default_samplerate=float(dev["default_samplerate"]),
                is_default=int(dev.get("index", index)) == default_in,
            )
        )
    return found


def supported_input_rate(device: InputDevice, wanted: int = SAMPLE_RATE) -> int:
    """``wanted`` Hz when the device accepts it, else its default rate.

    Raises the sounddevice/PortAudio error when neither works (message says why).
    """
    sd = sounddevice_module()
    try:
        sd.check_input_settings(device=device.index, channels=1, dtype="float32", samplerate=wanted)
        return wanted
    except Exception:  # PortAudioError or ValueError, both mean "not at this rate"
        rate = int(round(device.default_samplerate))
        sd.check_input_settings(device=device.index, channels=1, dtype="float32", samplerate=rate)
        return rate


def choose_input_device(preferred: str | int | None = None) -> DeviceChoice:
    """Pick a working input: ``preferred`` (index or name), then the default, then the rest.

    A name matches exactly first, then as a case-insensitive substring. Each
    candidate must pass ``check_input_settings`` (mono float32 at 16 kHz or its
    own rate). Raises NoInputDeviceError when none works; ``details`` lists why.
    """
    devices = list_input_devices()
    if not devices:
        raise NoInputDeviceError(details="PortAudio reports no device with input channels.")
    rejected: dict[str, str] = {}
    order: list[InputDevice] = []
    if preferred is not None:
        matches = _match(devices, preferred)
        if not matches:
            rejected[str(preferred)] = "no input device with that name or number"
        order.extend(matches)
    order.extend(d for d in devices if d.is_default)
    order.extend(devices)
    seen: set[int] = set()
    for dev in order:
        if dev.index in seen:
            continue
        seen.add(dev.index)
        try:
            supported_input_rate(dev)
        except Exception as err:  # any PortAudio refusal: try the next device
            rejected[dev.label] = str(err) or type(err).__name__
            continue
        if rejected:
            log.info("Using input device %s; skipped: %s", dev.label, rejected)
        else:
            log.info("Using input device %s", dev.label)
        return DeviceChoice(dev, rejected)
    details = "; ".join(f"{name}: {why}" for name, why in rejected.items())
    raise NoInputDeviceError(details=details)


def pick_input_device(preferred: str | int | None = None) -> InputDevice:
    """Like ``choose_input_device`` but returns only the device (reasons are logged)."""
    return choose_input_device(preferred).device


def _default_input_index(sd: ModuleType) -> int:
    try:
        return int(sd.query_devices(kind="input")["index"])
    except Exception:  # no default input (PortAudioError) or an unexpected shape
        return -1


def _match(devices: list[InputDevice], preferred: str | int) -> list[InputDevice]:
    if isinstance(preferred, int) or (isinstance(preferred, str) and preferred.isdigit()):
        return [d for d in devices if d.index == int(preferred)]
    exact = [d for d in devices if d.name == preferred]
    if exact:
        return exact
    low = preferred.lower()
    return [d for d in devices if low in d.name.lower() or low in d.label.lower()]
