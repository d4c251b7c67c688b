"""A synthetic community with the shape of real ones, written to Parquet in batches.

The benchmarks need data larger than the real sets (Higgs: 563k events) to measure how liens
scales. This generator writes ``n_events`` canonical event rows with a fixed seed, with the
features that make real interaction logs hard for an analysis:

- **heavy-tailed activity**: each account's activity is lognormal (sigma 1.6) and its
  popularity (how often it is addressed) is correlated with it, so a few accounts do most of
  the acting and receive most of the attention (as in Higgs and Stack Exchange);
- **communities**: accounts belong to one of ``n_communities`` groups (Zipf-sized); 85% of
  addressed interactions stay inside the actor's group;
- **reciprocity**: 12% of the interactions between two accounts are answered by a reply the
  other way, minutes to hours later;
- **time**: a daily and weekly rhythm over 90 days, plus bursts (a few hours at 8-15 times the
  base rate), events in time order;
- **several kinds**: post, reply, comment, share, quote, mention, reaction, follow, message;
  replies, comments, shares, quotes and reactions point at a recent post (heavy-tailed
  recency) and address its author;
- **text** for posts, replies, comments, quotes and messages, with hashtags drawn from a Zipf
  list (and spelling variants: ``#AllezLaFrance``, ``#allez_la_france``) and ``@mentions``.

Generation is vectorised per batch (numpy and Arrow); 10M events never exist as 10M Python
objects. ``python -m bench.synthetic N OUT.parquet`` writes one file.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["KIND_SHARES", "generate"]

# share of events per kind (sums to 1)
KIND_SHARES: dict[str, float] = {
    "post": 0.12,
    "reply": 0.14,
    "comment": 0.08,
    "share": 0.14,
    "quote": 0.04,
    "mention": 0.08,
    "reaction": 0.30,
    "follow": 0.06,
    "message": 0.04,
}
_ON_POST = ("reply", "comment", "share", "quote", "reaction")  # act on a recent post
_WITH_TEXT = ("post", "reply", "comment", "quote", "message")
_ADDRESSED = ("mention", "follow", "message")  # address an account directly
_WORDS = (  # noqa: SIM905
    "le la les un une des et est pas pour sur avec dans que qui nous vous merci super "
    "bravo nouveau match equipe produit service client prix offre live video photo demain "
    "hier soir matin the and is not for with this that great thanks new team game love "
    "today tonight launch review help support question answer idea event news"
).split()
_TAGS_BASE = [f"topic{i}" for i in range(2000)]
_VARIANTS = ["AllezLaFrance", "allezlafrance", "allez_la_france", "Allez_La_France"]
_DAYS = 90
_START = np.datetime64("2024-03-04T00:00:00", "s")  # a Monday


def _accounts(n: int, rng: np.random.Generator):
    activity = rng.lognormal(0.0, 1.6, n)
    popularity = activity**0.7 * rng.lognormal(0.0, 1.0, n)
    sizes = 1.0 / np.arange(1, 1 + max(1, n // 2500)) ** 0.8  # Zipf-sized communities
    community = rng.choice(len(sizes), size=n, p=sizes / sizes.sum())
    return activity, popularity, community


def _intensity(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative intensity on a minute grid: daily and weekly rhythm plus bursts."""
    minutes = np.arange(_DAYS * 24 * 60 + 1)
    hour = (minutes / 60) % 24
    day = (minutes // 1440) % 7
    rate = (
        0.25 + np.exp(-0.5 * ((hour - 13) / 3.5) ** 2) + 0.8 * np.exp(-0.5 * ((hour - 21) / 2) ** 2)
    )
    rate *= np.where(day >= 5, 0.7, 1.0)
    for _ in range(6):  # bursts: a few hours at 8-15x
        t0 = rng.integers(0, len(minutes) - 600)
        width = rng.integers(60, 360)
        rate[t0 : t0 + width] *= rng.uniform(8, 15)
    cum = np.concatenate([[0.0], np.cumsum(rate[:-1])])
    return minutes.astype(float), cum / cum[-1]


def _names(prefix: str, idx: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(idx), pa.string()), "")


