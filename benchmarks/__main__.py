"""Run benchmark families and write their tables to ``benchmarks/results``."""

import argparse
import importlib
import pkgutil
from pathlib import Path

from ._common import machine_description

RESULTS = Path(__file__).parent / "results"


def _families():
    here = Path(__file__).parent
    return sorted(
        m.name[len("bench_") :]
        for m in pkgutil.iter_modules([str(here)])
        if m.name.startswith("bench_")
    )


def _markdown(family, machine, quick, results):
    lines = [
        f"# {family}{' (quick)' if quick else ''}",
        "",
        f"Machine: {machine}",
        "",
        "| task | library | model | fit s (median) | repeats | score | "
        "time vs ml2learn |",
        "|---|---|---|---|---|---|---|",
    ]
    base = {}
    for r in results:
        if r.library == "ml2learn":
            base.setdefault(r.task, r.fit_seconds)
    for r in results:
        ratio = r.fit_seconds / base[r.task] if r.task in base else float("nan")
        lines.append(
            f"| {r.task} | {r.library} | {r.model} | {r.fit_seconds:.3f} | "
            f"{r.repeats} | {r.score_name} {r.score:.4f} | {ratio:.2f}x |"
        )
    notes = [f"- {r.task}, {r.library} {r.model}: {r.note}" for r in results if r.note]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


def _plot(family, results, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    labels = [f"{r.library}\n{r.model}" for r in results]
    fig, ax = plt.subplots(figsize=(max(6, len(results) * 1.2), 4))
    ax.bar(range(len(results)), [r.fit_seconds for r in results])
    ax.set_xticks(range(len(results)), labels, fontsize=7, rotation=30, ha="right")
    ax.set_ylabel("fit seconds (median)")
    ax.set_title(family)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def main(argv=None):
    families = _families()
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("family", nargs="*", choices=families + [[]], default=[])
    parser.add_argument("--quick", action="store_true", help="small data, 1 repeat")
    args = parser.parse_args(argv)
    machine = machine_description()
    print(f"Machine: {machine}")
    RESULTS.mkdir(exist_ok=True)
    for family in args.family or families:
        print(f"== {family}")
        module = importlib.import_module(f"benchmarks.bench_{family}")
        results = module.run(quick=args.quick)
        suffix = "_quick" if args.quick else ""
        table = _markdown(family, machine, args.quick, results)
        (RESULTS / f"{family}{suffix}.md").write_text(table)
        print(table)
        plotted = _plot(family, results, RESULTS / f"{family}{suffix}.png")
        if plotted:
            print(f"plot: {plotted}")


if __name__ == "__main__":
    main()
