from common import *

def topk(S, k, allowed):
    """for every doc (row), indices of k most similar among allowed (bool mask), never itself; ties by index."""
    S2 = np.where(allowed[None, :], S, -np.inf).copy()
    np.fill_diagonal(S2, -np.inf)
    # stable: sort by (-sim, index)
    order = np.argsort(-S2, axis=1, kind='stable')[:, :k]
    return order

def knn_estimate(S, k=15, power=2, zone_adjust=True, Yv=None, folds=FOLD, return_parts=False):
    Yv = Y if Yv is None else Yv
    rated = np.zeros(N, bool); rated[RATED] = True
    def base(nb_idx, docs):
        w = np.maximum(S[docs[:, None], nb_idx], 1e-3) ** power  # docs x k
        V = Yv[nb_idx]  # docs x k x C
        mean = np.einsum('dk,dkc->dc', w, V) / w.sum(1)[:, None]
        z = ZONE[nb_idx]; wz = w * (z > 0)
        zbar = (wz * z).sum(1) / np.where(wz.sum(1) > 0, wz.sum(1), 1)
        zbar[wz.sum(1) <= 0] = 0
        return mean, zbar
    nb_all = topk(S, k, rated)
    alld = np.arange(N)
    mean, zbar = base(nb_all, alld)
    E = mean.copy()
    if zone_adjust:
        slopes = {}
        for f in range(-1, FOLDS):
            allowed = rated & (folds != f) if f >= 0 else rated
            docs = np.where(allowed & (ZONE > 0))[0]
            nb = topk(S[docs][:, :], k, allowed) if False else None
            S2 = np.where(allowed[None, :], S[docs], -np.inf); S2[np.arange(len(docs)), docs] = -np.inf
            nb = np.argsort(-S2, axis=1, kind='stable')[:, :k]
            m, zb = base(nb, docs)
            ok = zb > 0
            x = (ZONE[docs] - zb)[ok]; r = (Yv[docs] - m)[ok]
            slopes[f] = (x[:, None] * r).sum(0) / (x * x).sum()
        adj = np.zeros_like(E)
        for d in range(N):
            if ZONE[d] > 0 and zbar[d] > 0:
                adj[d] = slopes[folds[d]] * (ZONE[d] - zbar[d])
        E = E + adj
    E = clip(E)
    if return_parts: return E, nb_all, mean
    return E

if __name__ == '__main__':
    import time
    t = time.time()
    S = cosine(tfidf(tf_matrix()))
    E = knn_estimate(S)
    r = report(E, 'reproduction kNN k=15 sim^2 + zone')
    print('time', time.time() - t)
    r = report(knn_estimate(S, zone_adjust=False), 'no zone adj')
