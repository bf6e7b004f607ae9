"""Paired image-to-image translation: pix2pix (Isola et al., 2017; notes,
lines 4860-4935), a conditional GAN with a U-Net generator, a PatchGAN
discriminator and an L1 term."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils.validation import _num_samples, validate_data
from skorch.dataset import unpack_data

from ..neural._nets import TensorDataset, float64_call
from ..neural._transfer import capture_layer
from ..utils._images import flatten_images
from ..utils._param_validation import HasMethods, Interval, StrOptions, _fit_context
from ._adversarial import (
    OPTIMIZATION_DOC,
    AdversarialNet,
    epochs_doc,
    set_requires_grad,
)
from ._image_domains import image_shape_of
from ._losses import discriminator_loss, translation_generator_loss
from ._perceptual import PerceptualTerm, perceptual_loss
from ._translation_base import _check_ndim, _ImageTranslator
from ._translation_networks import (
    PatchDiscriminator,
    TranslationModule,
    UNetGenerator,
    patch_receptive_field,
    unet_depth,
)

__all__ = ["Pix2Pix"]

_MAX_PATCH_LAYERS = 8


def _patch_layers(patch_size, height, width):
    """The PatchGAN's stride-2 layers for ``patch_size`` (None: the largest
    receptive field that fits in the image's smaller side)."""
    fields = {patch_receptive_field(n): n for n in range(_MAX_PATCH_LAYERS + 1)}
    if patch_size is None:
        side = min(height, width)
        return max(n for field, n in fields.items() if field <= side or n == 0)
    if patch_size not in fields:
        raise ValueError(
            f"patch_size must be a PatchGAN receptive field, one of "
            f"{sorted(fields)} (or None); got {patch_size!r}."
        )
    n = fields[patch_size]
    if n and (height >> n) - 2 < 1 or n and (width >> n) - 2 < 1:
        raise ValueError(
            f"patch_size={patch_size} needs images of at least "
            f"{3 * 2**n} x {3 * 2**n} pixels (the discriminator halves them "
            f"{n} times); these are {height} x {width}."
        )
    return n


