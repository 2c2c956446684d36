"""Functions made by factories of the user's, in the style of autograd's and JAX's examples: an outer
function taking settings (layer sizes, a regulariser, a covariance function) computes constants and
defines nested functions calling each other, returned and decorated.  Every gradient against central
differences."""

import numpy as np
import pytest

import backgen
from numeric import finite_differences, imported

BNN = '''
import numpy as np


def make_nn_funs(layer_sizes, L2_reg, noise_variance, nonlinearity=np.tanh):
    """Functions for a fully connected net."""
    shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    num_weights = sum((m + 1) * n for m, n in shapes)

    def unpack_layers(weights):
        num_weight_sets = len(weights)
        for m, n in shapes:
            yield weights[:, :m*n].reshape((num_weight_sets, m, n)), \\
                  weights[:, m*n:m*n+n].reshape((num_weight_sets, 1, n))
            weights = weights[:, (m+1)*n:]

    def predictions(weights, inputs):
        inputs = np.expand_dims(inputs, 0)
        for W, b in unpack_layers(weights):
            outputs = np.einsum('mnd,mdo->mno', inputs, W) + b
            inputs = nonlinearity(outputs)
        return outputs

    def logprob(weights, inputs, targets):
        log_prior = -L2_reg * np.sum(weights**2, axis=1)
        preds = predictions(weights, inputs)
        log_lik = -np.sum((preds - targets)**2, axis=1)[:, 0] / noise_variance
        return log_prior + log_lik

    return num_weights, predictions, logprob


num_weights, predictions, logprob = make_nn_funs(layer_sizes=[1, 4, 3, 1], L2_reg=0.1, noise_variance=0.01)
rng = np.random.default_rng(0)
inputs = rng.normal(size=(5, 1))
targets = rng.normal(size=(5, 1))
objective = lambda weights: -logprob(weights, inputs, targets)
'''


def _check(func, args, wrt, dout=1.0, made=None):
    made = made or backgen.backward(func)
    copies = [a.copy() for a in args]
    got = made.backward(*args, dout=dout)
    for a, c in zip(args, copies):
        np.testing.assert_array_equal(a, c)
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(func, list(args), wrt, [dout])
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_bayesian_net_generator_closure_reading_the_factory_shapes():
    # unpack_layers, a generator of the factory's reading its shapes, called by predictions, called by
    # logprob: the closure's list of pairs was not read (refused as a generator, yield)
    m = imported(BNN, "factory_bnn")
    weights = np.random.default_rng(1).normal(size=(2, m["num_weights"])) * 0.5
    dout = np.array([0.7, -1.3])
    _check(m["logprob"], [weights, m["inputs"], m["targets"]], [0, 1, 2], dout)
    made = backgen.backward(m["logprob"], wrt=["weights"])
    _check(m["logprob"], [weights, m["inputs"], m["targets"]], [0], dout, made)
    _check(m["objective"], [weights], [0], dout)


PAIRS = '''
import numpy as np


def make_energy(edges, stiffness=2.0):
    def energy(pos):
        e = 0.0
        for a, b in edges:
            d = pos[a] - pos[b]
            e += stiffness * np.sum(d ** 2)
        return e
    return energy


def make_net(sizes):
    shapes = list(zip(sizes[:-1], sizes[1:]))

    def unpack(params):
        for m, n in shapes:
            yield params[:m * n].reshape(m, n)
            params = params[m * n:]

    def f(params):
        out = 0.0
        for W in unpack(params):
            out = out + np.sum(np.tanh(W[0]) ** 2)
        return out
    return f, shapes
'''


def test_closure_over_a_list_of_int_pairs():
    m = imported(PAIRS, "factory_pairs")
    energy = m["make_energy"]([[0, 1], (1, 2), (2, 0)])
    _check(energy, [np.array([[0.3, 1.2], [0.8, -0.1], [0.5, 0.2]])], [0])


