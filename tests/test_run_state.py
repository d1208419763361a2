"""The training loop every training script shares: segments, checkpoints, resume."""

import argparse

import torch

from training.run_state import resume, train_segments


class _Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = torch.nn.Linear(4, 1)

    @property
    def config(self):
        return argparse.Namespace(to_dict=lambda: {"inputs": 4})


class _Stream(torch.utils.data.IterableDataset):
    def __init__(self, seed):
        super().__init__()
        self.seed = seed

    def __iter__(self):
        g = torch.Generator().manual_seed(self.seed)
        while True:
            x = torch.randn(8, 4, generator=g)
            yield {"x": x, "y": x.sum(dim=1, keepdim=True)}


class _Validation:
    def __init__(self):
        self.calls = 0

    def evaluate(self, net):
        self.calls += 1
        x = torch.ones(1, 4)
        return {"score": -float((net.layer(x) - 4).abs())}


def test_segments_validate_checkpoint_and_resume(tmp_path):
    args = argparse.Namespace(steps=6, validate_every=3, seed=0, lr=0.05)
    net = _Net()
    optimizer = torch.optim.SGD(net.parameters(), lr=args.lr)
    validation, lines = _Validation(), []

    def loss(batch):
        value = torch.nn.functional.mse_loss(net.layer(batch["x"]), batch["y"])
        return value, f"loss {value.item():.3f}"

    step, best = train_segments(tmp_path, net, optimizer, args, 0, -1e9, stream=_Stream, loss=loss,
                                validation=validation, metric="score", say=lines.append)
    assert step == 6 and validation.calls == 2
    assert (tmp_path / "best.pt").is_file() and (tmp_path / "last.pt").is_file()
    assert sum(line.startswith("val step") for line in lines) == 2

    again = _Net()
    opt2 = torch.optim.SGD(again.parameters(), lr=args.lr)
    assert resume(tmp_path / "last.pt", again, opt2) == (6, best)
    args.steps = 9
    step, _ = train_segments(tmp_path, again, opt2, args, 6, best, stream=_Stream, loss=loss,
                             validation=validation, metric="score", say=lines.append)
    assert step == 9 and validation.calls == 3
