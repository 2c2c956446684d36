"""The benchmark commands keep running: each in its quick mode exits 0 and prints its table.

No timing is checked here (the figures belong to the benchmarks); the benchmarks
themselves check every generated gradient against the hand-written one before
timing it, and exit 1 when one disagrees.
"""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def run(script, *args):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_run_all_quick_prints_every_workload():
    out = run("run_all.py", "--quick", "--no-layers")  # (the layers' table: bench_layers, below)
    assert "BLAS threads: OPENBLAS_NUM_THREADS=1" in out
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("workload"))
    assert header.split()[1:4] == ["hand", "gen", "gen/hand"]
    for name in ("scalar circuit", "scalar neuron", "scalar staged", "scalar max_gate", "wx_norm n=2",
                 "wx_norm n=64", "seed two_layer", "softmax_net", "batchnorm"):
        row = next((line for line in lines if line.startswith(name)), None)
        assert row is not None, f"no row for {name}:\n{out}"
        ratio = float(row[34:].split()[2])  # gen/hand, a number
        assert ratio > 0
    if (ROOT / "benchmarks" / "bench_loops.py").exists():
        assert "bench_loops.py not found" not in out
        assert any(line.startswith("rnn") for line in lines), out
    assert "worst gen/hand:" in out


def test_bench_layers_quick_prints_its_rows():
    # (the layers whose name holds "affine": generating every layer, naive loops included, takes seconds)
    out = run("bench_layers.py", "--quick", "--only", "affine")
    lines = out.splitlines()
    for name in ("affine small", "temporal affine small"):
        row = next((line for line in lines if line.startswith(name)), None)
        assert row is not None, f"no row for {name}:\n{out}"
        assert float(row[28:].split()[4]) > 0  # gen/hand, a number
    assert "worst layer gen/hand:" in out


def test_bench_generation_quick_prints_sizes_and_nests():
    out = run("bench_generation.py", "--quick")
    assert "decorator, seed two_layer net" in out
    lines = out.splitlines()
    for kind in ("scalar", "numpy"):
        assert any(line.split()[:2] == [kind, "10"] for line in lines), out
        assert any(line.startswith(f"{kind} nest") and "depth 2" in line for line in lines), out
