"""Face and non-face windows and face-free photographs, all shipped inside
scikit-image (nothing is downloaded): the data of Viola-Jones face detection."""

import numpy as np
from sklearn.utils import Bunch

__all__ = ["load_face_free_photographs", "load_lfw_windows"]

# Photographs in scikit-image's wheel with no face in them (astronaut and
# camera show people, chelsea a cat).
FACE_FREE = (
    "brick",
    "grass",
    "gravel",
    "coffee",
    "coins",
    "moon",
    "page",
    "text",
    "rocket",
    "hubble_deep_field",
    "immunohistochemistry",
    "clock",
    "retina",
)


def load_lfw_windows(*, return_X_y=False):
    """200 grey 25 x 25 windows: 100 faces of Labeled Faces in the Wild and
    100 windows without a face (scikit-image's ``lfw_subset``).

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(images, target)`` instead of a Bunch.

    Returns
    -------
    data : Bunch
        ``images`` of shape (200, 25, 25) with values in ``[0, 1]``,
        ``target`` (1 face, 0 not), ``target_names``.

    References
    ----------
    .. [1] G. B. Huang, M. Ramesh, T. Berg and E. Learned-Miller, "Labeled
       faces in the wild", University of Massachusetts, Amherst, TR 07-49,
       2007.

    Examples
    --------
    >>> from ml2learn.datasets import load_lfw_windows
    >>> images, y = load_lfw_windows(return_X_y=True)
    >>> images.shape, int(y.sum())
    ((200, 25, 25), 100)
    """
    from skimage import data

    images = np.asarray(data.lfw_subset(), dtype=np.float64)
    target = np.r_[np.ones(100, dtype=int), np.zeros(100, dtype=int)]
    if return_X_y:
        return images, target
    return Bunch(
        images=images, target=target, target_names=np.array(["no face", "face"])
    )


def load_face_free_photographs(names=None):
    """Grey photographs with no face: negatives to bootstrap a face detector.

    Parameters
    ----------
    names : list of str, default=None
        Names of ``skimage.data`` images among :data:`FACE_FREE`; None takes
        them all.

    Returns
    -------
    photographs : list of ndarray of shape (H, W)
        Grey levels in ``[0, 1]``.

    Examples
    --------
    >>> from ml2learn.datasets import load_face_free_photographs
    >>> brick, grass = load_face_free_photographs(["brick", "grass"])
    >>> brick.shape, float(brick.max()) <= 1.0
    ((512, 512), True)
    """
    from skimage import color, data, util

    names = FACE_FREE if names is None else names
    unknown = [n for n in names if n not in FACE_FREE]
    if unknown:
        raise ValueError(
            f"{unknown} are not face-free photographs of scikit-image; choose "
            f"among {list(FACE_FREE)}."
        )
    photographs = []
    for name in names:
        image = getattr(data, name)()
        if image.ndim == 3:
            image = color.rgb2gray(image[..., :3])
        photographs.append(util.img_as_float64(image))
    return photographs
