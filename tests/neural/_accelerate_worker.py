"""One process of a data-parallel fit through Hugging Face Accelerate, for
``test_accelerate.py``: ``python -m torch.distributed.run --nproc_per_node 2
_accelerate_worker.py OUT_DIR`` trains the estimators of ``estimators()`` on
the CPU (gloo) and writes each process's predictions to ``OUT_DIR``."""

import sys
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification, make_regression

from ml2learn.neural import MLPRegressor, TransformerClassifier


def data():
    X_reg, y_reg = make_regression(n_samples=128, n_features=8, random_state=0)
    X_clf, y_clf = make_classification(
        n_samples=96, n_features=12, n_informative=6, random_state=0
    )
    return (X_reg / 2, y_reg / 100), (X_clf, y_clf)


def estimators(accelerator=None):
    """Estimators whose full-batch gradient is the mean of the per-process
    half-batch gradients (no batch norm, no dropout; batches split evenly)."""
    return {
        "mlp": MLPRegressor(
            (16,), optimizer="sgd", learning_rate=0.05, batch_size=32,
            max_epochs=4, random_state=0, accelerator=accelerator,
        ),
        "early stopping": MLPRegressor(
            (16,), optimizer="sgd", learning_rate=0.05, batch_size=32,
            max_epochs=6, early_stopping=True, validation_fraction=0.25,
            patience=2, random_state=0, accelerator=accelerator,
        ),
        "transformer": TransformerClassifier(
            16, 2, num_layers=1, d_ff=32, dropout=0.0, batch_size=16,
            max_epochs=3, random_state=0, accelerator=accelerator,
        ),
    }  # fmt: skip


def main(out):
    from accelerate import Accelerator

    accelerator = Accelerator(cpu=True)
    (X_reg, y_reg), (X_clf, y_clf) = data()
    models = estimators(accelerator)
    mlp = models["mlp"].fit(X_reg, y_reg)
    stopped = models["early stopping"].fit(X_reg, y_reg)
    transformer = models["transformer"].fit(X_clf, y_clf)
    np.savez(
        Path(out) / f"rank{accelerator.process_index}.npz",
        n_processes=accelerator.num_processes,
        mlp=mlp.predict(X_reg),
        early_stopping=stopped.predict(X_reg),
        best_epoch=stopped.best_epoch_,
        transformer=transformer.predict_proba(X_clf),
        mlp_loss=mlp.loss_curve_,
    )


if __name__ == "__main__":
    main(sys.argv[1])
