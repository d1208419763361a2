"""Every number and name of the similar-songs feature, in one place.

Plays and room sessions (:mod:`app.play_log`), the co-occurrence embedding
(:mod:`app.item2vec`, :mod:`app.cooc_training`), the content and metadata
sources (:mod:`app.similar_sources`) and the fusion (:mod:`app.similar_fusion`)
read their settings here, and so does the benchmark.
"""

from __future__ import annotations

# --- Plays and room sessions ------------------------------------------------------

SESSION_GAP_S = 2 * 60 * 60
"""Seconds without a play after which the next play opens a new room session
(2 h: longer than any break inside one karaoke booking, shorter than the
time between two groups in the same room)."""

PLAYLIST_SESSION_PREFIX = "playlist:"
"""Session ids of imported playlists start with this; app sessions with ``room:``."""

ROOM_SESSION_PREFIX = "room:"

# --- Co-occurrence embedding (item2vec: skip-gram with negative sampling) -----------

COOC_KIND = "song_cooc"
"""``embeddings.kind`` of a song's co-occurrence vector (owner: the song id;
``model_sha256`` holds the training stamp). Kinds starting with ``song`` are
removed with their song by :meth:`app.catalog_store.CatalogStore.delete_song`."""

COOC_DIM = 32
"""Length of a co-occurrence vector (a home catalog's sessions are few: small is enough)."""

COOC_WINDOW = 10
"""Songs on each side of a song that count as its context (seed 003: a window of 10).
As in word2vec, each centre song draws its own window width from 1..COOC_WINDOW,
so nearer neighbours weigh more."""

COOC_NEGATIVES = 5
"""Negative songs drawn per (song, context) pair."""

COOC_NEGATIVE_POWER = 0.75
"""Negatives are drawn with probability proportional to play count ** 0.75 (seed 003)."""

COOC_SUBSAMPLE = 1e-3
"""word2vec's frequent-item subsampling threshold: a song making up a share
``f`` of all plays is kept with probability ``min(1, sqrt(t / f) + t / f)``."""

COOC_EPOCHS = 30
COOC_LEARNING_RATE = 0.05
"""Start learning rate of plain SGD, decayed linearly to 1/100 of it."""
COOC_BATCH = 256
"""(song, context) pairs per vectorised SGD step."""

COOC_MIN_SONG_PLAYS = 1
"""Songs played fewer times than this get no co-occurrence vector (cold start)."""

RETRAIN_MIN_NEW_PLAYS = 20
"""New plays since the last training that make the next training due ..."""
RETRAIN_MIN_GROWTH = 0.1
"""... provided they also add at least this share to the plays trained on."""
RETRAIN_MIN_SESSIONS = 2
"""Fewer sessions of two or more songs than this: nothing to learn yet."""

COOC_STAMP_META_KEY = "similar_cooc_stamp"
"""``meta`` key: the stamp of the current co-occurrence vectors (JSON:
trained_at, plays, sessions, songs, seed)."""

# --- Content, metadata and voice sources --------------------------------------------

CONTENT_HUM = "hum"
CONTENT_MELODY = "melody"
CONTENT_DEFAULT = CONTENT_HUM
"""Which content embedding the app uses: the pooled hum-encoder windows, or the
melody statistics (:mod:`app.song_content`). Chosen by ``bench.similar_bench``'s
content sanity: a transposed, tempo-changed and ornamented rendition finds its
original among the 5 nearest songs 96 % of the time with the hum windows, 75.5 %
with the statistics (for the next song a room sings, neither helps)."""

ERA_SCALE_YEARS = 15.0
"""Release years this far apart count half as close as the same year."""

METADATA_WEIGHTS = {"artist": 3.0, "genre": 2.0, "era": 1.0, "language": 0.5}
"""Points of each agreement in the metadata score (era: scaled by closeness)."""

# --- Fusion ---------------------------------------------------------------------------

SOURCES = ("cooc", "content", "metadata", "voice")
"""The per-source rankings, in the order they are listed in results."""

