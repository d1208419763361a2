"""Train the timbre (singer) encoder. Resumable; reproducible from its command line.

    python -m training.train_timbre [--run DIR] [--steps N] [--threads N] [--workers N] [--init PT]

Needs ``python -m training.timbre_data.build`` first. Each step takes P
singers, two takes of different songs each, and the resampled "other
singer" negatives of :mod:`training.timbre_batches`; the loss is a
symmetric InfoNCE (every take must pick its partner among all other takes
and negatives) plus a binary cross-entropy for the gender head. Checkpoints
``RUN/last.pt`` (resumed by rerunning) and ``RUN/best.pt`` (lowest
validation EER). Export with ``python -m training.export_timbre``.
"""

from __future__ import annotations

import argparse
import time

import torch
from torch.nn import functional as F

from training.melody_paths import run_path
from training.run_state import open_log, resume, run_arguments, train_segments
from training.timbre_batches import TimbreStream
from training.timbre_data.store import default_data_dir, load_split
from training.timbre_model import TimbreNet, TimbreNetConfig, parameter_count
from training.timbre_validation import TimbreValidation


def parse_args(argv=None) -> argparse.Namespace:
    p = run_arguments(__doc__, steps=3000, batch_size=48, lr=2e-3, threads=1, validate_every=250)
    p.add_argument("--temperature", type=float, default=0.1)
    p.add_argument("--gender-weight", type=float, default=0.3)
    p.add_argument("--frames", default="150,300", help="crop length range, frames (10 ms)")
    p.add_argument("--workers", type=int, default=1, help="batch-making processes")
    p.add_argument("--init", default=None, help="start a new run from these weights (a run's "
                   "checkpoint or training/weights/timbre.pt); ignored when the run resumes")
    return p.parse_args(argv)


def contrastive_loss(anchor: torch.Tensor, positive: torch.Tensor, negative: torch.Tensor,
                     temperature: float) -> torch.Tensor:
    """Symmetric InfoNCE over 2P takes: take k's partner is its own singer's other
    take; every other take and every negative is a wrong answer."""
    n = len(anchor)
    takes = torch.cat([anchor, positive])
    candidates = torch.cat([takes, negative])
    logits = takes @ candidates.T / temperature
    logits[:, : 2 * n].fill_diagonal_(float("-inf"))
    partner = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(logits, partner)


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    run = run_path(args.run, "timbre-run")
    say = open_log(run)
    frames = tuple(int(v) for v in args.frames.split(","))

    net = TimbreNet(TimbreNetConfig())
    optimizer = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    step, best = 0, -1.0
    resumed = resume(run / "last.pt", net, optimizer)
    if resumed:
        step, best = resumed
        say(f"resumed at step {step} (best val 1 - EER {best:.4f})")
    elif args.init is not None:
        net.load_state_dict(torch.load(args.init, map_location="cpu")["model"])
        say(f"initialised from {args.init}")
    train = load_split(default_data_dir(), "train")
    validation = TimbreValidation(load_split(default_data_dir(), "val"))
    say(f"params {parameter_count(net)}; {len(train)} train clips of {len(train.singers)} singers; "
        f"val {len(validation.takes)} takes")
    started = time.time()

    def loss(batch: dict) -> tuple[torch.Tensor, str]:
        n, m = len(batch["anchor"]), len(batch["negative"])
        emb, logit = net(torch.cat([batch["anchor"], batch["positive"], batch["negative"]]))
        nce = contrastive_loss(emb[:n], emb[n:2 * n], emb[2 * n:2 * n + m], args.temperature)
        gender = F.binary_cross_entropy_with_logits(logit[:2 * n], batch["female"].repeat(2))
        return nce + args.gender_weight * gender, f"nce {nce.item():.3f} gender {gender.item():.3f}"

    step, best = train_segments(
        run, net, optimizer, args, step, best, loss=loss, validation=validation, metric="score",
        say=say, workers=args.workers,
        stream=lambda seed: TimbreStream(train, n_singers=args.batch_size, frames=frames, seed=seed))
    say(f"done at step {step}; best val 1 - EER {best:.4f}; {time.time() - started:.0f} s this run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
