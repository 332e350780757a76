from common import *
from collections import Counter
def soc_kernels():
    maj = np.array([c[:2] for c in CODES]); minr = np.array([c[:4] for c in CODES]); brd = np.array([c[:6] for c in CODES]); det = np.array([c[:7] for c in CODES])
    return {k: (v[:, None] == v[None, :]).astype(float) for k, v in dict(major=maj, minor=minr, broad=brd, detailed=det).items()}
def tech_X(kind='code', hot_w=0.0):
    extra = [Counter() for _ in range(N)]
    for d, rows in enumerate(DATA['tech']):
        for code, ex, title, hot in rows:
            if kind == 'code': extra[d]['c' + code] += 1
            elif kind == 'example': extra[d]['e' + ex] += 1
            elif kind == 'class': extra[d]['f' + code[:6]] += 1
    return extra
def sparse_from(extra):
    vocab = {}; r = []; c = []; v = []
    for d, e in enumerate(extra):
        for t, x in e.items():
            r.append(d); c.append(vocab.setdefault(t, len(vocab))); v.append(x)
    return sp.csr_matrix((v, (r, c)), shape=(N, len(vocab)))
def zone_kernels():
    z = ZONE
    return dict(zlin=np.outer(z - 3, z - 3), zhot=(z[:, None] == z[None, :]).astype(float))
