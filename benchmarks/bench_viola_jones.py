"""Viola-Jones face detection against scikit-image.

Data, all inside scikit-image's wheel: ``lfw_subset`` (100 faces and 100
non-faces, 25 x 25 grey windows), the astronaut photograph, and the
photographs with no face in them that ml2learn's cascade bootstraps its
non-faces from (:func:`ml2learn.datasets.load_face_free_photographs`).

1. Extraction: every Haar-like feature of the five types of a 25 x 25 window
   (190,736) for the 200 windows: ``HaarFeatures().transform`` against
   scikit-image's ``haar_like_feature`` window by window (``--quick``: 20
   windows for scikit-image, its time scaled to 200).
2. Classification, 5-fold ROC AUC (stratified, shuffled, seed 0):
   ``HaarFeatures + AdaBoostClassifier`` (the paper's feature selection)
   against scikit-image's own recipe (its gallery example "Face
   classification using Haar-like feature descriptor": the two-rectangle
   features and a random forest of 1000 trees, ``max_features=100``) and the
   same features with extra trees. Times include the feature extraction.
3. The cascade (trained on the lfw windows plus their mirror images, with
   non-faces bootstrapped from the face-free photographs): features computed
   per window, on the 100 lfw non-faces and on every window of the
   astronaut scan, against the single boosted classifier that computes all
   of its stages' features for every window.
4. Detection on the astronaut (faces of 60 to 123 pixels, scale factor 1.2,
   step 1): time per image, the face found (IoU of the best box with the
   box of scikit-image's OpenCV LBP cascade), and how many boxes.
"""

from pathlib import Path

import numpy as np
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from ml2learn.datasets import load_face_free_photographs, load_lfw_windows
from ml2learn.ensemble import (
    AdaBoostClassifier,
    CascadeClassifier,
    HaarFeatures,
    box_iou,
)

from ._common import Result, time_call


def _skimage_features(windows, feature_types=None):
    from skimage.feature import haar_like_feature
    from skimage.transform import integral_image

    h, w = windows.shape[1:]
    return np.array(
        [
            haar_like_feature(integral_image(x), 0, 0, w, h, feature_types)
            for x in windows
        ]
    )


def _extraction(windows, quick, results):
    haar = HaarFeatures().fit(windows)
    haar.transform(windows[:2])  # numba's kernel compiled (or loaded) first
    seconds, ours = time_call(lambda: haar.transform(windows), repeats=3)
    task = "Haar features, 5 types, 200 windows 25x25"
    results.append(
        Result(
            task,
            "ml2learn",
            "HaarFeatures().transform",
            seconds,
            ours.shape[1],
            "features",
            3,
        )
    )
    print(f"  {task}: ml2learn {seconds:.3f} s, {ours.shape[1]} features per window")
    n = 20 if quick else len(windows)
    seconds, theirs = time_call(lambda: _skimage_features(windows[:n]))
    seconds *= len(windows) / n
    gap = float(np.abs(theirs - ours[:n]).max())
    note = f"max |difference| from ml2learn's values {gap:.1e}"
    if n < len(windows):
        note += f"; timed on {n} windows, scaled to {len(windows)}"
    results.append(
        Result(
            task,
            "scikit-image",
            "haar_like_feature per window",
            seconds,
            theirs.shape[1],
            "features",
            1,
            note,
        )
    )
    print(f"  {task}: scikit-image {seconds:.3f} s ({note})")


def _classification(windows, y, quick, results):
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    task = "lfw faces, 5-fold ROC AUC"

    def ours():
        pipe = make_pipeline(
            HaarFeatures(max_features=20000 if quick else None, random_state=0),
            AdaBoostClassifier(n_estimators=100),
        )
        return cross_val_score(pipe, windows, y, cv=folds, scoring="roc_auc")

    seconds, scores = time_call(ours)
    model = "HaarFeatures + AdaBoostClassifier(100)"
    results.append(
        Result(
            task,
            "ml2learn",
            model,
            seconds,
            scores.mean(),
            "ROC AUC",
            1,
            f"std {scores.std():.3f} over folds",
        )
    )
    print(f"  {task}: ml2learn {model} {scores.mean():.4f} in {seconds:.1f} s")
    extraction, features = time_call(
        lambda: _skimage_features(windows, ["type-2-x", "type-2-y"])
    )
    for name, forest in [
        ("random forest", RandomForestClassifier),
        ("extra trees", ExtraTreesClassifier),
    ]:
        n_trees = 200 if quick else 1000
        model = f"2-rectangle features + {name} ({n_trees} trees)"
        clf = forest(
            n_estimators=n_trees,
            max_features=100,
            n_jobs=-1,
            random_state=0,
        )
        seconds, scores = time_call(
            lambda clf=clf: cross_val_score(
                clf, features, y, cv=folds, scoring="roc_auc"
            )
        )
        results.append(
            Result(
                task,
                "scikit-image",
                model,
                extraction + seconds,
                scores.mean(),
                "ROC AUC",
                1,
                f"std {scores.std():.3f} over folds; "
                f"{extraction:.1f} s of it extraction",
            )
        )
        print(f"  {task}: scikit-image {model} {scores.mean():.4f}")


