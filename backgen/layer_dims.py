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


def refuse_numbered(specs, params, error, node):
    """Refuse shapes given as numbers (``x: "2, 3, 4"``) where the backward reads its dimensions at run
    time (``N, T, H = dout.shape``): it finds each dimension by its size in the samples, and two
    dimensions given the same number (N = T = 3, or D = H) could not be told apart, so the code
    would be right at those sizes alone.  A size of 1 says what it says (it broadcasts)."""
    numbered = [p for p in params if p in specs and any(type(d) is int and d > 1 for d in specs[p].dims)]
    if numbered:
        raise error(f"the shapes of {', '.join(numbered)} are given as numbers, but this layer's backward "
                    f"reads its dimensions from dout and the cache at run time, and numbers cannot say which "
                    f"dimension is which: name them (for example {numbered[0]}: 'N, T, D'; 1 may stay a number)",
                    node)
