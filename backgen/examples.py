"""The learning view of the seed's worked examples 1, 3 and 4, kept in ``generated_examples/``.

Regenerate them with::

    python -m backgen.examples            # writes NAME_explain.txt, NAME_graph.svg, NAME_page.html
    python -m backgen.examples --check    # exit status 1 if an explanation is out of date

for NAME in circuit (f = (x + y) z at x=-2, y=5, z=-4), sigmoid_neuron (at
w = [2, -3, -3], x = [-1, -2]) and staged (at x=3, y=-4).  The SVG and the
page embed Graphviz's drawing, which differs slightly between Graphviz
versions, so ``--check`` compares the explanations only.
"""

import argparse
import sys
from pathlib import Path

from .explain import Explanation, trace
from .graph import Graph, dot_source
from .page import render_page

DIRECTORY = Path(__file__).resolve().parent.parent / "generated_examples"

# name -> (forward file, function, inputs): the seed's own numbers
EXAMPLES = {
    "circuit": ("circuit.py", "circuit", {"x": -2.0, "y": 5.0, "z": -4.0}),
    "sigmoid_neuron": ("sigmoid_neuron.py", "neuron", {"w0": 2.0, "w1": -3.0, "w2": -3.0, "x0": -1.0, "x1": -2.0}),
    "staged": ("staged.py", "staged", {"x": 3.0, "y": -4.0}),
}


def _trace(name, directory=DIRECTORY):
    filename, function, inputs = EXAMPLES[name]
    text = (Path(directory) / filename).read_text(encoding="utf-8")
    return trace(text, (), inputs, name=function, filename=filename)


def explanation_text(name, directory=DIRECTORY):
    return str(Explanation(_trace(name, directory)))


def example_graph(name, directory=DIRECTORY):
    run = _trace(name, directory)
    return Graph(dot_source(run), run)


def example_page(name, directory=DIRECTORY):
    return render_page(_trace(name, directory))


def command(name):
    filename, function, inputs = EXAMPLES[name]
    at = ",".join(f"{k}={v:g}" for k, v in inputs.items())
    return f"backgen explain {filename} --function {function} --at {at}"


def write(directory=DIRECTORY, names=None):
    """Write every example's explanation, picture and page; return the paths written."""
    written = []
    for name in names or EXAMPLES:
        base = Path(directory) / name
        paths = {
            "explain": base.with_name(f"{name}_explain.txt"),
            "graph": base.with_name(f"{name}_graph.svg"),
            "page": base.with_name(f"{name}_page.html"),
        }
        paths["explain"].write_text(explanation_text(name, directory), encoding="utf-8")
        paths["graph"].write_text(example_graph(name, directory).svg, encoding="utf-8")
        paths["page"].write_text(example_page(name, directory), encoding="utf-8")
        written += list(paths.values())
    return written


def stale(directory=DIRECTORY):
    """The explanation files that differ from what backgen writes now."""
    found = []
    for name in EXAMPLES:
        path = Path(directory) / f"{name}_explain.txt"
        if not path.exists() or path.read_text(encoding="utf-8") != explanation_text(name, directory):
            found.append(path)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m backgen.examples",
                                     description="Regenerate the learning view of the seed's examples.")
    parser.add_argument("--check", action="store_true", help="only check that the explanations are up to date")
    parser.add_argument("--directory", default=str(DIRECTORY), help="where the examples live")
    args = parser.parse_args(argv)
    if args.check:
        old = stale(args.directory)
        for path in old:
            print(f"out of date: {path} (run python -m backgen.examples)", file=sys.stderr)
        return 1 if old else 0
    for path in write(args.directory):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
