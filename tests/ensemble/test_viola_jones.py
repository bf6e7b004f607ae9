"""Viola-Jones: integral images, Haar-like features (against scikit-image),
the attentional cascade's rates, and detection in a photograph."""

import pickle

import numpy as np
import pytest
from skimage.feature import haar_like_feature, haar_like_feature_coord
from skimage.transform import integral_image as skimage_integral_image
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from ml2learn.datasets import load_face_free_photographs, load_lfw_windows
from ml2learn.ensemble import (
    HAAR_FEATURE_TYPES,
    AdaBoostClassifier,
    CascadeClassifier,
    HaarFeatures,
    box_iou,
    integral_image,
    non_max_suppression,
    rectangle_sum,
)

WINDOWS, LABELS = load_lfw_windows(return_X_y=True)
# small, fast feature sets for the cascade tests
FEW = dict(normalize=True, max_features=3000, random_state=0)


@pytest.fixture(scope="module")
def cascade():
    return CascadeClassifier(HaarFeatures(**FEW), random_state=0).fit(WINDOWS, LABELS)


# -- integral images -----------------------------------------------------------------


def test_any_rectangle_sum_is_four_look_ups():
    rng = np.random.RandomState(0)
    images = rng.randint(0, 256, size=(3, 9, 13)).astype(float)
    ii = integral_image(images)
    np.testing.assert_array_equal(ii, [skimage_integral_image(im) for im in images])
    top, bottom = np.sort(rng.randint(0, 9, size=(2, 200)), axis=0)
    left, right = np.sort(rng.randint(0, 13, size=(2, 200)), axis=0)
    sums = rectangle_sum(ii, top, left, bottom, right)
    direct = [
        [im[t : b + 1, c : r + 1].sum() for t, c, b, r in zip(top, left, bottom, right)]
        for im in images
    ]
    np.testing.assert_array_equal(sums, direct)
    assert rectangle_sum(ii[0], 0, 0, 8, 12) == images[0].sum()


def test_integral_image_bad_input():
    with pytest.raises(ValueError, match="one image"):
        integral_image(np.zeros((2, 3, 4, 5)))
    with pytest.raises(ValueError, match="NaN"):
        integral_image([[1.0, np.nan]])
    with pytest.raises(ValueError, match="inside"):
        rectangle_sum(integral_image(np.ones((3, 3))), 0, 0, 3, 1)
    with pytest.raises(ValueError, match="top <= bottom"):
        rectangle_sum(integral_image(np.ones((3, 3))), 2, 0, 1, 1)
    with pytest.raises(TypeError, match="integers"):
        rectangle_sum(integral_image(np.ones((3, 3))), 0.5, 0, 1, 1)


# -- Haar-like features ----------------------------------------------------------------


