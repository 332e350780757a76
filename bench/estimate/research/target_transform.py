"""Target transforms: the shipped ridge fitted on log(y - min + c) or (y - min + 0.1)^p and
back-transformed (a transformed mean lies nearer the median than the plain mean), then the
shipped rating-space blend and median calibration. None beat the shipped (NOTES.md, 12-07).

    OMP_NUM_THREADS=1 /usr/bin/python3 bench/estimate/research/target_transform.py   # ~10 s
"""
import numpy as np
from common import CMIN, FOLD, report, clip
from median_calibration import R, YR, shipped_kernel, crossfit, full, rating_space_blend

Kf = shipped_kernel()
ev, U = np.linalg.eigh(Kf[np.ix_(R, R)])
ev = np.maximum(ev, 0)
fl = ev / (ev + 1.2)
Hd = np.einsum('ij,j,ij->i', U, fl, U)
fold = FOLD[R]


def loo(Yt):
    """Exact leave-one-out ridge estimates of the columns of Yt."""
    Yh = U @ (fl[:, None] * (U.T @ Yt))
    return (Yh - Hd[:, None] * Yt) / (1 - Hd)[:, None]


def show(P, name):
    report(full(P), name)
    B = rating_space_blend(P, YR)
    report(full(B), '   + blend')
    report(full(crossfit(B, fold, 10, 20)), '   + median calibration')


show(clip(full(loo(YR)))[R], 'shipped ridge')
for c in (0.3, 0.5, 1.0, 2.0, 4.0):
    show(clip(full(np.exp(loo(np.log(YR - CMIN + c))) + CMIN - c))[R], f'log(y - min + {c})')
for p in (0.5, 0.7):
    show(clip(full(np.maximum(loo((YR - CMIN + 0.1) ** p), 0) ** (1 / p) + CMIN - 0.1))[R], f'(y - min + 0.1)^{p}')
