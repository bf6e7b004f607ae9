"""The tour: every method family run end to end on embedded data.

Each :class:`TourEntry` names a method, its family, a loader of embedded data
and a pipeline with a small parameter grid. :func:`run_tour` fits every
entry's ``GridSearchCV`` and returns one row per entry. Later method families
add their entries with :func:`register`.
"""

import logging
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.metrics import check_scoring
from sklearn.model_selection import GridSearchCV, ParameterGrid
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

__all__ = ["TOUR", "TourEntry", "register", "run_tour"]

logger = logging.getLogger(__name__)


@dataclass
class TourEntry:
    """One method of the tour.

    Attributes
    ----------
    family : str
        The method family (``--only`` selects by it).
    method : str
        What is shown in the table.
    dataset : str
        The name of the data.
    load : callable
        ``load() -> (X, y)``.
    build : callable
        ``build(quick) -> (pipeline, param_grid)``.
    domains : bool
        ``load`` returns ``(X, y, sample_domain)``: the search routes
        ``sample_domain``, splits every domain (``DomainKFold``) and scores
        the labelled target rows.
    metric : str or None
        What the cross-validated score measures; None: accuracy for a
        classifier, R^2 for a regressor, target accuracy with ``domains``.
    """

    family: str
    method: str
    dataset: str
    load: object
    build: object
    tags: dict = field(default_factory=dict)
    domains: bool = False
    metric: str = None

    def metric_of(self, pipeline):
        """The name of the score the grid search reports for ``pipeline``."""
        if self.metric is not None:
            return self.metric
        if self.domains:
            return "target accuracy"
        if is_classifier(pipeline):
            return "accuracy"
        if is_regressor(pipeline):
            return "R^2"
        return "score()"


TOUR = []


def register(entry):
    """Add ``entry`` to the tour and return it."""
    TOUR.append(entry)
    return entry


def _boosting_entries():
    from .datasets import load_lfw_windows
    from .ensemble import (
        AdaBoostClassifier,
        AdaBoostRegressor,
        CascadeClassifier,
        GradientBoostingClassifier,
        GradientBoostingRegressor,
        HaarFeatures,
    )

    def adaboost(quick):
        pipe = make_pipeline(StandardScaler(), AdaBoostClassifier())
        grid = {"adaboostclassifier__n_estimators": [20, 50] if quick else [50, 200]}
        return pipe, grid

    def adaboost_r2(quick):
        pipe = make_pipeline(StandardScaler(), AdaBoostRegressor(random_state=0))
        grid = {"adaboostregressor__loss": ["linear", "square"]}
        if quick:
            pipe.set_params(adaboostregressor__n_estimators=20)
        return pipe, grid

    def gradient_boosting(tree_method):
        def build(quick):
            clf = GradientBoostingClassifier(
                tree_method=tree_method, n_estimators=20 if quick else 100
            )
            pipe = make_pipeline(StandardScaler(), clf)
            return pipe, {"gradientboostingclassifier__learning_rate": [0.1, 0.3]}

        return build

    def gradient_boosting_regression(quick):
        reg = GradientBoostingRegressor(n_estimators=30 if quick else 100)
        pipe = make_pipeline(StandardScaler(), reg)
        grid = {"gradientboostingregressor__loss": ["squared_error", "huber"]}
        return pipe, grid

    def haar_adaboost(quick):
        haar = HaarFeatures(max_features=2000 if quick else 20000, random_state=0)
        pipe = make_pipeline(haar, AdaBoostClassifier())
        grid = {"adaboostclassifier__n_estimators": [10, 30] if quick else [30, 100]}
        return pipe, grid

    def cascade(quick):
        haar = HaarFeatures(
            normalize=True, max_features=2000 if quick else 20000, random_state=0
        )
        pipe = make_pipeline(CascadeClassifier(haar, random_state=0))
        grid = {"cascadeclassifier__stage_false_positive_rate": [0.3, 0.5]}
        return pipe, grid

    faces = lambda: load_lfw_windows(return_X_y=True)  # noqa: E731
    cancer = lambda: load_breast_cancer(return_X_y=True)  # noqa: E731
    diabetes = lambda: load_diabetes(return_X_y=True)  # noqa: E731
    digits = lambda: load_digits(return_X_y=True)  # noqa: E731
    return [
        TourEntry("boosting", "AdaBoost (stumps)", "breast cancer", cancer, adaboost),
        TourEntry("boosting", "AdaBoost.R2", "diabetes", diabetes, adaboost_r2),
        TourEntry(
            "boosting",
            "gradient boosting (exact)",
            "digits",
            digits,
            gradient_boosting("exact"),
        ),
        TourEntry(
            "boosting",
            "gradient boosting (hist)",
            "digits",
            digits,
            gradient_boosting("hist"),
        ),
        TourEntry(
            "boosting",
            "gradient boosting regression",
            "diabetes",
            diabetes,
            gradient_boosting_regression,
        ),
        TourEntry(
            "boosting",
            "Viola-Jones: Haar + AdaBoost",
            "lfw faces",
            faces,
            haar_adaboost,
        ),
        TourEntry(
            "boosting", "Viola-Jones: attentional cascade", "lfw faces", faces, cascade
        ),
    ]


