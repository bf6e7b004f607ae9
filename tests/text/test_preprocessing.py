import pytest

from ml2learn.text import ENGLISH_STOP_WORDS, TextPreprocessor, TfidfVectorizer

NOTES_WORDS = (
    "caresses flies dies mules denied died agreed owned humbled sized "
    "meeting stating siezing itemization sensational traditional "
    "reference plotted"
)
NOTES_STEMS = (
    "caress fli die mule deni die agre own humbl size meet state siez "
    "item sensat tradit refer plot"
)


def test_notes_porter_example():
    prep = TextPreprocessor(stemmer="porter", output="text")
    assert prep.fit_transform([NOTES_WORDS]) == [NOTES_STEMS]


def test_stop_words_are_the_notes_list():
    assert len(ENGLISH_STOP_WORDS) == 179
    assert {"i", "me", "the", "wouldn't", "ain"} <= ENGLISH_STOP_WORDS
    prep = TextPreprocessor(stop_words="english").fit(["x"])
    assert prep.transform(["I love this movie, and it is great"]) == [
        ["love", "movie", "great"]
    ]
    own = TextPreprocessor(stop_words=["movie"]).fit(["x"])
    assert own.transform(["I love this movie"]) == [["i", "love", "this"]]


def test_punctuation_and_case():
    doc = ["It's sweet, but with satirical humor!"]
    assert TextPreprocessor().fit_transform(doc) == [
        ["it's", "sweet", "but", "with", "satirical", "humor"]
    ]
    kept = TextPreprocessor(punctuation="keep", lowercase=False).fit_transform(doc)
    assert kept == [["It's", "sweet", ",", "but", "with", "satirical", "humor", "!"]]


def test_lemmatisation():
    prep = TextPreprocessor(lemmatize=True)
    assert prep.fit_transform(["the mice were running"]) == [
        ["the", "mouse", "be", "run"]
    ]


def test_text_output_feeds_tfidf():
    docs = ["The cats were chasing the flies!", "A dog chased cats."]
    prep = TextPreprocessor(stop_words="english", stemmer="porter", output="text")
    text = prep.fit_transform(docs)
    assert text == ["cat chase fli", "dog chase cat"]
    vec = TfidfVectorizer().fit(text)
    assert set(vec.vocabulary_) == {"cat", "chase", "fli", "dog"}


def test_bad_input():
    with pytest.raises(ValueError, match="one string"):
        TextPreprocessor().fit("text")
    with pytest.raises(TypeError, match="strings"):
        TextPreprocessor().fit(["ok", None])
    with pytest.raises(ValueError, match="stemmer"):
        TextPreprocessor(stemmer="snowball").fit(["x"])
