"""Sequence-to-sequence learning on a task the code generates: dates written
in words ("friday the twenty third of march nineteen eighty four", six word
orders, two ways of reading years) to ISO 8601 ("1984-03-23"), with
held-out dates. The same LSTM encoder-decoder without attention and with
Luong's dot and general and Bahdanau's concat scores, and the transformer
encoder-decoder; greedy decoding and beam search. Exact match and token
accuracy on 2,000 held-out dates, mean over seeds.
"""

import statistics
import time

from ml2learn.datasets import make_dates
from ml2learn.neural import Seq2SeqTranslator

from ._common import Result

MODELS = [
    ("LSTM, no attention", dict(attention=None)),
    ("LSTM + dot attention", dict(attention="dot")),
    ("LSTM + general attention", dict(attention="general")),
    ("LSTM + concat attention", dict(attention="concat")),
    ("transformer (2+2 layers, 4 heads)",
     dict(architecture="transformer", num_layers=2)),
]  # fmt: skip


def run(quick=False):
    sizes = [2000] if quick else [2000, 10000]
    seeds = [0] if quick else [0, 1, 2]
    epochs = 4 if quick else 10
    results = []
    for n_train in sizes:
        task = (
            f"dates in words -> ISO, {n_train} train / 2000 held-out pairs, "
            f"{epochs} epochs"
        )
        for name, params in MODELS:
            results.append(_run_model(task, name, params, n_train, seeds, epochs))
        if n_train == sizes[-1]:
            params = dict(attention="general")
            results.append(
                _run_model(
                    task,
                    "LSTM + general, beam 5",
                    params,
                    n_train,
                    seeds,
                    epochs,
                    beam_width=5,
                )  # fmt: skip
            )
    return results


def _run_model(task, name, params, n_train, seeds, epochs, beam_width=1):
    times, exact, tokens, predict_times = [], [], [], []
    for seed in seeds:
        X, y = make_dates(n_train + 2000, random_state=seed)
        model = Seq2SeqTranslator(
            target_tokenizer="char", hidden_size=128, embedding_dim=64,
            learning_rate=3e-3, batch_size=64, max_epochs=epochs,
            random_state=seed, **params,
        )  # fmt: skip
        start = time.perf_counter()
        model.fit(X[:n_train], y[:n_train])
        times.append(time.perf_counter() - start)
        model.set_params(beam_width=beam_width)
        start = time.perf_counter()
        exact.append(model.score(X[n_train:], y[n_train:]))
        predict_times.append(time.perf_counter() - start)
        tokens.append(model.token_accuracy(X[n_train:], y[n_train:]))
    spread = statistics.pstdev(exact) if len(exact) > 1 else 0.0
    note = (
        f"exact match {statistics.mean(exact):.4f} +- {spread:.4f} "
        f"({', '.join(f'{e:.3f}' for e in exact)}); token accuracy "
        f"{statistics.mean(tokens):.4f}; predicting 2000 dates "
        f"{statistics.median(predict_times):.2f} s"
    )
    print(f"  ml2learn  {name:<36} {note} (fit {statistics.median(times):.1f} s)")
    return Result(
        task,
        "ml2learn",
        name,
        statistics.median(times),
        statistics.mean(exact),
        "exact match",
        len(seeds),
        note,
    )