@pytest.mark.parametrize("feature_type", list(HAAR_FEATURE_TYPES))
def test_features_equal_scikit_images_in_its_order(feature_type):
    rng = np.random.RandomState(1)
    windows = rng.randint(0, 256, size=(4, 8, 7)).astype(np.uint8)
    haar = HaarFeatures(feature_type).fit(windows)
    ours = haar.transform(windows)
    theirs = np.array(
        [
            haar_like_feature(skimage_integral_image(w), 0, 0, 7, 8, feature_type)
            for w in windows
        ]
    )
    np.testing.assert_array_equal(ours, theirs)  # integers: exact
    coords, _ = haar_like_feature_coord(7, 8, feature_type)
    for index in (0, len(coords) // 2, len(coords) - 1):
        cells = haar.feature_rectangles(index)
        assert [(a, b) for a, b, _ in cells] == [tuple(c) for c in coords[index]]


def test_all_features_of_an_lfw_window_equal_scikit_images():
    haar = HaarFeatures().fit(WINDOWS[:2])
    theirs = haar_like_feature(skimage_integral_image(WINDOWS[0]), 0, 0, 25, 25)
    np.testing.assert_allclose(haar.transform(WINDOWS[:1])[0], theirs, atol=1e-10)


def test_feature_counts_follow_the_formula():
    # Viola and Jones (2004) count 162,336 features of these types in 24 x 24
    assert len(HaarFeatures().fit(np.zeros((1, 24, 24))).feature_types_) == 162336
    H, W = 6, 9
    for name, (p, q) in HAAR_FEATURE_TYPES.items():
        expected = sum(
            (H - p * h + 1) * (W - q * w + 1)
            for h in range(1, H // p + 1)
            for w in range(1, W // q + 1)
        )
        haar = HaarFeatures(name).fit(np.zeros((1, H, W)))
        assert len(haar.get_feature_names_out()) == expected


def test_a_subset_is_the_same_columns_and_names():
    full = HaarFeatures().fit(WINDOWS[:5])
    part = HaarFeatures(max_features=500, random_state=3).fit(WINDOWS[:5])
    names = full.get_feature_names_out()
    columns = np.searchsorted(
        names, part.get_feature_names_out(), sorter=np.argsort(names)
    )
    columns = np.argsort(names)[columns]
    np.testing.assert_array_equal(names[columns], part.get_feature_names_out())
    np.testing.assert_array_equal(
        full.transform(WINDOWS[:5])[:, columns], part.transform(WINDOWS[:5])
    )
    again = HaarFeatures(max_features=500, random_state=3).fit(WINDOWS[:5])
    np.testing.assert_array_equal(again.feature_boxes_, part.feature_boxes_)


def test_normalize_gives_the_features_of_standardised_windows():
    windows = WINDOWS[:6] * 3.0 + 0.5
    standardised = (windows - windows.mean(axis=(1, 2), keepdims=True)) / windows.std(
        axis=(1, 2), keepdims=True
    )
    haar = HaarFeatures(max_features=400, random_state=0, normalize=True).fit(windows)
    raw = HaarFeatures(max_features=400, random_state=0).fit(windows)
    np.testing.assert_allclose(
        haar.transform(windows), raw.transform(standardised), atol=1e-9
    )
    # lighting does not change them; a constant window has none
    np.testing.assert_allclose(
        haar.transform(windows * 2 + 1), haar.transform(windows), atol=1e-9
    )
    assert np.all(haar.transform(np.full((1, 25, 25), 0.7)) == 0)


def test_flat_rows_and_image_shape():
    flat = WINDOWS[:3].reshape(3, -1)
    a = HaarFeatures("type-4", image_shape=(25, 25)).fit(flat).transform(flat)
    b = HaarFeatures("type-4").fit(WINDOWS[:3]).transform(WINDOWS[:3])
    np.testing.assert_array_equal(a, b)
    one_row = HaarFeatures().fit(np.ones((2, 5)))
    assert one_row.window_shape_ == (1, 5)
    assert set(one_row.feature_types_) == {"type-2-x", "type-3-x"}


def test_draw_feature_colours_the_cells():
    haar = HaarFeatures("type-2-x").fit(WINDOWS[:1])
    name = "type-2-x_r4_c2_h6_w10"
    picture = haar.draw_feature(name, WINDOWS[0])
    assert picture.shape == (25, 25, 3)
    negative, positive = haar.feature_rectangles(name)
    assert negative[2] == -1 and positive[2] == 1
    (t, c), (b, r) = positive[:2]
    cell = picture[t : b + 1, c : r + 1]
    assert np.all(cell[..., 0] >= cell[..., 2])  # red over the positive cell
    assert np.all(picture[:4] == picture[:4, :, :1])  # grey outside


def test_haar_bad_input():
    haar = HaarFeatures().fit(WINDOWS[:2])
    with pytest.raises(ValueError, match=r"windows of shape \(24, 24\)"):
        haar.transform(np.zeros((1, 24, 24)))
    with pytest.raises(ValueError, match="grey-level"):
        HaarFeatures().fit(np.zeros((2, 3, 8, 8)))
    with pytest.raises(ValueError, match="channels"):
        HaarFeatures(image_shape=(3, 4, 4)).fit(np.zeros((2, 48)))
    with pytest.raises(ValueError, match="feature_types"):
        HaarFeatures("type-5").fit(WINDOWS[:2])
    with pytest.raises(ValueError, match="No Haar feature"):
        HaarFeatures("type-2-y").fit(np.zeros((2, 1, 4)))
    with pytest.raises(ValueError, match="not one of"):
        haar.draw_feature("nope")
    with pytest.raises(NotFittedError):
        HaarFeatures().transform(WINDOWS[:2])


def test_haar_features_and_adaboost_select_named_features():
    pipe = make_pipeline(
        HaarFeatures(max_features=2000, random_state=0),
        AdaBoostClassifier(n_estimators=20),
    )
    pipe.fit(WINDOWS[::2], LABELS[::2])
    assert pipe.score(WINDOWS[1::2], LABELS[1::2]) > 0.85
    importances = pipe[-1].feature_importances_
    names = pipe[0].get_feature_names_out()
    chosen = names[importances > 0]
    assert 1 <= len(chosen) <= 20
    assert all(n.split("_")[0] in HAAR_FEATURE_TYPES for n in chosen)
    frame = make_pipeline(
        HaarFeatures(max_features=200, random_state=0),
        AdaBoostClassifier(n_estimators=3),
    ).set_output(transform="pandas")
    pytest.importorskip("pandas")
    frame.fit(WINDOWS, LABELS)
    np.testing.assert_array_equal(
        frame[-1].feature_names_in_, frame[0].get_feature_names_out()
    )


# -- the cascade ------------------------------------------------------------


def test_cascade_rates_are_the_products_of_its_stages(cascade):
    v = cascade.validation_indices_
    faces, others = v[LABELS[v] == 1], v[LABELS[v] == 0]
    passed = cascade.predict(WINDOWS) == 1
    stages = cascade.stages_
    assert len(stages) >= 2
    assert cascade.detection_rate_ == pytest.approx(
        np.prod([s["detection_rate"] for s in stages])
    )
    assert cascade.false_positive_rate_ == pytest.approx(
        np.prod([s["false_positive_rate"] for s in stages])
    )
    assert cascade.detection_rate_ == pytest.approx(passed[faces].mean())
    assert cascade.false_positive_rate_ == pytest.approx(passed[others].mean())
    for stage in stages:
        assert stage["detection_rate"] >= cascade.stage_detection_rate or (
            stage["detection_rate"] == 1.0
        )
        assert stage["threshold"] <= 0.0  # lowered from AdaBoost's, never raised
        assert stage["n_features"] == len(stage["features"])


def test_each_stage_is_tuned_on_the_windows_that_reach_it():
    cascade = CascadeClassifier(
        HaarFeatures(**FEW),
        validation_fraction=0,
        stage_detection_rate=0.97,
        random_state=0,
    ).fit(WINDOWS, LABELS)
    faces, others = LABELS == 1, LABELS == 0
    reached = np.ones(len(WINDOWS), dtype=bool)
    values = cascade.features_.transform(WINDOWS)
    for stage, record in zip(cascade._stages, cascade.stages_):
        passes = stage.passes(values[:, stage.features])
        assert record["detection_rate"] == pytest.approx(passes[reached & faces].mean())
        assert record["false_positive_rate"] == pytest.approx(
            passes[reached & others].mean()
        )
        assert passes[reached & faces].mean() >= 0.97
        reached &= passes
    np.testing.assert_array_equal(cascade.predict(WINDOWS) == 1, reached)


def test_a_stage_is_the_first_rounds_of_adaboost():
    from ml2learn.ensemble._cascade import CascadeStage

    haar = HaarFeatures(max_features=500, random_state=0).fit(WINDOWS)
    values = haar.transform(WINDOWS)
    booster = AdaBoostClassifier(n_estimators=12).fit(values, LABELS)
    for n_rounds, decision in enumerate(booster.staged_decision_function(values), 1):
        stage = CascadeStage.from_boosting(booster, n_rounds)
        assert len(stage.features) <= n_rounds
        np.testing.assert_allclose(
            stage.scores(values[:, stage.features]), decision, atol=1e-12
        )


def test_decision_function_ranks_and_agrees_with_predict(cascade):
    decision = cascade.decision_function(WINDOWS)
    np.testing.assert_array_equal(
        cascade.classes_[(decision > 0).astype(int)], cascade.predict(WINDOWS)
    )
    from sklearn.metrics import roc_auc_score

    v = cascade.validation_indices_
    assert roc_auc_score(LABELS[v], decision[v]) > 0.9


def test_the_cascade_evaluates_few_features_per_window(cascade):
    evaluated = cascade.features_evaluated(WINDOWS)
    total = sum(s["n_features"] for s in cascade.stages_)
    first = cascade.stages_[0]["n_features"]
    assert evaluated.min() >= first and evaluated.max() <= total
    non_faces = evaluated[LABELS == 0]
    assert non_faces.mean() < total


def test_reproducible_and_pickled(cascade):
    again = CascadeClassifier(HaarFeatures(**FEW), random_state=0).fit(WINDOWS, LABELS)
    np.testing.assert_array_equal(
        again.decision_function(WINDOWS), cascade.decision_function(WINDOWS)
    )
    restored = pickle.loads(pickle.dumps(cascade))
    np.testing.assert_array_equal(
        restored.decision_function(WINDOWS), cascade.decision_function(WINDOWS)
    )
    canvas = np.full((60, 70), 0.4)
    canvas[10:35, 30:55] = WINDOWS[0]
    np.testing.assert_array_equal(restored.detect(canvas), cascade.detect(canvas))
    assert len(pickle.dumps(cascade)) < 200_000  # only the used features are kept


def test_bootstrapping_from_photographs():
    photographs = load_face_free_photographs(["brick", "grass"])
    cascade = CascadeClassifier(
        HaarFeatures(**FEW), n_negatives=60, max_stages=4, random_state=0
    ).fit(WINDOWS, LABELS, negative_images=photographs)
    assert 1 <= len(cascade.stages_) <= 4
    # later stages train on the photographs' windows that earlier ones accept
    assert cascade.stop_reason_ in {
        "max_stages reached",
        "target_false_positive_rate reached",
        "a stage could not reject any non-object",
        "no training non-object left",
    }


# -- detection ------------------------------------------------------------


def test_detect_finds_a_pasted_face_and_nothing_on_a_blank_image(cascade):
    canvas = np.full((90, 120), 0.45)
    canvas[30:55, 60:85] = WINDOWS[1]  # a training face
    boxes, scores = cascade.detect(canvas, return_scores=True)
    assert len(boxes) >= 1 and np.all(np.diff(scores) <= 0)
    assert box_iou(boxes[:1], [[30, 60, 25, 25]])[0, 0] >= 0.5
    assert len(cascade.detect(np.full((90, 120), 0.45))) == 0


def test_detect_scans_the_same_windows_as_decision_function(cascade):
    image = load_face_free_photographs(["coffee"])[0][:60, :80]
    corners, margins = cascade._scan(image, step=3)
    windows = np.stack([image[t : t + 25, c : c + 25] for t, c in corners])
    if len(windows):
        np.testing.assert_allclose(
            cascade.decision_function(windows), margins, atol=1e-9
        )
    # every accepted window of the scan is one that predict accepts
    top, left = np.meshgrid(np.arange(0, 36, 3), np.arange(0, 56, 3), indexing="ij")
    every = np.stack(
        [image[t : t + 25, c : c + 25] for t, c in zip(top.ravel(), left.ravel())]
    )
    assert (cascade.predict(every) == 1).sum() == len(corners)


def test_detect_bigger_faces_at_coarser_levels(cascade):
    from scipy import ndimage

    face = ndimage.zoom(WINDOWS[1], 2.0, order=1)  # a 50 x 50 face
    canvas = np.full((120, 140), 0.45)
    canvas[20:70, 60:110] = face
    boxes = cascade.detect(canvas, min_neighbors=1)
    assert len(boxes) and box_iou(boxes, [[20, 60, 50, 50]]).max() >= 0.5
    only_small = cascade.detect(canvas, max_size=30, min_neighbors=1)
    assert np.all(only_small[:, 2] <= 30)


def test_non_max_suppression_keeps_the_best_of_each_group():
    boxes = np.array(
        [[0, 0, 10, 10], [1, 1, 10, 10], [50, 50, 10, 10], [0, 30, 10, 10]]
    )
    scores = np.array([0.5, 0.9, 0.7, 0.1])
    np.testing.assert_array_equal(non_max_suppression(boxes, scores), [1, 2, 3])
    np.testing.assert_array_equal(
        non_max_suppression(boxes, scores, min_neighbors=2), [1]
    )
    assert box_iou([0, 0, 10, 10], [5, 0, 10, 10])[0, 0] == pytest.approx(50 / 150)


def test_cascade_bad_input(cascade):
    with pytest.raises(ValueError, match="windows of shape"):
        cascade.predict(np.zeros((2, 24, 24)))
    with pytest.raises(ValueError, match="smaller than"):
        cascade.detect(np.zeros((20, 40)))
    with pytest.raises(ValueError, match="2-D grey-level"):
        cascade.detect(np.zeros((50, 50, 3)))
    with pytest.raises(ValueError, match="scale_factor"):
        cascade.detect(np.zeros((50, 50)), scale_factor=1.0)
    with pytest.raises(ValueError, match="step"):
        cascade.detect(np.zeros((50, 50)), step=0)
    for name, value in [
        ("stage_detection_rate", 1.5),
        ("stage_detection_rate", 0.0),
        ("stage_false_positive_rate", 1.0),
        ("target_false_positive_rate", 0.0),
    ]:
        with pytest.raises(ValueError, match=name):
            CascadeClassifier(**{name: value}).fit(WINDOWS, LABELS)
    with pytest.raises(ValueError, match="Only binary"):
        CascadeClassifier().fit(WINDOWS[:30], np.arange(30) % 3)
    with pytest.raises(TypeError, match="HaarFeatures"):
        from sklearn.preprocessing import StandardScaler

        CascadeClassifier(StandardScaler()).fit(WINDOWS, LABELS)
    with pytest.raises(ValueError, match="negative_images is empty"):
        CascadeClassifier(HaarFeatures(**FEW)).fit(WINDOWS, LABELS, negative_images=[])
    with pytest.raises(ValueError, match="smaller than"):
        CascadeClassifier(HaarFeatures(**FEW)).fit(
            WINDOWS, LABELS, negative_images=[np.zeros((10, 10))]
        )


def test_a_cascade_that_rejects_nothing_says_so():
    rng = np.random.RandomState(0)
    windows = rng.rand(60, 4, 4)
    y = np.arange(60) % 2  # labels unrelated to the windows
    with pytest.warns(UserWarning, match="rejects none"):
        CascadeClassifier(random_state=0, max_stage_features=3).fit(windows, y)
