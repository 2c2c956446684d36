"""The circuit picture: the staged forward as CS231n draws its computational graphs.

Contract: ``graph(f, *args, ...) -> Graph`` runs ``explain.trace`` and lays
the staged forward out as a Graphviz graph: the inputs on the left, one node
per gate (``+``, ``×``, ``σ``, ``max``), and each wire labelled with its
name, its forward value (green) and the gradient flowing back along it (red;
where a value feeds several gates each wire carries its own branch's share,
which add up at the input).  NumPy values show their shapes.  Loops and
branches are boxes labelled with their header; their wires show the last run.

``Graph.dot`` is the Graphviz source; ``Graph.svg`` runs Graphviz's ``dot``
(the ``graphviz`` Python package where installed, else the ``dot`` program);
where ``dot`` is missing, ``GraphvizMissing`` says how to install it.
``Graph.save(path)`` writes ``.svg``, ``.dot``/``.gv``, ``.png`` or ``.pdf``.
In Jupyter a Graph shows itself as SVG.
"""

import ast
import html
import re
import shutil
import subprocess

import numpy as np

from .errors import BackgenError
from .explain import ForwardStep, HeaderStep, fmt, shape_text, trace
from .source import walk

VALUE_COLOUR = "#1a7f37"  # green, as CS231n's slides write forward values
GRADIENT_COLOUR = "#cf222e"  # red, for gradients
INSTALL = ("Graphviz's dot program is needed to draw the graph and was not found: install it "
           "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; conda: conda install "
           "graphviz), or save the graph as .dot and render it elsewhere")


class GraphvizMissing(RuntimeError):
    """Graphviz's ``dot`` is not installed."""

    def __init__(self, message=INSTALL):
        super().__init__(message)


def dot_available():
    return shutil.which("dot") is not None


def render(dot_source, fmt_name="svg"):
    """Graphviz's output (bytes) for ``dot_source``."""
    if not dot_available():
        raise GraphvizMissing()
    try:
        import graphviz  # noqa: PLC0415 -- the optional extra: backgen[learn]
    except ImportError:
        graphviz = None
    if graphviz is not None:
        try:
            return graphviz.Source(dot_source).pipe(format=fmt_name)
        except graphviz.ExecutableNotFound:
            raise GraphvizMissing() from None
        except graphviz.CalledProcessError as exc:
            raise RuntimeError(f"Graphviz failed: {exc.stderr.decode(errors='replace').strip()}") from None
    try:
        done = subprocess.run(["dot", f"-T{fmt_name}"], input=dot_source.encode(), capture_output=True,
                              check=False, timeout=120)
    except FileNotFoundError:
        raise GraphvizMissing() from None
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def inline_svg(svg_text):
    """SVG text without its XML declaration and doctype, to put inside an HTML page."""
    start = svg_text.find("<svg")
    return svg_text[start:] if start >= 0 else svg_text


class Graph:
    """The circuit picture of one run: ``.dot``, ``.svg``, ``.save(path)``; SVG in Jupyter."""

    def __init__(self, dot_source, trace_=None):
        self.dot = dot_source
        self.trace = trace_
        self._svg = None

    @property
    def svg(self):
        if self._svg is None:
            self._svg = render(self.dot, "svg").decode("utf-8")
        return self._svg

    def save(self, path):
        """Write the picture: the format follows the extension (.svg, .dot/.gv, .png, .pdf)."""
        path = str(path)
        suffix = path.rsplit(".", 1)[-1].lower() if "." in path else "svg"
        if suffix in ("dot", "gv"):
            data = self.dot.encode("utf-8")
        elif suffix == "svg":
            data = self.svg.encode("utf-8")
        elif suffix in ("png", "pdf"):
            data = render(self.dot, suffix)
        else:
            raise ValueError(f"cannot write a graph as .{suffix}: use .svg, .dot, .png or .pdf")
        with open(path, "wb") as handle:
            handle.write(data)
        return path

    def _repr_svg_(self):
        return self.svg

    def __str__(self):
        return self.dot

    def __repr__(self):
        name = self.trace.name if self.trace is not None else "?"
        return f"<backgen graph of {name}(): .svg, .dot, .save(path)>"


def graph(func, *args, name=None, wrt=None, shapes=None, dout=None, filename=None, **kwargs):
    """The circuit picture of ``func`` at ``args`` (see the module's contract)."""
    if not args and not kwargs:
        raise TypeError("graph(f, *args): give the inputs, as graph(f, -2.0, 5.0, -4.0) or "
                        "graph(f, x=-2.0, y=5.0, z=-4.0)")
    try:
        run = trace(func, args, kwargs, name=name, wrt=wrt, shapes=shapes, dout=dout, filename=filename)
    except BackgenError as exc:
        raise exc.with_traceback(None)
    return Graph(dot_source(run), run)


# --- the dot source -------------------------------------------------------------------------


