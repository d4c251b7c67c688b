"""Complaints addressed to a brand: service failures, delays, refunds, broken products, silence.

A transparent scorer: French and English cue lists (written for liens, no third-party
lexicon) grouped into four kinds of evidence, plus a few signs of form and the text's tone,
combined by a logistic regression fitted on hand labels. Every score comes with the cues that
made it, so a person can check it.

- *grievance*: what went wrong (``refund``, ``still waiting``, ``doesn't work``, ``outage``,
  ``remboursement``, ``toujours pas``, ``en panne``, ``aucune réponse``...);
- *judgement*: a verdict on conduct or quality (``unacceptable``, ``disappointed``,
  ``useless``, ``inadmissible``, ``honteux``, ``négligence``...);
- *target*: whom it is about: an organisation that serves people (a company or product
  name, ``customer service``, ``support``, ``the company``, ``la compagnie``, ``l'opérateur``,
  a railway, a retailer, an insurer, a utility) or a name given in ``targets``;
- *customer*: the writer as a customer (``my order``, ``I paid``, ``ma commande``,
  ``j'ai payé``).

The lists were written from the labelling guide's kinds of complaint, not from texts; the
first version also held phrases of the ``tune`` texts and scored them near perfectly (AUC
0.99) while held-out recall was 0.1.

The complaint score is

.. math:: \\text{complaint\\_score} = \\sigma\\big(b + \\textstyle\\sum_k w_k x_k\\big)
          \\in [0, 1]

over the features :data:`FEATURES`: ``grievance`` = min(g, 2) with ``g`` the number of
distinct grievance cues; indicators of a ``judgement``, a ``target``, a ``customer`` cue, a
grievance or judgement with a target or customer cue (``grievance_target``), a ``headline``
(a link and no first or second person: news report grievances, they do not voice them), a
first or second ``person``, a ``reply`` (the text opens with a handle), a ``retweet``, an
``exclamation`` mark, a ``question`` mark, ``french``; and ``tone``, the text's
``tone_score`` in [-1, 1] (:mod:`liens.analysis.tone`; 0 when unknown). σ is the logistic
function. The weights :data:`WEIGHTS` are those of an L2-regularised logistic regression
(scikit-learn, C = 0.3) fitted on the ``tune`` half of
``tests/fixtures/complaints/labels.csv`` (574 texts, 31 complaints) by
``bench/eval_complaints.py --train`` and shipped in ``liens/models/complaints.npz`` (13
weights, an intercept and the threshold: 2.9 kB). ``is_complaint`` is
``complaint_score >= THRESHOLD`` (0.15, the threshold of best F1 on out-of-fold predictions
of ``tune``). Held-out figures are in ``liens/models/tone.md`` (section Complaints) and
``docs/reputation.md``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "CUES",
    "FEATURES",
    "MODEL_ID",
    "THRESHOLD",
    "WEIGHTS",
    "complaint_features",
    "score_complaints",
]

_MODEL = Path(__file__).resolve().parents[1] / "models" / "complaints.npz"

#: The features, in the model's order (each 0 or 1 except ``grievance``, 0 to 2).
FEATURES = (
    "grievance",
    "judgement",
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
    "tone",
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

#: Characters of a text read by the scorer.
MAX_CHARS = 280

_B = r"(?<![\w])"  # a word start that also works before '#' and non-ASCII letters
_E = r"(?![\w])"


def _rx(words: Sequence[str]) -> re.Pattern:
    return re.compile(_B + "(?:" + "|".join(words) + ")" + _E, re.IGNORECASE)


#: The cue lists, per language and kind (regular expressions, matched on lower-cased text).
#: ``grievance``: what went wrong (a failure, a delay, money, silence); ``judgement``: a verdict
#: on conduct or quality (unacceptable, disappointed, shameful...); ``target``: whom it is
#: about; ``customer``: the writer as a customer. Written from the labelling guide's kinds of
#: complaint (service failure, delay, money, no answer, careless conduct), not from texts.
CUES: dict[str, dict[str, Sequence[str]]] = {
    "en": {
        "grievance": (
            r"refunds?",
            r"refunded",
            r"money back",
            r"charged (?:me|twice|again|for)",
            r"double[- ]charged",
            r"overcharg\w*",
            r"hidden (?:fees?|charges?)",
            r"billing (?:error|issue|problem|mistake)",
            r"still (?:no|not|waiting|nothing|broken|down|haven'?t|hasn'?t|can'?t|doesn'?t|"
            r"isn'?t|won'?t)",
            r"never (?:arrived|received|got|came|showed|delivered|answered|responded|"
            r"called back|fixed)",
            r"(?:hasn'?t|has not|haven'?t|have not|didn'?t|did not) (?:arrive|arrived|come|"
            r"been delivered|received)",
            r"(?:lost|damaged|wrong|missing) (?:my |our |the )?(?:luggage|bags?|package|"
            r"parcel|order|items?|delivery)",
            r"late again",
            r"(?:is|was|are|were|it'?s|been|running) (?:late|down|delayed)",
            r"delay(?:ed|s)?",
            r"cancell?(?:ed|ing)",
            r"outages?",
            r"down again",
            r"(?:no|lost|without) (?:power|service|signal|internet|wifi|wi-fi|connection|"
            r"network|coverage)",
            r"(?:doesn'?t|does not|won'?t|will not|can'?t|cannot|couldn'?t|didn'?t|isn'?t|"
            r"aren'?t|not) (?:work|working|load|loading|connect|connecting|play|start|open|"
            r"turn on|charge|charging|sync|update|log ?in|sign ?in|respond|responding)",
            r"stopped (?:working|responding|charging)",
            r"broken",
            r"broke",
            r"(?:keeps )?crash(?:es|ing)",
            r"(?:keeps )?freez(?:es|ing)",
            r"froze",
            r"bugg?y",
            r"bugs",
            r"glitch\w*",
            r"error (?:message|code)",
            r"no (?:reply|response|answer|help|update|updates|explanation|one (?:answers|helps|"
            r"cares))",
            r"nobody (?:answers|replies|helps|cares|called)",
            r"(?:hours?|minutes|mins) on (?:hold|the phone)",
            r"on hold",
            r"(?:been|still|keep) waiting",
            r"ignor(?:ed|ing) (?:me|us|my|our)",
            r"hung up on (?:me|us)",
            r"waste of (?:money|time)",
            r"rip ?off",
            r"ripped off",
            r"scam(?:med)?",
            r"fraud",
            r"false advertising",
            r"worst (?:service|customer service|company|experience|app|airline|update|phone|"
            r"product|bank|provider|carrier|delivery)",
            r"fix (?:it|this|your|the)",
            r"get (?:your|their) (?:stuff|act|shit) together",
            r"design flaw",
        ),
        "judgement": (
            r"unacceptable",
            r"disappoint(?:ed|ing|ment)",
            r"disgrace(?:ful)?",
            r"shameful",
            r"shame on",
            r"pathetic",
            r"ridiculous",
            r"terrible",
            r"horrible",
            r"awful",
            r"appalling",
            r"outrageous",
            r"useless",
            r"incompetent",
            r"irresponsible",
            r"negligen\w*",
            r"careless",
            r"fed up",
            r"sick of",
            r"frustrat\w*",
            r"shitty",
            r"crappy",
            r"sucks?",
            r"lousy",
            r"never again",
            r"thanks for nothing",
            r"screw you",
        ),
        "target": (
            r"customer (?:service|care|support)",
            r"support",
            r"company",
            r"companies",
            r"(?:the|this|that) (?:app|site|website|store|shop|airline|bank|carrier|provider|"
            r"operator|restaurant|hotel|brand|manufacturer)",
            r"your (?:app|site|website|service|product|company|store|team|staff|agents?|"
            r"drivers?|delivery|update|phone|network|system|customer service|support)",
            r"airlines?",
            r"apple",
            r"iphone",
            r"ipad",
            r"mac",
            r"itunes",
            r"samsung",
            r"galaxy(?: note)?",
            r"nokia",
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
            r"dell",
            r"ea",
            r"steam",
            r"bt",
            r"virgin",
            r"kfc",
            r"mcdonald'?s",
            r"starbucks",
            r"walmart",
            r"fedex",
            r"ups",
            r"usps",
            r"dhl",
            r"paypal",
            r"ebay",
            r"twitter",
            r"facebook",
            r"instagram",
            r"youtube",
            r"snapchat",
            r"reddit",
            r"insurers?",
            r"insurance",
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
            r"delivery|purchase|money|refund|subscription|plan|ticket|booking|reservation|"
            r"luggage|bags?|car|card|claim|apps?)",
            r"i (?:paid|bought|ordered|purchased|installed|subscribed|booked|called|emailed|"
            r"complained|reported)",
            r"(?:i|we) (?:have been|was|were|got) (?:charged|billed)",
        ),
    },
    "fr": {
        "grievance": (
            r"rembours\w*",
            r"toujours pas",
            r"toujours rien",
            r"toujours en (?:attente|panne)",
            r"(?:jamais|pas) (?:reçue?s?|arrivée?s?|livrée?s?)",
            r"aucune (?:réponse|nouvelle|explication|information)",
            r"pas de (?:réponse|nouvelles|retour)",
            r"sans (?:réponse|nouvelles)",
            r"ne (?:répond|répondent|rappelle) (?:pas|plus|jamais)",
            r"injoignable",
            r"(?:en|une) panne",
            r"retard\w*",
            r"annul(?:é|ée|és|ées|ation)",
            r"supprimée?s?",
            r"(?:ne )?(?:marche|fonctionne|fonctionnent|marchent) (?:pas|plus)",
            r"bug\w*",
            r"plant(?:e|é|age)",
            r"coupure\w*",
            r"(?:pas|plus) de (?:réseau|connexion|courant|internet|wifi|électricité)",
            r"arnaque\w*",
            r"escroc\w*",
            r"factur(?:é|ée|és|ées|ation)",
            r"prélev\w*",
            r"frais cachés",
            r"réclamation\w*",
            r"plainte",
            r"litige",
            r"(?:colis|commande|bagage|valise)s? (?:perdue?s?|égarée?s?|abîmée?s?|cassée?s?)",
            r"perdu (?:mon|ma|mes) (?:colis|commande|bagage|valise)",
            r"en attente depuis",
            r"depuis (?:\d+|des|plusieurs|trois|deux) (?:jours|semaines|mois|heures)",
            r"ça fait \w+ (?:jours|semaines|mois|heures) que",
            r"silence",
        ),
        "judgement": (
            r"inadmissible",
            r"inacceptable",
            r"honteu(?:x|se)",
            r"#honteux",
            r"honte",
            r"scandal\w*",
            r"lamentable",
            r"déplorable",
            r"déçue?s?",
            r"décevante?s?",
            r"déception",
            r"nul(?:le|s|les)?",
            r"pathétique",
            r"irresponsab\w*",
            r"négligen\w*",
            r"odieu(?:x|se)",
            r"incompétente?s?",
            r"indigne",
            r"mépris\w*",
            r"ras le bol",
            r"(?:j'en ai )?marre",
            r"foutage de gueule",
            r"se foutent",
            r"pas foutue?s?",
            r"frustr\w*",
            r"n'importe quoi",
            r"plus jamais",
        ),
        "target": (
            r"service client",
            r"sav",
            r"la (?:compagnie|cie|société|banque|poste)",
            r"compagnie",
            r"cie",
            r"opérateur",
            r"fournisseur",
            r"entreprise",
            r"marques?",
            r"sncf",
            r"ratp",
            r"ter",
            r"tgv",
            r"edf",
            r"engie",
            r"orange",
            r"free",
            r"sfr",
            r"bouygues",
            r"#sncf",
            r"la poste",
            r"amazon",
            r"fnac",
            r"darty",
            r"cdiscount",
            r"uber",
            r"air france",
            r"mma",
            r"#mma",
            r"assurances?",
            r"assureur",
            r"banque",
            r"(?:cie|compagnie) (?:pétrolière|ferroviaire|aérienne)",
            r"chemin de fer",
        ),
        "customer": (
            r"(?:ma|mon|mes) (?:commande|colis|compte|facture|abonnement|forfait|livraison|"
            r"remboursement|opérateur|ligne|box|billet|vol|train|réservation|carte|contrat|"
            r"dossier|téléphone|bagage|valise)",
            r"j'ai (?:payé|commandé|acheté|appelé|réservé|écrit|envoyé|été sur place)",
            r"en tant que client\w*",
            r"chez mon (?:opérateur|fournisseur)",
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

#: Identity of the scorer: a hash of the weights file, the cue lists and the characters read.
#: Complaint scores cached in a workspace under another identity are scored again
#: (:mod:`liens.analysis.reputation`).
MODEL_ID = hashlib.sha1(_MODEL.read_bytes() + repr((CUES, MAX_CHARS)).encode("utf-8")).hexdigest()[
    :12
]


_KINDS = ("grievance", "judgement", "target", "customer")
_FLAGS = ("headline", "person", "reply", "retweet", "exclamation", "question")
# Texts of a batch are joined by this character and each pattern scans the whole string once:
# one regular-expression call per pattern and batch instead of per text (no pattern matches it,
# and it is no word character, so a cue never spans two texts).
_SEP = "\x00"


def _hits(rx: re.Pattern, joined: str, starts: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Index of the text holding each match of ``rx`` in ``joined``, and the matches."""
    found = [(m.start(), m.group(0)) for m in rx.finditer(joined)]
    if not found:
        return np.empty(0, dtype=np.int64), []
    pos, words = zip(*found, strict=True)
    return np.searchsorted(starts, pos, side="right") - 1, [w.lower() for w in words]


