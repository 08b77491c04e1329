"""Every kind of dirt named (issue 15): each dirty folder, built from the tiny synthetic shop, goes through
`kokoc_run --data DIR --check`, which must either repair the dirt and count it by reason, or stop (exit 1,
no traceback) with a message naming the file, the column and the reason. Two cases run stage 00 itself."""
import re, shutil, subprocess
from pathlib import Path
import numpy as np, pandas as pd, pyarrow as pa, pyarrow.parquet as pq
import pytest
from conftest import ROOT, bin_, in_process
from kokoc.config import ACTIONS, FILES
from kokoc.synthetic import generate_shop, write_shop
from kokoc.cli import run_cli


ACT, CAT, MAP = FILES['actions'], FILES['catalog'], FILES['mapping']
BASE_EVENTS = '6,397 events'    # what the tiny shop (seed 0, 1 % dirt) cleans to, today and before issue 15
BASE_REASONS = {'catalog.bad_product_id': 1, 'catalog.unparsable_add_date': 1, 'catalog.duplicate_product': 1,
                'actions.bad_user_id': 16, 'actions.unknown_action': 16, 'actions.product_action_without_products': 16,
                'actions.product_not_in_catalog': 16, 'actions.no_valid_product': 16, 'catalog.future_add_date': 1}
K = 300   # action rows spoiled by most cases
PK = 50   # catalog rows (of about 200)

# --- spoiling the files ------------------------------------------------------------------------------------
def acts(d): return pd.read_parquet(d/ACT)
def cat(d): return pd.read_parquet(d/CAT)
def put(d, df, f=ACT, schema=None):
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False, schema=schema), d/f)

def clean_rows(a):
    "Rows no other rule touches before the dates: a real user and a known action."
    return np.flatnonzero(((a.user_id != '/*') & (a.action != 11)).to_numpy())

def pick(n, k, seed=0): return np.sort(np.random.default_rng(seed).choice(n, k, replace=False))

def set_rows(col, values, k=K, rows=clean_rows):
    "A case that writes `values(old)` into `col` of `k` chosen clean rows of the actions."
    def f(d):
        a = acts(d); i = rows(a)[pick(len(rows(a)), k)]
        a[col] = a[col].astype(object); a.loc[a.index[i], col] = [values(v) for v in a[col].iloc[i]]
        if a[col].map(lambda v: isinstance(v, str)).any(): a[col] = a[col].astype(str)
        put(d, a)
    return f

def prices(fmt, k=PK):
    "A case that writes `k` catalog prices through `fmt`."
    def f(d):
        c = cat(d); ok = np.flatnonzero((c.product_id != '/*').to_numpy()); i = ok[pick(len(ok), k)]
        c['price'] = c['price'].astype(object); c.loc[c.index[i], 'price'] = [fmt(p) for p in c['price'].iloc[i]]
        text = c['price'].map(lambda v: isinstance(v, str)).any()      # a parquet column is text or numbers, not both
        c['price'] = c['price'].map(lambda v: None if v is None else str(v)) if text else pd.to_numeric(c['price'])
        c.to_parquet(d/CAT, index=False)
    return f

def whole(col, fn, schema=None):
    "A case that rewrites a whole actions column."
    def f(d): a = acts(d); a[col] = fn(a); put(d, a, schema=schema)
    return f

def duplicated(k):
    def f(d): a = acts(d); put(d, pd.concat([a, a.iloc[pick(len(a), k)]], ignore_index=True))
    return f

def bot(d):
    a = acts(d); t0, t1 = a.date.min(), a.date.max()
    b = pd.DataFrame({'user_id': '0bb0bb0b-0000-4000-8000-000000000b07', 'loc_user_id': 'bot', 'action': 0,
                      'date': pd.date_range(t0, t1, periods=100_000), 'products': [np.array([a.products[a.action == 0].iloc[0][0]])] * 100_000,
                      'pageId': 1})
    put(d, pd.concat([a, b], ignore_index=True))

