"""Neural estimators trained through skorch, and their training options."""

from ._mlp import MLPClassifier, MLPRegressor
from ._schedules import learning_rate_at, schedule_factor

__all__ = ["MLPClassifier", "MLPRegressor", "learning_rate_at", "schedule_factor"]
