"""TF-IDF against scikit-learn's TfidfVectorizer.

Corpus: the King James Bible from Debian's ``bible-kjv-text`` (one verse a
document, 31,102 verses) when its ``bible`` program is installed (``apt-get
install bible-kjv-text``); otherwise scikit-learn's data-set descriptions
repeated to 40,000 sentences.
"""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer as SklearnTfidf

from ml2learn.datasets import load_dataset_descriptions, load_kjv_verses
from ml2learn.text import TfidfVectorizer

from ._common import Result, time_fit


def load_corpus(quick=False):
    """Verses of the KJV Bible, or a fallback corpus; and its name."""
    try:
        verses = load_kjv_verses()
    except OSError:
        verses = []
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
    return _tfidf_timings(quick) + _bpe_timings(quick)


def _tfidf_timings(quick):
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


def _bpe_timings(quick):
    """BPE training: ml2learn, the textbook loop and Hugging Face tokenizers."""
    import time
    from collections import Counter

    from ml2learn.text import BPETokenizer, learn_bpe_merges

    from ._common import optional_import

    corpus, name = load_corpus(quick)
    vocab_size = 1000 if quick else 5000
    task = f"BPE training, vocab {vocab_size} ({name})"
    results = []
    seconds, fitted = time_fit(lambda: BPETokenizer(vocab_size), corpus, None, 3)
    n_merges = len(fitted.merges_)
    print(
        f"  ml2learn      BPETokenizer({vocab_size})  {seconds:7.3f} s "
        f"({n_merges} merges)"
    )
    results.append(
        Result(
            task,
            "ml2learn",
            f"BPETokenizer({vocab_size})",
            seconds,
            n_merges,
            "merges",
            3,
        )
    )
    # The textbook loop recounts every pair for every merge; time a few hundred
    # merges and scale linearly (its cost per merge only falls slowly).
    counts = Counter(w for doc in corpus for w, _ in fitted._words(doc))
    sample = 50 if quick else 200
    start = time.perf_counter()
    _textbook(counts, sample)
    textbook = (time.perf_counter() - start) / sample * n_merges
    start = time.perf_counter()
    ours_sample = learn_bpe_merges(counts, sample)[0]
    print(
        f"  textbook      loop, {sample} merges scaled to {n_merges}: "
        f"{textbook:7.1f} s (ml2learn's first {sample}: "
        f"{time.perf_counter() - start:.3f} s)"
    )
    assert ours_sample == _textbook(counts, sample), "merges differ from textbook"
    results.append(
        Result(
            task,
            "textbook",
            f"recount loop (x{n_merges}/{sample})",
            textbook,
            n_merges,
            "merges",
            1,
            note=f"timed on {sample} merges, scaled linearly; identical merges",
        )
    )
    tokenizers = optional_import("tokenizers")
    if tokenizers is not None:
        from tokenizers import Tokenizer, models, pre_tokenizers, trainers

        def train():
            tok = Tokenizer(models.BPE(unk_token="<unk>"))
            tok.pre_tokenizer = pre_tokenizers.Whitespace()
            trainer = trainers.BpeTrainer(
                vocab_size=vocab_size, special_tokens=["<unk>"], show_progress=False
            )
            tok.train_from_iterator(corpus, trainer)
            return tok

        times = []
        for _ in range(3):
            start = time.perf_counter()
            tok = train()
            times.append(time.perf_counter() - start)
        seconds = float(np.median(times))
        print(f"  tokenizers    BpeTrainer({vocab_size})  {seconds:7.3f} s")
        results.append(
            Result(
                task,
                "HF tokenizers",
                f"BpeTrainer({vocab_size})",
                seconds,
                tok.get_vocab_size(),
                "vocab",
                3,
                note="Rust, multi-threaded",
            )
        )
    return results


def _textbook(word_counts, n_merges):
    """Recount all pairs of all words for every merge (ties: smallest pair)."""
    from collections import Counter

    words = {tuple(w): c for w, c in word_counts.items()}
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for symbols, count in words.items():
            for pair in zip(symbols[:-1], symbols[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        merges.append(best)
        merged = {}
        for symbols, count in words.items():
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == best:
                    out.append(symbols[i] + symbols[i + 1])
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + count
        words = merged
    return merges
