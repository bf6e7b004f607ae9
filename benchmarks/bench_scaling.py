"""How fit time grows with the data: each method at growing sizes, next to
its reference library, on a log-log plot with the fitted slope (time ~
n^slope; 1 is linear).

Boosting on ``make_classification`` (20 features) at 1k-1M rows, the MLP
at 1k-100k rows (5 epochs), one curve for each other family (CNN, LSTM,
transformer, TrAdaBoost, DANN, GAN) at 1k-100k rows of the same data,
the sequence-to-sequence family (tagger at 1k-100k sequences, translator
at 1k-100k date pairs, the character-level language models at 1k-16k KJV
verses), and the text family (TF-IDF, BPE, co-occurrence SVD, GloVe and
word2vec, one epoch; scikit-learn's TF-IDF, Hugging Face tokenizers' BPE
and gensim's word2vec beside them) on the King James Bible repeated 1, 4
and 16 times.
One fit per point, after a warm-up
fit (numba compiles on first use); the slope is the least-squares line
through log time against log size.
"""

import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification

from ._common import Result, optional_import

RESULTS = Path(__file__).parent / "results"


def _time(make, X, y=None):
    start = time.perf_counter()
    make().fit(X) if y is None else make().fit(X, y)
    return time.perf_counter() - start


def slope(sizes, seconds):
    """Least-squares slope of log(seconds) against log(size)."""
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def _curves(quick):
    from sklearn.ensemble import AdaBoostClassifier as SkAdaBoost
    from sklearn.ensemble import GradientBoostingClassifier as SkGB
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.neural_network import MLPClassifier as SkMLP
    from sklearn.tree import DecisionTreeClassifier

    from ml2learn.ensemble import AdaBoostClassifier, GradientBoostingClassifier
    from ml2learn.neural import MLPClassifier

    lightgbm = optional_import("lightgbm")
    rows = [1_000, 10_000] if quick else [1_000, 10_000, 100_000, 1_000_000]
    mlp_rows = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
    curves = [
        ("AdaBoost (50 stumps)", "ml2learn", rows,
         lambda: AdaBoostClassifier(n_estimators=50)),
        ("AdaBoost (50 stumps)", "scikit-learn", rows,
         lambda: SkAdaBoost(DecisionTreeClassifier(max_depth=1), n_estimators=50)),
        ("gradient boosting (50 trees, depth 3)", "ml2learn", rows,
         lambda: GradientBoostingClassifier(n_estimators=50, max_depth=3)),
        ("gradient boosting (50 trees, depth 3)", "scikit-learn", rows[:3],
         lambda: SkGB(n_estimators=50, max_depth=3)),
        ("histogram gradient boosting (50 trees, depth 3)", "ml2learn", rows,
         lambda: GradientBoostingClassifier(
             n_estimators=50, max_depth=3, tree_method="hist")),
        ("histogram gradient boosting (50 trees, depth 3)", "scikit-learn", rows,
         lambda: HistGradientBoostingClassifier(
             max_iter=50, max_depth=3, max_leaf_nodes=None,
             early_stopping=False)),
        ("MLP (64 units, 5 epochs)", "ml2learn", mlp_rows,
         lambda: MLPClassifier((64,), max_epochs=5, random_state=0)),
        ("MLP (64 units, 5 epochs)", "scikit-learn", mlp_rows,
         lambda: SkMLP((64,), max_iter=5, random_state=0)),
    ]  # fmt: skip
    if lightgbm is not None:
        curves.insert(
            4,
            (
                "gradient boosting (50 trees, depth 3)",
                "LightGBM",
                rows,
                lambda: lightgbm.LGBMClassifier(
                    n_estimators=50, max_depth=3, num_leaves=8, verbose=-1
                ),
            ),
        )
    curves += _more_families(quick)
    X_all, y_all = make_classification(
        n_samples=rows[-1], n_features=20, n_informative=10, random_state=0
    )
    points = _measure(
        (method, library, "rows", sizes, 300,
         lambda n, make=make: _time(make, X_all[:n], y_all[:n]))
        for method, library, sizes, make in curves
    )  # fmt: skip
    points += _sequence_curves(quick, X_all)
    points += _text_curves(quick)
    return points


