"""backgen.graph and `backgen graph`: the circuit picture, checked in the SVG Graphviz draws."""

import importlib
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import backgen
from backgen.cli import main
from backgen.graph import GRADIENT_COLOUR, VALUE_COLOUR, GraphvizMissing

from conftest import EXAMPLES

graph_module = importlib.import_module("backgen.graph")  # backgen.graph is the function

needs_dot = pytest.mark.skipif(not graph_module.dot_available(),
                               reason="Graphviz's dot is not installed (apt-get install graphviz; .ci/run does)")

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    """``(nodes, edges)``: per node title its texts; per edge title its (text, fill) pairs."""
    root = ET.fromstring(svg)
    nodes, edges = {}, {}
    for group in root.iter(f"{SVG}g"):
        kind = group.get("class")
        title = group.find(f"{SVG}title")
        if title is None or kind not in ("node", "edge"):
            continue
        texts = [(t.text or "", t.get("fill")) for t in group.iter(f"{SVG}text")]
        if kind == "node":
            nodes[title.text] = [text for text, _ in texts]
        else:
            edges[title.text.replace("->", "→")] = texts
    return nodes, edges


def wire(edges, source, target):
    texts = edges[f"{source}→{target}"]
    name = texts[0][0]
    values = [t for t, fill in texts if fill == VALUE_COLOUR]
    gradients = [t for t, fill in texts if fill == GRADIENT_COLOUR]
    return name, values, gradients


@needs_dot
def test_circuit_svg_has_every_gate_and_wire(example):
    picture = backgen.graph(example("circuit").circuit, -2.0, 5.0, -4.0)
    nodes, edges = parse(picture.svg)
    assert "+" in nodes["s1"] and "×" in nodes["s2"]
    assert nodes["in_x"] == ["x", "-2", "-4"] and nodes["in_z"] == ["z", "-4", "3"]
    assert wire(edges, "in_x", "s1") == ("x", ["-2"], ["-4"])
    assert wire(edges, "in_y", "s1") == ("y", ["5"], ["-4"])
    assert wire(edges, "s1", "s2") == ("q", ["3"], ["-4"])
    assert wire(edges, "in_z", "s2") == ("z", ["-4"], ["3"])
    assert wire(edges, "s2", "out_0") == ("f", ["-12"], ["1"])
    assert len(edges) == 5
    assert picture._repr_svg_() == picture.svg


@needs_dot
def test_sigmoid_neuron_svg(example):
    picture = backgen.graph(example("sigmoid_neuron").neuron, 2.0, -3.0, -3.0, -1.0, -2.0)
    nodes, edges = parse(picture.svg)
    assert "σ" in nodes["s4"] and "+" in nodes["s3"]
    assert wire(edges, "s3", "s4") == ("dot", ["1"], ["0.197"])
    assert wire(edges, "in_w0", "s1") == ("w0", ["2"], ["-0.197"])
    assert wire(edges, "in_x1", "s2") == ("x1", ["-2"], ["-0.59"])
    assert wire(edges, "in_w2", "s3") == ("w2", ["-3"], ["0.197"])
    assert wire(edges, "s4", "out_0") == ("f", ["0.731"], ["1"])


@needs_dot
def test_staged_svg_splits_the_gradient_between_branches(example):
    picture = backgen.graph(example("staged").staged, 3.0, -4.0)
    nodes, edges = parse(picture.svg)
    gates = {title: texts for title, texts in nodes.items() if title.startswith("s")}
    assert len(gates) == 8
    assert {texts[0] for texts in gates.values()} == {"σ", "+", "x²", "1/x", "×"}
    branches = [float(wire(edges, "in_x", gate)[2][0]) for gate in ("s2", "s3", "s4")]
    assert sum(branches) == pytest.approx(2.06, abs=0.01)  # the branches add up at x
    assert nodes["in_x"][2] == "2.06"


@needs_dot
def test_two_layer_net_shows_shapes(example):
    net = example("two_layer_net").two_layer_net
    rng = np.random.default_rng(0)
    picture = backgen.graph(net, rng.standard_normal((8, 20)), rng.standard_normal((8, 3)),
                            rng.standard_normal((20, 6)), rng.standard_normal((6, 3)))
    nodes, edges = parse(picture.svg)
    assert wire(edges, "in_x", "s1")[1] == ["(8, 20)"]
    assert any("σ" in texts for texts in nodes.values())
    assert nodes["in_w1"][1] == "(20, 6)"


def test_dot_source_and_missing_graphviz(example, monkeypatch, tmp_path):
    picture = backgen.graph(example("circuit").circuit, x=-2.0, y=5.0, z=-4.0)
    assert picture.dot.startswith("digraph backgen {") and "rankdir=LR" in picture.dot
    picture.save(tmp_path / "circuit.dot")
    assert (tmp_path / "circuit.dot").read_text() == picture.dot
    monkeypatch.setattr(graph_module.shutil, "which", lambda name: None)
    fresh = backgen.graph(example("circuit").circuit, -2.0, 5.0, -4.0)
    with pytest.raises(GraphvizMissing, match="apt-get install graphviz"):
        fresh.svg
    assert main(["graph", str(EXAMPLES / "circuit.py"), "--at", "x=-2,y=5,z=-4",
                 "-o", str(tmp_path / "c.svg")]) == 1
    assert not (tmp_path / "c.svg").exists()


@needs_dot
def test_command_line_graph(tmp_path, capsys):
    out = tmp_path / "circuit.svg"
    assert main(["graph", str(EXAMPLES / "circuit.py"), "--function", "circuit", "--at", "x=-2,y=5,z=-4",
                 "-o", str(out)]) == 0
    nodes, edges = parse(out.read_text())
    assert wire(edges, "s1", "s2") == ("q", ["3"], ["-4"])
    assert main(["graph", str(EXAMPLES / "circuit.py"), "--at", "x=-2,y=5,z=-4"]) == 0
    assert "<svg" in capsys.readouterr().out
    assert main(["graph", str(EXAMPLES / "circuit.py"), "--at", "x=-2,y=5,z=-4",
                 "-o", str(tmp_path / "c.dot")]) == 0
    assert (tmp_path / "c.dot").read_text().startswith("digraph")
