"""Compiled BPE training: incremental pair counts, word lists and a heap.

Symbols are integer ids whose strings live as code points in one pool, so
ties between equally frequent pairs are broken by Python's string order
without Python objects. A merge visits only the words listed under its pair
and updates the counts of the pairs around each merge site, the algorithm
of Hugging Face tokenizers and sentencepiece.
"""

import numpy as np
from numba import njit, types
from numba.typed import Dict

_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


@njit(cache=True, nogil=True)
def _grown(array, needed):
    """``array`` itself, or a copy twice as long when ``needed`` exceeds it."""
    if needed <= array.shape[0]:
        return array
    bigger = np.empty(max(needed, 2 * array.shape[0]), dtype=array.dtype)
    bigger[: array.shape[0]] = array
    return bigger


@njit(cache=True, nogil=True)
def _string_less(pool, offsets, lengths, a, b):
    """Whether symbol ``a``'s string sorts before symbol ``b``'s."""
    n = min(lengths[a], lengths[b])
    for i in range(n):
        x = pool[offsets[a] + i]
        y = pool[offsets[b] + i]
        if x != y:
            return x < y
    return lengths[a] < lengths[b]


@njit(cache=True, nogil=True)
def _ranks_before(count_a, slot_a, count_b, slot_b, left, right, pool, off, length):
    """Heap order: higher count first, then the smaller ``(left, right)``."""
    if count_a != count_b:
        return count_a > count_b
    la, lb = left[slot_a], left[slot_b]
    if la != lb:
        return _string_less(pool, off, length, la, lb)
    return _string_less(pool, off, length, right[slot_a], right[slot_b])


@njit(cache=True, nogil=True)
def _hash_symbol(pool, start, n):
    h = _FNV_OFFSET
    for i in range(n):
        h = (h ^ np.uint64(pool[start + i])) * _FNV_PRIME
    return np.int64(h >> np.uint64(1))


@njit(cache=True, nogil=True)
def _slot(slot_of, key, a, b, left, right, count, head, stamp, n_slots):
    """The slot of pair ``(a, b)``; a new one (``n_slots``) when unseen."""
    if key in slot_of:
        return slot_of[key]
    slot = n_slots
    slot_of[key] = slot
    left[slot], right[slot], count[slot] = a, b, 0
    head[slot], stamp[slot] = -1, -1
    return slot


@njit(cache=True, nogil=True)
def _touch(slot, merge, stamp, before, count, touched, n_touched):
    """Note ``slot``'s count before merge number ``merge`` first changes it."""
    if stamp[slot] != merge:
        stamp[slot] = merge
        before[slot] = count[slot]
        touched[n_touched] = slot
        return n_touched + 1
    return n_touched


@njit(cache=True, nogil=True)
def _list_word(slot, w, head, node_word, node_next, n_nodes):
    """List word ``w`` under ``slot`` unless it heads the list already."""
    if head[slot] >= 0 and node_word[head[slot]] == w:
        return n_nodes
    node_word[n_nodes], node_next[n_nodes] = w, head[slot]
    head[slot] = n_nodes
    return n_nodes + 1


@njit(cache=True, nogil=True)
def _intern(pool, offsets, lengths, by_hash, same_hash, start, n, n_symbols):
    """The id of the string ``pool[start:start + n]``; ``n_symbols`` if new."""
    h = _hash_symbol(pool, start, n)
    s = by_hash[h] if h in by_hash else -1
    while s >= 0:
        if lengths[s] == n:
            equal = True
            for i in range(n):
                if pool[offsets[s] + i] != pool[start + i]:
                    equal = False
                    break
            if equal:
                return s
        s = same_hash[s]
    offsets[n_symbols], lengths[n_symbols] = start, n
    same_hash[n_symbols] = by_hash[h] if h in by_hash else -1
    by_hash[h] = n_symbols
    return n_symbols


