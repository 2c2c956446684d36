"""The command line: ``backgen FILE.py [--function NAME ...] [--wrt a,b] [--shape x=N,D ...] [-o OUT.py]``.

A thin shell over the library.  It only parses FILE.py (never imports or runs
it) and writes a module with one ``<name>_backward`` per forward function
(for NumPy code of no given shapes, the shape-generic one).
``--show staged`` (or ``--stage staged``) prints the staged forward instead,
to show what the backward is built from.  ``backgen check|explain|graph|html
FILE.py ...`` are the learning view's subcommands (``learn_cli``).  Errors are one line on stderr,
``FILE:LINE:COL: message``, with exit status 1; no output file is left
behind on error.  ``-o -`` writes to stdout; a new output file gets the
permissions of the user's umask, an existing one keeps its own and is
replaced in one step; ``-o`` writes through a symbolic link to the file it
names, and into a FIFO or a device as it is.  A write that fails (standard
output closed, a full disk) is such an error too.
"""

import argparse
import ast
import io
import itertools
import os
import secrets
import shlex
import stat
import sys

from . import __version__, api, emit, learn_cli, structured
from .errors import BackgenError
from .cache import backward_name
from .layer import layer_module
from .parse import decode_source, function_names, lambdas_as_defs, method_names, parse_module
from .reverse import recomputing
from .shapes import spec as shape_spec


