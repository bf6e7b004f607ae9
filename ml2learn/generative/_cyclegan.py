"""Unpaired image-to-image translation: CycleGAN (Zhu et al., 2017; notes,
lines 4990-5040), two generators and two discriminators held to each other
by cycle consistency."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ..neural._nets import CyclicDraws, TensorDataset, float64_call
from ..utils._images import flatten_images
from ..utils._param_validation import Interval, StrOptions, _fit_context
from ._adversarial import (
    OPTIMIZATION_DOC,
    AdversarialNet,
    epochs_doc,
    set_requires_grad,
)
from ._base import _mmd2
from ._losses import (
    cycle_consistency_loss,
    discriminator_loss,
    generator_loss,
    least_squares_losses,
)
from ._pix2pix import _patch_layers
from ._translation_base import _check_ndim, _ImageTranslator
from ._translation_networks import (
    PatchDiscriminator,
    ResNetGenerator,
    TranslationModule,
    UNetGenerator,
    patch_receptive_field,
    unet_depth,
)

__all__ = ["CycleGAN"]

_MAX_DOWNSAMPLING = 2  # the paper's residual generator halves twice


def _adversarial_losses(kind, real_logits, fake_logits):
    """``(L_D, L_G)``: least squares, or the cross-entropy of the notes
    (``L_D`` halved, as CycleGAN's code halves it)."""
    if kind == "lsgan":
        return least_squares_losses(real_logits, fake_logits)
    d_loss = None
    if real_logits is not None:
        d_loss = discriminator_loss(real_logits, fake_logits) / 2
    return d_loss, generator_loss(fake_logits)


class ImagePool:
    """The history of generated images the discriminators train on
    (Shrivastava et al., 2017): once ``size`` images are stored, each new
    one is, with probability 1/2, swapped for a stored one, which the
    discriminator sees instead.

    Parameters
    ----------
    size : int
        Images kept (0: no pool, the new images pass through).
    generator : torch.Generator
        Draws the swaps.
    """

    def __init__(self, size, generator):
        self.size = size
        self.generator = generator
        self.images = []

    def query(self, images):
        """The images the discriminator should see for ``images``."""
        if self.size == 0:
            return images
        out = []
        for image in images.detach():
            if len(self.images) < self.size:
                self.images.append(image)
                out.append(image)
            elif torch.rand((), generator=self.generator) < 0.5:
                k = int(torch.randint(self.size, (), generator=self.generator))
                out.append(self.images[k])
                self.images[k] = image
            else:
                out.append(image)
        return torch.stack(out)


class _UnpairedDataset(TensorDataset):
    """Domain A's images (the epoch runs over them) and domain B's."""

    def __init__(self, X, X_b):
        super().__init__(X)
        self.X_b = X_b

    def subset(self, rows):
        return _UnpairedDataset(self.X[torch.as_tensor(rows)], self.X_b)


class _CycleGANNet(AdversarialNet):
    """The CycleGAN step: both generators on their adversarial, cycle and
    identity losses, then both discriminators on real images and pooled
    translations."""

    def __init__(
        self,
        *args,
        gan_loss="lsgan",
        cycle_weight=10.0,
        identity_weight=0.5,
        pool_size=50,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.gan_loss = gan_loss
        self.cycle_weight = cycle_weight
        self.identity_weight = identity_weight
        self.pool_size = pool_size

    def initialize(self):
        super().initialize()
        pool_rng = torch.Generator().manual_seed(self.shuffle_seed)
        self.pools_ = {
            "a": ImagePool(self.pool_size, pool_rng),
            "b": ImagePool(self.pool_size, pool_rng),
        }
        return self

    def get_iterator(self, dataset, training=False):
        if not (training and isinstance(dataset, _UnpairedDataset)):
            return super().get_iterator(dataset, training=training)
        batches = super().get_iterator(dataset, training=training)
        return _UnpairedBatches(batches, dataset.X_b, self.shuffle_rng_)

    def generator_step(self, a, b):
        """One update of both generators through frozen discriminators:
        ``L_GAN(G, D_B) + L_GAN(F, D_A) + lambda L_cyc + lambda_idt lambda
        L_idt``. Returns the translations ``G(a)`` and ``F(b)``."""
        generators, discriminators = self.module_.generator, self.module_.discriminator
        G, F = generators.a_to_b, generators.b_to_a
        fake_b, fake_a = G(a), F(b)
        set_requires_grad(discriminators, False)
        try:
            _, g_ab = _adversarial_losses(self.gan_loss, None, discriminators.b(fake_b))
            _, g_ba = _adversarial_losses(self.gan_loss, None, discriminators.a(fake_a))
            cycle = cycle_consistency_loss(a, F(fake_b), b, G(fake_a))
            loss = g_ab + g_ba + self.cycle_weight * cycle
            identity = cycle.new_zeros(())
            if self.identity_weight > 0:
                identity = cycle_consistency_loss(a, F(a), b, G(b))
                loss = loss + self.identity_weight * self.cycle_weight * identity
            self.optimizer_.zero_grad()
            loss.backward()
            self.optimizer_.step()
        finally:
            set_requires_grad(discriminators, True)
        self.record(g_loss=g_ab + g_ba, cycle_loss=cycle, identity_loss=identity)
        return loss.detach(), fake_b.detach(), fake_a.detach()

    def discriminator_step(self, a, b, fake_b, fake_a):
        """One update of both discriminators: ``D_A`` on real ``a`` against
        pooled ``F(b)``, ``D_B`` on real ``b`` against pooled ``G(a)``."""
        discriminators = self.module_.discriminator
        fake_b = self.pools_["b"].query(fake_b)
        fake_a = self.pools_["a"].query(fake_a)
        real_a, real_b = discriminators.a(a), discriminators.b(b)
        d_a, _ = _adversarial_losses(self.gan_loss, real_a, discriminators.a(fake_a))
        d_b, _ = _adversarial_losses(self.gan_loss, real_b, discriminators.b(fake_b))
        loss = d_a + d_b
        self.optimizer_discriminator_.zero_grad()
        loss.backward()
        self.optimizer_discriminator_.step()
        self.record(d_loss=loss)
        return loss.detach()

    def train_step(self, batch, **fit_params):
        self._set_training(True)
        a, b = (part.to(self.device) for part in batch)
        loss, fake_b, fake_a = self.generator_step(a, b)
        loss = loss + self.discriminator_step(a, b, fake_b, fake_a)
        return {"loss": loss, "y_pred": fake_b}


class _UnpairedBatches:
    """Each batch of domain A's images with as many of domain B's, drawn
    without replacement and reshuffled once all are used."""

    def __init__(self, batches, X_b, rng):
        self.batches = batches
        self.X_b = X_b
        self.rng = rng

    def __len__(self):
        return len(self.batches)

    def __iter__(self):
        draws = CyclicDraws(len(self.X_b), self.rng)
        for a, _ in self.batches:
            yield a, self.X_b[draws.take(len(a))]


_EPOCHS_DOC = epochs_doc(100, 16, "images of domain A", "each with as many of domain B")


class CycleGAN(_ImageTranslator):
    __doc__ = f"""Unpaired image-to-image translation (CycleGAN).

    Two generators, ``G: A -> B`` and ``F: B -> A``, learn from images of
    two domains that come in no pairs. Discriminators ``D_B`` and ``D_A``
    tell real images of each domain from translations, and cycle
    consistency, ``F(G(a)) ~ a`` and ``G(F(b)) ~ b``, ties each translation
    to its input (Zhu et al., eq. 3)::

        L = L_GAN(G, D_B) + L_GAN(F, D_A) + lambda L_cyc + lambda_idt lambda L_idt
        L_cyc = E[|F(G(a)) - a|] + E[|G(F(b)) - b|]
        L_idt = E[|F(a) - a|] + E[|G(b) - b|]

    ``fit(X, y)`` takes domain A's images as ``X`` and domain B's as ``y``
    (any numbers of each; ``GridSearchCV`` splits them together, so give
    it as many of each). ``transform`` maps A to B and
    ``inverse_transform`` B to A.

    Parameters
    ----------
    generator_width : int, default=64
        Channels of the generators' first layers.
    discriminator_width : int, default=64
        Channels of the PatchGANs' first layers.
    generator : {{"resnet", "unet"}}, default="resnet"
        The paper's residual generator (:class:`ResNetGenerator`, halving
        the image at most twice) or pix2pix's U-Net.
    n_blocks : int, default=6
        Residual blocks of the ``"resnet"`` generator (the paper: 6 at 128
        x 128, 9 at 256 x 256).
    patch_size : int, default=None
        The discriminators' receptive field (see :class:`Pix2Pix`); None
        takes the largest that fits in the image's smaller side.
    gan_loss : {{"lsgan", "bce"}}, default="lsgan"
        The least-squares adversarial loss (the paper's choice, more stable)
        or the cross-entropy of the notes.
    cycle_weight : float, default=10.0
        ``lambda``.
    identity_weight : float, default=None
        ``lambda_idt``, relative to ``lambda`` (the authors' code); 0 turns
        the identity loss off. It needs as many channels on both sides;
        None is the paper's 0.5 where they have as many, 0 where not.
    pool_size : int, default=50
        Translations kept to train the discriminators on (0: none).
    image_shape : tuple of int, default=None
        ``(H, W)`` or ``(C, H, W)`` of flat rows of ``X``; without it 4-D
        and 3-D ``X`` are images and a flat row is one pixel whose channels
        are the features (see :class:`Pix2Pix`).
    target_shape : tuple of int, default=None
        The same for ``y``; without it ``y``'s flat rows hold channels of
        ``X``'s image size.
{OPTIMIZATION_DOC}{_EPOCHS_DOC}

    Attributes
    ----------
    net_ : skorch.NeuralNet
        The trained net; ``net_.module_.generator`` holds ``a_to_b`` (G) and
        ``b_to_a`` (F), ``net_.module_.discriminator`` holds ``a`` and ``b``.
    history_ : dict of ndarray
        Per epoch: ``"g_loss"`` (both generators' adversarial losses),
        ``"cycle_loss"``, ``"identity_loss"`` (in the ``[-1, 1]`` scale) and
        ``"d_loss"`` (both discriminators').
    loss_curve_ : ndarray of shape (`n_epochs_`,)
        The generators' plus the discriminators' loss per epoch.
    n_epochs_ : int
        Epochs run in total.
    input_shape_ : tuple of int
        ``(C, H, W)`` of domain A.
    target_shape_ : tuple of int
        ``(C', H, W)`` of domain B.
    identity_weight_ : float
        The identity weight applied.
    norm_ : str
        The normalisation of the residual generator and the discriminators:
        ``"instance"``, as the paper, or ``"batch"`` on one-pixel images,
        where instance normalisation would erase every value.
    patch_size_ : int
        The discriminators' receptive field.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    Pix2Pix : Translation learnt from paired images.
    ml2learn.datasets.make_unpaired_digits : Thin and thick digits, unpaired.

    Notes
    -----
    As in the authors' code: every batch of A is met by a batch of B drawn
    at random, the discriminators' cross-entropy is halved, the identity
    weight multiplies ``lambda``, and the discriminators see translations
    from a pool of past ones. The paper trains with batches of one image;
    the default here is 16, which CPUs run far faster.

    References
    ----------
    .. [1] J.-Y. Zhu, T. Park, P. Isola and A. A. Efros, "Unpaired
       image-to-image translation using cycle-consistent adversarial
       networks", ICCV 2017.
    .. [2] X. Mao et al., "Least squares generative adversarial networks",
       ICCV 2017.
    .. [3] A. Shrivastava et al., "Learning from simulated and unsupervised
       images through adversarial training", CVPR 2017 (the image pool).

    Examples
    --------
    >>> from ml2learn.datasets import make_unpaired_digits
    >>> from ml2learn.generative import CycleGAN
    >>> thin, thick, _, _ = make_unpaired_digits(random_state=0)
    >>> model = CycleGAN(generator_width=8, discriminator_width=8, n_blocks=1,
    ...                  max_epochs=1, random_state=0).fit(thin[:200], thick[:150])
    >>> model.transform(thin[:3]).shape, model.inverse_transform(thick[:2]).shape
    ((3, 1, 16, 16), (2, 1, 16, 16))
    """

    history_keys = ("g_loss", "cycle_loss", "identity_loss", "d_loss")

    _parameter_constraints: dict = {
        **_ImageTranslator._parameter_constraints,
        "generator_width": [Interval(Integral, 1, None, closed="left")],
        "discriminator_width": [Interval(Integral, 1, None, closed="left")],
        "generator": [StrOptions({"resnet", "unet"})],
        "n_blocks": [Interval(Integral, 0, None, closed="left")],
        "patch_size": [Interval(Integral, 1, None, closed="left"), None],
        "gan_loss": [StrOptions({"lsgan", "bce"})],
        "cycle_weight": [Interval(Real, 0, None, closed="left")],
        "identity_weight": [Interval(Real, 0, None, closed="left"), None],
        "pool_size": [Interval(Integral, 0, None, closed="left")],
        "image_shape": [tuple, list, None],
        "target_shape": [tuple, list, None],
    }

    def __init__(
        self,
        generator_width=64,
        discriminator_width=64,
        *,
        generator="resnet",
        n_blocks=6,
        patch_size=None,
        gan_loss="lsgan",
        cycle_weight=10.0,
        identity_weight=None,
        pool_size=50,
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
        self.generator = generator
        self.n_blocks = n_blocks
        self.patch_size = patch_size
        self.gan_loss = gan_loss
        self.cycle_weight = cycle_weight
        self.identity_weight = identity_weight
        self.pool_size = pool_size
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

    # -- data --------------------------------------------------------------

    def _validate_B(self, y, reset):
        """Validated flat rows of domain B, their layout and their
        per-sample image shape (None for flat rows)."""
        _check_ndim(y, "y", 1)
        rows, given = flatten_images(y)
        rows = check_array(
            rows,
            dtype=np.float32,
            ensure_2d=False,
            ensure_min_samples=2 if reset else 1,
            input_name="y",
        )
        ndim = rows.ndim if given is None else 1 + len(given)
        rows = rows.reshape(len(rows), -1)
        if reset:
            return rows, ndim, given
        if rows.shape[1] != int(np.prod(self.target_shape_)):
            raise ValueError(
                f"The images of domain B hold {rows.shape[1]} values each; the "
                f"model was fitted on {self.target_shape_} = "
                f"{int(np.prod(self.target_shape_))}."
            )
        if given is not None and (1 + len(given), tuple(given)) not in (
            (4, self.target_shape_),
            (3, self.target_shape_[1:]),
        ):
            raise ValueError(
                f"The images of domain B have shape {tuple(given)}; the model "
                f"was fitted on {self.target_shape_}."
            )
        return rows, ndim, given

    # -- fitting -----------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Learn the two translations from unpaired images.

        Parameters
        ----------
        X : array-like of shape (n_a, C, H, W), (n_a, H, W) or (n_a, n_features)
            Images of domain A (see ``image_shape``).
        y : array-like of shape (n_b, C', H, W), (n_b, H, W), (n_b, n_values) \
or (n_b,)
            Images of domain B, of the same ``H x W``; ``n_b`` may differ
            from ``n_a``.

        Returns
        -------
        self : CycleGAN
            The fitted model.
        """
        continuing = self.warm_start and hasattr(self, "net_")
        if y is None:
            raise ValueError(
                "CycleGAN requires y to be passed, but the target y is None "
                "(the images of domain B)."
            )
        rows_a, shape_a, ndim_a = self._validate_X(X, reset=not continuing)
        rows_b, ndim_b, given_b = self._validate_B(y, reset=True)
        shape_b = self._output_shape(rows_b.shape[1], given_b, ndim_b, shape_a[1:])
        # domain B always comes back 2-D or more, as a transformer's output
        self._set_domains(
            continuing, (rows_a, shape_a, ndim_a), (rows_b, shape_b, max(ndim_b, 2))
        )
        same_channels = shape_a[0] == shape_b[0]
        self.identity_weight_ = self.identity_weight
        if self.identity_weight is None:
            self.identity_weight_ = 0.5 if same_channels else 0.0
        if self.identity_weight_ > 0 and not same_channels:
            raise ValueError(
                f"identity_weight={self.identity_weight} compares G(b) with b "
                f"and F(a) with a, which needs as many channels on both sides; "
                f"domain A has {shape_a[0]}, B has {shape_b[0]}. Set "
                "identity_weight=0."
            )
        if not continuing:
            _, H, W = shape_a
            self.norm_ = "instance" if H * W > 1 else "batch"
            self._patch_layers = _patch_layers(self.patch_size, H, W)
            self.patch_size_ = patch_receptive_field(self._patch_layers)
        dataset = _UnpairedDataset(
            torch.from_numpy(self._inputs.scale(rows_a)),
            torch.from_numpy(self._targets.scale(rows_b)),
        )
        self._run(dataset, rows_a.shape[1], rows_b.shape[1], continuing, False, {})
        return self

    # -- the engine's seams ------------------------------------------------

    def _generator(self, in_channels, out_channels):
        _, H, W = self.input_shape_
        if self.generator == "unet":
            return UNetGenerator(
                in_channels, out_channels, unet_depth(H, W), self.generator_width, 0.0
            )
        return ResNetGenerator(
            in_channels,
            out_channels,
            min(_MAX_DOWNSAMPLING, unet_depth(H, W)),
            self.n_blocks,
            self.generator_width,
            self.norm_,
            "reflect" if min(H, W) > 3 else "zeros",
        )

    def _build_module(self, n_features, n_outputs):
        c_a, c_b = self.input_shape_[0], self.target_shape_[0]
        generators = nn.ModuleDict(
            {"a_to_b": self._generator(c_a, c_b), "b_to_a": self._generator(c_b, c_a)}
        )
        discriminators = nn.ModuleDict(
            {
                "a": PatchDiscriminator(
                    c_a, self._patch_layers, self.discriminator_width, self.norm_
                ),
                "b": PatchDiscriminator(
                    c_b, self._patch_layers, self.discriminator_width, self.norm_
                ),
            }
        )
        return TranslationModule(generators, discriminators)

    def _net_class(self):
        return _CycleGANNet

    def _net_params(self, run):
        return dict(
            super()._net_params(run),
            gan_loss=self.gan_loss,
            cycle_weight=self.cycle_weight,
            identity_weight=self.identity_weight_,
            pool_size=self.pool_size,
        )

    # -- translation -------------------------------------------------------

    def transform(self, X):
        """Translate images of domain A to domain B, ``G(a)``.

        Parameters
        ----------
        X : array-like
            Images of domain A, in the layout ``fit`` saw.

        Returns
        -------
        X_b : ndarray
            Their translations, in domain B's layout (at least 2-D) and
            pixel range.
        """
        inputs = torch.from_numpy(self._scaled_inputs(X))
        images = float64_call(self.net_.module_.generator.a_to_b, inputs)
        return self._targets.unscale(images.numpy())

    def inverse_transform(self, X):
        """Translate images of domain B to domain A, ``F(b)``.

        Parameters
        ----------
        X : array-like
            Images of domain B, in the layout ``fit`` saw as ``y``.

        Returns
        -------
        X_a : ndarray
            Their translations, in domain A's layout and pixel range.
        """
        check_is_fitted(self, "net_")
        rows, _, _ = self._validate_B(X, reset=False)
        inputs = torch.from_numpy(self._targets.scale(rows))
        images = float64_call(self.net_.module_.generator.b_to_a, inputs)
        return self._inputs.unscale(images.numpy())

    def score(self, X, y):
        """How well the translations match the other domain: minus the sum
        of the squared maximum mean discrepancies ``MMD^2(G(A), B) +
        MMD^2(F(B), A)`` (see :meth:`GAN.score`), in the networks' scale.

        Parameters
        ----------
        X : array-like
            Held-out images of domain A (at least 2).
        y : array-like
            Held-out images of domain B (at least 2).

        Returns
        -------
        score : float
            Higher is better; 0 when neither translation can be told from
            the real images of its domain.
        """
        a = torch.from_numpy(self._scaled_inputs(X)).double().flatten(1)
        rows_b, _, _ = self._validate_B(y, reset=False)
        b = torch.from_numpy(self._targets.scale(rows_b)).double().flatten(1)
        if len(a) < 2 or len(b) < 2:
            raise ValueError("score needs at least 2 images of each domain.")
        generators = self.net_.module_.generator
        fake_b = float64_call(generators.a_to_b, a.view(-1, *self.input_shape_))
        fake_a = float64_call(generators.b_to_a, b.view(-1, *self.target_shape_))
        return -(_mmd2(b, fake_b.flatten(1)) + _mmd2(a, fake_a.flatten(1)))

    @property
    def _n_features_out(self):
        return int(np.prod(self.target_shape_))
