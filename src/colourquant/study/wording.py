"""The study's shared wording: numbers, p-values, counts of images, lists and sets of k.

The small phrases every sentence of the study is built from (the findings
per metric in :mod:`~colourquant.study.findings`, the judges' verdicts in
:mod:`~colourquant.study.verdicts`, the "stop differing" sentences in
:mod:`~colourquant.study.stop_findings` and the front page's answers in
:mod:`~colourquant.study.answers`), each held to its rule by its examples:

- Counts of images are always given as "x of n images" (:func:`images_phrase`).
- Numbers carry the metric's decimals and a true minus sign (:func:`number`).
- A p-value has two significant digits, or is below 0.001 (:func:`p_phrase`).
- A ΔE00 difference is also said in shares of a just-noticeable difference
  (:func:`jnd_share`).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from .thresholds import JND

__all__ = [
    "MINUS",
    "number",
    "p_phrase",
    "friedman_phrase",
    "images_phrase",
    "in_any_image",
    "join",
    "k_phrase",
    "jnd_share",
]

MINUS = "\u2212"


def number(value: float, decimals: int) -> str:
    """`value` with `decimals` decimals and a true minus sign; -0.00 is 0.00.

    Examples
    --------
    >>> number(-0.123, 2), number(-0.001, 2), number(3.0, 1)
    ('−0.12', '0.00', '3.0')
    """
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text.replace("-", MINUS)


def p_phrase(p: float) -> str:
    """A p-value as a sentence gives it: two significant digits, or below 0.001.

    Examples
    --------
    >>> p_phrase(0.0342), p_phrase(0.00002), p_phrase(0.1)
    ('p = 0.034', 'p < 0.001', 'p = 0.10')
    """
    return "p < 0.001" if p < 0.001 else f"p = {p:#.2g}"


def friedman_phrase(p: float, adjusted: float, n_tests: int) -> str:
    """Friedman's p as a sentence gives it and, where several k were tested, after adjusting.

    Examples
    --------
    >>> friedman_phrase(0.004, 0.03, 15), friedman_phrase(0.2, 0.2, 1)
    ('Friedman p = 0.0040, 0.030 after adjusting over 15 k', 'Friedman p = 0.20')
    >>> friedman_phrase(0.0001, 0.0004, 15), friedman_phrase(0.0001, 0.002, 15)
    ('Friedman p < 0.001, also after adjusting over 15 k', 'Friedman p < 0.001, 0.0020 after adjusting over 15 k')
    """  # noqa: E501
    phrase, adjusted_phrase = p_phrase(p), p_phrase(adjusted)
    if n_tests <= 1:
        return f"Friedman {phrase}"
    if adjusted_phrase == phrase:
        return f"Friedman {phrase}, also after adjusting over {n_tests} k"
    adjusted_phrase = adjusted_phrase.removeprefix("p = ").removeprefix("p ")
    return f"Friedman {phrase}, {adjusted_phrase} after adjusting over {n_tests} k"


def images_phrase(n: int, of: int | None = None) -> str:
    """``1 image``, ``3 images`` or, with `of`, ``2 of 4 images``.

    Examples
    --------
    >>> images_phrase(1), images_phrase(3), images_phrase(2, of=4), images_phrase(1, of=1)
    ('1 image', '3 images', '2 of 4 images', '1 of 1 image')
    """
    total = n if of is None else of
    noun = "image" if total == 1 else "images"
    return f"{n} {noun}" if of is None else f"{n} of {of} {noun}"


def in_any_image(n: int) -> str:
    """``in the image`` or ``in any of the 4 images``.

    Examples
    --------
    >>> in_any_image(1), in_any_image(4)
    ('in the image', 'in any of the 4 images')
    """
    return "in the image" if n == 1 else f"in any of the {n} images"


def join(items: Sequence[str]) -> str:
    """Items as a sentence lists them: ``a``, ``a and b``, ``a, b and c``.

    Examples
    --------
    >>> join(["RGB"]), join(["RGB", "Lab"]), join(["RGB", "Lab", "HSV"])
    ('RGB', 'RGB and Lab', 'RGB, Lab and HSV')
    """
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def k_phrase(k_values: Sequence[int], swept: Sequence[int]) -> str:
    """Name a set of k among those swept: ``k = 4``, ``k ≤ 8``, ``k ≥ 16`` or ``k = 2, 8 and 32``.

    Examples
    --------
    >>> swept = [2, 4, 8, 16, 32]
    >>> k_phrase([2, 4, 8], swept), k_phrase([16, 32], swept), k_phrase([4, 16], swept)
    ('k ≤ 8', 'k ≥ 16', 'k = 4 and 16')
    >>> k_phrase([8], swept), k_phrase(swept, swept)
    ('k = 8', 'every k swept')
    """
    chosen, swept = sorted(set(map(int, k_values))), sorted(set(map(int, swept)))
    if len(chosen) > 1 and chosen == swept:
        return "every k swept"
    if len(chosen) > 1 and chosen == swept[: len(chosen)]:
        return f"k ≤ {chosen[-1]}"
    if len(chosen) > 1 and chosen == swept[-len(chosen) :]:
        return f"k ≥ {chosen[0]}"
    return "k = " + join([str(k) for k in chosen])


# Shares of a just-noticeable difference a reader can picture, in words.
_SHARES = {
    Fraction(1, 10): "a tenth",
    Fraction(1, 8): "an eighth",
    Fraction(1, 6): "a sixth",
    Fraction(1, 5): "a fifth",
    Fraction(1, 4): "a quarter",
    Fraction(1, 3): "a third",
    Fraction(1, 2): "half",
    Fraction(2, 3): "two thirds",
    Fraction(3, 4): "three quarters",
}


def jnd_share(value: float) -> str:
    """A ΔE00 difference in just-noticeable differences, as a reader would say it.

    Examples
    --------
    >>> jnd_share(0.21), jnd_share(0.5), jnd_share(0.03), jnd_share(2.34)
    ('a fifth of a just-noticeable difference', 'half a just-noticeable difference', 'less than a tenth of a just-noticeable difference', '2.3 just-noticeable differences')
    >>> jnd_share(0.97)
    'about one just-noticeable difference'
    """  # noqa: E501
    share = abs(value) / JND
    if share >= 1.5:
        return f"{share:.1f} just-noticeable differences"
    if share >= 0.875:
        return "about one just-noticeable difference"
    if share < 0.075:
        return "less than a tenth of a just-noticeable difference"
    nearest = min(_SHARES, key=lambda fraction: abs(float(fraction) - share))
    words = _SHARES[nearest]
    return (
        f"{words} a just-noticeable difference"
        if words == "half"
        else (f"{words} of a just-noticeable difference")
    )
