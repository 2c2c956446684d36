"""Generated backwards of a forward given as source, checked every way a user gets one.

``generated(source, function, shapes=None)`` is the backward ``backgen.generate`` writes
(``deterministic`` the same, checked to be written byte for byte the same twice);
``forward(source, function, tmp_path)`` the forward itself, from a module file (the decorator reads
its source); ``every_way(source, function, args, shapes, tmp_path, wrt=None, free=True)`` checks
against central differences the backward of generate without shapes (where ``free``), with
``shapes``, and of the decorator.
"""

import textwrap

import backgen
import real_sweep
from numeric import check_gradients, same_again


def generated(source, function, shapes=None):
    namespace = {}
    exec(backgen.generate(textwrap.dedent(source), name=function, shapes=shapes), namespace)
    return namespace[f"{function}_backward"]


def deterministic(source, function, shapes=None):
    text = backgen.generate(source, name=function, shapes=shapes)
    same_again(text, lambda: backgen.generate(source, name=function, shapes=shapes))
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    return namespace[f"{function}_backward"]


def forward(source, function, tmp_path):
    return getattr(real_sweep._module(textwrap.dedent(source), function, tmp_path)[0], function)


def every_way(source, function, args, shapes, tmp_path, wrt=None, free=True):
    func = forward(source, function, tmp_path)
    wrt = list(range(len(args))) if wrt is None else wrt
    for given in (None, shapes) if free else (shapes,):
        check_gradients(generated(source, function, given)(*args), func, args, wrt)
    check_gradients(backgen.backward(func).backward(*args), func, args, wrt)
