"""Complaints addressed to a brand: service failures, delays, refunds, broken products, silence.

A transparent scorer: French and English cue lists (written for liens, no third-party
lexicon) grouped into three kinds of evidence, plus a few signs of form, combined by a
logistic regression fitted on hand labels. Every score comes with the cues that made it, so a
person can check it.

- *grievance*: what went wrong (``refund``, ``still waiting``, ``doesn't work``, ``outage``,
  ``remboursement``, ``toujours pas``, ``en panne``, ``aucune réponse``, ``négligence``...);
- *target*: whom it is about: an organisation that serves people (a company or product
  name, ``customer service``, ``support``, ``the company``, ``la compagnie``, ``l'opérateur``,
  a railway, a retailer, an insurer, a utility) or a name given in ``targets``;
- *customer*: the writer as a customer (``my order``, ``I paid``, ``ma commande``,
  ``j'ai payé``).

The complaint score is

.. math:: \\text{complaint\\_score} = \\sigma\\big(b + \\textstyle\\sum_k w_k x_k\\big)
          \\in [0, 1]

over the features :data:`FEATURES`: ``grievance`` = min(g, 2) with ``g`` the number of
distinct grievance cues; indicators of a ``target``, a ``customer`` cue, a grievance with a
target or customer cue (``grievance_target``), a ``headline`` (a link and no first or
second person: news report grievances, they do not voice them), a first or second
``person``, a ``reply`` (the text opens with a handle), a ``retweet``, an ``exclamation``
mark, a ``question`` mark, and ``french``; σ is the logistic function. The weights
:data:`WEIGHTS` are those of an L2-regularised logistic regression (scikit-learn, C = 3)
fitted on the ``tune`` half of ``tests/fixtures/complaints/labels.csv`` (419 texts, 23
complaints) by ``bench/eval_complaints.py --train`` and shipped in
``liens/models/complaints.npz`` (11 weights, an intercept and the threshold: 2.7 kB).
``is_complaint`` is ``complaint_score >= THRESHOLD`` (0.2, the threshold of best F1 on
out-of-fold predictions of ``tune``). Held-out figures are in ``liens/models/tone.md``
(section Complaints) and ``docs/reputation.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["CUES", "FEATURES", "THRESHOLD", "WEIGHTS", "complaint_features", "score_complaints"]

_MODEL = Path(__file__).resolve().parents[1] / "models" / "complaints.npz"

#: The features, in the model's order (each 0 or 1 except ``grievance``, 0 to 2).
FEATURES = (
    "grievance",
    "target",
    "customer",
    "grievance_target",
    "headline",
    "person",
    "reply",
    "retweet",
    "exclamation",
    "question",
    "french",
)


def _load_model(path: Path = _MODEL) -> tuple[dict[str, float], float]:
    # plain arrays, no pickle: the file is data, never code
    with np.load(path, allow_pickle=False) as z:
        names = [str(n) for n in z["features"]]
        if tuple(names) != FEATURES:
            raise ValueError(f"{path}: features {names} are not {list(FEATURES)}")
        weights = {"bias": float(z["intercept"])}
        weights.update(zip(names, map(float, z["coef"]), strict=True))
        return weights, float(z["threshold"])


#: Logistic weights (intercept ``bias`` and one per feature of :data:`FEATURES`), fitted on
#: the ``tune`` half of the hand labels by ``bench/eval_complaints.py --train``.
#: Decision threshold on ``complaint_score`` (chosen on out-of-fold predictions of ``tune``).
WEIGHTS, THRESHOLD = _load_model()

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
            r"mysteriously",
            r"died so (?:you|we) could",
            r"irresponsible",
            r"negligen\w*",
            r"pathetic",
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
            r"retailers?",
            r"brands?",
            r"supply chain",
            r"primark",
            r"kik",
            r"gap",
            r"benetton",
            r"mango",
            r"loblaw",
            r"mma",
            r"metro-?north",
            r"mta",
            r"renfe",
            r"insurance",
            r"insurers?",
            r"energex",
            r"telstra",
            r"optus",
            r"enmax",
            r"shaw",
            r"xcel",
            r"fema",
            r"tsa",
            r"pdvsa",
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
            r"irresponsab\w*",
            r"pathétique",
            r"négligen\w*",
            r"odieu(?:x|se)",
            r"pas foutue?s?",
            r"meurtri\w*",
            r"paresse",
            r"devraient",
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
            r"mma",
            r"#mma",
            r"assurances?",
            r"(?:cie|compagnie) (?:pétrolière|ferroviaire)",
            r"chemin de fer",
            r"train de pétrole",
            r"@croixrouge\w*",
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


_RETWEET = re.compile(r"^\s*(?:RT\b|\u201c@|\"@)")


def _evidence(
    text: str, lang: str, extra: re.Pattern | None = None
) -> tuple[list[float], list[str]]:
    """The feature vector of one text (order of :data:`FEATURES`) and the cues that fired."""
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
    g, t, c = len(set(grievance)), bool(target), bool(customer)
    person = bool(_PERSON.search(text))
    flags = {
        # a link and no first or second person: a news headline reports, it does not voice
        "headline": bool(_LINK.search(text)) and not person,
        "person": person,
        "reply": text.lstrip().startswith("@"),
        "retweet": bool(_RETWEET.search(text)),
        "exclamation": "!" in text,
        "question": "?" in text,
    }
    cues += [name for name, on in flags.items() if on]
    x = [min(g, 2), t, c, g > 0 and (t or c), *flags.values(), lang == "fr"]
    return [float(v) for v in x], cues


def _score(x: Sequence[float]) -> float:
    z = WEIGHTS["bias"] + sum(WEIGHTS[f] * v for f, v in zip(FEATURES, x, strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def complaint_features(
    texts: Sequence[str], langs: Sequence[str], *, targets: Sequence[str] = ()
) -> np.ndarray:
    """The feature matrix (rows: texts, columns: :data:`FEATURES`) the model reads.

    Texts must be non-empty and their languages ``"fr"`` or ``"en"``; used for training
    (``bench/eval_complaints.py --train``) so that training and scoring share one code path.
    """
    extra = _targets(targets)
    return np.array(
        [_evidence(t[:MAX_CHARS], la, extra)[0] for t, la in zip(texts, langs, strict=True)],
        dtype=float,
    ).reshape(len(texts), len(FEATURES))


def _targets(targets: Sequence[str]) -> re.Pattern | None:
    words = sorted({t.strip().lstrip("@").lower() for t in targets if t and t.strip()})
    return _rx([r"@?" + re.escape(w) for w in words]) if words else None


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
    Evaluated on 817 texts drawn from real tweets, Reddit and Stack Exchange comments and
    labelled by hand (``tests/fixtures/complaints``); the model was fitted on the ``tune``
    half. Held-out figures (398 texts, 38 complaints): English precision 0.75, recall 0.12,
    AUC 0.71; French precision 1.0 (one text flagged), recall 0.08, AUC 0.69 (details in
    ``liens/models/tone.md``): precise when it flags, but it misses most complaints. Known
    weaknesses: complaints without a cue word ("three hours on the phone, lovely") are
    missed, and the cue lists fit the ``tune`` texts they were written on (tune AUC 0.99
    against 0.7 held out); the target list knows common brands and the organisations of the
    labelled crises only, and a workspace's own brand counts only when its handle or a
    tracked term is in the text (``targets``; being a reply to the brand is not used).

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
    extra = _targets(targets)
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
        x, found = _evidence(text[:MAX_CHARS], code, extra)
        score[i] = _score(x)
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
