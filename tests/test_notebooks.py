"""The stage notebooks (00–07) run top to bottom at their default (tiny) parameters, as `nbdev_test` runs them.

The three whose pages the docs show (00, 03, 06) are executed once, the same way, by tests/test_docs.py, which keeps
their outputs for the pages; they are not run twice."""
import subprocess
from pathlib import Path
import pytest
from conftest import ROOT, bin_

ALL = sorted(p.name for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith(('_', '.')))
STAGES = [n for n in ALL if n[:2].isdigit()]
SHOWN = ['00_data.ipynb', '03_boosting.ipynb', '06_ensemble.ipynb']   # executed by test_docs.py

def run_notebook(nb):
    r = subprocess.run([bin_('nbdev_test'), '--path', nb, '--do_print'], cwd=ROOT/'nbs',
                       capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0 and 'Success' in r.stdout, f"{nb} failed:\n{r.stdout[-3000:]}\n{r.stderr[-6000:]}"

@pytest.mark.parametrize('nb', [n for n in STAGES if n not in SHOWN])
def test_notebook(nb): run_notebook(nb)
