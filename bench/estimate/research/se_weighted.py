"""Precision-weighted ridge: each rated occupation weighted in each column by 1 / (SE^2 + tau^2),
O*NET's Standard Error of that value (n/a -> the column's median SE), exact weighted
leave-one-out, on the first 12 knowledge LV and IM columns (one solve per column: slow).
-0.6 % at best (NOTES.md, 12-07).

    OMP_NUM_THREADS=1 /usr/bin/python3 bench/estimate/research/se_weighted.py   # ~1 min
"""
import csv
import numpy as np
from common import CODES, COLINFO, GCOLS, GROUPS, CMIN, CMAX, Y
from data import D
from median_calibration import R, YR, shipped_kernel

Ks = shipped_kernel()[np.ix_(R, R)]
col = {(d, e, s): j for j, (d, e, s) in enumerate(COLINFO)}
row = {c: i for i, c in enumerate(CODES)}
SE = np.full(Y.shape, np.nan)
for dom, fn in (('skills', 'Skills.txt'), ('knowledge', 'Knowledge.txt')):
    with open(D + fn, newline='', encoding='utf-8') as f:
        for r in csv.DictReader(f, delimiter='\t'):
            k = (dom, r['Element ID'], r['Scale ID'])
            if k in col and r['Standard Error'] != 'n/a':
                SE[row[r['O*NET-SOC Code']], col[k]] = float(r['Standard Error'])
SER = SE[R]
SER = np.where(np.isnan(SER), np.nanmedian(SER, 0), SER)
LAM = 1.2


def weighted_loo(c, tau):
    v = SER[:, c] ** 2 + tau ** 2
    w = v.mean() / v  # precision weights, mean 1
    Ai = np.linalg.inv(Ks + LAM * np.diag(1 / w))
    alpha = Ai @ YR[:, c]
    h = 1 - LAM / w * np.diag(Ai)  # the hat matrix's diagonal, K (K + lam W^-1)^-1
    return YR[:, c] - (YR[:, c] - Ks @ alpha) / (1 - h)


for g in GROUPS[2:]:
    cols = GCOLS[g][:12]
    for tau in (1e9, 1.0, 0.5, 0.3, 0.2, 0.1):  # 1e9: unweighted, the shipped ridge
        P = np.clip(np.stack([weighted_loo(c, tau) for c in cols], 1), CMIN[cols], CMAX[cols])
        print(f'{g[0]} {g[1]} tau {tau:g}: MAE {np.abs(P - YR[:, cols]).mean():.4f}', flush=True)
