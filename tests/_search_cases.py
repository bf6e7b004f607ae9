"""The grid searches that the distributed tests run on a cluster and with
``n_jobs=1``: a boosting, a neural and a text pipeline."""

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ml2learn.ensemble import AdaBoostClassifier
from ml2learn.neural import MLPClassifier
from ml2learn.text import TfidfVectorizer

DOCS = [
    "the cat sat on the mat", "the dog chased the cat", "dogs and cats are friends",
    "a bird sang on the tree", "the bird and the cat", "dogs bark at birds",
] * 4  # fmt: skip
LABELS = np.array([0, 1, 1, 0, 0, 1] * 4)


def searches():
    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[::3], y[::3]
    return [
        (
            GridSearchCV(
                AdaBoostClassifier(random_state=0),
                {"n_estimators": [5, 20], "learning_rate": [0.5, 1.0]},
                cv=3,
            ),
            X,
            y,
        ),
        (
            GridSearchCV(
                make_pipeline(
                    StandardScaler(),
                    MLPClassifier((16,), max_epochs=20, random_state=0),
                ),
                {"mlpclassifier__learning_rate": [1e-3, 1e-2]},
                cv=3,
            ),
            X,
            y,
        ),
        (
            GridSearchCV(
                make_pipeline(TfidfVectorizer(), LogisticRegression()),
                {"tfidfvectorizer__tf": ["proportion", "sublinear"]},
                cv=3,
            ),
            DOCS,
            LABELS,
        ),
    ]