def _evidence(
    texts: Sequence[str],
    codes: Sequence[str],
    tones: np.ndarray,
    extra: re.Pattern | None = None,
    *,
    cues: bool = True,
) -> tuple[np.ndarray, list[str | None]]:
    """Feature matrix (order of :data:`FEATURES`) of texts in modelled languages, and the cues
    that fired in each (``"; "``-joined; empty list when ``cues`` is false)."""
    n = len(texts)
    x = np.zeros((n, len(FEATURES)))
    words: dict[int, dict[str, list[str]]] = {}
    flags = np.zeros((n, len(_FLAGS)), dtype=bool)
    codes_arr = np.asarray(codes, dtype=object)
    for lang, patterns in _PATTERNS.items():
        idx = np.flatnonzero(codes_arr == lang)
        if not len(idx):
            continue
        part = [texts[i] for i in idx]
        joined = _SEP.join(part)
        starts = np.cumsum([0] + [len(t) + 1 for t in part[:-1]])
        kinds = list(patterns.items())
        if extra is not None:
            kinds.append(("target", extra))
        for kind, rx in kinds:
            at, found = _hits(rx, joined, starts)
            for j, w in zip(idx[at].tolist(), found, strict=True):
                if j not in words:
                    words[j] = {k: [] for k in _KINDS}
                words[j][kind].append(w)
        person = np.zeros(len(idx), dtype=bool)
        person[_hits(_PERSON, joined, starts)[0]] = True
        link = np.zeros(len(idx), dtype=bool)
        link[_hits(_LINK, joined, starts)[0]] = True
        # a link and no first or second person: a news headline reports, it does not voice
        flags[idx, 0] = link & ~person
        flags[idx, 1] = person
        flags[idx, 2] = [t.lstrip().startswith("@") for t in part]
        flags[idx, 3] = [_RETWEET.match(t) is not None for t in part]
        flags[idx, 4] = ["!" in t for t in part]
        flags[idx, 5] = ["?" in t for t in part]
        x[idx, FEATURES.index("french")] = lang == "fr"
    cues_at = [FEATURES.index(f) for f in (*_KINDS, "grievance_target")]
    for j, found in words.items():
        g, jd = len(set(found["grievance"])), bool(found["judgement"])
        t, c = bool(found["target"]), bool(found["customer"])
        x[j, cues_at] = [min(g, 2), jd, t, c, (g > 0 or jd) and (t or c)]
    x[:, [FEATURES.index(f) for f in _FLAGS]] = flags
    x[:, FEATURES.index("tone")] = np.nan_to_num(np.asarray(tones, dtype=float), nan=0.0)
    if not cues:
        return x, []
    out: list[str | None] = []
    for j in range(n):
        found = words.get(j)
        fired = [f"{k}: {w}" for k in _KINDS for w in dict.fromkeys(found[k])] if found else []
        fired += [name for name, on in zip(_FLAGS, flags[j], strict=True) if on]
        out.append("; ".join(fired) or None)
    return x, out


