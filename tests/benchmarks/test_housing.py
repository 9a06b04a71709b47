"""Benchmark of the housing exchange's matching. Run with `make bench`.

Random county-like instances (26 municipalities; each applicant excludes 1–3 and prefers 0–3;
1–4 rooms needed; one in ten needs wheelchair access, one in five the ground floor or a lift):

* 200 applicants × 200 apartments: median of 7 runs ≤ 0.2 s;
* 2 000 × 2 000: median of 3 runs ≤ 5 s;
* against the greedy baseline (the most urgent first takes the best fitting apartment): placed
  and total fit, never better than the optimum;
* the optimum verified against an independent solver (HiGHS mixed-integer programming through
  scipy.optimize.milp) on 20 instances of 30 × 30.
"""

import random
import statistics
import time

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from fridsam.housing.matching import MAX_FIT, Need, Offer, feasible, fit, greedy, solve

pytestmark = pytest.mark.benchmark
MUNICIPALITIES = 26


def instance(n, m, seed):
    rng = random.Random(seed)
    needs = [
        Need(
            id=i,
            min_rooms=rng.randint(1, 4),
            excluded=frozenset(rng.sample(range(MUNICIPALITIES), rng.randint(1, 3))),
            preferred=frozenset(rng.sample(range(MUNICIPALITIES), rng.randint(0, 3))),
            needs_accessible=rng.random() < 0.1,
            needs_ground_or_lift=rng.random() < 0.2,
            months=rng.randint(0, 30),
        )
        for i in range(n)
    ]
    offers = [
        Offer(
            id=j,
            municipality_id=rng.randrange(MUNICIPALITIES),
            rooms=rng.randint(1, 5),
            accessible=rng.random() < 0.2,
            floor=rng.randint(0, 6),
            has_lift=rng.random() < 0.5,
        )
        for j in range(m)
    ]
    return needs, offers


def _median_seconds(fn, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


@pytest.mark.parametrize(("size", "runs", "limit"), [(200, 7, 0.2), (2000, 3, 5.0)])
def test_matching_time_and_greedy_baseline(size, runs, limit):
    needs, offers = instance(size, size, seed=size)
    seconds, result = _median_seconds(lambda: solve(needs, offers), runs)
    greedy_seconds, baseline = _median_seconds(lambda: greedy(needs, offers), 1)
    print(
        f"\nmatching {size} × {size}: median {seconds:.3f} s over {runs} runs; "
        f"optimal placed {result.placed}, total fit {result.total_score}; "
        f"greedy placed {baseline.placed}, total fit {baseline.total_score} ({greedy_seconds:.3f} s)"
    )
    assert seconds <= limit
    assert (result.placed, result.total_score) >= (baseline.placed, baseline.total_score)


def _milp_optimum(needs, offers):
    """The lexicographic optimum by an independent solver: binary x[i, j] over feasible pairs."""
    pairs = [(i, j) for i, n in enumerate(needs) for j, o in enumerate(offers) if feasible(n, o)]
    if not pairs:
        return 0, 0
    big = (min(len(needs), len(offers)) + 1) * (MAX_FIT + 1)
    weights = np.array([big + fit(needs[i], offers[j])[0] for i, j in pairs], dtype=float)
    rows = np.zeros((len(needs) + len(offers), len(pairs)))
    for k, (i, j) in enumerate(pairs):
        rows[i, k] = 1
        rows[len(needs) + j, k] = 1
    res = milp(
        -weights,
        constraints=LinearConstraint(rows, 0, 1),
        integrality=np.ones(len(pairs)),
        bounds=Bounds(0, 1),
    )
    assert res.success
    chosen = [pairs[k] for k, x in enumerate(res.x) if x > 0.5]
    return len(chosen), sum(fit(needs[i], offers[j])[0] for i, j in chosen)


def test_optimum_verified_by_an_independent_solver():
    for seed in range(20):
        needs, offers = instance(30, 30, seed=1000 + seed)
        result = solve(needs, offers)
        assert (result.placed, result.total_score) == _milp_optimum(needs, offers), seed
    print("\noptimum equal to HiGHS (scipy.optimize.milp) on 20 instances of 30 × 30")
