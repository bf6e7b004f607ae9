"""The base of the GAN estimators (notes, lines 4511-5305):
``fit(X)`` (or ``fit(X, y)`` when conditional) trains a generator against a
discriminator, ``sample`` draws new rows, and ``transform`` gives the
discriminator's probability that rows are real.

Training is skorch's loop with a GAN step: each mini-batch of real rows
updates the discriminator once, and every ``d_steps`` batches the generator
is updated once (Goodfellow et al.'s Algorithm 1).
"""

import warnings
from abc import abstractmethod
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import (
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, column_or_1d
from skorch.dataset import unpack_data

from ..neural._engine import NeuralEngine
from ..neural._nets import TensorDataset, float64_call
from ..utils._param_validation import Interval, StrOptions, _fit_context
from ..utils.validation import (
    check_classification_targets,
    check_classification_targets_min2,
)
from ._adversarial import (
    AdversarialNet,
    AdversarialTraining,
    epochs_doc,
    optimization_doc,
    set_requires_grad,
)
from ._losses import discriminator_loss, generator_loss

__all__ = ["GANDiversityWarning"]


class GANDiversityWarning(UserWarning):
    """The generator's samples are much less spread out than the data (mode
    collapse)."""


class _GANNet(AdversarialNet):
    """The skorch net of a GAN: the alternating step on noise."""

    def __init__(
        self,
        *args,
        conditional=False,
        d_steps=1,
        label_smoothing=0.0,
        generator_loss="non_saturating",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.conditional = conditional
        self.d_steps = d_steps
        self.label_smoothing = label_smoothing
        self.generator_loss = generator_loss

    def initialize(self):
        super().initialize()
        self.noise_rng_ = torch.Generator().manual_seed(self.shuffle_seed)
        self.d_updates_ = 0
        return self

    def _noise(self, n):
        z = torch.randn(n, self.module_.latent_dim, generator=self.noise_rng_)
        return z.to(self.device)

    def discriminator_step(self, real, labels):
        """One update of the discriminator on real rows and as many
        generated ones; the generator is not touched."""
        module = self.module_
        with torch.no_grad():
            fake = module.generator(self._noise(len(real)), labels)
        # real and generated rows pass separately (as in DCGAN: batch norm
        # statistics of one kind at a time)
        real_logits = module.discriminator(real, labels)
        fake_logits = module.discriminator(fake, labels)
        loss = discriminator_loss(real_logits, fake_logits, self.label_smoothing)
        self.optimizer_discriminator_.zero_grad()
        loss.backward()
        self.optimizer_discriminator_.step()
        return loss.detach(), real_logits.detach(), fake_logits.detach()

    def generator_step(self, n, labels):
        """One update of the generator through a frozen discriminator."""
        module = self.module_
        set_requires_grad(module.discriminator, False)
        try:
            fake_logits = module.discriminator(
                module.generator(self._noise(n), labels), labels
            )
            loss = generator_loss(fake_logits, self.generator_loss)
            self.optimizer_.zero_grad()
            loss.backward()
            self.optimizer_.step()
        finally:
            set_requires_grad(module.discriminator, True)
        return loss.detach()

    def train_step(self, batch, **fit_params):
        self._set_training(True)
        real, (labels, _) = unpack_data(batch)
        real, labels = real.to(self.device), labels.to(self.device)
        labels = labels if self.conditional else None
        d_loss, real_logits, fake_logits = self.discriminator_step(real, labels)
        self.d_updates_ += 1
        loss = d_loss
        if self.d_updates_ % self.d_steps == 0:
            g_loss = self.generator_step(len(real), labels)
            self.record(g_loss=g_loss)
            loss = loss + g_loss
        self.record(
            d_loss=d_loss,
            d_real=torch.sigmoid(real_logits).mean(),
            d_fake=torch.sigmoid(fake_logits).mean(),
        )
        return {"loss": loss, "y_pred": real_logits}


def _mmd2(a, b):
    """Unbiased squared MMD with a Gaussian kernel of median bandwidth."""
    distances = torch.cdist(a, a)
    n = len(a)
    h2 = float(distances[~torch.eye(n, dtype=torch.bool)].median()) ** 2 or 1.0

    def kernel_mean(x, y, same):
        k = torch.exp(-(torch.cdist(x, y) ** 2) / (2 * h2))
        if same:
            return float((k.sum() - k.diagonal().sum()) / (len(x) * (len(x) - 1)))
        return float(k.mean())

    return (
        kernel_mean(a, a, True) + kernel_mean(b, b, True) - 2 * kernel_mean(a, b, False)
    )


class _BaseGAN(
    AdversarialTraining, ClassNamePrefixFeaturesOutMixin, TransformerMixin, NeuralEngine
):
    """Fitting, sampling and scoring shared by GAN and DCGAN.

    Training is the neural engine's loop with the GAN's net (two optimizers,
    the alternating step), both learning rates on the engine's schedule and
    the epoch means of the two losses; a GAN takes the engine's training
    parameters that have a meaning without labels or a validation loss.
    """

    history_keys = ("d_loss", "g_loss", "d_real", "d_fake")

    _parameter_constraints: dict = {
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "conditional": ["boolean"],
        "label_dim": [Interval(Integral, 1, None, closed="left")],
        "generator_loss": [StrOptions({"non_saturating", "minimax"})],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "d_steps": [Interval(Integral, 1, None, closed="left")],
        **AdversarialTraining._parameter_constraints,
    }

    # -- subclasses ------------------------------------------------------------

    @abstractmethod
    def _build_module(self, n_features, n_classes):
        """The GANModule for the fitted data shape (``n_classes`` is 0 for
        an unconditional GAN)."""

    @abstractmethod
    def _validate_X(self, X, reset):
        """Validated rows, float32, shape (n, n_features_in_)."""

    def _latent_width(self, n_features):
        """The width of ``z`` for rows of ``n_features``."""
        return self.latent_dim

    @abstractmethod
    def _fit_scaling(self, X):
        """Learn the map to the networks' scale."""

    @abstractmethod
    def _scale(self, X):
        """Rows in the networks' scale and shape."""

    @abstractmethod
    def _unscale(self, samples):
        """Generator outputs back to rows of ``X``'s scale."""

    # -- fitting -----------------------------------------------------------------

    def _encode_labels(self, y, n_rows, reset):
        if not self.conditional:
            return np.zeros(n_rows, dtype=np.int64)
        if y is None:
            raise ValueError(
                f"{type(self).__name__}(conditional=True) requires y to be "
                "passed, but the target y is None."
            )
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if len(y) != n_rows:
            raise ValueError(f"y has {len(y)} labels for {n_rows} rows.")
        if reset:
            self.label_encoder_ = LabelEncoder().fit(y)
            self.classes_ = self.label_encoder_.classes_
            check_classification_targets_min2(self.classes_)
            self.class_prior_ = np.bincount(
                self.label_encoder_.transform(y), minlength=len(self.classes_)
            ) / len(y)
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(f"y holds labels {unseen.tolist()} not seen in fit.")
        return self.label_encoder_.transform(y).astype(np.int64)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the generator against the discriminator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Real rows (images: see the class docstring).
        y : array-like of shape (n_samples,), default=None
            Class labels, with ``conditional=True``; ignored otherwise.

        Returns
        -------
        self : estimator
            The fitted GAN.
        """
        continuing = self.warm_start and hasattr(self, "net_")
        X = self._validate_X(X, reset=not continuing)
        labels = self._encode_labels(y, len(X), reset=not continuing)
        if not continuing:
            self._fit_scaling(X)
            self.latent_dim_ = self._latent_width(X.shape[1])
        inputs = torch.from_numpy(np.ascontiguousarray(self._scale(X), np.float32))
        dataset = TensorDataset(inputs, torch.from_numpy(labels), None)
        n_classes = len(self.classes_) if self.conditional else 0
        self._run(dataset, X.shape[1], n_classes, continuing, False, {})
        self._check_diversity(inputs, labels)
        return self

    # -- the engine's seams ------------------------------------------------------

    def _net_class(self):
        return _GANNet

    def _net_params(self, run):
        return dict(
            super()._net_params(run),
            conditional=self.conditional,
            d_steps=self.d_steps,
            label_smoothing=self.label_smoothing,
            generator_loss=self.generator_loss,
        )

    def _check_diversity(self, inputs, labels, n=256):
        """Mean pairwise distance of generated rows over that of real rows;
        a warning below 0.1."""
        rng = np.random.RandomState(0)
        rows = rng.choice(len(inputs), size=min(n, len(inputs)), replace=False)
        real = inputs[rows].double().flatten(1)
        codes = torch.from_numpy(labels[rows]) if self.conditional else None
        fake = self._generate(len(rows), codes, rng).flatten(1)
        spread = torch.pdist(real).mean() if len(real) > 1 else torch.tensor(0.0)
        self.sample_diversity_ = (
            float(torch.pdist(fake).mean() / spread) if spread > 0 else float("nan")
        )
        if self.sample_diversity_ < 0.1:
            warnings.warn(
                f"The generator's samples are spread {self.sample_diversity_:.3f} "
                "times as widely as the data (mean pairwise distance): it has "
                "collapsed onto few modes. Try more epochs, d_steps > 1, "
                "label_smoothing, a lower learning_rate or another random_state.",
                GANDiversityWarning,
                stacklevel=3,
            )

    # -- generation --------------------------------------------------------------

    def _generate(self, n, codes, rng, style_mixing=None):
        """``n`` generator outputs (networks' scale, float64), eval mode."""
        z = torch.from_numpy(rng.standard_normal((n, self.latent_dim_)))
        inputs = (z,) if codes is None else (z, codes)
        return float64_call(self.net_.module_.generator, *inputs)

    def _check_style_mixing(self, style_mixing):
        if style_mixing is not None:
            raise ValueError(
                "style_mixing needs a style-based generator, DCGAN(generator='style')."
            )

    def sample(self, n_samples=1, y=None, random_state=None, style_mixing=None):
        """Draw new rows from the generator.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows.
        y : array-like of shape (n_samples,) or label, default=None
            The class of every row, or one class for all (conditional only);
            None draws classes from their training frequencies.
        random_state : int, RandomState instance or None, default=None
            Seeds the noise ``z`` (and the classes drawn).
        style_mixing : int, default=None
            A style-based generator only: the layer from which a second,
            independent code takes over (layers before it keep the first
            code's coarse styles, the rest get the second's finer ones);
            None draws every image from one code.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features_in_)
            Generated rows in the scale of the training data.
        y : ndarray of shape (n_samples,)
            Their classes (conditional only).
        """
        check_is_fitted(self, "net_")
        if not isinstance(n_samples, Integral) or n_samples < 1:
            raise ValueError(
                f"n_samples must be a positive integer; got {n_samples!r}."
            )
        self._check_style_mixing(style_mixing)
        rng = check_random_state(random_state)
        if not self.conditional:
            if y is not None:
                raise ValueError(
                    "y is only for a conditional GAN; this one is not conditional."
                )
            out = self._generate(n_samples, None, rng, style_mixing)
            return self._unscale(out.numpy())
        if y is None:
            codes = rng.choice(len(self.classes_), size=n_samples, p=self.class_prior_)
        else:
            labels = np.asarray(y)
            labels = np.full(n_samples, labels) if labels.ndim == 0 else labels
            if len(labels) != n_samples:
                raise ValueError(f"y has {len(labels)} labels for {n_samples} samples.")
            unseen = np.setdiff1d(np.unique(labels), self.classes_)
            if unseen.size:
                raise ValueError(
                    f"y holds labels {unseen.tolist()} the GAN was not trained on; "
                    f"classes_ is {self.classes_.tolist()}."
                )
            codes = self.label_encoder_.transform(labels)
        labels = torch.from_numpy(codes.astype(np.int64))
        out = self._generate(n_samples, labels, rng, style_mixing)
        return self._unscale(out.numpy()), self.classes_[codes]

    def score(self, X, y=None):
        """How close the generator's distribution is to that of ``X``:
        minus the squared maximum mean discrepancy (Gretton et al., 2012).

        ``MMD^2 = E k(x, x') + E k(g, g') - 2 E k(x, g)`` between the rows
        ``x`` of ``X`` and as many generated rows ``g`` (``random_state=0``,
        the classes of ``y`` for a conditional GAN), with the Gaussian
        kernel ``k(a, b) = exp(-|a - b|^2 / (2 h^2))`` in the networks'
        scale and ``h`` the median distance between rows of ``X``; the
        unbiased estimate (pairs ``i != j``). Higher is better; 0 is a
        generator the test cannot tell from the data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Held-out rows (at least 2).
        y : array-like of shape (n_samples,), default=None
            Their classes (conditional GANs; None draws from the priors).

        Returns
        -------
        score : float
            ``-MMD^2``.
        """
        check_is_fitted(self, "net_")
        X = self._validate_X(X, reset=False)
        if len(X) < 2:
            raise ValueError("score needs at least 2 rows of X.")
        rng = np.random.RandomState(0)
        codes = None
        if self.conditional:
            if y is None:
                codes = rng.choice(len(self.classes_), size=len(X), p=self.class_prior_)
            else:
                codes = self._encode_labels(y, len(X), reset=False)
            codes = torch.from_numpy(codes.astype(np.int64))
        real = torch.from_numpy(np.asarray(self._scale(X), np.float64)).flatten(1)
        fake = self._generate(len(X), codes, rng).flatten(1)
        return -_mmd2(real, fake)

    # -- the discriminator as a transformer --------------------------------------

    def _probability_real(self, X, codes):
        inputs = (torch.from_numpy(np.asarray(self._scale(X), dtype=np.float64)),)
        if codes is not None:
            inputs += (codes,)
        logits = float64_call(self.net_.module_.discriminator, *inputs)
        return torch.sigmoid(logits).numpy()

    def transform(self, X):
        """The discriminator's probability that each row is real, ``D(x)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.

        Returns
        -------
        proba : ndarray of shape (n_samples, 1)
            ``D(x)``; for a conditional GAN, ``sum_y p(y) D(x | y)`` over the
            training class frequencies.
        """
        check_is_fitted(self, "net_")
        X = self._validate_X(X, reset=False)
        if not self.conditional:
            return self._probability_real(X, None)
        total = np.zeros((len(X), 1))
        for code, prior in enumerate(self.class_prior_):
            codes = torch.full((len(X),), code, dtype=torch.long)
            total += prior * self._probability_real(X, codes)
        return total

    @property
    def _n_features_out(self):
        return 1

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.target_tags.required = False
        return tags


_COMMON_DOC = """    latent_dim : @LATENT@
        The width of the noise ``z ~ N(0, I)``.@LATENT_NOTE@
    conditional : bool, default=False
        Condition both networks on the class ``y`` (``fit(X, y)``), as a
        conditional GAN: ``G(z | y)`` and ``D(x | y)``.
    label_dim : int, default=@LABEL@
        Width of the label embedding fed to the generator (and, for the
        dense GAN, to the discriminator).
    generator_loss : {"non_saturating", "minimax"}, default="non_saturating"
        ``-E[log D(G(z))]``, or the minimax ``E[log(1 - D(G(z)))]``.
    label_smoothing : float, default=@SMOOTHING@
        One-sided smoothing: the discriminator's target for real rows is
        ``1 - label_smoothing``.
    d_steps : int, default=1
        Discriminator updates (one real batch each) per generator update.
"""

_ATTRIBUTES_DOC = """
    Attributes
    ----------
    net_ : skorch.NeuralNet
        The trained net; ``net_.module_.generator`` and
        ``net_.module_.discriminator`` are the torch modules.
    history_ : dict of ndarray
        Per epoch: ``"d_loss"`` and ``"g_loss"`` (mean losses), ``"d_real"``
        (mean ``D(x)``) and ``"d_fake"`` (mean ``D(G(z))``).
    loss_curve_ : ndarray of shape (`n_epochs_`,)
        Discriminator plus generator loss per epoch.
    n_epochs_ : int
        Epochs run in total.
    latent_dim_ : int
        The width of the noise ``z``.
    sample_diversity_ : float
        After fit: mean pairwise distance of 256 generated rows over that of
        as many real rows; below 0.1 a :class:`GANDiversityWarning` warns
        of mode collapse.
    classes_ : ndarray of shape (n_classes,)
        The classes (conditional only).
    class_prior_ : ndarray of shape (n_classes,)
        Their training frequencies (conditional only).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.
"""


def _doc(text, latent, label, epochs, smoothing=0.0, **optimization):
    """``text`` with the parameter and attribute blocks filled in; the
    defaults named are those of the estimator's signature (``latent``: the
    type and default of ``latent_dim``, and a note on them)."""
    return (
        text.replace(
            "@PARAMS@",
            _COMMON_DOC
            + optimization_doc(**optimization)
            + epochs_doc(epochs, 64, "real rows", "as many generated rows join them"),
        )
        .replace("@LATENT@", latent[0])
        .replace("@LATENT_NOTE@", latent[1])
        .replace("@LABEL@", str(label))
        .replace("@SMOOTHING@", str(smoothing))
        .replace("@ATTRIBUTES@", _ATTRIBUTES_DOC)
    )
