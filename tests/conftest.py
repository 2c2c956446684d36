import importlib.util
import os
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "generated_examples"


def load_module(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def example():
    """Load ``generated_examples/<name>.py`` as a module."""
    return lambda name: load_module(EXAMPLES / f"{name}.py")


def function_source(path, name):
    """The source of the top-level function ``name`` of the file ``path``, read, not imported."""
    import ast
    text = Path(path).read_text(encoding="utf-8")
    found = next(node for node in ast.parse(text).body if isinstance(node, ast.FunctionDef) and node.name == name)
    return ast.get_source_segment(text, found) + "\n"


def student_source(name):
    """The source of the function ``name`` of generated_examples/cs231n_student.py (CS231n code as a
    student writes it: the one copy the tests and benchmarks read), after ``import numpy as np``."""
    return "import numpy as np\n\n\n" + function_source(EXAMPLES / "cs231n_student.py", name)


# --- the real-code corpora and the random-program families: every case, or one in three -------

CORPUS_SHARE = 3  # (a run of the whole suite checks one case in this many of each corpus, by its id)


def pytest_addoption(parser):
    parser.addoption("--every-case", action="store_true",
                     help="check every case of the real-code corpora (tests/*_hunt.py) and of the random-program "
                          "families (tests marked sampled): a run of the whole suite checks one in three of "
                          "their parametrized cases, chosen by id; and generate every text the tests check "
                          "twice (numeric.same_again)")


def pytest_configure(config):
    config.addinivalue_line("markers", "sampled: a family of random programs (one case per seed or index), of "
                                       "which a run of the whole suite checks one case in three; --every-case "
                                       "checks them all")
    if config.getoption("--every-case"):  # (read by numeric.same_again too, in every worker)
        os.environ["BACKGEN_EVERY_CASE"] = "1"


def pytest_collection_modifyitems(config, items):
    """The corpora of real code (``*_hunt.py``: each program checked by generate without shapes, with
    them, and by the decorator) and the families of random programs (tests marked ``sampled``: one
    case per seed, each program checked against central differences) are the larger part of the
    suite's time.  A run of the whole suite checks a fixed third of their parametrized cases (the
    same third every run, by a hash of the test's id); their other tests always run.
    ``--every-case`` (or ``BACKGEN_EVERY_CASE=1``), or naming the file, checks every case; the long
    runs of the generators are ``benchmarks/fuzz_*.py``."""
    if config.getoption("--every-case") or os.environ.get("BACKGEN_EVERY_CASE"):
        return
    named = {Path(arg.split("::")[0]).resolve() for arg in config.args}
    kept, left = [], []
    for item in items:
        family = item.path.name.endswith("_hunt.py") or item.get_closest_marker("sampled") is not None
        sampled = family and "[" in item.nodeid and item.path not in named
        (left if sampled and zlib.crc32(item.nodeid.encode()) % CORPUS_SHARE else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
