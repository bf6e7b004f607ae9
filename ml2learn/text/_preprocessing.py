"""Text preprocessing (notes, lines 7217-7515): tokens, stop words, stems,
lemmas.

Stemming is nltk's Porter stemmer and lemmatisation is simplemma; both ship
their rules and data, so nothing is downloaded at run time. The English stop
words are the list the notes print (nltk's), shipped with the package.
"""

import re
from functools import lru_cache
from importlib import resources

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..utils._param_validation import RegularExpression, StrOptions, _fit_context
from ._validation import check_documents

__all__ = ["ENGLISH_STOP_WORDS", "TextPreprocessor"]

ENGLISH_STOP_WORDS = frozenset(
    resources.files(__package__)
    .joinpath("stopwords_english.txt")
    .read_text(encoding="utf-8")
    .split()
)

WORD_PATTERN = r"\w+(?:'\w+)*"
WORD_OR_PUNCTUATION_PATTERN = r"\w+(?:'\w+)*|[^\w\s]"


@lru_cache(maxsize=1)
def _porter():
    from nltk.stem import PorterStemmer

    return PorterStemmer()


class TextPreprocessor(TransformerMixin, BaseEstimator):
    """Lowercase, tokenise, drop stop words, lemmatise and stem documents.

    The steps run in that order, each one optional; the result is a list of
    tokens per document, or the tokens joined by spaces.

    Parameters
    ----------
    lowercase : bool, default=True
        Lowercase before tokenising.
    punctuation : {"drop", "keep"}, default="drop"
        Keep punctuation marks as tokens of their own, or drop them.
    token_pattern : str, default=None
        A regular expression for a token, replacing the default (words with
        inner apostrophes, plus punctuation marks when kept).
    stop_words : "english", list of str or None, default=None
        Tokens to remove: the notes' English list (nltk's 179 words), a
        list of your own, or none.
    lemmatize : bool, default=False
        Replace every token by its lemma (simplemma, dictionary based:
        "mice" -> "mouse", "ran" -> "run").
    stemmer : {"porter"} or None, default=None
        Replace every token by its Porter stem (nltk: "flies" -> "fli").
    language : str, default="en"
        Language of the lemmatiser (an ISO 639-1 code simplemma knows).
    output : {"tokens", "text"}, default="tokens"
        A list of tokens per document, or the tokens joined by spaces.

    Attributes
    ----------
    stop_words_ : frozenset of str
        The stop words in use (empty when none).

    See Also
    --------
    TfidfVectorizer : Reads ``output="text"``.
    BPETokenizer : Sub-word tokens.

    References
    ----------
    .. [1] M. F. Porter, "An algorithm for suffix stripping", Program 14(3),
       1980.

    Examples
    --------
    >>> from ml2learn.text import TextPreprocessor
    >>> prep = TextPreprocessor(stop_words="english", stemmer="porter")
    >>> prep.fit_transform(["The cats were chasing the flies!"])
    [['cat', 'chase', 'fli']]
    """

    _parameter_constraints: dict = {
        "lowercase": ["boolean"],
        "punctuation": [StrOptions({"drop", "keep"})],
        "token_pattern": [RegularExpression(), None],
        "stop_words": [StrOptions({"english"}), list, tuple, set, frozenset, None],
        "lemmatize": ["boolean"],
        "stemmer": [StrOptions({"porter"}), None],
        "language": [str],
        "output": [StrOptions({"tokens", "text"})],
    }

    def __init__(
        self,
        *,
        lowercase=True,
        punctuation="drop",
        token_pattern=None,
        stop_words=None,
        lemmatize=False,
        stemmer=None,
        language="en",
        output="tokens",
    ):
        self.lowercase = lowercase
        self.punctuation = punctuation
        self.token_pattern = token_pattern
        self.stop_words = stop_words
        self.lemmatize = lemmatize
        self.stemmer = stemmer
        self.language = language
        self.output = output

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the documents and settle the stop words.

        Parameters
        ----------
        X : iterable of str
            Documents.
        y : None
            Ignored.

        Returns
        -------
        self : TextPreprocessor
            The fitted preprocessor.
        """
        documents = check_documents(X)
        if not documents:
            raise ValueError("X holds no document.")
        if self.stop_words == "english":
            self.stop_words_ = ENGLISH_STOP_WORDS
        else:
            self.stop_words_ = frozenset(self.stop_words or ())
        if self.lemmatize:
            import simplemma

            try:
                simplemma.lemmatize("test", lang=self.language)
            except ValueError as exc:
                raise ValueError(
                    f"language={self.language!r} is not a language simplemma "
                    f"lemmatises ({exc}); give an ISO 639-1 code such as 'en', "
                    "'de' or 'fr'."
                ) from exc
        return self

    def _pattern(self):
        if self.token_pattern is not None:
            return self.token_pattern
        if self.punctuation == "keep":
            return WORD_OR_PUNCTUATION_PATTERN
        return WORD_PATTERN

    def _process(self, document, pattern):
        text = document.lower() if self.lowercase else document
        tokens = pattern.findall(text)
        if self.stop_words_:
            stop = self.stop_words_
            tokens = [
                t
                for t in tokens
                if (t.lower() if not self.lowercase else t) not in stop
            ]
        if self.lemmatize:
            import simplemma

            tokens = [simplemma.lemmatize(t, lang=self.language) for t in tokens]
        if self.stemmer == "porter":
            porter = _porter()
            tokens = [porter.stem(t) for t in tokens]
        return " ".join(tokens) if self.output == "text" else tokens

    def transform(self, X):
        """Preprocess documents.

        Parameters
        ----------
        X : iterable of str
            Documents.

        Returns
        -------
        documents : list
            Per document, a list of tokens or a space-joined string.
        """
        check_is_fitted(self, "stop_words_")
        pattern = re.compile(self._pattern())
        return [self._process(d, pattern) for d in check_documents(X)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags
