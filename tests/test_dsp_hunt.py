"""Audio and signal-processing code as people write it in NumPy: windows, framing, DFTs written as
matrix products, filters written as loops, synthesizers.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError``
and part of its message.
"""

import numpy as np
import pytest

from numeric import assert_generated_refused, assert_generated_right

RNG = np.random.default_rng(31)
X16 = RNG.standard_normal(16)
X24 = RNG.standard_normal(24)


# --- windows: np.hanning(M) and its kind are constants of their length ---------------------------


@pytest.mark.parametrize("window", ["hanning", "hamming", "blackman", "bartlett"])
def test_a_window_of_the_signals_length_is_a_constant(window):
    assert_generated_right(f'''
        def f(x):
            w = np.{window}(len(x))
            return np.sum((x * w) ** 2)
    ''', [X16])


def test_windowed_frames_by_an_index_array_overlap_added():
    assert_generated_right('''
        def f(x):
            L, hop = 8, 4
            idx = np.arange(L)[None, :] + hop * np.arange((len(x) - L) // hop + 1)[:, None]
            frames = x[idx] * np.hanning(L)
            y = np.zeros_like(x)
            for i in range(idx.shape[0]):
                y[i * hop:i * hop + L] += frames[i]
            return y
    ''', [X24], douts=(RNG.standard_normal(24),))


def test_a_kaiser_window_of_a_constant_beta_is_a_constant():
    assert_generated_right('''
        def f(x):
            return np.sum(x * np.kaiser(len(x), 4.0))
    ''', [X16])


def test_a_kaiser_window_of_a_differentiated_beta_is_refused():
    # its values depend on beta: taken for a constant, beta's gradient would be a wrong zero
    assert_generated_refused('''
        def f(x, beta):
            return np.sum(x * np.kaiser(len(x), beta))
    ''', [X16, 3.0], r"np.kaiser\(t, beta\): building a value this way from differentiated inputs")


# --- np.zeros_like of a constant array is an array of its own -------------------------------------


def test_a_sum_of_sinusoids_accumulated_into_zeros_like_of_the_time_axis():
    # y = np.zeros_like(t) with t a constant: y shares no memory with t, and y += ... writes y only
    assert_generated_right('''
        def f(freqs, amps, phases):
            t = np.arange(32) / 32.0
            y = np.zeros_like(t)
            for k in range(len(freqs)):
                y += amps[k] * np.sin(2 * np.pi * freqs[k] * t + phases[k])
            return y
    ''', [np.array([1.0, 2.5, 3.3]), np.array([0.7, 1.2, 0.4]), np.array([0.1, -0.5, 0.9])],
        douts=(RNG.standard_normal(32),))


def test_a_filterbank_filled_row_by_row_from_zeros_shaped_by_a_constant():
    assert_generated_right('''
        def f(power):
            freqs = np.linspace(0, 4000, 9)
            hz = np.array([0.0, 500.0, 1200.0, 2200.0, 4000.0])
            fb = np.zeros((3, len(freqs)))
            for m in range(3):
                up = (freqs - hz[m]) / (hz[m + 1] - hz[m])
                down = (hz[m + 2] - freqs) / (hz[m + 2] - hz[m + 1])
                fb[m] = np.maximum(0, np.minimum(up, down))
            return np.log(fb @ power + 1e-6)
    ''', [RNG.uniform(0.5, 2.0, 9)], douts=(RNG.standard_normal(3),))



# --- np.correlate in mode 'same': a slice of mode 'full', centred as NumPy centres it -------------


@pytest.mark.parametrize("sizes", [(16, 5), (12, 4), (4, 12), (5, 12), (6, 7), (7, 7)])
def test_correlate_same_at_every_pair_of_lengths(sizes):
    # where x is the shorter and of even length, NumPy centres it one place off np.convolve's 'same'
    x, h = RNG.standard_normal(sizes[0]), RNG.standard_normal(sizes[1])
    assert_generated_right('''
        def f(x, h):
            return np.correlate(x, h, mode="same")
    ''', [x, h], douts=(RNG.standard_normal(max(sizes)),))


