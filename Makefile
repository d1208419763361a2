# Norae — two commands on a fresh Debian machine:
#   make run    set up and start the desktop app on the bundled demo catalog
#   make test   set up and run the whole test suite (Qt offscreen)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
TORCH  := torch==2.13.0
PYWORLD := pyworld==0.3.5

.PHONY: run test setup-run setup-test setup-train demo-catalog bench-index bench-melody \
        train-melody train-hum bench-hum train-timbre bench-voice bench-similar clean-venv

run: setup-run
	$(BIN)/norae $(ARGS)

test: setup-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -ra $(PYTEST_ARGS)

setup-run: $(VENV)/.norae-run
setup-test: $(VENV)/.norae-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# The runtime never needs torch.
$(VENV)/.norae-run: pyproject.toml scripts/install_system.sh | $(VENV)/bin/python
	scripts/install_system.sh run
	$(PIP) install -q -e .
	touch $@

# Tests check ONNX exports against their torch originals: torch is pinned and
# installed first, so nothing else can pull another build. pyworld builds
# without isolation (see setup-train), so what its build imports (numpy,
# Cython) comes first: the torch wheel does not bring numpy along.
$(VENV)/.norae-test: pyproject.toml scripts/install_system.sh | $(VENV)/bin/python
	scripts/install_system.sh test
	$(PIP) install -q $(TORCH)
	$(PIP) install -q "setuptools<81" wheel cython "numpy>=1.26"
	$(PIP) install -q --no-build-isolation $(PYWORLD)
	$(PIP) install -q -e ".[test,train]"
	touch $@ $(VENV)/.norae-run

# Training data synthesis needs TTS voices, soundfonts and pyworld (which
# builds only with setuptools<81); the benchmarks need the peer trackers and
# Resemblyzer (installed without its dependencies: it would pull the obsolete
# "typing" backport; webrtcvad comes from the bench extra).
# torchaudio's only wheel here is a CUDA build that cannot load: the benchmark
# stubs it, so it is removed if a peer pulled it in.
setup-train: $(VENV)/.norae-train
$(VENV)/.norae-train: $(VENV)/.norae-test
	scripts/install_system.sh train
	$(PIP) install -q -e ".[test,train,bench]"
	$(PIP) install -q --no-deps resemblyzer==0.1.4
	$(PIP) uninstall -y -q torchaudio || true
	touch $@

# The whole melody-model pipeline: data (~16 min), training (~100 min on
# 2 cores), a second, third and fourth stage, each from the previous one's
# weights with a fresh, lower learning-rate schedule (~80, ~100 and ~90 min on
# 1 core),
# ONNX export with the parity check, and the 8-bit form the app runs.
# Every stage is resumable: rerun to continue.
train-melody: setup-train
	$(BIN)/python -m training.melody_data.build
	$(BIN)/python -m training.train_melody
	$(BIN)/python -m training.train_melody --run melody-c32-ft --init melody-c32 \
		--steps 700 --lr 1e-3 --seed 1 --threads 1
	$(BIN)/python -m training.train_melody --run melody-c32-ft2 --init melody-c32-ft \
		--steps 800 --lr 8e-4 --seed 2 --threads 1
	$(BIN)/python -m training.train_melody --run melody-c32-ft3 --init melody-c32-ft2 \
		--steps 800 --lr 8e-4 --seed 3 --threads 1
	$(BIN)/python -m training.export_melody
	$(BIN)/python -m training.quantize_melody

bench-melody: setup-train
	$(BIN)/python -m bench.melody_bench

# The hum encoder: needs the melody data build's corpus cache (train-melody
# makes it); training ~45 min on 1 core, resumable; export; confidence calibration.
train-hum: setup-train
	$(BIN)/python -m training.melody_data.build
	$(BIN)/python -m training.train_hum
	$(BIN)/python -m training.export_hum
	$(BIN)/python -m training.calibrate_hum

bench-hum: setup-train
	$(BIN)/python -m training.melody_data.build   # its babble bank: the queries' room noise
	$(BIN)/python -m bench.hum_bench
	$(BIN)/python -m bench.hum_full_scale   # builds a 100k-song catalog once (~1.5 h), then reuses it

# The noisy takes' babble comes from the melody data build (babble.npy); the
# build is resumable and does nothing when it is complete.
bench-voice: setup-train
	$(BIN)/python -m training.melody_data.build
	$(BIN)/python -m bench.voice_bench

# The timbre (singer) encoder: singing of 1,512 synthetic singers (~20 min on
# 1 core; shares the melody build's voice and corpus caches, and its babble
# bank for the room noise, so the melody data comes first: a no-op when built),
# contrastive training (resumable), ONNX export with the parity check.
train-timbre: setup-train
	$(BIN)/python -m training.melody_data.build
	$(BIN)/python -m training.timbre_data.build
	$(BIN)/python -m training.train_timbre
	$(BIN)/python -m training.export_timbre   # the final weights (last.pt)
	$(BIN)/python -m training.calibrate_gender   # gender fusion weights for that model

# Rebuild resources/demo_catalog/demo_catalog.jsonl.gz from the music21 corpus
# and resources/demo_catalog/known_songs.txt (deterministic).
demo-catalog: setup-run
	$(PIP) install -q -e ".[catalog]"
	$(BIN)/python -m tools.build_demo_catalog

bench-index: setup-test
	$(BIN)/python -m bench.index_bench

# Similar songs on simulated rooms over the demo catalog (built with its hum
# windows into ~/.cache/norae-bench/similar on first use, about a minute),
# and the content embeddings' sanity; a few minutes on 2 cores.
bench-similar: setup-test
	$(BIN)/python -m bench.similar_bench

clean-venv:
	rm -rf $(VENV)
