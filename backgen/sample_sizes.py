"""Sizes of sample arrays that fit the code: what the operations NumPy refuses say of the sizes.

Contract: ``Sizes(shapes, avoid)`` gives every axis of the parameters' sample shapes
(``{name: shape}``, the ranks being tried) a size of its own, a prime none of ``avoid`` (the sizes
used elsewhere) nor another axis has: a *tag*, so that a size NumPy names in an error says which
axes it came from.  ``refit(message, loop=False)`` reads the error a run of the forward on
``shapes()`` raised and changes the sizes as the failing operation asks: sizes that must agree
(broadcasting ``(4,) (7,)``, also to the shape ``np.broadcast_to`` asks for, ``x.dot(w)``'s inner sizes, ``np.concatenate``'s other axes, a value
written into a slot, also one fancy indices pick, ``L[np.tril_indices(D)] = theta``, a value a loop carries, with ``loop``) become one, a tag meeting a constant
of the code (``np.ones((3, 4))``) takes the constant, a value's axes beyond those of the slot it is
written into take 1; an index past a tag's end (``x[8]``) makes it longer, up to ``MAX_LENGTHENED``, and a
sample too short for a window (``sliding_window_view(x, 8)``) or for a frame to stack makes every tag longer
(an index further out is one the sizes make, which grows with them: ``x[np.argmax(x)]``); ``reshape`` to sizes the
code writes (``x.reshape(4, 3)``) gives the tags it multiplies those sizes; np.linalg asking for square
matrices (``np.linalg.det(R)`` of ``R - np.eye(3)`` made ``(7, 3)``) makes the last two axes of every sample
agree; a division by zero is about sizes too (``loss / (len(y) - len(phi))`` of samples all of one size), which
the sizes of their own already tell apart.  It returns whether
the sizes changed: False where the error says nothing it can follow (sizes of the code that
disagree, a size no tag has, an error of another kind), so the caller stops there.
``offsets(message)`` lists a copy where two sizes no tag has disagree, one a few off a tag's (``z[2:]``), that
tag made so they agree (up to ``MAX_LENGTHENED``).  ``collapsed(size)`` is ``shapes()`` with every tag ``size``.  ``Sizes.of_names(sizes, avoid)`` does the
same for the named dimensions of declared shapes (``{name: size}``, one tag each), ``named()`` giving
them back; ``small()`` makes every tag a small size (code that runs at those only), ``multiples(message)``
lists sizes with one tag a multiple of another (``a[:, H:2 * H]``).  The sizes chosen decide only
whether the forward runs on them; what the backward is written for is the ranks (``shape_free``).
"""

import itertools
import re
from .source import tree_copy

# Where an error names sizes: broadcasting, assigning, np.dot, np.matmul, np.concatenate (and stack's kin).
_BROADCAST = re.compile(r"could not be broadcast together with (?:remapped )?shapes "
                        r"((?:\[[^\]]*\]: )?(?:[\d\s,()\->]|newaxis|and requested shape)+)")
_INTO = re.compile(r"could not broadcast input array from shape \(([\d, ]*)\) into shape \(([\d, ]*)\)")
_INDEXED = re.compile(r"value array of shape \(([\d, ]*)\) could not be broadcast to indexing result of shape "
                      r"\(([\d, ]*)\)")  # (L[np.tril_indices(D)] = theta: theta of D (D + 1) / 2 numbers)
_CORE = re.compile(r"size (\d+) is different from (\d+)")
_ALIGNED = re.compile(r"not aligned: (\d+) \(dim \d+\) != (\d+) \(dim \d+\)")
_CONCATENATED = re.compile(r"has size (\d+) and the array at index \d+ has size (\d+)")
MAX_LENGTHENED = 4096  # the longest an axis is made for an index past its end
_INDEX = re.compile(r"index (-?\d+) is out of bounds for axis \d+ with size (\d+)")
_RESHAPE = re.compile(r"cannot reshape array of size (\d+) into shape \(([\w, ]*)\)")
_CARRIED = re.compile(r"changes shape in this loop: \(([\d, ]*)\) as an iteration starts, \(([\d, ]*)\) as it ends")

