"""Benchmarks of ml2learn against the libraries a user would otherwise pick.

Run ``python -m benchmarks [FAMILY ...] [--quick]``; each family lives in a
``bench_<family>.py`` module with a ``run(quick)`` function.
"""
