"The shared notebooks (configuration, store, cleaning, tables, metrics, models' machinery, runner, reports …) run top to bottom, as `nbdev_test` runs them; a file of their own so that `make test`'s two workers share the notebooks."
import pytest
from test_notebooks import ALL, STAGES, run_notebook

@pytest.mark.parametrize('nb', [n for n in ALL if n not in STAGES])
def test_notebook(nb): run_notebook(nb)