@njit(cache=True, nogil=True)
def learn_merges(symbols, word_starts, word_counts, pool, offsets, lengths, n_merges):
    """Learn up to ``n_merges`` BPE merges over integer-coded words.

    Parameters
    ----------
    symbols : ndarray of int64
        The words' base symbol ids, concatenated; merged in place.
    word_starts : ndarray of int64, shape (n_words + 1,)
        Where each word starts in ``symbols``.
    word_counts : ndarray of int64
        How often each word occurs.
    pool, offsets, lengths : ndarray of int64
        The base symbols' strings as code points: symbol ``s`` is
        ``pool[offsets[s]:offsets[s] + lengths[s]]``.
    n_merges : int
        Largest number of merges.

    Returns
    -------
    merge_left, merge_right : ndarray of int64
        The merged pairs, in order, as symbol ids; a merged symbol takes the
        next free id unless its string is already a symbol's.
    """
    n_words = word_starts.shape[0] - 1
    n_symbols = offsets.shape[0]
    capacity = n_symbols + n_merges + 1
    offsets = _grown(offsets.copy(), capacity)
    lengths = _grown(lengths.copy(), capacity)
    same_hash = np.full(capacity, -1, dtype=np.int64)
    by_hash = Dict.empty(key_type=types.int64, value_type=types.int64)
    for s in range(n_symbols):
        _intern(pool, offsets, lengths, by_hash, same_hash, offsets[s], lengths[s], s)
    pool = pool.copy()
    pool_used = pool.shape[0]

    # Every merge site removes a symbol and creates at most two pairs, so
    # three pairs per symbol bound the slots, the word lists and the pushes.
    bound = 3 * symbols.shape[0] + 1
    slot_of = Dict.empty(key_type=types.int64, value_type=types.int64)
    left = np.empty(bound, dtype=np.int64)
    right = np.empty(bound, dtype=np.int64)
    count = np.empty(bound, dtype=np.int64)
    head = np.empty(bound, dtype=np.int64)
    stamp = np.empty(bound, dtype=np.int64)
    before = np.empty(bound, dtype=np.int64)
    node_word = np.empty(bound, dtype=np.int64)
    node_next = np.empty(bound, dtype=np.int64)
    touched = np.empty(bound, dtype=np.int64)
    n_slots = n_nodes = 0
    for w in range(n_words):
        for i in range(word_starts[w], word_starts[w + 1] - 1):
            a, b = symbols[i], symbols[i + 1]
            slot = _slot(
                slot_of,
                a * capacity + b,
                a,
                b,
                left,
                right,
                count,
                head,
                stamp,
                n_slots,
            )
            n_slots = max(n_slots, slot + 1)
            count[slot] += word_counts[w]
            n_nodes = _list_word(slot, w, head, node_word, node_next, n_nodes)

    heap_count = np.empty(2 * bound, dtype=np.int64)
    heap_slot = np.empty(2 * bound, dtype=np.int64)
    heap_count[:n_slots] = count[:n_slots]
    heap_slot[:n_slots] = np.arange(n_slots)
    heap_size = n_slots
    for i in range(heap_size // 2 - 1, -1, -1):
        _sift_down(
            heap_count, heap_slot, heap_size, i, left, right, pool, offsets, lengths
        )

    word_ends = word_starts[1:].copy()
    word_seen = np.full(n_words, -1, dtype=np.int64)
    merged_here = np.zeros(int(np.max(np.diff(word_starts))) + 1, dtype=np.bool_)
    merge_left = np.empty(n_merges, dtype=np.int64)
    merge_right = np.empty(n_merges, dtype=np.int64)
    n_done = 0
    while n_done < n_merges and heap_size > 0:
        best_count, best = heap_count[0], heap_slot[0]
        heap_size -= 1
        heap_count[0], heap_slot[0] = heap_count[heap_size], heap_slot[heap_size]
        _sift_down(
            heap_count, heap_slot, heap_size, 0, left, right, pool, offsets, lengths
        )
        if best_count == 0 or count[best] != best_count:
            continue  # a stale entry
        a, b = left[best], right[best]
        merge_left[n_done], merge_right[n_done] = a, b
        n_done += 1
        n_new = lengths[a] + lengths[b]
        pool = _grown(pool, pool_used + n_new)
        pool[pool_used : pool_used + lengths[a]] = pool[
            offsets[a] : offsets[a] + lengths[a]
        ]
        pool[pool_used + lengths[a] : pool_used + n_new] = pool[
            offsets[b] : offsets[b] + lengths[b]
        ]
        new = _intern(
            pool, offsets, lengths, by_hash, same_hash, pool_used, n_new, n_symbols
        )
        if new == n_symbols:
            n_symbols += 1
            pool_used += n_new

        n_touched = 0
        node = head[best]
        head[best] = -1
        while node >= 0:
            w = node_word[node]
            node = node_next[node]
            if word_seen[w] == n_done:
                continue
            word_seen[w] = n_done
            start, end = word_starts[w], word_ends[w]
            # The sites, left to right and not overlapping: every pair that
            # touches one loses this word's count.
            last_pair = start - 1
            i = start
            while i < end - 1:
                if symbols[i] == a and symbols[i + 1] == b:
                    for j in range(max(i - 1, last_pair + 1), min(i + 2, end - 1)):
                        slot = slot_of[symbols[j] * capacity + symbols[j + 1]]
                        n_touched = _touch(
                            slot, n_done, stamp, before, count, touched, n_touched
                        )
                        count[slot] -= word_counts[w]
                    last_pair = min(i + 1, end - 2)
                    i += 2
                else:
                    i += 1
            if last_pair < start:
                continue  # listed, but no longer holds the pair
            out = start
            i = start
            while i < end:
                merged_here[out - start] = (
                    i + 1 < end and symbols[i] == a and symbols[i + 1] == b
                )
                if merged_here[out - start]:
                    symbols[out] = new
                    i += 2
                else:
                    symbols[out] = symbols[i]
                    i += 1
                out += 1
            word_ends[w] = out
            # The pairs beside a new symbol gain the count and list the word.
            for j in range(start, out - 1):
                if not (merged_here[j - start] or merged_here[j + 1 - start]):
                    continue
                x, y = symbols[j], symbols[j + 1]
                slot = _slot(
                    slot_of,
                    x * capacity + y,
                    x,
                    y,
                    left,
                    right,
                    count,
                    head,
                    stamp,
                    n_slots,
                )
                n_slots = max(n_slots, slot + 1)
                n_touched = _touch(
                    slot, n_done, stamp, before, count, touched, n_touched
                )
                count[slot] += word_counts[w]
                n_nodes = _list_word(slot, w, head, node_word, node_next, n_nodes)
        count[best] = 0
        for t in range(n_touched):
            slot = touched[t]
            if count[slot] != before[slot] and count[slot] > 0:
                heap_count[heap_size], heap_slot[heap_size] = count[slot], slot
                _sift_up(
                    heap_count,
                    heap_slot,
                    heap_size,
                    left,
                    right,
                    pool,
                    offsets,
                    lengths,
                )
                heap_size += 1
    return merge_left[:n_done], merge_right[:n_done]


@njit(cache=True, nogil=True)
def _sift_down(heap_count, heap_slot, size, i, left, right, pool, off, length):
    while True:
        child = 2 * i + 1
        if child >= size:
            return
        if child + 1 < size and _ranks_before(
            heap_count[child + 1],
            heap_slot[child + 1],
            heap_count[child],
            heap_slot[child],
            left,
            right,
            pool,
            off,
            length,
        ):
            child += 1
        if not _ranks_before(
            heap_count[child],
            heap_slot[child],
            heap_count[i],
            heap_slot[i],
            left,
            right,
            pool,
            off,
            length,
        ):
            return
        heap_count[i], heap_count[child] = heap_count[child], heap_count[i]
        heap_slot[i], heap_slot[child] = heap_slot[child], heap_slot[i]
        i = child


@njit(cache=True, nogil=True)
def _sift_up(heap_count, heap_slot, i, left, right, pool, off, length):
    while i > 0:
        parent = (i - 1) // 2
        if not _ranks_before(
            heap_count[i],
            heap_slot[i],
            heap_count[parent],
            heap_slot[parent],
            left,
            right,
            pool,
            off,
            length,
        ):
            return
        heap_count[i], heap_count[parent] = heap_count[parent], heap_count[i]
        heap_slot[i], heap_slot[parent] = heap_slot[parent], heap_slot[i]
        i = parent
