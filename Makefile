# The two commands of the README:
#   make run    set everything up, build the sample warehouse if absent, start the dashboard
#   make test   set everything up, then lint and run the whole test suite (what CI runs)
PORT ?= 8501
# Only this computer by default. Another address (an office network) needs users configured
# (OVERSIGHT_USERS, docs/deployment.md): without them the app is an open demo.
ADDRESS ?= 127.0.0.1

.PHONY: run test setup warehouse lint bench sample screenshots

run: setup warehouse
	@if [ "$(ADDRESS)" != "127.0.0.1" ] && [ -z "$$OVERSIGHT_USERS" ]; then \
		echo "没有配置用户（OVERSIGHT_USERS）时只能在本机运行 / without OVERSIGHT_USERS the open demo binds to 127.0.0.1 only"; \
		exit 2; fi
	.venv/bin/streamlit run dashboard.py --server.port $(PORT) --server.address $(ADDRESS)

test: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/pytest -q -n 2 --dist loadfile

setup:
	@bash scripts/setup.sh

warehouse:
	@bash scripts/build_warehouse.sh

sample: setup
	.venv/bin/python -m sample --out data/sample

bench: setup
	.venv/bin/python bench/etl_bench.py
	.venv/bin/python bench/dashboard_bench.py
	.venv/bin/python bench/browser_bench.py

screenshots: setup
	OVERSIGHT_SCREENSHOTS=1 .venv/bin/pytest -q -m browser
