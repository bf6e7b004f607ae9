"""Small embedded data: the notes' worked examples and offline text."""

from ._relations import (
    load_kjv_verses,
    load_kjv_word_relations,
    load_kjv_word_vectors,
)
from ._text import load_dataset_descriptions, load_sklearn_docstrings
from ._worked_examples import load_adaboost_rounds_example, load_ml2_marks

__all__ = [
    "load_adaboost_rounds_example",
    "load_dataset_descriptions",
    "load_kjv_verses",
    "load_kjv_word_relations",
    "load_kjv_word_vectors",
    "load_ml2_marks",
    "load_sklearn_docstrings",
]
