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

.PHONY: install serve test bench quality clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps 'mediapipe==$(MEDIAPIPE)'
	touch $(STAMP)

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
