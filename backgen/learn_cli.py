"""The learning view's subcommands: ``backgen check|explain|graph|html FILE.py ...``.

* ``check FILE.py --forward F --backward B [--at x=...] [--shape x=N,D]``
  imports FILE.py (it has to run the user's backward) and compares B with
  backgen's backward of F, at the ``--at`` values (the others random);
  exit status 0 when every gradient matches, 1 otherwise.
* ``explain FILE.py [--function f] [--at x=-2,y=5,z=-4]`` prints the staged
  forward with its values and the backward with local gradient × upstream.
* ``graph FILE.py [--function f] [--at ...] [-o circuit.svg]`` draws the
  circuit (SVG on stdout without ``-o``; ``.dot``, ``.png``, ``.pdf`` too).
* ``html FILE.py [--function f] [--at ...] [-o page.html]`` writes one
  self-contained page: the three code panes linked line by line, the
  numbers and the picture.

``explain``, ``graph`` and ``html`` only parse FILE.py, as the main command
does, and run backgen's staged copy of the function.  Without ``--at`` the
inputs are random, of the shapes the annotations, docstring or ``--shape``
declare (``--seed`` picks them).  Errors are one line on stderr with exit
status 1, as for the main command.
"""

import argparse
import os
import runpy
import sys

from .errors import BackgenError
from .source import defaults_of

COMMANDS = ("check", "explain", "graph", "html")


def _common(parser, function=True):
    parser.add_argument("file", metavar="FILE.py", help="Python source holding the forward function")
    if function:
        parser.add_argument("-f", "--function", metavar="NAME",
                            help="the function (default: the only one in FILE.py)")
    parser.add_argument("--at", action="append", default=[], metavar="x=-2,y=5",
                        help="input values, e.g. x=-2,y=5,z=-4 or w=[2,-3,-3] (repeatable; default: random "
                             "inputs of the declared shapes)")
    parser.add_argument("--shape", action="append", default=[], metavar="NAME=DIMS",
                        help="shape of a NumPy parameter for random inputs, e.g. x=N,D or x=4,3 (repeatable)")
    parser.add_argument("--wrt", metavar="a,b", help="inputs to differentiate with respect to (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random inputs (default 0)")


def build_parser(command):
    from . import __version__  # noqa: PLC0415

    parser = argparse.ArgumentParser(prog=f"backgen {command}")
    if command == "check":
        parser.description = ("Compare your hand-written backward with backgen's backward of the forward, at "
                              "the given or random inputs and a random upstream gradient.  Imports FILE.py.")
        _common(parser, function=False)
        parser.add_argument("--forward", required=True, metavar="NAME", help="the forward function")
        parser.add_argument("--backward", required=True, metavar="NAME",
                            help="your backward: NAME(*args, dout) or, CS231n's, NAME(dout, cache)")
        parser.add_argument("--tol", type=float, default=None, help="largest relative error that passes "
                                                                    "(default 1e-6)")
    elif command == "explain":
        parser.description = "Print the staged forward with each line's value and the backward, line by line."
        _common(parser)
    elif command == "graph":
        parser.description = "Draw the computational graph with values (green) and gradients (red)."
        _common(parser)
        parser.add_argument("-o", "--output", metavar="OUT.svg",
                            help="write here (.svg, .dot, .png, .pdf); default: SVG on stdout")
    else:
        parser.description = ("Write one self-contained HTML page: the forward, the staged forward and the "
                              "backward side by side with linked lines, the numbers and the picture.")
        _common(parser)
        parser.add_argument("-o", "--output", metavar="OUT.html", help="write here; default: stdout")
    parser.add_argument("--version", action="version", version=f"backgen {__version__}")
    return parser


