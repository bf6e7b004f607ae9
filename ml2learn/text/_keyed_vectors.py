"""Word vectors with the queries of the course: similarity, analogies.

:class:`KeyedVectors` is what the embedding estimators expose as ``wv_``; it
reads and writes the word2vec text and binary formats that gensim uses.
"""

import numpy as np
from scipy.stats import pearsonr, spearmanr
from sklearn.utils import Bunch

__all__ = ["KeyedVectors"]


def _truncated(i, n_words):
    return EOFError(
        f"The file ends after {i} of the {n_words} words its header announces "
        "(a truncated file)."
    )


def _read_binary_row(f, size, i, n_words, errors):
    """One word (bytes up to a space, newlines skipped) and its float32s."""
    word = bytearray()
    while (ch := f.read(1)) != b" ":
        if ch == b"":
            raise _truncated(i, n_words)
        if ch != b"\n":
            word += ch
    values = f.read(4 * size)
    if len(values) < 4 * size:
        raise _truncated(i, n_words)
    return word.decode(errors=errors), np.frombuffer(values, dtype=np.float32)


def _read_text_row(f, size, i, n_words, errors, first_line=2):
    """One line: a word and ``size`` numbers."""
    line = f.readline()
    if not line:
        raise _truncated(i, n_words)
    parts = line.decode(errors=errors).rstrip("\n").rstrip(" ").split(" ")
    if len(parts) != size + 1:
        raise ValueError(
            f"Line {i + first_line} holds {len(parts) - 1} values for vectors of "
            f"size {size}."
        )
    return parts[0], np.array(parts[1:], dtype=np.float32)


def _text_shape(path):
    """``(n_words, size)`` of a text file without a header (GloVe's files)."""
    with open(path, "rb") as f:
        first = f.readline()
        n_words = (1 if first.strip() else 0) + sum(1 for line in f if line.strip())
    size = len(first.rstrip(b"\n").rstrip(b" ").split(b" ")) - 1
    return n_words, size


