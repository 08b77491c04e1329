"`kokoc_batch` end to end on the tiny shop: a grid × seeds of stage-00 runs, the comparison with paired differences, and a rerun that redoes only the run it lacks."
import json, re, shutil, subprocess
from pathlib import Path
import pandas as pd
import pytest
from conftest import ROOT, bin_


GRID = ['--grid', 'preprocessing.candidates_per_user=20,40', '--seeds', '0', '1', '--scale', 'tiny', '--stages', '00', '--no-mlflow']
CONFIGS = ['candidates_per_user=20', 'candidates_per_user=40']

def kokoc_batch(out):
    r = subprocess.run([bin_('kokoc_batch'), *GRID, '--out', str(out)], capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, f"kokoc_batch failed:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    return r

@pytest.fixture(scope='module')
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp('batch')/'b'
    return out, kokoc_batch(out)

def test_every_combination_and_seed_runs_into_its_folder(batch):
    out, r = batch
    for c in CONFIGS:
        for s in (0, 1):
            m = json.loads((out/c/f'seed{s}'/'metrics.json').read_text())
            assert m['test']['history']['recall@25'] >= 0 and (out/c/f'seed{s}'/'report.html').exists()
            assert f'[{c}/seed{s}] [1/1] 00_data: done in' in r.stdout
    cfg20 = (out/CONFIGS[0]/'seed0'/'config.yml').read_text()
    assert 'candidates_per_user: 20' in cfg20 and 'seed: 0' in cfg20

def test_comparison_has_means_and_paired_differences(batch):
    out, r = batch
    cmp = pd.read_csv(out/'comparison.csv')
    assert set(cmp['config']) == set(CONFIGS) and (cmp['seeds'] == 2).all()
    assert {'popular', 'history', 'oracle'} <= set(cmp['model'])
    base, other = cmp[cmp['config'] == CONFIGS[0]], cmp[cmp['config'] == CONFIGS[1]]
    assert (base['baseline'] == CONFIGS[0]).all() and base['diff'].isna().all()      # the baseline against itself: nothing
    for _, row in other.iterrows():
        assert row['diff_low'] <= row['diff'] <= row['diff_high'] and row['users'] > 0
        assert row['diff_seed0_low'] <= row['diff_seed0'] <= row['diff_seed0_high'] and pd.notna(row['diff_seed1'])
        assert 0 <= row['recall@25_mean'] <= 1 and row['recall@25_sd'] >= 0
    assert (out/'comparison.png').exists() and 'data:image/png;base64' in (out/'comparison.html').read_text()
    assert 'paired diff vs candidates_per_user=20' in r.stdout and (out/'runs.html').exists()

def test_rerun_redoes_only_the_missing_run(batch):
    out, _ = batch
    lost = out/CONFIGS[1]/'seed1'
    kept = {p: (p/'metrics.json').stat().st_mtime_ns for p in (out/CONFIGS[0]/'seed0', out/CONFIGS[0]/'seed1', out/CONFIGS[1]/'seed0')}
    state = json.loads((lost/'state.json').read_text()); del state['00_data']      # as if it had been interrupted
    (lost/'state.json').write_text(json.dumps(state))
    t_lost = (lost/'metrics.json').stat().st_mtime_ns
    r = kokoc_batch(out)
    assert r.stdout.count('done in an earlier run with this configuration, skipped') == 3, r.stdout
    assert f'[{CONFIGS[1]}/seed1] [1/1] 00_data: running' in r.stdout
    assert all((p/'metrics.json').stat().st_mtime_ns == t for p, t in kept.items())
    assert (lost/'metrics.json').stat().st_mtime_ns != t_lost
    assert len(pd.read_csv(out/'comparison.csv')) == len(pd.read_csv(out/'comparison.csv').drop_duplicates(['config', 'model']))