# Where NumPy says a sample is too short and not which axis: a window longer than it
# (sliding_window_view(x, 8) of 7 samples), no frame to stack (np.stack of the frames a loop cuts)
_TOO_SHORT = ("window shape cannot be larger than input array shape", "need at least one array to stack",
              "need at least one array to concatenate")

# Where a number the sizes make is zero and divides (loss / (len(y) - len(phi)) of samples all of one size):
# sizes of their own (each axis a tag) tell the two apart
_SIZES_MEET = re.compile(r"division (?:or modulo )?by zero")

# Where np.linalg asks for square matrices (det, inv, solve, eig...) and not of which operand: every sample
# of two axes or more whose last two differ made square
_SQUARE = "Last 2 dimensions of the array must be square"

FIRST_TAG = 7  # (sizes below it are the code's own often: 2, 3, 4, 5)
MAX_OFFSET = 16  # (the most a part of an axis the code cuts, x[2:], or pads, is taken to differ from it)
LONG_VECTOR = 257  # (a flat vector of parameters: longer than the parts a small network cuts of it)


def _shape(text):
    """The sizes of a shape NumPy prints, ``newaxis`` (an axis it inserts to broadcast) a 1."""
    return [1 if part == "newaxis" else int(part) for part in re.findall(r"\d+|newaxis", text)]


def _primes(start):
    n = start
    while True:
        if n > 1 and all(n % k for k in range(2, int(n ** 0.5) + 1)):
            yield n
        n += 1


