"""Tone (negative, neutral, positive) and attacks in French and English short texts, offline.

Both models are linear classifiers over TF-IDF word and character n-grams plus a few
sentiment-lexicon counts. Their fitted parameters ship in ``liens/models/`` as compressed
NumPy archives (no pickle) and scoring uses NumPy only. How they were trained and how well
they do is in ``liens/models/tone.md``; ``scripts/train_tone.py`` rebuilds them.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise, repeat
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from liens.errors import LiensError

__all__ = [
    "ATTACK_MODEL",
    "TONE_LABELS",
    "TONE_MODEL",
    "LinearTextModel",
    "prepare",
    "score_attack",
    "score_table",
    "score_tone",
    "score_tone_and_attack",
]

_MODELS = Path(__file__).resolve().parent.parent / "models"
TONE_MODEL = _MODELS / "tone.npz"
ATTACK_MODEL = _MODELS / "attack.npz"
TONE_LABELS = ("negative", "neutral", "positive")

# ---------------------------------------------------------------------------------------------
# Text normalisation and features. The training script calls the same functions, so the
# features seen at training and at scoring time are identical by construction.

_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")  # SemEval files keep "\u2019" as six characters
_URL = re.compile(r"https?://\S+|\bhttps?\b|www\.\S+|@url\b", re.IGNORECASE)
_USER = re.compile(r"@\w+")
_REPEAT = re.compile(r"(.)\1{2,}")  # "soooo" and "sooooooo" are the same word
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(
    r"[#@]?\w+(?:['’]\w+)?"  # words, hashtags, handles, "don't", "l'eau"
    r"|[!?]+"
    r"|[:;=8][\-o']?[()\[\]dDpP/\\|*3]|<3"  # common emoticons
    r"|[^\w\s]"  # any other symbol, emoji included, one at a time
)
_ELISIONS = frozenset({"l", "d", "j", "qu", "c", "s", "m", "t", "jusqu", "lorsqu", "puisqu"})
# Negators open a scope closed by punctuation; words inside get a "_NEG" suffix so "good" and
# "not ... good" are different features (Das & Chen 2001; Pang, Lee & Vaithyanathan 2002).
_NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "nobody",
        "nothing",
        "nor",
        "none",
        "cannot",
        "without",
        "dont",
        "cant",
        "wont",
        "isnt",
        "aint",
        "ne",
        "n",
        "pas",
        "jamais",
        "rien",
        "aucun",
        "aucune",
        "personne",
        "sans",
        "ni",
        "guère",
    ]
)
_SCOPE_END = frozenset(".,;:!?")
_CHAR_NGRAMS = (2, 5)
_WORD_NGRAMS = 2
# Dense features after the n-grams: lexicon positive mass, negative mass, their difference,
# any lexicon hit, log1p of both masses, an exclamation mark, a question mark.
N_DENSE = 8


def normalise(text: str) -> str:
    """Lower-case, unescape, anonymise handles and links, squeeze repeated letters."""
    text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = html.unescape(text).replace("\x00", " ")  # NUL separates texts when hashing
    text = _URL.sub(" http ", text)
    text = _USER.sub("@user", text)
    text = _REPEAT.sub(r"\1\1\1", text.lower())
    return _SPACE.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """Word tokens of a normalised text, French elisions split, negation scopes marked."""
    out: list[str] = []
    negated = False
    for token in _TOKEN.findall(text):
        parts = [token]
        contraction = False
        if "'" in token or "’" in token:
            head, _, tail = token.replace("’", "'").partition("'")
            if head in _ELISIONS or head == "n":  # "l'eau" -> "l", "eau"; "n'est" -> "n", ...
                parts = [head, tail]
            elif tail == "t" and head.endswith("n"):  # "don't" -> "dont", a negator
                parts = [head + "t"]
                contraction = True
        for part in parts:
            if part in _SCOPE_END or part[0] in "!?":
                negated = False
                out.append(part)
                continue
            out.append(part + "_NEG" if negated else part)
            negated = negated or contraction or part in _NEGATORS
    return out


def grams(text: str) -> list[str]:
    """All n-gram features of a normalised text: word 1-2 grams ("w") and char 2-5 grams ("c").

    Character n-grams run over the text padded with one space, so word boundaries count.
    """
    words = tokens(text)
    out = ["w" + w for w in words]
    for n in range(2, _WORD_NGRAMS + 1):
        out += ["w" + " ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    padded = f" {text} "
    for n in range(_CHAR_NGRAMS[0], _CHAR_NGRAMS[1] + 1):
        out += ["c" + padded[i : i + n] for i in range(len(padded) - n + 1)]
    return out


def lexicon_features(text: str, words: list[str], lexicon: dict[str, float]) -> list[float]:
    """The dense block: sentiment-lexicon masses and punctuation of a normalised text.

    *words* are the text's :func:`tokens`. A word in a negation scope counts for minus half
    its valence (VADER's damping, Hutto & Gilbert 2014). Valences are in [-1, 1].
    """
    positive = negative = 0.0
    hits = 0
    get = lexicon.get
    for token in words:
        value = get(token)
        if value is None:  # rarer cases last: a negated word, a hashtag
            if token.endswith("_NEG"):
                value = get(token[:-4].lstrip("#"))
                value = None if value is None else -0.5 * value
            elif token[0] == "#":
                value = get(token[1:])
            if value is None:
                continue
        hits += 1
        if value > 0:
            positive += value
        else:
            negative -= value
    return [
        positive,
        negative,
        positive - negative,
        float(hits > 0),
        math.log1p(positive),
        math.log1p(negative),
        float("!" in text),
        float("?" in text),
    ]


class Prepared(NamedTuple):
    """A text ready for the models: normalised text, word tokens and word bigrams."""

    text: str
    words: list[str]
    bigrams: list[str]


def prepare(texts: Iterable[str | None]) -> list[Prepared]:
    """Normalise and tokenise texts once for any number of models (non-strings are empty)."""
    out = []
    for raw in texts:
        text = normalise(raw) if isinstance(raw, str) else ""
        words = tokens(text)
        out.append(Prepared(text, words, [f"{a} {b}" for a, b in pairwise(words)]))
    return out


# ---------------------------------------------------------------------------------------------
# The shipped model: vocabulary, idf weights, coefficients.


@dataclass(frozen=True)
class LinearTextModel:
    """A fitted linear text classifier as shipped in ``liens/models/*.npz``.

    The score of class *k* for a text is ``intercept[k] + x · coef[:, k]`` where *x* is the
    concatenation of the word-n-gram TF-IDF block, the char-n-gram TF-IDF block (each with
    sublinear tf ``1 + ln(count)``, the stored idf, and its own L2 normalisation) and the dense
    lexicon block. Probabilities are the softmax of the scores (the logistic of the single
    score for a two-class model).
    """

    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_grams,) float32
    block: np.ndarray  # (n_grams,) 0 = word, 1 = char
    coef: np.ndarray  # (n_grams + N_DENSE, n_scores) float32
    intercept: np.ndarray  # (n_scores,)
    classes: tuple[str, ...]
    lexicon: dict[str, float]
    meta: dict

    def __post_init__(self) -> None:
        # Word n-grams are looked up in a dict; char n-grams, ten times more numerous, by a
        # 64-bit polynomial hash computed for the whole batch in NumPy and matched against the
        # sorted hashes of the vocabulary (a false match needs a 64-bit collision).
        words: dict[str, int] = {}
        by_length: dict[int, tuple[list[str], list[int]]] = {}
        for gram, i in self.vocabulary.items():
            if gram[0] == "w":
                words[gram[1:]] = i
            else:
                grams_n, cols_n = by_length.setdefault(len(gram) - 1, ([], []))
                grams_n.append(gram[1:])
                cols_n.append(i)
        n_chars = sum(len(c) for _, c in by_length.values())
        hashes = np.empty(n_chars, dtype=np.uint64)
        columns = np.empty(n_chars, dtype=np.int64)
        at = 0
        for n, (grams_n, cols_n) in sorted(by_length.items()):
            points = _code_points("".join(grams_n)).reshape(-1, n)
            hashes[at : at + len(cols_n)] = _window_hash(points, n)
            columns[at : at + len(cols_n)] = cols_n
            at += len(cols_n)
        order = np.argsort(hashes[:at], kind="stable")
        object.__setattr__(self, "_word_index", words)
        object.__setattr__(self, "_char_hashes", hashes[:at][order])
        object.__setattr__(self, "_char_columns", columns[:at][order])
        # A hash table (pandas' khash) finds each text n-gram in O(1); a binary search over
        # the sorted hashes cost most of the scoring time of long texts. Unique by
        # construction unless two n-grams collide, in which case the binary search stays.
        index = pd.Index(hashes[:at][order])
        object.__setattr__(self, "_char_index", index if index.is_unique else None)

    def _char_features(self, padded: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every in-vocabulary char n-gram occurrence of the padded texts."""
        points = _code_points("\x00".join(padded))
        # before[i] = number of separators before position i = index of the text at i.
        before = np.concatenate([[0], np.cumsum(points == 0)])
        rows, cols = [], []
        for n in range(_CHAR_NGRAMS[0], _CHAR_NGRAMS[1] + 1):
            m = len(points) - n + 1
            if m <= 0:
                continue
            windows = np.lib.stride_tricks.sliding_window_view(points, n)
            h = _window_hash(windows, n)
            inside = before[n : n + m] == before[:m]  # the window holds no separator
            index = self._char_index  # type: ignore[attr-defined]
            if index is not None:
                at = index.get_indexer(h)
                hit = inside & (at >= 0)
            else:
                at = np.searchsorted(self._char_hashes, h)  # type: ignore[attr-defined]
                at = np.minimum(at, len(self._char_hashes) - 1)  # type: ignore[attr-defined]
                hit = inside & (self._char_hashes[at] == h)  # type: ignore[attr-defined]
            rows.append(before[:m][hit])
            cols.append(self._char_columns[at[hit]])  # type: ignore[attr-defined]
        if not rows:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        return np.concatenate(rows), np.concatenate(cols)

    # -- construction and storage ------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> LinearTextModel:
        """Read a model archive written by :meth:`save` (``allow_pickle=False``)."""
        with np.load(path, allow_pickle=False) as z:
            words = _unpack(z["vocabulary"])
            lex_words = _unpack(z["lexicon_words"])
            return cls(
                vocabulary={w: i for i, w in enumerate(words)},
                idf=z["idf"].astype(np.float32),
                block=z["block"].astype(np.int64),
                coef=z["coef"].astype(np.float32),
                intercept=z["intercept"].astype(np.float32),
                classes=tuple(_unpack(z["classes"])),
                lexicon=dict(zip(lex_words, z["lexicon_values"].tolist(), strict=True)),
                meta=json.loads(bytes(z["meta"]).decode("utf-8")),
            )

    def save(self, path: str | Path) -> None:
        """Write the model as a compressed archive of plain arrays (coefficients in float16)."""
        words = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        lex_words = list(self.lexicon)
        np.savez_compressed(
            path,
            vocabulary=_pack(words),
            idf=self.idf.astype(np.float16),
            block=self.block.astype(np.uint8),
            coef=self.coef.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
            classes=_pack(self.classes),
            lexicon_words=_pack(lex_words),
            lexicon_values=np.asarray([self.lexicon[w] for w in lex_words], dtype=np.float16),
            meta=np.frombuffer(json.dumps(self.meta, sort_keys=True).encode(), dtype=np.uint8),
        )

    # -- scoring ----------------------------------------------------------------------------
    def design(
        self, texts: Iterable[str], prepared: Sequence[Prepared] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Feature values of *texts* as sparse triplets plus the dense block.

        Returns ``(row, col, value, dense)``: the n-gram matrix entries and the
        ``(n_texts, N_DENSE)`` lexicon block. Out-of-vocabulary n-grams are ignored.
        *prepared* (:func:`prepare` of the same texts) skips normalisation and tokenisation,
        which do not depend on the model: two models scoring the same texts share them.
        """
        n_grams = len(self.idf)
        word_get = self._word_index.get  # type: ignore[attr-defined]
        ids: list[int] = []
        lengths: list[int] = []
        padded: list[str] = []
        dense: list[list[float]] = []
        for text, words, bigrams in prepared if prepared is not None else prepare(texts):
            before = len(ids)
            ids.extend(map(word_get, words, repeat(n_grams)))
            ids.extend(map(word_get, bigrams, repeat(n_grams)))
            lengths.append(len(ids) - before)
            padded.append(f" {text} ")
            dense.append(lexicon_features(text, words, self.lexicon))
        n_texts = len(lengths)
        word_col = np.asarray(ids, dtype=np.int64)
        word_row = np.repeat(np.arange(n_texts, dtype=np.int64), lengths)
        known = word_col < n_grams
        char_row, char_col = self._char_features(padded)
        keys = np.concatenate(
            [word_row[known] * n_grams + word_col[known], char_row * n_grams + char_col]
        )
        uniq, counts = np.unique(keys, return_counts=True)
        row, col = np.divmod(uniq, n_grams)
        value = (1.0 + np.log(counts)) * self.idf[col]
        # L2 norm per (text, block): the word and char blocks are normalised separately.
        cell = row * 2 + self.block[col]
        norm = np.sqrt(np.bincount(cell, weights=value * value, minlength=2 * n_texts))
        value = value / norm[cell]
        return row, col, value, np.asarray(dense, dtype=np.float64).reshape(n_texts, N_DENSE)

    def decision(
        self, texts: Sequence[str], prepared: Sequence[Prepared] | None = None
    ) -> np.ndarray:
        """Linear scores, shape ``(n_texts, n_scores)``."""
        row, col, value, dense = self.design(texts, prepared)
        n = len(dense)
        coef = self.coef.astype(np.float64)
        sparse = coef[: len(self.idf)]
        scores = dense @ coef[len(self.idf) :] + self.intercept
        for k in range(coef.shape[1]):
            scores[:, k] += np.bincount(row, weights=value * sparse[col, k], minlength=n)
        return scores

    def predict_proba(
        self, texts: Sequence[str], prepared: Sequence[Prepared] | None = None
    ) -> np.ndarray:
        """Class probabilities, shape ``(n_texts, n_classes)``, columns in :attr:`classes`."""
        scores = self.decision(texts, prepared)
        if scores.shape[1] == 1:  # binary logistic regression: one score for the last class
            p = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.column_stack([1.0 - p, p])
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        return scores / scores.sum(axis=1, keepdims=True)


_HASH_BASE = np.uint64(1_000_003)


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(
        np.uint64
    )


def _window_hash(windows: np.ndarray, n: int) -> np.ndarray:
    """Polynomial hash of each row of *windows* (n code points), seeded with n; wraps mod 2**64."""
    h = np.full(windows.shape[0], n, dtype=np.uint64)
    for k in range(n):
        h = h * _HASH_BASE + windows[:, k]
    return h


def _pack(strings: Iterable[str]) -> np.ndarray:
    # One newline-joined UTF-8 buffer: fixed-width unicode arrays would take 4 bytes per char
    # of the longest n-gram for every entry. Normalised texts contain no newline.
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8)


def _unpack(buffer: np.ndarray) -> list[str]:
    text = buffer.tobytes().decode("utf-8")
    return text.split("\n") if text else []


@lru_cache(maxsize=4)
def _model(path: Path) -> LinearTextModel:
    if not path.exists():
        raise LiensError(
            "the tone model file is missing from the installation; reinstall liens",
            path=path,
        )
    return LinearTextModel.load(path)


# ---------------------------------------------------------------------------------------------
# Public API

#: Characters of a text that are scored. A tweet has at most 280; a Stack Exchange answer or a
#: blog comment may have 10,000, and scoring cost grows with length while the models were
#: trained on tweets. Its opening carries its tone: on the 6,980 posts and comments of the
#: bundled demo, reading the first 1,000 characters changes 1.2 % of the tone labels; with
#: language detection on 300 characters it scores 1.5 times as many texts per second
#: (``bench/eval_tone.py``). The validation tweets are shorter: their figures do not change.
MAX_CHARS = 1000


def _opening(texts: Iterable[str | None]) -> list:
    return [t[:MAX_CHARS] if isinstance(t, str) else t for t in texts]


def _languages(texts: Sequence[str], langs: Sequence[str | None] | None) -> list[str | None]:
    if langs is None:
        from liens.analysis.language import detect_language

        return detect_language(texts)
    if len(langs) != len(texts):
        raise LiensError(f"got {len(texts)} texts but {len(langs)} languages", field="lang")
    return [lang.split("-")[0].lower() if isinstance(lang, str) else None for lang in langs]


def score_tone(texts: Sequence[str], langs: Sequence[str | None] | None = None) -> pd.DataFrame:
    """Tone of each text: a label and a score from negative to positive.

    The label is the most probable of ``negative``, ``neutral``, ``positive`` under a
    multinomial logistic regression on word and character n-grams and sentiment-lexicon
    counts, trained on French (DEFT 2017) and English (SemEval-2017) tweets. The score is

    .. math:: \\text{tone\\_score} = P(\\text{positive}) - P(\\text{negative}) \\in [-1, 1]

    so -1 is certainly negative, +1 certainly positive, and 0 neutral or undecided.

    Parameters
    ----------
    texts : sequence of str
        Short texts (tweets, comments, replies).
    langs : sequence of str or None, optional
        Language of each text (ISO 639-1 or BCP 47, e.g. ``"fr"``, ``"en-GB"``). Detected with
        :func:`liens.analysis.language.detect_language` when not given.

    Returns
    -------
    pandas.DataFrame
        One row per text, same order, columns ``lang`` (str or None), ``tone_label``
        (str or None) and ``tone_score`` (float or NaN).

    Notes
    -----
    Only the first :data:`MAX_CHARS` (1,000) characters of a text are read.
    The model was validated on French and English only; other languages and undetected ones
    get ``tone_label`` None and ``tone_score`` NaN rather than a guess. Empty texts likewise.
    Validation macro-F1 and known weaknesses (sarcasm, topics far from the training tweets)
    are in ``liens/models/tone.md``.

    References
    ----------
    Rosenthal, Farra & Nakov, "SemEval-2017 Task 4: Sentiment Analysis in Twitter", 2017.
    Benamara et al., "Analyse d'opinion et langage figuratif dans des tweets: présentation et
    résultats du Défi Fouille de Textes DEFT2017", 2017.

    Examples
    --------
    >>> score_tone(["J'adore ce produit, merci !"], langs=["fr"]).tone_label.tolist()
    ['positive']
    """
    texts = _opening(texts)
    lang = _languages(texts, langs)
    label: list[str | None] = [None] * len(texts)
    score = np.full(len(texts), np.nan)
    keep = [
        i
        for i, (t, la) in enumerate(zip(texts, lang, strict=True))
        if la in ("fr", "en") and isinstance(t, str) and t.strip()
    ]
    if keep:
        model = _model(TONE_MODEL)
        proba = model.predict_proba([texts[i] for i in keep])
        classes = list(model.classes)
        pos, neg = classes.index("positive"), classes.index("negative")
        best = proba.argmax(axis=1)
        for j, i in enumerate(keep):
            label[i] = classes[best[j]]
        score[keep] = proba[:, pos] - proba[:, neg]
    return pd.DataFrame(
        {
            "lang": pd.Series(lang, dtype=object),  # None stays None, not NaN
            "tone_label": pd.Series(label, dtype=object),
            "tone_score": score,
        }
    )


def score_attack(texts: Sequence[str], langs: Sequence[str | None] | None = None) -> pd.DataFrame:
    """Whether each text is hostile: offensive, abusive or hateful towards someone.

    A logistic regression on the same features as :func:`score_tone`, trained on English
    OLID (OffensEval 2019) and French MLMA hate-speech tweets with balanced class weights.
    ``attack_score`` is the model's probability of the hostile class, in [0, 1];
    ``is_attack`` is ``attack_score >= 0.5``.

    Parameters
    ----------
    texts : sequence of str
    langs : sequence of str or None, optional
        As in :func:`score_tone`.

    Returns
    -------
    pandas.DataFrame
        Columns ``lang``, ``attack_score`` (float, NaN outside French and English or for empty
        text) and ``is_attack`` (bool or None).

    Notes
    -----
    The French training tweets were all collected with hate keywords, so the model tends to
    call any text carrying an insult hostile, quoted or not. See ``liens/models/tone.md``.

    References
    ----------
    Zampieri et al., "Predicting the Type and Target of Offensive Posts in Social Media",
    NAACL 2019. Ousidhoum et al., "Multilingual and Multi-Aspect Hate Speech Analysis",
    EMNLP 2019.
    """
    texts = _opening(texts)
    lang = _languages(texts, langs)
    score = np.full(len(texts), np.nan)
    flag: list[bool | None] = [None] * len(texts)
    keep = [
        i
        for i, (t, la) in enumerate(zip(texts, lang, strict=True))
        if la in ("fr", "en") and isinstance(t, str) and t.strip()
    ]
    if keep:
        model = _model(ATTACK_MODEL)
        proba = model.predict_proba([texts[i] for i in keep])[:, model.classes.index("attack")]
        threshold = float(model.meta.get("threshold", 0.5))
        score[keep] = proba
        for j, i in enumerate(keep):
            flag[i] = bool(proba[j] >= threshold)
    return pd.DataFrame(
        {
            "lang": pd.Series(lang, dtype=object),
            "attack_score": score,
            "is_attack": pd.Series(flag, dtype=object),
        }
    )


def score_tone_and_attack(
    texts: Sequence[str], langs: Sequence[str | None] | None = None
) -> pd.DataFrame:
    """:func:`score_tone` and :func:`score_attack` of the same texts in one pass.

    Languages are detected once and normalisation and tokenisation are shared by the two
    models; the values are those of the two functions called one after the other.

    Returns
    -------
    pandas.DataFrame
        ``lang``, ``tone_label``, ``tone_score``, ``attack_score``, ``is_attack``.
    """
    texts = _opening(texts)
    lang = _languages(texts, langs)
    n = len(texts)
    label: list[str | None] = [None] * n
    tone = np.full(n, np.nan)
    attack = np.full(n, np.nan)
    flag: list[bool | None] = [None] * n
    keep = [
        i
        for i, (t, la) in enumerate(zip(texts, lang, strict=True))
        if la in ("fr", "en") and isinstance(t, str) and t.strip()
    ]
    if keep:
        kept = [texts[i] for i in keep]
        prepared = prepare(kept)
        model = _model(TONE_MODEL)
        proba = model.predict_proba(kept, prepared)
        classes = list(model.classes)
        best = proba.argmax(axis=1)
        for j, i in enumerate(keep):
            label[i] = classes[best[j]]
        tone[keep] = proba[:, classes.index("positive")] - proba[:, classes.index("negative")]
        hostile = _model(ATTACK_MODEL)
        p = hostile.predict_proba(kept, prepared)[:, hostile.classes.index("attack")]
        threshold = float(hostile.meta.get("threshold", 0.5))
        attack[keep] = p
        for j, i in enumerate(keep):
            flag[i] = bool(p[j] >= threshold)
    return pd.DataFrame(
        {
            "lang": pd.Series(lang, dtype=object),
            "tone_label": pd.Series(label, dtype=object),
            "tone_score": tone,
            "attack_score": attack,
            "is_attack": pd.Series(flag, dtype=object),
        }
    )


def score_table(df: pd.DataFrame, text_column: str) -> pd.DataFrame:
    """Add ``lang``, ``tone_label`` and ``tone_score`` to a table of texts.

    A ``lang`` column already in *df* is used as given (missing values are detected);
    otherwise languages are detected. Returns a new DataFrame, *df* is not modified.

    Raises
    ------
    liens.errors.LiensError
        If *text_column* is not a column of *df*.
    """
    if text_column not in df.columns:
        raise LiensError(
            f"no column {text_column!r} in the table (columns: {', '.join(map(str, df.columns))})",
            field=text_column,
        )
    texts = [t if isinstance(t, str) else "" for t in df[text_column].tolist()]
    langs = None
    if "lang" in df.columns:
        given = [la if isinstance(la, str) and la else None for la in df["lang"].tolist()]
        missing = [i for i, la in enumerate(given) if la is None]
        if missing:
            from liens.analysis.language import detect_language

            for i, la in zip(missing, detect_language([texts[i] for i in missing]), strict=True):
                given[i] = la
        langs = given
    scored = score_tone(texts, langs)
    out = df.copy()
    for column in ("lang", "tone_label", "tone_score"):
        out[column] = scored[column].to_numpy()
    return out
