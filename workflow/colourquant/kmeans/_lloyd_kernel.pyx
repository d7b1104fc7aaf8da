# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False
"""Compiled loops of exact mode's fit: the same algorithms as :mod:`._lloyd` and :mod:`._seeding`.

numpy's versions stay the reference (the tests compare the two). Here each
point is handled once per step in a C loop instead of by a dozen whole-array
passes, and the nearest centre of a point is searched among the centres in
order of their distance from the point's current centre, stopping where the
triangle inequality rules the rest out: in 3-D, a handful of the k centres.

Distances are computed directly, sum((x - c)^2), where numpy expands them as
|x|^2 - 2 x.c + |c|^2; the two differ by rounding (about 1e-16 relative),
which can change only a near-tie's outcome. The cluster means at the end of
each function are computed from the labels as numpy computes them.
"""

import numpy as np

from libc.math cimport INFINITY, sqrt
from libc.stdlib cimport free, malloc

ctypedef Py_ssize_t isz


cdef inline double _sq(const double* x, const double* c) noexcept nogil:
    cdef double d0 = x[0] - c[0]
    cdef double d1 = x[1] - c[1]
    cdef double d2 = x[2] - c[2]
    return d0 * d0 + d1 * d1 + d2 * d2


cdef struct Centres:
    # k centres (k x 3), their pairwise distances (k x k), half the distance
    # from each to its closest other, and for each centre the others in order
    # of distance from it (k x (k - 1)), sorted lazily when first needed.
    isz k
    double* xyz
    double* between
    double* half_gap
    isz* order
    char* sorted
    double tiny


cdef int _centres_init(Centres* c, isz k, double tiny) noexcept nogil:
    cdef isz a, i, j
    c.k = k
    c.tiny = tiny
    c.xyz = <double*>malloc(3 * k * sizeof(double))
    c.between = <double*>malloc(k * k * sizeof(double))
    c.half_gap = <double*>malloc(k * sizeof(double))
    c.order = <isz*>malloc(k * (k - 1 if k > 1 else 1) * sizeof(isz))
    c.sorted = <char*>malloc(k)
    if not (c.xyz and c.between and c.half_gap and c.order and c.sorted):
        return -1
    for a in range(k):
        j = 0
        for i in range(k):
            if i != a:
                c.order[a * (k - 1) + j] = i
                j += 1
    return 0


cdef void _centres_free(Centres* c) noexcept nogil:
    free(c.xyz)
    free(c.between)
    free(c.half_gap)
    free(c.order)
    free(c.sorted)


cdef void _centres_moved(Centres* c) noexcept nogil:
    """Pairwise distances and half gaps of the centres in c.xyz."""
    cdef isz k = c.k, a, b
    cdef double d, gap
    for a in range(k):
        c.between[a * k + a] = 0.0
        for b in range(a + 1, k):
            d = sqrt(_sq(c.xyz + 3 * a, c.xyz + 3 * b))
            c.between[a * k + b] = d
            c.between[b * k + a] = d
    for a in range(k):
        gap = INFINITY
        for b in range(k):
            if b != a and c.between[a * k + b] < gap:
                gap = c.between[a * k + b]
        c.half_gap[a] = 0.5 * gap
        c.sorted[a] = 0


cdef void _sort_neighbours(Centres* c, isz a) noexcept nogil:
    """Insertion sort of centre a's others by distance: nearly sorted from the last step."""
    cdef isz m = c.k - 1, i, j, b
    cdef isz* order = c.order + a * m
    cdef double* row = c.between + a * c.k
    cdef double key
    for i in range(1, m):
        b = order[i]
        key = row[b]
        j = i - 1
        while j >= 0 and row[order[j]] > key:
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = b
    c.sorted[a] = 1


cdef inline isz _two_nearest(
    Centres* c, const double* x, isz hint, double* nearest, double* second
) noexcept nogil:
    """Nearest centre of x (lowest index on a tie), its distance and the second
    nearest distance, searched outwards from centre `hint`."""
    cdef isz k = c.k, m = k - 1, i, b, best = hint
    cdef double best_d = _sq(x, c.xyz + 3 * hint), second_d = INFINITY, d
    cdef double from_hint = sqrt(best_d), limit = INFINITY
    cdef double* row = c.between + hint * k
    cdef isz* order = c.order + hint * m
    if m > 0 and not c.sorted[hint]:
        _sort_neighbours(c, hint)
    for i in range(m):
        b = order[i]
        # |x - c_b| >= |c_hint - c_b| - |x - c_hint|: beyond `limit`, every
        # centre left is farther than the second nearest so far.
        if row[b] > limit:
            break
        d = _sq(x, c.xyz + 3 * b)
        if d < best_d or (d == best_d and b < best):
            second_d = best_d
            best_d = d
            best = b
            limit = from_hint + sqrt(second_d) + c.tiny
        elif d < second_d:
            second_d = d
            limit = from_hint + sqrt(second_d) + c.tiny
    nearest[0] = sqrt(best_d)
    second[0] = sqrt(second_d)
    return best


