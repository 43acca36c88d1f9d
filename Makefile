# One command installs and runs the demo, one installs and runs the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench parity clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# The eval judges resemblyzer and distillmos go in with --no-deps: their declared deps would pull torchaudio
# and another torch build; what they really need is in the [eval] extra.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test,eval]' torch==2.13.0
	$(BIN)/pip install -q --no-deps resemblyzer==0.1.4 distillmos==0.9.1 xls-r-sqa==0.1.0
	@# The web page test drives Debian's chromium with Playwright (Playwright's own browser download is not used).
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "note: no chromium; install Debian's chromium to run tests/test_server_browser.py"
	touch $(STAMP)

DEFAULT_MODEL := src/voxtral_tts/models/default/params.json

# With the default model installed (recipes/default), the demo speaks with it; until then it runs the same
# pipeline on a tiny random checkpoint and says that the result is noise.
demo: $(STAMP)
	@if [ -f $(DEFAULT_MODEL) ]; then \
		$(BIN)/voxtral-tts speak "Hello from voxtral-tts. This voice runs on your CPU." --seed 0 -o demo.wav && \
		echo "wrote demo.wav with the default model (docs/default-model.md)"; \
	else \
		$(BIN)/voxtral-tts tiny build/tiny-model && \
		$(BIN)/voxtral-tts speak "Hello from voxtral-tts." --model build/tiny-model --seed 0 --max-seconds 3 -o demo.wav && \
		echo "NOTE: no default model is installed yet, so this used build/tiny-model, which has random weights:" && \
		echo "demo.wav is noise. It shows the pipeline runs end to end (recipes/default trains the real one)."; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks parity recipes
	$(BIN)/ruff format --check src tests benchmarks parity recipes

test: lint
	$(BIN)/pytest

# CPU benchmarks (docs/benchmarks.md has the others: engines, serving load, long form, watermark, GPU).
bench: $(STAMP)
	@if [ -d build/parity/vllm_omni-0.30.0 ] && [ -x .venv-parity/bin/python ]; then \
		.venv-parity/bin/python benchmarks/cpu_generate.py --vllm-omni build/parity/vllm_omni-0.30.0; \
	else $(BIN)/python benchmarks/cpu_generate.py; fi
	$(BIN)/python benchmarks/cpu_serving.py $$([ -f $(DEFAULT_MODEL) ] || echo --random-small)
	$(BIN)/python benchmarks/train_throughput.py --presets tiny --steps 8 --warmup 2

# Cross-checks against the reference implementations; installs extra wheels into .venv-parity.
parity:
	bash parity/run.sh

clean:
	rm -rf build demo.wav .pytest_cache
