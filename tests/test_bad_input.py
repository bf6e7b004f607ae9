"""Every array estimator of ``all_estimators()`` under bad input.

Each row of ``BAD_DATA`` spoils the data of a working fit in one way; each
estimator must answer with a ``ValueError`` or ``TypeError`` whose message
says what is wrong (or, where an estimator documents that it accepts the
input, do what it documents). The parameter sweeps derive the bad values
from each estimator's own constraints: an integer below its range, a
string outside its options. The text estimators have the same table in
``tests/text/test_text_common.py``; DANN and TrAdaBoost's domain inputs in
``tests/adaptation``.
"""

from numbers import Integral

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.utils._param_validation import Interval, StrOptions
from test_common import ESTIMATORS, _api_version, _data, _instance, _unpaired

IMAGE_INPUT = {
    "CNNClassifier",
    "CNNRegressor",
    "VisionTransformerClassifier",
    "VisionTransformerRegressor",
    "DCGAN",
    "Pix2Pix",
    "CycleGAN",
    "NeuralStyleTransfer",
}
SEQUENCE_INPUT = {
    "RNNClassifier",
    "RNNRegressor",
    "LSTMClassifier",
    "LSTMRegressor",
    "RNNTagger",
    "TransformerClassifier",
    "TransformerRegressor",
}
IDS = [n for n, _ in ESTIMATORS]


def _supervised(estimator):
    return estimator.__sklearn_tags__().target_tags.required


def _fit(estimator, X, y):
    return estimator.fit(X, y) if _supervised(estimator) else estimator.fit(X)


def _with_nan(X, y):
    X = X.copy()
    X[3, 1] = np.nan
    return X, y


def _with_inf(X, y):
    X = X.copy()
    X[3, 1] = np.inf
    return X, y


def _no_rows(X, y):
    return X[:0], y[:0]


def _no_rows_3d(X, y):
    return X[:0].reshape(0, X.shape[1], 1), y[:0]


def _strings(X, y):
    return np.array([["a"] * X.shape[1]] * len(X), dtype=object), y


def _complex(X, y):
    return X + 1j, y


def _short_y(X, y):
    return X, y[:-3]


def _four_d(X, y):
    return X.reshape(len(X), 1, 1, 1, -1), y


BAD_DATA = {
    "NaN": (_with_nan, "NaN"),
    "infinity": (_with_inf, "infinity|inf"),
    "no rows": (_no_rows, "0 sample|0 images|no rows|at least one"),
    "no rows, 3-D": (_no_rows_3d, "0 sample|0 images|no rows|at least one|dim 3"),
    "strings": (_strings, "convert|string|dtype"),
    "complex": (_complex, "[Cc]omplex"),
    "5-D": (_four_d, "dim|[0-9]-D|2D|shape"),
}


@pytest.mark.parametrize("spoil", BAD_DATA, ids=list(BAD_DATA))
@pytest.mark.parametrize("name, cls", ESTIMATORS, ids=IDS)
def test_bad_data_is_refused_with_a_message(name, cls, spoil):
    estimator = _api_version(_instance(cls))
    X, y = _data(estimator)
    make, message = BAD_DATA[spoil]
    X_bad, y_bad = make(X, y)
    with pytest.raises((ValueError, TypeError), match=message):
        _fit(clone(estimator), X_bad, y_bad)


@pytest.mark.parametrize("name, cls", ESTIMATORS, ids=IDS)
def test_mismatched_lengths_are_refused(name, cls):
    estimator = _api_version(_instance(cls))
    if not _supervised(estimator):
        pytest.skip("no y to mismatch")  # an unsupervised fit takes no y
    if _unpaired(estimator):
        pytest.skip("unpaired: each domain may hold any number of images")
    X, y = _data(estimator)
    with pytest.raises(ValueError, match="inconsistent|samples|holds|length"):
        estimator.fit(X, y[:-3])


@pytest.mark.parametrize("name, cls", ESTIMATORS, ids=IDS)
def test_predictions_refuse_another_input_width(name, cls):
    estimator = _api_version(_instance(cls))
    X, y = _data(estimator)
    fitted = _fit(clone(estimator), X, y)
    method = next(m for m in ("predict", "transform", "sample") if hasattr(fitted, m))
    if method == "sample":
        pytest.skip("a generator's sample() reads no X")
    with pytest.raises(ValueError, match="features|shape|width|steps"):
        getattr(fitted, method)(X[:, :-1])


@pytest.mark.parametrize("name, cls", ESTIMATORS, ids=IDS)
def test_reordered_data_frame_columns_are_refused(name, cls):
    estimator = _api_version(_instance(cls))
    X, y = _data(estimator)
    frame = pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])
    fitted = _fit(clone(estimator), frame, y)
    method = next((m for m in ("predict", "transform") if hasattr(fitted, m)), None)
    if method is None:
        pytest.skip("nothing reads X after fit")
    reordered = frame[frame.columns[::-1]]
    with pytest.raises(ValueError, match="feature names"):
        getattr(fitted, method)(reordered)


def test_single_class_is_refused_by_every_classifier():
    for _, cls in ESTIMATORS:
        estimator = _api_version(_instance(cls))
        if not is_classifier(estimator):
            continue
        X, _ = _data(estimator)
        with pytest.raises(ValueError, match="class"):
            estimator.fit(X, np.zeros(len(X), dtype=int))


def _bad_values(estimator):
    """(parameter, value) pairs outside each parameter's declared range."""
    for param, constraints in estimator._parameter_constraints.items():
        if param not in estimator.get_params():
            continue
        intervals = [c for c in constraints if isinstance(c, Interval)]
        options = [c for c in constraints if isinstance(c, StrOptions)]
        if intervals and all(
            c.type is Integral and c.left is not None and c.left >= 1 for c in intervals
        ):
            yield param, min(c.left for c in intervals) - 1
        if options and not any(isinstance(c, str) for c in constraints):
            yield param, "no-such-option"


@pytest.mark.parametrize("name, cls", ESTIMATORS, ids=IDS)
def test_out_of_range_sizes_and_option_typos_name_the_parameter(name, cls):
    estimator = _api_version(_instance(cls))
    X, y = _data(estimator)
    bad = list(_bad_values(estimator))
    if not bad:
        pytest.skip("no size or option to get wrong")  # the decision stump
    for param, value in bad:
        with pytest.raises(ValueError, match=f"'{param}' parameter"):
            _fit(clone(estimator).set_params(**{param: value}), X, y)


def test_the_suite_covers_every_kind_of_input():
    names = {n for n, _ in ESTIMATORS}
    assert IMAGE_INPUT <= names and SEQUENCE_INPUT <= names
    assert any(is_regressor(_instance(c)) for _, c in ESTIMATORS)
    swept = sum(len(list(_bad_values(_instance(c)))) for _, c in ESTIMATORS)
    assert swept > 100  # sizes and options across the estimators
