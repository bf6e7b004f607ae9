"""Small embedded data: the notes' worked examples."""

from ._worked_examples import load_adaboost_rounds_example, load_ml2_marks

__all__ = ["load_adaboost_rounds_example", "load_ml2_marks"]
