"""Word embeddings on the King James Bible: speed against gensim's Word2Vec
and quality of every embedding on ml2learn's KJV word relations.

Same settings for both libraries: lowercased ``\\w+`` tokens of every verse,
vector_size 100, window 5, negative 5, sub-sampling 1e-3, min_count 5, 5
epochs, 2 threads, starting learning rate 0.025 for skip-gram and 0.05 for
CBOW (word2vec's defaults, ml2learn's "auto"; gensim's default is 0.025 for
both, so it is passed ``alpha=0.05`` for CBOW). Quality: 3CosAdd accuracy on
the analogy questions of
:func:`ml2learn.datasets.load_kjv_word_relations` (family, pronoun-object,
verb-past, plural) and Spearman's rho of cosine similarity with the scored
word pairs. Fits alternate between the libraries; each repeat uses a new
seed; times are medians, qualities means.
"""

import re
import statistics
import time

import numpy as np

from ml2learn.datasets import load_kjv_word_relations
from ml2learn.text import CooccurrenceEmbedding, GloVe, KeyedVectors, Word2Vec

from ._common import Result, optional_import
from .bench_text import load_corpus


def _quality(wv, relations):
    analogies = wv.evaluate_analogies(relations.analogies)
    similarity = wv.evaluate_similarities(relations.similarities)
    return analogies.accuracy, similarity.spearman, analogies.sections


def _gensim_fit(gensim, sentences, architecture, seed):
    model = gensim.models.Word2Vec(
        sentences,
        vector_size=100,
        window=5,
        negative=5,
        sample=1e-3,
        min_count=5,
        epochs=5,
        workers=2,
        sg=int(architecture == "skipgram"),
        alpha=0.025 if architecture == "skipgram" else 0.05,
        seed=seed,
    )
    return KeyedVectors(list(model.wv.index_to_key), model.wv.vectors)


def _ours_fit(sentences, architecture, seed, solver="sgd"):
    model = Word2Vec(
        100,
        window=5,
        negative=5,
        sample=1e-3,
        min_count=5,
        epochs=5,
        n_jobs=2,
        architecture=architecture,
        solver=solver,
        random_state=seed,
    ).fit(sentences)
    return model.wv_


def run(quick=False):
    corpus, name = load_corpus(quick)
    sentences = [re.findall(r"\w+", verse.lower()) for verse in corpus]
    n_words = sum(map(len, sentences))
    relations = load_kjv_word_relations()
    repeats = 1 if quick else 3
    gensim = optional_import("gensim")
    # compile the kernels outside the timings
    Word2Vec(10, min_count=1, epochs=1).fit(sentences[:50])
    GloVe(10, min_count=1, epochs=1).fit(sentences[:50])
    results = []
    for architecture in ("skipgram", "cbow"):
        task = f"word2vec {architecture}, {n_words} words x 5 epochs ({name})"
        contenders = [("ml2learn", "Word2Vec(n_jobs=2)", _ours_fit)]
        if gensim is not None:
            contenders.append(
                (
                    "gensim",
                    f"Word2Vec(sg={int(architecture == 'skipgram')}, workers=2)",
                    lambda s, a, seed: _gensim_fit(gensim, s, a, seed),
                )
            )
        timings = {model: [] for _, model, _ in contenders}
        qualities = {model: [] for _, model, _ in contenders}
        for seed in range(repeats):
            for _, model, fit in contenders:
                start = time.perf_counter()
                wv = fit(sentences, architecture, seed)
                timings[model].append(time.perf_counter() - start)
                qualities[model].append(_quality(wv, relations))
        if architecture == "skipgram" and not quick:
            contenders.append(("ml2learn", 'Word2Vec(solver="adam")', None))
            model = contenders[-1][1]
            start = time.perf_counter()
            wv = _ours_fit(sentences, architecture, 0, solver="adam")
            timings[model] = [time.perf_counter() - start]
            qualities[model] = [_quality(wv, relations)]
        for library, model, _ in contenders:
            seconds = statistics.median(timings[model])
            analogy = float(np.mean([q[0] for q in qualities[model]]))
            spearman = float(np.mean([q[1] for q in qualities[model]]))
            sections = ", ".join(
                f"{k} {np.mean([q[2][k] for q in qualities[model]]):.3f}"
                for k in qualities[model][0][2]
            )
            words_per_second = 5 * n_words / seconds
            print(
                f"  {library:<9} {model:<30} {seconds:7.2f} s "
                f"{words_per_second:10.0f} words/s analogy {analogy:.3f} "
                f"similarity {spearman:.3f}"
            )
            results.append(
                Result(
                    task,
                    library,
                    model,
                    seconds,
                    analogy,
                    "analogy acc",
                    len(timings[model]),
                    note=f"{words_per_second:,.0f} words/s; similarity rho "
                    f"{spearman:.3f}; {sections}",
                )
            )
    results += _count_based(sentences, name, relations, quick)
    return results


def _count_based(sentences, name, relations, quick):
    """GloVe and co-occurrence SVD on the same corpus and relations."""
    task = f"count-based embeddings, 100 dims ({name})"
    contenders = [
        ("GloVe(window=10, epochs=25, n_jobs=2)", lambda: GloVe(100, n_jobs=2)),
        (
            "GloVe(window=10, epochs=50, n_jobs=2)",
            lambda: GloVe(100, epochs=50, n_jobs=2),
        ),
        (
            'CooccurrenceEmbedding(window=5, "ppmi", scale="sqrt")',
            lambda: CooccurrenceEmbedding(
                100, window=5, association="ppmi", scale="sqrt", min_count=5
            ),
        ),
        (
            'CooccurrenceEmbedding(window=5, cap=100, "correlation")',
            lambda: CooccurrenceEmbedding(
                100, window=5, cap=100, association="correlation", min_count=5
            ),
        ),
    ]
    if quick:
        contenders = contenders[::2]
    results = []
    for model, make in contenders:
        estimator = make().set_params(random_state=0)
        start = time.perf_counter()
        estimator.fit(sentences)
        seconds = time.perf_counter() - start
        analogy, spearman, sections = _quality(estimator.wv_, relations)
        print(
            f"  ml2learn  {model:<55} {seconds:7.2f} s analogy {analogy:.3f} "
            f"similarity {spearman:.3f}"
        )
        results.append(
            Result(
                task,
                "ml2learn",
                model,
                seconds,
                analogy,
                "analogy acc",
                1,
                note=f"similarity rho {spearman:.3f}; "
                + ", ".join(f"{k} {v:.3f}" for k, v in sections.items()),
            )
        )
    return results
