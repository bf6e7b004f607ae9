"""The recurrent attention models as their papers specify them, on the date
task of ``bench_translation`` (2,000 training pairs, 2,000 held-out dates,
10 epochs, 3 seeds): Luong's decoder with the concat and general scores
(the baselines of that table), Luong's location-based score, Bahdanau's
RNNsearch (bidirectional encoder, a decoder that scores its previous state
and feeds the context into the recurrence, maxout output), a bidirectional
encoder under Luong's decoder, and two stacked layers with and without
GNMT's residual connections.
"""

from .bench_translation import _run_model

MODELS = [
    ("LSTM + concat (Luong decoder)", dict(attention="concat")),
    ("LSTM + general (Luong decoder)", dict(attention="general")),
    ("LSTM + location (Luong)", dict(attention="location")),
    ("RNNsearch: BiLSTM + Bahdanau decoder, concat",
     dict(attention="concat", decoder="bahdanau", bidirectional_encoder=True)),
    ("BiLSTM + general (Luong decoder)",
     dict(attention="general", bidirectional_encoder=True)),
    ("2-layer LSTM + general", dict(attention="general", num_layers=2)),
    ("2-layer LSTM + general, residual (GNMT)",
     dict(attention="general", num_layers=2, residual=True)),
]  # fmt: skip


def run(quick=False):
    n_train = 2000
    seeds = [0] if quick else [0, 1, 2]
    epochs = 4 if quick else 10
    task = (
        f"dates in words -> ISO, {n_train} train / 2000 held-out pairs, {epochs} epochs"
    )
    return [
        _run_model(task, name, params, n_train, seeds, epochs)
        for name, params in MODELS
    ]
