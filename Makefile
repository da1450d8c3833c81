# Every entry point runs `install` first; it is idempotent (a stamp file tracks pyproject.toml).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DATA_DIR ?= data
# The newest mediapipe wheel that still ships the face-mesh and selfie-segmentation models.
MEDIAPIPE := 0.10.21
# Runtime (the Dockerfile installs exactly these; a test checks): festival + slt, the second natural English voice.
# WenQuanYi Micro Hei: glyphs for Chinese, Japanese and Korean text; DejaVu: Arabic and Hebrew; fribidi: the
# bidirectional layout Pillow's bundled Raqm loads at run time.
DEBIAN_RUNTIME_PACKAGES := festival festvox-us-slt-hts fonts-wqy-microhei fonts-dejavu-core libfribidi0
# Tests only: redis-server, postgresql: the tests start their own throwaway servers to prove the Redis queue and
# PostgreSQL metadata backends (the package's own cluster and service are never used). nodejs: a test parses the
# studio page's script. chromium: the studio page is tested in a real browser, driven by PyPI's playwright through
# executable_path (never `playwright install`, which downloads a browser build of its own).
DEBIAN_TEST_PACKAGES := redis-server postgresql nodejs chromium
DEBIAN_PACKAGES := $(DEBIAN_RUNTIME_PACKAGES) $(DEBIAN_TEST_PACKAGES)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install debian-packages serve test test-fast bench quality clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	$(MAKE) debian-packages
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps 'mediapipe==$(MEDIAPIPE)'
	touch $(STAMP)

# What PyPI does not ship; installed only when one of the packages is missing.
debian-packages:
	@missing=$$(for package in $(DEBIAN_PACKAGES); do dpkg -s $$package >/dev/null 2>&1 || echo $$package; done); \
	  test -z "$$missing" || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends $$missing)

serve: install
	$(BIN)/avatarstudio serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR)

test: install
	$(BIN)/python -m pytest

# Everything without a live server or a whole render (translation, spec, job states, reaper, idempotency, the
# render stages' unit tests): under 30 s, for every change.
test-fast: install
	$(BIN)/python -m pytest -m "not service and not slow"

bench: install
	$(BIN)/python bench/run.py

quality: install
	$(BIN)/python quality/run.py

clean:
	rm -rf $(VENV) $(DATA_DIR)
