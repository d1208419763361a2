"""Train the melody model. Resumable; reproducible from its command line.

    python -m training.train_melody [--data DIR] [--run DIR|NAME] [--steps N]

Checkpoints go to ``RUN/last.pt`` every ``--checkpoint-every`` steps and the
best validation model to ``RUN/best.pt``; rerunning the same command resumes
from ``last.pt``. ``--init RUN`` starts a new run from another run's weights
with a fresh optimizer and schedule (the shipped model's second stage, see
``make train-melody``); when RUN's network has fewer ``--channels``, it
is widened first without changing what it computes (:mod:`training.melody_widen`).
``--hard-clips RUN --hard-share S`` draws a share S of each batch from the
training clips RUN's model sang an octave off with their accompaniment
(:mod:`training.melody_hard_clips`; tried, not shipped: training/README.md).
Data comes from ``python -m training.melody_data.build``.
Export with ``python -m training.export_melody``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from training.melody_batches import HARD_MIN_SHARE, BatchStream
from training.melody_model import MelodyNet, MelodyNetConfig, count_macs_per_frame
from training.melody_paths import data_dir, run_path
from training.melody_validation import ValidationSet
from training.melody_widen import widen
from training.run_state import (
    end_segment,
    lr_at,
    open_log,
    resume,
    run_arguments,
    save_checkpoint,
)

VOICING_LOSS_WEIGHT = 0.5


def parse_args(argv=None) -> argparse.Namespace:
    p = run_arguments(__doc__, steps=1200, batch_size=16, lr=3e-3, threads=2, validate_every=200)
    p.add_argument("--data", type=Path, default=None, help="dataset dir (default: the training cache)")
    p.add_argument("--crop-frames", type=int, default=250)
    p.add_argument("--channels", type=int, default=32)
    p.add_argument("--freq-kernel", type=int, default=3, help="pitch-axis taps of the dilated blocks")
    p.add_argument("--checkpoint-every", type=int, default=100)
    p.add_argument("--init", default=None, help="start a new run from the weights of this "
                   "checkpoint, or of this run's last.pt (fresh optimizer and schedule); "
                   "ignored when the run resumes")
    p.add_argument("--hard-clips", default=None, help="a run (or .npy file) whose hard-clip "
                   "scores (python -m training.melody_hard_clips) pick clips to draw more often")
    p.add_argument("--hard-share", type=float, default=0.25,
                   help="average share of a batch drawn from the hard clips (with --hard-clips)")
    return p.parse_args(argv)


def losses(net: MelodyNet, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """(pitch cross-entropy on voiced in-range frames, voicing BCE on all frames)."""
    logits, voicing_logit, _ = net(batch["features"])
    log_probs = torch.log_softmax(logits, dim=-1)
    per_frame = -(batch["target"] * log_probs).sum(dim=-1)
    mask = batch["pitch_mask"].float()
    pitch = (per_frame * mask).sum() / mask.sum().clamp(min=1.0)
    voicing = torch.nn.functional.binary_cross_entropy_with_logits(voicing_logit, batch["voiced"])
    return pitch, voicing


def train_step(net, optimizer, batch, lr: float) -> tuple[float, float]:
    """One optimiser step; returns (pitch loss, voicing loss)."""
    for group in optimizer.param_groups:
        group["lr"] = lr
    pitch_loss, voicing_loss = losses(net, batch)
    loss = pitch_loss + VOICING_LOSS_WEIGHT * voicing_loss
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    optimizer.step()
    return pitch_loss.item(), voicing_loss.item()


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    data = args.data or data_dir()
    run = run_path(args.run, "melody-c32")
    say = open_log(run)

    net = MelodyNet(MelodyNetConfig(channels=args.channels, freq_kernel=args.freq_kernel))
    optimizer = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    step, best = 0, -1.0
    last = run / "last.pt"
    resumed = resume(last, net, optimizer)
    if resumed:
        step, best = resumed
        say(f"resumed at step {step} (best val RPA {best:.4f})")
    elif args.init is not None:
        init = Path(args.init) if str(args.init).endswith(".pt") else run_path(args.init, "") / "last.pt"
        state = torch.load(init, map_location="cpu")
        init_config = MelodyNetConfig(**state.get("config", net.config.to_dict()))
        if init_config.channels < args.channels:  # a narrower trained net, grown (melody_widen)
            small = MelodyNet(init_config)
            small.load_state_dict(state["model"])
            net.load_state_dict(widen(small, args.channels).state_dict())
            say(f"initialised from {init}, widened from {init_config.channels} to {args.channels} channels")
        else:
            net.load_state_dict(state["model"])
            say(f"initialised from {init}")
    say(f"params {sum(p.numel() for p in net.parameters())}, MAC/frame {count_macs_per_frame(net)}")

    from training.melody_data.augment import set_babble_bank
    from training.melody_data.clip_format import load_split

    if (data / "babble.npy").is_file():  # speech the babble noise is cut from
        set_babble_bank(np.load(data / "babble.npy"))
    validation = ValidationSet(load_split(data, "val"), seed=0)  # one fixed set for every run
    hard = None
    if args.hard_clips is not None:
        from training.melody_hard_clips import load_hard_clips

        hard = load_hard_clips(args.hard_clips)
        say(f"hard clips from {args.hard_clips}: {(hard >= HARD_MIN_SHARE).sum()} clips, "
            f"{args.hard_share:.0%} of each batch")
    started, first_step = time.time(), step
    n_shards = -1
    net.train()
    while step < args.steps:
        # Batches are made in a worker process, seeded by the step they start
        # at, so a resumed run continues as the uninterrupted one would. Data
        # is (re)loaded at the start of each segment, which also picks up
        # shards a still-running data build has added since.
        shards = sorted((data / "train").glob("shard_*.npz"))
        if len(shards) != n_shards:
            train = load_split(data, "train")
            n_shards = len(shards)
            say(f"data: {len(train['voice'])} train clips in {n_shards} shards, "
                f"{validation.n_clips} val clips")
        segment_end = min(args.steps, (step // args.validate_every + 1) * args.validate_every)
        stream = BatchStream(train, batch_size=args.batch_size, crop_frames=args.crop_frames,
                             seed=args.seed * 1_000_003 + step, hard=hard, hard_share=args.hard_share)
        loader = torch.utils.data.DataLoader(stream, batch_size=None, num_workers=1, prefetch_factor=4)
        for batch in loader:
            if step >= segment_end:
                break
            pitch_loss, voicing_loss = train_step(net, optimizer, batch, lr_at(step, args.steps, args.lr))
            step += 1
            if step % 20 == 0:
                rate = (time.time() - started) / max(1, step - first_step)
                say(f"step {step} pitch {pitch_loss:.3f} voicing {voicing_loss:.3f} "
                    f"lr {optimizer.param_groups[0]['lr']:.2e} {rate:.2f} s/step")
            if step % args.checkpoint_every == 0:
                save_checkpoint(last, net, optimizer, step, best, args)
        del loader
        best = end_segment(run, net, optimizer, step, best, args, validation, "rpa", say)
    say(f"done at step {step}; best val RPA {best:.4f}; {time.time() - started:.0f} s this run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
