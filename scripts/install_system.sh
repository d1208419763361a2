#!/usr/bin/env bash
# Install the Debian packages Norae needs, if any are missing.
#   scripts/install_system.sh run    # what the desktop app needs
#   scripts/install_system.sh test   # plus what the test suite needs
#   scripts/install_system.sh train  # plus the voices and soundfonts of the
#                                    # melody training data
# As root it runs apt-get; otherwise it prints the exact apt line and fails.
set -euo pipefail

run_pkgs=(
  libportaudio2          # sounddevice (microphone capture)
  libasound2-plugins     # PortAudio -> PulseAudio/PipeWire through ALSA
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxrender1
  fonts-nanum            # Hangul in the UI
  ffmpeg                 # m4a/aac decoding
)
test_pkgs=(
  pulseaudio pulseaudio-utils   # virtual microphone for the live-capture test
  alsa-utils
  xvfb xauth x11-utils          # the real-window test under a virtual X server
  festival festvox-kallpc16k    # one TTS voice, espeak-ng and a small soundfont
  espeak-ng fluidsynth          # for the training-data generator's tests
  timgm6mb-soundfont
)
train_pkgs=(
  festvox-kdlpc16k festvox-us-slt-hts festvox-italp16k festvox-itapc16k
  festvox-ca-ona-hts festvox-czech-dita festvox-czech-krb festvox-czech-machac
  festvox-czech-ph festvox-suopuhe-lj festvox-suopuhe-mv festvox-ru
  festvox-hi-nsk festvox-mr-nsk festvox-te-nsk
  festival-hi festival-mr festival-te   # the three voices' language support (only
                                       # recommended, and recommends are skipped)
  fluid-soundfont-gm
)

want=("${run_pkgs[@]}")
case "${1:-run}" in
  test) want+=("${test_pkgs[@]}") ;;
  train) want+=("${test_pkgs[@]}" "${train_pkgs[@]}") ;;
esac

missing=()
for pkg in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "Norae needs these system packages. Please run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -q
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