def test_correlate_same_of_a_centred_signal_against_a_template_given_shapes():
    import backgen
    from numeric import finite_differences
    source = '''
import numpy as np
def f(x, t):
    c = np.correlate(x - x.mean(), t, "same")
    return np.sum(c ** 2)
'''
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f", shapes={"x": "6", "t": "9"}), generated)
    args = [RNG.standard_normal(6), RNG.standard_normal(9)]
    got = generated["f_backward"](*args)
    want = finite_differences(namespace["f"], args, [0, 1], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


def test_correlate_same_where_the_function_binds_max_is_refused():
    assert_generated_refused('''
        def f(x, h):
            max = 2.0
            return np.sum(np.correlate(x, h, "same")) * max
    ''', [X16, RNG.standard_normal(3)], "binds to values of its own")


# --- a module's EPS = np.finfo(float).eps is the number it is -----------------------------------


@pytest.mark.parametrize("constant", ["np.finfo(np.float64).eps", "np.finfo(float).eps",
                                      "10 * np.finfo(np.float32).eps", "np.finfo('float64').tiny"])
def test_a_module_epsilon_from_finfo_in_a_log_spectrum(constant):
    assert_generated_right(f'''
        import numpy as np
        EPS = {constant}
        def f(S):
            return np.log(S + EPS)
    ''', [RNG.uniform(0.5, 2.0, 8)], douts=(RNG.standard_normal(8),))


def test_a_module_epsilon_from_finfo_imported_by_name():
    assert_generated_right('''
        from numpy import finfo
        AMIN = finfo(float).eps
        def f(S):
            return np.sum(10.0 * np.log10(np.maximum(S, AMIN)))
    ''', [RNG.uniform(0.5, 2.0, 8)])


# --- a parameter np.arange reads is taken for an integer: a float there is refused as the code starts --


TIME_STRETCH = '''
import numpy as np
def f(S, rate):
    steps = np.arange(0, S.shape[0] - 1, rate)
    i = np.floor(steps).astype(int)
    a = steps - i
    return (1 - a)[:, None] * S[i] + a[:, None] * S[i + 1]
'''


def test_an_arange_step_given_a_float_is_refused_by_the_shape_generic_backward():
    # the step changes the values (a = steps - i): taken for an integer, rate's gradient is not written,
    # so a float rate must not get dS alone as if that were the whole gradient
    import backgen
    generated = {}
    exec(backgen.generate(TIME_STRETCH, name="f"), generated)
    S = RNG.uniform(0.5, 2.0, (6, 3))
    with pytest.raises(TypeError, match="rate as an integer"):
        generated["f_backward"](S, 0.7, np.ones((8, 3)))


def test_an_arange_step_given_an_integer_is_differentiated_in_the_rest():
    assert_generated_right(TIME_STRETCH, [RNG.uniform(0.5, 2.0, (7, 3)), 2], douts=(RNG.standard_normal((3, 3)),))


def test_an_arange_step_declared_a_float_is_refused_at_the_line():
    import backgen
    with pytest.raises(backgen.BackgenError, match="np.arange"):
        backgen.generate(TIME_STRETCH, name="f", shapes={"S": "N, D", "rate": "float"})


# --- NumPy's fft helpers of real arrays: np.fft.fftshift and the bins' frequencies -----------------


@pytest.mark.parametrize("shift", ["np.fft.fftshift(x)", "np.fft.ifftshift(x)", "np.fft.fftshift(x, axes=1)",
                                   "np.fft.ifftshift(x, axes=(0,))"])
@pytest.mark.parametrize("shape", [(3, 5), (4, 4)], ids=["odd", "even"])
def test_fftshift_is_rolled_back_by_its_inverse(shift, shape):
    # of odd lengths fftshift and ifftshift differ: each one's gradient is the other
    assert_generated_right(f'''
        def f(x):
            return {shift} * np.arange(x.size).reshape(x.shape)
    ''', [RNG.standard_normal(shape)], douts=(RNG.standard_normal(shape),))


def test_spectral_centroid_over_rfftfreq_bins():
    assert_generated_right('''
        def f(mag):
            freqs = np.fft.rfftfreq(2 * (mag.shape[-1] - 1), d=1.0 / 8000)
            return np.sum(freqs * mag, axis=-1) / np.sum(mag, axis=-1)
    ''', [RNG.uniform(0.5, 2.0, (3, 5))], douts=(RNG.standard_normal(3),))


def test_fftfreq_of_a_differentiated_spacing_is_refused():
    assert_generated_refused('''
        def f(mag, d):
            return np.sum(np.fft.rfftfreq(8, d) * mag)
    ''', [RNG.uniform(0.5, 2.0, 5), 0.1], r"np.fft.rfftfreq\(8, d\): building a value this way")


# --- np.fft.rfft and np.fft.fft of a real signal, read through magnitudes and real parts ----------


@pytest.mark.parametrize("read", [
    "np.abs(np.fft.rfft(x))",
    "np.abs(np.fft.rfft(x)) ** 2",
    "np.fft.rfft(x).real * np.fft.rfft(x).imag",
    "np.real(np.fft.rfft(x, n=24)) + np.imag(np.fft.rfft(x, 24))",
    "np.abs(np.fft.rfft(x, n=10))",
    "abs(np.fft.fft(x))",
    "np.absolute(np.fft.fft(x, n=20, axis=-1))",
])
def test_a_transform_read_through_real_values(read):
    # n longer than the signal pads it with zeros, shorter cuts it: both as NumPy does
    out = eval(read, {"np": np, "x": X16})  # noqa: S307 -- (the test's own expressions)
    assert_generated_right(f'''
        def f(x):
            return {read}
    ''', [X16], douts=(RNG.standard_normal(out.shape),))


def test_a_power_spectrum_named_and_read_by_its_parts():
    assert_generated_right('''
        def f(x):
            X = np.fft.rfft(x * np.hanning(len(x)))
            return np.sum(X.real ** 2 + X.imag ** 2)
    ''', [X16])


def test_frames_transformed_along_their_last_axis_in_a_loop():
    assert_generated_right('''
        def f(x: np.ndarray, n_fft: int = 8, hop: int = 4) -> np.ndarray:
            window = np.hanning(n_fft)
            n_frames = 1 + (len(x) - n_fft) // hop
            spec = np.empty((n_frames, n_fft // 2 + 1))
            for i in range(n_frames):
                seg = x[i * hop:i * hop + n_fft] * window
                spec[i] = np.abs(np.fft.rfft(seg))
            return spec
    ''', [X24, 8, 4], douts=(RNG.standard_normal((5, 5)),))


def test_a_multi_resolution_stft_loss():
    x, y = RNG.standard_normal(32), RNG.standard_normal(32)
    import backgen
    from numeric import finite_differences
    source = '''
import numpy as np
from numpy.fft import rfft
def stft_mag(x, n_fft, hop):
    frames = np.lib.stride_tricks.sliding_window_view(x, n_fft)[::hop]
    return np.sqrt(np.abs(rfft(frames * np.hanning(n_fft), axis=-1)) ** 2 + 1e-7)
def f(x, y):
    loss = 0.0
    for n_fft, hop in [(8, 2), (16, 4)]:
        X = stft_mag(x, n_fft, hop)
        Y = stft_mag(y, n_fft, hop)
        loss += np.linalg.norm(Y - X) / np.linalg.norm(Y) + np.mean(np.abs(np.log(X) - np.log(Y)))
    return loss
'''
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f", shapes={"x": "32", "y": "32"}), generated)
    got = generated["f_backward"](x, y)
    want = finite_differences(namespace["f"], [x, y], [0, 1], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("body", [
    "return np.sum((np.fft.rfft(x) * np.conj(np.fft.rfft(x))).real)",
    "return np.abs(np.fft.fft2(x.reshape(4, 4)))",  # (rfft along another axis written out is read)
    "return np.abs(np.fft.rfft(x) / 4.0)",  # (a norm written out is read: the parts scaled)
    "return np.abs(np.fft.ifft(x))",
])
def test_a_transform_read_as_complex_numbers_is_refused(body):
    assert_generated_refused(f'''
        def f(x):
            {body}
    ''', [X16], "complex")


def test_a_named_transform_read_also_as_complex_is_refused():
    assert_generated_refused('''
        def f(x):
            X = np.fft.rfft(x)
            return np.abs(X) + (X * np.conj(X)).real
    ''', [X16], "complex")


def test_a_transform_named_on_each_path_of_an_if():
    assert_generated_right('''
        def f(x, windowed: bool = True):
            if windowed:
                X = np.fft.rfft(x * np.hamming(len(x)))
            else:
                X = np.fft.rfft(x)
            return np.abs(X)
    ''', [X16, False], douts=(RNG.standard_normal(9),))


def test_a_transform_of_a_transforms_magnitudes():
    assert_generated_right('''
        def f(x):
            return np.abs(np.fft.rfft(np.abs(np.fft.rfft(x))))
    ''', [X16], douts=(RNG.standard_normal(5),))


def test_the_decorator_reads_rfft_through_numpy_fft_imported_from_numpy():
    from numeric import imported
    names = imported('''
import numpy as np
from numpy import fft
from numpy.fft import rfft


def f(x, y):
    return np.sum(np.abs(fft.rfft(x)) * np.abs(rfft(y)))
''', "dsp_hunt")
    import backgen
    x, y = RNG.standard_normal(12), RNG.standard_normal(12)
    got = backgen.backward(names["f"]).backward(x, y)
    from numeric import finite_differences
    want = finite_differences(names["f"], [x, y], [0, 1], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


# --- shape-generic code of frames longer than the first samples ------------------------------------


@pytest.mark.parametrize("frames", [
    "np.lib.stride_tricks.sliding_window_view(x, 8)[::4]",
    "np.stack([x[s:s + 8] for s in range(0, len(x) - 8 + 1, 4)])",
])
def test_frames_of_eight_samples_without_shapes(frames):
    # the samples of every axis start at 7: too short for a frame of 8, they are made longer
    assert_generated_right(f'''
        def f(x):
            fr = {frames}
            return np.log(np.sum((fr * np.hanning(8)) ** 2, axis=1) + 1e-3)
    ''', [X24], douts=(RNG.standard_normal(5),))


# --- scipy.signal.lfilter of more coefficients written out: the loop of past inputs and outputs -----


@pytest.mark.parametrize("call, shape", [
    ("lfilter([0.5, 0.3], [1.0, -0.4], x)", (12,)),
    ("lfilter([b0, b1, b2], [1.0, a1, a2], x)", (12,)),
    ("lfilter([1.0, -a1], [2.0], x, axis=0)", (10, 3)),
    ("lfilter([0.2, 0.2, 0.2], [1.0, -a1, 0.25], x)", (2, 10)),
    ("lfilter([b0], [1.0, a1, a2], x[::-1])[::-1]", (12,)),
], ids=["one-pole-one-zero", "biquad", "fir-along-axis-0", "rows", "all-pole-reversed"])
def test_lfilter_of_coefficients_written_out(call, shape):
    pytest.importorskip("scipy")
    assert_generated_right(f'''
        from scipy.signal import lfilter
        def f(x, b0, b1, b2, a1, a2):
            return {call}
    ''', [RNG.standard_normal(shape), 0.5, 0.3, 0.2, -0.4, 0.2], douts=(RNG.standard_normal(shape),))
