# One command installs and runs the demo, one installs and runs the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench parity clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/voxtral-tts tiny build/tiny-model
	$(BIN)/voxtral-tts speak "Hello from voxtral-tts." --model build/tiny-model --seed 0 --max-seconds 3 -o demo.wav
	@echo "NOTE: build/tiny-model has random weights, so demo.wav is noise. It shows the pipeline runs end to end."

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks parity
	$(BIN)/ruff format --check src tests benchmarks parity

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	@if [ -d build/parity/vllm_omni-0.30.0 ] && [ -x .venv-parity/bin/python ]; then \
		.venv-parity/bin/python benchmarks/cpu_generate.py --vllm-omni build/parity/vllm_omni-0.30.0; \
	else $(BIN)/python benchmarks/cpu_generate.py; fi

# Cross-checks against the reference implementations; installs extra wheels into .venv-parity.
parity:
	bash parity/run.sh

clean:
	rm -rf build demo.wav .pytest_cache
