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
from libc.stdlib cimport free, malloc, qsort

ctypedef Py_ssize_t isz


cdef inline double _sq(const double* x, const double* c) noexcept nogil:
    cdef double d0 = x[0] - c[0]
    cdef double d1 = x[1] - c[1]
    cdef double d2 = x[2] - c[2]
    return d0 * d0 + d1 * d1 + d2 * d2


cdef struct Pair:
    double key
    isz index


cdef int _by_key(const void* a, const void* b) noexcept nogil:
    cdef double x = (<const Pair*>a).key, y = (<const Pair*>b).key
    return (x > y) - (x < y)


cdef struct Centres:
    # k centres (k x 3), their pairwise squared distances (k x k), half the
    # distance from each to its closest other, and for each centre the others
    # in order of distance from it (k x (k - 1)), sorted when first needed:
    # by insertion into the last step's order (nearly sorted), or from
    # scratch after new centres were loaded.
    isz k
    double* xyz
    double* between
    double* half_gap
    isz* order
    char* sorted
    char* scrambled
    Pair* scratch
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
    c.scrambled = <char*>malloc(k)
    c.scratch = <Pair*>malloc(k * sizeof(Pair))
    if not (c.xyz and c.between and c.half_gap and c.order and c.sorted and c.scrambled
            and c.scratch):
        return -1
    for a in range(k):
        c.scrambled[a] = 1
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
    free(c.scrambled)
    free(c.scratch)


cdef void _centres_moved(Centres* c) noexcept nogil:
    """Pairwise squared distances and half gaps of the centres in c.xyz."""
    cdef isz k = c.k, a, b
    cdef double d
    for a in range(k):
        c.half_gap[a] = INFINITY
    for a in range(k):
        c.between[a * k + a] = 0.0
        for b in range(a + 1, k):
            d = _sq(c.xyz + 3 * a, c.xyz + 3 * b)
            c.between[a * k + b] = d
            c.between[b * k + a] = d
            if d < c.half_gap[a]:
                c.half_gap[a] = d
            if d < c.half_gap[b]:
                c.half_gap[b] = d
    for a in range(k):
        c.half_gap[a] = 0.5 * sqrt(c.half_gap[a])
        c.sorted[a] = 0


cdef void _sort_neighbours(Centres* c, isz a) noexcept nogil:
    """Centre a's others in order of distance."""
    cdef isz m = c.k - 1, i, j, b
    cdef isz* order = c.order + a * m
    cdef double* row = c.between + a * c.k
    cdef double key
    if c.scrambled[a]:
        for i in range(m):
            c.scratch[i].key = row[order[i]]
            c.scratch[i].index = order[i]
        qsort(c.scratch, m, sizeof(Pair), _by_key)
        for i in range(m):
            order[i] = c.scratch[i].index
        c.scrambled[a] = 0
    else:
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
            limit *= limit
        elif d < second_d:
            second_d = d
            limit = from_hint + sqrt(second_d) + c.tiny
            limit *= limit
    nearest[0] = sqrt(best_d)
    second[0] = sqrt(second_d)
    return best


cdef struct Bounds:
    # What the loop reads of every unit at every step: its centre and bounds.
    double upper
    double lower
    isz label


cdef struct Unit:
    # The rest of a unit (a cell or a point of the grid), read when it is measured.
    double x[3]
    double weight
    double radius
    isz row


cdef inline void _count(double[:, ::1] sums, const Unit* u, isz a, double sign) noexcept nogil:
    """Add (sign 1) or take away (-1) u's weight and weighted mean to cluster a's sums."""
    cdef double w = sign * u.weight
    sums[a, 0] += w
    sums[a, 1] += w * u.x[0]
    sums[a, 2] += w * u.x[1]
    sums[a, 3] += w * u.x[2]


cdef inline void _load(Unit* u, const double[:, ::1] means, const double[::1] totals,
                       const double[::1] radii, isz row) noexcept nogil:
    u.x[0] = means[row, 0]
    u.x[1] = means[row, 1]
    u.x[2] = means[row, 2]
    u.weight = totals[row]
    u.radius = radii[row]
    u.row = row


