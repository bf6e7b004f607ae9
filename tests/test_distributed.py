"""Grid searches on a real dask cluster (two worker processes) through
joblib's dask backend give the results of ``n_jobs=1``."""

import joblib
import numpy as np
import pytest
import torch
from _search_cases import searches
from distributed import Client, LocalCluster
from sklearn.datasets import load_breast_cancer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ml2learn.neural import MLPClassifier
from ml2learn.utils.parallel import dask_worker_threads


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with Client(cluster) as client:
        yield client
    cluster.close()


def test_searches_on_dask_equal_n_jobs_1(client):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the workers' setting, for bit-equal floats
    try:
        local = [search.fit(X, y) for search, X, y in searches()]
    finally:
        torch.set_num_threads(threads)
    with joblib.parallel_backend("dask"):
        remote = [search.fit(X, y) for search, X, y in searches()]
    for a, b in zip(local, remote):
        assert a.best_params_ == b.best_params_
        np.testing.assert_array_equal(
            a.cv_results_["mean_test_score"], b.cv_results_["mean_test_score"]
        )
        np.testing.assert_array_equal(
            a.cv_results_["split0_test_score"], b.cv_results_["split0_test_score"]
        )


def test_fitted_estimators_travel_between_processes(client):
    X, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(
        StandardScaler(), MLPClassifier((8,), max_epochs=5, random_state=0)
    )
    fitted = client.submit(model.fit, X, y).result()  # trained on a worker
    expected = make_pipeline(
        StandardScaler(), MLPClassifier((8,), max_epochs=5, random_state=0)
    )
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        expected.fit(X, y)
    finally:
        torch.set_num_threads(threads)
    np.testing.assert_array_equal(fitted.predict_proba(X), expected.predict_proba(X))
    # and back: a model fitted here predicts the same on a worker
    remote = client.submit(fitted.predict_proba, X).result()
    np.testing.assert_array_equal(remote, fitted.predict_proba(X))


def test_workers_cap_torch_threads(client):
    assert dask_worker_threads() is None  # not on a worker here
    workers = list(client.scheduler_info()["workers"])
    threads = [
        client.submit(dask_worker_threads, workers=[w], pure=False).result()
        for w in workers
    ]
    assert len(workers) == 2 and threads == [1, 1]


def test_task_thread_cap_sets_and_restores_torch_threads(monkeypatch):
    from ml2learn.utils import parallel

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        monkeypatch.setattr(parallel, "dask_worker_threads", lambda: 1)
        with parallel.torch_threads_for_task():
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2
        monkeypatch.setattr(parallel, "dask_worker_threads", lambda: None)
        with parallel.torch_threads_for_task():
            assert torch.get_num_threads() == 2
        with parallel.torch_threads_for_task(limit=1):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
