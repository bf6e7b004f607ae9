"""The compiled pieces of the tree growers against their numpy definitions."""

import numpy as np
import pytest
from scipy.special import logsumexp

from ml2learn.ensemble._losses import BinomialLogLoss, MultinomialLogLoss
from ml2learn.ensemble._tree import (
    BinMapper,
    _midpoints,
    grow_tree,
    make_histogram_splitter,
)


def numpy_bins(X, max_bins):
    """The definition: midpoints of distinct values, else midpoint quantiles."""
    thresholds, values = [], []
    percentiles = np.linspace(0, 100, max_bins + 1)[1:-1]
    for column in X.T:
        distinct = np.unique(column)
        if len(distinct) <= max_bins:
            thresholds.append(_midpoints(distinct))
            values.append(distinct)
        else:
            cuts = np.percentile(column, percentiles, method="midpoint")
            thresholds.append(np.unique(cuts))
            values.append(None)
    return thresholds, values


def varied_columns(rng, n, kind):
    X = rng.randn(n, 3) * 10 ** rng.uniform(-3, 3)
    if kind == "rounded":
        X = np.round(X, 1)
    elif kind == "integers":
        X = rng.randint(0, 300, (n, 3)).astype(float)
    elif kind == "heavy tailed":
        X = np.exp(rng.randn(n, 3) * 5)
    elif kind == "constant":
        X[:, 0] = 1.0
    return X


@pytest.mark.parametrize(
    "kind", ["normal", "rounded", "integers", "heavy tailed", "constant"]
)
@pytest.mark.parametrize("max_bins", [2, 3, 16, 255, 256])
def test_dense_bins_equal_numpy_quantiles(kind, max_bins):
    rng = np.random.RandomState(max_bins)
    for n in (1, 2, 37, 500, 2999):
        X = varied_columns(rng, n, kind)
        given = X.copy()
        mapper = BinMapper(max_bins, random_state=rng).fit(X)
        np.testing.assert_array_equal(X, given)  # sorted in a copy
        thresholds, values = numpy_bins(X, max_bins)
        for got, expected in zip(mapper.thresholds_, thresholds):
            np.testing.assert_array_equal(got, expected)
        for got, expected in zip(mapper.values_, values):
            assert (got is None) == (expected is None)
            if got is not None:
                np.testing.assert_array_equal(got, expected)
        codes = [
            np.searchsorted(t, col, side="left") for t, col in zip(thresholds, X.T)
        ]
        np.testing.assert_array_equal(mapper.transform(X), np.array(codes))


@pytest.mark.parametrize("kind", ["normal", "integers"])
def test_bins_of_a_subsample_are_those_of_its_rows(kind):
    rng = np.random.RandomState(0)
    X = varied_columns(rng, 3000, kind)
    mapper = BinMapper(64, subsample=500, random_state=np.random.RandomState(1))
    mapper.fit(X)
    rows = np.random.RandomState(1).choice(3000, 500, replace=False)
    thresholds, _ = numpy_bins(X[rows], 64)
    for got, expected in zip(mapper.thresholds_, thresholds):
        np.testing.assert_array_equal(got, expected)


def test_leaf_rows_partition_the_rows_and_sum_per_leaf():
    rng = np.random.RandomState(0)
    X = rng.randn(400, 4)
    g, h = rng.randn(400), rng.rand(400) + 0.5
    mapper = BinMapper(32, random_state=rng).fit(X)
    rows = np.sort(rng.choice(400, 300, replace=False)).astype(np.int32)
    splitter = make_histogram_splitter(mapper.transform(X), mapper, rows, g, h, 5)
    tree, leaf_rows = grow_tree(splitter, n_features=4, max_depth=4)
    assert len(leaf_rows) == tree.n_leaves
    np.testing.assert_array_equal(leaf_rows.nodes, np.flatnonzero(tree.left < 0))
    every = np.concatenate([r for _, r in leaf_rows])
    np.testing.assert_array_equal(np.sort(every), np.sort(rows))
    for (node, leaf), G, H in zip(leaf_rows, leaf_rows.sums(g), leaf_rows.sums(h)):
        np.testing.assert_allclose([G, H], [g[leaf].sum(), h[leaf].sum()])
        np.testing.assert_allclose(tree.value[node], G / H)
        np.testing.assert_array_equal(tree.apply(X[leaf]), node)
    column = np.zeros(400)
    leaf_rows.add(column, np.arange(len(leaf_rows)) + 1.0)
    assert np.all(column[np.setdiff1d(np.arange(400), rows)] == 0)
    for j, (_, leaf) in enumerate(leaf_rows):
        assert np.all(column[leaf] == j + 1)


@pytest.mark.parametrize("n_rows", [1, 6, 501, 12_345])
@pytest.mark.parametrize("unit_hessian", [True, False])
def test_histograms_are_bincounts_of_the_nodes_rows(n_rows, unit_hessian):
    from ml2learn.ensemble._tree import _NO_PARENT, _build_histogram

    rng = np.random.RandomState(n_rows)
    n = 2 * n_rows + 1
    binned = rng.randint(0, 20, (3, n)).astype(np.uint8)
    offsets = np.array([0, 20, 40, 60])
    g = rng.randn(n)
    h = np.ones(n) if unit_hessian else rng.rand(n)

    def bincounts(rows):
        return np.vstack(
            [
                np.column_stack(
                    [
                        np.bincount(binned[f, rows], g[rows], 20),
                        np.bincount(binned[f, rows], h[rows], 20),
                        np.bincount(binned[f, rows], None, 20),
                    ]
                )
                for f in range(3)
            ]
        )

    every = np.arange(n, dtype=np.int32)
    root = _build_histogram(
        binned, offsets, every, 0, n, g, h, unit_hessian, _NO_PARENT
    )
    np.testing.assert_allclose(root, bincounts(every), atol=1e-12)
    # a child's histogram, and its sibling's written over the parent's
    node = np.sort(rng.choice(n, n_rows, replace=False)).astype(np.int32)
    parent = root.copy()
    child = _build_histogram(
        binned, offsets, node, 0, n_rows, g, h, unit_hessian, parent
    )
    np.testing.assert_allclose(child, bincounts(node), atol=1e-12)
    np.testing.assert_allclose(parent, bincounts(np.setdiff1d(every, node)), atol=1e-12)


