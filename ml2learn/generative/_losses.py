"""The adversarial losses (notes, lines 4511-4720; Goodfellow et al., 2014),
computed from the discriminator's logits ``l`` with ``D = sigmoid(l)``:
``log D = -softplus(-l)`` and ``log(1 - D) = -softplus(l)``, which stay
finite where ``D`` rounds to 0 or 1."""

from torch.nn import functional as F

__all__ = ["discriminator_loss", "generator_loss"]


def discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):
    """``L_D = -E_x[log D(x)] - E_z[log(1 - D(G(z)))]``.

    With one-sided label smoothing ``s`` (Salimans et al., 2016) the real
    rows' target is ``1 - s`` instead of 1: ``-E_x[(1 - s) log D(x) + s
    log(1 - D(x))]``; the fake rows' target stays 0.

    Parameters
    ----------
    real_logits : tensor of shape (B,) or (B, 1)
        The discriminator's logits on real rows.
    fake_logits : tensor of shape (B',) or (B', 1)
        Its logits on generated rows.
    label_smoothing : float, default=0.0
        ``s`` in ``[0, 1)``.

    Returns
    -------
    loss : scalar tensor
        The sum of the two means.

    Examples
    --------
    The notes' formula for fixed outputs ``D(x) = 0.9`` and ``D(G(z)) = 0.2``:
    ``-log 0.9 - log 0.8 = 0.3285``.

    >>> import math, torch
    >>> from ml2learn.generative import discriminator_loss
    >>> logit = lambda p: torch.tensor([math.log(p / (1 - p))])
    >>> round(float(discriminator_loss(logit(0.9), logit(0.2))), 4)
    0.3285
    """
    real = F.binary_cross_entropy_with_logits(
        real_logits, real_logits.new_full(real_logits.shape, 1.0 - label_smoothing)
    )
    fake = F.binary_cross_entropy_with_logits(
        fake_logits, fake_logits.new_zeros(fake_logits.shape)
    )
    return real + fake


def generator_loss(fake_logits, kind="non_saturating"):
    """The generator's loss on the discriminator's logits of generated rows.

    - ``"non_saturating"``: ``L_G = -E_z[log D(G(z))]`` (the notes' loss,
      and the paper's practical choice: strong gradients while ``D`` still
      rejects the samples);
    - ``"minimax"``: ``L_G = E_z[log(1 - D(G(z)))]``, the generator's side of
      the minimax objective, whose gradient vanishes when ``D(G(z))`` is
      near 0.

    Parameters
    ----------
    fake_logits : tensor of shape (B,) or (B, 1)
        Logits on generated rows.
    kind : {"non_saturating", "minimax"}, default="non_saturating"
        Which loss.

    Returns
    -------
    loss : scalar tensor
        The loss to minimise.

    Examples
    --------
    >>> import math, torch
    >>> from ml2learn.generative import generator_loss
    >>> l = torch.tensor([math.log(0.2 / 0.8)])      # D(G(z)) = 0.2
    >>> round(float(generator_loss(l)), 4), round(-math.log(0.2), 4)
    (1.6094, 1.6094)
    >>> round(float(generator_loss(l, "minimax")), 4), round(math.log(0.8), 4)
    (-0.2231, -0.2231)
    """
    if kind == "non_saturating":
        return F.softplus(-fake_logits).mean()
    if kind == "minimax":
        return -F.softplus(fake_logits).mean()
    raise ValueError(f"kind must be 'non_saturating' or 'minimax'; got {kind!r}.")
