"""More layers as a CS231n student writes them: the ones generated_examples/cs231n_student.py lacks.

Forward functions only, in the layer form (``return out, cache``) or, for the loss, the loss alone;
``bench_layers.py`` differentiates them with backgen and times the result against hand-written
backward functions.  Shapes are declared in the docstrings, as CS231n's templates declare them.
"""
import numpy as np


def leaky_relu_forward(x, alpha):
    """
    Inputs:
    - x: Inputs, of any shape
    - alpha: (float) slope for negative inputs

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: (x, alpha)
    """
    out = np.where(x > 0, x, alpha * x)
    cache = (x, alpha)
    return out, cache


def sigmoid_forward(x):
    """
    Inputs:
    - x: Inputs, of any shape

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: out
    """
    out = 1 / (1 + np.exp(-x))
    cache = out
    return out, cache


def tanh_forward(x):
    """
    Inputs:
    - x: Inputs, of any shape

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: out
    """
    out = np.tanh(x)
    cache = out
    return out, cache


def dropout_mask_forward(x, mask):
    """
    Inverted dropout with the mask given (drawn by the caller, already divided by p).

    Inputs:
    - x: Input data, of shape (N, D)
    - mask: Scaled keep mask, of shape (N, D)

    Returns a tuple of:
    - out: of shape (N, D)
    - cache: mask
    """
    out = x * mask
    cache = mask
    return out, cache


def temporal_softmax_loss(x, y, mask):
    """
    A softmax loss over a sequence, averaged over the minibatch, only where mask is True.

    Inputs:
    - x: Input scores, of shape (N, T, V)
    - y: Ground-truth indices, of shape (N, T) where each element is in 0 <= y[i, t] < V
    - mask: Boolean array of shape (N, T) where mask[i, t] tells whether the scores at x[i, t]
      count towards the loss.

    Returns the loss as a single float (backgen writes its gradient)
    """
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)
    shifted = x_flat - np.max(x_flat, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.sum(mask_flat * log_probs[np.arange(N * T), y_flat]) / N
    return loss