def test_segment_pieces_cover_each_segment_in_order():
    from ml2learn.ensemble._tree import (
        _add_to_segments,
        _segment_sums,
        segment_chunks,
    )

    rng = np.random.RandomState(0)
    bounds = np.array([0, 3, 3, 40, 41, 100])
    starts, ends = bounds[:-1], bounds[1:]
    segment, piece_starts, piece_ends = segment_chunks(starts, ends, size=7)
    assert np.all(piece_ends - piece_starts <= 7)
    for j, (s, e) in enumerate(zip(starts, ends)):
        mine = segment == j
        covered = np.concatenate(
            [np.arange(a, b) for a, b in zip(piece_starts[mine], piece_ends[mine])]
        )
        np.testing.assert_array_equal(covered, np.arange(s, e))
    order = rng.permutation(100)
    values = rng.randn(100)
    np.testing.assert_allclose(
        _segment_sums(values, order, segment, piece_starts, piece_ends, 5),
        [values[order[s:e]].sum() for s, e in zip(starts, ends)],
    )
    column = np.zeros(100)
    _add_to_segments(column, order, segment, piece_starts, piece_ends, np.arange(5.0))
    np.testing.assert_array_equal(
        column[order], np.repeat(np.arange(5.0), ends - starts)
    )


def test_a_tree_whose_leaves_the_caller_sets_has_zero_leaf_values():
    rng = np.random.RandomState(0)
    X = rng.randn(300, 3)
    mapper = BinMapper(16, random_state=rng).fit(X)
    rows = np.arange(300, dtype=np.int32)
    splitter = make_histogram_splitter(
        mapper.transform(X), mapper, rows, rng.randn(300), np.ones(300), 5
    )
    tree, _ = grow_tree(splitter, n_features=3, max_depth=2, leaf_values=False)
    assert tree.n_leaves == 4
    assert np.all(tree.value == 0)


def test_deviances_equal_their_formulas_at_extreme_scores():
    rng = np.random.RandomState(0)
    w = rng.rand(3000)
    raw = rng.randn(3000, 1) * 300
    y = rng.randint(0, 2, 3000).astype(float)
    expected = np.average(np.logaddexp(0, raw[:, 0]) - y * raw[:, 0], weights=w)
    np.testing.assert_allclose(BinomialLogLoss()(y, raw, w), expected, rtol=1e-12)
    raw = rng.randn(3000, 4) * 300
    y = rng.randint(0, 4, 3000)
    expected = np.average(logsumexp(raw, axis=1) - raw[np.arange(3000), y], weights=w)
    np.testing.assert_allclose(MultinomialLogLoss(4)(y, raw, w), expected, rtol=1e-12)


def test_deviance_pass_leaves_the_next_rounds_probabilities():
    from ml2learn.ensemble._losses import _sigmoid

    rng = np.random.RandomState(1)
    raw = rng.randn(500, 1) * 50
    y = rng.randint(0, 2, 500).astype(float)
    w = np.ones(500)
    loss = BinomialLogLoss()
    loss(y, raw, w)
    # the first loss after a round is kept; a second one (validation) is not
    loss(y, rng.randn(500, 1), w)
    np.testing.assert_array_equal(
        loss.negative_gradient(y, raw, w), y - _sigmoid(raw[:, 0])
    )
    loss.end_round()
    other = rng.randn(500, 1)
    np.testing.assert_array_equal(
        loss.negative_gradient(y, other, w), y - _sigmoid(other[:, 0])
    )


@pytest.mark.parametrize("n", [1_000, 65_536, 100_003])
def test_parallel_partition_is_the_stable_partition(n):
    from ml2learn.ensemble._tree import _partition_rows

    rng = np.random.RandomState(n)
    codes = rng.randint(0, 255, n + 10).astype(np.uint8)
    rows = rng.permutation(n + 10).astype(np.int32)
    expected = rows.copy()
    goes_left = codes[rows[5 : n + 5]] <= 100
    middle = rows[5 : n + 5]
    expected[5 : n + 5] = np.concatenate([middle[goes_left], middle[~goes_left]])
    scratch = np.empty((2, len(rows)), dtype=np.int32)
    n_left = _partition_rows(rows, 5, n + 5, codes, 100, scratch)
    assert n_left == goes_left.sum()
    np.testing.assert_array_equal(rows, expected)


def test_a_fit_that_drops_no_row_does_not_copy_X():
    # X[sample_weight > 0] copies X even when every weight is positive: the
    # copy was 122 MiB of the 222 MiB a 1M-row hist fit added
    import tracemalloc

    from ml2learn.ensemble import GradientBoostingClassifier

    rng = np.random.RandomState(0)
    X = rng.randn(100_000, 20)
    y = (X[:, 0] > 0).astype(int)

    def peak(sample_weight):
        model = GradientBoostingClassifier(
            n_estimators=1, max_depth=1, tree_method="hist", random_state=0
        )
        tracemalloc.start()
        try:
            model.fit(X, y, sample_weight=sample_weight)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    one_zero = np.r_[0.0, np.ones(len(X) - 1)]
    peak(None)  # the first fit also allocates what later fits reuse
    assert peak(None) < peak(one_zero) - 0.8 * X.nbytes
