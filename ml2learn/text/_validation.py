"""Input checks shared by the text estimators."""

__all__ = ["check_documents", "iter_documents"]


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
        The next document.

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
        if not isinstance(document, str):
            raise TypeError(
                "documents must be strings; got an item of type "
                f"{type(document).__name__}."
            )
        yield document
