"""
RNN with attention: where a translator looks
============================================

A recurrent encoder-decoder with Luong's attention learns to write dates
given in words ("friday the twenty third of march nineteen eighty four")
as ISO dates ("1984-03-23"). Its alignment matrix, ``alpha_ts`` for every
output character ``t`` and source word ``s``, shows which words each
character was written from: the year's digits read "nineteen eighty four",
the month's read "march".
"""

import matplotlib.pyplot as plt

from ml2learn.datasets import make_dates
from ml2learn.inspection import plot_alignment
from ml2learn.neural import Seq2SeqTranslator

words, iso = make_dates(2000, random_state=0)
print(words[0], "->", iso[0])
model = Seq2SeqTranslator(
    target_tokenizer="char",
    hidden_size=64,
    embedding_dim=32,
    learning_rate=5e-3,
    batch_size=64,
    max_epochs=6,
    random_state=0,
).fit(words, iso)
test_words, test_iso = make_dates(300, random_state=1)
print(f"exact match on 300 new dates: {model.score(test_words, test_iso):.3f}")

# %%
# The alignment of one translation:
fig, ax = plt.subplots(figsize=(6, 4.5))
plot_alignment(model, "friday the twenty third of march nineteen eighty four", ax=ax)
fig.tight_layout()
plt.show()