class _HalvesAsDomains:
    """Fits a domain-adaptation estimator with the first half of the rows as
    the source and the second half as the target, one target row in ten
    labelled."""

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X, y):
        domain = np.where(np.arange(len(X)) < len(X) // 2, 1, -1)
        y = np.where((domain > 0) | (np.arange(len(X)) % 10 == 0), y, -1)
        return self.estimator.fit(X, y, sample_domain=domain)


def _more_families(quick):
    """One curve for each other family of the registry (no reference
    library computes the same thing; CPU, few epochs)."""
    from sklearn.tree import DecisionTreeClassifier

    from ml2learn.adaptation import DANNClassifier, TrAdaBoostClassifier
    from ml2learn.generative import GAN
    from ml2learn.neural import CNNClassifier, LSTMClassifier, TransformerClassifier

    rows = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
    return [
        ("CNN (16 filters on 4x5 maps, 2 epochs)", "ml2learn", rows,
         lambda: CNNClassifier((16,), image_shape=(4, 5), max_epochs=2)),
        ("LSTM (32 units, 20 steps, 2 epochs)", "ml2learn", rows,
         lambda: LSTMClassifier(hidden_size=32, max_epochs=2)),
        ("transformer (32 wide, 20 steps, 2 epochs)", "ml2learn", rows,
         lambda: TransformerClassifier(32, 4, num_layers=1, max_epochs=2)),
        ("TrAdaBoost (20 depth-1 trees)", "ml2learn", rows,
         lambda: _HalvesAsDomains(TrAdaBoostClassifier(
             DecisionTreeClassifier(max_depth=1), n_estimators=20))),
        ("DANN (64-64 features, 2 epochs)", "ml2learn", rows,
         lambda: _HalvesAsDomains(DANNClassifier(max_epochs=2, batch_size=64))),
        ("GAN (128-128, 2 epochs)", "ml2learn", rows,
         lambda: GAN(max_epochs=2, batch_size=64)),
    ]  # fmt: skip


def _sequence_curves(quick, X_all):
    """The sequence models whose input is not a feature matrix: the tagger
    (one label per step of 20-step sequences), the translator (dates in
    words to ISO, one epoch) and the two character-level language models
    (KJV verses, one epoch; a fixed character vocabulary keeps the output
    layer's size constant, so only the data grows)."""
    from ml2learn.datasets import load_kjv_verses, make_dates
    from ml2learn.neural import (
        RNNLanguageModel,
        RNNTagger,
        Seq2SeqTranslator,
    )
    from ml2learn.neural import TransformerLanguageModel as TransformerLM

    rows = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
    tags = (X_all[: rows[-1]] > 0).astype(int)
    dates = make_dates(rows[-1], random_state=0)
    curves = [
        ("RNN tagger (bi-LSTM 32, 20 steps, 2 epochs)", "sequences", rows,
         lambda n: _time(lambda: RNNTagger(hidden_size=32, max_epochs=2),
                         X_all[:n], tags[:n])),
        ("translator (LSTM 64 + attention, 1 epoch)", "pairs", rows,
         lambda n: _time(lambda: Seq2SeqTranslator(hidden_size=64, max_epochs=1),
                         dates[0][:n], dates[1][:n])),
    ]  # fmt: skip
    try:
        verses = load_kjv_verses()
    except OSError as exc:
        print(f"  [{exc}]")
        verses = None
    if verses is not None:
        # verses longer than 128 characters are cut (warned once per fit)
        warnings.filterwarnings("ignore", message=".*longer than max_len_")
        lm = dict(tokenizer="char", max_len=128, max_epochs=1, random_state=0)
        counts = [500, 2_000] if quick else [1_000, 4_000, 16_000]
        curves += [
            ("LSTM language model (64, chars, 1 epoch)", "verses", counts,
             lambda n: _time(lambda: RNNLanguageModel(hidden_size=64, **lm),
                             verses[:n])),
            ("transformer language model (1 layer of 64, chars, 1 epoch)", "verses",
             counts,
             lambda n: _time(lambda: TransformerLM(64, 4, num_layers=1, **lm),
                             verses[:n])),
        ]  # fmt: skip
    return _measure(
        (method, "ml2learn", unit, sizes, 300, fit)
        for method, unit, sizes, fit in curves
    )


def _text_curves(quick):
    from ml2learn.datasets import load_kjv_verses
    from ml2learn.text import (
        BPETokenizer,
        CooccurrenceEmbedding,
        GloVe,
        TfidfVectorizer,
        Word2Vec,
    )

    try:
        verses = load_kjv_verses()
    except OSError as exc:
        print(f"  [{exc}]")
        return []
    from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidfVectorizer

    gensim = optional_import("gensim")
    tokenizers = optional_import("tokenizers")
    repeats = [1, 4] if quick else [1, 4, 16]
    n_words = sum(len(v.split()) for v in verses)
    tokens = [v.lower().split() for v in verses]
    curves = [
        ("TF-IDF fit", "ml2learn", lambda k: _time(TfidfVectorizer, verses * k)),
        (
            "TF-IDF fit",
            "scikit-learn",
            lambda k: _time(SkTfidfVectorizer, verses * k),
        ),
        (
            "BPE fit (2,000 tokens)",
            "ml2learn",
            lambda k: _time(lambda: BPETokenizer(2000), verses * k),
        ),
        (
            "co-occurrence SVD (100, window 5)",
            "ml2learn",
            lambda k: _time(
                lambda: CooccurrenceEmbedding(100, min_count=5), verses * k
            ),
        ),
        (
            "GloVe (100, 10 epochs)",
            "ml2learn",
            lambda k: _time(lambda: GloVe(100, epochs=10, random_state=0), verses * k),
        ),
        (
            "word2vec skip-gram (1 epoch)",
            "ml2learn",
            lambda k: _time(
                lambda: Word2Vec(100, min_count=5, epochs=1, n_jobs=2, random_state=0),
                tokens * k,
            ),
        ),
    ]
    if tokenizers is not None:
        from tokenizers import Tokenizer, models, pre_tokenizers, trainers

        def hf_bpe_fit(k):
            start = time.perf_counter()
            tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
            tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
            trainer = trainers.BpeTrainer(
                vocab_size=2000, special_tokens=["<unk>"], show_progress=False
            )
            tokenizer.train_from_iterator(verses * k, trainer)
            return time.perf_counter() - start

        curves.insert(3, ("BPE fit (2,000 tokens)", "HF tokenizers", hf_bpe_fit))
    if gensim is not None:
        from gensim.models import Word2Vec as GensimWord2Vec

        def gensim_fit(k):
            start = time.perf_counter()
            GensimWord2Vec(tokens * k, vector_size=100, min_count=5, epochs=1,
                           sg=1, workers=2, seed=0)  # fmt: skip
            return time.perf_counter() - start

        curves.append(("word2vec skip-gram (1 epoch)", "gensim", gensim_fit))
    sizes = [n_words * k for k in repeats]
    return _measure(
        (method, library, "words", sizes, n_words,
         lambda n, fit=fit: fit(n // n_words))
        for method, library, fit in curves
    )  # fmt: skip


def _measure(curves):
    """Time ``fit(n)`` at every size of each curve, after a warm-up fit at
    ``warm_up`` (numba compiles on first use); (method, library, unit,
    sizes, seconds) per curve."""
    points = []
    for method, library, unit, sizes, warm_up, fit in curves:
        fit(warm_up)
        seconds = []
        for n in sizes:
            seconds.append(fit(n))
            print(f"  {method:<40} {library:<12} {unit}={n:>11,} {seconds[-1]:8.2f} s")
        points.append((method, library, unit, sizes, seconds))
    return points


def _plot(points, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    methods = list(dict.fromkeys(p[0] for p in points))
    cols = 3
    rows = -(-len(methods) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.4 * rows))
    for ax, method in zip(np.ravel(axes), methods):
        for name, library, unit, sizes, seconds in points:
            if name != method:
                continue
            label = f"{library} (slope {slope(sizes, seconds):.2f})"
            ax.loglog(sizes, seconds, "o-", label=label)
            ax.set_xlabel(unit)
        ax.set_title(method, fontsize=9)
        ax.set_ylabel("fit seconds")
        ax.legend(fontsize=7)
    for ax in np.ravel(axes)[len(methods) :]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(quick=False):
    points = _curves(quick)
    _plot(points, RESULTS / f"scaling_curves{'_quick' if quick else ''}.png")
    results = []
    for method, library, unit, sizes, seconds in points:
        s = slope(sizes, seconds)
        for n, t in zip(sizes, seconds):
            results.append(
                Result(
                    f"{method}, {n:,} {unit}",
                    library,
                    method,
                    t,
                    s,
                    "slope",
                    1,
                    (
                        f"log-log slope {s:.2f} over {unit} "
                        + ", ".join(f"{a:,}: {b:.2f} s" for a, b in zip(sizes, seconds))
                    )
                    if n == sizes[-1]
                    else "",
                )
            )
    return results
