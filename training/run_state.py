"""What every training script does the same way: its log, its learning-rate
schedule, and checkpoints it can resume from.

A checkpoint is a torch file with ``model``, ``optimizer``, ``step``, ``best``
(the best validation score so far), the network's ``config`` and the command
line ``args``; it is written to a temporary name and renamed, so a run killed
mid-write keeps its previous checkpoint.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Callable
from pathlib import Path

import torch


def run_arguments(doc: str, *, steps: int, batch_size: int, lr: float, threads: int,
                  validate_every: int) -> argparse.ArgumentParser:
    """A parser with the options every training script has (``--run``,
    ``--steps``, ``--batch-size``, ``--lr``, ``--threads``, ``--seed``,
    ``--validate-every``) at that script's defaults; the script adds its own."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", default=None, help="run dir for checkpoints and logs, or a run "
                   "name under the training cache's runs/ (default: the script's run)")
    p.add_argument("--steps", type=int, default=steps)
    p.add_argument("--batch-size", type=int, default=batch_size)
    p.add_argument("--lr", type=float, default=lr, help="peak learning rate")
    p.add_argument("--threads", type=int, default=threads)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--validate-every", type=int, default=validate_every, help="steps per segment")
    return p


def open_log(run: Path) -> Callable[[str], None]:
    """A ``say(msg)`` that prints and appends to ``run/train.log`` (creating ``run``)."""
    run.mkdir(parents=True, exist_ok=True)
    log = (run / "train.log").open("a")

    def say(msg: str) -> None:
        print(msg, flush=True)
        log.write(msg + "\n")
        log.flush()

    return say


def lr_at(step: int, total: int, peak: float, warmup: int = 100) -> float:
    """Linear warm-up to ``peak`` over ``warmup`` steps, then cosine decay to 2 % of it at ``total``."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (0.02 + 0.98 * 0.5 * (1.0 + math.cos(math.pi * progress)))


def save_checkpoint(path: Path, net, optimizer, step: int, best: float, args) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save({"model": net.state_dict(), "optimizer": optimizer.state_dict(), "step": step,
                "best": best, "config": net.config.to_dict(),
                "args": {k: str(v) for k, v in vars(args).items()}}, tmp)
    tmp.replace(path)


def end_segment(run: Path, net, optimizer, step: int, best: float, args, validation, metric: str,
                say: Callable[[str], None]) -> float:
    """Validate ``net`` (``validation.evaluate(net)`` in eval mode, then back
    to training mode), log the scores, keep ``run/best.pt`` when ``metric``
    beats ``best``, write ``run/last.pt``. Returns the best score so far."""
    net.eval()
    metrics = validation.evaluate(net)
    net.train()
    say(f"val step {step} " + json.dumps(metrics))
    if metrics[metric] > best:
        best = metrics[metric]
        save_checkpoint(run / "best.pt", net, optimizer, step, best, args)
    save_checkpoint(run / "last.pt", net, optimizer, step, best, args)
    return best


def train_segments(run: Path, net, optimizer, args, step: int, best: float, *,
                   stream: Callable[[int], torch.utils.data.IterableDataset],
                   loss: Callable[[dict], tuple[torch.Tensor, str]], validation, metric: str,
                   say: Callable[[str], None], workers: int = 0) -> tuple[int, float]:
    """Train from ``step`` to ``args.steps`` in segments of ``args.validate_every``
    steps, each ending with :func:`end_segment`. Returns (step, best).

    stream(seed): the endless batch source of one segment, seeded by the step it
    starts at, so a resumed run continues as the uninterrupted one would.
    loss(batch): the loss to minimise and a short text for the log (every 25 steps).
    """
    started, first = time.time(), step
    while step < args.steps:
        end = min(args.steps, (step // args.validate_every + 1) * args.validate_every)
        loader = torch.utils.data.DataLoader(stream(args.seed * 100_003 + step), batch_size=None,
                                             num_workers=workers,
                                             prefetch_factor=4 if workers else None)
        net.train()
        for batch in loader:
            if step >= end:
                break
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step, args.steps, args.lr)
            value, text = loss(batch)
            optimizer.zero_grad(set_to_none=True)
            value.backward()
            optimizer.step()
            step += 1
            if step % 25 == 0:
                rate = (time.time() - started) / max(1, step - first)
                say(f"step {step} {text} lr {optimizer.param_groups[0]['lr']:.2e} {rate:.2f} s/step")
        del loader
        best = end_segment(run, net, optimizer, step, best, args, validation, metric, say)
    return step, best


def resume(path: Path, net, optimizer) -> tuple[int, float] | None:
    """Load ``path`` into ``net`` and ``optimizer`` if it exists; (step, best) or None."""
    if not path.exists():
        return None
    state = torch.load(path, map_location="cpu")
    net.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return int(state["step"]), float(state["best"])
