# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv run test bench lint fuzz clean

# The AOT kernel build is a no-op when current; without a C compiler it says so and the JIT kernels are used.
# Bytecode too: pip compiles installed packages, but an editable install's modules only at first import, and
# never where PYTHONDONTWRITEBYTECODE is set; every command would then recompile ~100 modules (~0.13 s CPU).
venv: $(STAMP)
	@$(BIN)/python -m sdrscan.aot build || true
	@$(BIN)/python -m compileall -q sdrscan dsp api >/dev/null

# Reinstall when the project metadata changes; otherwise this is a no-op.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: venv
	$(BIN)/python -m sdrscan.demo

# pytest exits 5 when it collected nothing: an empty suite is a failure, say so plainly.
test: venv
	@rc=0; $(BIN)/python -m pytest -q $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; exit $$rc

bench: venv
	$(BIN)/python bench/run_all.py

# Long fuzz run of the RR parsers (100 000 random and mutated blocks); the test suite runs a short one.
fuzz: venv
	$(BIN)/python bench/fuzz_rr.py --count 100000

lint: venv
	$(BIN)/ruff check sdrscan dsp api tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis dsp/_kernels/_aot.*
	find . -name __pycache__ -prune -exec rm -rf {} +
