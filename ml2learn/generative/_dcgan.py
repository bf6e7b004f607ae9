"""The deep convolutional GAN (Radford et al., 2016), unconditional or
conditional."""

from numbers import Integral

import numpy as np
import torch
from sklearn.utils.validation import validate_data

from ..neural._nets import float64_call
from ..utils._images import check_image_shape, flatten_images
from ..utils._param_validation import Interval, StrOptions
from ..utils.validation import check_layer_sizes
from ._base import _BaseGAN, _doc
from ._networks import ConvDiscriminator, ConvGenerator, GANModule
from ._style import StyleGenerator

__all__ = ["DCGAN"]


class DCGAN(_BaseGAN):
    __doc__ = _doc(
        """A deep convolutional GAN for images.

    The networks follow the notes' DCGAN guidelines: strided convolutions
    in the discriminator and fractionally strided (transposed) convolutions
    in the generator instead of pooling, batch norm in both (not on the
    generator's output nor the discriminator's input layer), ReLU in the
    generator with a Tanh output, LeakyReLU(0.2) in the discriminator, no
    dense hidden layers; weights start from N(0, 0.02). Pixels are scaled
    to ``[-1, 1]`` (the Tanh's range) with the training data's minimum and
    maximum, and generated images are scaled back. The losses and the
    alternating updates are :class:`GAN`'s.

    Parameters
    ----------
    generator_filters : tuple of int, default=(128, 64)
        Channels of the generator's layers; each after the first doubles the
        image size, so images are built from ``(H, W) / 2**len`` up.
    discriminator_filters : tuple of int, default=(64, 128)
        Channels of the discriminator's strided layers (each halves the
        size); must have as many layers as ``generator_filters``.
    generator : {"dcgan", "style"}, default="dcgan"
        Radford et al.'s generator, or a style-based one (Karras et al.,
        2019; :class:`StyleGenerator`): a mapping network ``z -> w``, a
        learned constant, and per-layer noise and AdaIN with styles of
        ``w``; ``generator_filters`` give its channels in both cases.
    mapping_layers : int, default=4
        Dense layers of the style-based generator's mapping network (the
        paper: 8).
    image_shape : tuple of int, default=None
        ``(H, W)`` or ``(C, H, W)`` of flat rows of ``X``. Without it, 4-D
        ``X`` is ``(n, C, H, W)``, 3-D ``X`` is ``(n, H, W)`` and flat rows
        are ``1 x n_features`` images.
@PARAMS@
@ATTRIBUTES@    image_shape_ : tuple of int
        ``(C, H, W)`` of the images.
    data_min_ : float
        Smallest training pixel (maps to -1).
    data_max_ : float
        Largest training pixel (maps to 1).

    See Also
    --------
    GAN : Dense networks for any rows.
    ml2learn.generative.plot_samples : Draw generated images.

    Notes
    -----
    Sizes that the strides do not halve exactly are zero-padded (bottom
    and right) in the discriminator and cropped from the generator's output.
    Real and generated batches go through the discriminator separately, as
    in the reference implementation, so batch norm sees one kind at a time.
    A conditional DCGAN feeds the label's embedding to the generator with
    ``z`` and to the discriminator as one extra input channel.

    References
    ----------
    .. [1] A. Radford, L. Metz and S. Chintala, "Unsupervised representation
       learning with deep convolutional generative adversarial networks",
       ICLR 2016.
    .. [2] M. Mirza and S. Osindero, "Conditional generative adversarial
       nets", arXiv:1411.1784, 2014.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from ml2learn.generative import DCGAN
    >>> X, y = load_digits(return_X_y=True)
    >>> gan = DCGAN((32, 16), (16, 32), image_shape=(8, 8), conditional=True,
    ...             max_epochs=2, random_state=0).fit(X, y)
    >>> images, labels = gan.sample(3, y=7, random_state=0)
    >>> images.shape, labels.tolist()
    ((3, 64), [7, 7, 7])
    >>> bool(images.min() >= 0 and images.max() <= 16)   # the pixels' range
    True
    """,
        latent=("int, default=64", ""),
        label=16,
        epochs=50,
    )

    _parameter_constraints: dict = {
        **_BaseGAN._parameter_constraints,
        "generator_filters": [tuple, list],
        "discriminator_filters": [tuple, list],
        "generator": [StrOptions({"dcgan", "style"})],
        "mapping_layers": [Interval(Integral, 1, None, closed="left")],
        "image_shape": [tuple, list, None],
    }

    def __init__(
        self,
        generator_filters=(128, 64),
        discriminator_filters=(64, 128),
        *,
        generator="dcgan",
        mapping_layers=4,
        image_shape=None,
        latent_dim=64,
        conditional=False,
        label_dim=16,
        generator_loss="non_saturating",
        label_smoothing=0.0,
        d_steps=1,
        optimizer="adam",
        discriminator_optimizer=None,
        learning_rate=2e-4,
        discriminator_learning_rate=None,
        beta1=0.5,
        momentum=0.9,
        lr_schedule=None,
        lr_decay=0.1,
        lr_step_size=10,
        max_epochs=50,
        batch_size=64,
        warm_start=False,
        random_state=None,
        device="cpu",
        verbose=0,
    ):
        self.generator_filters = generator_filters
        self.discriminator_filters = discriminator_filters
        self.generator = generator
        self.mapping_layers = mapping_layers
        self.image_shape = image_shape
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

    def _filters(self):
        g = check_layer_sizes(self.generator_filters, "generator_filters")
        d = check_layer_sizes(self.discriminator_filters, "discriminator_filters")
        if len(g) != len(d):
            raise ValueError(
                "generator_filters and discriminator_filters must have as many "
                f"layers (the generator doubles the size as often as the "
                f"discriminator halves it); got {len(g)} and {len(d)}."
            )
        return g, d

    def _build_module(self, n_features, n_classes):
        g, d = self._filters()
        if self.generator == "style":
            generator = StyleGenerator(
                self.latent_dim_,
                self.image_shape_,
                g,
                n_classes,
                self.label_dim,
                self.mapping_layers,
            )
        else:
            generator = ConvGenerator(
                self.latent_dim_, self.image_shape_, g, n_classes, self.label_dim
            )
        discriminator = ConvDiscriminator(self.image_shape_, d, n_classes)
        return GANModule(generator, discriminator, self.latent_dim_)

    def _check_style_mixing(self, style_mixing):
        if self.generator != "style" or style_mixing is None:
            return super()._check_style_mixing(style_mixing)
        n_layers = self.net_.module_.generator.n_style_layers
        if not isinstance(style_mixing, Integral) or not 1 <= style_mixing < n_layers:
            raise ValueError(
                f"style_mixing must be a layer from 1 to {n_layers - 1} (the "
                f"generator has {n_layers} style layers); got {style_mixing!r}."
            )

    def _generate(self, n, codes, rng, style_mixing=None):
        if self.generator != "style":
            return super()._generate(n, codes, rng)
        generator = self.net_.module_.generator
        z = torch.from_numpy(rng.standard_normal((n, self.latent_dim_)))
        noise = [
            torch.from_numpy(rng.standard_normal((n, *shape)))
            for shape in generator.noise_shapes()
        ]
        labels = torch.zeros(n, dtype=torch.long) if codes is None else codes
        layers = generator.n_style_layers if style_mixing is None else style_mixing
        z_mix = z
        if style_mixing is not None:
            z_mix = torch.from_numpy(rng.standard_normal((n, self.latent_dim_)))
        crossover = torch.full((n,), layers, dtype=torch.long)
        return float64_call(generator, z, labels, z_mix, crossover, *noise)

    def _shape_of(self, n_features, given):
        """(C, H, W) from ``image_shape``, the input's own shape, or 1 x n."""
        if self.image_shape is not None:
            return check_image_shape(self.image_shape, n_features)
        if given is not None:
            return given if len(given) == 3 else (1, *given)
        return (1, 1, n_features)

    def _validate_X(self, X, reset):
        if hasattr(X, "ndim") and X.ndim > 4:
            raise ValueError(f"X must be 2-D, 3-D or 4-D; got {X.ndim}-D.")
        X, given = flatten_images(X)
        X = validate_data(
            self, X, dtype=np.float32, reset=reset, ensure_min_samples=2 if reset else 1
        )
        if reset:
            self.image_shape_ = self._shape_of(X.shape[1], given)
            self._input_ndim = 2 if given is None else 1 + len(given)
        elif given is not None and tuple(given) not in (
            self.image_shape_,
            self.image_shape_[1:],
        ):
            raise ValueError(
                f"X holds images of shape {tuple(given)}; the GAN was fitted on "
                f"{self.image_shape_}."
            )
        return X

    def _fit_scaling(self, X):
        self.data_min_ = float(X.min())
        self.data_max_ = float(X.max())

    def _range(self):
        span = self.data_max_ - self.data_min_
        return span if span > 0 else 1.0

    def _scale(self, X):
        scaled = 2.0 * (X - self.data_min_) / self._range() - 1.0
        return scaled.reshape(len(X), *self.image_shape_)

    def _unscale(self, samples):
        images = (samples + 1.0) / 2.0 * self._range() + self.data_min_
        if self._input_ndim == 4:
            return images
        if self._input_ndim == 3:
            return images[:, 0]
        return images.reshape(len(images), -1)
