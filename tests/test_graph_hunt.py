"""Graph, recommender and embedding code as people write it in NumPy: message passing over edge index
arrays, matrix factorisation and BPR losses over user/item index arrays, word2vec, knowledge-graph
scores, power iterations.

Each accepted gradient is checked against central finite differences in float64 (``numeric``), by
``generate`` without shapes, with shapes and by the decorator on real arrays (integer index arrays
among its arguments, which carry no gradient), or asserted refused with a ``BackgenError``.
"""

import importlib.util
import textwrap

import numpy as np

import backgen
from numeric import assert_generated_refused, finite_differences, float_positions, same_again

RNG = np.random.default_rng(31)
N, E, D, F = 5, 8, 3, 2
X = RNG.standard_normal((N, D))
W = RNG.standard_normal((D, F))
EW = RNG.uniform(0.5, 1.5, E)
SRC = np.array([0, 0, 3, 4, 1, 2, 4, 2])
DST = np.array([1, 2, 1, 3, 4, 0, 0, 1])  # node 1 and node 0 receive several edges


def _upstream(func, args):
    """An upstream gradient in the shape of ``func(*args)``: 1.0 for a number."""
    out = func(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    return np.random.default_rng(5).standard_normal(np.shape(out)) if np.shape(out) else 1.0


def _right(got, func, args, dout):
    """``got`` (one gradient or a tuple) matches central differences of ``sum(func(*args) * dout)`` in
    the float arguments."""
    wrt = float_positions(args)
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(func, list(args), wrt, [dout])
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w), f"gradient shape {np.shape(g)}, expected {np.shape(w)}"
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def generated_right(source, args, shapes=None, name="f", wrt=None):
    """The backward ``generate`` writes (without shapes, or with ``shapes``; for the parameters ``wrt``, by
    default its own choice) matches central differences in the float arguments, and leaves its arguments
    and upstream gradient alone."""
    source = textwrap.dedent(source)
    namespace = {"np": np}
    exec(source, namespace)
    func = namespace[name]
    text = backgen.generate(source, name=name, shapes=shapes, wrt=wrt)
    same_again(text, lambda: backgen.generate(source, name=name, shapes=shapes, wrt=wrt))
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    dout = _upstream(func, args)
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    dcopy = np.copy(dout)
    got = generated[f"{name}_backward"](*copies, dcopy)
    for a, c in zip(list(args) + [dout], copies + [dcopy]):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, c)
    _right(got, func, args, dout)


