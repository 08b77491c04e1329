"""The docs build up to Quarto (the deploy workflow adds Quarto): every notebook passes nbdev's processing, the pages
show the tables and plots of a tiny run, and the home page (nbs/index.ipynb) is the README.

The build runs in a copy of the project (`kokoc.pipeline.docs_pages`), so the checkout is untouched. The deploy
workflow executes every notebook; here only the three whose pages are checked are (about 2 minutes in all), as
`nbdev_test` executes them (default parameters, `slow` cells skipped): these three are the notebook tests of 00, 03 and 06."""
import json, re
import pytest
from conftest import ROOT
from kokoc.pipeline import docs_pages, readme_sections
from test_notebooks import SHOWN


NBS = sorted(p.name for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith(('_', '.')))

@pytest.fixture(scope='module')
def pages(tmp_path_factory):
    "(`_proc` folder, nbdev's processing log, seconds per executed notebook) of a copy of the project."
    return docs_pages(tmp_path_factory.mktemp('docs')/'repo', SHOWN, root=ROOT)

def _outputs(nb): return [o for c in json.loads(nb.read_text())['cells'] for o in c.get('outputs', [])]

def test_every_notebook_processed_without_warnings(pages):
    proc, log, took = pages
    assert [n for n in NBS if not (proc/n).exists()] == [], "notebooks missing from _proc"
    bad = [l for l in log.splitlines() if re.search(r'See FAQ|Error|Traceback|Failed to create YAML', l)]
    assert bad == [], "nbdev's processing warned (imports belong in cells of their own):\n" + log[-6000:]
    print(took)

@pytest.mark.parametrize('nb', SHOWN)
def test_notebook_runs(pages, nb):
    "Executed top to bottom without an error (a failing cell stops the fixture with the cell's traceback)."
    assert nb in pages[2] and pages[2][nb] > 0, pages[2]

@pytest.mark.parametrize('nb', SHOWN)
def test_page_shows_results(pages, nb):
    shown = [o for o in _outputs(pages[0]/nb)
             if 'image/png' in o.get('data', {}) or '<table' in ''.join(o.get('data', {}).get('text/html', ''))]
    assert shown, f"{nb}: its processed page holds no table or plot"

def test_index_is_the_readme():
    cells = json.loads((ROOT/'nbs'/'index.ipynb').read_text())['cells']
    assert [''.join(c['source']) for c in cells] == readme_sections((ROOT/'README.md').read_text()), \
        "nbs/index.ipynb differs from README.md: run `make index` (README.md is the source)"
    assert {c['cell_type'] for c in cells} == {'markdown'}

def test_notebooks_committed_without_outputs():
    "The pages get their outputs from the docs build; outputs in git would be megabytes of churn (clear_all = False keeps them)."
    with_outputs = [n for n in NBS if _outputs(ROOT/'nbs'/n)]
    assert with_outputs == [], f"notebooks with outputs: {with_outputs}; clear them in Jupyter before committing"
