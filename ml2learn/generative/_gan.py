"""The dense GAN (Goodfellow et al., 2014), unconditional or conditional
(Mirza & Osindero, 2014)."""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import validate_data

from ..utils._param_validation import Interval, StrOptions
from ..utils.validation import check_layer_sizes
from ._base import _BaseGAN, _doc
from ._networks import DenseDiscriminator, DenseGenerator, GANModule

__all__ = ["GAN"]

_AUTO_LATENT_DOC = (
    'int or "auto", default="auto"',
    """
        ``"auto"`` is ``min(16, max(2, n_features))``: no wider than the
        data (2 on 2-D rows).""",
)


class GAN(_BaseGAN):
    __doc__ = _doc(
        """A generative adversarial network with dense generator and
    discriminator.

    The generator ``G`` maps noise ``z ~ N(0, I)`` to rows; the discriminator
    ``D`` tells real rows from generated ones. They play ``min_G max_D
    E_x[log D(x)] + E_z[log(1 - D(G(z)))]``: each mini-batch updates ``D`` on
    ``L_D = -E_x[log D(x)] - E_z[log(1 - D(G(z)))]`` and, every ``d_steps``
    batches, ``G`` on ``L_G = -E_z[log D(G(z))]`` with ``D`` frozen.
    Features are standardised for training and generated rows are put back
    in the data's scale.

    Parameters
    ----------
    generator_layer_sizes : tuple of int, default=(128, 128)
        Hidden ReLU layers of ``G`` (the output layer is linear).
    discriminator_layer_sizes : tuple of int, default=(128, 128)
        Hidden LeakyReLU(0.2) layers of ``D``.
@PARAMS@
@ATTRIBUTES@    mean_ : ndarray of shape (`n_features_in_`,)
        Feature means removed for training.
    scale_ : ndarray of shape (`n_features_in_`,)
        Feature standard deviations divided out (1 for constant features).

    See Also
    --------
    DCGAN : Convolutional networks for images.
    ml2learn.generative.plot_samples : Draw generated rows.

    Notes
    -----
    The notes' alternating training updates the generator first; this
    follows the paper's Algorithm 1, which updates the discriminator
    ``d_steps`` times (``k``) and then the generator, on fresh noise each
    time. The generator's step leaves the discriminator's weights as they
    are: its gradients reach ``G`` through ``D`` but ``D``'s parameters are
    frozen.

    The defaults (a noise no wider than the data, learning rate 1e-3 on a
    cosine decay, label smoothing 0.1) cover every mode of rings of
    Gaussians of 5 to 12 modes, radius 1 to 10 and spread 0.02 to 0.5 in
    100 epochs, where the paper-style settings (a 16-wide noise, 2e-4, no
    smoothing) collapse onto few modes (``benchmarks/bench_generative.py``).

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014.
    .. [2] M. Mirza and S. Osindero, "Conditional generative adversarial
       nets", arXiv:1411.1784, 2014.
    .. [3] T. Salimans et al., "Improved techniques for training GANs",
       NeurIPS 2016 (one-sided label smoothing).

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.generative import GAN
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal([3.0, -1.0], [1.0, 0.5], size=(500, 2))
    >>> gan = GAN(max_epochs=60, random_state=0).fit(X)
    >>> samples = gan.sample(2000, random_state=0)
    >>> bool(np.allclose(samples.mean(axis=0), [3.0, -1.0], atol=0.3))
    True
    >>> gan.transform(X[:2]).shape     # D(x), the probability of "real"
    (2, 1)
    """,
        latent=_AUTO_LATENT_DOC,
        label=8,
        epochs=100,
        smoothing=0.1,
        learning_rate="1e-3",
        lr_schedule='"cosine"',
    )

    _parameter_constraints: dict = {
        **_BaseGAN._parameter_constraints,
        "latent_dim": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "generator_layer_sizes": [tuple, list],
        "discriminator_layer_sizes": [tuple, list],
    }

    def __init__(
        self,
        generator_layer_sizes=(128, 128),
        discriminator_layer_sizes=(128, 128),
        *,
        latent_dim="auto",
        conditional=False,
        label_dim=8,
        generator_loss="non_saturating",
        label_smoothing=0.1,
        d_steps=1,
        optimizer="adam",
        discriminator_optimizer=None,
        learning_rate=1e-3,
        discriminator_learning_rate=None,
        beta1=0.5,
        momentum=0.9,
        lr_schedule="cosine",
        lr_decay=0.1,
        lr_step_size=10,
        max_epochs=100,
        batch_size=64,
        warm_start=False,
        random_state=None,
        device="cpu",
        verbose=0,
    ):
        self.generator_layer_sizes = generator_layer_sizes
        self.discriminator_layer_sizes = discriminator_layer_sizes
        self.latent_dim = latent_dim
        self.conditional = conditional
        self.label_dim = label_dim
        self.generator_loss = generator_loss
        self.label_smoothing = label_smoothing
        self.d_steps = d_steps
        self.optimizer = optimizer
        self.discriminator_optimizer = discriminator_optimizer
        self.learning_rate = learning_rate
        self.discriminator_learning_rate = discriminator_learning_rate
        self.beta1 = beta1
        self.momentum = momentum
        self.lr_schedule = lr_schedule
        self.lr_decay = lr_decay
        self.lr_step_size = lr_step_size
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.warm_start = warm_start
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    def _build_module(self, n_features, n_classes):
        generator = DenseGenerator(
            self.latent_dim_,
            self.n_features_in_,
            check_layer_sizes(
                self.generator_layer_sizes, "generator_layer_sizes", allow_empty=True
            ),
            n_classes,
            self.label_dim,
        )
        discriminator = DenseDiscriminator(
            self.n_features_in_,
            check_layer_sizes(
                self.discriminator_layer_sizes,
                "discriminator_layer_sizes",
                allow_empty=True,
            ),
            n_classes,
            self.label_dim,
        )
        return GANModule(generator, discriminator, self.latent_dim_)

    def _latent_width(self, n_features):
        if self.latent_dim == "auto":
            return min(16, max(2, n_features))
        return self.latent_dim

    def _validate_X(self, X, reset):
        return validate_data(
            self, X, dtype=np.float32, reset=reset, ensure_min_samples=2 if reset else 1
        )

    def _fit_scaling(self, X):
        self.mean_ = X.astype(np.float64).mean(axis=0)
        scale = X.astype(np.float64).std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)

    def _scale(self, X):
        return (X - self.mean_) / self.scale_

    def _unscale(self, samples):
        return samples * self.scale_ + self.mean_
