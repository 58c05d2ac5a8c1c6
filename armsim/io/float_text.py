"""Python's ``repr()`` of many floats at once, in numpy: the history export's number text.

This module owns one thing: :class:`Decimals`, which writes a block of float64
numbers as the exact bytes ``repr()`` gives each (the shortest decimal that reads
back as the same float), with a separator or line end after each. Writing a
1,000,000-epoch history through ``repr`` and the ``csv`` module took 18.7 s;
this takes 3.6 s (``benchmarks/bench_history.py``), the reason it exists.
Pure numpy; no I/O.
"""
from __future__ import annotations

import numpy as np

# For a float v = c * 2**q, repr() writes the decimal with the fewest digits among those that read back as
# v (whose value lies in v's rounding interval), the closest to v of those, the even one on a tie. The
# Schubfach algorithm (R. Giulietti, "The Schubfach way to render doubles", 2020; as in Java 19's
# Double.toString) finds it with integers: scaled by 10**-k, the interval's ends and v are rounded to odd
# from a 126-bit approximation g of 10**-k (rop, below), which is exact enough to decide, and the answer is
# either the one multiple of 10**(k+1) in the interval or the multiple of 10**k nearest v. Java insists on
# two digits; repr takes one, so the shorter level is tried from s >= 10 on (as in Alexander Bolz's C++).
# numpy has no 64x64 -> 128-bit product, so products are made of 32-bit halves. Every array is a view of
# a buffer allocated once per file: a fresh temporary per operation would cost more in page faults
# than the arithmetic itself.
_U = np.uint64
_M32, _M63 = _U(0xFFFF_FFFF), _U(2**63 - 1)
_FRACTION, _EXPONENT, _MAGNITUDE = _U(2**52 - 1), _U(0x7FF), _U(2**63 - 1)
_INFINITY = _U(0x7FF << 52)
_NQ = 2047          # binary exponents q = -1074 .. 972; 972 (inf, nan) is a dummy row, overwritten later
_D17 = _U(10**16)   # every decimal is written from 17 digits: 10**16 <= f < 10**17


def _floor_log10(num: int, den: int) -> int:
    k = len(str(num)) - len(str(den))
    while (num * 10 ** -k < den) if k < 0 else (num < den * 10**k):
        k -= 1
    while (num * 10 ** -(k + 1) >= den) if k + 1 < 0 else (num >= den * 10 ** (k + 1)):
        k += 1
    return k


def _floor_log2_pow10(e: int) -> int:
    return (10**e).bit_length() - 1 if e >= 0 else -((10**-e).bit_length())


def _schubfach_tables() -> tuple[np.ndarray, ...]:
    """Per exponent (row q + 1074; + _NQ for the irregular spacing at a power of two): k, h, g's halves."""
    k_, h_, g1_, g0_ = (np.zeros(2 * _NQ, dtype) for dtype in (np.int64, np.uint64, np.uint64, np.uint64))
    for irregular in (0, 1):
        for i in range(_NQ):
            q = i - 1074
            num, den = (2**q, 1) if q >= 0 else (1, 2**-q)
            k = _floor_log10(3 * num, 4 * den) if irregular else _floor_log10(num, den)
            f2 = _floor_log2_pow10(-k)
            r = f2 - 125                        # 10**-k = beta * 2**r with 2**125 <= beta < 2**126
            if k <= 0:
                beta = 10**-k >> r if r >= 0 else 10**-k << -r
            else:
                beta = (1 << -r) // 10**k
            g = beta + 1
            j = i + _NQ * irregular
            k_[j], h_[j], g1_[j], g0_[j] = k, q + f2 + 2, g >> 63, g & (2**63 - 1)
    return k_, h_, g1_, g0_


# Text of one number: a pattern (one per kind of layout: a key) picks its characters from a row of
# _SRC_WIDTH bytes, four little-endian words: its 17 digits, then ".0e", the exponent's sign and three
# digits, and the few other characters a number's text can hold ("-", "null", the CSV endings).
WIDTH = 26             # the longest cell: -1.2345678901234567e-308 and a CSV line end
_SRC_WIDTH = 32
_DOT, _ZERO, _E, _ESIGN, _E100, _EPAIR, _MINUS, _N, _U_, _L, _COMMA, _CR, _LF, _NUL = (
    17, 18, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31)
_CONSTANTS = {_DOT: ".", _ZERO: "0", _E: "e", _MINUS: "-", _N: "n", _U_: "u", _L: "l", _COMMA: ",",
              _CR: "\r", _LF: "\n"}
