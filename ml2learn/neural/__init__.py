"""Neural estimators trained through skorch, and their training options."""

from ._cnn import CNNClassifier, CNNRegressor
from ._mlp import MLPClassifier, MLPRegressor
from ._rnn import LSTMClassifier, LSTMRegressor, RNNClassifier, RNNRegressor
from ._schedules import learning_rate_at, schedule_factor

__all__ = [
    "CNNClassifier",
    "CNNRegressor",
    "LSTMClassifier",
    "LSTMRegressor",
    "MLPClassifier",
    "MLPRegressor",
    "RNNClassifier",
    "RNNRegressor",
    "learning_rate_at",
    "schedule_factor",
]
