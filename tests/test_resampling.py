"""The bounded-memory bootstrap of a mean: each of its three ways gives the same distribution."""

from __future__ import annotations

import numpy as np
import pytest

from liens.analysis import resampling
from liens.analysis.resampling import bootstrap_means


def _engagement_like(n: int, seed: int = 3) -> np.ndarray:
    # heavy-tailed counts, as engagement is: a few posts take most of it
    return np.random.default_rng(seed).zipf(2.2, size=n).clip(max=500).astype(float)


def test_small_samples_keep_the_index_matrix_draw():
    v = _engagement_like(500)
    got = bootstrap_means(v, 200, np.random.default_rng(7))
    rng = np.random.default_rng(7)
    expected = v[rng.integers(0, len(v), size=(200, len(v)))].mean(axis=1)
    np.testing.assert_array_equal(got, expected)


class _Recording:
    """A generator that notes which draws were asked of it."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng, self.calls = rng, []

    def __getattr__(self, name):
        self.calls.append(name)
        return getattr(self.rng, name)


@pytest.mark.parametrize("way", ["multinomial", "blocks"])
def test_large_sample_ways_match_the_plain_bootstrap(monkeypatch, way):
    v = _engagement_like(4_000)
    plain = bootstrap_means(v, 2_000, np.random.default_rng(1))  # 8M cells: index matrix
    # Force the large-sample way on the same data by lowering the bound.
    cells = 1_000_000 if way == "multinomial" else 1_000  # 8M cells; about 60 distinct values
    monkeypatch.setattr(resampling, "MAX_CELLS", cells)
    if way == "blocks":
        v = v + np.random.default_rng(2).normal(0, 1e-6, size=len(v))  # all values distinct
    rng = _Recording(np.random.default_rng(1))
    other = bootstrap_means(v, 2_000, rng)
    assert len(other) == 2_000
    assert ("multinomial" in rng.calls) == (way == "multinomial")
    # Same sampling distribution: the centre is the sample mean, the spread its standard error.
    se = v.std() / np.sqrt(len(v))
    assert abs(other.mean() - v.mean()) < 0.2 * se
    assert other.std() == pytest.approx(plain.std(), rel=0.1)
    assert other.std() == pytest.approx(se, rel=0.1)
    for q in (0.05, 0.95):
        assert np.quantile(other, q) == pytest.approx(np.quantile(plain, q), abs=0.25 * se)
