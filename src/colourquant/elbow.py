"""Find the elbow of a decreasing inertia curve.

Why not the `kneed` package (KneeLocator, the Kneedle authors' method as
packaged): its knee must be a local maximum of the difference curve that is
followed by a drop below a threshold, so a curve of three k values (the smoke
config's k = 2, 4, 8) has no knee at all, and on longer curves it reports the
first such maximum rather than the largest gap, which moves the elbow on
curves with a long tail. The elbow here is the point furthest below the chord,
the definition the inertia figures and their captions use; it is 15 lines.
"""

from __future__ import annotations

import numpy as np

__all__ = ["kneedle_elbow"]


def kneedle_elbow(k: np.ndarray, inertia: np.ndarray) -> int | None:
    """The elbow of a decreasing, convex curve by the Kneedle method.

    Both axes are rescaled to [0, 1]; the elbow is the k where the curve lies
    furthest below the straight line joining its first and last points
    (Satopää et al., 2011, "Finding a 'Kneedle' in a Haystack").

    Parameters
    ----------
    k : ndarray of int, shape (n,)
        Increasing numbers of clusters.
    inertia : ndarray of float, shape (n,)
        Inertia (normalised or not) at each k.

    Returns
    -------
    int or None
        The elbow's k, or None with fewer than three points or a flat curve.
    """
    k = np.asarray(k, dtype=np.float64)
    inertia = np.asarray(inertia, dtype=np.float64)
    if k.shape != inertia.shape or k.ndim != 1:
        raise ValueError("k and inertia must be 1-D arrays of equal length")
    if k.size < 3 or np.ptp(inertia) == 0 or np.ptp(k) == 0:
        return None
    order = np.argsort(k)
    k, inertia = k[order], inertia[order]
    x = (k - k[0]) / (k[-1] - k[0])
    y = (inertia - inertia.min()) / np.ptp(inertia)
    # For a decreasing curve the chord runs from (0, y0) to (1, y_last).
    chord = y[0] + (y[-1] - y[0]) * x
    gap = chord - y
    best = int(np.argmax(gap))
    # Rounding leaves gaps of ~1e-16 on a straight line; that is no elbow.
    return int(k[best]) if gap[best] > 1e-9 else None
