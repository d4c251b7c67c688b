"""Functions classifying publications into the content types that win the race to likes.

Seed 004 lists the recurring types of content that climb the likes: *l'actualité, la
politique, l'humour, le people, la râlerie, le sensationnel, l'insolite* (news, politics,
humour, people, complaint, sensational, unusual). This module gives each text a type and the
cues that decided it, with transparent French and English word lists (:data:`LEXICONS`, written
for liens) and a few rules on punctuation and emoji, and measures which types bring engagement
to this account.

Tables written by ``liens analyze``:

``content_types``
    one row per original post with text: ``platform, post_id, content_type, cues`` and one
    score column per type (:func:`classify_texts`).
``content_type_engagement``
    per type: posts, mean and median engagement, bootstrap interval, lift over all posts
    (:func:`content_type_engagement`).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.engagement import post_engagement
from liens.analysis.forecast import DEFAULT_POST_KINDS

__all__ = [
    "LEXICONS",
    "OTHER",
    "PRIORITY",
    "RULES",
    "TYPES",
    "classify_texts",
    "content_type_engagement",
    "run",
]

TYPES = ("news", "politics", "humour", "people", "complaint", "sensational", "unusual")
OTHER = "other"

# Word lists, French and English, matched as whole words on lower-cased text without accents
# (so "élection" and "election" are one cue). A trailing "*" matches any ending ("scandal*"
# matches scandale, scandals). Written from the seed's definitions: news reports an event;
# politics names institutions, parties, votes and public policy; humour signals a joke;
# people names celebrity and private life of the famous; complaint is the author grumbling
# (râlerie) about a service, a price, a delay, the weather; sensational dramatises (shock,
# record, unbelievable); unusual points at the odd and curious (insolite).
LEXICONS: dict[str, tuple[str, ...]] = {
    "news": (
        "breaking",
        "update",
        "updates",
        "report*",
        "according to",
        "officials",
        "official",
        "confirm*",
        "announce*",
        "press",
        "news",
        "live",
        "death toll",
        "killed",
        "dead",
        "injured",
        "evacuat*",
        "police",
        "firefighters",
        "rescue*",
        "authorities",
        "reuters",
        "ap",
        "afp",
        "bbc",
        "cnn",
        "latest",
        "says",
        "said",
        "selon",
        "info",
        "infos",
        "actu",
        "actualite",
        "direct",
        "en direct",
        "annonce*",
        "bilan",
        "morts",
        "victimes",
        "blesses",
        "pompiers",
        "gendarmerie",
        "autorites",
        "communique",
        "evacu*",
        "derniere heure",
        "flash",
        "depeche",
    ),
    "politics": (
        "government",
        "governor",
        "president",
        "minister",
        "prime minister",
        "parliament",
        "congress",
        "senate",
        "senator",
        "election*",
        "vote",
        "voters",
        "campaign",
        "democrat*",
        "republican*",
        "obama",
        "romney",
        "policy",
        "law",
        "mayor",
        "party",
        "political",
        "politic*",
        "tax",
        "taxes",
        "gouvernement",
        "ministre",
        "premier ministre",
        "depute*",
        "senat*",
        "assemblee",
        "elu",
        "elus",
        "maire",
        "president",
        "presidentielle",
        "parti",
        "gauche",
        "droite",
        "loi",
        "impot*",
        "harper",
        "marois",
        "hollande",
        "macron",
        "sarkozy",
        "politique*",
        "manif*",
        "greve",
        "syndicat*",
    ),
    "humour": (
        "lol",
        "lmao",
        "rofl",
        "haha*",
        "hehe*",
        "joke*",
        "funny",
        "hilarious",
        "kidding",
        "pun",
        "irony",
        "ironic",
        "mdr",
        "ptdr",
        "xd",
        "blague*",
        "drole*",
        "humour",
        "rigol*",
        "marrant*",
        "pour rire",
        "trop fort",
    ),
    "people": (
        "celebrity",
        "celebrities",
        "star",
        "stars",
        "actor",
        "actress",
        "singer",
        "famous",
        "kardashian",
        "bieber",
        "beyonce",
        "rihanna",
        "gaga",
        "prince",
        "royal",
        "wedding",
        "divorce",
        "girlfriend",
        "boyfriend",
        "married",
        "pregnant",
        "baby",
        "paparazzi",
        "hollywood",
        "tmz",
        "vedette*",
        "celebre*",
        "chanteu*",
        "acteur",
        "actrice",
        "people",
        "mariage",
        "enceinte",
        "couple",
        "rupture",
        "starlette",
    ),
    "complaint": (
        "complain*",
        "annoying",
        "annoyed",
        "fed up",
        "sick of",
        "tired of",
        "worst",
        "terrible",
        "awful",
        "ridiculous",
        "unacceptable",
        "useless",
        "disappointed",
        "disappointing",
        "refund",
        "customer service",
        "still waiting",
        "waiting for",
        "delay*",
        "cancel*",
        "overpriced",
        "rip off",
        "ripoff",
        "scam",
        "why can't",
        "why cant",
        "ugh",
        "wtf",
        "damn",
        "marre",
        "ras le bol",
        "j'en ai marre",
        "nul",
        "nulle",
        "honte",
        "inadmissible",
        "scandaleux",
        "arnaque",
        "rembourse*",
        "retard*",
        "attente",
        "toujours pas",
        "pas normal",
        "pourquoi",
        "galere",
        "chiant*",
        "deg",
        "plainte",
        "rale*",
        "insupportable",
        "inacceptable",
    ),
    "sensational": (
        "shocking",
        "shock*",
        "incredible",
        "unbelievable",
        "insane",
        "horrific",
        "horror",
        "terrifying",
        "devastat*",
        "massive",
        "huge",
        "epic",
        "record",
        "omg",
        "oh my god",
        "you won't believe",
        "must see",
        "must watch",
        "amazing",
        "dramatic",
        "chaos",
        "apocalyp*",
        "nightmare",
        "choc",
        "choquant*",
        "incroyable",
        "hallucinant*",
        "terrifiant*",
        "enorme",
        "dingue",
        "fou",
        "folle",
        "cauchemar",
        "spectaculaire",
        "impressionnant*",
        "effroyable",
        "horreur",
        "historique",
        "a voir absolument",
    ),
    "unusual": (
        "weird",
        "strange",
        "odd",
        "bizarre",
        "unusual",
        "curious",
        "curiosity",
        "rare",
        "never seen",
        "believe it or not",
        "oddly",
        "quirky",
        "surprising",
        "surprise*",
        "mystery",
        "mysterious",
        "wtf moment",
        "insolite",
        "etrange",
        "etonnant*",
        "inedit*",
        "jamais vu",
        "surprenant*",
        "mystere",
        "mysterieu*",
        "improbable",
        "cocasse",
        "original",
        "unique",
        "anecdote",
    ),
}

# Punctuation and emoji rules: each adds one cue to its type (regular expressions on the
# original text, so capitals and emoji are still there).
RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "humour": (("laughing emoji", "[😂🤣😆😹😜]"), ("wink", r"(?:^|\s)[;:]-?[)pP](?:\s|$)")),
    "sensational": (
        ("!!", "!{2,}"),
        ("?!", r"\?!|!\?"),
        ("shouting", r"\b[A-Z]{5,}\b"),
        ("alarm emoji", "[😱🔥💥🚨😮]"),
    ),
    "complaint": (("angry emoji", "[😡😠🤬😤👎]"),),
    "news": (("breaking:", r"(?i)^\s*(?:rt\s+@\w+:?\s*)?(?:breaking|urgent|flash)\b"),),
}

# When two types have the same number of cues, the more specific wins: a complaint about the
# weather mentions the news too; news is the most generic type and loses every tie.
PRIORITY = ("complaint", "humour", "people", "politics", "unusual", "sensational", "news")


def _pattern(words: Sequence[str]) -> str:
    alts = []
    for w in sorted(words, key=len, reverse=True):
        stem = w.rstrip("*")
        esc = "".join("\\" + c if c in ".+?()[]{}|^$\\" else c for c in stem)
        esc = esc.replace(" ", r"\s+")
        alts.append(esc + (r"[a-z]*" if w.endswith("*") else ""))
    return r"\b(?:" + "|".join(alts) + r")\b"


def classify_texts(
    texts: Sequence[str | None] | pd.Series,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """The content type of each text and the cues that decided it.

    For each type :math:`k`, :math:`score_k(x)` is the number of cue occurrences of the type's
    word list (:data:`LEXICONS`) and rules (:data:`RULES`) found in text :math:`x`; the type
    is :math:`\\arg\\max_k score_k`, ties broken by :data:`PRIORITY`, and ``other`` when no
    cue is found.

    Parameters
    ----------
    texts : the texts (None and empty give ``other``).
    con : a DuckDB connection to run the matching on (a private one by default).

    Returns
    -------
    DataFrame aligned with ``texts``: ``content_type``, ``cues`` (list of the cues found,
    as ``type:cue``), and ``score_<type>`` for every type.

    Notes
    -----
    Words are matched on lower-cased text with accents removed, so French and English lists
    share one matcher; a word list cannot see irony or context, which is why the cues are
    returned: a reader can check every decision. Measured precision and recall on hand
    labelled posts are in ``docs/engagement.md`` (``bench/eval_content_types.py``).

    Examples
    --------
    >>> classify_texts(["J'en ai marre, encore 2 h de retard !"])["content_type"].tolist()
    ['complaint']
    """
    own = con is None
    con = con or duckdb.connect()
    df = pd.DataFrame({"i": range(len(texts)), "text": pd.Series(list(texts), dtype="string")})
    con.register("_ct_texts", df)
    try:
        parts, args = [], []
        for k in TYPES:
            # Patterns go in as parameters: word lists hold apostrophes.
            words = "regexp_extract_all(norm, ?)"
            args.append(_pattern(LEXICONS[k]))
            rules = []
            for name, rx in RULES.get(k, ()):
                rules.append("CASE WHEN regexp_matches(text, ?) THEN [?] ELSE [] END")
                args += [rx, name]
            expr = "list_concat(" + ", ".join([words, *rules]) + ")" if rules else words
            parts.append(f"{expr} AS c_{k}")
        out = con.execute(
            f"""
