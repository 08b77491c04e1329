"The real pipeline, end to end through `kokoc_run` (papermill, a real Jupyter kernel), on the tiny synthetic shop."
import json, os, subprocess
from pathlib import Path
import pytest
from conftest import ROOT, bin_


STAGES = sorted(p.stem for p in (ROOT/'nbs').glob('0[0-6]_*.ipynb'))

def kokoc_run(*args, out):
    r = subprocess.run([bin_('kokoc_run'), '--scale', 'tiny', '--out', str(out), '--no-mlflow', *args],
                       capture_output=True, text=True, timeout=3000, cwd=ROOT)
    assert r.returncode == 0, f"kokoc_run failed:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    return r

def _source_state():
    "What a run must never change: the package and the notebooks (bytes and modification times)."
    import hashlib
    files = sorted((ROOT/'kokoc').glob('*.py')) + sorted((ROOT/'nbs').glob('*.ipynb'))
    return {str(f): (hashlib.sha1(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns) for f in files}

def _git_status():
    r = subprocess.run(['git', 'status', '--porcelain'], cwd=ROOT, capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None

@pytest.fixture(scope='module')
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp('kokoc')/'run'
    before, git_before = _source_state(), _git_status()
    r = kokoc_run('--stages', '00-06', out=out)
    return out, r, (before, _source_state(), git_before, _git_status())

def test_a_run_never_writes_the_source_tree(run):
    *_, (before, after, git_before, git_after) = run
    assert before == after, [f for f in after if before.get(f) != after[f]]
    assert git_before == git_after      # `git status --porcelain` unchanged (empty on a clean checkout)

def test_run_folder_has_every_stage(run):
    out, r, _ = run
    for s in STAGES:
        assert (out/'notebooks'/f'{s}.ipynb').exists(), s
        assert (out/'logs'/f'{s}.log').exists(), s
        assert f'{s}: done in' in r.stdout
    assert (out/'config.yml').exists()

def test_metrics_contract(run):
    out, *_ = run
    m = json.loads((out/'metrics.json').read_text())
    for k in ['data', 'windows', 'candidates', 'test', 'timings_s', 'peak_rss_mb']: assert k in m, k
    for model in ['popular', 'history', 'oracle']:
        t = m['test'][model]
        assert 0 <= t['recall@25'] <= 1 and t['recall@25_ci'][0] <= t['recall@25'] <= t['recall@25_ci'][1]
    assert m['data']['events'] > 0 and 0 < m['candidates']['recall_ceiling'] <= 1
    assert 0 <= m['test']['history']['buyer_precision@1000'] <= 1 and 0 <= m['test']['history']['buyer_auc'] <= 1
    assert all(m['timings_s'][s] > 0 for s in STAGES) and all(m['peak_rss_mb'][s] > 10 for s in STAGES)
    for ref in ('history', 'ensemble'):   # paired comparisons: every model against the ensemble and against history
        assert set(m['paired'][ref]) == set(m['test']) - {ref}, (ref, sorted(m['paired'][ref]))
        for d in m['paired'][ref].values(): assert d['ci'][0] <= d['diff'] <= d['ci'][1] and d['users'] > 0

def test_a_truncated_cached_table_is_rebuilt(run, tmp_path):
    "A table cut short on disk (its `.key` intact) no longer matches its checksum: stage 00, run again, rebuilds it."
    import pyarrow.parquet as pq, shutil
    out = tmp_path/'run'; shutil.copytree(run[0], out)
    t = out/'data'/'processed'/'test_table.parquet'
    whole_bytes = t.read_bytes(); t.write_bytes(whole_bytes[:len(whole_bytes) // 2])
    assert (out/'data'/'processed'/'test_table.parquet.key').exists()
    (out/'notebooks'/'00_data.ipynb').unlink()      # stage 00 done: make the pipeline run it again, as after a crash
    kokoc_run('--stages', '00', out=out)
    assert pq.read_table(t).num_rows == pq.read_metadata(t).num_rows > 0
    assert t.stat().st_size == len(whole_bytes)

def test_the_features_ensemble_makes_the_report_and_the_final_lists(run, tmp_path):
    "ensemble.method=features, forced: the GBDT rankers reading the neural members' scores make the test report, the final lists and the submission."
    import shutil, pandas as pd
    out = tmp_path/'run'; shutil.copytree(run[0], out)
    (out/'notebooks'/'06_ensemble.ipynb').unlink()       # stage 06 done: make the pipeline run it again
    kokoc_run('--stages', '06', '--param', 'ensemble.method=features', out=out)
    m = json.loads((out/'metrics.json').read_text())
    assert m['ensemble']['method'] == 'features'
    assert m['test']['ensemble']['recall@25'] == m['test']['features']['recall@25']
    assert set(m['ensemble']['neural_scores_as_features']) == {'lightgbm', 'catboost', 'xgboost'}
    weighed = [lib for lib, w in m['ensemble']['features_weights'].items() if w > 0]
    assert weighed and all((out/'data'/'processed'/'scores'/f'{lib}_nn_final.npy').exists() for lib in weighed)
    assert len(pd.read_csv(out/'outputs'/'predictions'/'submission.csv')) > 0
    assert sorted(p.name.split('_model_')[0] for p in (out/'models').glob('*_model_nn.*') if not p.name.endswith('.key')) == ['catboost', 'lightgbm', 'xgboost']

def test_the_transformer_proposes_candidates_when_asked(run, tmp_path):
    "preprocessing.transformer_candidates > 0: stage 00 fits the transformer before the tables, its top products join every window, 04 reloads that fit."
    import shutil, numpy as np, pandas as pd
    out = tmp_path/'run'; shutil.copytree(run[0], out)
    kokoc_run('--stages', '00', '--param', 'preprocessing.transformer_candidates=5', out=out)
    ckpt = out/'models'/'transformer_model.ckpt'; t_fit = ckpt.stat().st_mtime_ns
    for w in ('train', 'valid', 'test', 'final'):
        t = pd.read_parquet(out/'data'/'processed'/f'{w}_table.parquet', columns=['user', 'src_transformer', 'source'])
        assert (t['src_transformer'] > 0).any() and (t['source'] == 5).any(), w      # proposed, some by the transformer alone
        assert t.loc[t['src_transformer'] > 0].groupby('user').size().max() <= 5, w
    m = json.loads((out/'metrics.json').read_text())
    assert 'transformer' in m['candidates']['per_source'] and m['candidates']['per_source']['transformer']['alone'] > 0
    kokoc_run('--stages', '01-04', '--param', 'preprocessing.transformer_candidates=5', out=out)
    assert ckpt.stat().st_mtime_ns == t_fit                    # 04 reloaded the network 00 fitted: one fit
    for w in ('test', 'final'):                                # 04 scored the tables that hold the proposals, row for row
        rows = pd.read_parquet(out/'data'/'processed'/f'{w}_table.parquet', columns=['user']).shape[0]
        assert np.load(out/'data'/'processed'/'scores'/f'transformer_{w}.npy').shape == (rows,), w

def test_rerun_resumes_and_a_changed_parameter_invalidates_only_its_dependents(run):
    out, *_ = run
    table = out/'data'/'processed'/'test_table.parquet'
    t_table = table.stat().st_mtime_ns
    r = kokoc_run('--stages', '00-06', out=out)              # same command: everything skipped
    assert all(f'{s}: done in an earlier run' in r.stdout for s in STAGES)
    if '03_boosting' not in STAGES: pytest.skip('no boosting stage yet')
    model = out/'models'/'lightgbm_model.txt'
    t_model = model.stat().st_mtime_ns
    kokoc_run('--stages', '00,03', '--param', 'models.lightgbm.num_leaves=7', out=out)
    assert table.stat().st_mtime_ns == t_table      # candidate tables reused: they don't depend on LightGBM
    assert model.stat().st_mtime_ns != t_model      # LightGBM refitted

class _Payload:
    "Unpickling this runs a shell command: what a run folder received from someone else could hold."
    def __init__(self, marker): self.marker = str(marker)
    def __reduce__(self): return (os.system, (f"touch {self.marker}",))

READER = '''
import sys
from kokoc.pipeline import stage
from kokoc.data import load_shop
from kokoc.tables import read_table, model_scores
from kokoc.smote import FeaturePrep, prep_files
from kokoc.ensemble import load_member
from kokoc.store import read_json
ctx = stage('06_ensemble', sys.argv[1])
readers = {'shop': lambda: load_shop(ctx), 'table': lambda: read_table(ctx, 'test'),
           'imputer/scaler': lambda: FeaturePrep.load(*prep_files(ctx)),
           'scores': lambda: model_scores(ctx, 'lightgbm', 'test', lambda: load_member(ctx, 'lightgbm'), ctx.run.model('lightgbm')),
           'metrics': lambda: read_json(ctx.run/'metrics.json'),
           **{m: (lambda m=m: load_member(ctx, m)) for m in ('lightgbm', 'catboost', 'xgboost', 'transformer', 'gat')}}
for name, read in readers.items():
    try: read(); print(name, 'read or rebuilt')
    except Exception as e: print(name, 'refused:', type(e).__name__, str(e)[:80])
'''

def test_a_payload_planted_in_any_artifact_never_runs(run, tmp_path):
    "Every artifact a run reads is replaced by a pickle that runs a command when unpickled (with a matching checksum in its .key file); reading the folder must never run it."
    import pickle, shutil
    from kokoc.store import file_hash
    out, *_ = run
    bad, marker = tmp_path/'run', tmp_path/'PAYLOAD_RAN'
    shutil.copytree(out, bad)
    payload = pickle.dumps(_Payload(marker))
    planted = []
    for p in sorted(bad.rglob('*')):
        if not p.is_file() or p.suffix == '.key' or p.parent.name in ('notebooks', 'logs', 'plots') or p.name in ('config.yml', 'state.json', '.lock', '.lock.owner'): continue
        p.write_bytes(payload); planted.append(p.relative_to(bad))
        kp = Path(str(p) + '.key')
        if kp.exists(): kp.write_text(f"{kp.read_text().split(chr(10))[0]}\n{file_hash(p)}")   # the planted file passes the checksum
    assert any(str(p).startswith('models/') for p in planted) and any(p.suffix == '.npz' for p in planted), planted
    r = subprocess.run([os.sys.executable, '-c', READER, str(bad)], capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    assert not marker.exists(), f"a planted payload ran:\n{r.stdout}"
    assert 'refused' in r.stdout, r.stdout
