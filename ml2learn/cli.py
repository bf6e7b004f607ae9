"""Command line: ``ml2learn tour [--quick] [--only FAMILY]`` (or
``python -m ml2learn ...``)."""

import argparse
import os
import platform
import sys
import time

__all__ = ["main"]


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
        "--quick", action="store_true", help="small models and grids (< 1 minute)"
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


def main(argv=None):
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    from . import __version__
    from ._tour import format_table, run_tour

    print(
        f"ml2learn {__version__} tour on {platform.machine()} "
        f"({platform.python_implementation()} {platform.python_version()})"
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
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_table(rows))
    print(f"total {time.perf_counter() - start:.1f} s")
    return 0
