"""Dates written in words and their ISO form: a sequence-to-sequence task
the code generates, where attention has something to align (the day, month
and year words with the digits they become)."""

import datetime
from numbers import Integral

from sklearn.utils import check_random_state

from ..utils._param_validation import Interval, validate_params

__all__ = ["date_in_words", "make_dates"]

_ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
    "sixteen", "seventeen", "eighteen", "nineteen",
]  # fmt: skip
_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty"}
_TENS |= {7: "seventy", 8: "eighty", 9: "ninety"}
_ORDINALS = {
    1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth",
    7: "seventh", 8: "eighth", 9: "ninth", 10: "tenth", 11: "eleventh",
    12: "twelfth", 13: "thirteenth", 14: "fourteenth", 15: "fifteenth",
    16: "sixteenth", 17: "seventeenth", 18: "eighteenth", 19: "nineteenth",
    20: "twentieth", 30: "thirtieth",
}  # fmt: skip
_MONTHS = [
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december",
]  # fmt: skip
_WEEKDAYS = [
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
]  # fmt: skip
N_STYLES = 6


def _cardinal(n):  # 0 <= n < 100
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + ("" if ones == 0 else " " + _ONES[ones])


def _ordinal(n):  # 1 <= n <= 31
    if n in _ORDINALS:
        return _ORDINALS[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + " " + _ORDINALS[ones]


def _year(year, variant):
    """``variant`` 0: "nineteen eighty four" (and "two thousand and four"
    after 1999); 1: "two thousand four" / "nineteen hundred and four"."""
    century, rest = divmod(year, 100)
    if 2000 <= year < 2100 and (rest < 10 or variant == 1):
        joiner = " and " if variant == 0 else " "
        return "two thousand" + (
            "" if year == 2000 else joiner + _cardinal(year % 1000)
        )
    if rest == 0:
        return _cardinal(century) + " hundred"
    if rest < 10:
        middle = " oh " if variant == 0 else " hundred and "
        return _cardinal(century) + middle + _ONES[rest]
    return _cardinal(century) + " " + _cardinal(rest)


def date_in_words(date, style=0, year_variant=0):
    """One date written in words.

    Parameters
    ----------
    date : datetime.date
        The date.
    style : int, default=0
        The word order, 0 to 5:
        "the twenty third of march nineteen eighty four",
        "march twenty third nineteen eighty four",
        "twenty three march nineteen eighty four",
        "friday the twenty third of march nineteen eighty four",
        "march the twenty third in the year nineteen eighty four",
        "twenty third day of the third month of nineteen eighty four".
    year_variant : {0, 1}, default=0
        How a year is read: "nineteen oh five", "two thousand and four"
        (0), or "nineteen hundred and five", "two thousand four" (1).

    Returns
    -------
    words : str
        The date in words, lowercase.

    Examples
    --------
    >>> import datetime
    >>> from ml2learn.datasets import date_in_words
    >>> date_in_words(datetime.date(1984, 3, 23), style=3)
    'friday the twenty third of march nineteen eighty four'
    >>> date_in_words(datetime.date(2004, 11, 2), style=5, year_variant=1)
    'second day of the eleventh month of two thousand four'
    """
    day, month = _ordinal(date.day), _MONTHS[date.month - 1]
    year = _year(date.year, year_variant)
    return [
        f"the {day} of {month} {year}",
        f"{month} {day} {year}",
        f"{_cardinal(date.day)} {month} {year}",
        f"{_WEEKDAYS[date.weekday()]} the {day} of {month} {year}",
        f"{month} the {day} in the year {year}",
        f"{day} day of the {_ordinal(date.month)} month of {year}",
    ][style]


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "start_year": [Interval(Integral, 1000, 9999, closed="both")],
        "end_year": [Interval(Integral, 1000, 9999, closed="both")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_dates(n_samples=1000, *, start_year=1900, end_year=2099, random_state=None):
    """Random dates in words (six word orders, two ways of reading years)
    and in ISO 8601 form, for sequence-to-sequence learning.

    Dates are drawn uniformly from ``start_year``-01-01 to
    ``end_year``-12-31. The words name the day as an ordinal or a cardinal,
    sometimes with the weekday (which the ISO form leaves out), and the year
    as "nineteen eighty four", "nineteen oh five", "two thousand and four"
    or "two thousand four"; the target spells the same date as
    ``YYYY-MM-DD``. Source and target share no token, so a model must learn
    where to look: which words give the month's digits, which the year's.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of pairs.
    start_year, end_year : int, default=1900, 2099
        The range of years (four digits; the year words cover 1000-9999
        as "ten oh five", ...).
    random_state : int, RandomState instance or None, default=None
        Seeds the draw.

    Returns
    -------
    words : list of str
        The dates in words.
    iso : list of str
        The same dates as ``YYYY-MM-DD``.

    Examples
    --------
    >>> from ml2learn.datasets import make_dates
    >>> words, iso = make_dates(2, random_state=0)
    >>> len(words), iso[0][4], len(iso[0])
    (2, '-', 10)
    """
    if end_year < start_year:
        raise ValueError(
            f"end_year={end_year} must not come before start_year={start_year}."
        )
    rng = check_random_state(random_state)
    first = datetime.date(start_year, 1, 1).toordinal()
    last = datetime.date(end_year, 12, 31).toordinal()
    days = rng.randint(first, last + 1, size=n_samples)
    styles = rng.randint(N_STYLES, size=n_samples)
    variants = rng.randint(2, size=n_samples)
    words, iso = [], []
    for day, style, variant in zip(days, styles, variants):
        date = datetime.date.fromordinal(int(day))
        words.append(date_in_words(date, int(style), int(variant)))
        iso.append(date.isoformat())
    return words, iso
