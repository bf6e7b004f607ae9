"""Small embedded data: the notes' worked examples, offline text and
domain-shift makers, the Gaussian ring, and scikit-image's face windows and
photographs."""

from ._captions import make_digit_captions
from ._dates import date_in_words, make_dates
from ._domain_shift import make_domain_shift
from ._faces import load_face_free_photographs, load_lfw_windows
from ._gaussian_ring import make_gaussian_ring
from ._image_pairs import make_digit_pairs, make_photo_patches, make_unpaired_digits
from ._relations import (
    load_kjv_verses,
    load_kjv_word_relations,
    load_kjv_word_vectors,
)
from ._text import load_dataset_descriptions, load_sklearn_docstrings
from ._worked_examples import load_adaboost_rounds_example, load_ml2_marks

__all__ = [
    "date_in_words",
    "load_adaboost_rounds_example",
    "load_dataset_descriptions",
    "load_face_free_photographs",
    "load_kjv_verses",
    "load_kjv_word_relations",
    "load_kjv_word_vectors",
    "load_lfw_windows",
    "load_ml2_marks",
    "load_sklearn_docstrings",
    "make_dates",
    "make_digit_captions",
    "make_digit_pairs",
    "make_domain_shift",
    "make_gaussian_ring",
    "make_photo_patches",
    "make_unpaired_digits",
]