def grid_lloyd_kernel(
    const double[:, ::1] means,
    const double[::1] totals,
    const double[::1] radii,
    isz n_cells,
    const isz[::1] cell_order,
    const isz[::1] cell_starts,
    double[:, ::1] centres,
    int max_iter,
    double threshold,
    double tiny,
):
    """:func:`._lloyd.grid_lloyd`'s iterations on its units (cells, then points).

    `centres` is updated in place to the last iteration's. Returns n_iter,
    the units' labels and which units were in use at the end.
    """
    cdef isz n_rows = means.shape[0], k = centres.shape[0]
    cdef isz i, j, a, b, r, p, row, n_act, n_start, axis
    cdef double bound, d1, d2, empty, shift, max_moved, w, total = 0.0
    cdef bint changed
    cdef int n_iter = 0
    labels_array = np.zeros(n_rows, dtype=np.intp)
    upper_array = np.full(n_rows, -INFINITY)
    cdef isz[::1] labels = labels_array
    cdef double[::1] upper = upper_array
    cdef double[::1] lower = np.full(n_rows, INFINITY)
    cdef isz[::1] active = np.empty(n_rows, dtype=np.intp)
    cdef double[:, ::1] sums = np.zeros((k, 4))
    cdef double[::1] moved = np.zeros(k)
    cdef Centres c
    if _centres_init(&c, k, tiny) != 0:
        _centres_free(&c)
        raise MemoryError()
    try:
        with nogil:
            for j in range(k):
                for axis in range(3):
                    c.xyz[3 * j + axis] = centres[j, axis]
            _centres_moved(&c)
            n_act = 0
            # Every cell measured; the ambiguous split into their points.
            for r in range(n_cells):
                a = _two_nearest(&c, &means[r, 0], 0, &d1, &d2)
                labels[r] = a
                upper[r] = d1 + radii[r]
                lower[r] = d2 - tiny - radii[r]
                if upper[r] >= lower[r]:
                    upper[r] = -INFINITY
                    for p in range(cell_starts[r], cell_starts[r + 1]):
                        row = n_cells + cell_order[p]
                        b = _two_nearest(&c, &means[row, 0], a, &d1, &d2)
                        labels[row] = b
                        upper[row] = d1
                        lower[row] = d2 - tiny
                        active[n_act] = row
                        n_act += 1
                else:
                    active[n_act] = r
                    n_act += 1
            for i in range(n_act):
                r = active[i]
                w = totals[r]
                a = labels[r]
                sums[a, 0] += w
                for axis in range(3):
                    sums[a, axis + 1] += w * means[r, axis]
            for i in range(n_rows):
                total += totals[i] if i < n_cells else 0.0
            # Adding and removing weights leaves rounding residue in an emptied cluster.
            empty = 1e-9 * total
            changed = True
            while True:
                n_iter += 1
                shift = 0.0
                max_moved = 0.0
                for j in range(k):
                    d1 = 0.0
                    if sums[j, 0] > empty:
                        for axis in range(3):
                            d2 = sums[j, axis + 1] / sums[j, 0]
                            d1 += (d2 - c.xyz[3 * j + axis]) ** 2
                            c.xyz[3 * j + axis] = d2
                    moved[j] = sqrt(d1)
                    shift += moved[j] * moved[j]
                    if moved[j] > max_moved:
                        max_moved = moved[j]
                if not changed or shift <= threshold or n_iter >= max_iter:
                    break
                _centres_moved(&c)
                changed = False
                for j in range(k):
                    for axis in range(4):
                        sums[j, axis] = 0.0
                n_start = n_act
                for i in range(n_start):
                    r = active[i]
                    a = labels[r]
                    upper[r] += moved[a]
                    lower[r] -= max_moved
                    bound = lower[r] if lower[r] > c.half_gap[a] else c.half_gap[a]
                    # A tie is measured again, so that it goes to the lowest-numbered centre.
                    if upper[r] >= bound:
                        upper[r] = sqrt(_sq(&means[r, 0], c.xyz + 3 * a)) + radii[r]
                        if upper[r] >= bound:
                            b = _two_nearest(&c, &means[r, 0], a, &d1, &d2)
                            if b != a:
                                changed = True
                            a = b
                            labels[r] = b
                            upper[r] = d1 + radii[r]
                            lower[r] = d2 - tiny - radii[r]
                            if r < n_cells and upper[r] >= lower[r]:
                                upper[r] = -INFINITY
                                active[i] = -1
                                for p in range(cell_starts[r], cell_starts[r + 1]):
                                    row = n_cells + cell_order[p]
                                    b = _two_nearest(&c, &means[row, 0], a, &d1, &d2)
                                    if b != a:
                                        changed = True
                                    labels[row] = b
                                    upper[row] = d1
                                    lower[row] = d2 - tiny
                                    active[n_act] = row
                                    n_act += 1
                                    w = totals[row]
                                    sums[b, 0] += w
                                    for axis in range(3):
                                        sums[b, axis + 1] += w * means[row, axis]
                                continue
                    w = totals[r]
                    sums[a, 0] += w
                    for axis in range(3):
                        sums[a, axis + 1] += w * means[r, axis]
                # Drop the split cells from the list.
                j = 0
                for i in range(n_act):
                    if active[i] >= 0:
                        active[j] = active[i]
                        j += 1
                n_act = j
            for j in range(k):
                for axis in range(3):
                    centres[j, axis] = c.xyz[3 * j + axis]
    finally:
        _centres_free(&c)
    return n_iter, labels_array, np.isfinite(upper_array)


