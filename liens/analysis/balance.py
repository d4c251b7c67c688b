"""Functions for signed relations and structural balance (Heider 1946; Cartwright & Harary 1956).

A signed tie carries +1 (trust, alliance, liking) or -1 (distrust, enmity). Signs come from
explicit ratings (events of kind ``rating`` with a ``value``, e.g. Bitcoin OTC's -10..+10):
the sign of a pair is the sign of the sum of its ratings both ways (0 = neutral, dropped).
"""

from __future__ import annotations

import duckdb
import igraph as ig
import numpy as np
import pandas as pd

from liens.analysis.graph import edge_index

__all__ = ["frustration", "signed_balance", "signed_pairs", "triangle_balance"]


def signed_pairs(con: duckdb.DuckDBPyConnection, params) -> pd.DataFrame:
    """One row per unordered pair rated in the window: ``platform, a, b, value, sign``.

    ``value`` = sum of the ratings both ways, ``sign`` = its sign; pairs summing to 0 are
    left out (neutral).
    """
    from liens.analysis.window import events_query

    sql, args = events_query(params)
    return con.execute(
        f"""SELECT platform, least(actor, target) AS a, greatest(actor, target) AS b,
  sum(value) AS value, CAST(sign(sum(value)) AS INTEGER) AS sign
FROM ({sql}) WHERE kind = 'rating' AND value IS NOT NULL AND actor IS NOT NULL
  AND target IS NOT NULL AND actor <> target
GROUP BY ALL HAVING sum(value) <> 0 ORDER BY ALL""",
        args,
    ).df()


def _signed_graph(pairs: pd.DataFrame) -> tuple[ig.Graph, np.ndarray]:
    codes, names = pd.factorize(np.concatenate([pairs["a"], pairs["b"]]))
    e = codes.reshape(2, -1).T
    g = ig.Graph(n=len(names), edges=e, directed=False)
    g.vs["name"] = list(names)
    return g, pairs["sign"].to_numpy(np.int64)


def triangle_balance(pairs: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """Share of balanced triangles, overall and per member (Cartwright & Harary 1956).

    A triangle is *balanced* when the product of its three signs is positive (+++ or +--:
    "the friend of my friend is my friend, the enemy of my enemy is my friend").

    .. math:: B = \\frac{T_{+}}{T_{+} + T_{-}}

    Returns
    -------
    ``(summary, members)``: summary dict ``triangles``, ``balanced``, ``balance_ratio``
    (NaN without triangles) and the counts per type ``t_ppp``, ``t_ppn``, ``t_pnn``,
    ``t_nnn``; members DataFrame ``account, triangles, balanced, balance_ratio``.

    References
    ----------
    Heider, F. (1946). Attitudes and cognitive organization. J. of Psychology, 21, 107-112.
    Cartwright, D., & Harary, F. (1956). Structural balance: a generalization of Heider's
    theory. Psychological Review, 63(5), 277-293.
    """
    g, sign = _signed_graph(pairs)
    n = g.vcount()
    tri = np.asarray(g.list_triangles(), dtype=np.int64).reshape(-1, 3)
    e = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    find = edge_index(np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]], n)
    s2 = np.r_[sign, sign]
    s = np.column_stack(
        [s2[find(tri[:, 0], tri[:, 1])], s2[find(tri[:, 1], tri[:, 2])],
         s2[find(tri[:, 0], tri[:, 2])]]
    )  # fmt: skip
    balanced = s.prod(axis=1) > 0
    negatives = (s < 0).sum(axis=1)
    summary = {
        "triangles": len(tri),
        "balanced": int(balanced.sum()),
        "balance_ratio": float(balanced.mean()) if len(tri) else np.nan,
        **{
            f"t_{k}": int((negatives == i).sum())
            for i, k in enumerate(("ppp", "ppn", "pnn", "nnn"))
        },
    }
    per_t = np.bincount(tri.ravel(), minlength=n)
    per_b = np.bincount(tri[balanced].ravel(), minlength=n)
    members = pd.DataFrame(
        {
            "account": g.vs["name"],
            "triangles": per_t,
            "balanced": per_b,
            "balance_ratio": np.divide(per_b, per_t, out=np.full(n, np.nan), where=per_t > 0),
        }
    )
    return summary, members