def no_orders_after(days):
    def f(d):
        a = acts(d); T = a.date.max()
        put(d, a[~((a.action == 5) & (a.date > T - pd.Timedelta(days=days)))])
    return f

def numeric_ids(d):
    a = acts(d); ids = {u: 1000 + i for i, u in enumerate(a.user_id.unique())}
    a['user_id'] = pd.array([None if u == '/*' else ids[u] for u in a.user_id], dtype='Int64')
    put(d, a)

def truncate(f, keep=0.5):
    def g(d): p = d/f; p.write_bytes(p.read_bytes()[:int(p.stat().st_size * keep)])
    return g

def spoil_all(col, value):
    def f(d): a = acts(d); a[col] = value; put(d, a)
    return f

def bad_users(share):
    def f(d):
        a = acts(d); i = pick(len(a), int(share * len(a))); a.loc[a.index[i], 'user_id'] = '/*'; put(d, a)
    return f

PRICE_FORMATS = [lambda p: f"{p:,.2f} руб", lambda p: f"{p:,.2f}".replace(',', ' ').replace('.', ','),   # '3,962.00 руб', '1 299,50'
                 lambda p: f"${p:.2f}", lambda p: f"{p:.2f} €".replace('.', ',')]                            # '$12.50', '12,50 €'

SCALAR = pa.schema([('user_id', pa.string()), ('loc_user_id', pa.string()), ('action', pa.int64()),
                    ('date', pa.timestamp('ns')), ('products', pa.int64()), ('pageId', pa.int64())])