class KeyedVectors:
    """A vocabulary and one vector per word.

    Parameters
    ----------
    index_to_key : list of str
        The words, in row order.
    vectors : ndarray of shape (n_words, vector_size)
        Their vectors.
    dtype : numpy float type, default=np.float32
        How the vectors are stored: float32, as gensim and the word2vec
        formats store them, unless asked otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.text import KeyedVectors
    >>> wv = KeyedVectors(["a", "b", "c"], np.array([[1., 0], [1, 1], [0, 1]]))
    >>> round(wv.similarity("a", "b"), 4)
    0.7071
    """

    def __init__(self, index_to_key, vectors, dtype=np.float32):
        vectors = np.asarray(vectors, dtype=dtype)
        if vectors.ndim != 2 or len(vectors) != len(index_to_key):
            raise ValueError(
                "vectors must be 2-D with one row per word; got shape "
                f"{vectors.shape} for {len(index_to_key)} words."
            )
        self.index_to_key = list(index_to_key)
        self.key_to_index = {k: i for i, k in enumerate(self.index_to_key)}
        self.vectors = vectors

    @property
    def vector_size(self):
        """Length of a vector."""
        return self.vectors.shape[1]

    def __len__(self):
        return len(self.index_to_key)

    def __contains__(self, key):
        return key in self.key_to_index

    def __getitem__(self, key):
        return self.vectors[self._index(key)]

    def _index(self, key):
        try:
            return self.key_to_index[key]
        except KeyError:
            raise KeyError(f"word {key!r} is not in the vocabulary") from None

    def _unit(self):
        norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
        return self.vectors / np.where(norms > 0, norms, 1.0)

    def similarity(self, a, b):
        """Cosine similarity of two words (dot product over norms)."""
        unit = self._unit()
        return float(unit[self._index(a)] @ unit[self._index(b)])

    def most_similar(self, positive=(), negative=(), topn=10):
        """Words closest in cosine to ``sum(positive) - sum(negative)``.

        Parameters
        ----------
        positive : str or list of str
            Words added (unit vectors).
        negative : list of str, default=()
            Words subtracted.
        topn : int, default=10
            How many words to return.

        Returns
        -------
        neighbours : list of (str, float)
            Words and cosine similarities, best first, query words excluded.
        """
        positive = [positive] if isinstance(positive, str) else list(positive)
        negative = [negative] if isinstance(negative, str) else list(negative)
        unit = self._unit()
        query = sum(unit[self._index(w)] for w in positive) - sum(
            (unit[self._index(w)] for w in negative), np.zeros(self.vector_size)
        )
        norm = np.linalg.norm(query)
        scores = unit @ (query / norm if norm > 0 else query)
        for word in positive + negative:
            scores[self._index(word)] = -np.inf
        best = np.argsort(-scores, kind="stable")[:topn]
        return [(self.index_to_key[i], float(scores[i])) for i in best]

    def analogy(self, a, b, c, topn=1, method="add"):
        """Solve the analogy ``a : b :: c : ?``, as in man : king :: woman : queen.

        Parameters
        ----------
        a, b, c : str
            The words of the analogy.
        topn : int, default=1
            How many answers.
        method : {"add", "mul"}, default="add"
            3CosAdd, ``cos(x, b) - cos(x, a) + cos(x, c)``, or 3CosMul
            (Levy & Goldberg, 2014), ``cos(x, b) cos(x, c) / (cos(x, a) +
            0.001)`` with cosines shifted to ``[0, 1]``.

        Returns
        -------
        answers : list of (str, float)
            Best answers first, ``a``, ``b`` and ``c`` excluded.
        """
        if method == "add":
            return self.most_similar(positive=[b, c], negative=[a], topn=topn)
        if method != "mul":
            raise ValueError(f"method must be 'add' or 'mul'; got {method!r}.")
        unit = self._unit()
        cos = {w: (unit @ unit[self._index(w)] + 1) / 2 for w in (a, b, c)}
        scores = cos[b] * cos[c] / (cos[a] + 1e-3)
        for word in (a, b, c):
            scores[self._index(word)] = -np.inf
        best = np.argsort(-scores, kind="stable")[:topn]
        return [(self.index_to_key[i], float(scores[i])) for i in best]

    def evaluate_analogies(self, questions, method="add"):
        """Accuracy on analogy questions ``a : b :: c : d``, as gensim's
        ``evaluate_word_analogies`` computes it.

        A question counts as right when :meth:`analogy` ranks ``d`` first
        (``a``, ``b``, ``c`` excluded); a question with a word outside the
        vocabulary is skipped.

        Parameters
        ----------
        questions : dict or list
            Section name -> list of (a, b, c, d), or one list of them.
        method : {"add", "mul"}, default="add"
            3CosAdd or 3CosMul, as in :meth:`analogy`.

        Returns
        -------
        result : Bunch
            ``accuracy`` over all answered questions, ``sections`` (section
            -> accuracy), ``n_questions`` answered and ``n_skipped``.

        Examples
        --------
        >>> import numpy as np
        >>> from ml2learn.text import KeyedVectors
        >>> kv = KeyedVectors(["man", "king", "woman", "queen"],
        ...                   np.array([[1., 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1]]))
        >>> kv.evaluate_analogies([("man", "king", "woman", "queen")]).accuracy
        1.0
        """
        if method not in ("add", "mul"):
            raise ValueError(f"method must be 'add' or 'mul'; got {method!r}.")
        if not isinstance(questions, dict):
            questions = {"all": questions}
        unit = self._unit()
        sections, right, answered, skipped = {}, 0, 0, 0
        for name, section in questions.items():
            known = [q for q in section if all(w in self.key_to_index for w in q)]
            skipped += len(section) - len(known)
            if not known:
                continue
            ids = np.array([[self.key_to_index[w] for w in q] for q in known])
            cos = [unit[ids[:, k]] @ unit.T for k in range(3)]  # (n, V) each
            if method == "add":
                scores = cos[1] - cos[0] + cos[2]
            else:
                a, b, c = ((x + 1) / 2 for x in cos)
                scores = b * c / (a + 1e-3)
            rows = np.arange(len(known))[:, None]
            scores[rows, ids[:, :3]] = -np.inf
            correct = int((scores.argmax(axis=1) == ids[:, 3]).sum())
            sections[name] = correct / len(known)
            right += correct
            answered += len(known)
        return Bunch(
            accuracy=right / answered if answered else float("nan"),
            sections=sections,
            n_questions=answered,
            n_skipped=skipped,
        )

    def evaluate_similarities(self, pairs):
        """Rank agreement of cosine similarities with scored word pairs.

        Parameters
        ----------
        pairs : list of (str, str, float)
            Two words and a relatedness score given by people.

        Returns
        -------
        result : Bunch
            ``spearman`` and ``pearson`` correlations of the cosine
            similarities with the scores, ``n_pairs`` used and ``n_skipped``
            (a word outside the vocabulary).
        """
        known = [p for p in pairs if p[0] in self and p[1] in self]
        if len(known) < 2:
            raise ValueError(
                f"At least two pairs need both words in the vocabulary; "
                f"{len(known)} of {len(pairs)} do."
            )
        cosines = np.array([self.similarity(a, b) for a, b, _ in known])
        scores = np.array([float(score) for _, _, score in known])
        return Bunch(
            spearman=float(spearmanr(cosines, scores).statistic),
            pearson=float(pearsonr(cosines, scores).statistic),
            n_pairs=len(known),
            n_skipped=len(pairs) - len(known),
        )

    def doesnt_match(self, words):
        """The word farthest from the mean of the others' unit vectors."""
        unit = self._unit()
        rows = unit[[self._index(w) for w in words]]
        mean = rows.mean(axis=0)
        return list(words)[int(np.argmin(rows @ mean))]

    def save_word2vec_format(self, path, binary=False):
        """Write the word2vec format (a header, then one word and vector a line).

        Parameters
        ----------
        path : str or path-like
            The file.
        binary : bool, default=False
            Vectors as float32 bytes instead of text.

        Raises
        ------
        ValueError
            When a word is empty or holds white space, which the format uses
            to end a word (it would be read back as another word).
        """
        for word in self.index_to_key:
            if not word or any(ch.isspace() for ch in word):
                raise ValueError(
                    "The word2vec format cannot hold a word that is empty or "
                    f"contains white space; got {word!r}."
                )
        with open(path, "wb") as f:
            f.write(f"{len(self)} {self.vector_size}\n".encode())
            for word, vector in zip(self.index_to_key, self.vectors):
                if binary:
                    f.write(word.encode() + b" " + vector.astype(np.float32).tobytes())
                    f.write(b"\n")
                else:
                    values = " ".join(repr(float(np.float32(v))) for v in vector)
                    f.write(f"{word} {values}\n".encode())

    @classmethod
    def load_word2vec_format(
        cls,
        path,
        binary=False,
        *,
        limit=None,
        no_header=False,
        unicode_errors="strict",
        dtype=np.float32,
    ):
        """Read a file in the word2vec text or binary format.

        Parameters
        ----------
        path : str or path-like
            The file.
        binary : bool, default=False
            Whether the vectors are float32 bytes.
        limit : int, default=None
            Read only the first ``limit`` words (files are usually sorted by
            frequency); ``None`` reads them all. (gensim reads all words for
            ``limit=0``; here 0 is refused rather than read as "no limit".)
        no_header : bool, default=False
            The text file has no ``n_words size`` first line, as GloVe's
            files: the words are counted and the size read from the first
            line (text format only, as gensim).
        unicode_errors : {"strict", "replace", "ignore"}, default="strict"
            What to do with bytes that are not UTF-8 in a word (a word cut
            in the middle of a character by a truncating tool, for example):
            raise, replace them with U+FFFD, or drop them.
        dtype : numpy float type, default=np.float32
            How the vectors are stored.

        Returns
        -------
        wv : KeyedVectors
            The words and vectors.

        Raises
        ------
        EOFError
            When the file ends before the number of words its header gives
            (a truncated file), as gensim raises.
        ValueError
            When a text line holds another number of values than the vector
            size, or the options are invalid.
        """
        if limit is not None and (
            not isinstance(limit, (int, np.integer))
            or isinstance(limit, bool)
            or limit < 1
        ):
            raise ValueError(
                f"limit must be None or a positive integer; got {limit!r}."
            )
        if unicode_errors not in ("strict", "replace", "ignore"):
            raise ValueError(
                "unicode_errors must be 'strict', 'replace' or 'ignore'; got "
                f"{unicode_errors!r}."
            )
        if no_header and binary:
            raise ValueError("no_header=True reads text files only; give binary=False.")
        if no_header:
            n_words, size = _text_shape(path)
        with open(path, "rb") as f:
            if not no_header:
                n_words, size = map(int, f.readline().split())
            wanted = n_words if limit is None else min(limit, n_words)
            words, vectors = [], np.empty((wanted, size), dtype=np.float32)
            for i in range(wanted):
                if binary:
                    word, vectors[i] = _read_binary_row(
                        f, size, i, n_words, unicode_errors
                    )
                else:
                    word, vectors[i] = _read_text_row(
                        f, size, i, n_words, unicode_errors, 1 if no_header else 2
                    )
                words.append(word)
        return cls(words, vectors, dtype=dtype)