def _score(x: np.ndarray) -> np.ndarray:
    w = np.array([WEIGHTS[f] for f in FEATURES])
    return 1.0 / (1.0 + np.exp(-(WEIGHTS["bias"] + x @ w)))


def complaint_features(
    texts: Sequence[str],
    langs: Sequence[str],
    *,
    targets: Sequence[str] = (),
    tone_scores: Sequence[float] | None = None,
) -> np.ndarray:
    """The feature matrix (rows: texts, columns: :data:`FEATURES`) the model reads.

    Texts must be non-empty and their languages ``"fr"`` or ``"en"``; used for training
    (``bench/eval_complaints.py --train``) so that training and scoring share one code path.
    ``tone_scores`` are the texts' ``tone_score`` (:func:`liens.analysis.tone.score_tone`),
    computed here when not given.
    """
    tones = _tones(texts, langs, tone_scores)
    cut = [t[:MAX_CHARS] for t in texts]
    codes = [_code(la) for la in langs]
    return _evidence(cut, codes, tones, _targets(targets), cues=False)[0]


def _tones(
    texts: Sequence[str | None], langs: Sequence[str | None], given: Sequence[float] | None
) -> np.ndarray:
    """The texts' tone scores: ``given``, or the tone model's where the language is modelled."""
    if given is not None:
        if len(given) != len(texts):
            from liens.errors import LiensError

            raise LiensError(f"got {len(texts)} texts but {len(given)} tone scores", field="tone")
        return np.asarray(given, dtype=float)
    from liens.analysis.tone import score_tone

    tones = np.full(len(texts), np.nan)
    keep = [
        i
        for i, (t, la) in enumerate(zip(texts, langs, strict=True))
        if isinstance(t, str) and t.strip() and _code(la) in _PATTERNS
    ]
    if keep:
        scored = score_tone([texts[i] for i in keep], [_code(langs[i]) for i in keep])
        tones[keep] = scored["tone_score"].to_numpy(float)
    return tones


