"""A helper writing into the arrays it is given, called by another helper: written out where it is
called, as it is where the function differentiated calls it (a fluid simulation's ``project(vx, vy)``
doing ``vx -= ...`` and returning them, called in ``simulate``, itself called by the objective).  The
write is then the calling helper's own, into its own arrays; into one of its parameters, it is refused
as any helper's write into what it is given.  Gradients against central differences."""

import numpy as np
import pytest

import backgen
from numeric import finite_differences, imported

FLUID = '''
import numpy as np


def project(vx, vy):
    """Make the velocity field closer to divergence free (Jacobi sweeps), in place."""
    p = np.zeros(vx.shape)
    div = -0.5 * (np.roll(vx, -1, axis=0) - np.roll(vx, 1, axis=0) + np.roll(vy, -1, axis=1) - np.roll(vy, 1, axis=1))
    for k in range(4):
        p = (div + np.roll(p, 1, axis=0) + np.roll(p, -1, axis=0) + np.roll(p, 1, axis=1) + np.roll(p, -1, axis=1)) / 4.0
    vx -= 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0))
    vy -= 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1))
    return vx, vy


def simulate(vx, vy, smoke, steps):
    for t in range(steps):
        vx_next = vx * 0.9 + 0.1 * np.roll(vy, 1, axis=0)
        vy_next = vy * 0.9 - 0.1 * np.roll(vx, 1, axis=1)
        vx, vy = project(vx_next, vy_next)
        smoke = smoke + 0.2 * (vx * np.roll(smoke, 1, axis=0) + vy * np.roll(smoke, 1, axis=1))
    return smoke


def objective(vx, vy, smoke, target):
    final = simulate(vx, vy, smoke, 3)
    return np.mean((target - final) ** 2)
'''

RNG = np.random.default_rng(5)
ARGS = [RNG.uniform(-0.4, 0.4, (4, 5)), RNG.uniform(-0.4, 0.4, (4, 5)), RNG.uniform(0, 1, (4, 5)),
        RNG.uniform(0, 1, (4, 5))]


@pytest.mark.parametrize("shapes", [{name: (4, 5) for name in ("vx", "vy", "smoke", "target")}, None],
                         ids=["shapes", "generic"])
def test_a_helper_s_helper_writing_into_its_arrays(shapes):
    namespace, generated = {}, {}
    exec(FLUID, namespace)
    exec(backgen.generate(FLUID, name="objective", shapes=shapes), generated)
    got = generated["objective_backward"](*[a.copy() for a in ARGS], 0.7)
    want = finite_differences(namespace["objective"], ARGS, range(4), (0.7,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-9)


def test_the_decorator_writes_it_out_too():
    space = imported(FLUID, "helper_writes")
    f = backgen.backward(space["objective"])
    got = f.backward(*[a.copy() for a in ARGS])
    want = finite_differences(space["objective"], ARGS, range(4), (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-9)


def test_a_write_into_the_calling_helper_s_own_parameter_is_refused():
    # simulate passes its own parameters: written out there, the write is into what simulate was given, in
    # the first iteration (the objective's arrays), into simulate's own after: simulate written out in the
    # objective in turn, the loop's first iteration changes the objective's vx, which is refused
    source = FLUID.replace("vx, vy = project(vx_next, vy_next)", "vx, vy = project(vx, vy)")
    with pytest.raises(backgen.BackgenError, match="'vx_simulate' shares its array with 'vx' as this loop "
                                                   "starts, and the loop writes into vx_simulate"):
        backgen.generate(source, name="objective", shapes={n: (4, 5) for n in ("vx", "vy", "smoke", "target")})
