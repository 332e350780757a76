"""Conditional-median calibration of the shipped estimate (nodes/estimate/median_calibration.hpp).

The targets are mean absolute errors; the ridge fits squared ones. Per column, the leave-one-out
estimates go into equal-count bins; each bin's median error, shrunk by n / (n + shrink), is
placed at the bin's median estimate and the shift is linear between them (flat beyond),
cross-fitted in the shipped 10 folds. Prints the shipped figures, a grid over
bins x shrink, four random fold assignments, and a nested check where the shifts of fold f are
fitted on a ridge (and rating-space blend) that never saw fold f, to show the gain is no leak.

    OMP_NUM_THREADS=1 /usr/bin/python3 bench/estimate/research/median_calibration.py   # ~20 s
"""
import numpy as np
from common import RATED as R, Y, FOLD, FOLDS, N, report, clip, tf_matrix, tfidf, cosine, ZONE
from feats import soc_kernels

YR = Y[R]


def lsa(S, d):
    ev, U = np.linalg.eigh(S)
    Z = U[:, -d:] * np.sqrt(np.maximum(ev[-d:], 0))
    Z /= np.linalg.norm(Z, axis=1, keepdims=True) + 1e-12
    return Z @ Z.T


def shipped_kernel():
    S = cosine(tfidf(tf_matrix()))
    zone = ZONE.copy()
    Sn = np.where(np.isin(np.arange(N), R)[None, :], S, -1)
    np.fill_diagonal(Sn, -1)
    nb = np.argsort(-Sn, 1, kind='stable')[:, :15]
    w = np.maximum(np.take_along_axis(S, nb, 1), 1e-3) ** 2
    zone[ZONE == 0] = ((w * ZONE[nb]).sum(1) / w.sum(1))[ZONE == 0]
    S7 = cosine(tfidf(tf_matrix(), idf_pow=0.7))
    soc = soc_kernels()
    return (S + 2 * lsa(S7, 50) + 0.5 * lsa(S7, 20) + 0.2 * soc['major'] + 0.1 * soc['minor'] + 0.2 * soc['broad']
            + 0.04 * np.outer(zone - 3, zone - 3) + 10)


def ridge_blend(Kf, idx):
    """LOO estimates of the rated rows idx (into R), ridge + rating-space blend fitted on idx only."""
    Ks = Kf[np.ix_(R[idx], R[idx])]
    Ys = YR[idx]
    Ai = np.linalg.inv(Ks + 1.2 * np.eye(len(idx)))
    al = Ai @ Ys
    return rating_space_blend(clip(Ys - al / np.diag(Ai)[:, None]), Ys)


def rating_space_blend(P, Ys):
    """0.7 P + 0.3 the mean of the 10 rated rows of Ys nearest P's rows in rating space (tau 0.1), never itself."""
    sc = Ys.std(0)
    D2 = ((P / sc) ** 2).sum(1)[:, None] + ((Ys / sc) ** 2).sum(1)[None, :] - 2 * (P / sc) @ (Ys / sc).T
    D2 /= Y.shape[1]
    np.fill_diagonal(D2, np.inf)
    nb = np.argsort(D2, 1)[:, :10]
    dd = np.take_along_axis(D2, nb, 1)
    w = np.exp(-(dd - dd[:, :1]) / 0.1)
    Er = np.einsum('ik,ikc->ic', w, Ys[nb]) / w.sum(1)[:, None]
    return clip(0.7 * P + 0.3 * Er)


def shift(p, y, x, bins, shrink):
    """x moved by the median error of the bins among (p, y), linear between the bins' median estimates."""
    r = y - p
    srt = np.sort(p)  # equal-count bins by rank; edges halfway between order statistics
    j = np.ceil(np.arange(1, bins) * len(p) / bins).astype(int)
    edges = (srt[j - 1] + srt[j]) / 2
    b = np.digitize(p, edges)
    cnt = np.bincount(b, minlength=bins)
    ok = cnt > 0
    med = np.array([np.median(r[b == k]) if cnt[k] else 0 for k in range(bins)]) * cnt / np.maximum(cnt + shrink, 1)
    ctr = np.array([np.median(p[b == k]) if cnt[k] else 0 for k in range(bins)])
    return x + np.interp(x, ctr[ok], med[ok])


def full(ER):
    E = np.full(Y.shape, np.nan)
    E[R] = ER
    return clip(E)


def crossfit(FR, fold, bins, shrink, fitted_on=None):
    out = FR.copy()
    for f in range(fold.max() + 1):
        tr, te = fold != f, fold == f
        src = FR[tr] if fitted_on is None else fitted_on[f]
        for c in range(FR.shape[1]):
            out[te, c] = shift(src[:, c], YR[tr, c], FR[te, c], bins, shrink)
    return clip(full(out))[R]


def main():
    Kf = shipped_kernel()
    FR = ridge_blend(Kf, np.arange(len(R)))
    fold = FOLD[R]
    report(full(FR), 'shipped (ridge + rating-space blend)')
    report(full(crossfit(FR, fold, 10, 20)), 'median calibration, 10 bins, shrink 20 (shipped)')
    for bins in (6, 8, 12, 16):
        for shrink in (0, 20, 40):
            report(full(crossfit(FR, fold, bins, shrink)), f'  bins {bins} shrink {shrink}')
    rng = np.random.default_rng(1)
    for s in range(4):
        report(full(crossfit(FR, rng.permutation(len(R)) % FOLDS, 10, 20)), f'  random folds {s}')
    nested = {f: ridge_blend(Kf, np.where(fold != f)[0]) for f in range(FOLDS)}
    report(full(crossfit(FR, fold, 10, 20, nested)), 'nested: shifts from a ridge without the fold')


if __name__ == "__main__":
    main()
