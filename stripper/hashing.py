"""Token hashing: every feature token is a string, and its column is a hash of that string.

The hash is polynomial over code points (mod 2**64) followed by a bit mixer, so the hash of a
concatenation follows from the hashes of its parts. That is what lets the batch featuriser hash
"w=" + a word, or "b=" + a + " " + b, straight from positions in one array of code points,
without ever building the token strings, and still land on the column that hashing the string
itself gives (`token_column`). Python's own `hash` is salted per process and cannot serve.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

from .normalize import code_points

#: Hashed feature space; 2**18 keeps collisions rare while the model stays small.
N_HASHED_FEATURES = 2**18
#: The polynomial's base: odd, so it has an inverse mod 2**64 (a segment's hash is read off
#: prefix sums by multiplying out its start).
BASE = 0x100000001B3
MASK = 2**64 - 1
BASE_INVERSE = pow(BASE, -1, 2**64)
_SHIFT = np.uint64(64 - N_HASHED_FEATURES.bit_length() + 1)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def string_hash(text: str) -> int:
    """The polynomial hash of `text`: sum of (code point + 1) * BASE**i, mod 2**64."""
    h, power = 0, 1
    for ch in text:
        h = (h + (ord(ch) + 1) * power) & MASK
        power = (power * BASE) & MASK
    return h


def power(n: int) -> int:
    """BASE**n mod 2**64: what a hash is multiplied by when a string of length n comes before it."""
    return pow(BASE, n, 2**64)


def mix(h: np.ndarray) -> np.ndarray:
    """Columns of polynomial hashes: a splitmix64 finaliser, then the top bits."""
    z = h ^ (h >> np.uint64(30))
    z = z * _M1
    z = z ^ (z >> np.uint64(27))
    z = z * _M2
    z = z ^ (z >> np.uint64(31))
    return (z >> _SHIFT).astype(np.int64)


def token_column(token: str) -> int:
    """The feature column of one token string."""
    return int(mix(np.array([string_hash(token)], dtype=np.uint64))[0])


class Prefixed:
    """A token family ("w=", "c3=", ...): the column of prefix + value from the value's hash."""

    def __init__(self, prefix: str) -> None:
        """Precompute the prefix's hash and the power that shifts a value past it."""
        self.prefix = prefix
        self.head = np.uint64(string_hash(prefix))
        self.shift = np.uint64(power(len(prefix)))

    def hashes(self, value_hashes: np.ndarray) -> np.ndarray:
        """Polynomial hashes of the tokens prefix + value, given the values' hashes."""
        return self.head + self.shift * value_hashes

    def columns(self, value_hashes: np.ndarray) -> np.ndarray:
        """Columns of the tokens prefix + value, given the values' hashes."""
        return mix(self.hashes(value_hashes))


#: Powers kept between calls up to this exponent (16 MB for both tables): a batch of lines
#: needs the same ones again, and a cumulative product cannot be vectorised.
POWERS_KEPT = 1 << 20
_powers_kept: tuple[np.ndarray, np.ndarray] = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))


def _cumulative_powers(base: int, n: int) -> np.ndarray:
    factors = np.full(n + 1, base, dtype=np.uint64)
    factors[0] = 1
    return np.cumprod(factors)  # base**i, wrapping mod 2**64


def powers_and_inverses(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE_INVERSE**i mod 2**64 for i = 0..n (read-only arrays)."""
    global _powers_kept
    powers, inverse = _powers_kept
    if len(powers) > n:
        return powers[: n + 1], inverse[: n + 1]
    # Grown by doubling, so that batches of slowly growing size do not each recompute it.
    size = n if n > POWERS_KEPT else min(max(n, 2 * len(powers)), POWERS_KEPT)
    powers, inverse = _cumulative_powers(BASE, size), _cumulative_powers(BASE_INVERSE, size)
    powers.flags.writeable = inverse.flags.writeable = False
    if size <= POWERS_KEPT:
        _powers_kept = powers, inverse
    return powers[: n + 1], inverse[: n + 1]


class CodePoints:
    """One string as code points, with the prefix sums that hash any slice of it in O(1)."""

    def __init__(self, text: str) -> None:
        """Encode `text` (lone surrogates pass through) and build the prefix hashes."""
        self.codes = code_points(text).astype(np.int64)
        n = len(self.codes)
        self.powers, self.inverse = powers_and_inverses(n)
        prefix = np.zeros(n + 1, dtype=np.uint64)
        ((self.codes.astype(np.uint64) + np.uint64(1)) * self.powers[:n]).cumsum(out=prefix[1:])
        self.prefix = prefix

    def hashes(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """The polynomial hash of each slice [start, end), as if it were its own string."""
        return (self.prefix[ends] - self.prefix[starts]) * self.inverse[starts]


def hash_tokens(token_lists: Iterable[Sequence[str]]) -> sparse.csr_matrix:
    """The sparse count matrix of token lists, one row per list (the reference the batch
    featuriser must reproduce, and the path for the few tokens built as strings)."""
    memo: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    n = 0
    for n, tokens in enumerate(token_lists, 1):
        for token in tokens:
            col = memo.get(token)
            if col is None:
                col = memo[token] = token_column(token)
            rows.append(n - 1)
            cols.append(col)
    matrix = row_matrix(np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64), n)
    matrix.sum_duplicates()
    return matrix


_INT32_MAX = np.iinfo(np.int32).max


def row_matrix(rows: np.ndarray, cols: np.ndarray, n_rows: int) -> sparse.csr_matrix:
    """A float32 CSR matrix of (row, column) pairs; a pair listed twice is kept as two entries
    (the same matrix for every product, without the cost of merging them)."""
    # A stable sort on 16-bit keys is a radix sort: linear, unlike a sort of int64 rows.
    key = rows.astype(np.uint16) if n_rows <= 1 << 16 else rows
    order = np.argsort(key, kind="stable")
    # scipy stores the index arrays as int32 whenever their values fit, after checking every
    # one; handed int32 arrays it skips the check (half the cost of a page's matrix).
    index_dtype = np.int32 if max(len(rows), n_rows, N_HASHED_FEATURES) <= _INT32_MAX else np.int64
    indptr = np.zeros(n_rows + 1, dtype=index_dtype)
    np.bincount(rows, minlength=n_rows).cumsum(out=indptr[1:])
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix((data, cols[order].astype(index_dtype), indptr), shape=(n_rows, N_HASHED_FEATURES),
                             copy=False)

