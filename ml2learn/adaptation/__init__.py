"""Domain adaptation: TrAdaBoost and DANN, with the skada convention of one
``X`` and a ``sample_domain`` array (positive ids source, negative target),
domain-aware splitters and scorers."""

from ._dann import (
    DANNClassifier,
    DANNRegressor,
    GradientReversal,
    adaptation_factor,
    annealed_learning_rate,
)
from ._domains import check_sample_domain, pack_domains
from ._model_selection import (
    DomainKFold,
    DomainScorer,
    importance_weighted_scorer,
    source_scorer,
    target_scorer,
)
from ._tradaboost import TrAdaBoostClassifier, TrAdaBoostRegressor

__all__ = [
    "DANNClassifier",
    "DANNRegressor",
    "GradientReversal",
    "adaptation_factor",
    "annealed_learning_rate",
    "DomainKFold",
    "DomainScorer",
    "TrAdaBoostClassifier",
    "TrAdaBoostRegressor",
    "check_sample_domain",
    "importance_weighted_scorer",
    "pack_domains",
    "source_scorer",
    "target_scorer",
]
