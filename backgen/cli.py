"""The command line: ``backgen FILE.py [--function NAME ...] [--wrt a,b] [-o OUT.py]``.

A thin shell over the library.  It only parses FILE.py (never imports or runs
it) and writes a module with one ``<name>_backward`` per forward function.
``--stage staged`` prints the staged forward instead, to show what the
backward is built from.  Errors are one line on stderr,
``FILE:LINE:COL: message``, with exit status 1; no output file is left
behind on error.
"""

import argparse
import itertools
import os
import sys
import tempfile

from . import api, emit
from .errors import BackgenError
from .layer import layer_module
from .parse import function_names, parse_module


def build_parser():
    parser = argparse.ArgumentParser(
        prog="backgen",
        description="Generate hand-style backward functions for the forward functions in FILE.",
    )
    parser.add_argument("file", metavar="FILE.py", help="Python source holding forward functions")
    parser.add_argument("-f", "--function", action="append", metavar="NAME",
                        help="differentiate only this function (repeatable; default: every function)")
    parser.add_argument("--wrt", metavar="a,b",
                        help="parameters to differentiate with respect to (default: all)")
    parser.add_argument("--shape", action="append", metavar="NAME=DIMS", default=[],
                        help="shape of a NumPy parameter, e.g. x=N,D or y='int N' (repeatable; "
                             "overrides annotations)")
    parser.add_argument("-o", "--output", metavar="OUT.py", help="write here instead of stdout")
    parser.add_argument("--layer", action="store_true",
                        help="write each function in the layer form: NAME_forward(...) -> (out, cache) "
                             "and NAME_backward(dout, cache) -> gradients")
    parser.add_argument("--stage", choices=("backward", "staged"), default="backward",
                        help="what to print: the backward module (default) or the staged forward")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        text = run(args)
    except BackgenError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.output:
        _write_atomically(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def run(args):
    path = args.file
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BackgenError(f"cannot read file: {reason}", path) from None
    names = args.function or function_names(text, path)
    if not names:
        raise BackgenError("no function definitions found", path, 1, 1)
    shapes = {}
    for item in args.shape:
        key, sep, dims = item.partition("=")
        if not sep or not key.strip():
            raise BackgenError(f"--shape {item!r}: write NAME=DIMS, like x=N,D", path)
        shapes[key.strip()] = dims
    results = []
    wrt = [w.strip() for w in args.wrt.split(",") if w.strip()] if args.wrt else None
    for name in names:
        own = _own_wrt(text, path, name, wrt) if wrt and len(names) > 1 else wrt
        if args.stage == "staged":
            results.append(api.staged(text, wrt=own, name=name, filename=path, shapes=shapes))
        else:
            results.append(api.backward_program(text, wrt=own, name=name, filename=path, shapes=shapes))
    if args.stage == "staged":
        return "\n\n".join(staged_source(s) for s in results) + "\n"
    source_name = os.path.basename(path)
    command = ["backgen", source_name]
    for name in args.function or ():
        command += ["--function", name]
    if args.wrt:
        command += ["--wrt", args.wrt]
    for item in args.shape:
        command += ["--shape", repr(item) if " " in item else item]
    if args.layer:
        command.append("--layer")
    if args.output:
        command += ["-o", os.path.basename(args.output)]
    if args.layer:
        return layer_module(results, source_name=source_name, command=" ".join(command))
    return emit.module_source(results, source_name=source_name, command=" ".join(command))


def _own_wrt(text, path, name, wrt):
    """With several functions, --wrt names each one's parameters among those listed."""
    func = next(n for n in parse_module(text, path).body if getattr(n, "name", None) == name)
    params = [a.arg for a in func.args.args]
    own = [w for w in wrt if w in params]
    if not own:
        raise BackgenError(f"--wrt {','.join(wrt)} names none of the parameters of {name}() "
                           f"({', '.join(params)}): choose functions with --function", path,
                           func.lineno, func.col_offset + 1)
    return own


def staged_source(staged):
    """The staged forward as readable code, one operation per line, numbered."""
    lines = [f"def {staged.name}({', '.join(staged.params)}):"]
    lines += emit.staged_lines(staged.body, 1, itertools.count(1))
    lines.append(f"    return {', '.join(map(str, staged.outputs))}")
    return "\n".join(lines)


def _write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
