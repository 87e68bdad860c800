.PHONY: run test lint bench

# Install, load seed and demo data, print the demo accounts, start web + worker + beat.
run:
	bash scripts/run.sh

# The whole test suite (pass options with ARGS="-k roster").
test:
	bash scripts/test.sh $(ARGS)

lint:
	.venv/bin/ruff check .

bench:
	.venv/bin/python tests/perf/bench_villages.py
