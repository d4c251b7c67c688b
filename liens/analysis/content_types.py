"""Functions classifying publications into the content types that win the race to likes.

Seed 004 lists the recurring types of content that climb the likes: *l'actualité, la
politique, l'humour, le people, la râlerie, le sensationnel, l'insolite* (news, politics,
humour, people, complaint, sensational, unusual). This module gives each text the types it
carries (zero, one or several, the main one first) and the cues that decided them, with
transparent French and English word lists (:data:`LEXICONS`, written for liens) and a few
rules on punctuation, emoji and the shape of headlines (:data:`RULES`), and measures which
types bring engagement to this account.

Tables written by ``liens analyze``:

``content_types``
    one row per original post with text: ``platform, post_id, content_type`` (main type),
    ``content_types`` (every type with a cue), ``cues`` and one score column per type
    (:func:`classify_texts`).
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
from liens.analysis.resampling import bootstrap_means

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
        "breaking news",
        "update",
        "updates",
        "report",
        "reports",
        "reported",
        "reportedly",
        "according to",
        "officials",
        "official",
        "confirm*",
        "announce*",
        "press conference",
        "news conference",
        "live coverage",
        "live updates",
        "death toll",
        "killed",
        "confirmed dead",
        "injured",
        "injuries",
        "wounded",
        "evacuat*",
        "police",
        "firefighters",
        "rescue*",
        "authorities",
        "suspect*",
        "hostage*",
        "gunm*",
        "shooting",
        "explosion*",
        "derail*",
        "crash",
        "crashes",
        "crashed",
        "investigation",
        "reuters",
        "afp",
        "bbc",
        "cnn",
        "latest",
        "says",
        "selon",
        "info",
        "infos",
        "actu",
        "actus",
        "actualite*",
        "en direct",
        "annonce*",
        "bilan",
        "morts",
        "deces",
        "victimes",
        "disparus",
        "blesses",
        "pompiers",
        "gendarmerie",
        "surete du quebec",
        "autorites",
        "communique",
        "evacu*",
        "enquete",
        "incendie",
        "deraillement",
        "tragedie",
        "inauguration",
        "derniere heure",
        "flash",
        "depeche",
        "etude",
    ),
    "politics": (
        "government",
        "governor",
        "gov",
        "president",
        "minister",
        "prime minister",
        "parliament",
        "congress",
        "senate",
        "senator",
        "election*",
        "vote",
        "voted",
        "voters",
        "campaign",
        "democrat*",
        "republican*",
        "gop",
        "liberals",
        "conservatives",
        "obama",
        "obma",
        "romney",
        "bush",
        "trump",
        "clinton",
        "putin",
        "abbott",
        "policy",
        "policies",
        "federal",
        "feds",
        "white house",
        "laws",
        "mayor",
        "political",
        "politic*",
        "tax",
        "taxes",
        "debate",
        "protest*",
        "activist*",
        "environmentalists",
        "lobbyist*",
        "lobbies",
        "united nations",
        "onu",
        "nations unies",
        "auspol",
        "tcot",
        "polqc",
        "polcan",
        "assnat",
        "gouvernement",
        "gvt",
        "federaux",
        "ministre",
        "ministere",
        "premier ministre",
        "depute*",
        "senat*",
        "assemblee",
        "elu",
        "elus",
        "maire",
        "mairesse",
        "municipaux",
        "presidentielle",
        "partis",
        "gauche",
        "droite",
        "loi",
        "legifere",
        "subvention*",
        "ecotaxe",
        "fiscalite",
        "impot*",
        "harper",
        "marois",
        "hollande",
        "macron",
        "sarkozy",
        "valls",
        "politique*",
        "ecologiste*",
        "opposants",
        "manif*",
        "greve",
        "syndicat*",
    ),
    "humour": (
        "lol",
        "lmao",
        "lmfao",
        "rofl",
        "haha*",
        "hehe*",
        "joke*",
        "funny",
        "hilarious",
        "kidding",
        "jk",
        "pun",
        "sarcasm",
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
        "on va pleurer",
        "tin foil",
        "conspiracy theorists",
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
        "taylor swift",
        "kanye",
        "one direction",
        "zayn",
        "niall",
        "nicki",
        "michael jackson",
        "courtney love",
        "celine dion",
        "royal family",
        "wedding",
        "divorce",
        "girlfriend",
        "boyfriend",
        "pregnant",
        "paparazzi",
        "hollywood",
        "tmz",
        "mtv",
        "world tour",
        "uk tour",
        "on tour",
        "concert",
        "album",
        "award*",
        "oscar*",
        "grammy*",
        "vedette*",
        "celebre*",
        "chanteu*",
        "acteur",
        "actrice",
        "le people",
        "les people",
        "mariage",
        "enceinte",
        "rupture",
        "starlette",
    ),
    "complaint": (
        "complain*",
        "annoying*",
        "annoyed",
        "annoyance",
        "fed up",
        "sick of",
        "tired of",
        "sick world",
        "world really sucks",
        "sucks",
        "so mad",
        "hate",
        "worst",
        "awful",
        "ridiculous",
        "unacceptable",
        "useless",
        "stupid",
        "shitty",
        "crap",
        "gullible",
        "suckers",
        "junk",
        "shameless",
        "disappointed",
        "disappointing",
        "refund",
        "customer service",
        "still waiting",
        "overpriced",
        "rip off",
        "rip-off",
        "ripoff",
        "scam",
        "why can't",
        "why cant",
        "who the hell",
        "how the hell",
        "bad idea",
        "shouldn't have to",
        "ugh",
        "wtf",
        "fuck off",
        "marre",
        "ras le bol",
        "nul",
        "nulle",
        "honte",
        "honteux",
        "inadmissible",
        "scandaleux",
        "arnaque",
        "revoltant*",
        "ulcere",
        "indecent",
        "n'importe quoi",
        "desuet*",
        "rembourse*",
        "retard*",
        "toujours pas",
        "pas normal",
        "galere",
        "chiant*",
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
        "chilling",
        "sickening",
        "devastat*",
        "massive",
        "epic",
        "omg",
        "oh my god",
        "you won't believe",
        "must see",
        "must watch",
        "dramatic",
        "drama*",
        "exclusive",
        "chaos",
        "apocalyp*",
        "nightmare",
        "choc",
        "choquant*",
        "incroyable",
        "hallucinant*",
        "terrifiant*",
        "effrayant*",
        "inquietant*",
        "alarmer",
        "troublant*",
        "dingue",
        "cauchemar",
        "spectaculaire",
        "impressionnant*",
        "effroyable",
        "horreur",
        "scandale",
        "exclusif",
        "a voir absolument",
    ),
    "unusual": (
        "weird",
        "strange",
        "odd",
        "oddly",
        "bizarre",
        "unusual",
        "curious fact",
        "curiosity",
        "never seen",
        "believe it or not",
        "only in",
        "quirky",
        "surprising",
        "mystery",
        "mysterious",
        "pretty neat",
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
        "anecdote",
        "myth",
    ),
}

# Punctuation, emoji and shape rules: each adds one cue to its type. ``(name, pattern)`` or
# ``(name, pattern, unless)``: regular expressions on the original text (capitals and emoji
# are still there); the cue is not given when ``unless`` matches.
# A link in a text that neither speaks in the first or second person nor asks a question reads
# as a headline sharing an article: the commonest shape of news on every platform seen.
_PERSONAL = (
    r"(?i)\?|\b(?:i|i'm|im|me|my|we|our|you|your|u|je|j'|moi|mon|ma|mes|nous|tu|vous|"
    r"lol|mdr|pray|prayers|thoughts)\b"
)
RULES: dict[str, tuple[tuple[str, ...], ...]] = {
    "humour": (("laughing emoji", "[😂🤣😆😹😜]"), ("wink", r"(?:^|\s)[;:]-?[)pP](?:\s|$)")),
    "sensational": (
        ("!!", "!{2,}"),
        ("?!", r"\?!|!\?"),
        # Three capitalised words in a row shout; one (an acronym, a place name) does not.
        ("shouting", r"\b[A-Z]{2,}(?:\s+[A-Z]{2,}){2,}\b", r"^\s*(?:RT\s+@\w+:?\s*)?BREAKING"),
        ("alarm emoji", "[😱🔥💥🚨😮😳]"),
    ),
    "complaint": (("angry emoji", "[😡😠🤬😤👎]"),),
    "news": (
        ("breaking:", r"(?i)^\s*(?:rt\s+@\w+:?\s*)?(?:breaking|urgent|flash|update|developing)\b"),
        ("headline with link", r"https?:|\bhttp\b", _PERSONAL),
        (
            "casualty count",
            r"(?i)\b\d+\s+(?:people\s+)?(?:dead|killed|hurt|injured|morts|bless[eé]s|victimes|disparus)\b",
        ),
        (
            "news outlet",
            r"(?i)@\w*(?:news|info|breaking|reuters|bbc|cnn|nytimes|washingtonpost|ledevoir|lapresse)\w*",
        ),
    ),
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
    """The content types of each text and the cues that decided them.

    For each type :math:`k`, :math:`score_k(x)` is the number of cue occurrences of the type's
    word list (:data:`LEXICONS`) and rules (:data:`RULES`) found in text :math:`x` (an integer,
    0 or more). The text carries every type with :math:`score_k(x) \\ge 1`; its main type is
    :math:`\\arg\\max_k score_k`, ties broken by :data:`PRIORITY`, and ``other`` when no cue
    is found. (Requiring two cues for a second type was tried on the tuning half of the hand
    labels and lost macro-F1: 0.61 against 0.63.)

    Parameters
    ----------
    texts : the texts (None and empty give ``other``).
    con : a DuckDB connection to run the matching on (a private one by default).

    Returns
    -------
    DataFrame aligned with ``texts``: ``content_type`` (the main type or ``other``),
    ``content_types`` (list of the types carried, main first, by decreasing score; empty for
    ``other``), ``cues`` (list of the cues found, as ``type:cue``), and ``score_<type>`` for
    every type.

    Notes
    -----
    Words are matched on lower-cased text with accents removed, so French and English lists
    share one matcher; a word list cannot see irony or context, which is why the cues are
    returned: a reader can check every decision. On the held-out half of 440 posts labelled
    by hand (``tests/fixtures/content_types``), macro-F1 over the seven types is 0.51 (0.49
    English, 0.55 French) and the main type is right for 61% of posts; per-type precision and
    recall are in ``docs/engagement.md`` (``bench/eval_content_types.py``).

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
            for name, rx, *unless in RULES.get(k, ()):
                if unless:
                    rules.append(
                        "CASE WHEN regexp_matches(text, ?) AND NOT regexp_matches(text, ?) "
                        "THEN [?] ELSE [] END"
                    )
                    args += [rx, unless[0], name]
                else:
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
    # Every type with a cue, the main one first, then by score and PRIORITY.
    ranked = np.argsort(-key, axis=1, kind="stable")
    result["content_types"] = [
        [TYPES[j] for j in row if sc[j] > 0] for row, sc in zip(ranked, scores, strict=True)
    ]
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

    :math:`lift_k = \\bar E_k / \\bar E - 1`, the mean engagement of the posts carrying type
    :math:`k` over that of all posts, with a percentile bootstrap interval of the type's mean
    (posts resampled within the type, ``seed`` fixed). A post carrying several types counts
    in each (with ``content_types``; with ``content_type`` only, in its main type), so the
    shares can add up to more than 1; ``other`` holds the posts with no type.

    Parameters
    ----------
    types : ``platform, post_id, content_type`` and optionally ``content_types`` (from
        :func:`classify_texts`).
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
    n_posts = len(df)
    if "content_types" in df:
        each = [list(t) if len(t) else [OTHER] for t in df["content_types"]]
        df = df.assign(content_type=each).explode("content_type")
    rng = np.random.default_rng(seed)
    rows = []
    a = (1 - level) / 2
    for k, g in df.groupby("content_type"):
        v = g["engagement"].to_numpy(dtype=float)
        boot = bootstrap_means(v, n_boot, rng)
        enough = len(v) >= min_posts
        rows.append(
            {
                "content_type": k,
                "posts": len(v),
                "share": len(v) / n_posts,
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