SELECT i, {", ".join(parts)}
FROM (SELECT i, coalesce(text, '') AS text,
             regexp_replace(strip_accents(lower(coalesce(text, ''))), '[’`]', '''', 'g') AS norm
      FROM _ct_texts)
ORDER BY i""",
            args,
        ).df()
    finally:
        con.unregister("_ct_texts")
        if own:
            con.close()
    scores = np.column_stack([out[f"c_{k}"].map(len).to_numpy() for k in TYPES])
    order = np.array([PRIORITY.index(k) for k in TYPES])
    # Highest score first, then the earliest type in PRIORITY.
    key = scores * 100 - order
    best = key.argmax(axis=1)
    result = pd.DataFrame(
        {"content_type": np.where(scores.max(axis=1) > 0, np.array(TYPES)[best], OTHER)}
    )
    cues = out[[f"c_{k}" for k in TYPES]]
    result["cues"] = [
        [f"{k}:{c.strip()}" for k, cs in zip(TYPES, row, strict=True) for c in cs]
        for row in cues.itertuples(index=False)
    ]
    for j, k in enumerate(TYPES):
        result[f"score_{k}"] = scores[:, j]
    return result


def content_type_engagement(
    types: pd.DataFrame,
    engagement: pd.DataFrame,
    *,
    n_boot: int = 1000,
    level: float = 0.9,
    seed: int = 42,
    min_posts: int = 10,
) -> pd.DataFrame:
    """Which content types bring engagement on this account: mean engagement by type.

    :math:`lift_k = \\bar E_k / \\bar E - 1`, the mean engagement of the posts of type
    :math:`k` over that of all posts, with a percentile bootstrap interval of the type's mean
    (posts resampled within the type, ``seed`` fixed).

    Parameters
    ----------
    types : ``platform, post_id, content_type`` (from :func:`classify_texts`).
    engagement : ``platform, post_id, engagement`` (from ``post_engagement``).
    n_boot, level, seed : bootstrap settings.
    min_posts : below this, ``enough_history`` is false and the lift NaN.

    Returns
    -------
    DataFrame, one row per type present: ``content_type, posts, share, mean, median,
    mean_low, mean_high, lift, enough_history``.
    """
    df = types.merge(engagement, on=["platform", "post_id"])
    overall = df["engagement"].mean() if len(df) else np.nan
    rng = np.random.default_rng(seed)
    rows = []
    a = (1 - level) / 2
    for k, g in df.groupby("content_type"):
        v = g["engagement"].to_numpy(dtype=float)
        boot = v[rng.integers(0, len(v), size=(n_boot, len(v)))].mean(axis=1)
        enough = len(v) >= min_posts
        rows.append(
            {
                "content_type": k,
                "posts": len(v),
                "share": len(v) / len(df),
                "mean": v.mean(),
                "median": float(np.median(v)),
                "mean_low": float(np.quantile(boot, a)),
                "mean_high": float(np.quantile(boot, 1 - a)),
                "lift": v.mean() / overall - 1 if enough and overall > 0 else np.nan,
                "enough_history": enough,
            }
        )
    cols = ["content_type", "posts", "share", "mean", "median", "mean_low", "mean_high", "lift"]
    return pd.DataFrame(rows, columns=[*cols, "enough_history"])


def run(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> dict[str, pd.DataFrame]:
    kinds = list(params.options.get("forecast_post_kinds", DEFAULT_POST_KINDS))
    posts = con.execute(
        f"""SELECT platform, post_id, concat_ws(' ', title, text) AS text FROM posts
WHERE kind IN ({", ".join("?" for _ in kinds)}) AND coalesce(title, text) IS NOT NULL
ORDER BY created_at, post_id""",
        kinds,
    ).df()
    types = pd.concat([posts[["platform", "post_id"]], classify_texts(posts["text"], con)], axis=1)
    pe = post_engagement(con, params)[["platform", "post_id", "engagement"]]
    return {
        "content_types": types,
        "content_type_engagement": content_type_engagement(types, pe, seed=params.seed),
    }
