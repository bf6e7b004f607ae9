"""TF-IDF against scikit-learn's TfidfVectorizer.

Corpus: the King James Bible from Debian's ``bible-kjv-text`` (one verse a
document, 31,102 verses) when its ``bible`` program is installed (``apt-get
install bible-kjv-text``); otherwise scikit-learn's data-set descriptions
repeated to 40,000 sentences.
"""

import re
import shutil
import subprocess

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer as SklearnTfidf

from ml2learn.datasets import load_dataset_descriptions
from ml2learn.text import TfidfVectorizer

from ._common import Result, time_fit


def load_corpus(quick=False):
    """Verses of the KJV Bible, or a fallback corpus; and its name."""
    if shutil.which("bible"):
        out = subprocess.run(
            ["bible", "-f", "Gen1:1-Rev22:21"], capture_output=True, text=True
        ).stdout
        # each line is "Ge1:1 In the beginning ...": drop the reference
        verses = [
            re.sub(r"^\S*\d+:\d+\s+", "", line)
            for line in out.splitlines()
            if line.strip()
        ]
        if len(verses) > 30000:
            return (verses[:5000] if quick else verses), "KJV Bible verses"
    sentences = load_dataset_descriptions().data
    n = 5000 if quick else 40000
    repeated = [sentences[i % len(sentences)] for i in range(n)]
    return repeated, "sklearn descriptions x repeats (bible-kjv-text not installed)"


class _FitTransform:
    def __init__(self, vectorizer):
        self.vectorizer = vectorizer

    def fit(self, X, y=None):
        self.X_ = self.vectorizer.fit_transform(X)
        return self


def run(quick=False):
    corpus, name = load_corpus(quick)
    repeats = 1 if quick else 5
    task = f"TF-IDF fit_transform, {len(corpus)} docs ({name})"
    contenders = [
        ("ml2learn", "TfidfVectorizer() (course formula)", TfidfVectorizer),
        (
            "ml2learn",
            'TfidfVectorizer(tf="raw", idf="smooth", norm="l2")',
            lambda: TfidfVectorizer(tf="raw", idf="smooth", norm="l2"),
        ),
        ("scikit-learn", "TfidfVectorizer()", SklearnTfidf),
    ]
    results = []
    outputs = {}
    for library, model, make in contenders:
        seconds, fitted = time_fit(
            lambda m=make: _FitTransform(m()), corpus, None, repeats
        )
        outputs[model] = fitted.X_
        print(f"  {library:<13} {model:<52} {seconds:7.3f} s")
        results.append(
            Result(task, library, model, seconds, float(fitted.X_.nnz), "nnz", repeats)
        )
    same = np.abs(outputs[contenders[1][1]] - outputs[contenders[2][1]]).max()
    results[1].note = f"max |difference| from scikit-learn: {same:.1e}"
    return results
