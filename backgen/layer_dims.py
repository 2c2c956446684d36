"""Dimensions a ``(dout, cache)`` backward reads from what it has: ``N, T, H = dout.shape``.

Contract: ``RuntimeDims(sizes, sources, taken, fail, labels=None)``.  ``sizes`` maps each
named dimension of the docstring to its sample size (distinct primes, see
``shapes.dim_sizes``); ``labels`` maps other sample sizes (shapes given as numbers) to the
names the forward gives them (``N, T, D = x.shape``), used as names only, never as factors; ``sources`` lists ``(expression, sample shape)`` for
the arrays the backward has at its start (the upstream gradients first, then
what the cache holds).  ``shape(sample_shape)`` returns the source text of
that shape (``"(N, T, D)"``, ``"(N * H * W, C)"``, ``"(D, 4 * H)"``), after
``bindings`` (``ir.Statement`` lines to put first) bind the names it uses.
A sample size is written as a product of named dimensions (sample sizes are
distinct primes, so the product is unique) times a small number; a size no
source shows is ``fail(size)`` (a BackgenError).
"""

from . import ir


class RuntimeDims:
    def __init__(self, sizes, sources, taken, fail, labels=None):
        self.names = {size: name for name, size in sizes.items() if "*" not in name and size > 1}
        self.labels = {size: name for size, name in (labels or {}).items() if size > 1 and size not in self.names}
        self.sources, self.taken, self.fail = sources, taken, fail
        self.bindings, self.bound = [], {}

    def shape(self, sample_shape):
        parts = [self.size(s) for s in sample_shape]
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"

    def size(self, size):
        if size <= 1:
            return str(size)
        if size in self.bound:
            return self.bound[size]
        if size in self.labels:
            return self.bind(size)
        factors, rest = [], size
        for prime in sorted(self.names):
            while rest % prime == 0:
                factors.append(prime)
                rest //= prime
        if factors and rest < 7 and all(self.findable(p) for p in factors):
            return " * ".join(([str(rest)] if rest > 1 else []) + [self.bind(p) for p in factors])
        return self.bind(size)

    def findable(self, size):
        return size in self.bound or any(size in shape for _, shape in self.sources)

    def bind(self, size):
        if size in self.bound:
            return self.bound[size]
        for expr, shape in self.sources:
            if size not in shape:
                continue
            if expr.isidentifier():  # an upstream: all its dimensions unpacked, as people do
                names = [self.names.get(s, self.labels.get(s, "_")) if s not in self.bound else "_" for s in shape]
                names = [n if n == "_" or n not in self.taken else "_" for n in names]
                if names[list(shape).index(size)] != "_" and len(set(names) - {"_"}) == \
                        len([n for n in names if n != "_"]):
                    self.bindings.append(ir.Statement(f"{', '.join(names)}{',' if len(names) == 1 else ''} = "
                                                      f"{expr}.shape"))
                    for n, s in zip(names, shape):
                        if n != "_":
                            self.bound[s] = n
                            self.taken.add(n)
                    return self.bound[size]
            name = self.names.get(size, self.labels.get(size, "n"))
            while name in self.taken:
                name += "_"
            self.taken.add(name)
            self.bindings.append(ir.Statement(f"{name} = {expr}.shape[{list(shape).index(size)}]"))
            self.bound[size] = name
            return name
        raise self.fail(size)



def refuse_numbered(specs, params, named, error, node):
    """Refuse shapes given as numbers (``x: "2, 3, 4"``) that the backward, which finds each dimension
    at run time by its size in the samples (``N, T, H = dout.shape``), could not tell apart: two
    dimensions the forward names (``named``: ``{"N": 2, "T": 3}``, from ``N, T, D = x.shape``) given
    the same number (N = T = 3: both were read from dout.shape[0], right at those sizes alone), or a
    number that is none of theirs (which dimension it is, no name says).  Sizes of 1 are what they say, and
    ``_`` (``_, H = h0.shape``) names no dimension: it is the throwaway name, read nowhere."""
    given = {d for p in params if p in specs for d in specs[p].dims if type(d) is int and d > 1}
    if not given:
        return
    by_size = {}
    for name, size in named.items():
        if type(size) is int and size > 1 and name != "_":
            by_size.setdefault(size, []).append(name)
    twice = sorted((names for names in by_size.values() if len(names) > 1), key=lambda names: names[0])
    unnamed = sorted(given - set(by_size))
    if twice:
        what = f"{' and '.join(twice[0])} are all {named[twice[0][0]]}" if len(twice[0]) > 2 else \
            f"{' and '.join(twice[0])} are both {named[twice[0][0]]}"
    elif unnamed:
        what = f"a size of {unnamed[0]} is none of the dimensions the layer names ({', '.join(named) or 'none'})"
    else:
        return
    raise error(f"in the shapes given as numbers, {what}, and this layer's backward reads its dimensions from "
                f"dout and the cache at run time by their sizes: give the dimensions names (for example "
                f"x: 'N, T, D'), or distinct numbers for distinct dimensions", node)
