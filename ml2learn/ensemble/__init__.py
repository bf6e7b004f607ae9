"""Boosting: AdaBoost (with a fast decision stump) and gradient boosting."""

from ._adaboost import AdaBoostClassifier, AdaBoostRegressor
from ._gradient_boosting import GradientBoostingClassifier, GradientBoostingRegressor
from ._reporting import format_rounds_table, plot_staged_scores
from ._stump import DecisionStump

__all__ = [
    "AdaBoostClassifier",
    "AdaBoostRegressor",
    "DecisionStump",
    "GradientBoostingClassifier",
    "GradientBoostingRegressor",
    "format_rounds_table",
    "plot_staged_scores",
]