def build_parser():
    parser = argparse.ArgumentParser(
        prog="backgen",
        description="Generate hand-style backward functions for the forward functions in FILE.",
        epilog="Learning view: backgen check|explain|graph|html FILE.py ... (each with --help).",
    )
    parser.add_argument("file", metavar="FILE.py", help="Python source holding forward functions")
    parser.add_argument("-f", "--function", action="append", metavar="NAME",
                        help="differentiate only this function (repeatable; default: every function)")
    parser.add_argument("--wrt", metavar="a,b",
                        help="parameters to differentiate with respect to (default: all)")
    parser.add_argument("--shape", action="append", metavar="NAME=DIMS", default=[],
                        help="shape of a NumPy parameter, e.g. x=N,D or y='int N', or a dict or list of "
                             "them, params=\"{'W1': 'D, H', 'b1': 'H'}\" (repeatable; overrides annotations); "
                             "without any, NumPy code gets a shape-generic backward")
    parser.add_argument("-o", "--output", metavar="OUT.py",
                        help="write here instead of stdout (- for stdout); never the input file")
    parser.add_argument("--layer", action="store_true",
                        help="write each function in the layer form: NAME_forward(...) -> (out, cache) "
                             "and NAME_backward(dout, cache) -> gradients")
    parser.add_argument("--show", "--stage", dest="stage", choices=("backward", "staged"), default="backward",
                        help="what to print: the backward module (default) or the staged forward, numbered "
                             "as the seed numbers it (--stage is the older spelling)")
    parser.add_argument("--recompute", action="store_true",
                        help="loops keep only the values carried from one iteration to the next and the "
                             "backward computes the rest again: less memory, about one more forward of time")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in learn_cli.COMMANDS:  # backgen check|explain|graph|html FILE.py ...
        return learn_cli.main(argv[0], argv[1:])
    args = build_parser().parse_args(argv)
    if args.output == "-":
        args.output = None
    try:
        if args.output is not None:
            _check_output(args.output, args.file)
        text = api.deep(lambda: run(args), args.file)
        if args.output:
            write_output(args.output, text)
        else:
            write_stdout(text, args.file)
    except BackgenError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # a bug in backgen: still one line, naming the file it was working on
        print(f"{args.file}: internal error in backgen: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


def run(args):
    path = args.file
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise BackgenError(f"cannot read file: {exc.strerror or exc}", path) from None
    text = decode_source(data, path)
    defined = function_names(text, path)
    methods = method_names(text, path)
    for name in args.function or ():  # (a def, or a lambda bound to the name, as generate reads them)
        check_function_named(text, path, name)
    if not defined and methods and not args.function:
        raise BackgenError(f"no top-level function to differentiate, only methods ({', '.join(methods)}): "
                           "decorate a method with @backgen.backward and call model.loss.backward(X, y)", path, 1, 1)
    if not defined and not args.function:
        lambdas = [f.name for f in _top_functions(text, path)]
        raise BackgenError("no function definitions found" + (
            f" (only lambdas bound to names, {', '.join(lambdas)}: name one with --function)" if lambdas else ""),
            path, 1, 1)
    left_out = () if args.function else written_backwards(defined)
    if not args.function:  # (a main() or a setup beside the forwards: nothing to differentiate)
        left_out += tuple((name, None) for name in dict.fromkeys(defined)
                          if name not in dict(left_out) and _takes_nothing(text, path, name))
    names = args.function or [name for name in defined if name not in dict(left_out)]
    if not names:
        raise BackgenError("no function with parameters to differentiate (name one with --function)", path, 1, 1)
    shapes = shape_options(args.shape, path)
    _check_shape_names(text, path, names, shapes)
    results = []
    wrt = [w.strip() for w in args.wrt.split(",") if w.strip()] if args.wrt else None
    errors = []
    for name in names:  # every function's problem is reported, not only the first
        own = _own_wrt(text, path, name, wrt) if wrt and len(names) > 1 else wrt
        params = _params(text, path, name)
        own_shapes = {key: dims for key, dims in shapes.items() if params is None or key in params}
        try:
            if args.stage == "staged":
                results.append(api.staged(text, wrt=own, name=name, filename=path, shapes=own_shapes))
            else:
                with recomputing(getattr(args, "recompute", False)):
                    results.append(api.backward_program(text, wrt=own, name=name, filename=path,
                                                        shapes=own_shapes, user_cache=not args.layer))
        except BackgenError as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise SeveralErrors(errors)
    if args.stage == "staged":
        return "\n\n".join(staged_source(s) for s in results) + "\n"
    source_name = os.path.basename(path)
    command = ["backgen", source_name]  # (a command the shell runs again: each word quoted as it needs)
    for name in args.function or ():
        command += ["--function", name]
    if args.wrt:
        command += ["--wrt", args.wrt]
    for item in args.shape:
        command += ["--shape", item]
    if args.layer:
        command.append("--layer")
    if getattr(args, "recompute", False):
        command.append("--recompute")
    if args.output:
        command += ["-o", os.path.basename(args.output)]
    command = [_shell_word(word) for word in command]
    if args.layer:
        return layer_module(results, source_name=source_name, command=" ".join(command), left_out=left_out,
                            methods=() if args.function else methods)
    return emit.module_source(results, source_name=source_name, command=" ".join(command), left_out=left_out,
                              methods=() if args.function else methods)


def _shell_word(word):
    """``word`` as a shell reads it back: as it is where it needs no quotes, else in single quotes, or in
    double quotes where it holds single quotes and nothing a shell reads within double quotes."""
    if "'" in word and not any(c in word for c in '"$`\\!'):
        return f'"{word}"'
    return shlex.quote(word)


def written_backwards(defined):
    """``(name, forward)`` for each function of ``defined`` that is the backward of another one by its
    name (``affine_backward`` of ``affine_forward``, ``conv_backward_naive`` of ``conv_forward_naive``,
    ``sigmoid_backward`` of ``sigmoid``): the user's own, not a forward to differentiate."""
    backwards = {backward_name(name): name for name in defined}
    return tuple((name, backwards[name]) for name in dict.fromkeys(defined)
                 if name in backwards and backwards[name] != name)


class SeveralErrors(BackgenError):
    """The problems of several functions of one file, one line each."""

    def __init__(self, errors):
        first = errors[0]
        super().__init__(first.msg, first.filename, first.lineno, first.offset, first.text)
        self.errors = errors

    def __str__(self):
        return "\n".join(str(e) for e in self.errors)


def shape_options(items, path):
    """``{name: dims}`` of the ``--shape NAME=DIMS`` options, each checked to be a shape, or a dict or
    list of shapes as ``shapes=`` takes them (``params={'W1': 'D, H', 'b1': 'H'}``,
    ``params=[('3, 4', '4'), ('4, 2', '2')]``); a name given two shapes is an error."""
    shapes = {}
    for item in items:
        key, sep, dims = item.partition("=")
        if not sep or not key.strip():
            raise BackgenError(f"--shape {item!r}: write NAME=DIMS, like x=N,D", path)
        value = _structured_shapes(dims)
        if value is None:
            try:
                shape_spec(dims)
            except ValueError as exc:
                raise BackgenError(f"--shape {item!r}: {exc}", path) from None
            value = dims
        if key.strip() in shapes and shapes[key.strip()] != value:
            raise BackgenError(f"--shape gives {key.strip()} two shapes, {shapes[key.strip()]!r} and "
                               f"{value!r}: give one", path)
        shapes[key.strip()] = value
    return shapes


def _structured_shapes(dims):
    """The dict or list of shapes ``dims`` writes (``{'W1': 'D, H', 'b': float}``, ``[('3, 4', '4')]``),
    as ``shapes=`` takes it; None where it writes none."""
    if not dims.strip().startswith(("{", "[")):
        return None
    try:
        node = ast.parse(dims.strip(), mode="eval").body
    except SyntaxError:
        return None
    types = {"float": float, "int": int, "bool": bool}

    def value(node):
        if isinstance(node, ast.Constant) and type(node.value) in (str, int):
            return node.value
        if isinstance(node, ast.Name) and node.id in types:
            return types[node.id]
        if isinstance(node, (ast.List, ast.Tuple)):
            return type({ast.List: [], ast.Tuple: ()}[type(node)])(value(e) for e in node.elts)
        if isinstance(node, ast.Dict) and None not in node.keys:
            return {value(k): value(v) for k, v in zip(node.keys, node.values)}
        raise ValueError
    try:
        result = value(node)
    except (ValueError, TypeError):
        return None
    return result if structured.is_structured(result, declared=True) else None


_TOP_FUNCTIONS = {}  # (path, text) -> _top_functions' list, of the latest file read (read, never changed)


def _top_functions(text, path):
    """The functions at the top level of the file, as ``generate`` reads them: each ``def`` and each
    function a lambda is bound to by name (``relu = lambda t: np.maximum(0, t)``); the file is parsed
    once for all its functions."""
    key = (path, text)
    if key not in _TOP_FUNCTIONS:
        _TOP_FUNCTIONS.clear()
        _TOP_FUNCTIONS[key] = [n for n in lambdas_as_defs(parse_module(text, path)).body
                               if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return _TOP_FUNCTIONS[key]


def check_function_named(text, path, name):
    """A BackgenError unless the file defines a function ``name`` (by ``def`` or a lambda bound to it) at
    its top level: naming the method of that name where a class defines one, else the functions there are."""
    lines = text.splitlines()
    functions = _top_functions(text, path)
    if any(f.name == name for f in functions):
        return
    for owner in parse_module(text, path).body:
        for node in getattr(owner, "body", ()) if isinstance(owner, ast.ClassDef) else ():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                    name in (node.name, f"{owner.name}.{node.name}"):
                raise BackgenError(f"no function named {name!r} at the top level of {os.path.basename(path)}: "
                                   f"{owner.name}.{node.name} is a method, which the command line does not "
                                   "differentiate: decorate it with @backgen.backward, or write it as a function "
                                   "taking what it reads of self as parameters", path, node.lineno,
                                   node.col_offset + 1, lines[node.lineno - 1])
    names = ", ".join(dict.fromkeys(f.name for f in functions))
    raise BackgenError(f"no function named {name!r} in {os.path.basename(path)}"
                       + (f"; it defines {names}" if names else ""), path, 1, 1)


def _takes_nothing(text, path, name):
    """Whether the function ``name`` the file defines takes no parameters, not even ``*args`` or
    ``**kwargs`` (a ``main()``)."""
    funcs = [n for n in _top_functions(text, path) if n.name == name]
    return bool(funcs) and _params(text, path, name) == [] and not funcs[-1].args.vararg and \
        not funcs[-1].args.kwarg


def _params(text, path, name):
    """The parameters of the function ``name`` the file defines (None where it defines none of that name)."""
    funcs = [n for n in _top_functions(text, path) if n.name == name]
    if not funcs:
        return None
    args = funcs[-1].args
    return [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]


def _check_shape_names(text, path, names, shapes):
    """Every name --shape gives a shape to is a parameter of a function differentiated (with several
    functions, each takes the shapes of its own parameters)."""
    params = {name: _params(text, path, name) for name in names}
    if None in params.values():  # (a function the file does not define by def: reported where it is read)
        return
    unknown = [key for key in shapes if not any(key in own for own in params.values())]
    if unknown:
        which = "is not a parameter" if len(unknown) == 1 else "are not parameters"
        if len(params) == 1:
            (name, own), = params.items()
            where = f"of {name}() (parameters: {', '.join(own) or 'none'})"
        else:
            where = "of any function differentiated (" + "; ".join(
                f"{name}(): {', '.join(own) or 'none'}" for name, own in params.items()) + ")"
        raise BackgenError(f"--shape names {', '.join(map(repr, unknown))}, which {which} {where}", path)


def _own_wrt(text, path, name, wrt):
    """With several functions, --wrt names each one's parameters among those listed."""
    func = [n for n in _top_functions(text, path) if n.name == name][-1]
    params = _params(text, path, name)  # (positional-only and keyword-only ones too)
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


def _check_output(path, source):
    """Refuse an output path that cannot be written, or that is the source itself, before any work."""
    if not path:
        raise BackgenError("cannot write the output: -o names no file (- for standard output)", source)
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise BackgenError("cannot write the output: it is a directory (name a file in it)", path)
    if path.endswith(("/", os.sep)):  # (a directory's name, which is none: no file of that name)
        if os.path.exists(path.rstrip("/" + os.sep)):
            raise BackgenError(f"cannot write the output: {path.rstrip('/' + os.sep)} is not a directory", path)
        raise BackgenError(f"cannot write the output: the directory {path} does not exist (name a file in "
                           "a directory that does)", path)
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise BackgenError(f"cannot write the output: {os.path.dirname(path) or directory} is not a directory",
                           path)
    if not os.path.isdir(directory):
        raise BackgenError(f"cannot write the output: the directory {os.path.dirname(path) or directory} "
                           "does not exist", path)
    if os.path.exists(path) and os.path.exists(source) and os.path.samefile(path, source):
        raise BackgenError("refusing to overwrite the input file with its backward: choose another -o",
                           source)


def write_stdout(text, source):
    """Write ``text`` to standard output; a BackgenError about ``source`` where it cannot be written
    (closed, a full disk, a pipe closed)."""
    stream = sys.stdout
    if stream is None:
        raise BackgenError("cannot write the output: standard output is closed", source)
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError) as exc:
        try:  # what the buffer still holds would fail again as Python exits: it goes nowhere
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            pass
        raise BackgenError(f"cannot write the output: {getattr(exc, 'strerror', None) or exc}", source) from None


def write_output(path, text):
    """Write ``text`` to ``path`` as a shell's ``>`` would, but a regular file atomically: through a
    symbolic link to the file it names (the link kept); into a FIFO or a device as it is; otherwise
    ``_write_atomically``.  A write that fails is a BackgenError, the file left as it was."""
    try:
        mode = os.stat(path).st_mode  # (through links: /dev/stdout, a link to /proc/self/fd/1, names a pipe
    except FileNotFoundError:  # (a new file, or a link to one)  # whose real path is no file's)
        mode = None
    except OSError as exc:  # (a loop of links)
        raise BackgenError(f"cannot write the output: {exc.strerror or exc}", path) from None
    if mode is None or stat.S_ISREG(mode):
        _write_atomically(os.path.realpath(path), text, shown=path)
        return
    try:
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        raise BackgenError(f"cannot write the output: {exc.strerror or exc}", path) from None


def _write_atomically(path, text, shown=None):
    """Write ``text`` to a new file beside ``path``, then move it over ``path`` in one step.

    The new file is created as any program creates one (mode 0o666 less the
    umask); replacing an existing file keeps that file's permissions.  Errors
    name ``shown`` (the path as the user wrote it), else ``path``.
    """
    shown = shown or path
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = None
    try:
        while True:
            temporary = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(4)}.tmp")
            try:
                handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                break
            except FileExistsError:
                continue
    except OSError as exc:
        raise BackgenError(f"cannot write the output: {exc.strerror or exc}", shown) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException as exc:
        os.unlink(temporary)
        if isinstance(exc, OSError):
            raise BackgenError(f"cannot write the output: {exc.strerror or exc}", shown) from None
        raise
