"""Learning-rate schedules of the course (notes, lines 2784-2920).

Each schedule maps the epoch ``t = 0, 1, ...`` to a factor of the initial
learning rate ``eta_0``; :func:`learning_rate_at` gives ``eta_t`` itself.

``"hold_exponential"`` is the notes' Keras recipe (keep ``eta_0`` for the
first epochs, then decay exponentially). The notes' code multiplies the
current rate by ``exp(-0.1 t)`` at every epoch ``t >= 10``, which compounds
to ``exp(-0.1 (10 + 11 + ... + t))``; Keras' own documentation of
``LearningRateScheduler`` multiplies by ``exp(-0.1)`` per epoch, the
exponential decay of the slides' formula ``eta_0 e^{-kt}`` started late.
This follows the documentation: ``eta_t = eta_0 exp(-k (t + 1 - N))`` for
``t >= N``.
"""

import math

__all__ = ["SCHEDULES", "learning_rate_at", "schedule_factor"]

SCHEDULES = ("time", "step", "exponential", "cosine", "hold_exponential")


def schedule_factor(schedule, epoch, *, decay, step_size, max_epochs):
    """``eta_t / eta_0`` at ``epoch`` for a named schedule.

    Parameters
    ----------
    schedule : {"time", "step", "exponential", "cosine", "hold_exponential"} \
or None
        ``"time"``: ``1 / (1 + k t)``; ``"step"``: ``drop ** floor(t /
        step_size)``; ``"exponential"``: ``exp(-k t)``; ``"cosine"``:
        ``(1 + cos(pi t / T)) / 2`` with ``T = max_epochs``;
        ``"hold_exponential"``: 1 for ``t < step_size``, then
        ``exp(-k (t + 1 - step_size))``; ``None``: 1.
    epoch : int
        The epoch ``t``, counted from 0.
    decay : float
        ``k`` for the time-based and exponential schedules, the ``drop``
        factor for the step schedule.
    step_size : int
        Epochs between two drops of the step schedule; epochs held at
        ``eta_0`` by ``"hold_exponential"``.
    max_epochs : int
        ``T`` of the cosine schedule.

    Returns
    -------
    factor : float
        The multiplier of the initial learning rate.
    """
    if schedule is None:
        return 1.0
    if schedule == "time":
        return 1.0 / (1.0 + decay * epoch)
    if schedule == "step":
        return decay ** (epoch // step_size)
    if schedule == "exponential":
        return math.exp(-decay * epoch)
    if schedule == "hold_exponential":
        return math.exp(-decay * max(0, epoch + 1 - step_size))
    if schedule == "cosine":
        return 0.5 * (1.0 + math.cos(math.pi * min(epoch, max_epochs) / max_epochs))
    raise ValueError(f"schedule must be None or one of {SCHEDULES}; got {schedule!r}.")


def learning_rate_at(schedule, epoch, learning_rate, **kwargs):
    """``eta_t = eta_0 * schedule_factor(...)``; see :func:`schedule_factor`.

    Parameters
    ----------
    schedule : str, callable or None
        The schedule's name, or a callable ``schedule(epoch, learning_rate)``
        returning ``eta_t``.
    epoch : int
        The epoch ``t``.
    learning_rate : float
        ``eta_0``.
    **kwargs : dict
        ``decay``, ``step_size`` and ``max_epochs``.

    Returns
    -------
    eta : float
        The learning rate of epoch ``t``.

    Examples
    --------
    >>> from ml2learn.neural import learning_rate_at
    >>> round(learning_rate_at("exponential", 10, 0.1, decay=0.1, step_size=1,
    ...                        max_epochs=20), 6)
    0.036788
    """
    if callable(schedule):
        rate = float(schedule(epoch, learning_rate))
        if not rate > 0 or not math.isfinite(rate):
            raise ValueError(
                f"lr_schedule returned {rate!r} at epoch {epoch}; a learning "
                "rate must be a positive finite number."
            )
        return rate
    return learning_rate * schedule_factor(schedule, epoch, **kwargs)