def _train_cascade(windows, y, quick):
    faces = windows[y == 1]
    X = np.concatenate([windows, faces[:, :, ::-1]])  # mirrored faces are faces
    labels = np.r_[y, np.ones(len(faces), dtype=int)]
    cascade = CascadeClassifier(
        HaarFeatures(
            normalize=True, max_features=5000 if quick else 30000, random_state=0
        ),
        n_negatives=200 if quick else 500,
        max_stages=8 if quick else 15,
        target_false_positive_rate=1e-5,
        random_state=0,
    )
    photographs = load_face_free_photographs()
    seconds, _ = time_call(lambda: cascade.fit(X, labels, negative_images=photographs))
    return cascade, seconds


def _cascade_rows(windows, y, quick, results):
    cascade, fit_seconds = _train_cascade(windows, y, quick)
    stages = [s["n_features"] for s in cascade.stages_]
    total = sum(stages)
    print(
        f"  cascade: {len(stages)} stages {stages} fitted in {fit_seconds:.1f} s "
        f"({cascade.stop_reason_})"
    )
    task = "features computed per window"
    non_faces = cascade.features_evaluated(windows[y == 0]).mean()
    astronaut = _astronaut()
    h, w = cascade.features_.window_shape_
    positions = _all_windows(astronaut, (h, w), step=4)
    scan = cascade.features_evaluated(positions).mean()
    model = f"CascadeClassifier, {len(stages)} stages"
    for where, value in [("lfw non-faces", non_faces), ("astronaut windows", scan)]:
        results.append(
            Result(
                f"{task}, {where}",
                "ml2learn",
                model,
                fit_seconds,
                value,
                "features",
                1,
                f"stages of {stages}",
            )
        )
        results.append(
            Result(
                f"{task}, {where}",
                "ml2learn",
                "the same stages as one boosted classifier",
                fit_seconds,
                float(total),
                "features",
                1,
            )
        )
        print(f"  {task}, {where}: cascade {value:.1f}, single classifier {total}")
    return cascade, astronaut


def _all_windows(image, window, step):
    h, w = window
    return np.array(
        [
            image[t : t + h, c : c + w]
            for t in range(0, image.shape[0] - h + 1, step)
            for c in range(0, image.shape[1] - w + 1, step)
        ]
    )


def _astronaut():
    from skimage import color, data

    return color.rgb2gray(data.astronaut())


def _detection(cascade, astronaut, results):
    from skimage import data
    from skimage.feature import Cascade

    opencv = Cascade(data.lbp_frontal_face_cascade_filename())
    seconds_cv, found = time_call(
        lambda: opencv.detect_multi_scale(
            img=astronaut,
            scale_factor=1.2,
            step_ratio=1,
            min_size=(60, 60),
            max_size=(123, 123),
        ),
        repeats=3,
    )
    reference = [[f["r"], f["c"], f["height"], f["width"]] for f in found]
    seconds, (boxes, scores) = time_call(
        lambda: cascade.detect(
            astronaut,
            scale_factor=1.2,
            min_size=60,
            max_size=123,
            min_neighbors=3,
            return_scores=True,
        ),
        repeats=3,
    )
    iou = box_iou(boxes, reference[:1]).ravel() if len(boxes) and reference else []
    best = int(np.argmax(iou)) if len(iou) else -1
    task = "detect faces in the astronaut (512x512)"
    note = (
        f"{len(boxes)} boxes; the best overlaps OpenCV's face box {reference[:1]} "
        f"with IoU {iou[best]:.2f} and ranks {best + 1} by score"
        if best >= 0
        else f"{len(boxes)} boxes, none on the face"
    )
    results.append(
        Result(
            task,
            "ml2learn",
            "CascadeClassifier.detect",
            seconds,
            float(iou[best]) if best >= 0 else 0.0,
            "IoU with OpenCV's face",
            3,
            note,
        )
    )
    results.append(
        Result(
            task,
            "scikit-image",
            "Cascade (OpenCV LBP frontal face)",
            seconds_cv,
            1.0,
            "IoU with OpenCV's face",
            3,
            f"{len(found)} boxes: {reference}",
        )
    )
    print(f"  {task}: ml2learn {seconds:.3f} s ({note}); OpenCV {seconds_cv:.3f} s")
    _picture(astronaut, boxes, reference)


def _picture(image, boxes, reference):
    """The detections over the photograph, for the docs' boosting page."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.patches import Rectangle
    except ImportError:
        return
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.imshow(image, cmap="gray")
    for (top, left, h, w), colour in [(b, "red") for b in boxes] + [
        (r, "lime") for r in reference
    ]:
        ax.add_patch(
            Rectangle((left, top), w, h, fill=False, edgecolor=colour, linewidth=2)
        )
    ax.set_title("ml2learn's cascade (red), OpenCV's LBP cascade (green)", fontsize=9)
    ax.axis("off")
    fig.tight_layout()
    path = Path(__file__).parent / "results" / "viola_jones_detections.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)
    print(f"  picture: {path}")


def run(quick=False):
    windows, y = load_lfw_windows(return_X_y=True)
    results = []
    _extraction(windows, quick, results)
    _classification(windows, y, quick, results)
    cascade, astronaut = _cascade_rows(windows, y, quick, results)
    _detection(cascade, astronaut, results)
    return results