def _neural_entries():
    from .neural import (
        CNNClassifier,
        MLPClassifier,
        MLPRegressor,
        VisionTransformerClassifier,
    )

    def mlp(quick):
        clf = MLPClassifier(
            batch_size=64, max_epochs=10 if quick else 30, random_state=0
        )
        pipe = make_pipeline(StandardScaler(), clf)
        grid = {"mlpclassifier__hidden_layer_sizes": [(64,), (128,)]}
        if not quick:
            grid["mlpclassifier__learning_rate"] = [1e-3, 3e-3]
        return pipe, grid

    def mlp_regression(quick):
        reg = MLPRegressor(
            (32,),
            batch_size=32,
            learning_rate=3e-3,
            max_epochs=20 if quick else 60,
            random_state=0,
        )
        # the regressor standardises the target itself (y_mean_, y_scale_)
        pipe = make_pipeline(StandardScaler(), reg)
        grid = {"mlpregressor__weight_decay": [0.0, 1e-2]}
        return pipe, grid

    def cnn(quick):
        clf = CNNClassifier(
            image_shape=(8, 8), max_epochs=5 if quick else 30, random_state=0
        )
        pipe = make_pipeline(MinMaxScaler(), clf)
        grid = {"cnnclassifier__filters": [(16, 32)] if quick else [(16, 32), (32, 64)]}
        return pipe, grid

    def vit(quick):
        clf = VisionTransformerClassifier(
            2,
            32 if quick else 64,
            4,
            num_layers=1 if quick else 2,
            image_shape=(8, 8),
            learning_rate=6e-3 if quick else 3e-3,
            batch_size=128 if quick else 64,
            max_epochs=11 if quick else 20,
            random_state=0,
        )
        pipe = make_pipeline(MinMaxScaler(), clf)
        return pipe, {"visiontransformerclassifier__pooling": ["cls"]}

    digits = lambda: load_digits(return_X_y=True)  # noqa: E731
    diabetes = lambda: load_diabetes(return_X_y=True)  # noqa: E731
    return [
        TourEntry("neural", "MLP", "digits", digits, mlp),
        TourEntry("neural", "CNN (8x8 images)", "digits", digits, cnn),
        TourEntry("neural", "vision transformer (2x2 patches)", "digits", digits, vit),
        TourEntry("neural", "MLP regression", "diabetes", diabetes, mlp_regression),
    ]


