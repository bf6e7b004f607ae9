"""A corpus read from disk on every pass, for corpora larger than memory."""

import os

__all__ = ["LineCorpus"]


class LineCorpus:
    """The lines of text files as documents, re-read on every pass.

    Iterating opens the files again, so the estimators that make several
    passes (the vocabulary, then every epoch of :class:`Word2Vec`) read the
    corpus from disk each time and never hold it; ``len`` is not defined
    (it would need a pass).

    Parameters
    ----------
    paths : str, path-like or list of them
        Text files, one document per line.
    encoding : str, default="utf-8"
        Their encoding.
    repeat : int, default=1
        Read the files this many times per pass (a corpus ``repeat`` times
        as long, for scaling experiments).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ml2learn.text import LineCorpus, TfidfVectorizer
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "corpus.txt"
    >>> _ = path.write_text("the cat sat\\nthe dog ran\\n")
    >>> corpus = LineCorpus(path, repeat=2)
    >>> list(corpus)
    ['the cat sat', 'the dog ran', 'the cat sat', 'the dog ran']
    >>> TfidfVectorizer().fit(corpus).n_documents_
    4
    """

    def __init__(self, paths, encoding="utf-8", repeat=1):
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        self.paths = [os.fspath(p) for p in paths]
        if not isinstance(repeat, int) or repeat < 1:
            raise ValueError(f"repeat must be a positive integer; got {repeat!r}.")
        missing = [p for p in self.paths if not os.path.isfile(p)]
        if missing:
            raise FileNotFoundError(f"LineCorpus: no such file(s): {missing}.")
        self.encoding = encoding
        self.repeat = repeat

    def __iter__(self):
        for _ in range(self.repeat):
            for path in self.paths:
                with open(path, encoding=self.encoding) as f:
                    for line in f:
                        yield line.rstrip("\n")

    def __repr__(self):
        return f"LineCorpus({self.paths!r}, repeat={self.repeat})"
