import os, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

@pytest.fixture(scope='session')
def root(): return ROOT

def bin_(name): return str(BIN/name)

def in_process(cli, argv:list):
    """A console script's function (`kokoc.cli.run_cli` …) called in this process, as its command would run:
    (exit status, stdout, stderr). Some fifty cases then cost a second each instead of a Python start-up each;
    tests that time or kill the real command still run it as a process."""
    import contextlib, io
    from types import SimpleNamespace
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try: cli([str(a) for a in argv]); code = 0
        except SystemExit as e: code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())

# `make test` runs two workers, each taking whole files (`--dist loadfile --no-loadscope-reorder`): the longest files
# go first, so that neither worker is left with a long one at the end (measured: 8 min 50 s in collection order).
FIRST = ['test_pipeline.py', 'test_docs.py', 'test_notebooks_shared.py', 'test_notebooks.py', 'test_batch.py']

def pytest_collection_modifyitems(config, items):
    rank = lambda item: FIRST.index(item.path.name) if item.path.name in FIRST else len(FIRST)
    items.sort(key=rank)      # stable: the order inside each file is kept
