"""Train the hum encoder. Resumable; reproducible from its command line.

    python -m training.train_hum [--run DIR] [--steps N]

Contrastive (InfoNCE, both directions): in a batch of B songs, each simulated
query window must pick its own song's catalog window among the B. Songs are
the hum training split of the corpus tunes plus random walks
(:mod:`training.hum_songs`); the melody encoder's data build must have run
first (it caches the corpus melodies). Checkpoints ``RUN/last.pt`` (resumed
by rerunning) and ``RUN/best.pt`` (best validation MRR). Export with
``python -m training.export_hum``.
"""

from __future__ import annotations

import argparse
import time

import torch

from training.hum_batches import PairStream
from training.hum_model import HumNet, HumNetConfig
from training.hum_songs import load_songs, walk_songs
from training.hum_validation import HumValidation
from training.melody_paths import run_path
from training.run_state import open_log, resume, run_arguments, train_segments


def parse_args(argv=None) -> argparse.Namespace:
    p = run_arguments(__doc__, steps=3000, batch_size=256, lr=2e-3, threads=1, validate_every=250)
    p.add_argument("--temperature", type=float, default=0.05)
    p.add_argument("--walks", type=int, default=3000, help="random-walk songs added to training")
    p.add_argument("--workers", type=int, default=1)
    return p.parse_args(argv)


def info_nce(anchor: torch.Tensor, query: torch.Tensor, temperature: float) -> torch.Tensor:
    logits = query @ anchor.T / temperature
    labels = torch.arange(len(anchor))
    return 0.5 * (torch.nn.functional.cross_entropy(logits, labels)
                  + torch.nn.functional.cross_entropy(logits.T, labels))


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    run = run_path(args.run, "hum-run")
    say = open_log(run)

    net = HumNet(HumNetConfig())
    optimizer = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    step, best = 0, -1.0
    last = run / "last.pt"
    resumed = resume(last, net, optimizer)
    if resumed:
        step, best = resumed
        say(f"resumed at step {step} (best val MRR {best:.4f})")
    songs = load_songs("train") + walk_songs("train", args.walks, args.seed)
    validation = HumValidation(load_songs("val"))
    say(f"params {sum(p.numel() for p in net.parameters())}; {len(songs)} train songs; "
        f"val {len(validation.songs)} songs, {len(validation.catalog)} windows")
    started = time.time()

    def loss(batch: dict) -> tuple[torch.Tensor, str]:
        value = info_nce(net(batch["anchor"]), net(batch["query"]), args.temperature)
        return value, f"loss {value.item():.3f}"

    step, best = train_segments(
        run, net, optimizer, args, step, best, loss=loss, validation=validation, metric="mrr",
        say=say, workers=args.workers,
        stream=lambda seed: PairStream(songs, batch_size=args.batch_size, seed=seed))
    say(f"done at step {step}; best val MRR {best:.4f}; {time.time() - started:.0f} s this run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
