"""CS231n layers, written as plain NumPy forward functions.

The affine layer, the ReLU, the softmax and SVM (multiclass hinge) losses,
a staged batch normalization in training mode, and an L2 regularization
penalty: the layers whose backward passes CS231n students write by hand.
Labels y are integer class indices, so they carry no gradient.
"""

import numpy as np


def affine(x: "N, D", w: "D, M", b: "M"):
    out = x.dot(w) + b
    return out


def relu(x: "N, D"):
    out = np.maximum(0, x)
    return out


def softmax_loss(x: "N, C", y: "int N"):
    N = x.shape[0]
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    return loss


def svm_loss(x: "N, C", y: "int N"):
    N = x.shape[0]
    C = x.shape[1]
    correct = x[np.arange(N), y]
    margins = np.maximum(0, x - correct[:, np.newaxis] + 1.0)
    margins = margins * (np.arange(C) != y[:, np.newaxis])
    loss = np.sum(margins) / N
    return loss


def batchnorm(x: "N, D", gamma: "D", beta: "D", eps: float = 1e-5):
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1 / sqrtvar
    xhat = xmu * ivar
    out = gamma * xhat + beta
    return out


def l2_regularization(W: "D, M", reg: float):
    loss = 0.5 * reg * np.sum(W * W)
    return loss