def _text_entries():
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import RidgeClassifier
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import LinearSVC

    from .datasets import load_sklearn_docstrings, make_dates
    from .neural import (
        LSTMClassifier,
        Seq2SeqTranslator,
        TransformerClassifier,
        TransformerMaskedLM,
    )
    from .text import SequenceEncoder, TfidfVectorizer, Word2Vec

    def tfidf(quick):
        pipe = make_pipeline(TfidfVectorizer(norm="l2"), LinearSVC())
        grid = {"tfidfvectorizer__tf": ["proportion", "sublinear"]}
        if not quick:
            grid["tfidfvectorizer__ngram_range"] = [(1, 1), (1, 2)]
        return pipe, grid

    def word2vec(quick):
        pipe = make_pipeline(
            Word2Vec(
                100,
                architecture="cbow",
                min_count=2,
                epochs=5 if quick else 10,
                lowercase=True,
                random_state=0,
            ),
            StandardScaler(),
            RidgeClassifier(),
        )
        grid = {"word2vec__architecture": ["cbow"] if quick else ["cbow", "skipgram"]}
        return pipe, grid

    def docstrings():
        corpus = load_sklearn_docstrings()
        return corpus.data, corpus.target

    def docstrings_sample():
        # every third paragraph: the sequence models train on ~1,800 texts
        corpus = load_sklearn_docstrings()
        return corpus.data[::3], corpus.target[::3]

    def lstm(quick):
        pipe = make_pipeline(
            SequenceEncoder(lowercase=True, min_freq=2, max_len=32),
            LSTMClassifier(
                hidden_size=32 if quick else 64,
                embedding_dim=32,
                max_epochs=4 if quick else 12,
                random_state=0,
            ),
        )
        return pipe, {
            "lstmclassifier__pooling": ["mean"] if quick else ["last", "mean"]
        }

    def transformer(quick):
        pipe = make_pipeline(
            SequenceEncoder(lowercase=True, min_freq=2, max_len=32),
            TransformerClassifier(
                32 if quick else 64,
                4,
                num_layers=1 if quick else 2,
                token_input=True,
                max_epochs=4 if quick else 12,
                random_state=0,
            ),
        )
        return pipe, {
            "transformerclassifier__pooling": ["mean"] if quick else ["cls", "mean"]
        }

    def fine_tuned(quick):
        # BERT's recipe: pre-train on texts without their labels (every
        # paragraph, three times the labelled ones; on those alone it scored
        # 0.298 against 0.339 from scratch, here 0.349), then fine-tune the
        # encoder with a new head (the search times this part)
        width, layers = (32, 1) if quick else (64, 2)
        unlabelled = (docstrings_sample() if quick else docstrings())[0]
        mlm = TransformerMaskedLM(
            width, 4, num_layers=layers, min_freq=2, max_len=32, lowercase=True,
            learning_rate=2e-3 if quick else 3e-3, max_epochs=4 if quick else 12,
            random_state=0,
        ).fit(unlabelled)  # fmt: skip
        # it reads the texts with the masked LM's vocabulary
        classifier = TransformerClassifier(
            width, 4, num_layers=layers, pooling="mean",
            init_from=FrozenEstimator(mlm), max_epochs=4 if quick else 12,
            random_state=0,
        )  # fmt: skip
        pipe = make_pipeline(classifier)
        factors = [1.0] if quick else [0.3, 1.0]
        return pipe, {"transformerclassifier__fine_tune_lr_factor": factors}

    def dates():
        return make_dates(3000, random_state=0)

    def translator(quick):
        model = Seq2SeqTranslator(
            target_tokenizer="char",
            hidden_size=32 if quick else 64,
            embedding_dim=16 if quick else 32,
            learning_rate=2e-2 if quick else 5e-3,
            batch_size=96 if quick else 64,
            max_epochs=4 if quick else 8,
            random_state=0,
        )
        return model, {"attention": ["general"] if quick else [None, "general"]}

    return [
        TourEntry(
            "text",
            "TF-IDF + linear SVM",
            "sklearn docstrings (10 modules)",
            docstrings,
            tfidf,
        ),
        TourEntry(
            "text",
            "Word2Vec document vectors + ridge classifier",
            "sklearn docstrings (10 modules)",
            docstrings,
            word2vec,
        ),
        TourEntry(
            "sequence",
            "SequenceEncoder + LSTM",
            "sklearn docstrings (every 3rd)",
            docstrings_sample,
            lstm,
        ),
        TourEntry(
            "sequence",
            "SequenceEncoder + transformer encoder",
            "sklearn docstrings (every 3rd)",
            docstrings_sample,
            transformer,
        ),
        TourEntry(
            "sequence",
            "masked-LM pre-trained transformer, fine-tuned (BERT)",
            "sklearn docstrings (every 3rd)",
            docstrings_sample,
            fine_tuned,
        ),
        TourEntry(
            "sequence",
            "Seq2SeqTranslator (LSTM; grid: attention none or general)",
            "dates in words -> ISO",
            dates,
            translator,
            metric="exact match",
        ),
    ]


