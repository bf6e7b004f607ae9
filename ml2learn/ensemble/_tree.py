"""Regression trees grown on gradients, for gradient boosting.

A tree is grown on per-row pairs ``(g_i, h_i)``: ``g`` is the (weighted)
negative gradient to fit, ``h`` the weight of each row in the squared-error
criterion. A split of a node into L and R gains

    G_L^2 / H_L + G_R^2 / H_R - G^2 / H,

the decrease of the weighted squared error of fitting ``g / h`` by a
constant per side, and a leaf's value is ``G / H`` (the weighted mean
residual). Two split finders share one growth loop (:func:`grow_tree`):

* ``_ExactSplitter`` keeps, for every feature, the rows of each node sorted
  by that feature (one global sort, then stable partitions), and scores every
  threshold halfway between consecutive distinct values;
* ``_HistogramSplitter`` bins every feature into at most 255 quantile bins
  once, builds ``(G, H, count)`` histograms per node and gets the larger
  child's histogram by subtracting the smaller child's from its parent's.

The heavy loops are numba kernels, parallel over features.
"""

import heapq
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from numba import njit, prange

__all__ = ["BinMapper", "LeafRows", "SparseBins", "Tree", "as_csr", "grow_tree"]

_MIN_HESSIAN = 1e-12
_GAIN_TOLERANCE = 1e-12
_EPSILON = np.finfo(np.float64).eps


# --------------------------------------------------------------------------
# numba kernels


@njit(cache=True, nogil=True)
def _midpoint(low, high):
    threshold = low / 2.0 + high / 2.0
    if threshold >= high or not np.isfinite(threshold):
        threshold = low
    return threshold


@njit(parallel=True, cache=True, nogil=True)
def _exact_splits(
    sorted_rows, start, end, Xt, g, h, features, min_samples_leaf, unit_hessian
):
    """Best split of one node on each candidate feature (exact thresholds).

    Returns arrays over ``features``: gain, threshold and number of rows that
    go left (``-1`` when the feature has no valid split). With
    ``unit_hessian`` (every ``h`` is 1) ``H`` is the count of rows.
    """
    n_node = end - start
    G = 0.0
    H = 0.0
    scale = 0.0
    for p in range(start, end):
        i = sorted_rows[0, p]
        G += g[i]
        H += h[i]
        if h[i] > 0.0:
            scale += g[i] * g[i] / h[i]
    parent = G * G / H if H > _MIN_HESSIAN else 0.0
    tolerance = _GAIN_TOLERANCE * scale + 1e-300
    n_candidates = features.shape[0]
    gains = np.full(n_candidates, -np.inf)
    thresholds = np.zeros(n_candidates)
    n_left = np.full(n_candidates, -1, dtype=np.int64)
    for j in prange(n_candidates):
        f = features[j]
        row = sorted_rows[f]
        values = Xt[f]
        G_left = 0.0
        H_left = 0.0
        best = -np.inf
        previous = values[row[start]]
        for p in range(start, end):
            i = row[p]
            x = values[i]
            count = p - start
            if (
                x > previous
                and count >= min_samples_leaf
                and n_node - count >= min_samples_leaf
            ):
                H_right = H - H_left
                if H_left > _MIN_HESSIAN and H_right > _MIN_HESSIAN:
                    G_right = G - G_left
                    gain = (
                        G_left * G_left / H_left + G_right * G_right / H_right - parent
                    )
                    if gain > best + tolerance:
                        best = gain
                        thresholds[j] = _midpoint(previous, x)
                        n_left[j] = count
            if n_node - count <= min_samples_leaf:
                break
            G_left += g[i]
            H_left += 1.0 if unit_hessian else h[i]
            previous = x
        gains[j] = best
    return gains, thresholds, n_left, tolerance


@njit(parallel=True, cache=True, nogil=True)
def _partition_sorted(
    sorted_rows, start, end, split_feature, n_left, goes_left, buf, n_features
):
    """Stably split the segments of the first ``n_features`` features into
    their left and right rows."""
    split_row = sorted_rows[split_feature]
    for p in range(start, end):
        goes_left[split_row[p]] = p < start + n_left
    for f in prange(n_features):
        row = sorted_rows[f]
        scratch = buf[f]
        left = start
        right = 0
        for p in range(start, end):
            i = row[p]
            go_left = goes_left[i]
            # both writes, one advance: no branch to mispredict (see
            # _partition_rows); row[left] is overwritten later if i went right
            row[left] = i
            scratch[right] = i
            left += go_left
            right += 1 - go_left
        for q in range(right):
            row[left + q] = scratch[q]


