"Every notebook runs top to bottom at its default (tiny) parameters, as `nbdev_test` runs it."
import subprocess
from pathlib import Path
import pytest
from conftest import ROOT, bin_

NBS = sorted(p.name for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith(('_', '.')))

@pytest.mark.parametrize('nb', NBS)
def test_notebook(nb):
    r = subprocess.run([bin_('nbdev_test'), '--path', nb, '--do_print'], cwd=ROOT/'nbs',
                       capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0 and 'Success' in r.stdout, f"{nb} failed:\n{r.stdout[-3000:]}\n{r.stderr[-6000:]}"
