"The stage notebooks (00–07) run top to bottom at their default (tiny) parameters, as `nbdev_test` runs them."
import subprocess
from pathlib import Path
import pytest
from conftest import ROOT, bin_

ALL = sorted(p.name for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith(('_', '.')))
STAGES = [n for n in ALL if n[:2].isdigit()]

def run_notebook(nb):
    r = subprocess.run([bin_('nbdev_test'), '--path', nb, '--do_print'], cwd=ROOT/'nbs',
                       capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0 and 'Success' in r.stdout, f"{nb} failed:\n{r.stdout[-3000:]}\n{r.stderr[-6000:]}"

@pytest.mark.parametrize('nb', STAGES)
def test_notebook(nb): run_notebook(nb)