def _adaptation_entries():
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    from .adaptation import DANNClassifier, TrAdaBoostClassifier, pack_domains
    from .datasets import make_domain_shift

    def rotated_moons(angle, labelled_fraction):
        data = make_domain_shift("moons", n_samples=300, angle=angle, random_state=0)
        y_target = data.y_target.copy()
        if labelled_fraction < 1:
            rng = np.random.RandomState(0)
            hidden = rng.rand(len(y_target)) >= labelled_fraction
            y_target[hidden] = -1
        return pack_domains(data.X_source, data.y_source, data.X_target, y_target)

    def dann(quick):
        pipe = make_pipeline(
            StandardScaler(),
            DANNClassifier(max_epochs=40 if quick else 120, random_state=0),
        )
        return pipe, {"dannclassifier__domain_weight": [0.0, 1.0]}

    def tradaboost(quick):
        pipe = TrAdaBoostClassifier(DecisionTreeClassifier(max_depth=3), random_state=0)
        return pipe, {"n_estimators": [10, 50] if quick else [10, 30, 100]}

    return [
        TourEntry(
            "adaptation",
            "DANN (target unlabelled; grid: domain_weight 0 or 1)",
            "moons, target rotated 30 degrees",
            # the target labels are kept for the target scorer; DANN never
            # reads them
            lambda: rotated_moons(30, 1.0),
            dann,
            domains=True,
        ),
        TourEntry(
            "adaptation",
            "TrAdaBoost (10 % of the target labelled)",
            "moons, target rotated 40 degrees",
            lambda: rotated_moons(40, 0.1),
            tradaboost,
            domains=True,
        ),
    ]


def _generative_entries():
    from .datasets import make_digit_pairs, make_gaussian_ring
    from .generative import GAN, Pix2Pix

    def ring():
        return make_gaussian_ring(4000, random_state=0)[0], None

    def gan(quick):
        model = GAN(
            latent_dim=2,
            learning_rate=1e-3,
            batch_size=512,
            lr_schedule="cosine",
            max_epochs=40 if quick else 150,
            random_state=0,
        )
        return model, {"label_smoothing": [0.1] if quick else [0.0, 0.1]}

    def edges_to_digits():
        edges, digits, _ = make_digit_pairs("edges", random_state=0)
        return edges[:1000], digits[:1000]

    def pix2pix(quick):
        model = Pix2Pix(
            4 if quick else 16,
            4 if quick else 16,
            max_epochs=2 if quick else 8,
            learning_rate=3e-3 if quick else 1e-3,
            random_state=0,
        )
        return model, {"l1_weight": [100.0] if quick else [10.0, 100.0]}

    return [
        TourEntry(
            "generative",
            "GAN",
            "ring of 8 Gaussians",
            ring,
            gan,
            metric="-MMD^2 (samples vs held-out points)",
        ),
        TourEntry(
            "generative",
            "pix2pix",
            "edges -> digits 16x16",
            edges_to_digits,
            pix2pix,
            metric="-mean |y - G(x)| (held-out pairs)",
        ),
    ]


for _entry in (
    _boosting_entries()
    + _neural_entries()
    + _text_entries()
    + _adaptation_entries()
    + _generative_entries()
):
    register(_entry)


class _CountingScorer:
    """A grid search's scorer that moves a progress bar by one fit each time
    it scores a fold (in-process searches only: a bar does not travel to
    worker processes)."""

    def __init__(self, scorer, bar):
        self.scorer = scorer
        self.bar = bar

    def __call__(self, estimator, X, y=None, **kwargs):
        try:
            return self.scorer(estimator, X, y, **kwargs)
        finally:
            self.bar.update(1)


