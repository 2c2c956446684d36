"""Array manipulation as simulations and image processing write it: stencils by slicing, time steps
in loops, np.roll, np.pad, np.diff, convolutions, advection by interpolation (autograd's fluid
simulation), pooling, flips and rotations, tiles and repeats.

Each case is checked against central finite differences in float64 (``numeric``) with respect to its
float parameters, by ``backgen.generate`` (shapes as the source declares them, as ``shapes=`` gives
them, or none) and by the decorator, or asserted refused with a ``BackgenError`` and part of its
message.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences, fresh_args, imported, same_again

RNG = np.random.default_rng(17)


def _floats(args):
    return [k for k, a in enumerate(args)
            if isinstance(a, float) or isinstance(a, np.ndarray) and a.dtype.kind == "f"]


def _module(source):
    """The functions of ``source``, imported from a file of their own (the decorator reads the source)."""
    return imported(textwrap.dedent(source), "stencil_hunt")


def gradients(source, args, dout=1.0, name="f", shapes=None):
    """The gradients ``generate`` writes (for the float parameters) and central differences of them
    (``dout`` passed by name: the parameters may have defaults); ``dout`` is left alone too."""
    source = textwrap.dedent(source)
    func = _module(source)[name]
    kwargs = {} if shapes is None else {"shapes": shapes}
    text = backgen.generate(source, name=name, **kwargs)
    same_again(text, lambda: backgen.generate(source, name=name, **kwargs))
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    copies, dcopy = fresh_args(args), fresh_args([dout])
    got = generated[f"{name}_backward"](*copies, dout=dcopy[0])
    for before, after in zip(args + [dout], copies + dcopy):
        if isinstance(before, np.ndarray):
            np.testing.assert_array_equal(before, after, err_msg="the backward modified its arguments")
    wrt = _floats(args)
    want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), wrt, (dout,))
    return (got if len(wrt) > 1 else (got,)), want


def decorated(source, args, dout=1.0, name="f"):
    """The gradients the decorator gives (for the float parameters) and central differences of them."""
    func = _module(source)[name]
    wrt = _floats(args)
    got = backgen.backward(func).backward(*fresh_args(args), dout=dout)
    want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), wrt, (dout,))
    return (got if len(wrt) > 1 else (got,)), want


def _compare(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w), f"gradient shape {np.shape(g)}, expected {np.shape(w)}"
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def assert_right(source, args, dout=1.0, name="f", shapes=None, decorator=True):
    _compare(*gradients(source, args, dout, name, shapes))
    if decorator:
        _compare(*decorated(source, args, dout, name))


def assert_refused(source, args, match, name="f", shapes=None):
    with pytest.raises(backgen.BackgenError, match=match):
        gradients(source, args, name=name, shapes=shapes)


# --- a helper writing into its parameter (autograd's fluid simulation: vx -= ... in project) -----------

FLUID = '''
import numpy as np

def project(vx, vy):
    """Project the velocity field to be approximately mass-conserving,
       using a few iterations of Gauss-Seidel."""
    p = np.zeros(vx.shape)
    h = 1.0/vx.shape[0]
    div = -0.5 * h * (np.roll(vx, -1, axis=0) - np.roll(vx, 1, axis=0)
                    + np.roll(vy, -1, axis=1) - np.roll(vy, 1, axis=1))

    for k in range(4):
        p = (div + np.roll(p, 1, axis=0) + np.roll(p, -1, axis=0)
                 + np.roll(p, 1, axis=1) + np.roll(p, -1, axis=1))/4.0

    vx -= 0.5*(np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0))/h
    vy -= 0.5*(np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1))/h
    return vx, vy

def advect(f, vx, vy):
    """Move field f according to x and y velocities (u and v)
       using an implicit Euler integrator."""
    rows, cols = f.shape
    cell_ys, cell_xs = np.meshgrid(np.arange(rows), np.arange(cols))
    center_xs = (cell_xs - vx).ravel()
    center_ys = (cell_ys - vy).ravel()

    # Compute indices of source cells.
    left_ix = np.floor(center_xs).astype(int)
    top_ix  = np.floor(center_ys).astype(int)
    rw = center_xs - left_ix              # Relative weight of right-hand cells.
    bw = center_ys - top_ix               # Relative weight of bottom cells.
    left_ix  = np.mod(left_ix,     rows)  # Wrap around edges of simulation.
    right_ix = np.mod(left_ix + 1, rows)
    top_ix   = np.mod(top_ix,      cols)
    bot_ix   = np.mod(top_ix  + 1, cols)

    # A linearly-weighted sum of the 4 surrounding cells.
    flat_f = (1 - rw) * ((1 - bw)*f[left_ix,  top_ix] + bw*f[left_ix,  bot_ix]) \\
                 + rw * ((1 - bw)*f[right_ix, top_ix] + bw*f[right_ix, bot_ix])
    return np.reshape(flat_f, (rows, cols))

def simulate(vx, vy, smoke, num_time_steps=2):
    for t in range(num_time_steps):
        vx_updated = advect(vx, vx, vy)
        vy_updated = advect(vy, vx, vy)
        vx, vy = project(vx_updated, vy_updated)
        smoke = advect(smoke, vx, vy)
    return smoke
'''


def _fluid_args():
    return [0.01 * RNG.normal(size=(5, 5)), 0.01 * RNG.normal(size=(5, 5)), RNG.normal(size=(5, 5))]


def test_autograd_fluid_simulation_without_shapes():
    # project's vx -= ... writes into the array its caller passes: written where it is called without
    # shapes too (was refused as a write across calls)
    assert_right(FLUID, _fluid_args(), RNG.normal(size=(5, 5)), name="simulate", decorator=False)


def test_autograd_fluid_simulation_by_the_decorator():
    # the caller never names np, which the helper written into it reads (was refused: "unknown function
    # 'np.zeros'", then as a write across calls)
    _compare(*decorated(FLUID, _fluid_args(), RNG.normal(size=(5, 5)), name="simulate"))


def test_autograd_fluid_simulation_with_shapes():
    shapes = {"vx": "5, 5", "vy": "5, 5", "smoke": "5, 5"}
    _compare(*gradients(FLUID, _fluid_args(), RNG.normal(size=(5, 5)), name="simulate", shapes=shapes))


HEAT_STEP = '''
import numpy as np

def heat_step(u, alpha):
    un = u.copy()
    u[1:-1] = un[1:-1] + alpha * (un[2:] - 2 * un[1:-1] + un[:-2])
    return u

def f(u0, alpha, steps=3):
    u = u0.copy()
    for n in range(steps):
        u = heat_step(u, alpha)
    return u * u0
'''


def test_a_time_step_helper_writing_into_its_parameter_every_way():
    assert_right(HEAT_STEP, [RNG.normal(size=7), 0.2], RNG.normal(size=7))


def test_a_helper_reading_np_where_its_caller_reads_no_numpy_by_the_decorator():
    _compare(*decorated('''
        import numpy as np

        def smooth_(v):
            v -= 0.25 * np.roll(v, 1)
            return v

        def f(x):
            y = x * 2.0
            smooth_(y)
            return y * x
    ''', [RNG.normal(size=6)], RNG.normal(size=6)))


# --- np.meshgrid(..., sparse=True): each input's part of the grid -----------------------------------


def test_a_sparse_meshgrid_of_two_vectors():
    # was refused as an error in backgen (the result's shape stated as the full grid's)
    assert_right('''
        import numpy as np

        def f(a, b):
            A, B = np.meshgrid(a, b, sparse=True)
            return np.exp(-(A ** 2 + B ** 2)) * np.arange(12.0).reshape(4, 3)
    ''', [RNG.normal(size=3), RNG.normal(size=4)], RNG.normal(size=(4, 3)), shapes={"a": "3", "b": "4"})


def test_a_sparse_meshgrid_of_three_vectors_ij():
    assert_right('''
        import numpy as np

        def f(a: "2", b: "3", c: "4"):
            A, B, C = np.meshgrid(a, b, c, sparse=True, indexing='ij')
            return np.sin(A + B * C)
    ''', [RNG.normal(size=2), RNG.normal(size=3), RNG.normal(size=4)], RNG.normal(size=(2, 3, 4)))


def test_a_meshgrid_of_views_is_refused():
    assert_refused('''
        import numpy as np

        def f(a: "3", b: "4"):
            A, B = np.meshgrid(a, b, copy=False)
            return A * B
    ''', [RNG.normal(size=3), RNG.normal(size=4)], "np.meshgrid is differentiated with copy=True")


# --- a helper called in the index of the array a statement writes into ------------------------------


def test_a_helper_giving_the_boundary_indices_called_in_a_write():
    # was refused, pointing at the helper: "wrt must name each parameter at most once, and at least one"
    assert_right('''
        import numpy as np

        def boundary():
            return [0, 4]

        def f(x):
            u = x.copy()
            u[boundary()] = 0.0
            return u * np.arange(5.0)
    ''', [RNG.normal(size=5)], RNG.normal(size=5))


def test_a_helper_of_an_integer_called_in_an_op_write_after_the_value_it_reads():
    # u[wrap(k)] += ...: the index is evaluated before the value; u[pick(...)] = x @ W: after it
    assert_right('''
        import numpy as np

        def wrap(i, n):
            return i % n

        def f(x, W, k=7):
            u = np.zeros((5, 3))
            u[wrap(k, 5)] += x @ W
            u[wrap(k + 1, 5)] = x @ W * 2.0
            return u
    ''', [RNG.normal(size=4), RNG.normal(size=(4, 3))], RNG.normal(size=(5, 3)))


# --- boundary conditions written into several items at once (u[0] = u[-1] = ...) ---------------------


def test_ends_set_from_an_inner_value_in_one_assignment():
    # was refused: "an assignment to several targets is followed where the first is a name"
    assert_right('''
        import numpy as np

        def f(x):
            u = x.copy()
            u[0] = u[-1] = u[2] * 0.5
            return u * np.arange(5.0)
    ''', [RNG.normal(size=5)], RNG.normal(size=5), shapes={"x": "5"})


def test_ghost_rows_copied_from_the_first_inner_row_in_a_time_loop():
    # rows: the value u[1] is one object, written into both targets as it was (NumPy copies it in)
    assert_right('''
        import numpy as np

        def f(u0: "5, 4", a: float):
            u = u0.copy()
            for t in range(2):
                u[1:-1] = u[1:-1] + a * (u[2:] - 2 * u[1:-1] + u[:-2])
                u[0] = u[-1] = u[1]
            return u
    ''', [RNG.normal(size=(5, 4)), 0.2], RNG.normal(size=(5, 4)))


def test_several_targets_of_an_expression_are_each_given_its_value():
    assert_right('''
        import numpy as np

        def f(x: "4, 3", v: "3"):
            c = x * 1.0
            c[0] = c[2] = np.tanh(v) * c[1]
            return c * x
    ''', [RNG.normal(size=(4, 3)), RNG.normal(size=3)], RNG.normal(size=(4, 3)))


# --- named sizes fitted to the code: slices of one element at small sizes ------------------------------


@pytest.mark.parametrize("shapes", [{"x": "H, W"}, {"x": "N, M"}])
def test_pooling_by_strided_slices_of_named_sizes(shapes):
    # the sizes were fitted to 3 rows, where x[1::2] is one row broadcast against x[::2]'s two: the
    # backward summed its gradient over the rows (wrong at 4 rows); sizes the steps divide are tried first
    assert_right('''
        import numpy as np

        def f(x):
            return (x[::2, ::2] + x[1::2, ::2] + x[::2, 1::2] + x[1::2, 1::2]) / 4
    ''', [RNG.normal(size=(4, 6))], RNG.normal(size=(2, 3)), shapes=shapes, decorator=False)


def test_max_pooling_by_strided_slices_of_named_sizes():
    assert_right('''
        import numpy as np

        def f(x: "H, W"):
            return np.maximum(np.maximum(x[::2, ::2], x[1::2, ::2]), np.maximum(x[::2, 1::2], x[1::2, 1::2]))
    ''', [RNG.normal(size=(4, 6))], RNG.normal(size=(2, 3)), decorator=False)


def test_a_slice_of_one_element_at_the_fitted_size_is_refused():
    # x: "N" fitted to 3, where x[:-2] has one element, broadcast against np.arange(4.0): the backward
    # summed the gradient into it (wrong at N = 6, where the forward runs too)
    assert_refused('''
        import numpy as np

        def f(x: "N"):
            s = np.sort(np.stack([x[:-2], x[1:-1], x[2:]], axis=1), axis=1)
            return s[:, 1] * np.arange(4.0)
    ''', [RNG.normal(size=6)], "would hold at some sizes only")


def test_a_limiter_of_named_size_fitted_to_the_code_is_refused():
    assert_refused('''
        import numpy as np

        def f(u: "N"):
            du_l = u[1:-1] - u[:-2]
            du_r = u[2:] - u[1:-1]
            slope = 0.5 * (np.sign(du_l) + np.sign(du_r)) * np.minimum(np.abs(du_l), np.abs(du_r))
            return slope * np.arange(4.0)
    ''', [np.array([0.0, 0.7, 1.1, 2.9, 2.2, 4.0])], "give the sizes as numbers, or use the decorator")


def test_the_same_limiter_with_its_size_given_or_by_the_decorator():
    source = '''
        import numpy as np

        def f(u):
            du_l = u[1:-1] - u[:-2]
            du_r = u[2:] - u[1:-1]
            slope = 0.5 * (np.sign(du_l) + np.sign(du_r)) * np.minimum(np.abs(du_l), np.abs(du_r))
            return slope * np.arange(4.0)
    '''
    assert_right(source, [np.array([0.0, 0.7, 1.1, 2.9, 2.2, 4.0])], RNG.normal(size=4), shapes={"u": "6"})


# --- np.mgrid and np.ogrid: the grids of their ranges --------------------------------------------------


def test_a_gaussian_window_over_an_mgrid_of_the_image_shape():
    # was refused: "np.mgrid is not supported as a value"
    assert_right('''
        import numpy as np

        def f(img, cx, cy):
            H, W = img.shape
            yy, xx = np.mgrid[0:H, 0:W]
            return np.sum(np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2)) * img)
    ''', [RNG.normal(size=(3, 4)), 1.2, 0.7], shapes={"img": "3, 4", "cx": "float", "cy": "float"})


def test_an_ogrid_radial_weight_and_an_mgrid_of_float_steps():
    assert_right('''
        import numpy as np

        def f(img, r, a):
            H, W = img.shape
            y, x = np.ogrid[:H, :W]
            g = np.mgrid[0:1:0.25, 0:2:0.5]
            d2 = (x - W / 2) ** 2 + (y - H / 2) ** 2
            return np.sum(img * np.exp(-d2 / r ** 2)) + np.sum(np.sin(a * g[0]) * g[1])
    ''', [RNG.normal(size=(3, 4)), 1.5, 0.8])