cdef inline void _measure(Centres* c, const Unit* u, Bounds* bounds, isz hint) noexcept nogil:
    """Nearest centre of u, and its bounds reset."""
    cdef double d1, d2
    bounds.label = _two_nearest(c, u.x, hint, &d1, &d2)
    bounds.upper = d1 + u.radius
    bounds.lower = d2 - c.tiny - u.radius


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
    the units' labels and which units were in use at the end. The units are
    kept in the order the loop visits them (a split cell's points at the
    end), each one's bounds apart from the rest, so that a step reads
    little more than the bounds of most units.
    """
    cdef isz n_rows = means.shape[0], k = centres.shape[0]
    cdef isz i, j, a, p, n_act, n_start, axis, fastest
    cdef double bound, value, empty, shift, max_moved, second_moved, total = 0.0
    cdef bint changed
    cdef int n_iter = 0
    cdef Unit* u
    cdef Bounds* h
    labels_array = np.zeros(n_rows, dtype=np.intp)
    used_array = np.zeros(n_rows, dtype=bool)
    cdef isz[::1] labels = labels_array
    cdef char[::1] used = used_array.view(np.int8)
    cdef double[:, ::1] sums = np.zeros((k, 4))
    cdef double[::1] moved = np.zeros(k)
    cdef Centres c
    cdef Unit* units = <Unit*>malloc(n_rows * sizeof(Unit))
    cdef Bounds* hot = <Bounds*>malloc(n_rows * sizeof(Bounds))
    if units == NULL or hot == NULL or _centres_init(&c, k, tiny) != 0:
        free(units)
        free(hot)
        _centres_free(&c)
        raise MemoryError()
    try:
        with nogil:
            for j in range(k):
                for axis in range(3):
                    c.xyz[3 * j + axis] = centres[j, axis]
            _centres_moved(&c)
            n_act = 0
            # Every cell measured (from the last cell's centre: cells in key
            # order are near each other); the ambiguous split into their points.
            a = 0
            for i in range(n_cells):
                total += totals[i]
                u = units + n_act
                h = hot + n_act
                _load(u, means, totals, radii, i)
                _measure(&c, u, h, a)
                a = h.label
                if h.upper >= h.lower:
                    for p in range(cell_starts[i], cell_starts[i + 1]):
                        _load(units + n_act, means, totals, radii, n_cells + cell_order[p])
                        _measure(&c, units + n_act, hot + n_act, a)
                        _count(sums, units + n_act, hot[n_act].label, 1.0)
                        n_act += 1
                else:
                    _count(sums, u, a, 1.0)
                    n_act += 1
            # Adding and removing weights leaves rounding residue in an emptied cluster.
            empty = 1e-9 * total
            changed = True
            while True:
                n_iter += 1
                shift = 0.0
                max_moved = 0.0
                second_moved = 0.0
                fastest = -1
                for j in range(k):
                    bound = 0.0
                    if sums[j, 0] > empty:
                        for axis in range(3):
                            value = sums[j, axis + 1] / sums[j, 0]
                            bound += (value - c.xyz[3 * j + axis]) ** 2
                            c.xyz[3 * j + axis] = value
                    moved[j] = sqrt(bound)
                    shift += moved[j] * moved[j]
                    if moved[j] > max_moved:
                        second_moved = max_moved
                        max_moved = moved[j]
                        fastest = j
                    elif moved[j] > second_moved:
                        second_moved = moved[j]
                if not changed or shift <= threshold or n_iter >= max_iter:
                    break
                _centres_moved(&c)
                changed = False
                n_start = n_act
                for i in range(n_start):
                    h = hot + i
                    a = h.label
                    h.upper += moved[a]
                    # The distance to any other centre shrank by at most the
                    # most that one of the others moved.
                    h.lower -= second_moved if a == fastest else max_moved
                    bound = h.lower if h.lower > c.half_gap[a] else c.half_gap[a]
                    # A tie is measured again, so that it goes to the lowest-numbered centre.
                    if h.upper < bound:
                        continue
                    u = units + i
                    h.upper = sqrt(_sq(u.x, c.xyz + 3 * a)) + u.radius
                    if h.upper < bound:
                        continue
                    _measure(&c, u, h, a)
                    if h.label != a:
                        changed = True
                        _count(sums, u, a, -1.0)
                        _count(sums, u, h.label, 1.0)
                    if u.row < n_cells and h.upper >= h.lower:
                        # Split: the cell's points take its place at the end.
                        a = h.label
                        _count(sums, u, a, -1.0)
                        for p in range(cell_starts[u.row], cell_starts[u.row + 1]):
                            _load(units + n_act, means, totals, radii, n_cells + cell_order[p])
                            _measure(&c, units + n_act, hot + n_act, a)
                            if hot[n_act].label != a:
                                changed = True
                            _count(sums, units + n_act, hot[n_act].label, 1.0)
                            n_act += 1
                        u.row = -1
                # Drop the split cells from the list.
                j = 0
                for i in range(n_act):
                    if units[i].row >= 0:
                        if j != i:
                            units[j] = units[i]
                            hot[j] = hot[i]
                        j += 1
                n_act = j
            for j in range(k):
                for axis in range(3):
                    centres[j, axis] = c.xyz[3 * j + axis]
            for i in range(n_act):
                labels[units[i].row] = hot[i].label
                used[units[i].row] = 1
    finally:
        free(units)
        free(hot)
        _centres_free(&c)
    return n_iter, labels_array, used_array


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
                    c.scrambled[j] = 1
                    for axis in range(3):
                        c.xyz[3 * j + axis] = centres[s, j, axis]
                _centres_moved(&c)
                # Neighbouring rows (a grid's cells, in key order) are near each
                # other: the search for one starts from the last one's centre.
                a = 0
                for i in range(n):
                    a = _two_nearest(&c, &points[i, 0], a, &d1, &d2)
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
