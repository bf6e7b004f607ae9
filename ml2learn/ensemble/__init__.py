"""Boosting: AdaBoost (with a fast decision stump), gradient boosting, and
Viola-Jones face detection (integral images, Haar-like features, the
attentional cascade)."""

from ._adaboost import AdaBoostClassifier, AdaBoostRegressor
from ._cascade import CascadeClassifier
from ._detection import box_iou, non_max_suppression
from ._gradient_boosting import GradientBoostingClassifier, GradientBoostingRegressor
from ._haar import HAAR_FEATURE_TYPES, HaarFeatures
from ._integral import integral_image, rectangle_sum
from ._reporting import format_rounds_table, plot_staged_scores
from ._stump import DecisionStump

__all__ = [
    "AdaBoostClassifier",
    "AdaBoostRegressor",
    "CascadeClassifier",
    "DecisionStump",
    "GradientBoostingClassifier",
    "GradientBoostingRegressor",
    "HAAR_FEATURE_TYPES",
    "HaarFeatures",
    "box_iou",
    "format_rounds_table",
    "integral_image",
    "non_max_suppression",
    "plot_staged_scores",
    "rectangle_sum",
]
