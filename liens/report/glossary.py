"""Definitions of every number the report shows, in French and English.

:data:`GLOSSARY` maps a column name (as in the workspace tables) to its definition per
language. The report uses it twice: as the tooltip of each metric column and in the Glossary
section. An analysis module may define its own ``GLOSSARY`` dict of the same shape next to the
code computing the columns; :func:`collect_glossary` merges those over the entries here, so a
definition lives beside its formula and reaches the reader unchanged.
"""

from __future__ import annotations

import importlib

__all__ = ["GLOSSARY", "collect_glossary"]

GLOSSARY: dict[str, dict[str, str]] = {
    # imports
    "read": {
        "en": "Records found in the file (rows, lines, XML elements) before any check.",
        "fr": "Enregistrements trouvés dans le fichier (lignes, éléments XML), avant tout "
        "contrôle.",
    },
    "accepted": {
        "en": "Records kept as events, accounts or publications.",
        "fr": "Enregistrements retenus comme événements, comptes ou publications.",
    },
    "duplicate": {
        "en": "Records already in the workspace (same identifier): re-importing a file adds "
        "nothing twice.",
        "fr": "Enregistrements déjà présents dans l’espace de travail (même identifiant) : "
        "réimporter un fichier n’ajoute rien deux fois.",
    },
    "quarantined": {
        "en": "Records set aside because they could not be read (reason and line kept in the "
        "Data quality section); the rest of the file was imported.",
        "fr": "Enregistrements mis de côté parce qu’illisibles (motif et ligne conservés, voir "
        "« Qualité des données ») ; le reste du fichier a été importé.",
    },
    # canonical tables
    "events": {
        "en": "Interactions recorded: each post, reply, comment, share, vote, reaction, edit… "
        "counts once, whoever made it.",
        "fr": "Interactions enregistrées : chaque publication, réponse, commentaire, partage, "
        "vote, réaction, modification… compte une fois, quel qu’en soit l’auteur.",
    },
    "accounts": {
        "en": "Distinct accounts known to the workspace, silent ones included.",
        "fr": "Comptes distincts connus de l’espace de travail, y compris les silencieux.",
    },
    "actors": {
        "en": "Distinct accounts that made at least one event in the period shown. Events whose "
        "author the platform hides (anonymous votes) have no actor.",
        "fr": "Comptes distincts ayant fait au moins un événement sur la période. Les "
        "événements dont la plateforme cache l’auteur (votes anonymes) n’en ont pas.",
    },
    "publications": {
        "en": "Publications stored: posts, replies, comments, quotes and shares.",
        "fr": "Publications enregistrées : messages, réponses, commentaires, citations et "
        "partages.",
    },
    "share": {
        "en": "Part of all events of the workspace.",
        "fr": "Part dans l’ensemble des événements de l’espace de travail.",
    },
    # members (activity analysis)
    "events_out": {
        "en": "Events this account made (posts, replies, comments, votes it cast when known…).",
        "fr": "Événements faits par ce compte (publications, réponses, commentaires, votes "
        "quand ils sont connus…).",
    },
    "events_in": {
        "en": "Events addressed to this account: replies, comments, votes and reactions on its "
        "publications, mentions.",
        "fr": "Événements adressés à ce compte : réponses, commentaires, votes et réactions sur "
        "ses publications, mentions.",
    },
    "posts": {
        "en": "Publications this account created: posts, replies, comments, quotes, shares.",
        "fr": "Publications créées par ce compte : messages, réponses, commentaires, "
        "citations, partages.",
    },
    "active_days": {
        "en": "Distinct calendar days (UTC) on which the account made at least one event.",
        "fr": "Jours calendaires distincts (UTC) où le compte a fait au moins un événement.",
    },
    "first_seen": {
        "en": "Date of the account's first event.",
        "fr": "Date du premier événement du compte.",
    },
    "last_seen": {
        "en": "Date of the account's last event.",
        "fr": "Date du dernier événement du compte.",
    },
    # quarantine
    "reason": {
        "en": "Why the record could not be imported, as the reader stated it.",
        "fr": "Pourquoi l’enregistrement n’a pas pu être importé, tel que le lecteur l’a indiqué.",
    },
    "anonymous": {
        "en": "Events whose author the platform does not reveal (public dumps anonymise "
        "voters). They count in volumes but in no member's figures.",
        "fr": "Événements dont la plateforme ne révèle pas l’auteur (les extractions publiques "
        "anonymisent les votants). Ils comptent dans les volumes, pas dans les chiffres des "
        "membres.",
    },
    "day_precision": {
        "en": "Events the source dates to the day only (no time of day), such as Stack "
        "Exchange votes: they appear in the volumes but not in the hour-of-week heatmap.",
        "fr": "Événements que la source ne date qu’au jour près (sans heure), comme les votes "
        "de Stack Exchange : ils comptent dans les volumes mais pas dans la carte des heures.",
    },
}


def collect_glossary() -> dict[str, dict[str, str]]:
    """:data:`GLOSSARY` updated with the ``GLOSSARY`` of every registered analysis module."""
    from liens.analysis import ANALYSES

    merged = {k: dict(v) for k, v in GLOSSARY.items()}
    for analysis in ANALYSES:
        module = importlib.import_module(analysis.module)
        for column, entry in getattr(module, "GLOSSARY", {}).items():
            merged.setdefault(column, {}).update(entry)
    return merged
