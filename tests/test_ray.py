"""The same grid searches on a local Ray cluster (two CPUs) through Ray's
joblib backend give the results of ``n_jobs=1``."""

import os

import joblib
import numpy as np
import pytest
import torch
from _search_cases import searches

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def ray_cluster():
    from ray.util.joblib import register_ray

    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=100 * 1024**2,
        log_to_driver=False,
        configure_logging=False,
    )
    register_ray()
    yield
    ray.shutdown()


def test_searches_on_ray_equal_n_jobs_1(ray_cluster):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # Ray's workers run torch on one thread
    try:
        local = [search.fit(X, y) for search, X, y in searches()]
    finally:
        torch.set_num_threads(threads)
    with joblib.parallel_backend("ray"):
        remote = [search.set_params(n_jobs=2).fit(X, y) for search, X, y in searches()]
    for a, b in zip(local, remote):
        assert a.best_params_ == b.best_params_
        np.testing.assert_array_equal(
            a.cv_results_["mean_test_score"], b.cv_results_["mean_test_score"]
        )
        np.testing.assert_array_equal(
            a.cv_results_["split0_test_score"], b.cv_results_["split0_test_score"]
        )


def test_tasks_run_in_ray_workers_with_one_torch_thread(ray_cluster):
    def where():
        return os.getpid(), torch.get_num_threads()

    with joblib.parallel_backend("ray"):
        ran = joblib.Parallel(n_jobs=2)(joblib.delayed(where)() for _ in range(4))
    assert all(pid != os.getpid() and threads == 1 for pid, threads in ran)
