import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_classification
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import shuffle

from ml2learn.ensemble import DecisionStump

X_toy = np.array([[1.0, 5.0], [2.0, 4.0], [3.0, 3.0], [4.0, 2.0], [5.0, 1.0]])
y_toy = np.array([0, 0, 1, 1, 1])


def _brute_force_error(X, y, w):
    """Lowest weighted error over every feature, threshold and leaf labelling."""
    best = np.inf
    classes = np.unique(y)
    for f in range(X.shape[1]):
        values = np.unique(X[:, f])
        for threshold in np.append((values[:-1] + values[1:]) / 2, np.inf):
            left = X[:, f] <= threshold
            error = 0.0
            for side in (left, ~left):
                per_class = [w[side & (y == c)].sum() for c in classes]
                error += w[side].sum() - max(per_class)
            best = min(best, error)
    return best / w.sum()


def test_threshold_is_midpoint_and_predictions():
    stump = DecisionStump().fit(X_toy, y_toy)
    assert stump.feature_ == 0
    assert stump.threshold_ == 2.5
    np.testing.assert_array_equal(stump.predict(X_toy), y_toy)
    assert stump.training_error_ == 0.0
    np.testing.assert_array_equal(stump.feature_importances_, [1.0, 0.0])


@pytest.mark.parametrize("n_classes", [2, 3, 4])
@pytest.mark.parametrize("seed", range(5))
def test_error_matches_brute_force(n_classes, seed):
    rng = np.random.RandomState(seed)
    X = rng.randint(0, 6, size=(40, 3)).astype(float)
    y = rng.randint(0, n_classes, size=40)
    w = rng.rand(40)
    stump = DecisionStump().fit(X, y, sample_weight=w)
    assert stump.training_error_ == pytest.approx(_brute_force_error(X, y, w))
    predicted_error = w[stump.predict(X) != y].sum() / w.sum()
    assert predicted_error == pytest.approx(stump.training_error_)


def test_zero_weight_rows_are_as_if_removed():
    rng = np.random.RandomState(0)
    X = rng.rand(30, 4)
    y = rng.randint(0, 2, 30)
    w = rng.randint(0, 3, 30).astype(float)
    weighted = DecisionStump().fit(X, y, sample_weight=w)
    kept = w > 0
    removed = DecisionStump().fit(X[kept], y[kept], sample_weight=w[kept])
    assert weighted.feature_ == removed.feature_
    assert weighted.threshold_ == removed.threshold_


def test_ties_go_to_lowest_feature_then_threshold():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    stump = DecisionStump().fit(X, [0, 0, 1, 1])
    assert (stump.feature_, stump.threshold_) == (0, 1.5)


def test_constant_features_give_majority_stump():
    X = np.ones((5, 2))
    stump = DecisionStump().fit(X, [0, 1, 1, 1, 0])
    assert stump.feature_ == -1
    np.testing.assert_array_equal(stump.predict(X), np.ones(5))
    np.testing.assert_allclose(stump.predict_proba(X)[0], [0.4, 0.6])


def test_same_error_as_sklearn_stump_on_binary_data():
    X, y = make_classification(n_samples=300, random_state=0)
    ours = DecisionStump().fit(X, y)
    theirs = DecisionTreeClassifier(max_depth=1).fit(X, y)
    # ours minimises the error directly; sklearn's Gini stump can only tie
    assert ours.score(X, y) >= theirs.score(X, y)


def test_best_possible_score_on_sklearn_blobs():
    # The data of check_classifiers_train: the binary problem is solved well,
    # the three-class one reaches the best accuracy any two-leaf tree can.
    X, y = make_blobs(n_samples=300, random_state=0)
    X, y = shuffle(X, y, random_state=7)
    X = StandardScaler().fit_transform(X)
    binary = y != 2
    assert DecisionStump().fit(X[binary], y[binary]).score(X[binary], y[binary]) > 0.83
    stump = DecisionStump().fit(X, y)
    best = 1 - _brute_force_error(X, y, np.ones(len(y)))
    assert stump.score(X, y) == pytest.approx(best)
    assert best < 0.83


def test_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        DecisionStump().fit([[np.nan], [1.0]], [0, 1])
    with pytest.raises(ValueError, match="at least 2 classes"):
        DecisionStump().fit(X_toy, np.zeros(5))
    with pytest.raises(ValueError, match="[Nn]egative"):
        DecisionStump().fit(X_toy, y_toy, sample_weight=-np.ones(5))
    with pytest.raises(ValueError, match="non-zero"):
        DecisionStump().fit(X_toy, y_toy, sample_weight=np.zeros(5))
    stump = DecisionStump().fit(X_toy, y_toy)
    with pytest.raises(ValueError, match="features"):
        stump.predict(np.ones((2, 3)))


@pytest.mark.parametrize("seed", range(4))
def test_sparse_input_gives_the_dense_stump(seed):
    from scipy import sparse

    rng = np.random.RandomState(seed)
    X = rng.randn(60, 5) * (rng.rand(60, 5) < 0.3)
    X[:5, 0] = 0.0
    y = rng.randint(0, 3, 60)
    w = rng.randint(0, 3, 60).astype(float)
    dense = DecisionStump().fit(X, y, sample_weight=w)
    for container in (sparse.csr_matrix, sparse.csc_array):
        stored_zero = container(X)
        stump = DecisionStump().fit(stored_zero, y, sample_weight=w)
        assert (stump.feature_, stump.threshold_) == (dense.feature_, dense.threshold_)
        assert stump.training_error_ == pytest.approx(dense.training_error_)
        np.testing.assert_array_equal(stump.predict(container(X)), dense.predict(X))
