import importlib.util
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
