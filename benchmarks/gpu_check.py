"""The GPU check of the "Scaling out" page, one script for a session that
has a CUDA device: a CNN and a transformer trained on ``device="cpu"``, on
``device="cuda"`` and through an ``accelerate.Accelerator`` (one GPU, then
bf16 mixed precision) reach the same held-out accuracy; fit seconds beside.

``python -m benchmarks.gpu_check`` writes ``results/gpu.md``; without CUDA
it says so and stops (``--cpu-only`` runs the CPU rows alone, to try the
script).
"""

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from ml2learn.neural import CNNClassifier, TransformerClassifier

from ._common import machine_description

RESULTS = Path(__file__).parent / "results"


def models(**placement):
    return {
        "CNN (32-64 filters, 30 epochs)": CNNClassifier(
            (32, 64), image_shape=(8, 8), max_epochs=30, batch_size=64,
            random_state=0, **placement,
        ),
        "transformer (64 wide, 2 layers, rows as 8 steps, 40 epochs)":
            TransformerClassifier(
                64, 4, num_layers=2, max_epochs=40, batch_size=64,
                random_state=0, **placement,
            ),
    }  # fmt: skip


def placements(cpu_only):
    yield "cpu", {"device": "cpu"}
    if cpu_only:
        return
    from accelerate import Accelerator

    yield "cuda", {"device": "cuda"}
    yield "accelerate (1 GPU)", {"accelerator": Accelerator()}
    yield (
        "accelerate (1 GPU, bf16)",
        {"accelerator": Accelerator(mixed_precision="bf16")},
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cpu-only", action="store_true")
    args = parser.parse_args(argv)
    if not args.cpu_only and not torch.cuda.is_available():
        print("No CUDA device: nothing to check (--cpu-only runs the CPU rows).")
        return 0
    X, y = load_digits(return_X_y=True)
    X = (X / 16).reshape(-1, 8, 8).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    rows = []
    for where, placement in placements(args.cpu_only):
        for name, model in models(**placement).items():
            data = X_train if "transformer" in name else X_train.reshape(-1, 64)
            test = X_test if "transformer" in name else X_test.reshape(-1, 64)
            start = time.perf_counter()
            model.fit(data, y_train)
            seconds = time.perf_counter() - start
            accuracy = model.score(test, y_test)
            print(f"  {name:<60} {where:<26} {accuracy:.4f} ({seconds:.1f} s)")
            rows.append(f"| {name} | {where} | {accuracy:.4f} | {seconds:.1f} |")
    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    lines = [
        "# GPU check",
        "",
        f"Machine: {machine_description()}; GPU: {device}",
        "",
        "Digits, 30 % held out; the same seeds everywhere.",
        "",
        "| model | where | test accuracy | fit s |",
        "|---|---|---|---|",
        *rows,
    ]
    suffix = "_cpu_only" if args.cpu_only else ""
    (RESULTS / f"gpu{suffix}.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