class Sizes:
    """The sample sizes of some parameters' axes (see the module's contract)."""

    def __init__(self, shapes, avoid=(), even=False):
        self.avoid = set(avoid)
        self.even = even  # tags twice a prime: an axis the code halves (x[:, :D // 2]) in two equal parts
        self.dims = {name: [0] * len(shape) for name, shape in shapes.items()}
        self.tags = set()
        for axis in range(max(map(len, shapes.values()), default=0)):  # (axis by axis: no array all large)
            for dims in self.dims.values():
                if axis < len(dims):
                    dims[axis] = self._fresh(FIRST_TAG)

    @classmethod
    def of_names(cls, sizes, avoid=()):
        """The sizes of named dimensions (``{name: size}``, as ``shapes.dim_sizes`` gives them), each a
        tag but those in ``avoid`` (sizes written in the declared shapes: the user's, not to change)."""
        new = cls({}, avoid)
        new.dims = {name: [size] for name, size in sizes.items()}
        new.tags = {size for size in sizes.values() if size not in new.avoid}
        return new

    def named(self):
        """``{name: size}`` of the sizes now, for sizes made by ``of_names``."""
        return {name: dims[0] for name, dims in self.dims.items()}

    def take(self, name, size):
        """The named dimension ``name`` (and those sharing its tag) of ``size``: whether that changed it."""
        old = self.dims[name][0] if name in self.dims else size
        if old == size:
            return False
        self._replace(old, size)
        return True

    def small(self, least=3):
        """Every tag a small size of its own from ``least`` up, in order (code that runs at small sizes
        only, ``np.ones((3, 2))[i]`` for ``i`` in ``range(N)``): whether any changed.  They stay tags,
        though the code's own sizes may be among them."""
        tags = list(dict.fromkeys(d for dims in self.dims.values() for d in dims if d in self.tags))
        news = (n for n in itertools.count(least) if n not in tags)  # (none another tag's before it changes)
        for tag, new in zip(tags, news):
            self._replace(tag, new)
            self.tags.add(new)
        return bool(tags)

    def long_vectors(self, labels=(), least=LONG_VECTOR):
        """Every parameter of one axis but ``labels`` a long tag of its own (a prime from ``least`` up): a flat
        vector of parameters the code cuts into parts by slices it writes (``w[0:10].reshape(1, 10)``,
        ``w[10:20]``, ``w[30]``), which a short sample cuts short.  Whether any changed."""
        vectors = list(dict.fromkeys(dims[0] for name, dims in self.dims.items()
                                     if len(dims) == 1 and dims[0] in self.tags and name not in labels))
        for tag in vectors:
            self._replace(tag, self._fresh(least))
        return bool(vectors)

    def multiples(self, message):
        """Sizes to try where the broadcasting ``message`` sets a tag against a smaller size no tag has
        (``a[:, H:2 * H]`` of an axis shorter than ``2 * H``): each other tag 4, 3 or 2 times it, a list."""
        found = _BROADCAST.search(message)
        if not found:
            return []
        sizes = {size for part in re.findall(r"\([\d, ]*\)", found.group(1)) for size in _shape(part)}
        units = sorted(t for t in sizes & self.tags if any(1 < n < t and n not in self.tags for n in sizes))
        tried = []
        for unit in units:
            for other in sorted(self.tags - {unit}):
                for factor in (4, 3, 2):
                    new = Sizes.of_names(self.named(), self.avoid)
                    new.take(next(n for n, dims in new.dims.items() if dims[0] == other), factor * unit)
                    tried.append(new)
        return tried

    def _fresh(self, least):
        used = self.avoid | self.tags | {d for dims in self.dims.values() for d in dims}
        if self.even:  # (2p: its half p a size of no other tag, 2p none another's either)
            tag = next(2 * p for p in _primes(max(least, 2 * FIRST_TAG) // 2) if 2 * p not in used and p not in used
                       and 4 * p not in used)
        else:
            tag = next(p for p in _primes(max(least, FIRST_TAG)) if p not in used)
        self.tags.add(tag)
        return tag

    def shapes(self):
        """``{name: shape}`` of the sizes now."""
        return {name: tuple(dims) for name, dims in self.dims.items()}

    def collapsed(self, size):
        """``shapes()`` with every tag ``size``: the axes the code ties stay tied, those it fixes fixed."""
        return {name: tuple(size if d in self.tags else d for d in dims) for name, dims in self.dims.items()}

    def _replace(self, old, new):
        for dims in self.dims.values():
            dims[:] = [new if d == old else d for d in dims]
        self.tags.discard(old)

    def _agree(self, sizes, exact=False):
        """Make ``sizes`` one (but the 1s of broadcasting, unless ``exact``): whether anything changed."""
        values = set(sizes) if exact else set(sizes) - {1}
        if len(values) < 2:
            return False
        tags = sorted(values & self.tags)
        constants = values - self.tags
        if len(constants) > 1 or not tags:
            return False  # (sizes the code fixes that disagree: no sizes of the parameters help)
        target = constants.pop() if constants else tags[0]
        for tag in tags:
            if tag != target:
                self._replace(tag, target)
        return True

    def offsets(self, message):
        """Sizes to try where ``message`` sets two sizes no tag has against each other, one of them a tag's
        give or take a few (``z[2:]`` of a tag 7 is 5, ``np.concatenate([x, [0.0]])`` 8): a copy with that tag
        made so the two agree, the one nearest a tag (where no other is as near), in a list (none else)."""
        pairs = {(a, b) for a, b in _set_against(message) if a not in self.tags and b not in self.tags}
        if len({frozenset(pair) for pair in pairs}) != 1:
            return []
        a, b = next(iter(pairs))
        near = sorted((abs(tag - size), size, other, tag) for size, other in ((a, b), (b, a)) for tag in self.tags
                      if 0 < abs(tag - size) <= MAX_OFFSET)
        if not near or len(near) > 1 and near[1][0] == near[0][0]:
            return []
        _, size, other, tag = near[0]
        new = tag + other - size
        if new < 2 or new > MAX_LENGTHENED or new in self.tags or new in self.avoid:  # (past it: a size the
            # tags make, which the new one makes again larger, s = np.append(s, a * y[t]) of a vector a)
            return []
        changed = tree_copy(self)
        changed._replace(tag, new)
        changed.tags.add(new)
        return [changed]

    def _aligned(self, shapes, exact=False):
        """Sizes of ``shapes`` aligned from their last axes, as broadcasting aligns them, made to agree."""
        if exact and len({len(s) for s in shapes}) > 1:
            return False
        changed = False
        for k in range(1, max(map(len, shapes), default=0) + 1):
            changed |= self._agree([s[-k] for s in shapes if len(s) >= k], exact)
        return changed

    def refit(self, message, loop=False):
        """Change the sizes as the error ``message`` asks (module contract): whether they changed."""
        found = _BROADCAST.search(message)
        if found:
            text = found.group(1)
            if "->" in text:  # [original->remapped]: (3,4)->(3,newaxis,4) (6,2)->(2,6): as they broadcast
                text = " ".join(part.split("->")[-1] for part in text.split("]: ", 1)[-1].split())
            return self._aligned([_shape(part) for part in re.findall(r"\([\d, ]*\)", text)])
        found = _INTO.search(message) or _INDEXED.search(message)
        if found:  # (the value's axes beyond the slot's: of size 1)
            value, slot = _shape(found.group(1)), _shape(found.group(2))
            extra = value[:max(len(value) - len(slot), 0)]
            return any([self._agree([size, 1], exact=True) for size in extra if size != 1]) | \
                self._aligned([value[len(extra):], slot])
        for pattern in (_CORE, _ALIGNED, _CONCATENATED):
            found = pattern.search(message)
            if found:
                return self._agree([int(found.group(1)), int(found.group(2))], exact=True)
        found = _INDEX.search(message)
        if found:
            index, size = int(found.group(1)), int(found.group(2))
            if size not in self.tags or max(index + 1, -index) > MAX_LENGTHENED:
                return False  # (an index that grows with the sizes: x[np.argmax(x)])
            self._replace(size, self._fresh(index + 1 if index >= 0 else -index))
            return True
        found = _RESHAPE.search(message)
        if found:
            return self._reshaped(int(found.group(1)), found.group(2))
        if any(text in message for text in _TOO_SHORT):  # (which axis NumPy does not say: every tag longer)
            tags = sorted(tag for tag in self.tags if 4 * tag <= MAX_LENGTHENED)
            for tag in tags:
                self._replace(tag, self._fresh(4 * tag))
            return bool(tags)
        if _SQUARE in message:
            return any([self._agree(dims[-2:], exact=True) for dims in self.dims.values() if len(dims) >= 2])
        found = _CARRIED.search(message) if loop else None
        if found:
            return self._aligned([_shape(found.group(1)), _shape(found.group(2))], exact=True)
        return False

    def parts(self, message):
        """Sizes to try where ``message`` sets two sizes no tag has against each other (the parts of an
        axis the code cuts, ``st[:, :D]`` and ``st[:, D:]`` of a tag that is not ``2 * D``; a half, ``h[:, :H //
        2]``, against a size the code writes): copies with the tag cut made of parts that agree, a list."""
        pairs = _set_against(message)
        pairs |= {(b, a) for a, b in pairs}
        tried, seen = [], set()
        for a, b in sorted(pairs):
            if a in self.tags or b in self.tags:
                continue
            for tag in sorted(self.tags):
                new = 2 * a if tag in (a + b, 2 * b) else None
                if new is None or new == tag or new in seen:  # (a tag's size: the two axes tied)
                    continue
                seen.add(new)
                changed = tree_copy(self)
                changed._replace(tag, new)
                changed.tags.add(new)
                tried.append(changed)
        return tried

    def _factors(self, size):
        """The tags ``size`` is a product of (one per axis of that size, as often as it divides), and the rest."""
        tags = []
        for tag in [d for dims in self.dims.values() for d in dims if d in self.tags]:
            if size % tag == 0:
                tags.append(tag)
                size //= tag
        return tags, size

    def _reshaped(self, size, target):
        """``reshape`` of an array of ``size`` elements to ``target`` (its sizes, ``newaxis`` for -1): the
        tags of one side, the array's or the target's (``np.ones((2, 3, 4)).reshape(N * T, V)``), take
        sizes whose product the other side's is; with a -1, the array's first tags the sizes written."""
        written = [int(part) for part in re.findall(r"\d+", target)]
        if "newaxis" in target or "-1" in target:  # x.reshape(3, -1): the others fill the -1
            tags = list(dict.fromkeys(self._factors(size)[0]))
            if len(tags) <= len(written) or any(d in self.tags for d in written):
                return False
            for tag, new in zip(tags, written):
                self._replace(tag, new)
            return True
        total = 1
        for part in written:
            total *= part
        left, left_rest = self._factors(size)
        right, right_rest = self._factors(total)
        for tag in list(left):
            if tag in right:
                left.remove(tag)
                right.remove(tag)
        if left and right and (len(left) == 1 or len(right) == 1) and len(left) != len(right):
            tag, other, rest = (left[0], total, left_rest) if len(left) == 1 else (right[0], size, right_rest)
            if not rest or other % rest or other // rest < 2:  # y of one axis, (N * T,): y's size is N * T
                return False
            self._replace(tag, other // rest)
            return True
        if left and right:  # y.reshape(N * T) of N, T = x.shape[:2]: y's tags become x's, in order
            if len(left) != len(right) or len(set(left)) != len(left) or len(set(right)) != len(right) or \
                    left_rest != right_rest:
                return False
            for tag, new in zip(left, right):
                self._replace(tag, new)
            return True
        if not left and not right:
            return False
        tags, rest, other = (left, left_rest, total) if left else (right, right_rest, size)
        if not rest or other % rest:  # (a size of 0: no size fits it)
            return False
        wanted, distinct = other // rest, list(dict.fromkeys(tags))
        if len(distinct) == 1:  # one tag (x of (7, 7) or (7, 4)): its size, the root of what is left
            root = round(wanted ** (1 / len(tags)))
            if root < 2 or root ** len(tags) != wanted:
                return False
            self._replace(distinct[0], root)
            return True
        if len(tags) != len(distinct):
            return False
        if left and right_rest == total and len(written) == len(tags):
            news = written  # (x of two axes to (4, 3): x of (4, 3))
        else:
            news = _split(wanted, len(tags))
        if news is None:
            return False
        for tag, new in zip(distinct, news):
            self._replace(tag, new)
        return True


def _split(number, count):
    """``number`` as a product of ``count`` factors greater than 1, as even as its prime factors allow;
    None where it has fewer prime factors."""
    primes, rest, k = [], number, 2
    while k * k <= rest:
        while rest % k == 0:
            primes.append(k)
            rest //= k
        k += 1
    primes += [rest] if rest > 1 else []
    if len(primes) < count:
        return None
    groups = [1] * count
    for prime in sorted(primes, reverse=True):
        groups[groups.index(min(groups))] *= prime
    return groups


def about_sizes(message, loop=False):
    """Whether an error ``message`` names sizes that ``Sizes.refit`` may follow."""
    patterns = (_BROADCAST, _INTO, _INDEXED, _CORE, _ALIGNED, _CONCATENATED, _INDEX, _RESHAPE) + \
        ((_CARRIED,) if loop else ())
    return any(pattern.search(message) for pattern in patterns) or any(text in message for text in _TOO_SHORT) \
        or _SQUARE in message or bool(_SIZES_MEET.search(message))


def _set_against(message):
    """The pairs of sizes NumPy's ``message`` sets against each other: of the shapes it says do not
    broadcast (each order), or the two sizes a core dimension, an alignment or a join asks to agree."""
    found = _BROADCAST.search(message)
    if found:
        text = found.group(1)
        if "->" in text:
            text = " ".join(part.split("->")[-1] for part in text.split("]: ", 1)[-1].split())
        shapes = [_shape(part) for part in re.findall(r"\([\d, ]*\)", text)]
        return {(s[-k], t[-k]) for s in shapes for t in shapes for k in range(1, min(len(s), len(t)) + 1)
                if 1 != s[-k] != t[-k] != 1}
    found = next(filter(None, (pattern.search(message) for pattern in (_CORE, _ALIGNED, _CONCATENATED))), None)
    return {(int(found.group(1)), int(found.group(2)))} if found else set()
