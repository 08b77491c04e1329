"Configuration values checked for meaning: a bad value fails `kokoc_run` at load time, naming the key, the value and its source."
import subprocess, time
import pytest
from conftest import bin_, in_process
from kokoc.config import load_config
from kokoc.cli import run_cli

def _run(tmp_path, *params, process=False):
    "`kokoc_run` on the tiny scale with `params` (in this process, or as the console script); (result, seconds, run folder)."
    out = tmp_path/'run'
    args = ['--scale', 'tiny', '--out', str(out), '--no-mlflow', '--stages', '00']
    for p in params: args += ['--param', p]
    t0 = time.monotonic()
    r = (subprocess.run([bin_('kokoc_run'), *args], capture_output=True, text=True, timeout=120) if process
         else in_process(run_cli, args))
    return r, time.monotonic() - t0, out

# (override, text the message must contain: the dotted key, the value, and what is allowed)
BAD = [
    ('models.lightgbm.learning_rate=-1', ["'models.lightgbm.learning_rate' = -1.0", 'greater than 0']),
    ('training.k=0', ["'training.k' = 0", 'greater than or equal to 1']),
    ('ensemble.weights=banana', ["'ensemble.weights' = 'banana'", 'valid dictionary']),
    ('ensemble.weights={lightgbm: 1, lgbm: 2}', ["'ensemble.weights' name 'lgbm'", "one of 'lightgbm'"]),
    ('models.enabled=[lightgbm, foo]', ["'models.enabled' item 'foo'", "'transformer' or 'gat'"]),
    ('models.enabled=[]', ["'models.enabled' = []", 'at least 1 item']),
    ('models.enabled=[gat, gat]', ["'models.enabled'", 'repeated: gat']),
    ('preprocessing.max_future_days=-5', ["'preprocessing.max_future_days' = -5", 'greater than or equal to 0']),
    ('preprocessing.action_weights.purchase=2', ["'preprocessing.action_weights' name 'purchase'", "'visitCategory'"]),
    ('preprocessing.fit_user_share=1.5', ["'preprocessing.fit_user_share' = 1.5", 'less than or equal to 1']),
    ('split.horizon_days=0', ["'split.horizon_days' = 0", 'greater than or equal to 1']),
    ('training.device=gpu', ["'training.device' = 'gpu'", "'cpu', 'cuda' or 'auto'"]),
    ('training.bootstrap=-1', ["'training.bootstrap' = -1", 'greater than or equal to 0']),
    ('smote.variant=smoted', ["'smote.variant' = 'smoted'", "'smote_undersample'"]),
    ('smote.variants=[none, oversample]', ["'smote.variants' item 'oversample'", "'class_weight'"]),
    ('models.gat.dropout=1.0', ["'models.gat.dropout' = 1.0", 'less than 1']),
    ('models.gat.conv=gcn', ["'models.gat.conv' = 'gcn'", "'gatv2' or 'gat'"]),
    ('models.gat.title_source=words', ["'models.gat.title_source' = 'words'", "'auto' or 'vectors'"]),
    ('models.catboost.ranker_loss=Logloss', ["'models.catboost.ranker_loss' = 'Logloss'", 'CatBoost ranking loss']),
    ('models.transformer.heads=3', ["'models.transformer.heads' = 3", 'divide dim (64)']),
    ('models.xgboost.subsample=0', ["'models.xgboost.subsample' = 0.0", 'greater than 0']),
    ('tuning.boosting_kind=regressor', ["'tuning.boosting_kind' = 'regressor'", "'ranker' or 'classifier'"]),
    ('tuning.spaces.lightgbm.num_leaves.low=500', ["'tuning.spaces.lightgbm.num_leaves'", "'low': 500", 'low < high']),
    ('tuning.spaces.catboost.learning_rate.low=0', ["'tuning.spaces.catboost.learning_rate'", "'low': 0", 'low > 0']),
    ('logging.level=LOUD', ["'logging.level' = 'LOUD'", "'WARNING'"]),
    ('ensemble.method=vote', ["'ensemble.method' = 'vote'", "'stack' or 'features'"]),
]

@pytest.mark.parametrize('param,says', BAD, ids=[p for p, _ in BAD])
def test_bad_value_fails_fast_naming_key_value_and_source(tmp_path, param, says):
    r, secs, out = _run(tmp_path, param)
    assert r.returncode != 0, r.stdout[-2000:]
    assert f"--param {param}:" in r.stderr, r.stderr        # the layer the value came from
    for s in says: assert s in r.stderr, r.stderr
    assert 'is not allowed' in r.stderr and 'Traceback' not in r.stderr, r.stderr
    assert secs < 20, f"took {secs:.1f} s: the check must run at load time"
    assert not (out/'notebooks').exists(), 'a stage ran before the configuration was checked'

def test_every_bad_value_is_listed_at_once(tmp_path):
    "The console script itself: every bad value in one message, in seconds (the values are checked before any import of the stages)."
    r, secs, out = _run(tmp_path, 'training.k=0', 'models.lightgbm.num_leaves=1', process=True)
    assert r.returncode != 0
    assert "'training.k' = 0" in r.stderr and "'models.lightgbm.num_leaves' = 1" in r.stderr, r.stderr
    assert secs < 20 and not (out/'notebooks').exists()

def test_unknown_key_message_kept(tmp_path):
    r, secs, out = _run(tmp_path, 'models.lightgbm.num_leafs=3', process=True)
    assert r.returncode != 0 and "unknown key 'models.lightgbm.num_leafs'" in r.stderr, r.stderr
    assert secs < 20 and not (out/'notebooks').exists()

def test_good_overrides_still_load():
    cfg = load_config(params=['data_paths.scale=tiny', 'models.lightgbm.learning_rate=0.1', 'training.k=10',
                              'models.enabled=[lightgbm, gat]', 'ensemble.weights={lightgbm: 0.7, gat: 0.3}',
                              'preprocessing.action_weights.search=0.5', 'tuning.timeout_s=null',
                              'models.catboost.ranker_loss=YetiRank:top=10', 'preprocessing.fit_user_share=0'])
    assert cfg.models.lightgbm.learning_rate == 0.1 and cfg.training.k == 10
    assert cfg.models.enabled == ['lightgbm', 'gat'] and cfg.ensemble.weights == {'lightgbm': 0.7, 'gat': 0.3}
    assert cfg.preprocessing.action_weights.search == 0.5 and cfg.tuning.timeout_s is None

def test_full_scale_profile_values_pass_the_rules():
    cfg = load_config(params=['data_paths.scale=full'])
    assert cfg.meta.scale_profile == 'full.yml' and cfg.preprocessing.candidates_per_user == 60

def test_full_scale_profile_is_named_when_a_param_breaks_it():
    with pytest.raises(ValueError, match=r"--param models.transformer.epochs=0: 'models.transformer.epochs' = 0"):
        load_config(params=['data_paths.scale=full', 'models.transformer.epochs=0'])