def lloyd_restarts_kernel(
    const double[:, ::1] points,
    const double[::1] weights,
    double[:, :, ::1] centres,
    int max_iter,
    double threshold,
    double tiny,
):
    """:func:`._lloyd.lloyd_restarts`, one start after the other.

    `centres` (n_starts x k x 3) is updated in place. Returns the inertias.
    """
    cdef isz n = points.shape[0], n_starts = centres.shape[0], k = centres.shape[1]
    cdef isz s, i, j, a, b, axis, it
    cdef double bound, d1, d2, shift, max_moved, value, inertia
    cdef double[::1] upper = np.empty(n)
    cdef double[::1] lower = np.empty(n)
    cdef isz[::1] labels = np.empty(n, dtype=np.intp)
    cdef double[:, ::1] weighted = np.empty((n, 3))
    cdef double[:, ::1] sums = np.zeros((k, 4))
    cdef double[::1] moved = np.zeros(k)
    cdef double[::1] updated = np.zeros(3 * k)
    inertias_array = np.zeros(n_starts)
    cdef double[::1] inertias = inertias_array
    cdef Centres c
    if _centres_init(&c, k, tiny) != 0:
        _centres_free(&c)
        raise MemoryError()
    try:
        with nogil:
            # The products numpy's bincount sums: w * x, then added in point order.
            for i in range(n):
                for axis in range(3):
                    weighted[i, axis] = weights[i] * points[i, axis]
            for s in range(n_starts):
                for j in range(k):
                    for axis in range(3):
                        c.xyz[3 * j + axis] = centres[s, j, axis]
                _centres_moved(&c)
                for i in range(n):
                    a = _two_nearest(&c, &points[i, 0], 0, &d1, &d2)
                    labels[i] = a
                    upper[i] = d1
                    lower[i] = d2 - tiny
                it = 0
                while True:
                    it += 1
                    for j in range(k):
                        for axis in range(4):
                            sums[j, axis] = 0.0
                    for i in range(n):
                        a = labels[i]
                        sums[a, 0] += weights[i]
                        for axis in range(3):
                            sums[a, axis + 1] += weighted[i, axis]
                    shift = 0.0
                    max_moved = 0.0
                    for j in range(k):
                        for axis in range(3):
                            if sums[j, 0] > 0:
                                updated[3 * j + axis] = sums[j, axis + 1] / sums[j, 0]
                            else:
                                updated[3 * j + axis] = c.xyz[3 * j + axis]
                    for j in range(k):
                        d1 = 0.0
                        for axis in range(3):
                            value = updated[3 * j + axis] - c.xyz[3 * j + axis]
                            d1 += value * value
                            c.xyz[3 * j + axis] = updated[3 * j + axis]
                        shift += d1
                        moved[j] = sqrt(d1)
                        if moved[j] > max_moved:
                            max_moved = moved[j]
                    _centres_moved(&c)
                    # One more assignment: the next step's, or the inertia's.
                    for i in range(n):
                        a = labels[i]
                        upper[i] += moved[a]
                        lower[i] -= max_moved
                        bound = lower[i] if lower[i] > c.half_gap[a] else c.half_gap[a]
                        if upper[i] >= bound:
                            upper[i] = sqrt(_sq(&points[i, 0], c.xyz + 3 * a))
                            if upper[i] >= bound:
                                labels[i] = _two_nearest(&c, &points[i, 0], a, &d1, &d2)
                                upper[i] = d1
                                lower[i] = d2 - tiny
                    if shift <= threshold or it >= max_iter:
                        break
                inertia = 0.0
                for i in range(n):
                    inertia += weights[i] * _sq(&points[i, 0], c.xyz + 3 * labels[i])
                inertias[s] = inertia
                for j in range(k):
                    for axis in range(3):
                        centres[s, j, axis] = c.xyz[3 * j + axis]
    finally:
        _centres_free(&c)
    return inertias_array


