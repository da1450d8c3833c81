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
DEBIAN_PACKAGES := festival festvox-us-slt-hts
FESTIVAL_VOICE := /usr/share/festival/voices/us/cmu_us_slt_arctic_hts
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install debian-packages serve test bench quality clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(MAKE) debian-packages
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps 'mediapipe==$(MEDIAPIPE)'
	touch $(STAMP)

# Festival with the HTS voice 'slt' is the second natural English voice; Debian packages it, PyPI does not.
debian-packages:
	@command -v festival >/dev/null && test -d $(FESTIVAL_VOICE) || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES))

serve: install
	$(BIN)/avatarstudio serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR)

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/run.py

quality: install
	$(BIN)/python quality/run.py

clean:
	rm -rf $(VENV) $(DATA_DIR)