def run_tour(quick=False, only=None, cv=3, n_jobs=1, progress=True):
    """Fit every registered entry's grid search and collect the results.

    The searches report cross-validated scores and do not refit the best
    candidate on all the data (``refit=False``): nothing here would use the
    refitted model, and the refit was a fifth of the tour's time.

    Parameters
    ----------
    quick : bool, default=False
        Smaller models and grids (about a minute on two cores in all).
    only : list of str, default=None
        Families to run; ``None`` runs all.
    cv : int, default=3
        Folds of the grid search.
    n_jobs : int, default=1
        Parallel jobs of the grid search.
    progress : bool, default=True
        Show a progress bar (tqdm) on standard error, moving one step per
        candidate and fold (per method with ``n_jobs != 1``).

    Returns
    -------
    rows : list of dict
        ``method``, ``family``, ``dataset``, ``cv_score``, ``metric``,
        ``best_params``, ``fit_seconds`` per entry.
    """
    from tqdm.auto import tqdm

    if only is not None:
        only = [name.lower() for name in only]
    entries = [e for e in TOUR if only is None or e.family in only]
    if not entries:
        families = sorted({e.family for e in TOUR})
        raise ValueError(f"only must name families among {families}; got {only}.")
    built = [(entry, *entry.build(quick)) for entry in entries]
    n_fits = sum(len(ParameterGrid(grid)) * cv for _, _, grid in built)
    rows = []
    bar = tqdm(total=n_fits, disable=not progress, unit="fit")
    with bar, warnings.catch_warnings():
        # the sequence entries cut long paragraphs at max_len on purpose
        warnings.filterwarnings("ignore", r".*were truncated", UserWarning)
        for entry, pipe, grid in built:
            bar.set_description(entry.method)
            done = bar.n + len(ParameterGrid(grid)) * cv
            start = time.perf_counter()
            if entry.domains:
                search = _domain_search(entry, pipe, grid, cv, n_jobs)
            else:
                X, y = entry.load()
                scoring = None
                if n_jobs == 1 and progress:
                    scoring = _CountingScorer(check_scoring(pipe), bar)
                search = GridSearchCV(
                    pipe, grid, cv=cv, n_jobs=n_jobs, scoring=scoring, refit=False
                )
                search.fit(X, y)
            bar.update(done - bar.n)
            rows.append(
                dict(
                    family=entry.family,
                    method=entry.method,
                    dataset=entry.dataset,
                    cv_score=search.best_score_,
                    metric=entry.metric_of(pipe),
                    best_params=search.best_params_,
                    fit_seconds=time.perf_counter() - start,
                )
            )
            logger.info(
                "%s: %s %.3f in %.1f s",
                entry.method,
                rows[-1]["metric"],
                search.best_score_,
                rows[-1]["fit_seconds"],
            )
    return rows


def _domain_search(entry, pipe, grid, cv, n_jobs):
    """Grid search on target performance, ``sample_domain`` routed."""
    import sklearn

    from .adaptation import DomainKFold, target_scorer

    X, y, sample_domain = entry.load()
    with sklearn.config_context(enable_metadata_routing=True):
        search = GridSearchCV(
            pipe,
            grid,
            cv=DomainKFold(cv, shuffle=True, random_state=0),
            scoring=target_scorer(),
            n_jobs=n_jobs,
            refit=False,
        )
        return search.fit(X, y, sample_domain=sample_domain)


def families():
    """The tour's method families, in the order of the tour."""
    return list(dict.fromkeys(entry.family for entry in TOUR))


def _short_params(params):
    """``step__name=value`` pairs without the pipeline's step names."""
    return ", ".join(
        f"{name.rsplit('__', 1)[-1]}={value!r}" for name, value in params.items()
    )


def format_table(rows):
    """The tour's results as a plain-text table (``tabulate``), the best
    parameters of each grid search in the last column."""
    from tabulate import tabulate

    headers = ("method", "data set", "CV score", "metric", "fit seconds", "best")
    cells = [
        (
            r["method"],
            r["dataset"],
            f"{r['cv_score']:.3f}",
            r.get("metric", ""),
            f"{r['fit_seconds']:.1f}",
            _short_params(r.get("best_params", {})),
        )
        for r in rows
    ]
    return tabulate(cells, headers=headers, tablefmt="simple", disable_numparse=True)