def seedings_kernel(
    const double[:, ::1] points,
    const double[::1] weights,
    const isz[::1] first,
    const double[:, :, ::1] draws,
    const isz[::1] block_order,
    const isz[::1] block_starts,
    const double[:, ::1] block_means,
    const double[::1] block_radii,
    double tiny,
):
    """:func:`._seeding.kmeans_plusplus_seedings`, one seeding after the other.

    `first` holds each seeding's first row, `draws` (k - 1 x n_seedings x
    n_trials) the uniform draws of the later steps, in the order numpy's
    version draws them. The points are grouped in blocks (a colour grid's
    cells: rows ``block_order[block_starts[b]:block_starts[b + 1]]``, within
    ``block_radii[b]`` of ``block_means[b]``); a candidate farther from a
    block than any of its points is from its nearest centre changes none of
    them. Returns the rows of the centres, n_seedings x k.
    """
    cdef isz n = points.shape[0], n_seedings = draws.shape[1], n_trials = draws.shape[2]
    cdef isz k = draws.shape[0] + 1, n_blocks = block_radii.shape[0]
    cdef isz s, t, trial, i, p, q, b, row, low, high, best_row
    cdef double total, value, d, gain, best_gain, reach
    cdef double[::1] closest = np.empty(n)
    cdef double[::1] cumulative = np.empty(n)
    cdef double[::1] farthest = np.empty(n_blocks)
    rows_array = np.empty((n_seedings, k), dtype=np.intp)
    cdef isz[:, ::1] rows = rows_array
    with nogil:
        for s in range(n_seedings):
            rows[s, 0] = first[s]
            for i in range(n):
                closest[i] = _sq(&points[i, 0], &points[first[s], 0])
            for b in range(n_blocks):
                farthest[b] = 0.0
                for q in range(block_starts[b], block_starts[b + 1]):
                    value = sqrt(closest[block_order[q]])
                    if value > farthest[b]:
                        farthest[b] = value
            for t in range(1, k):
                total = 0.0
                for i in range(n):
                    total += weights[i] * closest[i]
                    cumulative[i] = total
                best_row = -1
                best_gain = -1.0
                for trial in range(n_trials):
                    value = draws[t - 1, s, trial] * total
                    # The first row whose cumulative sum reaches the draw (searchsorted).
                    low = 0
                    high = n
                    while low < high:
                        i = (low + high) // 2
                        if cumulative[i] < value:
                            low = i + 1
                        else:
                            high = i
                    row = low if low < n else n - 1
                    gain = 0.0
                    for b in range(n_blocks):
                        reach = sqrt(_sq(&points[row, 0], &block_means[b, 0])) - block_radii[b] - tiny
                        if reach >= farthest[b]:
                            continue
                        for q in range(block_starts[b], block_starts[b + 1]):
                            p = block_order[q]
                            d = _sq(&points[p, 0], &points[row, 0])
                            if d < closest[p]:
                                gain += weights[p] * (closest[p] - d)
                    if gain > best_gain:
                        best_gain = gain
                        best_row = row
                rows[s, t] = best_row
                for b in range(n_blocks):
                    reach = sqrt(_sq(&points[best_row, 0], &block_means[b, 0])) - block_radii[b] - tiny
                    if reach >= farthest[b]:
                        continue
                    farthest[b] = 0.0
                    for q in range(block_starts[b], block_starts[b + 1]):
                        p = block_order[q]
                        d = _sq(&points[p, 0], &points[best_row, 0])
                        if d < closest[p]:
                            closest[p] = d
                        value = sqrt(closest[p])
                        if value > farthest[b]:
                            farthest[b] = value
    return rows_array