_WORDS = np.dtype("<u8")        # the byte order the ASCII is packed in, whatever the machine's
# The third word of a source row, less the 17th digit and the exponent's sign offset and digits.
_WORD2 = _U(ord("0") | ord(".") << 8 | ord("0") << 16 | ord("e") << 24 | ord("+") << 32 | ord("0") << 40
            | ord("0") << 48 | ord("0") << 56)
# Keys: a float's (case, significant digits, sign), case = decimal point position -3 .. 16 written as
# 0.000ddd .. dddd.0, or 20/21 for d.ddde+XX / e+XXX; then zero, empty, and integers (the epoch).
_POSITIONAL, _EXP2, _EXP3 = 20, 20, 21
_KEY_ZERO = 22 * 17 * 2          # + 1 when negative
_KEY_NONE = _KEY_ZERO + 2
_KEY_INT = _KEY_ZERO + 3         # + (digits - 1) * 17 + significant - 1 for 1..17 digits
_KEY_INT_ZERO = _KEY_INT + 17 * 17
NKEYS = _KEY_INT_ZERO + 1       # each times three endings: none, ",", "\r\n"
_ENDINGS = ([], [_COMMA], [_CR, _LF])


def _patterns(none: list[int]) -> np.ndarray:
    """Source byte per output byte, for every key and ending; ``none`` spells an empty value."""
    text = {}
    for case in range(22):
        for sig in range(1, 18):
            digits = list(range(sig))
            for neg in (0, 1):
                s = [_MINUS] if neg else []
                if case < _POSITIONAL:
                    point = case - 3
                    if point <= 0:
                        s += [_ZERO, _DOT] + [_ZERO] * -point + digits
                    elif point < sig:
                        s += digits[:point] + [_DOT] + digits[point:]
                    else:
                        s += digits + [_ZERO] * (point - sig) + [_DOT, _ZERO]
                else:
                    s += digits[:1] + ([_DOT] + digits[1:] if sig > 1 else []) + [_E, _ESIGN]
                    s += ([_E100] if case == _EXP3 else []) + [_EPAIR, _EPAIR + 1]
                text[(case * 17 + sig - 1) * 2 + neg] = s
    text[_KEY_ZERO], text[_KEY_ZERO + 1], text[_KEY_NONE] = [_ZERO, _DOT, _ZERO], [_MINUS, _ZERO, _DOT, _ZERO], none
    for size in range(1, 18):
        for sig in range(1, size + 1):
            text[_KEY_INT + (size - 1) * 17 + sig - 1] = list(range(sig)) + [_ZERO] * (size - sig)
    text[_KEY_INT_ZERO] = [_ZERO]
    out = np.full((3 * NKEYS, WIDTH), _NUL, np.intp)
    for key, s in text.items():
        for ending, tail in enumerate(_ENDINGS):
            out[ending * NKEYS + key, :len(s) + len(tail)] = s + tail
    return out


_TABLES: dict = {}


def _tables():
    if not _TABLES:         # built on first use (a few milliseconds), not at import
        _TABLES["schubfach"] = _schubfach_tables()
        _TABLES["csv"] = _patterns([])
        _TABLES["json"] = _patterns([_N, _U_, _L, _L])
    return _TABLES


