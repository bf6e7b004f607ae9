"""
Text and embeddings: TF-IDF, word2vec and a map of words
========================================================

Two representations of the course's text week.

- TF-IDF features of scikit-learn's dataset descriptions (term frequency
  over the document's length times ``log(N / df)``, as in the notes), with
  the words that weigh most in one document.
- Skip-gram word vectors trained on the King James Bible (a sample of 184
  words ships with ml2learn), drawn at a t-SNE projection: families,
  numbers, animals, metals and verbs gather in their own regions.
"""

# %%
# TF-IDF
# ------
import numpy as np

from ml2learn.datasets import load_dataset_descriptions, load_kjv_word_vectors
from ml2learn.inspection import plot_embeddings
from ml2learn.text import TfidfVectorizer

corpus = load_dataset_descriptions()
tfidf = TfidfVectorizer(stop_words="english", norm="l2")  # the notes' tf x idf
weights = tfidf.fit_transform(corpus.data)
names = tfidf.get_feature_names_out()
row = weights[0].toarray()[0]
print(f"{weights.shape[0]} documents x {weights.shape[1]} terms")
print("heaviest terms of the first:", ", ".join(names[np.argsort(row)[::-1][:8]]))

# %%
# Word vectors
# ------------
wv = load_kjv_word_vectors()
print("nearest to 'king':", [w for w, _ in wv.most_similar("king", topn=5)])
groups = {
    "family": [
        "father",
        "mother",
        "son",
        "daughter",
        "brother",
        "sister",
        "husband",
        "wife",
        "king",
        "queen",
        "man",
        "woman",
    ],
    "numbers": ["two", "three", "four", "five", "six", "seven", "ten", "twelve"],
    "animals": ["sheep", "goat", "ox", "lamb", "horse", "camel", "ass", "bullock"],
    "metals": ["gold", "silver", "brass", "iron", "tin"],
    "verbs (past)": ["went", "came", "said", "gave", "took", "saw", "heard"],
}
words = [w for group in groups.values() for w in group]
labels = [name for name, group in groups.items() for _ in group]
ax = plot_embeddings(wv, words, labels, method="tsne", random_state=0)