def _code(lang: str | None) -> str | None:
    return lang.split("-")[0].lower() if isinstance(lang, str) and lang else None


def _targets(targets: Sequence[str]) -> re.Pattern | None:
    words = sorted({t.strip().lstrip("@").lower() for t in targets if t and t.strip()})
    return _rx([r"@?" + re.escape(w) for w in words]) if words else None


def score_complaints(
    texts: Sequence[str | None],
    langs: Sequence[str | None] | None = None,
    *,
    targets: Sequence[str] = (),
    tone_scores: Sequence[float] | None = None,
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
    tone_scores : sequence of float, optional
        Each text's ``tone_score`` in [-1, 1] when already known (the ``event_tone`` table
        has it); otherwise the tone model of :mod:`liens.analysis.tone` scores the texts.

    Returns
    -------
    pandas.DataFrame
        One row per text, same order: ``lang``, ``complaint_score`` (float in [0, 1], NaN
        outside French and English or for an empty text), ``is_complaint`` (bool or None,
        ``complaint_score >= THRESHOLD``) and ``complaint_cues`` (the cues found,
        ``"; "``-separated, or None).

    Notes
    -----
    Evaluated on 1,114 texts drawn from real tweets, Reddit and Stack Exchange comments and
    labelled by hand (``tests/fixtures/complaints``); the model was fitted on the ``tune``
    half. Held-out figures (540 texts, 45 complaints): English precision 0.56, recall 0.30,
    F1 0.39, AUC 0.81; French precision 0.25, recall 0.17, F1 0.20, AUC 0.75 (details in
    ``liens/models/tone.md``): it ranks complaints well above other texts but finds a third
    of them at best. Known weaknesses: complaints without a cue word ("three hours on the
    phone, lovely") are missed; 31 training complaints make every weight uncertain; the
    target list knows common brands and the organisations of the labelled crises only, and a
    workspace's own brand counts only when its handle or a tracked term is in the text
    (``targets``; being a reply to the brand is not used).

    Examples
    --------
    >>> text = "@acme my order never arrived, still no refund"
    >>> score_complaints([text], ["en"], targets=["@acme"]).is_complaint.tolist()
    [True]
    """
    texts = list(texts)
    if langs is None:
        from liens.analysis.language import detect_language

        langs = detect_language([t if isinstance(t, str) else "" for t in texts])
    elif len(langs) != len(texts):
        from liens.errors import LiensError

        raise LiensError(f"got {len(texts)} texts but {len(langs)} languages", field="lang")
    tones = _tones(texts, langs, tone_scores)
    n = len(texts)
    lang_out = [_code(la) for la in langs]
    keep = [
        i
        for i, (text, code) in enumerate(zip(texts, lang_out, strict=True))
        if code in _PATTERNS and isinstance(text, str) and text.strip()
    ]
    score = np.full(n, np.nan)
    flag: list[bool | None] = [None] * n
    cues: list[str | None] = [None] * n
    if keep:
        x, found = _evidence(
            [texts[i][:MAX_CHARS] for i in keep],
            [lang_out[i] for i in keep],
            tones[keep],
            _targets(targets),
        )
        score[keep] = _score(x)
        for j, i in enumerate(keep):
            flag[i] = bool(score[i] >= THRESHOLD)
            cues[i] = found[j]
    return pd.DataFrame(
        {
            "lang": pd.Series(lang_out, dtype=object),
            "complaint_score": score,
            "is_complaint": pd.Series(flag, dtype=object),
            "complaint_cues": pd.Series(cues, dtype=object),
        }
    )