SOURCE_LABELS = {"cooc": "sung together", "content": "similar melody",
                 "metadata": "same artist, genre or era", "voice": "similar voice"}
"""How a source reads when a result says why it is there."""

FUSION_SCORE_TOTAL = "score_total"
FUSION_TOP3 = "top3"
FUSIONS = (FUSION_SCORE_TOTAL, FUSION_TOP3)
FUSION_DEFAULT = FUSION_SCORE_TOTAL
"""The weighted score total (weights: :data:`DEFAULT_SOURCE_WEIGHTS`, or those fitted on
the room's plays). Chosen by ``python -m bench.similar_bench`` (hit-rate@10 and MRR of the
next song sung, seed 0): weighted, 20.2 % / 0.082, the only fusion that matches the best
single source (metadata alone, 19.8 % / 0.078; on queries from songs never sung 15.7 % /
0.060 against 15.7 % / 0.058); the weighted per-source top 3 gets 11.9 % / 0.058, the
unweighted score total 13.1 % / 0.062 and the unweighted top 3 8.9 % / 0.039."""

RANK_OFFSET = 60.0
"""score total = sum over sources of w / (rank + RANK_OFFSET), rank from 1. Seed 003
summed plain reciprocal ranks (offset 0), where one source's first pick outweighs
songs that every other source ranks 2nd; with 60 (reciprocal rank fusion's usual
constant) agreement between sources counts. Chosen by ``bench.similar_bench`` with
equal weights: hit@10 13.1 % against 11.3 %, MRR 0.062 against 0.047."""

SOURCE_DEPTH = 20
"""A result names a source when that source ranks it within this many songs
(a source of weight 0 never names one)."""

DEFAULT_TOP = 10

# --- Source weights (learned from the room's own plays) --------------------------------

DEFAULT_SOURCE_WEIGHTS = {"cooc": 0.5, "content": 0.0625, "metadata": 1.0, "voice": 0.0}
"""The weights ``w_s`` of the score total (``sum_s w_s / (rank_s + offset)``) until the
room's own plays are enough to fit them (cold start: no training yet, or fewer than
:data:`MIN_FIT_PAIRS` held-out pairs). Fitted by ``python -m bench.similar_bench`` (seed 0)
exactly as the app fits them, on its simulated rooms' *training* sessions only (item2vec
on the first 1,920 of the 2,400, 500 next-song pairs of the last 480), never its test
sessions: held-out MRR 0.090 against 0.071 with equal weights. In those rooms tastes are
artists, genres and eras, so metadata leads, "sung together" helps, melody barely and
voice not at all (weight 0: a cold-start list never says "similar voice"). The bench
prints the weights it fits under its table's heading; copy them here when it changes."""

WEIGHTS_META_KEY = "similar_source_weights"
"""``meta`` key: the weights fitted at the last co-occurrence training (JSON:
weights or null, pairs, held-out MRR and hit@10 of the fit and of the start, stamp)."""

FIT_HOLDOUT_SHARE = 0.2
"""The most recent share of sessions held out of a weight fit's co-occurrence training;
the weights are fitted on what those sessions sang next."""

MIN_FIT_PAIRS = 30
"""Held-out (song, next song) pairs needed to fit weights; fewer: the defaults."""

MAX_FIT_PAIRS = 500
"""At most this many held-out pairs (evenly spread over the held-out sessions): the
fit holds a float32 [4, pairs, songs] array (33 MB for 500 pairs of 4,138 songs)."""

FIT_DEPTH = 100
"""The fit's MRR counts 1 / rank down to this rank, 0 beyond (as the bench does)."""

FIT_GRID = (0.0, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1.0, 2.0, 4.0, 8.0, 16.0)
"""Values a weight may take in the coordinate search (only ratios matter: the
fitted weights are scaled so that the largest is 1)."""

FIT_ROUNDS = 4
"""Coordinate-search passes over the sources at most (it stops when a pass changes nothing)."""
