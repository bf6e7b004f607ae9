"""Input checks shared by the text estimators.

Every document is put in Unicode normal form C as it is read, so that a
letter written as a base letter and a combining mark ("i" + U+0308) is the
same token as its composed form ("ï") in every text estimator. NFC changes
no letter's identity; NFKC (which would also fold ligatures and full-width
forms) is left to the user's own preprocessing.
"""

import unicodedata

__all__ = ["check_documents", "iter_documents", "normalize_unicode"]


def normalize_unicode(text, name="documents"):
    """``text`` in Unicode normal form C (ASCII text is returned as it is).

    Parameters
    ----------
    text : str
        A document.
    name : str, default="documents"
        The argument that held it, for the error.

    Returns
    -------
    text : str
        The same characters, composed.

    Raises
    ------
    TypeError
        When ``text`` is not a string (``None``, a token list, bytes after
        decoding failed, ...).

    Examples
    --------
    >>> from ml2learn.text._validation import normalize_unicode
    >>> normalize_unicode("nai\u0308ve") == "na\u00efve"
    True
    """
    if not isinstance(text, str):
        raise TypeError(
            f"{name} must hold strings; got an item of type {type(text).__name__}."
        )
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def check_documents(documents):
    """A list of string documents, or a clear error.

    Parameters
    ----------
    documents : iterable of str
        The corpus.

    Returns
    -------
    documents : list of str
        The same documents, in a list.

    Raises
    ------
    ValueError
        When ``documents`` is one string rather than an iterable of them.
    TypeError
        When an item is not a string.
    """
    return list(iter_documents(documents))


def iter_documents(documents):
    """The documents one at a time, each checked as it is read (the corpus is
    never held, so it may be a stream larger than memory).

    Parameters
    ----------
    documents : iterable of str
        The corpus.

    Yields
    ------
    document : str
        The next document, in Unicode normal form C.

    Raises
    ------
    ValueError
        When ``documents`` is one string rather than an iterable of them.
    TypeError
        When an item is not a string.
    """
    if isinstance(documents, str):
        raise ValueError("documents must be an iterable of strings; got one string.")
    for document in documents:
        yield normalize_unicode(document)
