"""One self-contained HTML page: the forward, the staged forward and the backward, linked.

Contract: ``page(f, *args, ...) -> Page`` runs ``explain.trace`` and renders
``templates/page.html.j2`` into one file that needs no server and no network
(styles, script and the SVG picture are inline): three panes side by side,
the user's forward source, the staged forward with each line's value and the
generated backward with each statement's value.  Every line carries
``data-step`` (the staged line it computes or undoes) and ``data-user`` (the
line of the user's function it comes from); hovering or clicking a line
highlights the lines linked to it in every pane, in the table of numbers and
in the picture.  ``Page.html`` is the text; ``Page.save(path)`` writes it; in
Jupyter a Page shows itself inline.

``highlight_lines(text)`` is the small syntax highlighter used for the panes
and for notebooks (Python's own tokenizer; no dependency).
"""

import functools
import html
import io
import keyword
import re
import token
import tokenize
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import emit
from .errors import BackgenError
from .explain import Explanation, ForwardStep, fmt, html_table, trace
from .graph import GraphvizMissing, dot_source, inline_svg, render

_HERE = Path(__file__).resolve().parent
TEMPLATE_DIRS = [str(_HERE / "templates"), str(_HERE.parent / "templates")]
BUILTINS = {"abs", "max", "min", "pow", "sum", "len", "range", "reversed", "int", "float", "list", "print"}


@functools.lru_cache(maxsize=None)
def _environment():
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIRS), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


# --- highlighting ---------------------------------------------------------------------------


def highlight_lines(text):
    """``text`` as a list of HTML strings, one per line, with ``<span class="...">`` for keywords
    (``kw``), names being defined (``def``), builtins (``bi``), numbers (``num``), strings (``str``)
    and comments (``com``)."""
    lines = text.split("\n")
    out = [[] for _ in lines]
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return [html.escape(line) for line in lines]
    row, col = 1, 0
    previous = None

    def emit_text(piece, cls, start_row, start_col):
        nonlocal row, col
        parts = piece.split("\n")
        for k, part in enumerate(parts):
            r = start_row + k
            if r - 1 >= len(out):
                break
            escaped = html.escape(part)
            out[r - 1].append(f'<span class="{cls}">{escaped}</span>' if cls and part else escaped)
        row = start_row + len(parts) - 1
        col = (start_col + len(parts[0])) if len(parts) == 1 else len(parts[-1])

    for tok in tokens:
        if tok.type in (token.ENDMARKER, token.NEWLINE, token.NL, token.INDENT, token.DEDENT):
            if tok.type in (token.NEWLINE, token.NL):
                previous = None
            continue
        (start_row, start_col), (end_row, end_col) = tok.start, tok.end
        if start_row == row and start_col > col:
            line = lines[row - 1]
            out[row - 1].append(html.escape(line[col:start_col]))
        elif start_row > row:
            line = lines[start_row - 1]
            out[start_row - 1].append(html.escape(line[:start_col]))
        cls = ""
        if tok.type == token.NAME:
            if keyword.iskeyword(tok.string):
                cls = "kw"
            elif previous is not None and previous.string in ("def", "class"):
                cls = "def"
            elif tok.string in BUILTINS:
                cls = "bi"
        elif tok.type == token.NUMBER:
            cls = "num"
        elif tok.type == token.STRING or tok.type == getattr(token, "FSTRING_START", -1):
            cls = "str"
        elif tok.type == token.COMMENT:
            cls = "com"
        emit_text(tok.string, cls, start_row, start_col)
        row, col = end_row, end_col
        previous = tok
    for k, line in enumerate(lines):  # whatever the tokens left (trailing spaces)
        rendered = re.sub(r"<[^>]+>", "", "".join(out[k]))
        if len(html.unescape(rendered)) < len(line):
            out[k].append(html.escape(line[len(html.unescape(rendered)):]))
    return ["".join(parts) for parts in out]


def highlighted_html(text):
    """A ``<pre>`` of highlighted Python, with its styles (for notebooks)."""
    body = "\n".join(highlight_lines(text.rstrip("\n")))
    return (f"<style>{NOTEBOOK_STYLE}</style>"
            f'<pre class="backgen-code">{body}</pre>')


NOTEBOOK_STYLE = (".backgen-code{background:#f6f8fa;padding:8px;border-radius:6px;font-size:12px;"
                  "line-height:1.4}.backgen-code .kw{color:#cf222e}.backgen-code .def{color:#8250df}"
                  ".backgen-code .bi{color:#953800}.backgen-code .num{color:#0550ae}"
                  ".backgen-code .str{color:#0a3069}.backgen-code .com{color:#6e7781;font-style:italic}")


# --- the page -------------------------------------------------------------------------------


