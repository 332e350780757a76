import os
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
import numpy as np, scipy.sparse as sp
from collections import defaultdict
from data import load
DATA = load()
CODES = DATA['codes']; N = len(CODES)
Y = DATA['Y']; ZONE = DATA['zone'].astype(float)
RATED = np.where(~np.isnan(Y).all(1))[0]
COLINFO = DATA['colinfo']
GROUPS = [('skills', 'LV'), ('skills', 'IM'), ('knowledge', 'LV'), ('knowledge', 'IM')]
GCOLS = {g: np.array([c for c, ci in enumerate(COLINFO) if (ci[0], ci[2]) == g]) for g in GROUPS}
CMIN = np.array([0.0 if ci[2] == 'LV' else 1.0 for ci in COLINFO]); CMAX = np.array([7.0 if ci[2] == 'LV' else 5.0 for ci in COLINFO])
FOLDS = 10
FOLD = np.full(N, -1); FOLD[RATED] = np.arange(len(RATED)) % FOLDS
DEFW = dict(title=3, desc=1, core=1, supp=0.5, alt=0.3, rep=0.5)

def tf_matrix(w=DEFW, bigrams=False, extra=None):
    """weighted term-frequency sparse matrix (N x V)"""
    vocab = {}; rows = []; cols = []; vals = []
    for d, fl in enumerate(DATA['fields']):
        freq = defaultdict(float)
        for f, ts in fl:
            wt = w.get(f, 0)
            if wt <= 0: continue
            for t in ts: freq[t] += wt
            if bigrams:
                for a, b in zip(ts, ts[1:]): freq[a + '_' + b] += wt * bigrams
        if extra is not None:
            for t, v in extra[d].items(): freq[t] += v
        for t, v in freq.items():
            j = vocab.setdefault(t, len(vocab)); rows.append(d); cols.append(j); vals.append(v)
    return sp.csr_matrix((vals, (rows, cols)), shape=(N, len(vocab)))

def tfidf(TF, sub=True, l2=True, idf_pow=1.0):
    df = np.asarray((TF > 0).sum(0)).ravel()
    idf = np.log(N / df) ** idf_pow
    X = TF.copy().astype(float)
    if sub: X.data = np.log1p(X.data)
    X = X @ sp.diags(idf)
    if l2:
        nr = np.sqrt(np.asarray(X.multiply(X).sum(1)).ravel()); nr[nr == 0] = 1
        X = sp.diags(1 / nr) @ X
    return sp.csr_matrix(X)

def cosine(X):
    S = (X @ X.T).toarray()
    return np.minimum(S, 1.0)

def report(E, name='', quiet=False, Yt=None):
    """E: N x C estimates (rows RATED used). returns dict group->(mae,bias)"""
    Yt = Y if Yt is None else Yt
    res = {}
    for g in GROUPS:
        c = GCOLS[g]
        e = E[np.ix_(RATED, c)]; y = Yt[np.ix_(RATED, c)]
        m = ~np.isnan(e) & ~np.isnan(y)
        res[g] = (np.abs(e - y)[m].mean(), (e - y)[m].mean())
    if not quiet:
        print(f"{name:55s} " + "  ".join(f"{res[g][0]:.4f}({res[g][1]:+.3f})" for g in GROUPS), flush=True)
    return res

def note(line):
    print(line, flush=True)

def fmt(res):
    return " | ".join(f"{res[g][0]:.3f} ({res[g][1]:+.3f})" for g in GROUPS)

def clip(E): return np.clip(E, CMIN, CMAX)