def frustration(pairs: pd.DataFrame, *, seed: int = 42, restarts: int = 8) -> dict:
    """Estimate of the frustration index: fewest ties whose sign must change for balance.

    Structural balance theorem (Harary 1953): a signed graph is balanced iff its accounts
    split into two camps with every positive tie inside a camp and every negative tie across.
    For a split x in {-1, +1}^n, the frustrated ties are those with :math:`s_{ij} x_i x_j < 0`;
    the frustration index is the minimum over splits (NP-hard in general).

    Method: start from the signs of the leading eigenvector of the signed adjacency matrix
    (and ``restarts`` - 1 random splits), then greedy local search: repeatedly move the
    account whose move removes the most frustrated ties, until no move helps. The best split
    found gives an **upper bound** of the index (exact on small balanced graphs, where it
    reaches 0).

    Returns
    -------
    dict ``frustrated`` (upper bound), ``frustration_ratio`` (over signed ties),
    ``camps`` (array of -1/+1 per account, in the order of ``accounts``), ``accounts``.

    References
    ----------
    Harary, F. (1953). On the notion of balance of a signed graph. Michigan Math. J., 2.
    Aref, S., & Wilson, M. C. (2018). Measuring partial balance in signed networks.
    Journal of Complex Networks, 6(4), 566-595.
    """
    g, sign = _signed_graph(pairs)
    n = g.vcount()
    e = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    if len(e) == 0:
        return {"frustrated": 0, "frustration_ratio": np.nan, "camps": np.ones(n), "accounts": []}
    rng = np.random.default_rng(seed)
    starts = [_spectral_split(e, sign, n)] + [
        rng.choice([-1, 1], size=n) for _ in range(restarts - 1)
    ]
    best = min((_local_search(e, sign, n, x) for x in starts), key=lambda r: r[0])
    return {
        "frustrated": int(best[0]),
        "frustration_ratio": best[0] / len(e),
        "camps": best[1],
        "accounts": g.vs["name"],
    }


def _spectral_split(e: np.ndarray, sign: np.ndarray, n: int) -> np.ndarray:
    """Signs of the leading eigenvector of the signed adjacency, by power iteration."""
    x = np.ones(n)
    for _ in range(200):
        y = np.bincount(e[:, 0], weights=sign * x[e[:, 1]], minlength=n)
        y += np.bincount(e[:, 1], weights=sign * x[e[:, 0]], minlength=n)
        y += x  # shift by identity: keeps the iteration away from oscillation
        norm = np.linalg.norm(y)
        if norm == 0:
            break
        x = y / norm
    return np.where(x >= 0, 1, -1)


def _local_search(e: np.ndarray, sign: np.ndarray, n: int, x: np.ndarray):
    x = x.copy()
    for _ in range(10 * n + 10):
        agree = sign * x[e[:, 0]] * x[e[:, 1]]  # +1 satisfied, -1 frustrated
        # moving i flips its ties: gain = frustrated - satisfied among them
        gain = np.bincount(e[:, 0], weights=-agree, minlength=n)
        gain += np.bincount(e[:, 1], weights=-agree, minlength=n)
        i = int(np.argmax(gain))
        if gain[i] <= 0:
            break
        x[i] = -x[i]
    frustrated = int((sign * x[e[:, 0]] * x[e[:, 1]] < 0).sum())
    return frustrated, x


def signed_balance(con: duckdb.DuckDBPyConnection, params) -> dict[str, pd.DataFrame]:
    """Registry tables ``signed_balance`` (one row per platform) and ``balance_members``.

    Empty dict when the window holds no rating events.
    """
    pairs = signed_pairs(con, params)
    if pairs.empty:
        return {}
    rows, members = [], []
    for platform, part in pairs.groupby("platform", sort=True):
        summary, mem = triangle_balance(part)
        fr = frustration(part, seed=params.seed)
        rows.append(
            {
                "platform": platform,
                "signed_ties": len(part),
                "negative_share": float((part["sign"] < 0).mean()),
                **summary,
                "frustration_upper_bound": fr["frustrated"],
                "frustration_ratio": fr["frustration_ratio"],
                "frustration_method": "spectral start + greedy local search (upper bound)",
            }
        )
        mem.insert(0, "platform", platform)
        camp = pd.Series(fr["camps"], index=fr["accounts"])
        mem["camp"] = mem["account"].map(camp).to_numpy()
        members.append(mem)
    return {
        "signed_balance": pd.DataFrame(rows),
        "balance_members": pd.concat(members, ignore_index=True),
    }
