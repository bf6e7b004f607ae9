"""Corpora larger than memory: the King James Bible (Debian's
``bible-kjv-text``, 31,102 verses, 791k words) streamed from disk 1, 4 and
16 times per pass through :class:`~ml2learn.text.LineCorpus`, fitted by
TfidfVectorizer, BPETokenizer, Word2Vec (one epoch) and GloVe.

Every fit runs in a fresh Python process, which reports its wall time and
its peak resident set size (``ru_maxrss``, imports of numpy, scikit-learn
and torch included): memory must stay flat while time grows with the
corpus.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from ._common import Result

REPEATS = (1, 4, 16)

_CHILD = """
import json, resource, sys, time
from ml2learn.text import BPETokenizer, GloVe, LineCorpus, TfidfVectorizer, Word2Vec
path, repeat, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
make = {
    "TfidfVectorizer": lambda: TfidfVectorizer(),
    "BPETokenizer": lambda: BPETokenizer(vocab_size=2000),
    "Word2Vec": lambda: Word2Vec(100, min_count=5, epochs=1, n_jobs=2, random_state=0),
    "GloVe": lambda: GloVe(100, min_count=5, epochs=10, n_jobs=2, random_state=0),
}[name]
corpus = LineCorpus(path, repeat=repeat)
start = time.perf_counter()
make().fit(corpus)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak}))
"""


def _measure(path, repeat, name):
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(repeat), name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run(quick=False):
    from ml2learn.datasets import load_kjv_verses

    try:
        verses = load_kjv_verses()
    except OSError as exc:
        print(f"  [{exc}]")
        return []
    repeats = (1, 4) if quick else REPEATS
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kjv.txt"
        path.write_text("\n".join(verses) + "\n")
        for name in ("TfidfVectorizer", "BPETokenizer", "Word2Vec", "GloVe"):
            runs = {k: _measure(path, k, name) for k in repeats}
            base = runs[repeats[0]]
            for k, r in runs.items():
                print(
                    f"  {name:<16} KJV x{k:<3} {r['seconds']:7.1f} s  "
                    f"peak RSS {r['peak_mb']:6.0f} MB"
                )
            ratio = runs[repeats[-1]]["peak_mb"] / base["peak_mb"]
            note = (
                "peak RSS MB "
                + ", ".join(f"x{k}: {r['peak_mb']:.0f}" for k, r in runs.items())
                + f" (x{repeats[-1]} / x1 = {ratio:.2f}); "
                + "seconds "
                + ", ".join(f"x{k}: {r['seconds']:.1f}" for k, r in runs.items())
            )
            for k, r in runs.items():
                results.append(
                    Result(
                        f"KJV streamed from disk x{k} ({31102 * k} lines)",
                        "ml2learn",
                        name,
                        r["seconds"],
                        r["peak_mb"],
                        "peak RSS MB",
                        1,
                        note if k == repeats[-1] else "",
                    )
                )
    return results
