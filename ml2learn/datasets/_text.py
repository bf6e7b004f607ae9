"""Real English text that ships with scikit-learn, for text examples offline."""

import re

import numpy as np
from sklearn import datasets
from sklearn.utils import Bunch

__all__ = ["load_dataset_descriptions"]

_LOADERS = ("iris", "digits", "breast_cancer", "wine", "diabetes", "linnerud")


def load_dataset_descriptions(min_words=6):
    """Sentences of scikit-learn's bundled data-set descriptions, labelled by
    data set: a small real-text classification problem needing no download.

    Parameters
    ----------
    min_words : int, default=6
        Shorter sentences (titles, rules, table rows) are left out.

    Returns
    -------
    data : Bunch
        ``data``: list of sentences; ``target``: index of the data set each
        comes from; ``target_names``: the data sets' names.

    Examples
    --------
    >>> from ml2learn.datasets import load_dataset_descriptions
    >>> corpus = load_dataset_descriptions()
    >>> len(corpus.data) == len(corpus.target) > 50
    True
    """
    paragraphs, target = [], []
    for label, name in enumerate(_LOADERS):
        description = getattr(datasets, f"load_{name}")().DESCR
        for paragraph in re.split(r"\n\s*\n", description):
            text = " ".join(paragraph.split())
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                if len(re.findall(r"[A-Za-z]{2,}", sentence)) >= min_words:
                    paragraphs.append(sentence)
                    target.append(label)
    return Bunch(data=paragraphs, target=np.array(target), target_names=list(_LOADERS))
