"""The adversarial losses (notes, lines 4511-4720; Goodfellow et al., 2014),
computed from the discriminator's logits ``l`` with ``D = sigmoid(l)``:
``log D = -softplus(-l)`` and ``log(1 - D) = -softplus(l)``, which stay
finite where ``D`` rounds to 0 or 1."""

from torch.nn import functional as F

__all__ = [
    "cycle_consistency_loss",
    "discriminator_loss",
    "generator_loss",
    "least_squares_losses",
    "translation_generator_loss",
]


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


def translation_generator_loss(
    fake_logits, fake, target, l1_weight=100.0, adversarial_weight=1.0
):
    """The pix2pix generator's objective (Isola et al., 2017, eq. 4):
    ``L_G = a L_cGAN + lambda L_L1`` with ``L_cGAN = -E[log D(x, G(x))]``
    (non-saturating) and ``L_L1 = E[|y - G(x)|]``.

    The L1 term is the mean absolute difference over pixels, channels and
    images, as in the authors' code (the paper writes the norm per image;
    its lambda = 100 is for this mean on images in ``[-1, 1]``). With
    ``adversarial_weight=0`` it is the L1-only baseline of the paper's
    comparisons; the logits are then not needed.

    Parameters
    ----------
    fake_logits : tensor or None
        The discriminator's patch logits on ``(x, G(x))``; None when
        ``adversarial_weight`` is 0.
    fake : tensor
        ``G(x)``.
    target : tensor
        ``y``, of ``fake``'s shape.
    l1_weight : float, default=100.0
        ``lambda``.
    adversarial_weight : float, default=1.0
        ``a``.

    Returns
    -------
    loss : scalar tensor
        ``L_G``.
    adversarial : scalar tensor
        ``L_cGAN`` (0 without logits).
    l1 : scalar tensor
        ``L_L1``.

    Examples
    --------
    >>> import math, torch
    >>> from ml2learn.generative import translation_generator_loss
    >>> fake, target = torch.zeros(1, 1, 2, 2), torch.full((1, 1, 2, 2), 0.5)
    >>> logits = torch.full((1, 1, 3, 3), math.log(0.2 / 0.8))   # D = 0.2
    >>> loss, adversarial, l1 = translation_generator_loss(logits, fake, target)
    >>> round(float(adversarial), 4), float(l1), round(float(loss), 4)
    (1.6094, 0.5, 51.6094)
    """
    l1 = (target - fake).abs().mean()
    if fake_logits is None:
        adversarial = l1.new_zeros(())
    else:
        adversarial = generator_loss(fake_logits)
    return adversarial_weight * adversarial + l1_weight * l1, adversarial, l1


def least_squares_losses(real_logits, fake_logits):
    """The least-squares GAN losses (Mao et al., 2017) that CycleGAN trains
    with: ``L_D = (E[(D(y) - 1)^2] + E[D(G(x))^2]) / 2`` and
    ``L_G = E[(D(G(x)) - 1)^2]``, on the discriminator's raw outputs.

    Parameters
    ----------
    real_logits : tensor or None
        ``D`` on real images (None: only ``L_G`` is wanted).
    fake_logits : tensor
        ``D`` on generated images.

    Returns
    -------
    d_loss : scalar tensor or None
        ``L_D`` (None without ``real_logits``).
    g_loss : scalar tensor
        ``L_G``.

    Examples
    --------
    >>> import torch
    >>> from ml2learn.generative import least_squares_losses
    >>> d, g = least_squares_losses(torch.tensor([0.8]), torch.tensor([0.4]))
    >>> round(float(d), 4), round(float(g), 4)   # (0.04 + 0.16) / 2, 0.36
    (0.1, 0.36)
    """
    g_loss = ((fake_logits - 1) ** 2).mean()
    if real_logits is None:
        return None, g_loss
    d_loss = (((real_logits - 1) ** 2).mean() + (fake_logits**2).mean()) / 2
    return d_loss, g_loss


def cycle_consistency_loss(real_a, reconstructed_a, real_b, reconstructed_b):
    """CycleGAN's cycle loss (Zhu et al., 2017, eq. 2):
    ``L_cyc = E[|F(G(a)) - a|] + E[|G(F(b)) - b|]``, each a mean over
    pixels as in the authors' code.

    The same form with ``F(a)`` and ``G(b)`` in place of the
    reconstructions is the identity loss, ``E[|F(a) - a|] + E[|G(b) -
    b|]``, which keeps a generator from changing images already in its
    output domain.

    Parameters
    ----------
    real_a, reconstructed_a : tensor
        Images of domain A and ``F(G(a))``.
    real_b, reconstructed_b : tensor
        Images of domain B and ``G(F(b))``.

    Returns
    -------
    loss : scalar tensor
        ``L_cyc``.

    Examples
    --------
    >>> import torch
    >>> from ml2learn.generative import cycle_consistency_loss
    >>> a, b = torch.zeros(1, 1, 2, 2), torch.ones(1, 1, 2, 2)
    >>> float(cycle_consistency_loss(a, a + 0.5, b, b - 0.25))
    0.75
    """
    return (reconstructed_a - real_a).abs().mean() + (
        reconstructed_b - real_b
    ).abs().mean()