def test_closure_list_changed_in_place_is_read_again():
    # the generated code holds the factory's shapes as constants: keyed on them as they are at each call
    m = imported(PAIRS, "factory_pairs")
    f, shapes = m["make_net"]([2, 3, 2])
    made = backgen.backward(f)
    params = np.linspace(-1.0, 1.0, 12)
    _check(f, [params], [0], made=made)
    shapes[:] = [(3, 2), (2, 3)]
    _check(f, [params], [0], made=made)


GP = '''
import numpy as np

cov = lambda p, x, xp: np.exp(p[0]) * np.exp(-np.sum((x[:, None, :] - xp[None, :, :]) ** 2, axis=2) / np.exp(p[1]))


def make_gp_funs(cov_func, num_cov_params):
    def unpack_kernel_params(params):
        mean = params[0]
        cov_params = params[2:]
        noise_scale = np.exp(params[1]) + 0.0001
        return mean, cov_params, noise_scale

    def log_marginal_likelihood(params, x, y):
        mean, cov_params, noise_scale = unpack_kernel_params(params)
        cov_y_y = cov_func(cov_params, x, x) + noise_scale * np.eye(len(y))
        r = y - mean * np.ones(len(y))
        return -0.5 * np.dot(r, np.linalg.solve(cov_y_y, r)) - 0.5 * np.linalg.slogdet(cov_y_y)[1]

    return num_cov_params + 2, log_marginal_likelihood


num_params, log_marginal_likelihood = make_gp_funs(cov, num_cov_params=2)
rng = np.random.default_rng(51)
X = rng.normal(size=(5, 1))
y = rng.normal(size=5)
objective = lambda params: -log_marginal_likelihood(params, X, y) + np.sum(cov(params[2:], X, X))
'''


def test_lambda_given_a_factory_called_under_the_parameter_name():
    # cov = lambda ... given make_gp_funs as cov_func: the helper was written as def cov, called as
    # cov_func (a NameError in the generated code)
    m = imported(GP, "factory_gp")
    params = np.array([0.1, -1.0, 0.2, 0.3])
    _check(m["log_marginal_likelihood"], [params, m["X"], m["y"]], [0, 1, 2])
    _check(m["objective"], [params], [0])


BBVI = '''
import numpy as np


def black_box_variational_inference(logprob, D, num_samples):
    rs = np.random.RandomState(0)
    eps = rs.randn(num_samples, D)

    def unpack_params(params):
        mean, log_std = params[:D], params[D:]
        return mean, log_std

    def gaussian_entropy(log_std):
        return 0.5 * D * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)

    def variational_objective(params, t):
        mean, log_std = unpack_params(params)
        samples = eps * np.exp(log_std) + mean
        lower_bound = gaussian_entropy(log_std) + np.mean(logprob(samples, t))
        return -lower_bound

    return variational_objective


def log_density(x, t):
    mu, log_sigma = x[:, 0], x[:, 1]
    return -0.5 * log_sigma ** 2 - 0.5 * mu ** 2 * np.exp(-2 * log_sigma)


objective = black_box_variational_inference(log_density, D=2, num_samples=20)
'''


def test_iteration_passed_to_a_helper_that_never_reads_it():
    # objective(params, t) passing t on to logprob(samples, t), which never reads it (autograd's
    # black-box variational inference): refused as a gradient the helper's backward would drop
    m = imported(BBVI, "factory_bbvi")
    made = backgen.backward(m["objective"])
    assert made.wrt[0] == "params"
    got = made.backward(np.array([0.2, -0.3, -1.0, -0.5]), 0)
    got = got[0] if isinstance(got, tuple) else got
    want = finite_differences(m["objective"], [np.array([0.2, -0.3, -1.0, -0.5]), 0], [0], [1.0])[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)