def generate(
    n_events: int,
    path: str | Path,
    *,
    seed: int = 42,
    n_accounts: int | None = None,
    batch_rows: int = 500_000,
) -> Path:
    """Write ``n_events`` synthetic events (canonical columns) to the Parquet file ``path``.

    ``n_accounts`` defaults to ``n_events // 10``. Same seed, same file.
    """
    path = Path(path)
    rng = np.random.default_rng(seed)
    n_acc = n_accounts or max(100, n_events // 10)
    activity, popularity, community = _accounts(n_acc, rng)
    act_cdf = np.cumsum(activity) / activity.sum()
    # popularity CDF per community: accounts sorted by community, searchsorted in its range
    by_com = np.argsort(community, kind="stable")
    pop_sorted = popularity[by_com]
    pop_cum = np.concatenate([[0.0], np.cumsum(pop_sorted)])
    com_lo = np.searchsorted(community[by_com], np.arange(community.max() + 1), "left")
    com_hi = np.searchsorted(community[by_com], np.arange(community.max() + 1), "right")
    grid, cum = _intensity(rng)
    kinds = list(KIND_SHARES)
    shares = np.array([KIND_SHARES[k] for k in kinds])
    kind_arr = pa.array(kinds)
    words = pa.array(_WORDS)
    tags = pa.array(_TAGS_BASE + _VARIANTS)
    tag_w = 1.0 / np.arange(1, len(_TAGS_BASE) + 1) ** 1.1
    tag_w = np.concatenate([tag_w, np.full(len(_VARIANTS), tag_w[5])])
    tag_p = tag_w / tag_w.sum()
    contexts = pa.array([f"group{i}" for i in range(50)])
    ctx_p = 1.0 / np.arange(1, 51)
    ctx_p /= ctx_p.sum()
    post_author = np.empty(0, dtype=np.int64)  # author of every post so far, by post number
    post_ids = 0
    writer = None
    done = 0
    try:
        while done < n_events:
            m = min(batch_rows, n_events - done)
            # base events; 12% of the two-account ones are answered (rows appended below)
            base = m
            idx = np.arange(done, done + base)
            q = (idx + rng.random(base)) / n_events
            minute = np.interp(q, cum, grid)
            ts = _START + (minute * 60).astype("timedelta64[s]")
            kind = rng.choice(len(kinds), size=base, p=shares)
            actor = np.searchsorted(act_cdf, rng.random(base))
            actor = np.minimum(actor, n_acc - 1)
            target = np.full(base, -1, dtype=np.int64)
            parent = np.full(base, -1, dtype=np.int64)
            is_post = kind == kinds.index("post")
            # posts of this batch get numbers in time order
            new_posts = np.flatnonzero(is_post)
            post_no = np.full(base, -1, dtype=np.int64)
            post_no[new_posts] = post_ids + np.arange(len(new_posts))
            post_author = np.concatenate([post_author, actor[new_posts]])
            # the latest post number existing at each event
            latest = post_ids - 1 + np.cumsum(is_post)
            post_ids += len(new_posts)
            on_post = np.isin(kind, [kinds.index(k) for k in _ON_POST]) & (latest >= 0)
            # heavy-tailed recency: most engagement goes to recent posts, some to old ones
            back = np.floor(rng.pareto(1.1, on_post.sum()) * 20).astype(np.int64)
            parent[on_post] = np.maximum(latest[on_post] - back, 0)
            target[on_post] = post_author[parent[on_post]]
            addressed = np.isin(kind, [kinds.index(k) for k in _ADDRESSED])
            na = int(addressed.sum())
            com = community[actor[addressed]]
            stray = rng.random(na) < 0.15
            com[stray] = community[rng.integers(0, n_acc, stray.sum())]
            lo, hi = pop_cum[com_lo[com]], pop_cum[com_hi[com]]
            pick = np.searchsorted(pop_cum, lo + rng.random(na) * (hi - lo), "right") - 1
            target[addressed] = by_com[np.clip(pick, com_lo[com], com_hi[com] - 1)]
            # reciprocity: answer back, minutes to hours later
            pair = (target >= 0) & (target != actor)
            answer = np.flatnonzero(pair & (rng.random(base) < 0.12))
            if len(answer):
                drop = rng.choice(np.flatnonzero(~pair | (rng.random(base) < 0.5)), len(answer))
                # replace as many non-pair events as there are answers: the batch keeps m rows
                keep = np.ones(base, bool)
                keep[drop] = False
                keep[answer] = True
                delay = rng.lognormal(7.0, 1.5, len(answer)).astype("timedelta64[s]")
                ts = np.concatenate([ts[keep], ts[answer] + delay])
                kind = np.concatenate([kind[keep], np.full(len(answer), kinds.index("reply"))])
                a2 = np.concatenate([actor[keep], target[answer]])
                target = np.concatenate([target[keep], actor[answer]])
                actor = a2
                parent = np.concatenate([parent[keep], parent[answer]])
                post_no = np.concatenate([post_no[keep], np.full(len(answer), -1)])
                order = np.argsort(ts, kind="stable")
                ts, kind, actor, target = ts[order], kind[order], actor[order], target[order]
                parent, post_no = parent[order], post_no[order]
            n = min(len(ts), n_events - done)
            ts, kind, actor, target = ts[:n], kind[:n], actor[:n], target[:n]
            parent, post_no = parent[:n], post_no[:n]
            ids = np.arange(done, done + n)
            table = _table(
                rng,
                n,
                ids,
                ts,
                kind,
                actor,
                target,
                parent,
                post_no,
                kind_arr,
                kinds,
                words,
                tags,
                tag_p,
                contexts,
                ctx_p,
                community,
                n_acc,
            )
            if writer is None:
                writer = pq.ParquetWriter(str(path), table.schema, compression="zstd")
            writer.write_table(table)
            done += n
    finally:
        if writer is not None:
            writer.close()
    return path


def _table(
    rng,
    n,
    ids,
    ts,
    kind,
    actor,
    target,
    parent,
    post_no,
    kind_arr,
    kinds,
    words,
    tags,
    tag_p,
    contexts,
    ctx_p,
    community,
    n_acc,
) -> pa.Table:
    has_text = np.isin(kind, [kinds.index(k) for k in _WITH_TEXT])
    nw = len(words)
    parts = [words.take(pa.array(rng.integers(0, nw, n))) for _ in range(6)]
    tag = pc.binary_join_element_wise(
        "#", tags.take(pa.array(rng.choice(len(tags), n, p=tag_p))), ""
    )
    parts.insert(rng.integers(0, 6), tag)
    # a second hashtag on a third of the texts, a mention on a quarter
    tag2 = pc.binary_join_element_wise(
        "#", tags.take(pa.array(rng.choice(len(tags), n, p=tag_p))), ""
    )
    parts.append(pc.if_else(pa.array(rng.random(n) < 0.33), tag2, ""))
    mentioned = np.where(target >= 0, target, rng.integers(0, n_acc, n))
    parts.append(pc.if_else(pa.array(rng.random(n) < 0.25), _names("@u", mentioned), ""))
    text = pc.utf8_trim_whitespace(pc.binary_join_element_wise(*parts, " "))
    text = pc.if_else(pa.array(has_text), text, pa.scalar(None, pa.string()))
    t = pa.array(target)
    post = np.where(post_no >= 0, post_no, -1)
    own_post = np.flatnonzero(
        np.isin(kind, [kinds.index(k) for k in ("reply", "comment", "quote")])
    )
    post[own_post] = -2 - ids[own_post]  # replies, comments and quotes are publications too
    post_id = pc.if_else(
        pa.array(post >= 0),
        _names("p", np.maximum(post, 0)),
        pc.if_else(
            pa.array(post <= -2),
            _names("r", -2 - np.minimum(post, -2)),
            pa.scalar(None, pa.string()),
        ),
    )
    parent_id = pc.if_else(
        pa.array(parent >= 0), _names("p", np.maximum(parent, 0)), pa.scalar(None, pa.string())
    )
    ctx = np.where(
        rng.random(n) < 0.7, community[actor] % len(contexts), rng.choice(len(contexts), n, p=ctx_p)
    )
    return pa.table(
        {
            "event_id": _names("e", ids),
            "kind": kind_arr.take(pa.array(kind)),
            "actor": _names("u", actor),
            "target": pc.if_else(
                pc.greater_equal(t, 0),
                _names("u", np.maximum(target, 0)),
                pa.scalar(None, pa.string()),
            ),
            "created_at": pa.array(ts.astype("datetime64[s]"), pa.timestamp("s", tz="UTC")),
            "text": text,
            "post_id": post_id,
            "parent_post_id": parent_id,
            "context": contexts.take(pa.array(ctx)),
            "lang": pa.array(np.where(rng.random(n) < 0.6, "fr", "en")),
        }
    )


def main(argv: list[str]) -> None:
    n, out = int(argv[0]), Path(argv[1])
    t = time.perf_counter()
    generate(n, out)
    size = out.stat().st_size / 1e6
    print(f"{n:,} events -> {out} ({size:.0f} MB) in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