class Decimals:
    """Buffers for the text of up to ``capacity`` numbers at once, as ``repr`` (or ``str`` of an int) writes them."""

    def __init__(self, capacity: int, style: str):
        self.capacity = capacity
        t = _tables()
        self._k, self._h, self._g1, self._g0 = t["schubfach"]
        self._patterns = t[style]
        self._u = np.empty((28, capacity), np.uint64)
        self._b = np.empty((6, capacity), bool)
        self._i = np.empty((1, capacity), np.int64)
        self._v = np.empty((3, capacity), np.uint64)
        self._c = np.empty((6, capacity), bool)
        self._j = np.empty((3, capacity), np.int64)
        self._key = np.empty(capacity, np.intp)
        self._w = np.empty((4, capacity), np.uint64)
        self._cells = np.empty((capacity, WIDTH), np.uint8)
        self._flat = np.empty((capacity, WIDTH), np.intp)
        self._rowbase = (np.arange(capacity, dtype=np.intp) * _SRC_WIDTH)[:, None]
        self._src = np.zeros((capacity, _SRC_WIDTH), np.uint8)
        for column, char in _CONSTANTS.items():
            self._src[:, column] = ord(char)

    # -- the shortest decimal f * 10**k of each float -----------------------------------------
    def _shortest(self, bits: np.ndarray):
        n = len(bits)
        (c, t, h, g1, g0, g1a, g1b, g0a, g0b, cb, cp, b0, b1, p00, p01, p10, p11,
         x0, x1, y0, y1, z, vb, lower, upper, w1, w2, ix) = (row[:n] for row in self._u)
        irregular, m1, m2, m3, m4, m5 = (row[:n] for row in self._b)
        k = self._i[0, :n]
        np.right_shift(bits, _U(52), out=ix)
        ix &= _EXPONENT                          # biased exponent: 0 for subnormals
        np.bitwise_and(bits, _FRACTION, out=t)
        np.equal(t, 0, out=irregular)
        np.greater(ix, _U(1), out=m1)
        irregular &= m1                          # a power of two: the interval below is half as wide
        np.greater(ix, _U(0), out=m1)
        np.left_shift(m1, _U(52), out=c, casting="unsafe")
        c |= t                                   # v = c * 2**q
        np.maximum(ix, _U(1), out=ix)
        ix -= _U(1)                              # q + 1074
        np.multiply(irregular, _U(_NQ), out=t, casting="unsafe")
        ix += t
        row = ix.view(np.int64)
        np.take(self._k, row, out=k, mode="clip")
        np.take(self._h, row, out=h, mode="clip")
        np.take(self._g1, row, out=g1, mode="clip")
        np.take(self._g0, row, out=g0, mode="clip")
        np.bitwise_and(g1, _M32, out=g1a)
        np.right_shift(g1, _U(32), out=g1b)
        np.bitwise_and(g0, _M32, out=g0a)
        np.right_shift(g0, _U(32), out=g0b)
        np.left_shift(c, _U(2), out=cb)
        np.left_shift(cb, h, out=cp)
        np.bitwise_and(cp, _M32, out=b0)
        np.right_shift(cp, _U(32), out=b1)
        products = (p00, p01, p10, p11)
        _mul(g0a, g0b, b0, b1, x1, x0, *products)     # g0 * cp
        _mul(g1a, g1b, b0, b1, y1, y0, *products)     # g1 * cp, so g * cp = (g1 * cp) 2**63 + g0 * cp
        _rop(x1, y0, y1, z, vb, m1)
        # The interval's ends are cp -+ 2**(h+1) (2**h below a power of two): the same products, plus or
        # minus g shifted, exactly, instead of four more multiplications each.
        np.add(h, _U(1), out=w1)
        np.subtract(_U(63), h, out=w2)
        _shifted_sum(g0, g1, w1, w2, x0, x1, y0, y1, p00, p01, p10, p11, b0, b1, m1, add=True)
        _rop(p11, b0, b1, z, upper, m1)
        w1 -= irregular
        w2 += irregular
        _shifted_sum(g0, g1, w1, w2, x0, x1, y0, y1, p00, p01, p10, p11, b0, b1, m1, add=False)
        _rop(p11, b0, b1, z, lower, m1)
        # An odd c excludes the interval's ends.
        np.bitwise_and(c, _U(1), out=t)
        lower += t
        upper -= t
        s, sp, tmp = cb, cp, t
        np.right_shift(vb, _U(2), out=s)
        np.floor_divide(s, _U(10), out=sp)
        sp *= _U(40)                              # 4 * (s rounded down to a multiple of ten)
        np.less_equal(lower, sp, out=m1)          # it is in the interval
        sp += _U(40)
        np.less_equal(sp, upper, out=m2)          # the next multiple of ten is
        np.not_equal(m1, m2, out=m3)
        np.greater_equal(s, _U(10), out=m4)
        m3 &= m4                                  # exactly one: the shorter decimal
        sp -= _U(40)
        sp >>= _U(2)
        np.multiply(m2, _U(10), out=tmp, casting="unsafe")
        sp += tmp
        np.left_shift(s, _U(2), out=tmp)
        np.less_equal(lower, tmp, out=m1)         # s * 10**k is in the interval
        tmp += _U(4)
        np.less_equal(tmp, upper, out=m2)         # (s + 1) * 10**k is
        np.not_equal(m1, m2, out=m4)              # exactly one of them is
        tmp -= _U(2)                              # else the nearer: compare v with (s + 1/2) * 10**k
        np.greater(vb, tmp, out=m1)
        np.equal(vb, tmp, out=irregular)          # (a scratch mask from here on)
        np.bitwise_and(s, _U(1), out=tmp)
        np.not_equal(tmp, 0, out=m5)
        irregular &= m5
        m1 |= irregular                           # round up: above the middle, or on it with s odd
        np.copyto(m1, m2, where=m4)
        np.add(s, m1, out=s, casting="unsafe")
        np.copyto(s, sp, where=m3)
        return s, k


    # -- the text ------------------------------------------------------------------------------
    def cells(self, values: np.ndarray, endings: np.ndarray, integers: slice | None = None) -> np.ndarray:
        """Each value's text, then its ending, NUL-padded to WIDTH bytes.

        ``values`` is a contiguous float array of at most ``capacity`` numbers, ``endings`` an intp
        array of as many (0 none, NKEYS ",", 2 * NKEYS CRLF); the values the slice ``integers``
        picks (whole numbers below 10**17: the epochs) are written as ints.
        """
        n = len(values)
        bits = values.view(np.uint64)
        f, k = self._shortest(bits)
        t64, u64, mag = (row[:n] for row in self._v)
        zero, bad, small, neg, expo, later = (row[:n] for row in self._c)
        point, sig, case = (row[:n] for row in self._j)
        key = self._key[:n]
        src = self._src[:n]
        np.right_shift(bits, _U(63), out=t64)
        np.not_equal(t64, 0, out=neg)
        np.bitwise_and(bits, _MAGNITUDE, out=mag)
        np.equal(mag, 0, out=zero)
        np.greater_equal(mag, _INFINITY, out=bad)
        np.logical_or(zero, bad, out=small)
        np.copyto(f, _D17, where=small)                # zero and empty take their text from the key alone
        # 17 digits: the value is f * 10**(point - 17) with 10**16 <= f < 10**17.
        np.less(f, _D17, out=small)
        np.multiply(f, _U(10), out=t64)
        np.copyto(f, t64, where=small)                 # a normal float's decimal has 16 or 17 digits
        np.subtract(k, small, out=k, casting="unsafe")
        np.less(f, _D17, out=small)
        rare = np.flatnonzero(small)                   # fewer: subnormals
        while rare.size:
            f[rare] *= _U(10)
            k[rare] -= 1
            rare = rare[f[rare] < _D17]
        np.add(k, 17, out=point)
        # The 17 digits in ASCII: eight bytes at a time into the first two words of src, the 17th
        # into the third with the exponent's characters: e+16, e-308 (shown for a point before -3
        # or after 16).
        text, scratch, quotient, last = (row[:n] for row in self._w)
        src64 = src.view(_WORDS)
        np.floor_divide(f, _U(10**9), out=text)        # the first 8 digits
        np.multiply(text, _U(10**9), out=last)
        np.subtract(f, last, out=last)                 # the last 9
        _ascii8(text, scratch, quotient)
        src64[:, 0] = text
        np.floor_divide(last, _U(10), out=text)
        np.multiply(text, _U(10), out=scratch)
        np.subtract(last, scratch, out=last)           # the 17th
        _ascii8(text, scratch, quotient)
        src64[:, 1] = text
        np.subtract(point, 1, out=case)                # the exponent
        np.less(case, 0, out=small)
        np.abs(case, out=case)
        np.floor_divide(case, 100, out=sig)
        np.copyto(text, sig, casting="unsafe")
        text <<= _U(40)                                # its hundreds
        np.multiply(small, _U(2 << 32), out=scratch, casting="unsafe")
        text += scratch                                # its sign: "+" (43) + 2 is "-"
        np.greater(sig, 0, out=small)                  # three exponent digits
        sig *= 100
        case -= sig
        text |= last
        np.copyto(scratch, case, casting="unsafe")     # its last two
        np.floor_divide(scratch, _U(10), out=quotient)
        np.multiply(quotient, _U(10), out=last)
        scratch -= last
        scratch <<= _U(56)
        text |= scratch
        quotient <<= _U(48)
        text |= quotient
        text += _WORD2
        src64[:, 2] = text
        # Significant digits: 17 less the trailing zeros.
        sig.fill(17)
        np.equal(src[:, 16], ord("0"), out=later)
        maybe = np.flatnonzero(later)                  # the last digit is 0: up to 15 more may be
        rest = f[maybe] // _U(10)
        zeros = np.ones(len(maybe), np.int64)
        for p in (8, 4, 2, 1):
            part = rest // _U(10**p)
            whole = part * _U(10**p) == rest
            np.copyto(rest, part, where=whole)
            zeros += p * whole
        sig[maybe] -= zeros
        # The key: (case, significant digits, sign), case the point's place -3 .. 16, or an exponent.
        np.add(point, 3, out=case)
        np.less(case, 0, out=expo)
        np.greater(case, _POSITIONAL - 1, out=later)
        expo |= later
        np.copyto(case, _EXP2, where=expo)
        np.logical_and(expo, small, out=expo)
        case += expo                                   # _EXP3
        np.multiply(case, 17, out=key)
        key += sig
        key -= 1
        key *= 2
        key += neg
        np.add(neg, _KEY_ZERO, out=case)
        np.copyto(key, case, where=zero)
        np.copyto(key, _KEY_NONE, where=bad)
        if integers is not None:
            ints = key[integers]
            np.copyto(ints, _KEY_INT + (point[integers] - 1) * 17 + sig[integers] - 1)
            np.copyto(ints, _KEY_INT_ZERO, where=zero[integers])
        key += endings
        # Every output byte picked from the number's source row.
        cells, flat = self._cells[:n], self._flat[:n]
        np.take(self._patterns, key, axis=0, out=flat, mode="clip")
        np.add(flat, self._rowbase[:n], out=flat)
        np.take(src.reshape(-1), flat, out=cells, mode="clip")
        return cells


