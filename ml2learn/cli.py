"""Command line: ``ml2learn tour [--quick] [--only FAMILY]`` (or
``python -m ml2learn ...``)."""

import argparse
import logging
import os
import platform
import sys
import time
from contextlib import contextmanager

__all__ = ["main"]

logger = logging.getLogger("ml2learn")


def _program_name():
    """``ml2learn`` when run as the installed command, else ``python -m ml2learn``."""
    if os.path.basename(sys.argv[0] or "") == "ml2learn":
        return "ml2learn"
    return "python -m ml2learn"


def _parser():
    from . import __version__
    from ._tour import families

    parser = argparse.ArgumentParser(
        prog=_program_name(),
        description="ml2learn: the course's methods as scikit-learn estimators.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    tour = commands.add_parser(
        "tour",
        help="run every method family on embedded data in a Pipeline and "
        "GridSearchCV and print one table",
    )
    tour.add_argument(
        "--quick", action="store_true", help="small models and grids (about a minute)"
    )
    tour.add_argument(
        "--only",
        action="append",
        type=str.lower,
        choices=families(),
        metavar="FAMILY",
        help=f"run only this family (repeatable; any case): {', '.join(families())}",
    )
    tour.add_argument("--cv", type=int, default=3, help="folds (default 3)")
    tour.add_argument("--n-jobs", type=int, default=1, help="parallel jobs")
    tour.add_argument(
        "--no-progress", action="store_true", help="hide the progress bar"
    )
    return parser


@contextmanager
def _messages_on_stderr():
    """The ``ml2learn`` logger's INFO messages on standard error while the
    command runs, written above tqdm's bar rather than through it."""
    from tqdm.contrib.logging import logging_redirect_tqdm

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with logging_redirect_tqdm(loggers=[logger]):
            yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def main(argv=None):
    """Run the command line; return the exit status.

    The results table goes to standard output; the banner, one line per
    finished method, the total time and errors go through the ``ml2learn``
    logger to standard error (silence them with ``--no-progress`` and
    ``2>/dev/null``, or configure the logger).
    """
    args = _parser().parse_args(argv)
    from . import __version__
    from ._tour import format_table, run_tour

    with _messages_on_stderr():
        logger.info(
            "ml2learn %s tour on %s (%s %s)",
            __version__,
            platform.machine(),
            platform.python_implementation(),
            platform.python_version(),
        )
        start = time.perf_counter()
        try:
            rows = run_tour(
                quick=args.quick,
                only=args.only,
                cv=args.cv,
                n_jobs=args.n_jobs,
                progress=not args.no_progress,
            )
        except ValueError as exc:
            logger.error("error: %s", exc)
            return 2
        print(format_table(rows))
        logger.info("total %.1f s", time.perf_counter() - start)
    return 0
