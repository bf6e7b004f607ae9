"""Image captioning on strips of scikit-learn's digits
(:func:`~ml2learn.datasets.make_digit_captions`: one to four digits side by
side, captioned in words): 3,000 training strips, 1,000 test strips whose
digit combinations (and digit images) never occur in training. The
captioner with Xu et al.'s soft attention over the CNN's feature map (with
learned grid positions, the default, and without them, as in the paper)
against the same network without attention ("show and tell": the image
enters through the decoder's first state only); exact match and word
accuracy on the test strips, mean over 3 seeds, greedy decoding and beam
search.
"""

import statistics
import time

from ml2learn.datasets import make_digit_captions
from ml2learn.neural import ImageCaptioner

from ._common import Result

MODELS = [
    ("CNN + LSTM, soft attention, grid positions", dict(attention="concat")),
    (
        "CNN + LSTM, soft attention (Xu et al., no positions)",
        dict(attention="concat", grid_positions=None),
    ),
    ("CNN + LSTM, no attention (show and tell)", dict(attention=None)),
]


def run(quick=False):
    n_train, n_test = (1000, 300) if quick else (3000, 1000)
    seeds = [0] if quick else [0, 1, 2]
    epochs = 5 if quick else 20
    task = (
        f"digit strips -> captions, {n_train} train / {n_test} test strips of "
        f"unseen combinations, {epochs} epochs"
    )
    results = []
    for name, params in MODELS:
        exact, words, fits = {1: [], 3: []}, {1: [], 3: []}, []
        for seed in seeds:
            X_train, X_test, y_train, y_test = make_digit_captions(
                n_train, n_test, random_state=seed
            )
            model = ImageCaptioner(
                hidden_size=128, dropout=0.3, learning_rate=3e-3, batch_size=64,
                max_epochs=epochs, random_state=seed, **params,
            )  # fmt: skip
            start = time.perf_counter()
            model.fit(X_train, y_train)
            fits.append(time.perf_counter() - start)
            for beam in exact:
                model.set_params(beam_width=beam)
                exact[beam].append(model.score(X_test, y_test))
                words[beam].append(model.token_accuracy(X_test, y_test))
        for beam in exact:
            label = f"{name}, {'greedy' if beam == 1 else f'beam {beam}'}"
            note = (
                f"exact match {statistics.mean(exact[beam]):.4f} "
                f"({', '.join(f'{e:.3f}' for e in exact[beam])}); word accuracy "
                f"{statistics.mean(words[beam]):.4f}"
            )
            print(
                f"  ml2learn  {label:<56} {note} (fit {statistics.median(fits):.1f} s)"
            )
            results.append(
                Result(
                    task,
                    "ml2learn",
                    label,
                    statistics.median(fits),
                    statistics.mean(exact[beam]),
                    "exact match",
                    len(seeds),
                    note,
                )
            )
    return results