def _ascii8(x, a, q) -> None:
    """Each ``x < 10**8`` (uint64) becomes its 8 digits in ASCII, the first in the lowest byte (a, q: scratch)."""
    np.floor_divide(x, _U(10_000), out=a)
    np.multiply(a, _U(10_000), out=q)
    np.subtract(x, q, out=q)
    q <<= _U(32)
    np.bitwise_or(a, q, out=x)                   # two 4-digit numbers in 32-bit lanes
    np.multiply(x, _U(5243), out=q)
    q >>= _U(19)                                 # y * 5243 >> 19 is y // 100 for y < 10**4
    q &= _U(0x0000_007F_0000_007F)
    np.multiply(q, _U(100), out=a)
    x -= a
    x <<= _U(16)
    x |= q                                       # four 2-digit numbers in 16-bit lanes
    np.multiply(x, _U(103), out=q)
    q >>= _U(10)                                 # y * 103 >> 10 is y // 10 for y < 100
    q &= _U(0x000F_000F_000F_000F)
    np.multiply(q, _U(10), out=a)
    x -= a
    x <<= _U(8)
    x |= q                                       # eight digits in bytes
    x |= _U(0x3030_3030_3030_3030)


def _mul(a0, a1, b0, b1, hi, lo, p00, p01, p10, p11) -> None:
    """``(hi, lo) = a * b`` exactly, for 64-bit a and b given as 32-bit halves."""
    np.multiply(a0, b0, out=p00)
    np.multiply(a0, b1, out=p01)
    np.multiply(a1, b0, out=p10)
    np.multiply(a1, b1, out=p11)
    np.right_shift(p00, _U(32), out=lo)      # lo holds the middle 64 bits for a while (< 3 * 2**32)
    np.bitwise_and(p01, _M32, out=hi)
    lo += hi
    np.bitwise_and(p10, _M32, out=hi)
    lo += hi
    p01 >>= _U(32)
    p10 >>= _U(32)
    np.add(p11, p01, out=hi)
    hi += p10
    np.right_shift(lo, _U(32), out=p11)
    hi += p11
    lo <<= _U(32)
    p00 &= _M32
    lo |= p00