class _Pix2PixNet(AdversarialNet):
    """The pix2pix step: the generator on ``a L_cGAN + lambda L_L1 (+ p
    L_perceptual)``, then the discriminator on one real and one translated
    pair per input."""

    def __init__(
        self,
        *args,
        l1_weight=100.0,
        adversarial_weight=1.0,
        perceptual_weight=0.0,
        perceptual=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.l1_weight = l1_weight
        self.adversarial_weight = adversarial_weight
        self.perceptual_weight = perceptual_weight
        # a PerceptualTerm: the fixed feature network
        self.perceptual = perceptual

    def initialize(self):
        super().initialize()
        if self.perceptual is not None:
            self.perceptual.to(self.device)
        return self

    def discriminator_step(self, inputs, targets, fake):
        """One update of the discriminator on ``(x, y)`` (real) and
        ``(x, G(x))`` (translated); its objective is halved, as in the
        paper, to slow it down against the generator."""
        discriminator = self.module_.discriminator
        real_logits = discriminator(targets, inputs)
        fake_logits = discriminator(fake.detach(), inputs)
        loss = discriminator_loss(real_logits, fake_logits) / 2
        self.optimizer_discriminator_.zero_grad()
        loss.backward()
        self.optimizer_discriminator_.step()
        self.record(
            d_loss=loss,
            d_real=torch.sigmoid(real_logits).mean(),
            d_fake=torch.sigmoid(fake_logits).mean(),
        )
        return loss.detach()

    def generator_step(self, inputs, targets, fake):
        """One update of the generator through a frozen discriminator."""
        discriminator = self.module_.discriminator
        set_requires_grad(discriminator, False)
        try:
            logits = None
            if self.adversarial_weight > 0:
                logits = discriminator(fake, inputs)
            loss, adversarial, l1 = translation_generator_loss(
                logits, fake, targets, self.l1_weight, self.adversarial_weight
            )
            if self.perceptual_weight > 0:
                with torch.no_grad():
                    real_maps = self.perceptual(targets)
                perceptual = perceptual_loss(self.perceptual(fake), real_maps)
                loss = loss + self.perceptual_weight * perceptual
                self.record(perceptual_loss=perceptual)
            self.optimizer_.zero_grad()
            loss.backward()
            self.optimizer_.step()
        finally:
            set_requires_grad(discriminator, True)
        self.record(g_loss=adversarial, l1_loss=l1)
        return loss.detach()

    def train_step(self, batch, **fit_params):
        self._set_training(True)
        inputs, (targets, _) = unpack_data(batch)
        inputs, targets = inputs.to(self.device), targets.to(self.device)
        fake = self.module_.generator(inputs)
        loss = self.generator_step(inputs, targets, fake)
        if self.adversarial_weight > 0:
            # G(x) was computed before G's update, as in the authors' code
            loss = loss + self.discriminator_step(inputs, targets, fake)
        return {"loss": loss, "y_pred": fake}


class Pix2Pix(_ImageTranslator):
    __doc__ = f"""Paired image-to-image translation (pix2pix).

    A conditional GAN that learns ``G: x -> y`` from pairs of images: the
    discriminator ``D`` sees the input ``x`` with either its real output
    ``y`` or the translation ``G(x)``, and the generator minimises
    ``L_cGAN + lambda L_L1`` (the notes' objective)::

        G* = arg min_G max_D L_cGAN(G, D) + lambda L_L1(G)
        L_cGAN = E[log D(x, y)] + E[log(1 - D(x, G(x)))]
        L_L1   = E[|y - G(x)|]

    ``G`` is a U-Net (an encoder-decoder whose decoder levels are joined to
    the encoder's of the same size, so detail skips the bottleneck);
    ``D`` is a PatchGAN, which calls each ``N x N`` patch real or fake, so
    the L1 term looks after the low frequencies and the adversarial one
    after the sharp, local structure. Pixels of each side are scaled to
    ``[-1, 1]`` by the training data's range.

    Parameters
    ----------
    generator_width : int, default=64
        Channels of the U-Net's first level (doubling per level, up to 8x).
    discriminator_width : int, default=64
        Channels of the PatchGAN's first layer.
    depth : int, default=None
        The U-Net's halvings; None halves until the smaller side is 1 (the
        paper's 8 levels for 256 x 256); 0 is a per-pixel network.
    dropout : float, default=0.5
        Dropout of the three innermost decoder levels (the paper's noise
        ``z``; it is off at ``predict``, see Notes).
    residual : bool, default=False
        The generator outputs ``x + U(x)`` in the networks' scale: it learns
        the correction to its input, as super-resolution networks do
        (VDSR; SRResNet's long skip), instead of drawing the output anew.
        Needs as many channels in ``X`` as in ``y``.
    patch_size : int, default=None
        The discriminator's receptive field ``N``: 1 (a PixelGAN), 16, 34,
        70 (the paper's choice), 142 or 286; None takes the largest that
        fits in the image's smaller side.
    l1_weight : float, default=100.0
        ``lambda``.
    adversarial_weight : float, default=1.0
        Weight of ``L_cGAN`` in the generator's loss; 0 trains the L1-only
        U-Net (no discriminator), the paper's baseline.
    perceptual_weight : float, default=0.0
        Weight of the perceptual loss ``E[(phi(G(x)) - phi(y))^2]`` on the
        feature maps ``phi`` of ``feature_network``. SRGAN's objective
        (Ledig et al., 2017) is ``perceptual_weight=1, l1_weight=0,
        adversarial_weight=1e-3``.
    feature_network : fitted CNN estimator, torch module or "random", \
default=None
        The fixed network of the perceptual loss, fitted on images of the
        output's shape and pixel range (SRGAN used an ImageNet VGG-19,
        which cannot be downloaded here); ``"random"`` is the fixed random
        multi-scale CNN of :func:`ml2learn.inspection.texture_synthesis`.
        Wrap a fitted estimator in :class:`sklearn.frozen.FrozenEstimator`
        so that ``clone`` (``GridSearchCV``) keeps it fitted. Needed when
        ``perceptual_weight > 0``, unused otherwise.
    feature_layer : str, default=None
        The layer of ``feature_network`` compared; None takes a CNN
        estimator's last convolutional block.
    image_shape : tuple of int, default=None
        ``(H, W)`` or ``(C, H, W)`` of flat rows of ``X``. Without it, 4-D
        ``X`` is ``(n, C, H, W)``, 3-D ``X`` is ``(n, H, W)``, and a flat
        row is one pixel whose channels are the features (the generator is
        then a per-pixel network and ``D`` judges each ``(x, y)`` pair).
    target_shape : tuple of int, default=None
        ``(H, W)`` or ``(C, H, W)`` of flat rows of ``y``. Without it, images
        are read as for ``X``, and flat rows (or one value per row) hold
        ``C`` channels of ``X``'s ``H x W`` size.
{OPTIMIZATION_DOC}{epochs_doc(100, 16, "pairs of images")}

    Attributes
    ----------
    net_ : skorch.NeuralNet
        The trained net; ``net_.module_.generator`` (the U-Net) and
        ``net_.module_.discriminator`` (the PatchGAN) are the modules.
    history_ : dict of ndarray
        Per epoch: ``"d_loss"`` (the halved discriminator loss), ``"g_loss"``
        (``L_cGAN``), ``"l1_loss"`` (``L_L1``, in the ``[-1, 1]`` scale),
        ``"perceptual_loss"``, ``"d_real"`` and ``"d_fake"`` (mean ``D`` on
        real and translated patches); a term that is off is nan.
    loss_curve_ : ndarray of shape (`n_epochs_`,)
        The generator's plus the discriminator's loss per epoch.
    n_epochs_ : int
        Epochs run in total.
    input_shape_ : tuple of int
        ``(C, H, W)`` of the input images.
    target_shape_ : tuple of int
        ``(C, H, W)`` of the output images.
    depth_ : int
        The U-Net's halvings.
    patch_size_ : int
        The PatchGAN's receptive field.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    DCGAN : Images from noise.
    ml2learn.datasets.make_digit_pairs : Paired digit images (edges ->
        digits, low -> high resolution).

    Notes
    -----
    Differences from the paper: its generator begins with a stride-2
    convolution; this one begins with a 3 x 3 convolution at full
    resolution whose map is the outermost skip, and ends with a 3 x 3
    convolution to the output channels (on the small images of CPU work a
    full-resolution skip keeps single-pixel detail). ``predict`` runs the
    generator in evaluation mode (dropout off, batch-norm running
    statistics), so a translation is a function of its input alone; the
    paper keeps dropout on at test time, which adds little variety. The L1
    term is a mean over pixels, as in the authors' code.

    References
    ----------
    .. [1] P. Isola, J.-Y. Zhu, T. Zhou and A. A. Efros, "Image-to-image
       translation with conditional adversarial networks", CVPR 2017.
    .. [2] O. Ronneberger, P. Fischer and T. Brox, "U-Net: convolutional
       networks for biomedical image segmentation", MICCAI 2015.

    Examples
    --------
    >>> from ml2learn.datasets import make_digit_pairs
    >>> from ml2learn.generative import Pix2Pix
    >>> edges, digits, labels = make_digit_pairs("edges", random_state=0)
    >>> model = Pix2Pix(generator_width=8, discriminator_width=8, max_epochs=1,
    ...                 random_state=0).fit(edges[:200], digits[:200])
    >>> model.predict(edges[:3]).shape, model.patch_size_
    ((3, 1, 16, 16), 16)
    >>> float(model.score(edges[200:300], digits[200:300])) < 0  # -mean |y - G(x)|
    True
    """

    history_keys = (
        "d_loss",
        "g_loss",
        "l1_loss",
        "perceptual_loss",
        "d_real",
        "d_fake",
    )

    _parameter_constraints: dict = {
        **_ImageTranslator._parameter_constraints,
        "generator_width": [Interval(Integral, 1, None, closed="left")],
        "discriminator_width": [Interval(Integral, 1, None, closed="left")],
        "depth": [Interval(Integral, 0, None, closed="left"), None],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "residual": ["boolean"],
        "patch_size": [Interval(Integral, 1, None, closed="left"), None],
        "l1_weight": [Interval(Real, 0, None, closed="left")],
        "adversarial_weight": [Interval(Real, 0, None, closed="left")],
        "perceptual_weight": [Interval(Real, 0, None, closed="left")],
        "feature_network": [
            None,
            StrOptions({"random"}),
            HasMethods(["fit"]),
            torch.nn.Module,
        ],
        "feature_layer": [str, None],
        "image_shape": [tuple, list, None],
        "target_shape": [tuple, list, None],
    }

    def __init__(
        self,
        generator_width=64,
        discriminator_width=64,
        *,
        depth=None,
        dropout=0.5,
        residual=False,
        patch_size=None,
        l1_weight=100.0,
        adversarial_weight=1.0,
        perceptual_weight=0.0,
        feature_network=None,
        feature_layer=None,
        image_shape=None,
        target_shape=None,
        optimizer="adam",
        discriminator_optimizer=None,
        learning_rate=2e-4,
        discriminator_learning_rate=None,
        beta1=0.5,
        momentum=0.9,
        lr_schedule=None,
        lr_decay=0.1,
        lr_step_size=10,
        max_epochs=100,
        batch_size=16,
        warm_start=False,
        random_state=None,
        device="cpu",
        verbose=0,
    ):
        self.generator_width = generator_width
        self.discriminator_width = discriminator_width
        self.depth = depth
        self.dropout = dropout
        self.residual = residual
        self.patch_size = patch_size
        self.l1_weight = l1_weight
        self.adversarial_weight = adversarial_weight
        self.perceptual_weight = perceptual_weight
        self.feature_network = feature_network
        self.feature_layer = feature_layer
        self.image_shape = image_shape
        self.target_shape = target_shape
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

    # -- data ---------------------------------------------------------------

    def _check_pairs(self, y, n_rows):
        """``y`` as rows, with its per-sample image shape (None if flat)."""
        _check_ndim(y, "y", 1)
        targets, given = flatten_images(y)
        if _num_samples(targets) != n_rows:
            raise ValueError(
                f"X holds {n_rows} input images but y holds "
                f"{_num_samples(targets)} "
                "output images: pix2pix learns from pairs, one output per input."
            )
        return targets, given

    # -- fitting -----------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Learn the translation from pairs ``(X[i], y[i])``.

        Parameters
        ----------
        X : array-like of shape (n_samples, C, H, W), (n_samples, H, W) \
or (n_samples, n_features)
            Input images (see ``image_shape``).
        y : array-like of shape (n_samples, C', H, W), (n_samples, H, W), \
(n_samples, n_values) or (n_samples,)
            Their output images, of the same ``H x W``.

        Returns
        -------
        self : Pix2Pix
            The fitted model.
        """
        continuing = self.warm_start and hasattr(self, "net_")
        if y is None:
            raise ValueError(
                "Pix2Pix requires y to be passed, but the target y is None "
                "(the output image of every input)."
            )
        _check_ndim(X, "X", 2)
        rows, x_given = flatten_images(X)
        targets, y_given = self._check_pairs(y, _num_samples(rows))
        rows, targets = validate_data(
            self,
            rows,
            targets,
            dtype=np.float32,
            multi_output=True,
            y_numeric=True,
            ensure_min_samples=2,
            reset=not continuing,
        )
        x_shape = image_shape_of(
            rows.shape[1], x_given, self.image_shape, "image_shape", "X"
        )
        y_ndim = targets.ndim if y_given is None else 1 + len(y_given)
        n_values = 1 if targets.ndim == 1 else targets.shape[1]
        y_shape = self._output_shape(n_values, y_given, y_ndim, x_shape[1:])
        x_ndim = 2 if x_given is None else 1 + len(x_given)
        self._set_domains(
            continuing, (rows, x_shape, x_ndim), (targets, y_shape, y_ndim)
        )
        if not continuing:
            self.depth_ = unet_depth(*x_shape[1:]) if self.depth is None else self.depth
            self._check_depth()
            self._patch_layers = _patch_layers(self.patch_size, *x_shape[1:])
            self.patch_size_ = patch_receptive_field(self._patch_layers)
        dataset = TensorDataset(
            torch.from_numpy(self._inputs.scale(rows)),
            torch.from_numpy(self._targets.scale(targets)),
            None,
        )
        self._run(dataset, rows.shape[1], n_values, continuing, False, {})
        return self

    def _check_depth(self):
        _, H, W = self.input_shape_
        if 2**self.depth_ > 2 * max(H, W):
            raise ValueError(
                f"depth={self.depth_} halves {H} x {W} images to nothing; use at "
                f"most {unet_depth(H, W)} (or None)."
            )

    # -- the engine's seams ------------------------------------------------

    def _build_module(self, n_features, n_outputs):
        generator = UNetGenerator(
            self.input_shape_[0],
            self.target_shape_[0],
            self.depth_,
            self.generator_width,
            self.dropout,
            self.residual,
        )
        discriminator = PatchDiscriminator(
            self.input_shape_[0] + self.target_shape_[0],
            self._patch_layers,
            self.discriminator_width,
        )
        return TranslationModule(generator, discriminator)

    def _net_class(self):
        return _Pix2PixNet

    def _perceptual_term(self):
        if self.perceptual_weight == 0:
            return None
        if self.feature_network is None:
            raise ValueError(
                f"perceptual_weight={self.perceptual_weight} needs a "
                "feature_network: a fitted CNN estimator, a torch module or "
                "'random'."
            )
        network = self.feature_network
        if hasattr(network, "fit") and not hasattr(network, "net_"):
            raise ValueError(
                "feature_network is not fitted: fit it first (and wrap it in "
                "sklearn.frozen.FrozenEstimator so that clone keeps it fitted)."
            )
        return PerceptualTerm(
            network,
            self.target_shape_,
            self.feature_layer,
            self._targets.low,
            self._targets.high,
            self.random_state,
        )

    def _net_params(self, run):
        return dict(
            super()._net_params(run),
            l1_weight=self.l1_weight,
            adversarial_weight=self.adversarial_weight,
            perceptual_weight=self.perceptual_weight,
            perceptual=self._perceptual_term(),
        )

    # -- prediction --------------------------------------------------------

    def predict(self, X):
        """Translate input images.

        Parameters
        ----------
        X : array-like
            Input images, in the layout ``fit`` saw.

        Returns
        -------
        Y : ndarray
            ``G(x)`` for each image, in ``y``'s layout and pixel range.
        """
        inputs = torch.from_numpy(self._scaled_inputs(X))
        images = float64_call(self.net_.module_.generator, inputs)
        return self._targets.unscale(images.numpy())

    def transform(self, X):
        """The U-Net's bottleneck code of each input image (its learned
        representation).

        Parameters
        ----------
        X : array-like
            Input images.

        Returns
        -------
        codes : ndarray of shape (n_samples, n_codes)
            The innermost encoder map, flattened.
        """
        inputs = torch.from_numpy(self._scaled_inputs(X))
        module = self.net_.module_
        layer = f"down.{self.depth_ - 1}" if self.depth_ else "stem"
        with capture_layer(module, f"generator.{layer}") as captured:
            float64_call(module, inputs)
        return torch.cat([c.cpu() for c in captured]).numpy().astype(np.float64)

    def score(self, X, y):
        """Minus the mean absolute difference between ``y`` and the
        translations of ``X`` (pixel units; higher is better).

        Parameters
        ----------
        X : array-like
            Input images.
        y : array-like
            Their true output images.

        Returns
        -------
        score : float
            ``-mean |y - G(x)|``.
        """
        predicted = self.predict(X)
        targets = np.asarray(y, dtype=np.float64)
        if targets.size != predicted.size:
            raise ValueError(
                f"y holds {targets.size} values; the translations of X hold "
                f"{predicted.size}."
            )
        return -float(np.mean(np.abs(targets.reshape(predicted.shape) - predicted)))

    @property
    def _n_features_out(self):
        """Values of the bottleneck code: channels x its padded size."""
        _, H, W = self.input_shape_
        scale = 2**self.depth_
        generator = self.net_.module_.generator
        level = generator.down[-1] if self.depth_ else generator.stem
        channels = next(m for m in level if hasattr(m, "out_channels")).out_channels
        return channels * -(-H // scale) * -(-W // scale)
