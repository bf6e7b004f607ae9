"""Image inputs shared by the CNN and vision-transformer estimators: images
``(n, C, H, W)``, single-channel images ``(n, H, W)``, flat rows with
``image_shape``, or, with no ``image_shape``, flat rows read as one-channel
1-D signals ``(n, 1, L)``, so that any tabular array works."""

import numpy as np
from sklearn.utils.validation import validate_data

from ..utils._images import check_image_shape, flatten_images


class _ImageInput:
    """Validation of image inputs; sets ``input_shape_``, ``(C, L)`` or
    ``(C, H, W)``, and refuses other shapes after ``fit``."""

    def _validate_X(self, X, reset):
        X, shape = flatten_images(X)
        X = validate_data(self, X, dtype=np.float32, reset=reset)
        return self._to_images(X, shape, reset)

    def _validate_Xy(self, X, y, reset):
        X, shape = flatten_images(X)
        X, y = validate_data(
            self, X, y, dtype=np.float32, multi_output=True, reset=reset
        )
        return self._to_images(X, shape, reset), y

    def _to_images(self, X, shape, reset):
        """Reshape validated flat ``X`` into ``(n, C, L)`` or ``(n, C, H, W)``;
        ``shape`` is the per-sample shape of n-D input (None for 2-D)."""
        if shape is None:
            if self.image_shape is None:
                images = X[:, None, :]
            else:
                images = X.reshape(
                    len(X), *check_image_shape(self.image_shape, X.shape[1])
                )
        elif len(shape) == 2:
            images = X.reshape(len(X), 1, *shape)
        elif len(shape) == 3:
            images = X.reshape(len(X), *shape)
        else:
            raise ValueError(
                "X must be 2-D, 3-D (n, H, W) or 4-D (n, C, H, W); got "
                f"{len(shape) + 1}-D."
            )
        shape = tuple(images.shape[1:])
        if reset:
            self.input_shape_ = shape
        elif shape != self.input_shape_:
            raise ValueError(
                f"X holds inputs of shape {shape} but the network was fitted on "
                f"inputs of shape {self.input_shape_}."
            )
        return images