def _quote(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _names_read(source):
    try:
        node = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        return []
    called = {id(n.func) for n in walk(node) if isinstance(n, ast.Call)}
    names = []
    for n in walk(node):
        if isinstance(n, ast.Name) and id(n) not in called and n.id not in names:
            names.append(n.id)
    return names


def _value_text(value):
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return shape_text(value.shape)
    if isinstance(value, list):
        return f"list of {len(value)}"
    return fmt(value, 3)


def _gradient_text(value):
    if value is None:
        return ""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return f"‖·‖ {fmt(float(np.linalg.norm(value)), 3)}"
    if isinstance(value, list):
        return ""
    return fmt(value, 3)


def _wire_label(name, value, gradient):
    esc = html.escape
    parts = [f'<font point-size="9" color="#57606a">{esc(name)}</font>']
    parts.append(f'<font color="{VALUE_COLOUR}">{esc(_value_text(value))}</font>')
    grad = _gradient_text(gradient)
    if grad:
        parts.append(f'<font color="{GRADIENT_COLOUR}">{esc(grad)}</font>')
    return "<" + "<br/>".join(parts) + ">"


def _sum(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    total = values[0]
    for v in values[1:]:
        try:
            total = total + v
        except (TypeError, ValueError):
            return None
    return total


def dot_source(run):
    """Graphviz source of the circuit of ``run`` (an ``explain.Trace``)."""
    lines = ["digraph backgen {",
             '  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.35, ranksep=0.55, '
             'bgcolor="white", pad=0.2];',
             '  node [fontname="Helvetica", fontsize=14, shape=circle, style=filled, fillcolor="#f6f8fa", '
             'color="#57606a", width=0.5, height=0.5, fixedsize=false, margin=0.04];',
             '  edge [fontname="Helvetica", fontsize=10, color="#57606a", arrowsize=0.6];']
    steps = [s for s in run.forward if isinstance(s, ForwardStep)]
    order = {id(s): k for k, s in enumerate(steps)}
    params = list(run.params)
    used = set()
    for s in steps:
        used.update(_names_read(s.source))
    for output in run.outputs:
        used.update(_names_read(output))
    # inputs, on the left
    lines.append("  subgraph inputs { rank=source;")
    for p in params:
        if p in used:
            gradient = run.gradients.get(p)
            label = (f'<<b>{html.escape(p)}</b><br/><font color="{VALUE_COLOUR}">'
                     f'{html.escape(_value_text(run.args.get(p)))}</font>'
                     + (f'<br/><font color="{GRADIENT_COLOUR}">{html.escape(_gradient_text(gradient))}</font>'
                        if gradient is not None and _gradient_text(gradient) else "") + ">")
            lines.append(f'    {_quote("in_" + p)} [id={_quote("input_" + p)}, shape=plaintext, style="", '
                         f"label={label}];")
    lines.append("  }")
    # gates, with loops and branches as boxes
    clusters = 0
    stack = []
    for item in run.forward:
        if isinstance(item, HeaderStep):
            while stack and stack[-1] >= item.depth:
                stack.pop()
                lines.append("  }")
            clusters += 1
            lines.append(f"  subgraph cluster_{clusters} {{ label={_quote(item.text)}; style=dashed; "
                         'color="#8c959f"; fontcolor="#57606a";')
            stack.append(item.depth)
            continue
        while stack and stack[-1] >= item.depth:
            stack.pop()
            lines.append("  }")
        runs = "" if item.record.count else " (not run)"
        tooltip = f"({item.number}) {item.text}{runs}"
        fill = "#ffffff" if item.record.count == 0 else "#f6f8fa"
        lines.append(f'  {_quote(f"s{item.number}")} [id={_quote(f"gate_{item.number}")}, '
                     f"label={_quote(item.gate.label)}, tooltip={_quote(tooltip)}, fillcolor={_quote(fill)}, "
                     f'xlabel=<<font point-size="8" color="#8c959f">({item.number})</font>>];')
    lines.extend("  }" for _ in stack)
    # wires
    adjoint_of = dict(run.adjoint_of)
    groups = {}
    for b in run.backward:
        if b.kind == "adjoint" and b.number:
            groups.setdefault(b.number, []).append(b)

    def producer(name, before):
        earlier = [s for s in steps if s.target == name and order[id(s)] < before]
        if earlier:
            return f"s{earlier[-1].number}"
        later = [s for s in steps if s.target == name]
        if later:  # a loop's carried value: the wire comes back round
            return f"s{later[-1].number}"
        if name in params:
            return f"in_{name}"
        return None

    def value_of(name, node):
        if node.startswith("in_"):
            return run.args.get(name)
        number = int(node[1:])
        for s in steps:
            if s.number == number:
                return s.record.last
        return run.values.get(name)

    for s in steps:
        for name in _names_read(s.source):
            source_node = producer(name, order[id(s)])
            if source_node is None:
                continue
            adjoint = adjoint_of.get(name, "d" + name)
            branch = _sum([b.record.last for b in groups.get(s.number, []) if b.base == adjoint])
            label = _wire_label(name, value_of(name, source_node), branch)
            lines.append(f"  {_quote(source_node)} -> {_quote(f's{s.number}')} [label={label}];")
    # outputs, on the right
    lines.append("  subgraph outputs { rank=sink;")
    douts = list(run.douts.values())
    for k, (text, value) in enumerate(run.outputs.items()):
        lines.append(f'    {_quote(f"out_{k}")} [id={_quote(f"output_{k}")}, shape=plaintext, style="", '
                     f'label=<<b>{html.escape(text)}</b>>];')
    lines.append("  }")
    for k, (text, value) in enumerate(run.outputs.items()):
        names = _names_read(text)
        source_node = producer(names[0], len(steps)) if len(names) == 1 else None
        if source_node is None:
            continue
        gradient = douts[k] if k < len(douts) else None
        lines.append(f"  {_quote(source_node)} -> {_quote(f'out_{k}')} "
                     f"[label={_wire_label(text, value, gradient)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def svg_texts(svg):
    """The text of every ``<text>`` element of an SVG (for tests and tools)."""
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