# name: (spoil the folder, exit status, what the output must say: {reason: count} or [text, ...])
CASES = {
    # repaired, or dropped and counted
    'price_text_formats':    (prices(lambda p, i=iter(range(PK)): PRICE_FORMATS[next(i) % 4](p)), 0, {'catalog.price_from_text': PK}),
    'price_unparsable':      (prices(lambda p: 'по запросу', 7), 0, {'catalog.unparsable_price': 7}),
    'price_negative':        (prices(lambda p: -p, 9), 0, {'catalog.negative_price': 9}),
    'price_nan':             (prices(lambda p: None, 11), 0, {'catalog.missing_price': 11}),
    'duplicate_events':      (duplicated(320), 0, {'actions.duplicate_event': 320}),
    'duplicates_few_kept':   (duplicated(3), 0, {'actions.duplicate_event': 0}),   # below DUPLICATE_SHARE: kept, as normal logs have a few
    'dates_1900':            (set_rows('date', lambda t: t.replace(year=1900), k=640), 0, {'actions.past_date': 640}),
    'dates_2079':            (set_rows('date', lambda t: t.replace(year=2079), k=64), 0, {'actions.future_date': 64}),
    'epoch_seconds':         (whole('date', lambda a: a.date.astype('int64') // 10**9), 0, {'actions.date_from_epoch_s': 6391}),
    'epoch_milliseconds':    (whole('date', lambda a: a.date.astype('int64') // 10**6), 0, {'actions.date_from_epoch_ms': 6391}),
    'action_names':          (whole('action', lambda a: [[str.lower, str.upper, str][i % 3](ACTIONS.get(c, f'code{c}')) for i, c in enumerate(a.action)]), 0,
                              {'actions.action_name_to_code': 6391 - 16, 'actions.unknown_action': 16}),   # any case; 11 -> 'code11'
    'unknown_action_names':  (set_rows('action', lambda c: 'teleport'), 0, {'actions.unknown_action': 16 + K}),
    'products_scalar':       (whole('products', lambda a: [int(p[0]) if len(p) else None for p in a.products], schema=SCALAR), 0,
                              {'actions.products_number_as_list': None}),
    'products_text':         (whole('products', lambda a: [str(p.tolist()) for p in a.products]), 0,
                              {'actions.products_text_as_list': 6391, 'actions.bad_user_id': 16}),
    'bot_100k_events':       (bot, 0, {'actions.bot_users': 1, 'actions.bot_events': 100_000}),
    'numeric_user_ids':      (numeric_ids, 0, {'actions.bad_user_id': 16}),
    'empty_user_ids':        (set_rows('user_id', lambda u: ''), 0, {'actions.bad_user_id': 16 + K}),
    'placeholder_user_ids':  (set_rows('user_id', lambda u, c=iter(['-', 'null', 'undefined', 'None', ' ', '/*'] * K): next(c)), 0,
                              {'actions.bad_user_id': 16 + K}),
    # stopped, with the file, the column and the reason
    'products_hopeless':     (whole('products', lambda a: a.products.map(len) > 0), 1, [ACT, "column 'products'", 'of type bool']),
    'epoch_hopeless':        (whole('date', lambda a: a.date.dt.strftime('%Y%m%d').astype('int64')), 1, [ACT, "column 'date'", 'no epoch time']),
    'all_events_unusable':   (spoil_all('user_id', '/*'), 1, [ACT, 'no usable event is left', 'actions.bad_user_id 6,391 rows']),
    'too_little_left':       (bad_users(0.6), 1, [ACT, 'cleaning left', 'rows', 'actions.bad_user_id']),
    'no_orders_test_window': (no_orders_after(3.5), 1, [ACT, 'no buyers in the test window', 'ordered rows']),
    'no_orders_at_all':      (no_orders_after(10_000), 1, [ACT, "column 'action'", 'no orders at all']),
    'missing_file':          (lambda d: (d/MAP).unlink(), 1, [MAP, 'file not found']),
    'empty_file':            (lambda d: put(d, acts(d).iloc[:0]), 1, [ACT, 'the file is empty']),
    'zero_byte_file':        (lambda d: (d/CAT).write_bytes(b''), 1, [CAT, 'not a readable parquet file']),
    'missing_column':        (lambda d: put(d, acts(d).drop(columns='products')), 1, [ACT, "missing column(s) ['products']"]),
    'corrupt_parquet':       (truncate(ACT), 1, [ACT, 'not a readable parquet file']),
}

# --- running them --------------------------------------------------------------------------------------------
def check(folder):
    "`kokoc_run --data FOLDER --check`, in this process (`test_check_as_a_command` runs the console script once)."
    return in_process(run_cli, ['--data', folder, '--check'])

@pytest.fixture(scope='module')
def base(tmp_path_factory):
    d = tmp_path_factory.mktemp('dirt')/'base'
    write_shop(generate_shop('tiny', 0, 0.01), d)
    (d/FILES['oracle']).unlink(missing_ok=True)     # not needed to check the data
    return d

@pytest.fixture(scope='module')
def results(base, tmp_path_factory):
    "Every case's folder, spoiled, then checked."
    root = tmp_path_factory.mktemp('cases')
    folders = {}
    for name, (spoil, *_) in CASES.items():
        folders[name] = root/name; shutil.copytree(base, folders[name]); spoil(folders[name])
    folders['base'] = base
    clean = root/'clean'; write_shop(generate_shop('tiny', 0, 0.0), clean); folders['clean'] = clean
    return {name: check(f) for name, f in folders.items()}

def reasons(out:str) -> dict:
    "The printed table of repaired and dropped rows: reason -> count."
    return {m[1]: int(m[2]) for m in re.finditer(r'^((?:actions|catalog|mapping)\.\w+)\s+(\d+)\s+(?:repaired|dropped|users)$', out, re.M)}

@pytest.mark.parametrize('name', list(CASES))
def test_dirt(results, name):
    _, rc, says = CASES[name]
    r = results[name]
    assert r.returncode == rc, f"exit {r.returncode}:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    assert 'Traceback' not in r.stderr, r.stderr[-3000:]
    if rc:
        msg = r.stderr.strip()
        assert msg.startswith('kokoc_run: ') and msg.count('\n') == 0, msg   # one paragraph, no traceback
        for s in says: assert s in msg, (s, msg)
        return
    got = reasons(r.stdout)
    if isinstance(says, dict):
        for k, v in says.items():
            if v == 0: assert k not in got, (k, got); continue   # 0: the rule must not fire
            assert k in got, (k, got)
            if v is not None: assert got[k] == v, (k, got[k], v)
    else:
        for s in says: assert s in r.stdout, (s, r.stdout)
    assert 'the data can be used' in r.stdout and re.search(r'^test\s+2024-', r.stdout, re.M), r.stdout   # windows in the real log

def test_products_scalar_wraps_every_number(results, base):
    "One product per event, written as a number: each becomes a one-element list."
    got = reasons(results['products_scalar'].stdout)
    assert got['actions.products_number_as_list'] == (acts(base).products.map(len) > 0).sum()

def sizes(r): return re.search(r'([\d,]+ events, [\d,]+ users, [\d,]+ products)', r.stdout)[1]

def test_numeric_user_ids_keep_every_user(results):
    "Numbered users are users: the same events and users as with uuids."
    assert sizes(results['numeric_user_ids']) == sizes(results['base']) == '6,397 events, 252 users, 200 products'
    assert sizes(results['action_names']) == sizes(results['products_text']) == sizes(results['base'])   # repaired to the same events

def test_synthetic_dirt_unchanged(results):
    "The tiny synthetic shop's own dirt is counted exactly as before issue 15, and the clean shop loses nothing."
    r = results['base']; assert r.returncode == 0 and BASE_EVENTS in r.stdout
    assert reasons(r.stdout) == BASE_REASONS
    c = results['clean']; assert c.returncode == 0 and reasons(c.stdout) == {} and 'nothing' in c.stdout, c.stdout

def test_epoch_dates_give_the_same_windows(results):
    """Epoch milliseconds convert to the same timestamps (to the ms): same events, same window buyers. Whole seconds make
    1.3 % of the synthetic rows identical to their neighbour (sub-second repeats): those are then dropped as duplicates."""
    tail = lambda r: r.stdout[r.stdout.index('windows:'):]
    assert tail(results['epoch_milliseconds']) == tail(results['base']) and BASE_EVENTS in results['epoch_milliseconds'].stdout
    got = reasons(results['epoch_seconds'].stdout)
    assert sizes(results['epoch_seconds']).startswith('6,317 events') and got['actions.duplicate_event'] == 80

def test_check_as_a_command(base, tmp_path):
    "The console script itself: a clean run of `--check` and one that stops, each with its exit status and a one-line message."
    ok = subprocess.run([bin_('kokoc_run'), '--data', str(base), '--check'], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert ok.returncode == 0 and 'the data can be used' in ok.stdout, ok.stderr[-3000:]
    d = tmp_path/'shop'; shutil.copytree(base, d); (d/MAP).unlink()
    bad = subprocess.run([bin_('kokoc_run'), '--data', str(d), '--check'], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert bad.returncode == 1 and bad.stderr.strip().startswith('kokoc_run: ') and 'file not found' in bad.stderr, bad.stderr
    assert 'Traceback' not in bad.stderr

def test_check_writes_nothing(results, base):
    "`--check` runs no stage: the data folder holds the files it held, and no run folder appears."
    assert sorted(p.name for p in base.iterdir()) == sorted(FILES[k] for k in ['catalog', 'actions', 'mapping', 'vectors'])
    assert 'kokoc run' not in results['base'].stdout

# --- stage 00 itself -----------------------------------------------------------------------------------------
def kokoc_run(*args):
    return subprocess.run([bin_('kokoc_run'), '--scale', 'tiny', '--stages', '00', '--no-mlflow', *map(str, args)],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)

def test_stage_00_stops_on_a_window_without_orders(base, tmp_path):
    d = tmp_path/'shop'; shutil.copytree(base, d); no_orders_after(3.5)(d)
    r = kokoc_run('--data', d, '--out', tmp_path/'run')
    assert r.returncode == 1, r.stdout[-2000:]
    assert 'DataError' in r.stderr and 'no buyers in the test window' in r.stderr, r.stderr[-3000:]
    assert not (tmp_path/'run'/'data'/'processed'/'test_table.parquet').exists()   # stopped before any table