class Page:
    """The page's HTML (``.html``), ``save(path)``; inline in Jupyter."""

    def __init__(self, text, explanation):
        self.html = text
        self.explanation = explanation

    def save(self, path):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(self.html)
        return str(path)

    def _repr_html_(self):
        return self.html

    def __str__(self):
        return self.html

    def __repr__(self):
        return f"<backgen page of {self.explanation.call_text()}: .html, .save(path)>"


def page(func, *args, name=None, wrt=None, shapes=None, dout=None, filename=None, **kwargs):
    """The linked page of ``func`` at ``args`` (see the module's contract)."""
    if not args and not kwargs:
        raise TypeError("page(f, *args): give the inputs, as page(f, -2.0, 5.0, -4.0)")
    try:
        run = trace(func, args, kwargs, name=name, wrt=wrt, shapes=shapes, dout=dout, filename=filename)
    except BackgenError as exc:
        raise exc.with_traceback(None)
    return Page(render_page(run), Explanation(run))


def _user_pane(run):
    steps_of = {}
    for step in run.forward:
        if isinstance(step, ForwardStep) and step.user_line:
            steps_of.setdefault(step.user_line, []).append(step.number)
    lines = []
    source = run.user_source or []
    for k, text in enumerate(highlight_lines("\n".join(source))):
        number = run.user_first + k
        lines.append({"number": number, "html": text, "user": number if number in steps_of else "",
                      "step": "", "value": "", "steps": " ".join(map(str, steps_of.get(number, [])))})
    return lines


def _staged_pane(run, explanation):
    lines = []
    texts = []
    for number, code, value, _, depth, step in explanation.forward_rows():
        texts.append("    " * depth + code)
    highlighted = highlight_lines("\n".join(texts))
    for (number, code, value, _, depth, step), text in zip(explanation.forward_rows(), highlighted):
        if isinstance(step, ForwardStep):
            lines.append({"number": step.number, "html": text, "step": step.number,
                          "user": step.user_line or "", "value": value.split(" = ", 1)[-1] if value else "",
                          "steps": ""})
        else:
            lines.append({"number": "", "html": text, "step": "", "user": "", "value": "", "steps": ""})
    return lines


def _backward_pane(run):
    text = emit.function_source(run.main).rstrip("\n")
    raw = text.split("\n")
    highlighted = highlight_lines(text)
    user_of = {s.number: s.user_line for s in run.forward if isinstance(s, ForwardStep)}
    value_of = {s.number: s for s in run.forward if isinstance(s, ForwardStep)}
    expected = [s for s in run.backward]
    position = 0
    in_backward = False
    lines = []
    for k, (line, shown) in enumerate(zip(raw, highlighted)):
        stripped = line.strip()
        entry = {"number": k + 1, "html": shown, "step": "", "user": "", "value": "", "steps": "", "kind": ""}
        if stripped == "# backward pass":
            in_backward = True
        elif not in_backward:
            match = re.search(r"#\s*\((\d+)\)\s*$", line)
            if match:
                number = int(match.group(1))
                entry["step"] = number
                entry["user"] = user_of.get(number) or ""
                if number in value_of and value_of[number].record.count:
                    entry["value"] = fmt(value_of[number].record.last)
                    entry["kind"] = "fwd"
        else:
            for look in range(position, min(position + 4, len(expected))):
                step = expected[look]
                if _step_line(step) == stripped:
                    position = look + 1
                    if step.number:
                        entry["step"] = step.number
                        entry["user"] = user_of.get(step.number) or ""
                    if step.kind in ("adjoint",) and step.record.count:
                        entry["value"] = fmt(step.total_record.last if step.accumulate and "[" not in step.target
                                             else step.record.last)
                    break
        lines.append(entry)
    return lines


def _step_line(step):
    if step.kind == "group":
        return f"# ({step.number}) {step.source}" if step.number else f"# {step.source}"
    return step.text


def render_page(run):
    """The page's HTML for ``run`` (an ``explain.Trace``)."""
    explanation = Explanation(run)
    try:
        svg = inline_svg(render(dot_source(run), "svg").decode("utf-8"))
        picture_note = ""
    except GraphvizMissing as exc:
        svg, picture_note = "", str(exc)
    template = _environment().get_template("page.html.j2")
    grads = ", ".join(f"{run.adjoint_of.get(k, 'd' + k)} = {fmt(v)}" for k, v in run.gradients.items())
    return template.render(
        title=explanation.call_text(),
        name=run.name,
        user=_user_pane(run),
        staged=_staged_pane(run, explanation),
        backward=_backward_pane(run),
        svg=Markup(svg),
        picture_note=picture_note,
        table=Markup(html_table(explanation, link=True)),
        outputs=", ".join(f"{k} = {fmt(v)}" for k, v in run.outputs.items()),
        douts=", ".join(f"{k} = {fmt(v)}" for k, v in run.douts.items()),
        gradients=grads,
        markup=Markup,
    )
