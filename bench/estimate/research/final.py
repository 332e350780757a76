"""Reference script: reproduces the current C++ method and the best method found; prints LOO figures.
Usage: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 final.py"""
import time; T0 = time.time()
from common import *
from feats import soc_kernels, zone_kernels, tech_X, sparse_from
from knn import knn_estimate
R = RATED; YR = Y[R]
def lsa(S, d):
    ev, U = np.linalg.eigh(S)
    Z = U[:, -d:] * np.sqrt(np.maximum(ev[-d:], 0)); Z /= np.linalg.norm(Z, axis=1, keepdims=True) + 1e-12
    return Z @ Z.T
# ---- current method
S = cosine(tfidf(tf_matrix()))
Eknn = knn_estimate(S); report(Eknn, 'current: kNN k=15 sim^2 + zone slope')
T1 = time.time()
# ---- kernels (all N x N; text-only/unsupervised, computed on all 1016 docs)
zone = ZONE.copy()
nz = zone == 0   # 93 unrated occupations have no job zone: impute by the kNN neighbours' sim^2-weighted zone
if nz.any():
    Sn = np.where(np.isin(np.arange(N), R)[None, :], S, -1); np.fill_diagonal(Sn, -1)
    nb = np.argsort(-Sn, 1, kind='stable')[:, :15]; w = np.maximum(np.take_along_axis(S, nb, 1), 1e-3) ** 2
    zone[nz] = ((w * ZONE[nb]).sum(1) / w.sum(1))[nz]
TFf = lambda w: cosine(tfidf(tf_matrix(w)))
K = {}
K['all'] = S
K['lsa50'] = lsa(cosine(tfidf(tf_matrix(), idf_pow=0.7)), 50)
K['lsa20'] = lsa(cosine(tfidf(tf_matrix(), idf_pow=0.7)), 20)
K['lsatask'] = lsa(TFf({'core': 1, 'supp': 0.5}), 50)
for f in ['desc', 'core', 'supp', 'alt', 'rep']: K[f] = TFf({f: 1.0})
K['task'] = TFf({'core': 1.0, 'supp': 0.5})
K['tech'] = cosine(tfidf(sparse_from(tech_X('code'))))
K['techex'] = cosine(tfidf(sparse_from(tech_X('example'))))
K.update(soc_kernels())
K['zlin'] = np.outer(zone - 3, zone - 3)
W = {"all": 0.5, "zlin": 0.04, "major": 0.2, "minor": 0.1, "desc": 0.2, "core": 0.4, "supp": 0.2, "alt": 0.4, "rep": 0.2,
     "task": 0.2, "tech": 0.05, "techex": 0.2, "broad": 0.2, "lsa50": 2.0, "lsa20": 0.5, "lsatask": 0.1}
LAM, C0 = 1.2, 10.0
Kf = sum(v * K[k] for k, v in W.items()) + C0
KRR_ = Kf[np.ix_(R, R)]
ev, U = np.linalg.eigh(KRR_); ev = np.maximum(ev, 0); f = ev / (ev + LAM)
H_diag = np.einsum('ij,j,ij->i', U, f, U)
Yhat = U @ (f[:, None] * (U.T @ YR))
Eloo = (Yhat - H_diag[:, None] * YR) / (1 - H_diag)[:, None]          # exact LOO
alpha = U @ ((1 / (ev + LAM))[:, None] * (U.T @ YR))                  # full fit, for unrated
Ekrr = Kf[:, R] @ alpha; Ekrr[R] = Eloo; Ekrr = clip(Ekrr)
report(Ekrr, 'MKL-KRR (LSA + fields + tech + SOC + zone)')
# ---- rating-space neighbours of the KRR prediction
def rsnn(Ek, k=10, tau=0.1):
    sc = YR.std(0); P = Ek / sc; Q = YR / sc
    D2 = ((P ** 2).sum(1)[:, None] + (Q ** 2).sum(1)[None, :] - 2 * P @ Q.T) / Y.shape[1]
    D2[R, np.arange(len(R))] = np.inf                                  # never itself
    nb = np.argsort(D2, 1)[:, :k]; dd = np.take_along_axis(D2, nb, 1)
    w = np.exp(-(dd - dd[:, :1]) / tau)
    return np.einsum('ik,ikc->ic', w, YR[nb]) / w.sum(1)[:, None], nb
Ers, _ = rsnn(Ekrr); report(Ers, 'rating-space 10-NN of KRR prediction')
for a, b in [(0.7, 0.3), (0.6, 0.3), (0.6, 0.4), (0.5, 0.3), (0.5, 0.5)]:
    c = round(1 - a - b, 3)
    E = a * Ekrr + b * Ers + c * Eknn
    r = report(E, f'blend {a} KRR + {b} rsNN + {c} kNN')
print(f'time: current {T1 - T0:.1f}s, total {time.time() - T0:.1f}s')