def main(command, argv):
    args = build_parser(command).parse_args(argv)
    try:
        if command == "check":
            return _check(args)
        output = getattr(args, "output", None)
        if output is not None and output != "-":
            _check_output(output, args.file)
        text = _run(command, args)
        if output and output != "-":
            if isinstance(text, bytes):
                with open(output, "wb") as handle:
                    handle.write(text)
            else:
                with open(output, "w", encoding="utf-8") as handle:
                    handle.write(text)
        else:
            _write_stdout(text if isinstance(text, str) else text.decode("utf-8"), args.file)
    except BackgenError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 -- one line, naming the file
        from .graph import GraphvizMissing  # noqa: PLC0415

        if isinstance(exc, GraphvizMissing):
            print(f"{args.file}: {exc}", file=sys.stderr)
        else:
            print(f"{args.file}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


def _check_output(path, source):
    from .cli import _check_output as check  # noqa: PLC0415

    check(path, source)


def _write_stdout(text, source):
    from .cli import write_stdout  # noqa: PLC0415

    write_stdout(text, source)


def _shapes(args, text=None, name=None):
    """The ``--shape`` options; with ``text`` and ``name``, checked to name parameters of that function."""
    from .cli import _check_shape_names, shape_options  # noqa: PLC0415

    shapes = shape_options(args.shape, args.file)
    if text is not None:
        _check_shape_names(text, args.file, [name], shapes)
    return shapes


def _wrt(args):
    return [w.strip() for w in args.wrt.split(",") if w.strip()] if args.wrt else None


def _read(path):
    from .parse import decode_source  # noqa: PLC0415

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise BackgenError(f"cannot read file: {exc.strerror or exc}", path) from None
    return decode_source(data, path)


def _choose(text, path, name):
    """The function ``--function`` names (a def, or a lambda bound to the name), else the file's one
    function to differentiate: the main command line's left out (a ``main()`` taking no parameters, a
    backward the file writes of another function by its name) are left out here too."""
    from .cli import _takes_nothing, check_function_named, written_backwards  # noqa: PLC0415
    from .parse import function_names  # noqa: PLC0415

    if name is not None:
        check_function_named(text, path, name)
        return name
    defined = list(dict.fromkeys(function_names(text, path)))
    if not defined:
        raise BackgenError("no function definitions found", path, 1, 1)
    if len(defined) > 1:
        backwards = dict(written_backwards(defined))
        candidates = [n for n in defined if n not in backwards and not _takes_nothing(text, path, n)]
        if len(candidates) != 1:
            raise BackgenError(f"{os.path.basename(path)} defines several functions ({', '.join(defined)}): "
                               "choose one with --function", path)
        return candidates[0]
    return defined[0]


def inputs_for(text, path, name, args):
    """``(values by name, drawn)``: the --at values, the rest random of the declared shapes (``drawn``:
    their names, in order)."""
    from . import api  # noqa: PLC0415
    from .inputs import coerce, parse_at, random_inputs  # noqa: PLC0415
    from .parse import read  # noqa: PLC0415
    from .program import declared_shapes  # noqa: PLC0415

    shapes = _shapes(args, text, name)
    forward = read(text, name=name, filename=path)
    specs = declared_shapes(forward, shapes)
    params = [a.arg for a in forward.func.args.args]
    given = coerce(parse_at(args.at, filename=path), specs)
    unknown = [k for k in given if k not in params]
    if unknown:
        raise BackgenError(f"--at names {', '.join(unknown)}, which {name}() does not take "
                           f"(its parameters: {', '.join(params)})", path)
    with_default = {a.arg for a, _ in defaults_of(forward.func.args)}
    missing = [p for p in params if p not in given and p not in with_default]
    drawn = {}
    if missing:
        mode = api.staged(text, name=name, filename=path, shapes=shapes).mode
        drawn = random_inputs(missing, specs, mode, args.seed, filename=path, sizes=_sizes_given(given, specs))
    values = {p: given[p] if p in given else drawn[p] for p in params if p in given or p in drawn}
    return values, tuple(missing)


def _sizes_given(given, specs):
    """``{dimension: size}`` of the named dimensions of the arrays given (``x: "N, D"`` given of shape
    (3, 2): N is 3, D is 2), so that those drawn for the others fit them."""
    sizes = {}
    for name, value in given.items():
        dims = getattr(specs.get(name), "dims", ())
        if hasattr(value, "shape") and len(dims) == len(value.shape):
            for dim, size in zip(dims, value.shape):
                if isinstance(dim, str) and "*" not in dim:
                    sizes.setdefault(dim, size)
    return sizes


def _run(command, args):
    text = _read(args.file)
    name = _choose(text, args.file, args.function)
    values, random = inputs_for(text, args.file, name, args)
    shapes = _shapes(args) or None
    wrt = _wrt(args)
    if command == "explain":
        from .explain import explain  # noqa: PLC0415

        result = explain(text, name=name, wrt=wrt, shapes=shapes, filename=args.file, **values)
        note = f"(random inputs, seed {args.seed}: pass --at to choose them)\n" if random else ""
        return note + str(result)
    if command == "graph":
        from .graph import Graph, dot_source  # noqa: PLC0415
        from .explain import trace  # noqa: PLC0415

        run = trace(text, (), values, name=name, wrt=wrt, shapes=shapes, filename=args.file)
        picture = Graph(dot_source(run), run)
        output = args.output if args.output and args.output != "-" else None
        suffix = output.rsplit(".", 1)[-1].lower() if output and "." in output else "svg"
        if suffix in ("dot", "gv"):
            return picture.dot
        if suffix in ("png", "pdf"):
            from .graph import render  # noqa: PLC0415

            return render(picture.dot, suffix)
        return picture.svg
    from .page import page  # noqa: PLC0415

    return page(text, name=name, wrt=wrt, shapes=shapes, filename=args.file, **values).html


def _check(args):
    from .check import TOLERANCE, check  # noqa: PLC0415

    path = args.file
    if not os.path.exists(path):
        raise BackgenError("cannot read file: No such file or directory", path)
    directory = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, directory)
    try:
        namespace = runpy.run_path(path, run_name="__backgen_check__")
    except BackgenError:
        raise
    except SystemExit as exc:
        raise BackgenError(f"running it to find {args.backward} exited ({exc.code})", path) from None
    except Exception as exc:  # noqa: BLE001 -- the user's module failed to import
        raise BackgenError(f"running it to find {args.backward} failed: {type(exc).__name__}: {exc}",
                           path) from None
    finally:
        if sys.path and sys.path[0] == directory:
            sys.path.pop(0)
    for role, name in (("--forward", args.forward), ("--backward", args.backward)):
        if not callable(namespace.get(name)):
            defined = [k for k, v in namespace.items() if callable(v) and getattr(v, "__module__", "") ==
                       "__backgen_check__"]
            raise BackgenError(f"{role}: no function named {name!r} in {os.path.basename(path)}"
                               + (f"; it defines {', '.join(defined)}" if defined else ""), path)
    forward, backward = namespace[args.forward], namespace[args.backward]
    text = _read(path)
    shapes = _shapes(args, text, args.forward) or None
    tol = args.tol if args.tol is not None else TOLERANCE
    if not tol >= 0 or tol == float("inf"):  # (nan too)
        raise BackgenError(f"--tol {args.tol}: give a finite relative error of 0 or more, like 1e-6", path)
    if args.at:  # the values given, the others drawn at random
        values, drawn = inputs_for(text, path, args.forward, args)
        try:
            forward(**values)
        except Exception as exc:  # noqa: BLE001 -- the user's forward, on the user's values
            raise BackgenError(f"--at: {args.forward}() fails on the inputs given"
                               f"{' (and ' + ', '.join(drawn) + ' drawn at random)' if drawn else ''}: "
                               f"{type(exc).__name__}: {exc}", path) from None
        result = check(forward, backward, wrt=_wrt(args), shapes=shapes, seed=args.seed, tol=tol, **values)
        result.drawn = drawn
    else:
        result = check(forward, backward, wrt=_wrt(args), shapes=shapes, seed=args.seed, tol=tol)
    _write_stdout(str(result), path)
    return 0 if result.passed else 1