def _shifted_sum(g0, g1, shift, back, x0, x1, y0, y1, lo, hi, sx0, sx1, sy0, sy1, carry, add: bool) -> None:
    """``(sx1, sx0) = (x1, x0) +- g0 << shift`` and ``(sy1, sy0) = (y1, y0) +- g1 << shift`` (back = 64 - shift)."""
    for g, a0, a1, s0, s1 in ((g0, x0, x1, sx0, sx1), (g1, y0, y1, sy0, sy1)):
        np.left_shift(g, shift, out=lo)
        np.right_shift(g, back, out=hi)
        if add:
            np.add(a0, lo, out=s0)
            np.less(s0, lo, out=carry)
            np.add(a1, hi, out=s1)
            s1 += carry
        else:
            np.subtract(a0, lo, out=s0)
            np.less(a0, lo, out=carry)
            np.subtract(a1, hi, out=s1)
            s1 -= carry


def _rop(x1, y0, y1, z, out, sticky) -> None:
    """Java's ``rop``: g * cp / 2**127 rounded to odd, from the high words of the two products."""
    np.right_shift(y0, _U(1), out=z)
    z += x1
    np.right_shift(z, _U(63), out=out)
    out += y1
    z &= _M63
    np.not_equal(z, 0, out=sticky)
    out |= sticky
