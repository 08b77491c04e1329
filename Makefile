# Kokoc: `make run` runs the pipeline on the embedded synthetic shop, `make test` runs every test.
# Both create the virtual environment (.venv) on first use.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SCALE  ?= small
# PyTorch's CPU wheels: with this extra index pip prefers `2.13.0+cpu` over the multi-GB CUDA build on PyPI
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu

.PHONY: install run test test-notebooks sync index lab docs-check

$(STAMP): settings.ini setup.py
	python3 -m venv $(VENV)
	$(PY) -m pip install -q torch==2.13.0 --extra-index-url $(TORCH_INDEX)
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install            ## the main job: the whole pipeline on the synthetic shop
	$(VENV)/bin/kokoc_run --scale $(SCALE)

test: install           ## every notebook (as nbdev_test runs it) + package, CLI and pipeline tests
	$(PY) -m pytest tests -n 2 --dist loadfile --no-loadscope-reorder -v -rA --durations=15

test-notebooks: install ## the notebooks alone, the nbdev way
	cd nbs && ../$(VENV)/bin/nbdev_test --n_workers 1 --timing

sync: index             ## export notebooks to the package and clean them (run before committing)
	$(VENV)/bin/nbdev_export && $(VENV)/bin/nbdev_clean

index: install          ## nbs/index.ipynb, the docs home page, from README.md (the source of both)
	$(PY) -c "from kokoc.pipeline import readme_to_index; readme_to_index()"

lab: install            ## JupyterLab on the notebooks, in the project's environment
	$(VENV)/bin/jupyter lab nbs/

# The docs build minus Quarto, in a copy (_docs_check/; the checkout stays clean): every notebook executed at its tiny
# defaults, then nbdev's processing (pages in _docs_check/_proc/). Not plain `nbdev_proc_nbs`: without Quarto it tries
# to install it (sudo), then runs `pip install -e .[dev]` with whatever pip is on PATH.
docs-check: install     ## the docs pages up to Quarto, with a tiny run's tables and plots (about 7 min on 2 cores)
	rm -rf _docs_check
	$(PY) -c "from kokoc.pipeline import docs_pages; p, log, took = docs_pages('_docs_check'); print(log, took, p, sep='\n')"