@njit(cache=True, nogil=True)
def _add_to_histogram(out, codes, rows, direct, g, h, unit_hessian):
    """Add ``(g[p], h[p], 1)`` to bin ``codes[rows[p]]`` of ``out`` for every
    ``p`` (``codes[p]`` when ``direct``); with ``unit_hessian`` ``H`` is the
    count.

    Even and odd rows go to two partial histograms, so that an addition
    does not wait for the one before it to be stored (20 % faster).
    """
    n = g.shape[0]
    n_sums = 2 if unit_hessian else 3
    even = np.zeros((out.shape[0], n_sums))
    odd = np.zeros((out.shape[0], n_sums))
    last = n_sums - 1
    for q in range(n // 2):  # (a range with a step compiles to a slower loop)
        p = 2 * q
        a = codes[p] if direct else codes[rows[p]]
        b = codes[p + 1] if direct else codes[rows[p + 1]]
        even[a, 0] += g[p]
        even[a, last] += 1.0
        odd[b, 0] += g[p + 1]
        odd[b, last] += 1.0
        if not unit_hessian:
            even[a, 1] += h[p]
            odd[b, 1] += h[p + 1]
    if n % 2:
        a = codes[n - 1] if direct else codes[rows[n - 1]]
        even[a, 0] += g[n - 1]
        even[a, last] += 1.0
        if not unit_hessian:
            even[a, 1] += h[n - 1]
    for b in range(out.shape[0]):
        out[b, 0] = even[b, 0] + odd[b, 0]
        out[b, 2] = even[b, last] + odd[b, last]
        out[b, 1] = out[b, 2] if unit_hessian else even[b, 1] + odd[b, 1]


@njit(cache=True, nogil=True)
def _add_to_histogram_of_case(out, codes, rows, direct, g, h, unit_hessian):
    """:func:`_add_to_histogram` with ``direct`` and ``unit_hessian`` as
    constants in each branch, so that each case compiles to a loop without
    their tests (a fifth of a child histogram's time)."""
    if direct:
        if unit_hessian:
            _add_to_histogram(out, codes, rows, True, g, h, True)
        else:
            _add_to_histogram(out, codes, rows, True, g, h, False)
    elif unit_hessian:
        _add_to_histogram(out, codes, rows, False, g, h, True)
    else:
        _add_to_histogram(out, codes, rows, False, g, h, False)


# the parent of a node that has none (the root)
_NO_PARENT = np.empty((0, 3))


@njit(parallel=True, cache=True, nogil=True)
def _build_histogram(binned, offsets, rows, start, end, g, h, unit_hessian, parent):
    """``(G, H, count)`` per bin of every feature over ``rows[start:end]``.

    Feature ``f`` owns rows ``offsets[f]:offsets[f + 1]`` of the histogram.
    The node's gradients (and hessians, unless they are all 1) are gathered
    once into contiguous arrays. A node of every row (the root without
    subsampling, whose ``rows`` are still in order) reads the codes and
    gradients directly. A non-empty ``parent`` (the histogram of the node's
    parent) has the result subtracted from it in place, feature by feature
    while it is in cache: it becomes the sibling's histogram.
    """
    n_features = binned.shape[0]
    n = end - start
    hist = np.zeros((offsets[n_features], 3))
    direct = n == binned.shape[1]
    node_rows = rows[start:end]
    node_g = g if direct else np.empty(n)
    node_h = h if direct or not unit_hessian else np.empty(0)
    if not direct:
        if not unit_hessian:
            node_h = np.empty(n)
        for p in prange(n):  # in parallel: a quarter of a child's time
            node_g[p] = g[node_rows[p]]
            if not unit_hessian:
                node_h[p] = h[node_rows[p]]
    for f in prange(n_features):
        out = hist[offsets[f] : offsets[f + 1]]
        _add_to_histogram_of_case(
            out, binned[f], node_rows, direct, node_g, node_h, unit_hessian
        )
        if parent.shape[0] > 0:
            sibling = parent[offsets[f] : offsets[f + 1]]
            for b in range(out.shape[0]):
                for k in range(3):
                    sibling[b, k] -= out[b, k]
    return hist


@njit(parallel=True, cache=True, nogil=True)
def _build_sparse_histogram(
    indptr, indices, codes, offsets, zero_codes, rows, start, end, g, h
):
    """The histogram of :func:`_build_histogram` from CSR bin codes.

    Only the stored entries of the node's rows are visited; each feature's
    zero bin then receives what the node's totals leave over (the rows
    where the feature is not stored).
    """
    n_features = zero_codes.shape[0]
    hist = np.zeros((offsets[n_features], 3))
    G = 0.0
    H = 0.0
    for p in range(start, end):
        i = rows[p]
        G += g[i]
        H += h[i]
        for q in range(indptr[i], indptr[i + 1]):
            b = offsets[indices[q]] + codes[q]
            hist[b, 0] += g[i]
            hist[b, 1] += h[i]
            hist[b, 2] += 1.0
    count = float(end - start)
    for f in prange(n_features):
        stored_g = 0.0
        stored_h = 0.0
        stored_count = 0.0
        for b in range(offsets[f], offsets[f + 1]):
            stored_g += hist[b, 0]
            stored_h += hist[b, 1]
            stored_count += hist[b, 2]
        if stored_count < count:
            z = offsets[f] + zero_codes[f]
            hist[z, 0] += G - stored_g
            hist[z, 1] += H - stored_h
            hist[z, 2] += count - stored_count
    return hist


@njit(parallel=True, cache=True, nogil=True)
def _histogram_splits(hist, offsets, features, min_samples_leaf):
    """Best split of one node, from its histogram.

    Every candidate feature's best bin is found in parallel; of those, the
    first (lowest in ``features``) whose gain is within the tolerance of the
    largest wins (:func:`_first_best`). Returns its position ``j`` in
    ``features``, its gain, the last bin ``b`` that goes left (``-1`` when
    no feature has a valid split), and the last non-empty bin at or below
    ``b`` (so that the node's own values around the cut are known).
    """
    root = hist[offsets[0] : offsets[1]]
    G = root[:, 0].sum()
    H = root[:, 1].sum()
    count = root[:, 2].sum()
    parent = G * G / H if H > _MIN_HESSIAN else 0.0
    scale = 0.0
    for b in range(root.shape[0]):
        if root[b, 1] > 0.0:
            scale += root[b, 0] * root[b, 0] / root[b, 1]
    tolerance = _GAIN_TOLERANCE * scale + 1e-300
    n_candidates = features.shape[0]
    gains = np.full(n_candidates, -np.inf)
    bins = np.full(n_candidates, -1, dtype=np.int64)
    low_bins = np.full(n_candidates, -1, dtype=np.int64)
    for j in prange(n_candidates):
        f = features[j]
        out = hist[offsets[f] : offsets[f + 1]]
        n_bins = out.shape[0]
        G_left = 0.0
        H_left = 0.0
        c_left = 0.0
        best = -np.inf
        last_filled = -1
        for b in range(n_bins - 1):
            G_left += out[b, 0]
            H_left += out[b, 1]
            c_left += out[b, 2]
            if out[b, 2] > 0.0:
                last_filled = b
            if out[b + 1, 2] == 0.0 and b + 2 < n_bins:
                # an empty next bin gives the same partition as a later one
                continue
            if c_left < min_samples_leaf:
                continue
            if count - c_left < min_samples_leaf:
                break
            H_right = H - H_left
            if H_left <= _MIN_HESSIAN or H_right <= _MIN_HESSIAN:
                continue
            G_right = G - G_left
            gain = G_left * G_left / H_left + G_right * G_right / H_right - parent
            if gain > best + tolerance:
                best = gain
                bins[j] = b
                low_bins[j] = last_filled
        gains[j] = best
    threshold = gains.max() - tolerance
    first = 0
    for j in range(n_candidates):
        if gains[j] >= threshold:
            first = j
            break
    return first, gains[first], bins[first], low_bins[first]


_PARALLEL_PARTITION_ROWS = 65_536


@njit(cache=True, nogil=True, inline="always")
def _deal_rows(rows, start, end, codes, split_bin, lefts, left, rights, right):
    """Write each row of ``rows[start:end]`` with code <= ``split_bin`` to
    ``lefts`` from ``left`` on and every other to ``rights`` from ``right``
    on, in order; returns where each side ends.

    Each row is written to both sides and only its own side's end advances:
    no branch, which a split near the median mispredicts every other row
    (2.8x faster). The other side's copy is overwritten later.
    """
    for p in range(start, end):
        i = rows[p]
        go_left = codes[i] <= split_bin
        lefts[left] = i
        rights[right] = i
        left += go_left
        right += 1 - go_left
    return left, right


@njit(parallel=True, cache=True, nogil=True)
def _partition_rows_in_blocks(rows, start, end, codes, split_bin, scratch):
    """:func:`_partition_rows` in parallel, in one reading of the rows:
    each block of rows writes its left rows to ``scratch[0]`` and its right
    rows to ``scratch[1]``, both from the block's own start; then each block
    copies them back after the left (right) rows of the blocks before it, so
    that the order within each side is kept (scikit-learn's
    ``Splitter.split_indices`` does the same)."""
    n = end - start
    n_blocks = 16
    size = (n + n_blocks - 1) // n_blocks
    lefts, rights = scratch[0], scratch[1]
    n_lefts = np.zeros(n_blocks, dtype=np.int64)
    n_rights = np.zeros(n_blocks, dtype=np.int64)
    for b in prange(n_blocks):
        first = start + b * size
        stop = min(end, first + size)
        left, right = _deal_rows(
            rows, first, stop, codes, split_bin, lefts, first, rights, first
        )
        n_lefts[b] = left - first
        n_rights[b] = right - first
    n_left = n_lefts.sum()
    left_to = np.empty(n_blocks, dtype=np.int64)
    right_to = np.empty(n_blocks, dtype=np.int64)
    left_to[0] = start
    right_to[0] = start + n_left
    for b in range(1, n_blocks):
        left_to[b] = left_to[b - 1] + n_lefts[b - 1]
        right_to[b] = right_to[b - 1] + n_rights[b - 1]
    for b in prange(n_blocks):
        first = start + b * size
        for q in range(n_lefts[b]):
            rows[left_to[b] + q] = lefts[first + q]
        for q in range(n_rights[b]):
            rows[right_to[b] + q] = rights[first + q]
    return n_left


@njit(cache=True, nogil=True)
def _partition_rows(rows, start, end, codes, split_bin, scratch):
    """Stably move the rows of ``rows[start:end]`` with code <= bin first.

    ``scratch`` has shape ``(2, len(rows))``.
    """
    if end - start >= _PARALLEL_PARTITION_ROWS:
        return _partition_rows_in_blocks(rows, start, end, codes, split_bin, scratch)
    rights = scratch[1]
    # the left rows go back into ``rows`` itself: a row is written at or
    # before the position it was read from
    left, right = _deal_rows(rows, start, end, codes, split_bin, rows, start, rights, 0)
    for q in range(right):
        rows[left + q] = rights[q]
    return left - start


@njit(cache=True, nogil=True)
def _partition_sparse_rows(
    rows,
    start,
    end,
    col_indptr,
    col_rows,
    col_codes,
    feature,
    zero_code,
    split_bin,
    row_codes,
    scratch,
):
    """:func:`_partition_rows` for one feature stored as CSC bin codes.

    ``row_codes`` is scratch of one entry per training row: the node's rows
    get the feature's zero code, then the stored entries of the column
    overwrite theirs.
    """
    for p in range(start, end):
        row_codes[rows[p]] = zero_code
    for q in range(col_indptr[feature], col_indptr[feature + 1]):
        row_codes[col_rows[q]] = col_codes[q]
    return _partition_rows(rows, start, end, row_codes, split_bin, scratch)


@njit(cache=True, nogil=True)
def _csr_value(indptr, indices, data, row, feature):
    """``X[row, feature]`` of a CSR matrix with sorted indices."""
    low = indptr[row]
    high = indptr[row + 1]
    while low < high:
        middle = (low + high) // 2
        if indices[middle] < feature:
            low = middle + 1
        else:
            high = middle
    if low < indptr[row + 1] and indices[low] == feature:
        return data[low]
    return 0.0


@njit(parallel=True, cache=True, nogil=True)
def _predict_trees_csr(
    indptr, indices, data, features, thresholds, lefts, rights, values, out
):
    """:func:`_predict_trees` for a CSR matrix with sorted indices."""
    n_samples = indptr.shape[0] - 1
    n_trees = features.shape[0]
    for s in prange(n_samples):
        for t in range(n_trees):
            node = 0
            while lefts[t, node] >= 0:
                x = _csr_value(indptr, indices, data, s, features[t, node])
                if x <= thresholds[t, node]:
                    node = lefts[t, node]
                else:
                    node = rights[t, node]
            out[s] += values[t, node]


@njit(parallel=True, cache=True, nogil=True)
def _apply_tree_csr(indptr, indices, data, features, thresholds, lefts, rights):
    n_samples = indptr.shape[0] - 1
    leaves = np.empty(n_samples, dtype=np.int64)
    for s in prange(n_samples):
        node = 0
        while lefts[node] >= 0:
            x = _csr_value(indptr, indices, data, s, features[node])
            if x <= thresholds[node]:
                node = lefts[node]
            else:
                node = rights[node]
        leaves[s] = node
    return leaves


@njit(cache=True, nogil=True)
def _bin_stored_values(indices, data, edges, edge_offsets):
    """Bin code of every stored entry of a sparse matrix (any layout)."""
    codes = np.empty(data.shape[0], dtype=np.int32)
    for q in range(data.shape[0]):
        f = indices[q]
        feature_edges = edges[edge_offsets[f] : edge_offsets[f + 1]]
        codes[q] = np.searchsorted(feature_edges, data[q])
    return codes


_SEGMENT_CHUNK_ROWS = 32_768


def segment_chunks(starts, ends, size=_SEGMENT_CHUNK_ROWS):
    """Cut every segment ``(s, e)`` into pieces of at most ``size`` rows, so
    that a pass over the segments divides evenly among threads however
    unequal they are.

    Returns ``(segment, start, end)`` arrays, one entry per piece, pieces of a
    segment consecutive and in order.
    """
    counts = np.maximum(1, -(-(ends - starts) // size))
    segment = np.repeat(np.arange(len(starts)), counts)
    first_piece = np.repeat(np.cumsum(counts) - counts, counts)
    start = starts[segment] + size * (np.arange(counts.sum()) - first_piece)
    return segment, start, np.minimum(start + size, ends[segment])


@njit(parallel=True, cache=True, nogil=True)
def _segment_sums(values, order, segment, starts, ends, n_segments):
    """``sum(values[order[s:e]])`` for every segment, from its pieces
    ``(segment, s, e)`` (see :func:`segment_chunks`), summed in order."""
    pieces = np.zeros(starts.shape[0])
    for j in prange(starts.shape[0]):
        for p in range(starts[j], ends[j]):
            pieces[j] += values[order[p]]
    sums = np.zeros(n_segments)
    for j in range(starts.shape[0]):
        sums[segment[j]] += pieces[j]
    return sums


@njit(parallel=True, cache=True, nogil=True)
def _add_to_segments(column, order, segment, starts, ends, amounts):
    """``column[order[s:e]] += amounts[segment]`` for every (disjoint) piece."""
    for j in prange(starts.shape[0]):
        amount = amounts[segment[j]]
        for p in range(starts[j], ends[j]):
            column[order[p]] += amount


@njit(cache=True, nogil=True)
def _midpoint_percentiles(sorted_values, percentiles):
    """``np.percentile(values, percentiles, method="midpoint")`` of sorted
    values, with numpy's own index and interpolation arithmetic."""
    n = sorted_values.shape[0]
    out = np.empty(percentiles.shape[0])
    for j in range(percentiles.shape[0]):
        position = (n - 1) * (percentiles[j] / 100.0)
        index = 0.5 * (np.floor(position) + np.ceil(position))
        gamma = 0.0 if index % 1 == 0 else 0.5
        lo = max(int(np.floor(index)), 0)
        hi = lo + 1
        if index >= n - 1:
            lo = hi = n - 1
        a, b = sorted_values[lo], sorted_values[hi]
        step = b - a
        out[j] = b - step * (1.0 - gamma) if gamma >= 0.5 else a + step * gamma
    return out


# rows gathered at a time for the bin edges (2.5 MiB of 20 float64 features)
_GATHER_ROWS = 16_384


@njit(parallel=True, cache=True, nogil=True)
def _fit_dense_bins(sorted_columns, max_bins, percentiles):
    """Every feature's bin edges (see :class:`BinMapper`), parallel over
    features, from its sorted values (numpy sorts them: 6x numba's sort):
    their distinct values, midpoints or quantiles.

    Returns per feature the edges and distinct values, padded to
    ``max_bins``, their counts, and whether each bin holds one value.
    """
    n_features = sorted_columns.shape[0]
    edges = np.zeros((n_features, max_bins))
    n_edges = np.zeros(n_features, dtype=np.int64)
    values = np.zeros((n_features, max_bins))
    one_value_bins = np.zeros(n_features, dtype=np.bool_)
    for f in prange(n_features):
        column = sorted_columns[f]
        n_distinct = 1
        for i in range(1, column.shape[0]):
            if column[i] != column[i - 1]:
                n_distinct += 1
        if n_distinct <= max_bins:
            one_value_bins[f] = True
            k = 0
            values[f, 0] = column[0]
            for i in range(1, column.shape[0]):
                if column[i] != column[i - 1]:
                    k += 1
                    values[f, k] = column[i]
                    edges[f, k - 1] = _midpoint(values[f, k - 1], values[f, k])
            n_edges[f] = n_distinct - 1
        else:
            cuts = _midpoint_percentiles(column, percentiles)
            k = 0
            edges[f, 0] = cuts[0]
            for j in range(1, cuts.shape[0]):
                if cuts[j] != edges[f, k]:
                    k += 1
                    edges[f, k] = cuts[j]
            n_edges[f] = k + 1
    return edges, n_edges, values, one_value_bins


@njit(parallel=True, cache=True, nogil=True)
def _bin_dense(X, edges):
    """Bin codes of shape ``(n_features, n_samples)``: the number of a
    feature's edges strictly below each value.

    ``edges`` has 256 columns, each feature's edges padded with ``+inf``, so
    that the search is eight fixed halving steps (no data-dependent loop
    bound), row by row (X is read in its own order). Each step adds its
    comparison's outcome, without a branch: a branch on it is mispredicted
    half the time (4x slower on 800k x 20).
    """
    n_samples, n_features = X.shape
    binned = np.empty((n_features, n_samples), dtype=np.uint8)
    for i in prange(n_samples):
        for f in range(n_features):
            x = X[i, f]
            cuts = edges[f]
            below = 0
            step = 128
            while step > 0:
                below += step * np.int64(cuts[below + step - 1] < x)
                step >>= 1
            binned[f, i] = below
    return binned


@njit(parallel=True, cache=True, nogil=True)
def _predict_trees(X, features, thresholds, lefts, rights, values, out):
    """Add the values of the leaves reached in each tree to ``out``.

    Trees are stacked along the first axis (padded with leaves), one output
    column per tree column of ``out``.
    """
    n_samples = X.shape[0]
    n_trees = features.shape[0]
    for s in prange(n_samples):
        for t in range(n_trees):
            node = 0
            while lefts[t, node] >= 0:
                if X[s, features[t, node]] <= thresholds[t, node]:
                    node = lefts[t, node]
                else:
                    node = rights[t, node]
            out[s] += values[t, node]


@njit(parallel=True, cache=True, nogil=True)
def _apply_tree(X, features, thresholds, lefts, rights):
    n_samples = X.shape[0]
    leaves = np.empty(n_samples, dtype=np.int64)
    for s in prange(n_samples):
        node = 0
        while lefts[node] >= 0:
            if X[s, features[node]] <= thresholds[node]:
                node = lefts[node]
            else:
                node = rights[node]
        leaves[s] = node
    return leaves


# --------------------------------------------------------------------------
# the fitted tree


class Tree:
    """A fitted binary regression tree in flat arrays.

    Node ``k`` is a leaf when ``left[k] == -1``; otherwise rows with
    ``X[:, feature[k]] <= threshold[k]`` go to ``left[k]``, the others to
    ``right[k]``.

    Attributes
    ----------
    feature, threshold, left, right, value, gain, n_node_samples : ndarray
        One entry per node. ``gain`` is the split's decrease of the weighted
        squared error (0 at leaves); ``value`` is the leaf output.
    """

    def __init__(self, feature, threshold, left, right, value, gain, n_node_samples):
        self.feature = feature
        self.threshold = threshold
        self.left = left
        self.right = right
        self.value = value
        self.gain = gain
        self.n_node_samples = n_node_samples

    @property
    def node_count(self):
        """Number of nodes."""
        return len(self.feature)

    @property
    def n_leaves(self):
        """Number of leaves."""
        return int(np.sum(self.left < 0))

    @property
    def max_depth(self):
        """Length of the longest root-to-leaf path."""
        depth = np.zeros(self.node_count, dtype=np.int64)
        for k in range(self.node_count):
            if self.left[k] >= 0:
                depth[self.left[k]] = depth[self.right[k]] = depth[k] + 1
        return int(depth.max())

    def apply(self, X):
        """Index of the leaf each row of ``X`` reaches.

        ``X`` is float64 in C order, or a CSR matrix with sorted indices
        (see :func:`as_csr`).
        """
        nodes = (self.feature, self.threshold, self.left, self.right)
        if sp.issparse(X):
            return _apply_tree_csr(X.indptr, X.indices, X.data, *nodes)
        return _apply_tree(X, *nodes)

    def predict(self, X):
        """Leaf value of each row of ``X``."""
        return self.value[self.apply(X)]

    def feature_importances(self, n_features):
        """Gains summed per feature, normalised to sum to 1 (0 for a leaf)."""
        importances = np.bincount(
            self.feature[self.left >= 0],
            weights=self.gain[self.left >= 0],
            minlength=n_features,
        )
        total = importances.sum()
        return importances / total if total > 0 else importances


def stack_trees(trees):
    """Pad trees to equal size for :func:`predict_stacked`."""
    size = max(t.node_count for t in trees)

    def pad(attr, fill, dtype):
        out = np.full((len(trees), size), fill, dtype=dtype)
        for k, tree in enumerate(trees):
            out[k, : tree.node_count] = getattr(tree, attr)
        return out

    return (
        pad("feature", 0, np.int64),
        pad("threshold", 0.0, np.float64),
        pad("left", -1, np.int64),
        pad("right", -1, np.int64),
        pad("value", 0.0, np.float64),
    )


def predict_stacked(X, stacked, out):
    """Add the predictions of stacked trees (see :func:`stack_trees`) to ``out``.

    ``X`` is float64 in C order or a CSR matrix with sorted indices.
    """
    if sp.issparse(X):
        _predict_trees_csr(X.indptr, X.indices, X.data, *stacked, out)
    else:
        _predict_trees(X, *stacked, out)
    return out


def as_csr(X):
    """``X`` as a float64 CSR matrix with sorted indices (a copy if needed)."""
    X = sp.csr_matrix(X, dtype=np.float64)
    if not X.has_sorted_indices:
        X = X.copy()
        X.sort_indices()
    return X


# --------------------------------------------------------------------------
# binning


def _midpoints(distinct):
    """Cut points between consecutive sorted distinct values, each strictly
    below the upper value (the lower one where the midpoint rounds up)."""
    low, high = distinct[:-1], distinct[1:]
    middle = low / 2.0 + high / 2.0
    return np.where((middle >= high) | ~np.isfinite(middle), low, middle)


@dataclass
class SparseBins:
    """Bin codes of a sparse matrix's stored entries, by row and by column.

    ``codes[q]`` is the code of the entry ``indices[q]`` of the CSR layout,
    ``col_codes`` the same codes in CSC order; a feature's entries that are
    not stored have code ``zero_codes[f]``.
    """

    indptr: np.ndarray
    indices: np.ndarray
    codes: np.ndarray
    col_indptr: np.ndarray
    col_rows: np.ndarray
    col_codes: np.ndarray
    zero_codes: np.ndarray


class BinMapper:
    """Map every feature to ordered integer bins.

    Thresholds are midpoints between consecutive distinct values when a
    feature has at most ``max_bins`` of them, else quantiles of its values
    (as scikit-learn's histogram gradient boosting does). Sparse matrices
    are binned from their stored entries; the values they do not store are
    zeros and share one bin per feature.

    Parameters
    ----------
    max_bins : int or None, default=255
        Largest number of bins per feature, in ``[2, 256]``; ``None`` gives
        every distinct value its own bin (exact split finding on sparse data).
    subsample : int, default=200_000
        Rows used to find the quantiles.
    random_state : numpy RandomState
        Draws the subsample.

    Attributes
    ----------
    thresholds_ : list of ndarray
        Per feature, the upper edge of every bin but the last.
    values_ : list of ndarray or None
        Per feature, the distinct value of every bin when each bin holds one
        value, else ``None``.
    n_bins_ : ndarray of shape (n_features,)
        Bins per feature.
    offsets_ : ndarray of shape (n_features + 1,)
        Where each feature's bins start in a histogram of all features.
    zero_codes_ : ndarray of shape (n_features,)
        The bin of the value 0.
    """

    def __init__(self, max_bins=255, subsample=200_000, random_state=None):
        self.max_bins = max_bins
        self.subsample = subsample
        self.random_state = random_state

    def fit(self, X):
        """Find every feature's bins on ``X`` (dense, or CSR/CSC)."""
        n_rows = X.shape[0]
        rows = None
        if self.max_bins is not None and n_rows > self.subsample:
            rows = self.random_state.choice(n_rows, self.subsample, replace=False)
        if not sp.issparse(X) and self.max_bins is not None:
            return self._fit_dense(X, rows)
        if rows is not None:
            X = X[rows]
            n_rows = X.shape[0]
        columns = X.tocsc() if sp.issparse(X) else None
        self.thresholds_, self.values_ = [], []
        for f in range(X.shape[1]):
            if columns is None:
                distinct = np.unique(X[:, f])
            else:
                stored = columns.data[columns.indptr[f] : columns.indptr[f + 1]]
                if len(stored) < n_rows:
                    stored = np.append(stored, 0.0)
                distinct = np.unique(stored)
            if self.max_bins is None or len(distinct) <= self.max_bins:
                self.thresholds_.append(_midpoints(distinct))
                self.values_.append(distinct)
                continue
            column = X[:, f] if columns is None else columns[:, f].toarray().ravel()
            edges = np.unique(
                np.percentile(column, self._percentiles(), method="midpoint")
            )
            self.thresholds_.append(edges)
            self.values_.append(None)
        return self._set_layout()

    def _percentiles(self):
        return np.linspace(0, 100, self.max_bins + 1)[1:-1]

    def _fit_dense(self, X, rows):
        # the (sub)sample gathered a block of rows at a time straight into
        # the array that is sorted: it is held once (32 MiB at 200,000 x 20),
        # not twice
        if rows is None:
            rows = np.arange(X.shape[0])
        sorted_columns = np.empty((X.shape[1], len(rows)))
        for start in range(0, len(rows), _GATHER_ROWS):
            block = rows[start : start + _GATHER_ROWS]
            sorted_columns[:, start : start + len(block)] = X[block].T
        sorted_columns.sort(axis=1)
        edges, n_edges, values, one_value_bins = _fit_dense_bins(
            sorted_columns, self.max_bins, self._percentiles()
        )
        self.thresholds_ = [edges[f, :k] for f, k in enumerate(n_edges)]
        self.values_ = [
            values[f, : k + 1] if single else None
            for f, (k, single) in enumerate(zip(n_edges, one_value_bins))
        ]
        return self._set_layout()

    def _set_layout(self):
        self.n_bins_ = np.array([len(t) + 1 for t in self.thresholds_], dtype=np.int64)
        self.offsets_ = np.concatenate([[0], np.cumsum(self.n_bins_)]).astype(np.int64)
        self.zero_codes_ = np.array(
            [np.searchsorted(edges, 0.0, side="left") for edges in self.thresholds_],
            dtype=np.int32,
        )
        return self

    def flat_thresholds(self):
        """Every feature's thresholds in one array, and where each starts."""
        edges = np.concatenate(
            [np.asarray(t, dtype=np.float64) for t in self.thresholds_]
        )
        return edges, self.offsets_ - np.arange(len(self.offsets_))

    def transform(self, X):
        """Bin codes of shape ``(n_features, n_samples)``, dtype uint8."""
        edges = np.full((len(self.thresholds_), 256), np.inf)
        for f, cuts in enumerate(self.thresholds_):
            edges[f, : len(cuts)] = cuts
        return _bin_dense(np.asarray(X, dtype=np.float64), edges)

    def transform_sparse(self, X):
        """:class:`SparseBins` of a CSR matrix ``X``."""
        edges, edge_offsets = self.flat_thresholds()
        codes = _bin_stored_values(X.indices, X.data, edges, edge_offsets)
        by_column = sp.csr_matrix((codes, X.indices, X.indptr), shape=X.shape).tocsc()
        return SparseBins(
            X.indptr,
            X.indices,
            codes,
            by_column.indptr,
            by_column.indices,
            by_column.data.astype(np.int32),
            self.zero_codes_,
        )


# --------------------------------------------------------------------------
# the rows of a tree's leaves


@dataclass
class LeafRows:
    """The training rows of every leaf: ``order[starts[j]:ends[j]]`` are the
    rows of leaf node ``nodes[j]`` (the splitter's own partitioned row
    array, not copied). Iterating gives ``(node, rows)`` pairs."""

    nodes: np.ndarray
    order: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    def __iter__(self):
        for node, start, end in zip(self.nodes, self.starts, self.ends):
            yield int(node), self.order[start:end]

    def __len__(self):
        return len(self.nodes)

    @cached_property
    def pieces(self):
        """The leaves cut into pieces for the parallel passes:
        ``(leaf, start, end)`` arrays (see :func:`segment_chunks`)."""
        return segment_chunks(self.starts, self.ends)

    def sums(self, values):
        """Per leaf, the sum of ``values`` over its rows."""
        return _segment_sums(values, self.order, *self.pieces, len(self.nodes))

    def add(self, column, amounts):
        """Add each leaf's amount to ``column`` at the leaf's rows, in place."""
        _add_to_segments(column, self.order, *self.pieces, amounts)


# --------------------------------------------------------------------------
# split finders


def _first_best(gains, tolerance):
    """Index of the first gain within ``tolerance`` of the largest.

    Gains that differ only by rounding (the same split reached through sums
    in another order) count as ties, broken towards the lowest feature.
    """
    return int(np.argmax(gains >= gains.max() - tolerance))


@dataclass(order=True)
class _Candidate:
    """A node waiting to be split, ordered so the best gain pops first."""

    priority: float
    node: int = field(compare=False)
    start: int = field(compare=False)
    end: int = field(compare=False)
    depth: int = field(compare=False)
    feature: int = field(compare=False)
    threshold: float = field(compare=False)
    split: int = field(compare=False)
    gain: float = field(compare=False)
    hist: object = field(compare=False, default=None)


class _ExactSplitter:
    """Exact thresholds over per-feature sorted row lists (see module doc)."""

    def __init__(self, Xt, sorted_rows, g, h, min_samples_leaf):
        self.Xt = Xt
        self.sorted_rows = sorted_rows
        self.g = g
        self.h = h
        self.min_samples_leaf = min_samples_leaf
        self.goes_left = np.zeros(Xt.shape[1], dtype=np.bool_)
        self.buffer = np.empty_like(sorted_rows)
        self.unit_hessian = bool(np.all(h == 1.0))

    @property
    def n_rows(self):
        return self.sorted_rows.shape[1]

    def root_hist(self):
        return None

    def best_split(self, start, end, hist, features):
        gains, thresholds, n_left, tolerance = _exact_splits(
            self.sorted_rows,
            start,
            end,
            self.Xt,
            self.g,
            self.h,
            features,
            self.min_samples_leaf,
            self.unit_hessian,
        )
        j = _first_best(gains, tolerance)
        return float(gains[j]), int(features[j]), float(thresholds[j]), int(n_left[j])

    def split(self, start, end, feature, n_left, hist, children_split):
        n_features = self.sorted_rows.shape[0] if children_split else 1
        _partition_sorted(
            self.sorted_rows,
            start,
            end,
            feature,
            n_left,
            self.goes_left,
            self.buffer,
            n_features,
        )
        return start + n_left, None, None

    def rows(self, start, end):
        return self.sorted_rows[0, start:end]


class _HistogramSplitter:
    """Binned features, per-node histograms, sibling by subtraction.

    With ``node_midpoints`` (every bin holds one value, see
    :attr:`BinMapper.values_`) a threshold is the midpoint of the node's own
    values on either side of the cut, as the exact splitter chooses it;
    otherwise it is the bin's upper edge.
    """

    def __init__(
        self, binned, bin_mapper, rows, g, h, min_samples_leaf, node_midpoints
    ):
        self.binned = binned
        self.bin_mapper = bin_mapper
        self.row_order = rows
        self.g = g
        self.h = h
        self.min_samples_leaf = min_samples_leaf
        self.node_midpoints = node_midpoints
        self.scratch = np.empty((2, len(rows)), dtype=rows.dtype)
        self.unit_hessian = bool(np.all(h == 1.0))

    @property
    def n_rows(self):
        return len(self.row_order)

    def _histogram(self, start, end, parent=_NO_PARENT):
        return _build_histogram(
            self.binned,
            self.bin_mapper.offsets_,
            self.row_order,
            start,
            end,
            self.g,
            self.h,
            self.unit_hessian,
            parent,
        )

    def _child_and_sibling(self, start, end, parent):
        """The histogram of rows ``start:end``, and the other child's: the
        parent's minus it, written over the parent's (not needed again)."""
        return self._histogram(start, end, parent), parent

    def _partition(self, start, end, feature, split_bin):
        return _partition_rows(
            self.row_order, start, end, self.binned[feature], split_bin, self.scratch
        )

    def root_hist(self):
        return self._histogram(0, self.n_rows)

    def best_split(self, start, end, hist, features):
        mapper = self.bin_mapper
        j, gain, split_bin, low_bin = _histogram_splits(
            hist, mapper.offsets_, features, self.min_samples_leaf
        )
        feature = int(features[j])
        if split_bin < 0:
            return -np.inf, feature, 0.0, -1
        if self.node_midpoints:
            values = mapper.values_[feature]
            threshold = float(_midpoint(values[low_bin], values[split_bin + 1]))
        else:
            threshold = float(mapper.thresholds_[feature][split_bin])
        return float(gain), feature, threshold, int(split_bin)

    def split(self, start, end, feature, split_bin, hist, children_split):
        middle = start + self._partition(start, end, feature, split_bin)
        if not children_split:
            return middle, None, None
        if middle - start <= end - middle:
            left_hist, right_hist = self._child_and_sibling(start, middle, hist)
        else:
            right_hist, left_hist = self._child_and_sibling(middle, end, hist)
        return middle, left_hist, right_hist

    def rows(self, start, end):
        return self.row_order[start:end]


class _SparseHistogramSplitter(_HistogramSplitter):
    """:class:`_HistogramSplitter` over the stored entries of sparse data."""

    def __init__(self, *args):
        super().__init__(*args)
        self.row_codes = np.empty(len(self.binned.indptr) - 1, dtype=np.int32)

    def _child_and_sibling(self, start, end, parent):
        child = self._histogram(start, end)
        return child, np.subtract(parent, child, out=parent)

    def _histogram(self, start, end):
        bins = self.binned
        return _build_sparse_histogram(
            bins.indptr,
            bins.indices,
            bins.codes,
            self.bin_mapper.offsets_,
            bins.zero_codes,
            self.row_order,
            start,
            end,
            self.g,
            self.h,
        )

    def _partition(self, start, end, feature, split_bin):
        bins = self.binned
        return _partition_sparse_rows(
            self.row_order,
            start,
            end,
            bins.col_indptr,
            bins.col_rows,
            bins.col_codes,
            feature,
            bins.zero_codes[feature],
            split_bin,
            self.row_codes,
            self.scratch,
        )


def make_exact_splitter(Xt, presorted_rows, g, h, min_samples_leaf):
    """Splitter over float features ``Xt`` of shape (n_features, n_samples);
    ``presorted_rows`` is partitioned in place."""
    return _ExactSplitter(Xt, presorted_rows, g, h, min_samples_leaf)


def make_histogram_splitter(
    binned, bin_mapper, rows, g, h, min_samples_leaf, node_midpoints=False
):
    """Splitter over binned features: ``binned`` from
    :meth:`BinMapper.transform` or :meth:`BinMapper.transform_sparse`."""
    splitter = (
        _SparseHistogramSplitter
        if isinstance(binned, SparseBins)
        else _HistogramSplitter
    )
    return splitter(binned, bin_mapper, rows, g, h, min_samples_leaf, node_midpoints)


# --------------------------------------------------------------------------
# the growth loop


def grow_tree(
    splitter,
    *,
    n_features,
    max_depth=3,
    max_leaf_nodes=None,
    min_samples_leaf=1,
    min_samples_split=2,
    min_impurity_decrease=0.0,
    max_features=None,
    random_state=None,
    leaf_values=True,
):
    """Grow a regression tree best-first on the rows a splitter holds.

    Parameters
    ----------
    splitter : _ExactSplitter or _HistogramSplitter
        Holds the rows, their ``(g, h)`` and finds splits.
    n_features : int
        Number of features.
    max_depth : int or None, default=3
        Depth limit; ``None`` for none.
    max_leaf_nodes : int or None, default=None
        Leaf limit; the split with the largest gain is taken first.
    min_samples_leaf : int, default=1
        Fewest rows a leaf may hold.
    min_samples_split : int, default=2
        Fewest rows a node must hold to be split.
    min_impurity_decrease : float, default=0.0
        A node is split only when its gain divided by the total weight
        ``sum_i h_i`` of the tree's rows reaches this (scikit-learn's
        weighted impurity decrease ``N_t / N * (I - N_L / N_t I_L - N_R / N_t
        I_R)``, up to the same rounding margin of one machine epsilon).
    max_features : int or None, default=None
        Features drawn at random per node; ``None`` uses all.
    random_state : numpy RandomState, default=None
        Draws the features when ``max_features`` is set.
    leaf_values : bool, default=True
        Set each leaf's value to ``G / H``; False leaves them 0, for a caller
        that sets them itself (a pass over the rows fewer).

    Returns
    -------
    tree : Tree
        The tree, with leaf values ``G / H`` (or 0).
    leaf_rows : LeafRows
        For every leaf, in node order, its node index and the training rows
        it holds.
    """
    g, h = splitter.g, splitter.h
    all_features = np.arange(n_features, dtype=np.int64)
    nodes = {
        "feature": [],
        "threshold": [],
        "left": [],
        "right": [],
        "value": [],
        "gain": [],
        "n": [],
    }

    def new_node(n_rows):
        for key, fill in (
            ("feature", 0),
            ("threshold", 0.0),
            ("left", -1),
            ("right", -1),
            ("gain", 0.0),
            ("value", 0.0),
        ):
            nodes[key].append(fill)
        nodes["n"].append(n_rows)
        return len(nodes["n"]) - 1

    fewest_rows = max(min_samples_split, 2 * min_samples_leaf)
    tree_rows = splitter.rows(0, splitter.n_rows)
    total_weight = h.sum() if len(tree_rows) == len(h) else h[tree_rows].sum()

    def candidate(node, start, end, depth, hist):
        splittable = (max_depth is None or depth < max_depth) and (
            end - start >= fewest_rows
        )
        if not splittable:
            return None
        features = all_features
        if max_features is not None and max_features < n_features:
            features = np.sort(
                random_state.choice(n_features, max_features, replace=False)
            )
        gain, feature, threshold, split = splitter.best_split(
            start, end, hist, features
        )
        if not np.isfinite(gain) or gain <= 0 or split < 0:
            return None
        if gain / total_weight + _EPSILON < min_impurity_decrease:
            return None
        return _Candidate(
            -gain, node, start, end, depth, feature, threshold, split, gain, hist
        )

    n_rows = splitter.n_rows
    root = new_node(n_rows)
    heap = []
    leaves = {root: (0, n_rows)}
    first = candidate(root, 0, n_rows, 0, splitter.root_hist())
    if first is not None:
        heap.append(first)
    while heap and (max_leaf_nodes is None or len(leaves) < max_leaf_nodes):
        best = heapq.heappop(heap)
        children_split = max_depth is None or best.depth + 1 < max_depth
        middle, left_hist, right_hist = splitter.split(
            best.start, best.end, best.feature, best.split, best.hist, children_split
        )
        del leaves[best.node]
        children = []
        for start, end, hist in (
            (best.start, middle, left_hist),
            (middle, best.end, right_hist),
        ):
            child = new_node(end - start)
            leaves[child] = (start, end)
            children.append(child)
            found = candidate(child, start, end, best.depth + 1, hist)
            if found is not None:
                heapq.heappush(heap, found)
        k = best.node
        nodes["feature"][k] = best.feature
        nodes["threshold"][k] = best.threshold
        nodes["left"][k], nodes["right"][k] = children
        nodes["gain"][k] = best.gain
    leaf_rows = LeafRows(
        np.fromiter(leaves, dtype=np.int64, count=len(leaves)),
        splitter.rows(0, n_rows),
        np.array([start for start, _ in leaves.values()], dtype=np.int64),
        np.array([end for _, end in leaves.values()], dtype=np.int64),
    )
    if leaf_values:
        G, H = leaf_rows.sums(g), leaf_rows.sums(h)
        positive = H > _MIN_HESSIAN
        values = np.divide(G, H, out=np.zeros_like(G), where=positive)
        for node, value in zip(leaf_rows.nodes, values):
            nodes["value"][node] = value
    tree = Tree(
        np.asarray(nodes["feature"], dtype=np.int64),
        np.asarray(nodes["threshold"], dtype=np.float64),
        np.asarray(nodes["left"], dtype=np.int64),
        np.asarray(nodes["right"], dtype=np.int64),
        np.asarray(nodes["value"], dtype=np.float64),
        np.asarray(nodes["gain"], dtype=np.float64),
        np.asarray(nodes["n"], dtype=np.int64),
    )
    return tree, leaf_rows