def decorated_right(source, args, tmp_path, name="f"):
    """The decorator, on a function of a module file, with its default ``wrt`` (the float arguments:
    integer index arrays are left out), matches central differences."""
    path = tmp_path / f"graph_{name}.py"
    path.write_text("import numpy as np\n" + textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    func = getattr(module, name)
    dout = _upstream(func, args)
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    _right(backgen.backward(func).backward(*copies, dout=dout), func, args, dout)


def every_way(source, args, shapes, tmp_path, name="f", free=True):
    """``generated_right`` without shapes (where ``free``) and with ``shapes``, and ``decorated_right``."""
    if free:
        generated_right(source, args, None, name)
    generated_right(source, args, shapes, name)
    decorated_right(source, args, tmp_path, name)


# --- integer index arrays read through the forms graph code gives them ------------------------


def test_edge_index_unpacked_into_source_and_target_rows(tmp_path):
    # src, dst = edge_index: the rows index x and out, so edge_index holds labels (no gradient)
    every_way('''
        def f(x, edge_index, W):
            src, dst = edge_index
            msg = x[src] @ W
            out = np.zeros((x.shape[0], W.shape[1]))
            np.add.at(out, dst, msg)
            return out
    ''', [X, np.stack([SRC, DST]), W], {"x": "N, D", "edge_index": "int 2, E", "W": "D, F"}, tmp_path)


def test_edge_index_rows_read_by_position(tmp_path):
    every_way('''
        def f(x, edge_index, edge_weight):
            row, col = edge_index[0], edge_index[1]
            out = np.zeros_like(x)
            np.add.at(out, row, x[col] * edge_weight.reshape(-1, 1))
            return out
    ''', [X, np.stack([SRC, DST]), EW], {"x": "N, D", "edge_index": "int 2, E", "edge_weight": "E"}, tmp_path)


def test_edge_index_columns_enumerated(tmp_path):
    # for k, (i, j) in enumerate(edge_index.T): i and j are elements of edge_index, used as indices
    source = '''
        def f(x, w, edge_index):
            out = np.zeros_like(x)
            for k, (i, j) in enumerate(edge_index.T):
                out[j] = out[j] + w[k] * x[i]
            return out
    '''
    args = [X, EW, np.stack([SRC, DST])]
    generated_right(source, args, {"x": "N, D", "w": "E", "edge_index": "int 2, E"})
    decorated_right(source, args, tmp_path)


def test_triples_read_by_columns(tmp_path):
    # u, i, j = triples[:, 0], triples[:, 1], triples[:, 2] (BPR's sampled triples)
    every_way('''
        def f(P, Q, bi, triples):
            u, i, j = triples[:, 0], triples[:, 1], triples[:, 2]
            x = bi[i] - bi[j] + np.einsum("nk,nk->n", P[u], Q[i] - Q[j])
            return np.sum(np.log1p(np.exp(-x)))
    ''', [RNG.standard_normal((4, 3)), RNG.standard_normal((6, 3)), RNG.standard_normal(6),
          np.array([[0, 1, 2], [0, 3, 1], [2, 1, 4], [3, 5, 1]])],
        {"P": "U, K", "Q": "I, K", "bi": "I", "triples": "int R, 3"}, tmp_path)


def test_ratings_rows_read_by_item(tmp_path):
    # u, i = data[k, 0], data[k, 1] in a loop over the rows
    every_way('''
        def f(P, Q, data):
            total = 0
            for k in range(data.shape[0]):
                u, i = data[k, 0], data[k, 1]
                total = total + (1.0 - np.dot(P[u], Q[i])) ** 2
            return total
    ''', [RNG.standard_normal((4, 3)), RNG.standard_normal((6, 3)), np.array([[0, 1], [0, 5], [3, 1]])],
        {"P": "U, K", "Q": "I, K", "data": "int R, 2"}, tmp_path)


def test_self_loops_joined_to_the_edge_arrays(tmp_path):
    # row = np.concatenate([src, loop]) indexes: src and dst hold labels (PyG's GCNConv with self loops)
    every_way('''
        def f(x, W, src, dst):
            N = x.shape[0]
            loop = np.arange(N)
            row = np.concatenate([src, loop])
            col = np.concatenate([dst, loop])
            deg = np.bincount(col, minlength=N).astype(x.dtype)
            norm = deg[row] ** -0.5 * deg[col] ** -0.5
            h = x @ W
            out = np.zeros((N, h.shape[1]))
            np.add.at(out, col, norm[:, None] * h[row])
            return out
    ''', [X, W, SRC, DST], {"x": "N, D", "W": "D, F", "src": "int E", "dst": "int E"}, tmp_path)


def test_item_indices_offset_by_the_number_of_users(tmp_path):
    # E[n_users + pos]: LightGCN's item rows follow the user rows in one embedding table
    every_way('''
        def f(E0, A_norm, users, pos, neg, n_users):
            E = (E0 + A_norm @ E0) / 2
            u = E[users]
            x = np.sum(u * E[n_users + pos], axis=1) - np.sum(u * E[n_users + neg], axis=1)
            return np.mean(np.logaddexp(0.0, -x))
    ''', [RNG.standard_normal((7, 3)), np.abs(RNG.standard_normal((7, 7))) / 5, np.array([0, 0, 2]),
          np.array([1, 3, 3]), np.array([0, 2, 1]), 3],
        {"E0": "M, K", "A_norm": "M, M", "users": "int R", "pos": "int R", "neg": "int R", "n_users": "int"}, tmp_path)


def test_edge_list_of_pairs_left_out_of_the_default_wrt(tmp_path):
    # for k, (i, j) in enumerate(edges), edges a list of pairs of integers: indices, with no gradient
    decorated_right('''
        def f(X, w, edges):
            e = 0
            for k, (i, j) in enumerate(edges):
                e = e + w[k] * np.linalg.norm(X[i] - X[j]) ** 2
            return e
    ''', [X, EW[:4], [(0, 1), (1, 2), (0, 3), (4, 0)]], tmp_path)


def test_edge_list_of_pairs_unpacked_in_the_loop(tmp_path):
    decorated_right('''
        def f(x, edges):
            out = np.zeros_like(x)
            for u, v in edges:
                out[u] += x[v]
                out[v] += x[u]
            return (out ** 2).sum()
    ''', [X, [(0, 1), (1, 2), (0, 1), (3, 4)]], tmp_path)


# --- np.maximum.at, np.minimum.at and np.subtract.at: written into an array as np.add.at is ----------


def test_segment_softmax_shifted_by_a_scatter_max(tmp_path):
    # GAT's softmax over the edges into each node, shifted by each node's largest score
    every_way('''
        def f(e, dst, num_nodes):
            e_max = np.full(num_nodes, -np.inf)
            np.maximum.at(e_max, dst, e)
            ex = np.exp(e - e_max[dst])
            denom = np.zeros(num_nodes)
            np.add.at(denom, dst, ex)
            return ex / denom[dst]
    ''', [RNG.standard_normal(E), DST, N], {"e": "E", "dst": "int E", "num_nodes": "int"}, tmp_path)


def test_scatter_max_pooling_of_messages(tmp_path):
    # the largest message into each node, where it is larger than the node's own features
    every_way('''
        def f(x, W, src, dst):
            m = np.tanh(x[src] @ W)
            out = np.tanh(x @ W) * 0.5
            np.maximum.at(out, dst, m)
            return out
    ''', [X, W, SRC, DST], {"x": "N, D", "W": "D, F", "src": "int E", "dst": "int E"}, tmp_path)


def test_scatter_min_of_distances_into_rows_and_columns(tmp_path):
    every_way('''
        def f(x, w, src, dst):
            d = np.sum((x[src] - x[dst]) ** 2, axis=1) * w
            near = np.full((3, 3), 50.0)
            np.minimum.at(near, (src % 3, dst % 3), d)
            return near
    ''', [X, EW, SRC, DST], {"x": "N, D", "w": "E", "src": "int E", "dst": "int E"}, tmp_path)


def test_subtract_at_with_repeated_indices(tmp_path):
    every_way('''
        def f(x, src, dst):
            out = x * 2.0
            np.subtract.at(out, dst, x[src] * 0.5)
            return out
    ''', [X, SRC, DST], {"x": "N, D", "src": "int E", "dst": "int E"}, tmp_path)


def test_subtract_at_of_a_list_of_numbers():
    # np.negative of the list, which Python's - would not take
    generated_right('''
        def f(x: "4"):
            y = x * 1.0
            np.subtract.at(y, [0, 2, 0], [1.0, 2.0, 3.0])
            return y * x
    ''', [RNG.standard_normal(4)])


def test_maximum_at_written_with_a_starred_argument_is_refused():
    assert_generated_refused('''
        def f(x, parts):
            y = x * 1.0
            np.maximum.at(y, *parts)
            return y
    ''', [RNG.standard_normal(4), ([0, 1], np.ones(2))], r"np\.maximum\.at is read as")


# --- integers read as counts and bounds through the elements of index arrays --------------------


def test_bincount_minlength_of_the_number_of_nodes(tmp_path):
    # minlength=N: N a count, not differentiated (the decorator gave it a gradient it could not have)
    every_way('''
        def f(e, dst, N):
            ex = np.exp(e - e.max())
            denom = np.bincount(dst, weights=ex, minlength=N)
            return ex / denom[dst]
    ''', [RNG.standard_normal(E), DST, N], {"e": "E", "dst": "int E", "N": "int"}, tmp_path)


def test_csr_rows_bounded_by_the_row_pointers(tmp_path):
    # start, end = indptr[i], indptr[i + 1] bound range(start, end): indptr holds integers
    every_way('''
        def f(x, data, indptr, indices):
            n = len(indptr) - 1
            out = np.zeros((n, x.shape[1]))
            for i in range(n):
                start, end = indptr[i], indptr[i + 1]
                for k in range(start, end):
                    out[i] += data[k] * x[indices[k]]
            return out
    ''', [X, EW, np.array([0, 2, 3, 5, 7, 8]), np.array([1, 2, 0, 3, 3, 1, 4, 0])],
        {"x": "N, D", "data": "E", "indptr": "int P", "indices": "int E"}, tmp_path)


def test_embedding_bags_sliced_at_their_offsets(tmp_path):
    every_way('''
        def f(E, ids, offsets):
            bags = []
            ends = list(offsets[1:]) + [len(ids)]
            for s, e in zip(offsets, ends):
                bags.append(E[ids[s:e]].mean(axis=0))
            return np.vstack(bags)
    ''', [RNG.standard_normal((7, 3)), np.array([0, 3, 3, 1, 5, 0]), np.array([0, 2, 5])],
        {"E": "V, D", "ids": "int M", "offsets": "int G"}, tmp_path)


def test_neighbours_selected_by_a_mask_of_the_targets(tmp_path):
    # nbrs = src[dst == v] indexes x: src holds labels (dst, only compared, has a zero gradient where it
    # is differentiated: generate without shapes takes it for numbers)
    source = '''
        def f(x, src, dst):
            N = x.shape[0]
            out = np.zeros_like(x)
            for v in range(N):
                nbrs = src[dst == v]
                if len(nbrs) > 0:
                    out[v] = x[nbrs].mean(axis=0)
            return out + x
    '''
    generated_right(source, [X, SRC, DST], wrt=("x",))
    generated_right(source, [X, SRC, DST], {"x": "N, D", "src": "int E", "dst": "int E"})
    decorated_right(source, [X, SRC, DST], tmp_path)


def test_adjacency_list_of_index_arrays_left_out_of_the_default_wrt(tmp_path):
    decorated_right('''
        def f(x, neighbors, W):
            rows = []
            for v, nb in enumerate(neighbors):
                rows.append(np.concatenate([x[v], x[nb].mean(axis=0)]))
            return np.array(rows) @ W
    ''', [X, [np.array([1, 2]), np.array([0]), np.array([0, 3, 3]), np.array([4]), np.array([0, 1])],
          RNG.standard_normal((2 * D, F))], tmp_path)


def test_add_at_into_a_slice_of_an_array(tmp_path):
    # np.add.at(buf[:, :D], dst, x) writes into buf through the view the slice is
    every_way('''
        def f(x, dst):
            buf = np.zeros((3, 2 * x.shape[1]))
            np.add.at(buf[:, :x.shape[1]], dst, x)
            return buf * np.arange(2 * x.shape[1])
    ''', [X, np.array([0, 2, 0, 1, 1])], {"x": "N, D", "dst": "int N"}, tmp_path)


def test_add_at_into_a_row_of_a_matrix_and_its_transpose():
    generated_right('''
        def f(x: "N", w: "N", dst: "int N"):
            out = np.zeros((2, x.shape[0]))
            np.add.at(out[1], dst, x)
            np.maximum.at(out.T, (dst, 0), w)
            return out * out
    ''', [RNG.standard_normal(N), RNG.standard_normal(N), np.array([0, 2, 0, 1, 4])])


def test_add_at_into_a_fancy_indexed_copy_changes_nothing():
    # out[[0, 1]] is a new array: the write into it reaches no name, x gets no gradient through it
    generated_right('''
        def f(x: "N, D", w: "N, D", dst: "int N"):
            out = w * 1.0
            np.add.at(out[[0, 1]], dst % 2, x)
            return out * x
    ''', [X, RNG.standard_normal((N, D)), np.array([0, 2, 0, 1, 1])])


# --- word2vec: a sample's rows joined with np.r_, its labels joined as lists ------------------------


def test_sgns_rows_joined_by_r_and_labels_joined_as_lists(tmp_path):
    # W_out[np.r_[context, negs]] indexes: context and negs hold labels; [1.0] + [0.0] * len(negs) is a
    # list of constants joined, no gradient
    every_way('''
        def f(W_in, W_out, center, context, negs):
            v = W_in[center] / np.linalg.norm(W_in[center])
            scores = W_out[np.r_[context, negs]] @ v
            labels = np.array([1.0] + [0.0] * len(negs))
            return np.sum(np.logaddexp(0, scores) - labels * scores)
    ''', [RNG.standard_normal((7, 3)), RNG.standard_normal((7, 3)), 2, 5, np.array([1, 3, 1])],
        {"W_in": "V, D", "W_out": "V, D", "center": "int", "context": "int", "negs": "int K"}, tmp_path, free=False)


def test_lists_joined_holding_a_differentiated_value_are_refused():
    assert_generated_refused('''
        def f(x: "3", w: float):
            return x * np.array([1.0] + [w] * 2)
    ''', [RNG.standard_normal(3), 0.5], "adding lists joins them")


# --- the decorator: an index by an array of integers (or booleans) passed copies -------------------


def test_decorator_messages_gathered_then_scaled_in_place(tmp_path):
    # msg = x[src] is a copy (src an array of integers): msg *= w[:, None] leaves x alone
    decorated_right('''
        def f(x, w, src, dst):
            msg = x[src]
            msg *= w[:, None]
            out = np.zeros_like(x)
            np.add.at(out, dst, msg)
            return out * x
    ''', [X, EW, SRC, DST], tmp_path)


def test_decorator_rows_gathered_updated_and_written_back(tmp_path):
    decorated_right('''
        def f(E, ids, g):
            E = E.copy()
            rows = E[ids]
            rows -= 0.1 * g
            E[ids] = rows
            return (E ** 2).sum()
    ''', [RNG.standard_normal((7, 3)), np.array([0, 2, 0, 5]), RNG.standard_normal((4, 3))], tmp_path)


def test_decorator_rows_selected_by_a_mask_passed_then_written(tmp_path):
    decorated_right('''
        def f(x, train_mask):
            h = x[train_mask]
            h /= np.linalg.norm(h, axis=1, keepdims=True)
            return h.sum(axis=0) @ x.T
    ''', [X, np.array([True, False, True, True, False])], tmp_path)


def test_decorator_leaves_out_an_array_of_degrees_read_as_repeat_counts(tmp_path):
    # rows = np.repeat(np.arange(len(deg)), deg): deg holds counts (integers with no derivative)
    decorated_right('''
        def f(x, deg, nbrs):
            rows = np.repeat(np.arange(len(deg)), deg)
            msg = x[nbrs] * x[rows]
            return msg.sum(axis=1)
    ''', [X, np.array([2, 1, 2, 2, 1]), np.array([1, 2, 0, 3, 3, 1, 4, 0])], tmp_path)


# --- np.add.reduceat: a CSR matrix's rows summed --------------------------------------------------


def test_csr_rows_summed_by_add_reduceat(tmp_path):
    every_way('''
        def f(x, indptr, indices, W):
            msg = x[indices]
            out = np.add.reduceat(msg, indptr[:-1], axis=0)
            return out @ W
    ''', [X, np.array([0, 2, 3, 5, 7, 8]), np.array([1, 2, 0, 3, 3, 1, 4, 0]), W],
        {"x": "N, D", "indptr": "int P", "indices": "int E", "W": "D, F"}, tmp_path)


def test_add_reduceat_of_indices_not_increasing():
    # an index not below the next sums one element; the last sums to the end
    generated_right('''
        def f(a: "6, 2", w: "2"):
            return np.add.reduceat(a * w, [0, 3, 1, 1, 4], axis=0) ** 2
    ''', [RNG.standard_normal((6, 2)), RNG.standard_normal(2)])


def test_float_bounds_of_arange_read_through_an_item_stay_differentiated():
    # lo = limits[0] bounds np.arange, which takes floats: limits is no array of integers (no label), and
    # arange of a differentiated start is refused rather than its gradient left out
    assert_generated_refused('''
        def f(x, limits):
            lo = limits[0]
            g = np.arange(lo, lo + 1.0, 0.25)
            return x * g.sum()
    ''', [np.array([0.5, 1.5]), np.array([0.3, 2.0])], "np.arange")


def test_batched_negatives_a_matrix_of_labels_without_shapes(tmp_path):
    # negs of (B, K) beside centers of (B,): written on samples with negs a matrix
    every_way('''
        def f(W_in, W_out, centers, contexts, negs):
            v = W_in[centers]
            u = W_out[contexts]
            pos = -np.logaddexp(0, -np.sum(u * v, axis=1))
            neg = -np.logaddexp(0, np.einsum("bkd,bd->bk", W_out[negs], v)).sum(axis=1)
            return -(pos + neg).mean()
    ''', [RNG.standard_normal((7, 3)), RNG.standard_normal((7, 3)), np.array([0, 0, 4]), np.array([2, 0, 6]),
          np.array([[1, 1], [3, 6], [0, 2]])],
        {"W_in": "V, D", "W_out": "V, D", "centers": "int B", "contexts": "int B", "negs": "int B, K"}, tmp_path)


def test_nt_xent_positives_on_a_diagonal_the_code_computes(tmp_path):
    # np.diag(sim, n), n = z1.shape[0]: the views' pairs lie n off the diagonal
    every_way('''
        def f(z1, z2, tau=0.2):
            z = np.concatenate([z1, z2], axis=0)
            z = z / np.linalg.norm(z, axis=1, keepdims=True)
            sim = np.exp(z @ z.T / tau)
            n = z1.shape[0]
            mask = ~np.eye(2 * n, dtype=bool)
            denom = (sim * mask).sum(axis=1)
            pos = np.concatenate([np.diag(sim, n), np.diag(sim, -n)])
            return -np.log(pos / denom).mean()
    ''', [X, RNG.standard_normal((N, D)), 0.2], {"z1": "N, D", "z2": "N, D"}, tmp_path)


def test_decorator_leaves_out_codes_read_only_in_comparisons_through_a_loop(tmp_path):
    # hierarchical softmax: for node, code in zip(path, codes), then code == 1 picks the branch
    decorated_right('''
        def f(h, W_nodes, path, codes):
            loss = 0.0
            for node, code in zip(path, codes):
                s = 1.0 / (1.0 + np.exp(-(W_nodes[node] @ h)))
                loss -= np.log(s) if code == 1 else np.log(1 - s)
            return loss
    ''', [RNG.standard_normal(D), RNG.standard_normal((4, D)), np.array([0, 1, 3]), np.array([1, 0, 1])], tmp_path)


def test_ratings_of_triples_iterated_without_shapes():
    # for (i, j, r) in ratings: i and j index P and Q, so ratings is read as labels (its r gets no gradient);
    # P's and Q's gradients are those of the loss
    generated_right('''
        def f(P, Q, ratings):
            loss = 0.0
            for (i, j, r) in ratings:
                loss += (r - P[i] @ Q[j]) ** 2
            return loss
    ''', [RNG.standard_normal((4, 3)), RNG.standard_normal((5, 3)), [(0, 1, 3.5), (2, 4, 1.0), (0, 1, 2.0)]],
        wrt=("P", "Q"))


def test_edge_index_unpacked_beside_a_vector_of_edge_weights_without_shapes():
    # edge_index sampled of two rows (src, dst = edge_index), its weights w a vector beside features of rank 2
    generated_right('''
        def f(E, edge_index, w):
            src, dst = edge_index
            d = np.zeros(E.shape[0])
            np.add.at(d, dst, w)
            norm = w / np.sqrt(d[dst] * d[src] + 1.0)
            out = np.zeros_like(E)
            np.add.at(out, dst, norm[:, None] * E[src])
            return out
    ''', [X, np.stack([SRC, DST]), EW])
