"""Sequence models on real text: which part of the King James Bible a verse
comes from (LSTM, transformer, TF-IDF + logistic regression side by side),
and word-level language-model perplexity on held-out verses.

Needs Debian's ``bible-kjv-text`` (``apt-get install bible-kjv-text``); the
verse references give the book, and the books fall into six groups: law
(Genesis-Deuteronomy), history (Joshua-Esther), wisdom (Job-Song of
Solomon), prophets (Isaiah-Malachi), gospels and Acts, epistles and
Revelation.
"""

import re
import shutil
import subprocess
import time
from collections import Counter

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from ml2learn.neural import (
    LSTMClassifier,
    RNNLanguageModel,
    TransformerClassifier,
    TransformerLanguageModel,
)
from ml2learn.text import SequenceEncoder, TfidfVectorizer

from ._common import Result

# index of the first book of each group, in canon order (66 books)
GROUP_STARTS = [0, 5, 17, 22, 39, 44]
GROUP_NAMES = ["law", "history", "wisdom", "prophets", "gospels+acts", "epistles+rev"]


def load_verse_groups():
    """Verses and the group of their book, or None without ``bible``."""
    if shutil.which("bible") is None:
        return None
    out = subprocess.run(
        ["bible", "-f", "Gen1:1-Rev22:21"], capture_output=True, text=True
    ).stdout
    books, texts, groups = {}, [], []
    for line in out.splitlines():
        match = re.match(r"^(\S*?)(\d+):(\d+)\s+(.*)$", line)
        if not match:
            continue
        book = books.setdefault(match.group(1), len(books))
        texts.append(match.group(4))
        groups.append(int(np.searchsorted(GROUP_STARTS, book, side="right") - 1))
    return texts, np.array(groups)


def run(quick=False):
    data = load_verse_groups()
    if data is None:
        print("  [bible-kjv-text is not installed: apt-get install bible-kjv-text]")
        return []
    texts, groups = data
    n_train, n_test = (2000, 1000) if quick else (12000, 4000)
    train_text, test_text, y_train, y_test = train_test_split(
        texts, groups, train_size=n_train, test_size=n_test, random_state=0,
        stratify=groups,
    )  # fmt: skip
    epochs = 2 if quick else 8
    task = f"KJV verse -> book group (6), {n_train} train / {n_test} test verses"
    contenders = [
        (
            "TfidfVectorizer + LogisticRegression",
            make_pipeline(
                TfidfVectorizer(tf="sublinear", lowercase=True),
                LogisticRegression(max_iter=2000),
            ),
        ),
        (
            "SequenceEncoder + LSTMClassifier(128)",
            make_pipeline(
                SequenceEncoder(lowercase=True, min_freq=2, max_len=48),
                LSTMClassifier(
                    hidden_size=128, embedding_dim=64, pooling="mean",
                    max_epochs=epochs, batch_size=64, random_state=0,
                ),
            ),
        ),
        (
            "SequenceEncoder + TransformerClassifier(64, 4 heads, 2 layers)",
            make_pipeline(
                SequenceEncoder(lowercase=True, min_freq=2, max_len=48),
                TransformerClassifier(
                    64, 4, token_input=True, pooling="mean", max_epochs=epochs,
                    batch_size=64, random_state=0,
                ),
            ),
        ),
    ]  # fmt: skip
    results = []
    for model, pipe in contenders:
        start = time.perf_counter()
        pipe.fit(train_text, y_train)
        seconds = time.perf_counter() - start
        accuracy = pipe.score(test_text, y_test)
        print(f"  ml2learn  {model:<62} {accuracy:.4f}  ({seconds:.1f} s)")
        results.append(
            Result(task, "ml2learn", model, seconds, accuracy, "accuracy", 1)
        )
    results += _perplexity(texts, quick)
    return results


def _perplexity(texts, quick):
    train, held_out = train_test_split(
        texts, train_size=3000 if quick else 6000, test_size=1000, random_state=1
    )
    epochs = 2 if quick else 6
    task = (
        f"word-level language model, {len(train)} verses, perplexity on "
        f"{len(held_out)} held-out verses"
    )
    params = dict(
        tokenizer="word", lowercase=True, min_freq=2, max_len=48, batch_size=64,
        max_epochs=epochs, random_state=0,
    )  # fmt: skip
    contenders = [
        (
            "RNNLanguageModel(lstm, 256)",
            RNNLanguageModel(hidden_size=256, embedding_dim=128, **params),
        ),
        (
            "TransformerLanguageModel(128, 4 heads, 2 layers)",
            TransformerLanguageModel(128, 4, **params),
        ),
    ]
    results = []
    for model, lm in contenders:
        start = time.perf_counter()
        lm.fit(train)
        seconds = time.perf_counter() - start
        perplexity = lm.perplexity(held_out)
        print(f"  ml2learn  {model:<62} perplexity {perplexity:.1f} ({seconds:.1f} s)")
        results.append(
            Result(task, "ml2learn", model, seconds, perplexity, "perplexity", 1)
        )
    # the unigram model with the same vocabulary, as a floor to beat
    encoder = contenders[0][1].encoder_
    counts = Counter()
    for row in encoder.transform(train):
        counts.update(int(i) for i in row[1:] if i > 0)
    total = sum(counts.values())
    log_p, n = 0.0, 0
    for row in encoder.transform(held_out):
        for i in row[1:]:
            if i > 0:
                log_p += np.log(
                    (counts[int(i)] + 1) / (total + len(encoder.vocabulary_))
                )
                n += 1
    unigram = float(np.exp(-log_p / n))
    print(
        f"  baseline  {'add-one unigram, same vocabulary':<62} perplexity {unigram:.1f}"
    )
    results.append(
        Result(
            task,
            "baseline",
            "add-one unigram, same vocabulary",
            0.0,
            unigram,
            "perplexity",
            1,
        )  # fmt: skip
    )
    return results
