"""Complaints addressed to a brand: service failures, delays, refunds, broken products, silence.

A transparent scorer: French and English cue lists (written for liens, no third-party
lexicon) grouped into three kinds of evidence, combined by a logistic rule with hand-set
weights. Every score comes with the cues that made it, so a person can check it.

- *grievance*: what went wrong (``refund``, ``still waiting``, ``doesn't work``, ``outage``,
  ``remboursement``, ``toujours pas``, ``en panne``, ``aucune réponse``, ``#fail``...);
- *target*: whom it is about: an organisation that serves people (a company or product
  name, ``customer service``, ``support``, ``the company``, ``la compagnie``, ``l'opérateur``)
  or a second-person address to an account (``@x ... your``, ``vous``);
- *customer*: the writer as a customer (``my order``, ``I paid``, ``ma commande``,
  ``j'ai payé``).

The complaint score is

.. math:: \\text{complaint\\_score} = \\sigma(b + w_g \\min(g, 2) + w_t t + w_c c
          + w_{gt} [g > 0][t + c > 0] + w_h h)

with ``g`` the number of grievance cues, ``t`` and ``c`` indicators of a target and of a
customer cue, ``h`` that of a headline (a link and no first or second person: news report
grievances, they do not voice them), σ the logistic function; weights in :data:`WEIGHTS`.
``is_complaint`` is ``complaint_score >= 0.5``: it needs a grievance *and* a target or a
customer cue (or two grievance cues). Figures against 576 hand-labelled texts are in
``liens/models/tone.md`` (section Complaints) and ``bench/eval_complaints.py``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["CUES", "THRESHOLD", "WEIGHTS", "score_complaints"]

#: Decision threshold on ``complaint_score``.
THRESHOLD = 0.5

#: Logistic weights: intercept, per grievance cue (at most two count), target present,
#: customer cue present, and the grievance-with-a-target interaction. Set by hand so that one
#: grievance alone stays below 0.5 (σ(-2.5 + 1.5) = 0.27), a grievance about a target or by a
#: customer is above it (σ(-2.5 + 1.5 + 0.5 + 1.5) = 0.73), and two grievances are (0.62).
WEIGHTS = {
    "bias": -2.5,
    "grievance": 1.5,
    "target": 0.5,
    "customer": 0.5,
    "grievance_target": 1.5,
    "headline": -1.0,
}

_B = r"(?<![\w])"  # a word start that also works before '#' and non-ASCII letters
_E = r"(?![\w])"


def _rx(words: Sequence[str]) -> re.Pattern:
    return re.compile(_B + "(?:" + "|".join(words) + ")" + _E, re.IGNORECASE)


#: The cue lists, per language and kind (regular expressions, matched on lower-cased text).
CUES: dict[str, dict[str, Sequence[str]]] = {
    "en": {
        "grievance": (
            r"refunds?",
            r"refunded",
            r"money back",
            r"charged (?:me|twice|again)",
            r"overcharg\w*",
            r"still (?:no|not|waiting|haven'?t|hasn'?t|can'?t|doesn'?t)",
            r"never (?:arrived|received|got|came|showed)",
            r"late again",
            r"(?:is|was|are|were|it'?s) (?:late|down)",
            r"delayed",
            r"outage",
            r"cancell?ed",
            r"(?:doesn'?t|does not|won'?t|will not|can'?t|cannot|couldn'?t|didn'?t) "
            r"(?:work|load|connect|play|start|open|turn on|log ?in|sign ?in)",
            r"not working",
            r"stopped working",
            r"broken",
            r"broke",
            r"(?:keeps )?crash(?:es|ing)",
            r"no ?where near (?:stable|ready|working)",
            r"not stable",
            r"bugg?y",
            r"no (?:reply|response|answer|help)",
            r"nobody (?:answers|replies|helps)",
            r"on hold",
            r"waste of (?:money|time)",
            r"rip ?off",
            r"scam",
            r"worst (?:service|customer service|company|experience|app|airline)",
            r"ruin(?:ed|s)",
            r"get (?:your|their) (?:stuff|act|shit) together",
            r"fix (?:it|this|your|the)",
            r"design flaw",
            r"unacceptable",
            r"disappointed",
            r"ridiculous",
            r"shitty",
            r"mush",
            r"has not suspended",
        ),
        "target": (
            r"customer (?:service|care|support)",
            r"support",
            r"company",
            r"the (?:app|site|website)",
            r"your (?:app|site|website|service|product|company|store|team|staff)",
            r"airlines?",
            r"apple",
            r"iphone",
            r"itunes",
            r"samsung",
            r"galaxy(?: note)?",
            r"microsoft",
            r"windows (?:\d+|update|phone)",
            r"xbox",
            r"playstation",
            r"ps[34]",
            r"sony",
            r"nintendo",
            r"google",
            r"android",
            r"amazon(?: prime)?",
            r"netflix",
            r"hulu",
            r"spotify",
            r"comcast",
            r"xfinity",
            r"verizon",
            r"at&t",
            r"sprint",
            r"t-mobile",
            r"uber",
            r"lyft",
            r"hp",
            r"ea",
            r"bt",
            r"virgin",
            r"kfc",
            r"mcdonald'?s",
            r"starbucks",
            r"walmart",
            r"fedex",
            r"ups",
            r"usps",
            r"paypal",
            r"ebay",
            r"twitter",
            r"facebook",
            r"instagram",
            r"youtube",
            r"snapchat",
            r"insurer",
            r"railway",
            r"railroad",
            r"packs?",
        ),
        "customer": (
            r"my (?:order|package|parcel|account|phone|internet|wifi|flight|bill|laptop|"
            r"delivery|purchase|money|refund)",
            r"i (?:paid|bought|ordered|purchased|installed|subscribed)",
            r"(?:i|we) (?:have been|was|were) (?:charged|billed)",
        ),
    },
    "fr": {
        "grievance": (
            r"rembours\w*",
            r"toujours pas",
            r"toujours rien",
            r"aucune réponse",
            r"pas de réponse",
            r"sans réponse",
            r"(?:en|une) panne",
            r"retard\w*",
            r"(?:ne )?(?:marche|fonctionne) (?:pas|plus)",
            r"coupure\w*",
            r"arnaque\w*",
            r"réclamation\w*",
            r"inadmissible",
            r"inacceptable",
            r"honteu(?:x|se)",
            r"#honteux",
            r"scandal\w*",
            r"lamentable",
            r"déçu\w*",
            r"silence",
            r"rien à faire",
            r"l'air de s'en \w+",
            r"frustr\w*",
            r"ne répond (?:pas|plus|jamais)",
            r"injoignable",
            r"perdu mon colis",
            r"possible que ça ne (?:fonctionne|marche) pas",
        ),
        "target": (
            r"service client",
            r"sav",
            r"la (?:compagnie|cie|société|banque|poste)",
            r"compagnie",
            r"cie",
            r"opérateur",
            r"entreprise",
            r"sncf",
            r"ratp",
            r"edf",
            r"engie",
            r"orange",
            r"free",
            r"sfr",
            r"bouygues",
            r"#sncf",
            r"amazon",
            r"fnac",
            r"uber",
        ),
        "customer": (
            r"(?:ma|mon|mes) (?:commande|colis|compte|facture|abonnement|forfait|livraison|"
            r"remboursement|opérateur|ligne|box)",
            r"j'ai (?:payé|commandé|acheté|appelé|été sur place)",
            r"en tant que client",
            r"chez mon opérateur",
        ),
    },
}
# fmt: on

# A headline (a link, no first or second person) reports a grievance, it does not voice one:
# "Metro-North slapped with emergency order after crash http://...".
_LINK = re.compile(r"https?://|\bhttp\b|@url\b", re.IGNORECASE)
_PERSON = _rx(
    [r"i", r"i'm", r"me", r"my", r"we", r"our", r"us", r"you", r"your", r"je", r"j'\w*",
     r"m'\w*", r"moi", r"mon", r"ma", r"mes", r"nous", r"notre", r"nos", r"vous", r"votre",
     r"vos", r"tu", r"t'\w*", r"ton", r"ta", r"tes", r"on"]
)  # fmt: skip

_PATTERNS = {lang: {k: _rx(v) for k, v in kinds.items()} for lang, kinds in CUES.items()}


def _evidence(
    text: str, lang: str, extra: re.Pattern | None = None
) -> tuple[int, bool, bool, bool, list[str]]:
    p = _PATTERNS[lang]
    grievance = [m.group(0).lower() for m in p["grievance"].finditer(text)]
    target = [m.group(0).lower() for m in p["target"].finditer(text)]
    if extra is not None:
        target += [m.group(0).lower() for m in extra.finditer(text)]
    customer = [m.group(0).lower() for m in p["customer"].finditer(text)]
    cues = (
        [f"grievance: {c}" for c in dict.fromkeys(grievance)]
        + [f"target: {c}" for c in dict.fromkeys(target)]
        + [f"customer: {c}" for c in dict.fromkeys(customer)]
    )
    headline = bool(_LINK.search(text)) and not _PERSON.search(text)
    if headline:
        cues.append("headline")
    return len(set(grievance)), bool(target), bool(customer), headline, cues


def _score(g: int, t: bool, c: bool, h: bool = False) -> float:
    w = WEIGHTS
    z = (
        w["bias"]
        + w["grievance"] * min(g, 2)
        + w["target"] * t
        + w["customer"] * c
        + w["grievance_target"] * (g > 0 and (t or c))
        + w["headline"] * h
    )
    return 1.0 / (1.0 + math.exp(-z))


def score_complaints(
    texts: Sequence[str | None],
    langs: Sequence[str | None] | None = None,
    *,
    targets: Sequence[str] = (),
) -> pd.DataFrame:
    """Whether each text is a complaint addressed to a brand, with a score and its cues.

    A complaint voices a grievance against an organisation that serves people (a company, a
    product, a public service provider) about what it did or failed to do for its customers,
    users or the people affected: a service failure, a delay, a refund, a broken product, an
    unanswered request, a charge, a careless response to an accident. Political opinion and
    insults are not complaints. See the module docstring for the cues and the formula.

    Parameters
    ----------
    texts : sequence of str or None
        Publications, comments, replies. Only the first :data:`MAX_CHARS` characters are read
        (the opening of a long answer says whether it complains).
    langs : sequence of str or None, optional
        ISO 639-1 code of each text (``"fr"``, ``"en"``; ``"en-GB"`` is read as ``"en"``);
        detected with :func:`liens.analysis.language.detect_language` when not given.
    targets : sequence of str, optional
        The brand's own names and handles (``"acme"``, ``"@acme_help"``): found in a text,
        they count as a target like the built-in company names.

    Returns
    -------
    pandas.DataFrame
        One row per text, same order: ``lang``, ``complaint_score`` (float in [0, 1], NaN
        outside French and English or for an empty text), ``is_complaint`` (bool or None,
        ``complaint_score >= 0.5``) and ``complaint_cues`` (the cues found, ``"; "``-separated,
        or None).

    Notes
    -----
    Evaluated on 576 texts drawn from real tweets, Reddit and Stack Exchange comments and
    labelled by hand (``tests/fixtures/complaints``): figures per language on the held-out
    half in ``liens/models/tone.md``: precise when it flags, but it misses most complaints
    (held-out recall 0.18 in English, 0 in French). Known weaknesses: complaints without a
    cue word ("three hours on the phone, lovely") are missed; the target list knows common
    brands only, and a workspace's own brand counts only when its handle or a tracked term
    is in the text (``targets``; being a reply to the brand is not used); a grievance
    relayed with a first person ("RT ... we are furious") is not read as a headline.

    Examples
    --------
    >>> scored = score_complaints(["@acme my order never arrived, still no refund"], ["en"])
    >>> scored.is_complaint.tolist()
    [True]
    """
    texts = list(texts)
    if langs is None:
        from liens.analysis.language import detect_language

        langs = detect_language([t if isinstance(t, str) else "" for t in texts])
    elif len(langs) != len(texts):
        from liens.errors import LiensError

        raise LiensError(f"got {len(texts)} texts but {len(langs)} languages", field="lang")
    words = sorted({t.strip().lstrip("@").lower() for t in targets if t and t.strip()})
    extra = _rx([r"@?" + re.escape(w) for w in words]) if words else None
    n = len(texts)
    lang_out: list[str | None] = []
    score = np.full(n, np.nan)
    flag: list[bool | None] = [None] * n
    cues: list[str | None] = [None] * n
    for i, (text, lang) in enumerate(zip(texts, langs, strict=True)):
        code = lang.split("-")[0].lower() if isinstance(lang, str) and lang else None
        lang_out.append(code)
        if code not in _PATTERNS or not isinstance(text, str) or not text.strip():
            continue
        g, t, c, h, found = _evidence(text[:MAX_CHARS], code, extra)
        score[i] = _score(g, t, c, h)
        flag[i] = bool(score[i] >= THRESHOLD)
        cues[i] = "; ".join(found) or None
    return pd.DataFrame(
        {
            "lang": pd.Series(lang_out, dtype=object),
            "complaint_score": score,
            "is_complaint": pd.Series(flag, dtype=object),
            "complaint_cues": pd.Series(cues, dtype=object),
        }
    )


#: Characters of a text read by the scorer.
MAX_CHARS = 1000
