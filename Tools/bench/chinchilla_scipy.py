"""scipy peer of `losscast-bench chinchilla`: the same points (Epoch's, 5 highest losses
dropped), the same log-sum-exp form, Huber (delta 1e-3) on log residuals summed, L-BFGS-B
from the same 5,400-start grid; then bootstrap resamples of the points, each minimised
from the same 4 starts (the best grid result and the next three), on all cores."""
import itertools, json, multiprocessing, sys, time

import numpy as np
from scipy.optimize import minimize
from scipy.special import huber, logsumexp

path, resamples = sys.argv[1], int(sys.argv[2])
data = np.genfromtxt(path, delimiter=",", names=True, dtype=None, encoding="utf-8", comments=None)  # colours start with #
N, C, L = data["Model_Size"].astype(float), data["Training_FLOP"].astype(float), data["loss"].astype(float)
order = np.argsort(L)[:-5]
logN, logD, logL = np.log(N[order]), np.log(C[order] / (6 * N[order])), np.log(L[order])


def objective(p, idx):
    e, a, b, alpha, beta = p
    pred = logsumexp([a - alpha * logN[idx], b - beta * logD[idx], np.full(len(idx), e)], axis=0)
    return np.sum(huber(1e-3, pred - logL[idx]))


def fit(start, idx):
    result = minimize(objective, start, args=(idx,), method="L-BFGS-B")
    return result.fun, result.x


grid = list(itertools.product(np.arange(-1, 1.51, 0.5), np.arange(0, 26, 5), np.arange(0, 26, 5), np.arange(0, 2.01, 0.5), np.arange(0, 2.01, 0.5)))
everything = np.arange(len(logL))


def grid_worker(start):
    return fit(np.array(start), everything)


def bootstrap_worker(args):
    seed, starts = args
    idx = np.random.default_rng(seed).integers(0, len(logL), len(logL))
    return min((fit(s, idx) for s in starts), key=lambda r: r[0])[1]


def natural(p):
    return {"E": float(np.exp(p[0])), "A": float(np.exp(p[1])), "B": float(np.exp(p[2])), "alpha": float(p[3]), "beta": float(p[4])}


if __name__ == "__main__":
    with multiprocessing.Pool() as pool:
        t0 = time.perf_counter()
        results = pool.map(grid_worker, grid, chunksize=50)
        grid_seconds = time.perf_counter() - t0
        ranked = sorted(range(len(results)), key=lambda i: results[i][0])
        best = results[ranked[0]][1]
        starts = [results[i][1] for i in ranked[:4]]
        t0 = time.perf_counter()
        boots = pool.map(bootstrap_worker, [(seed, starts) for seed in range(resamples)], chunksize=10)
        boot_seconds = time.perf_counter() - t0
    samples = [natural(b) for b in boots]
    intervals = {k: [float(np.percentile([s[k] for s in samples], 2.5)), float(np.percentile([s[k] for s in samples], 97.5))] for k in samples[0]}
    print(json.dumps({"implementation": "scipy", "points": len(logL), "gridStarts": len(grid), "parameters": natural(best),
                      "intervals": intervals, "gridFitSeconds": grid_seconds, "bootstrapSeconds": boot_seconds, "resamples": resamples}, indent=2))
