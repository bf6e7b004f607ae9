"""What pix2pix and CycleGAN share: input images read in the CNN
estimators' layouts, output images of the input's size, each side mapped to
the networks' ``[-1, 1]``, and the fitted shapes a warm start must keep."""

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from ..neural._engine import NeuralEngine
from ..utils._images import flatten_images
from ._adversarial import AdversarialTraining
from ._image_domains import ImageDomain, image_shape_of

__all__ = []


def _check_ndim(array, name, low):
    if hasattr(array, "ndim") and array.ndim > 4:
        raise ValueError(f"{name} must be {low}-D to 4-D; got {array.ndim}-D.")


class _ImageTranslator(
    AdversarialTraining,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    NeuralEngine,
    BaseEstimator,
):
    """The base of the image-to-image translators; ``X`` holds images of
    one side, ``y`` of the other."""

    def _validate_X(self, X, reset):
        """Validated flat rows of ``X``, their ``(C, H, W)`` and layout."""
        _check_ndim(X, "X", 2)
        rows, given = flatten_images(X)
        rows = validate_data(
            self,
            rows,
            dtype=np.float32,
            reset=reset,
            ensure_min_samples=2 if reset else 1,
        )
        shape = image_shape_of(
            rows.shape[1], given, self.image_shape, "image_shape", "X"
        )
        if not reset and shape != self.input_shape_:
            raise ValueError(
                f"X holds images of shape {shape}; the model was fitted on "
                f"{self.input_shape_}."
            )
        return rows, shape, (2 if given is None else 1 + len(given))

    def _output_shape(self, n_values, given, ndim, spatial):
        """``(C', H, W)`` of ``y``'s images (see ``target_shape``)."""
        if ndim == 1:
            shape = (1, 1, 1)
        elif given is not None or self.target_shape is not None:
            shape = image_shape_of(
                n_values, given, self.target_shape, "target_shape", "y"
            )
        else:
            pixels = spatial[0] * spatial[1]
            if n_values % pixels:
                raise ValueError(
                    f"y has {n_values} values per row, not a whole number of "
                    f"channels of X's {spatial[0]} x {spatial[1]} images; pass "
                    "target_shape or y as images."
                )
            shape = (n_values // pixels, *spatial)
        if tuple(shape[1:]) != tuple(spatial):
            raise ValueError(
                f"y holds images of {shape[1]} x {shape[2]} pixels but X holds "
                f"{spatial[0]} x {spatial[1]}: {type(self).__name__} translates "
                "between images of one size (resize one side first)."
            )
        return tuple(shape)

    def _set_domains(self, continuing, x, y):
        """Keep (or, warm, check) the two sides: ``x`` and ``y`` are
        ``(rows, shape, ndim)``."""
        (x_rows, x_shape, x_ndim), (y_rows, y_shape, y_ndim) = x, y
        if continuing:
            if (x_shape, y_shape) != (self.input_shape_, self.target_shape_):
                raise ValueError(
                    f"warm_start: the images are {x_shape} -> {y_shape}; the "
                    f"model was fitted on {self.input_shape_} -> "
                    f"{self.target_shape_}."
                )
            return
        self.input_shape_, self.target_shape_ = x_shape, y_shape
        self._inputs = ImageDomain.from_rows(x_rows, x_shape, x_ndim)
        self._targets = ImageDomain.from_rows(y_rows, y_shape, y_ndim)

    def _scaled_inputs(self, X):
        check_is_fitted(self, "net_")
        rows, _, _ = self._validate_X(X, reset=False)
        return self._inputs.scale(rows)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        return tags
