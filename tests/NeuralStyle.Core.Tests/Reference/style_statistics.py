"""An independent implementation of the style statistics' losses in PyTorch (Debian's python3-torch),
in float64, for StyleStatisticReferenceTests: each loss's value and its gradient with respect to the
features, by PyTorch's autograd. The matrix square roots come from an eigendecomposition
(torch.linalg.eigh), not from Newton-Schulz iteration as in the library, and the covariances from
centred features, not from raw second moments.

Reads a JSON list of cases on stdin; writes a JSON list of {"value": v, "gradient": [...]} on stdout.
"""
import json
import sys

import torch


def tensor(spec):
    return torch.tensor(spec["data"], dtype=torch.float64).reshape(spec["shape"])


def scaled_mse(x, target, eps=1e-8):
    # crowsonkb/style-transfer-pytorch's ScaledMSELoss.
    diff = x - target
    return diff.pow(2).sum() / diff.abs().sum().add(eps)


def gram(features):
    flat = features.flatten(2)
    return flat @ flat.transpose(1, 2) / flat.shape[2]


def sqrtm(matrices):
    values, vectors = torch.linalg.eigh(matrices)
    return vectors @ torch.diag_embed(values.clamp(min=0).sqrt()) @ vectors.transpose(-1, -2)


def gaussian_fit(features):
    flat = features.flatten(2)
    mean = flat.mean(2)
    centred = flat - mean.unsqueeze(2)
    return mean, centred @ centred.transpose(1, 2) / flat.shape[2]


def trace(matrices):
    return matrices.diagonal(dim1=-2, dim2=-1).sum(-1)


def wasserstein(features, target, normalization):
    mean, cov = gaussian_fit(features)
    target_mean, target_cov = gaussian_fit(target)
    root = sqrtm(target_cov)
    squared = (mean - target_mean).pow(2).sum(1) + trace(cov) + trace(target_cov) - 2 * trace(sqrtm(root @ cov @ root))
    per_channel = squared / features.shape[1]
    if normalization == "gradient":
        per_channel = (per_channel.clamp(min=0) + 1e-16).sqrt() - 1e-8
    return per_channel.mean()


def sliced(features, target, directions, normalization):
    projected = (directions.t() @ features.flatten(2)).sort(2).values
    target_projected = (directions.t() @ target.flatten(2)).sort(2).values
    if normalization == "gradient":
        return scaled_mse(projected, target_projected)
    return (projected - target_projected).pow(2).mean()


def evaluate(case):
    x = tensor(case["input"]).requires_grad_(True)
    target = tensor(case["target"])
    op = case["op"]
    if op == "scaled_mse":
        loss = scaled_mse(x, target)
    elif op == "gram_scaled_mse":
        loss = scaled_mse(gram(x), gram(target))
    elif op == "wasserstein":
        loss = wasserstein(x, target, case["normalization"])
    elif op == "sliced":
        loss = sliced(x, target, tensor(case["directions"]), case["normalization"])
    else:
        raise ValueError("unknown op " + op)
    loss.backward()
    return {"value": loss.item(), "gradient": x.grad.flatten().tolist()}


json.dump([evaluate(case) for case in json.load(sys.stdin)], sys.stdout)
