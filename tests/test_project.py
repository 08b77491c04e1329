"The project as a whole: notebooks and package in sync, notebooks clean, the command line documented."
import shutil, subprocess, filecmp, json
from pathlib import Path
from conftest import ROOT, bin_

def _copy(tmp_path):
    dst = tmp_path/'repo'
    shutil.copytree(ROOT, dst, ignore=shutil.ignore_patterns('.venv', 'runs', '.git', 'mlruns', '*.db', '_proc', '_docs', 'data'))
    return dst

def _diff(a, b):
    c = filecmp.dircmp(a, b)
    out = c.diff_files + c.left_only + c.right_only
    for sub in c.common_dirs: out += [f'{sub}/{f}' for f in _diff(Path(a)/sub, Path(b)/sub)]
    return [f for f in out if not f.endswith(('__pycache__',)) and '__pycache__' not in f]

def test_package_in_sync_with_notebooks(tmp_path):
    dst = _copy(tmp_path)
    subprocess.run([bin_('nbdev_export')], cwd=dst, check=True)
    assert _diff(ROOT/'kokoc', dst/'kokoc') == [], "run nbdev_export and commit kokoc/"

def test_notebooks_clean_and_keep_parameters_tag(tmp_path):
    dst = _copy(tmp_path)
    subprocess.run([bin_('nbdev_clean')], cwd=dst, check=True)
    assert _diff(ROOT/'nbs', dst/'nbs') == [], "run nbdev_clean and commit nbs/"
    for nb in sorted((dst/'nbs').glob('0*.ipynb')):
        cells = json.loads(nb.read_text())['cells']
        tagged = [c for c in cells if 'parameters' in c.get('metadata', {}).get('tags', [])]
        assert len(tagged) == 1, f"{nb.name}: expected one cell tagged 'parameters' after nbdev_clean"
        assert json.loads(nb.read_text())['metadata'].get('kernelspec', {}).get('name') == 'python3', nb.name

def test_run_help_documents_every_option():
    r = subprocess.run([bin_('kokoc_run'), '--help'], capture_output=True, text=True, check=True)
    for opt in ['--data', '--scale', '--seed', '--stages', '--out', '--param', '--no-mlflow']:
        assert opt in r.stdout, opt

def test_bad_param_fails_with_a_clear_message(tmp_path):
    r = subprocess.run([bin_('kokoc_run'), '--scale', 'tiny', '--out', str(tmp_path/'r'), '--param', 'models.lightgbm.num_leafs=3'],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "unknown key 'models.lightgbm.num_leafs'" in r.stderr

def test_every_module_is_short():
    "One module per job (issue 13): none over 400 lines (the generated `_modidx.py` aside)."
    long = {p.name: n for p in (ROOT/'kokoc').glob('*.py') if p.name != '_modidx.py' and (n := len(p.read_text().splitlines())) > 400}
    assert long == {}, f"split these modules: {long}"
