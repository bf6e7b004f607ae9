import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import train_test_split

from ml2learn.ensemble import (
    AdaBoostClassifier,
    GradientBoostingRegressor,
    plot_staged_scores,
)

pytest.importorskip("matplotlib", reason="plots need the [plot] extra")


def test_plot_staged_scores_classifier():
    X, y = make_classification(n_samples=200, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    clf = AdaBoostClassifier(n_estimators=12).fit(X_train, y_train)
    ax = plot_staged_scores(clf, X_train, y_train, X_test, y_test)
    train, test = ax.get_lines()
    assert len(train.get_xdata()) == 12
    assert train.get_ydata()[-1] == pytest.approx(clf.score(X_train, y_train))
    assert test.get_ydata()[-1] == pytest.approx(clf.score(X_test, y_test))
    assert ax.get_ylabel() == "accuracy"


def test_plot_staged_scores_regressor():
    import matplotlib.pyplot as plt

    X, y = make_regression(n_samples=100, n_features=3, random_state=0)
    reg = GradientBoostingRegressor(n_estimators=5).fit(X, y)
    _, ax = plt.subplots()
    assert plot_staged_scores(reg, X, y, X, y, ax=ax) is ax
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata()[-1], reg.score(X, y))
    plt.close("all")
