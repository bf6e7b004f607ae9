"""Write the small sample of KJV word vectors that ml2learn ships
(``ml2learn/datasets/data/kjv_word2vec_sample.txt``).

Skip-gram ``Word2Vec(100, window=5, negative=5, epochs=10, min_count=5,
random_state=0)`` on the lowercased ``\\w+`` tokens of the King James Bible
(needs Debian's ``bible-kjv-text``), then the vectors of every word of the
KJV word relations and of the groups drawn in the docs, rounded to 5
decimals, in the word2vec text format. Run: ``python -m
benchmarks.make_kjv_vectors``.
"""

import re
from pathlib import Path

import numpy as np

from ml2learn.datasets import load_kjv_verses, load_kjv_word_relations
from ml2learn.text import Word2Vec

# groups drawn in the embeddings page of the docs
PICTURE_GROUPS = {
    "family": ["father", "mother", "son", "daughter", "brother", "sister",
               "husband", "wife", "king", "queen", "man", "woman"],
    "numbers": ["two", "three", "four", "five", "six", "seven", "ten", "twelve"],
    "animals": ["sheep", "goat", "ox", "lamb", "horse", "camel", "ass", "bullock"],
    "metals": ["gold", "silver", "brass", "iron", "tin"],
    "verbs (past)": ["went", "came", "said", "gave", "took", "saw", "heard"],
}  # fmt: skip

OUT = (
    Path(__file__).resolve().parents[1]
    / "ml2learn"
    / "datasets"
    / "data"
    / "kjv_word2vec_sample.txt"
)


def main():
    sentences = [re.findall(r"\w+", v.lower()) for v in load_kjv_verses()]
    model = Word2Vec(
        100, window=5, negative=5, epochs=10, min_count=5, random_state=0
    ).fit(sentences)
    relations = load_kjv_word_relations()
    words = []
    for pairs in relations.pairs.values():
        words += [w for pair in pairs for w in pair]
    words += [w for w1, w2, _ in relations.similarities for w in (w1, w2)]
    words += [w for group in PICTURE_GROUPS.values() for w in group]
    words = [w for w in dict.fromkeys(words) if w in model.wv_]
    lines = [f"{len(words)} {model.wv_.vector_size}"]
    for w in words:
        values = " ".join(f"{x:.5f}" for x in np.round(model.wv_[w], 5))
        lines.append(f"{w} {values}")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(words)} vectors to {OUT}")


if __name__ == "__main__":
    main()
