"""Word relations for judging word vectors trained on the King James Bible,
a shipped sample of such vectors, and the KJV text itself (from Debian's
``bible-kjv-text``)."""

import re
import shutil
import subprocess
from itertools import permutations
from pathlib import Path

from sklearn.utils import Bunch

_RELATIONS = Path(__file__).with_name("data") / "kjv_relations.txt"
_VECTORS = Path(__file__).with_name("data") / "kjv_word2vec_sample.txt"


def load_kjv_word_relations():
    """Analogy questions and scored word pairs for the King James Bible.

    Four analogy sections of word pairs (family: male -> female;
    pronoun-object: subject -> object form; verb-past: present -> past;
    plural: singular -> plural) and 46 word pairs with a relatedness score
    from 0 to 10, written by the ml2learn authors. Every word occurs at least
    10 times in the KJV text (lowercased).

    Returns
    -------
    relations : Bunch
        ``pairs``: dict, section -> list of (a, b) pairs; ``analogies``:
        dict, section -> list of questions (a, b, c, d), "a is to b as c is
        to d", one for every ordered two pairs of a section;
        ``similarities``: list of (w1, w2, score); ``path``: the shipped
        file.

    Examples
    --------
    >>> from ml2learn.datasets import load_kjv_word_relations
    >>> relations = load_kjv_word_relations()
    >>> relations.analogies["family"][0]
    ('father', 'mother', 'son', 'daughter')
    >>> relations.similarities[0]
    ('god', 'lord', 10.0)
    """
    pairs, similarities, section = {}, [], None
    for line in _RELATIONS.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith(":"):
            section = line[1:].strip()
            continue
        fields = line.split()
        if section == "similarity":
            similarities.append((fields[0], fields[1], float(fields[2])))
        else:
            pairs.setdefault(section, []).append((fields[0], fields[1]))
    analogies = {
        name: [(a, b, c, d) for (a, b), (c, d) in permutations(section_pairs, 2)]
        for name, section_pairs in pairs.items()
    }
    return Bunch(
        pairs=pairs, analogies=analogies, similarities=similarities, path=_RELATIONS
    )


def load_kjv_verses():
    """The 31,102 verses of the King James Bible, one string each.

    Read through the ``bible`` program of Debian's ``bible-kjv-text``
    package (``apt-get install bible-kjv-text``), verse references removed;
    about 790,000 words.

    Returns
    -------
    verses : list of str
        Genesis 1:1 to Revelation 22:21.

    Raises
    ------
    OSError
        If the ``bible`` program is not installed.
    """
    if shutil.which("bible") is None:
        raise OSError(
            "load_kjv_verses needs the `bible` program of Debian's "
            "bible-kjv-text package: apt-get install bible-kjv-text"
        )
    out = subprocess.run(
        ["bible", "-f", "Gen1:1-Rev22:21"], capture_output=True, text=True, check=True
    ).stdout
    # each line is "Ge1:1 In the beginning ...": drop the reference
    return [
        re.sub(r"^\S*\d+:\d+\s+", "", line) for line in out.splitlines() if line.strip()
    ]


def load_kjv_word_vectors():
    """Skip-gram vectors of about 200 words, trained on the King James Bible.

    A sample that ml2learn ships so that examples and docs can show real word
    vectors without the corpus: every word of :func:`load_kjv_word_relations`
    and a few groups (family, numbers, animals, metals, past-tense verbs),
    from ``Word2Vec(100, window=5, negative=5, epochs=10, min_count=5,
    random_state=0)`` on the lowercased KJV (``python -m
    benchmarks.make_kjv_vectors`` writes the file).

    Returns
    -------
    wv : KeyedVectors
        The vectors (100 components each).

    Examples
    --------
    >>> from ml2learn.datasets import load_kjv_word_vectors
    >>> wv = load_kjv_word_vectors()
    >>> wv.vector_size
    100
    """
    from ..text import KeyedVectors

    return KeyedVectors.load_word2vec_format(_VECTORS)