LAMBDAS = '''
import numpy as np


def make_nn_funs(layer_sizes, L2_reg=0.01, nonlinearity=lambda x: np.maximum(x, 0.0)):
    shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    num_weights = sum((m + 1) * n for m, n in shapes)

    def unpack_layers(W_vect):
        for m, n in shapes:
            yield W_vect[:m*n].reshape((m, n)), W_vect[m*n:m*n+n]
            W_vect = W_vect[(m+1)*n:]

    def predictions(W_vect, inputs):
        for W, b in unpack_layers(W_vect):
            outputs = np.dot(inputs, W) + b
            inputs = nonlinearity(outputs)
        return outputs

    def loss(W_vect, X, T):
        return L2_reg * np.dot(W_vect, W_vect) + np.sum((predictions(W_vect, X) - T) ** 2)

    return num_weights, loss


N, relu_loss = make_nn_funs([2, 4, 1])
N, scaled_loss = make_nn_funs([2, 4, 1], nonlinearity=lambda z: np.tanh(z) * 0.5)


def make(act=lambda z: z * 3.0):
    def f(x):
        return np.sum(act(x) ** 2)
    return f


f = make()
'''


def test_lambda_written_as_a_default_or_an_argument_of_a_factory():
    # a lambda inside a statement (the factory's default, an argument of its call): its source read
    # was the whole statement, the factory's def read as the lambda (refused as recursion, or as a
    # nested function used as a value), or refused as a lambda
    m = imported(LAMBDAS, "factory_lambdas")
    rng = np.random.default_rng(3)
    W, X, T = rng.normal(size=m["N"]) * 0.5, rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    _check(m["relu_loss"], [W, X, T], [0, 1, 2])
    _check(m["scaled_loss"], [W, X, T], [0, 1, 2])
    _check(m["f"], [np.array([0.3, -0.5])], [0])


SETTINGS = '''
import numpy as np


def make_scaled(cfg):
    def f(x):
        return cfg["a"] * np.sum(x ** 2) + cfg["b"] * np.sum(x)
    return f


def unflatten(v, shape):
    return v.reshape(shape)


def make_gram(shape):
    def f(v):
        W = v.reshape(shape)
        V = unflatten(v, shape)
        return np.sum(np.tanh(W @ V.T))
    return f
'''


def test_closure_over_a_dict_of_numbers_and_a_shape_tuple():
    m = imported(SETTINGS, "factory_settings")
    cfg = {"a": 0.5, "b": 1.5}
    f = m["make_scaled"](cfg)
    made = backgen.backward(f)
    x = np.array([0.3, -0.4, 0.1])
    _check(f, [x], [0], made=made)
    cfg["b"] = -2.0  # (changed in place: the code is keyed on the closure's numbers)
    _check(f, [x], [0], made=made)
    _check(m["make_gram"]((2, 3)), [np.linspace(-1.0, 1.0, 6)], [0])


GENERATORS = '''
import numpy as np


def make(sizes):
    shapes = list(zip(sizes[:-1], sizes[1:]))

    def chunks(v):
        start = 0
        for s in sizes:
            yield v[start:start + s]
            start += s

    def unpack(v):
        for m, n in shapes:
            yield v[:m * n].reshape(m, n)
            v = v[m * n:]

    def f(v):
        total = 0.0
        for k, c in enumerate(chunks(v)):
            total = total + (k + 1) * np.sum(c ** 2)
        return total

    def g(v, x):
        Ws = list(unpack(v))
        return np.sum(np.tanh(x @ Ws[0]) @ Ws[1])

    return f, g
'''


def test_enumerate_over_a_generator_and_a_list_of_its_items():
    m = imported(GENERATORS, "factory_generators")
    f, g = m["make"]([2, 3, 2])
    _check(f, [np.linspace(-1.0, 1.0, 7)], [0])
    rng = np.random.default_rng(5)
    _check(g, [rng.normal(size=12) * 0.5, rng.normal(size=(4, 2))], [0, 1])


def test_generated_enumerate_over_a_generator_of_the_module():
    from numeric import assert_generated_right
    assert_generated_right('''
import numpy as np

SIZES = [2, 3, 1]


def chunks(v):
    start = 0
    for s in SIZES:
        yield v[start:start + s].reshape(s, 1)
        start += s


def f(v):
    total = 0.0
    for k, c in enumerate(chunks(v)):
        total = total + (k + 1) * np.sum(np.sin(c))
    return total
''', [np.linspace(-1.0, 1.0, 6)])


