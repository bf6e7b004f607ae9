"""Printable tables and plots of a fitted boosting ensemble."""

import numpy as np

__all__ = ["format_rounds_table", "plot_staged_scores"]


def format_rounds_table(boosting, max_rounds=None, decimals=4):
    """Format ``D_t``, ``Z_t``, ``eps_t`` and ``alpha_t`` round by round.

    Parameters
    ----------
    boosting : fitted AdaBoostClassifier or AdaBoostRegressor
        An ensemble with ``sample_weight_history_``.
    max_rounds : int, default=None
        Show only the first rounds; ``None`` shows them all.
    decimals : int, default=4
        Digits after the decimal point.

    Returns
    -------
    table : str
        The course's table: a row per sample, a column per round.
    """
    history = boosting.sample_weight_history_
    n_rounds = len(boosting.estimators_)
    if max_rounds is not None:
        n_rounds = min(n_rounds, max_rounds)
    columns = [f"D_{t + 1}(i)" for t in range(min(n_rounds + 1, len(history)))]
    width = max(decimals + 4, max(len(c) for c in columns))
    cell = f"{{:>{width}.{decimals}f}}"
    lines = ["sample".ljust(8) + "".join(c.rjust(width + 1) for c in columns)]
    for i in range(history.shape[1]):
        values = "".join(" " + cell.format(history[t, i]) for t in range(len(columns)))
        lines.append(str(i + 1).ljust(8) + values)

    def summary(name, values):
        row = "".join(" " + cell.format(v) for v in values[:n_rounds])
        return name.ljust(8) + row

    lines.append(summary("Z_t", boosting.normalizers_))
    lines.append(summary("eps_t", boosting.estimator_errors_))
    lines.append(summary("alpha_t", boosting.estimator_weights_))
    return "\n".join(lines)


def plot_staged_scores(estimator, X_train, y_train, X_test, y_test, ax=None):
    """Plot training and test scores after each boosting round.

    Parameters
    ----------
    estimator : fitted boosting estimator
        Any ml2learn boosting estimator with ``staged_predict``.
    X_train, y_train : array-like
        Training data.
    X_test, y_test : array-like
        Held-out data.
    ax : matplotlib Axes, default=None
        Where to draw; ``None`` creates a figure.

    Returns
    -------
    ax : matplotlib Axes
        The axes with two curves, "train" and "test".
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise ImportError(
            "plot_staged_scores needs matplotlib: pip install 'ml2learn[plot]'."
        ) from exc
    from sklearn.base import is_classifier
    from sklearn.metrics import accuracy_score, r2_score

    metric = accuracy_score if is_classifier(estimator) else r2_score
    train = [metric(y_train, p) for p in estimator.staged_predict(X_train)]
    test = [metric(y_test, p) for p in estimator.staged_predict(X_test)]
    if ax is None:
        _, ax = plt.subplots()
    rounds = np.arange(1, len(train) + 1)
    ax.plot(rounds, train, label="train")
    ax.plot(rounds, test, label="test")
    ax.set_xlabel("boosting round")
    ax.set_ylabel("accuracy" if is_classifier(estimator) else "R$^2$")
    ax.legend()
    return ax