PARTIALS = '''
import functools
import numpy as np


def loss(w, X, y, reg):
    return np.sum((X @ w - y) ** 2) + reg * np.sum(w ** 2)


def data_first(X, y, w, scale=1.0):
    return scale * np.sum(np.tanh(X @ w) * y)


rng = np.random.default_rng(10)
X = rng.normal(size=(5, 3))
y = rng.normal(size=5)
by_keywords = functools.partial(loss, X=X, y=y, reg=0.1)
by_position = functools.partial(data_first, X, y)
'''


def test_decorated_functools_partial():
    # backgen.backward(partial(loss, X=X, y=y)): a TypeError before; the def decorated, given what the
    # partial binds, differentiated with respect to what it leaves
    m = imported(PARTIALS, "factory_partials")
    w = np.array([0.3, -0.4, 0.1])
    made = backgen.backward(m["by_keywords"])
    assert made.wrt == ("w",) or list(made.wrt) == ["w"]
    assert made(w) == m["by_keywords"](w)
    _check(m["by_keywords"], [w], [0], made=made)
    made = backgen.backward(m["by_position"])
    got = made.backward(w, 2.0)
    want = finite_differences(m["by_position"], [w, 2.0], [0, 1], [1.0])
    for g, wanted in zip(got, want):
        np.testing.assert_allclose(g, wanted, rtol=1e-5, atol=1e-6)


MODULE_DATA = '''
import numpy as np

rng = np.random.default_rng(8)
data = rng.normal(size=(6, 2))
labels = np.sign(rng.normal(size=6))


def margin(w):
    return labels * (data @ w)


def penalty(w):
    return np.sum(np.log1p(np.exp(-margin(w))))


def loss(w):
    return penalty(w) + 0.1 * np.sum(w ** 2)


objective = lambda w: np.mean(np.tanh(margin(w)) ** 2)


def clash(w, data):
    return np.sum(margin(w)) + np.sum(data)


T = rng.normal(size=(2, 2))


def gram(A):
    return A @ A.T


def weighted_gram(W, T):
    return np.sum(gram(W) * T)
'''


def test_module_helpers_reading_the_module_arrays():
    # margin() reads the module's data and labels, called by penalty(), called by loss(): refused,
    # 'labels' not a parameter; now passed to each helper as leading parameters of its own
    m = imported(MODULE_DATA, "factory_module_data")
    w = np.array([0.3, -0.4])
    made = backgen.backward(m["loss"])
    assert list(made.wrt) == ["w"]
    _check(m["loss"], [w], [0], made=made)
    _check(m["objective"], [w], [0])
    m["data"][0, 0] = 2.5  # (the arrays as they are at each call)
    _check(m["loss"], [w], [0], made=made)
    with pytest.raises(backgen.BackgenError, match="pass data to margin"):
        backgen.backward(m["clash"]).backward(w, m["data"])
    with pytest.raises(backgen.BackgenError, match="penalty.. reads the array 'data' of its module"):
        backgen.generate(m["loss"])  # (source read, no values: said so, not as a name loss() lacks)
    W = np.array([[0.3, -0.2], [0.5, 1.1]])  # (A.T, an attribute: not the module's array T)
    _check(m["weighted_gram"], [W, m["T"] + 1.0], [0, 1])


def test_bayesian_net_fit_by_black_box_variational_inference():
    # autograd's example end to end: log_posterior = lambda weights, t: logprob(...) given the
    # inference factory as its logprob (the name of the net's logprob too): called by the name its
    # line binds, not read as logprob calling itself
    text = BNN + BBVI.split("def log_density")[0].replace("import numpy as np\n", "") + '''
log_posterior = lambda weights, t: logprob(weights, inputs, targets)
vi_objective = black_box_variational_inference(log_posterior, num_weights, num_samples=3)
'''
    m = imported(text, "factory_bnn_vi")
    rs = np.random.RandomState(1)
    params = np.concatenate([rs.randn(m["num_weights"]) * 0.3, -3 * np.ones(m["num_weights"])])
    made = backgen.backward(m["vi_objective"])
    got = made.backward(params, 0)
    got = got[0] if isinstance(got, tuple) else got
    want = finite_differences(m["vi_objective"], [params, 0], [0], [1.0])[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
