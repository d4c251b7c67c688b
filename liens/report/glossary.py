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
    # --- report sections: network, ties, engagement, timing, hashtags, roles ---
    "publications_followed": {
        "en": "Publications (posts, replies, comments) whose interactions were counted from their "
        "publication on.",
        "fr": "Publications (messages, réponses, commentaires) dont les interactions ont été "
        "comptées dès leur parution.",
    },
    "engaged_share": {
        "en": "Share of publications with at least one interaction by another account.",
        "fr": "Part des publications ayant reçu au moins une interaction d’un autre compte.",
    },
    "interactions": {
        "en": "Everything other accounts did on the publication: replies, comments, shares, "
        "quotes, reactions, up and down votes, accepted answer. The author's own acts do not"
        " count.",
        "fr": "Tout ce que les autres comptes ont fait sur la publication\u00a0: réponses, "
        "commentaires, partages, citations, réactions, votes pour et contre, réponse "
        "acceptée. Les actes de l’auteur ne comptent pas.",
    },
    "interactions_per_publication": {
        "en": "Interactions received / publications followed (mean): the community-wide ROE.",
        "fr": "Interactions reçues / publications suivies (moyenne)\u00a0: le ROE de toute la "
        "communauté.",
    },
    "hours_to_first": {
        "en": "Hours between the publication and its first interaction with a known time (median "
        "over publications that had one).",
        "fr": "Heures entre la publication et sa première interaction datée à l’heure près "
        "(médiane sur les publications qui en ont eu une).",
    },
    "engagement": {
        "en": "Quality-weighted engagement E = Σ weight(kind) × value over the interactions: a "
        "reply or comment 3, a share, quote or accept 2, a reaction or vote 1 (a down vote "
        "−1), a hostile reply −1 (COBRA model: creating weighs more than clicking; Muntinga "
        "et al. 2011).",
        "fr": "Engagement pondéré E = Σ poids(type) × valeur sur les interactions\u00a0:"
        " une réponse ou un commentaire 3, un partage, une citation ou une "
        "acceptation 2, une réaction ou un vote 1 (un vote contre −1), une "
        "réponse hostile −1 (modèle COBRA\u00a0: créer pèse plus que cliquer\u202f; "
        "Muntinga et al. 2011).",
    },
    "n_2h": {
        "en": "Interactions received within two hours of publication (those dated only to the day "
        "are left out).",
        "fr": "Interactions reçues dans les deux heures suivant la publication (celles datées "
        "seulement au jour près sont exclues).",
    },
    "account_publications": {
        "en": "Publications the account made in the period (posts, replies, comments, quotes, "
        "shares).",
        "fr": "Publications faites par le compte sur la période (messages, réponses, commentaires,"
        " citations, partages).",
    },
    "interactions_received": {
        "en": "Interactions other accounts made on the account's publications.",
        "fr": "Interactions faites par d’autres comptes sur les publications du compte.",
    },
    "roe": {
        "en": "Return on engagement: interactions received / publications made (Rissoan: "
        "interactions obtained for an action taken). Undefined, not zero, for an account "
        "that never published.",
        "fr": "Retour sur engagement\u00a0: interactions reçues / publications faites "
        "(Rissoan\u00a0: interactions obtenues par rapport à une action menée). Non "
        "défini, et non nul, pour un compte qui n’a rien publié.",
    },
    "weighted_roe": {
        "en": "Weighted engagement received / publications made: the ROE with a comment worth more"
        " than a vote.",
        "fr": "Engagement pondéré reçu / publications faites\u00a0: le ROE où un commentaire vaut "
        "plus qu’un vote.",
    },
    "early_hours": {
        "en": "Hours after publication at which the early count is read.",
        "fr": "Heures après la publication auxquelles on lit le premier compte.",
    },
    "forecast_posts": {
        "en": "Past publications, at least a week old, the model was fitted on.",
        "fr": "Publications passées, vieilles d’au moins une semaine, sur lesquelles le modèle a "
        "été ajusté.",
    },
    "ratio": {
        "en": "Growth ratio e^β of Szabo & Huberman's model ln(1 + final) = ln(1 + early) + β: "
        "forecast final = ratio × (1 + early) − 1; the interval comes from the spread of "
        "past publications around the model (Szabo & Huberman 2010).",
        "fr": "Ratio de croissance e^β du modèle de Szabo et Huberman ln(1 + final) = "
        "ln(1 + début) + β\u00a0: total final prévu = ratio × (1 + début) − 1\u202f; la "
        "fourchette vient de la dispersion des publications passées autour du "
        "modèle (Szabo et Huberman 2010).",
    },
    "share_zero_early": {
        "en": "Share of past publications with no interaction yet at that hour.",
        "fr": "Part des publications passées sans aucune interaction à cette heure-là.",
    },
    "content_type": {
        "en": "Type of content found from cue words and punctuation in French and English (news, "
        "politics, humour, people, complaint, sensational, unusual); the cues are kept so "
        "every decision can be checked.",
        "fr": "Type de contenu repéré par des mots-indices et la ponctuation, en français et "
        "en anglais (actualité, politique, humour, people, râlerie, sensationnel, "
        "insolite)\u202f; les indices sont conservés pour que chaque décision puisse être "
        "vérifiée.",
    },
    "type_posts": {
        "en": "Original publications of this type.",
        "fr": "Publications originales de ce type.",
    },
    "mean_engagement": {
        "en": "Average weighted engagement of the type's publications, with its 90% bootstrap "
        "interval (publications resampled within the type; Efron & Tibshirani 1993).",
        "fr": "Engagement pondéré moyen des publications du type, avec son intervalle "
        "bootstrap à 90\u202f% (publications rééchantillonnées dans le type\u202f; Efron et "
        "Tibshirani 1993).",
    },
    "type_lift": {
        "en": "Average engagement of the type / average of all publications − 1: +30% means a "
        "third more engagement than usual.",
        "fr": "Engagement moyen du type / moyenne de toutes les publications − 1\u00a0: +30\u202f%"
        " veut dire un tiers d’engagement de plus que d’habitude.",
    },
    "hashtag": {
        "en": "A hashtag with its spellings merged: lower case, accents and separators (_ - . ’) "
        "removed, so #AllezLaFrance, #allez_la_france and #allezlafrance are one; shown with"
        " its most used spelling.",
        "fr": "Un mot-dièse, graphies regroupées\u00a0: minuscules, accents et séparateurs (_"
        " - . ’) retirés, si bien que #AllezLaFrance, #allez_la_france et "
        "#allezlafrance n’en font qu’un\u202f; affiché sous sa graphie la plus "
        "employée.",
    },
    "uses": {
        "en": "Publications carrying the hashtag (any spelling), counted once each.",
        "fr": "Publications portant le mot-dièse (sous n’importe quelle graphie), comptées une "
        "fois chacune.",
    },
    "tag_accounts": {
        "en": "Distinct accounts that published it.",
        "fr": "Comptes distincts qui l’ont publié.",
    },
    "variants": {
        "en": "Every spelling seen, the most used first.",
        "fr": "Toutes les graphies rencontrées, la plus employée d’abord.",
    },
    "together": {
        "en": "Publications carrying both hashtags.",
        "fr": "Publications portant les deux mots-dièse.",
    },
    "tag_jaccard": {
        "en": "Publications with both / publications with either: n_ab / (n_a + n_b − n_ab).",
        "fr": "Publications avec les deux / publications avec l’un ou l’autre\u00a0: n_ab / (n_a +"
        " n_b − n_ab).",
    },
    "net_members": {
        "en": "Members tied to at least one other: they addressed someone or were addressed "
        "(reply, comment, vote on their publication, mention…). The nodes of the network.",
        "fr": "Membres reliés à au moins un autre\u00a0: ils se sont adressés à quelqu’un ou ont "
        "été sollicités (réponse, commentaire, vote sur leur publication, mention…). "
        "Les nœuds du réseau.",
    },
    "density": {
        "en": "Share of all possible directed ties that exist: ties / (n (n − 1)) for n members. "
        "Large communities are always sparse; compare densities of networks of similar size.",
        "fr": "Part des liens orientés possibles qui existent\u00a0: liens / (n (n − 1)) pour"
        " n membres. Les grandes communautés sont toujours peu denses\u202f; on compare"
        " des réseaux de taille voisine.",
    },
    "network_reciprocity": {
        "en": "Share of directed ties A → B whose reverse B → A also exists (convention of "
        "networkx overall_reciprocity; counting mutual pairs over connected pairs gives a "
        "lower figure). Bilateral ties against unilateral ones (Lemieux 1982).",
        "fr": "Part des liens orientés A → B dont l’inverse B → A existe aussi (convention de"
        " networkx overall_reciprocity\u202f; rapporter les paires mutuelles aux paires "
        "reliées donne un chiffre plus bas). Liens bilatéraux contre unilatéraux "
        "(Lemieux 1982).",
    },
    "transitivity": {
        "en": "Global clustering: 3 × triangles / connected triples, the chance that two contacts "
        "of a member are themselves tied (0 to 1). Groupability in Heider's sense: friends "
        "of friends become friends.",
        "fr": "Regroupement global\u00a0: 3 × triangles / triplets connectés, la probabilité "
        "que deux contacts d’un membre soient eux-mêmes reliés (0 à 1). La "
        "groupabilité au sens de Heider\u00a0: les amis de mes amis deviennent mes "
        "amis.",
    },
    "modularity": {
        "en": "Number of communities found by the Leiden algorithm (Traag, Waltman & van Eck "
        "2019), which maximises the modularity Q: the share of ties inside groups minus the "
        "share expected at random (Newman & Girvan 2004). Q above 0.3 means clearly "
        "separated groups.",
        "fr": "Nombre de communautés trouvées par l’algorithme de Leiden (Traag, Waltman"
        " et van Eck 2019), qui maximise la modularité Q\u00a0: part des liens internes"
        " aux groupes moins la part attendue au hasard (Newman et Girvan 2004). Q "
        "au-delà de 0,3\u00a0: groupes nettement séparés.",
    },
    "components_weak": {
        "en": "Connected pieces of the network, ignoring direction: members of two components have"
        " no chain of ties between them.",
        "fr": "Morceaux connexes du réseau, sans tenir compte du sens\u00a0: aucun enchaînement de"
        " liens ne relie les membres de deux composantes.",
    },
    "diameter": {
        "en": "Longest shortest path, in hops, between two members of the network: how many "
        "intermediaries the farthest two need.",
        "fr": "Plus long des plus courts chemins, en nombre de pas, entre deux membres\u00a0: "
        "combien d’intermédiaires il faut aux deux plus éloignés.",
    },
    "closure_rate": {
        "en": "Share of open triads (A–B and B–C tied, A–C not) in the first half of the period "
        "that closed (A–C tied) in the second half: how often a shared contact leads to a "
        "new tie (Kossinets & Watts 2006).",
        "fr": "Part des triades ouvertes (A–B et B–C reliés, A–C non) de la première moitié "
        "de la période qui se sont fermées (A–C relié) dans la seconde\u00a0: combien de "
        "fois un contact commun mène à un nouveau lien (Kossinets et Watts 2006).",
    },
    "community": {
        "en": "Group of members found by the Leiden algorithm (modularity): they interact more "
        "among themselves than with others. Numbered by size, 1 the largest.",
        "fr": "Groupe de membres trouvé par l’algorithme de Leiden (modularité)\u00a0: ils "
        "échangent davantage entre eux qu’avec les autres. Numérotés par taille, 1 la "
        "plus grande.",
    },
    "size": {
        "en": "Members of the community.",
        "fr": "Membres de la communauté.",
    },
    "community_density": {
        "en": "Ties inside the community / (size (size − 1) / 2): how closely knit the group is.",
        "fr": "Liens internes à la communauté / (taille (taille − 1) / 2)\u00a0: à quel point le "
        "groupe est soudé.",
    },
    "leaders": {
        "en": "The community's members with the highest PageRank.",
        "fr": "Les membres de la communauté au plus fort PageRank.",
    },
    "top_hashtags": {
        "en": "Hashtags (or tags) its members use most (NodeXL's “top items”).",
        "fr": "Mots-dièse (ou étiquettes) que ses membres emploient le plus (les «\u00a0top "
        "items\u00a0» de NodeXL).",
    },
    "top_words": {
        "en": "Words of four letters or more its members write most.",
        "fr": "Mots de quatre lettres ou plus que ses membres écrivent le plus.",
    },
    "degree": {
        "en": "Distinct members this member addressed plus those who addressed it (in-degree + "
        "out-degree).",
        "fr": "Membres distincts auxquels ce membre s’est adressé plus ceux qui se sont adressés à"
        " lui (degré entrant + sortant).",
    },
    "betweenness": {
        "en": "Share of the shortest paths between two other members that run through this one "
        "(Freeman 1977), normalised by the (n − 1)(n − 2) / 2 pairs as in networkx: how much"
        " it stands between others.",
        "fr": "Part des plus courts chemins entre deux autres membres qui passent par "
        "celui-ci (Freeman 1977), rapportée aux (n − 1)(n − 2) / 2 paires comme dans "
        "networkx\u00a0: à quel point il se tient entre les autres.",
    },
    "constraint": {
        "en": "Burt's constraint (1992): Σ over contacts j of (p_ij + Σ_q p_iq p_qj)², p the share"
        " of the member's interactions going to each contact. High (towards 1) when all "
        "contacts know each other; low for a broker spanning structural holes.",
        "fr": "Contrainte de Burt (1992)\u00a0: somme sur les contacts j de (p_ij + Σ_q p_iq "
        "p_qj)², p la part des échanges du membre allant à chaque contact. Élevée "
        "(vers 1) quand tous les contacts se connaissent\u202f; faible pour un courtier"
        " qui enjambe des trous structuraux.",
    },
    "effective_size": {
        "en": "Burt's effective size (1992): number of contacts minus their redundancy, Σ_j (1 − "
        "Σ_q p_iq m_jq). Close to the number of contacts when they do not know each other.",
        "fr": "Taille effective de Burt (1992)\u00a0: nombre de contacts moins leur redondance, "
        "Σ_j (1 − Σ_q p_iq m_jq). Proche du nombre de contacts quand ceux-ci ne se "
        "connaissent pas.",
    },
    "brokerage_role": {
        "en": "The brokerage role this member plays most often on the paths A → member → C where A"
        " does not address C, given the communities of A, the member and C (Gould & "
        "Fernandez 1989).",
        "fr": "Le rôle de courtage le plus fréquent de ce membre sur les chemins A → membre → C où"
        " A ne s’adresse pas à C, selon les communautés de A, du membre et de C (Gould et "
        "Fernandez 1989).",
    },
    "strength": {
        "en": "Tie strength (Granovetter 1973), from 0 to 1: weighted mean of the components "
        "observed in the exchanges (frequency, duration, recency, intimacy, mutual services,"
        " shared contacts, emotional intensity when tone is known). See the Ties section.",
        "fr": "Force du lien (Granovetter 1973), de 0 à 1\u00a0: moyenne pondérée des composantes "
        "observées dans les échanges (fréquence, durée, récence, intimité, services "
        "réciproques, contacts communs, intensité émotionnelle quand le ton est connu)."
        " Voir la section Liens.",
    },
    "n_events": {
        "en": "Events between the two members, both ways.",
        "fr": "Événements entre les deux membres, dans les deux sens.",
    },
    "broker_score": {
        "en": "For each end of the bridge, the number of other communities it reaches through ties"
        " crossing between groups.",
        "fr": "Pour chaque extrémité du pont, le nombre d’autres communautés qu’elle atteint par "
        "des liens qui traversent les groupes.",
    },
    "common_neighbors": {
        "en": "Contacts the two members share without being tied to each other.",
        "fr": "Contacts que les deux membres ont en commun sans être reliés entre eux.",
    },
    "jaccard": {
        "en": "Shared contacts / all contacts of either: 1 when their circles are the same.",
        "fr": "Contacts communs / ensemble des contacts de l’un ou l’autre\u00a0: 1 quand leurs "
        "cercles sont identiques.",
    },
    "adamic_adar": {
        "en": "Σ over shared contacts w of 1 / ln(contacts of w) (Adamic & Adar 2003): a shared "
        "contact counts more when it has few contacts itself; the best predictor of a future"
        " tie among the classic ones (Liben-Nowell & Kleinberg 2007).",
        "fr": "Somme sur les contacts communs w de 1 / ln(contacts de w) (Adamic et Adar"
        " 2003)\u00a0: un contact commun compte davantage quand il a lui-même peu de "
        "contacts\u202f; le meilleur des indices classiques pour prédire un lien futur "
        "(Liben-Nowell et Kleinberg 2007).",
    },
    "pagerank": {
        "en": "PageRank (Brin & Page 1998) on the ties weighted by events: the share of attention "
        "that would end on this member if it flowed along the ties; sums to 1 over the "
        "network.",
        "fr": "PageRank (Brin et Page 1998) sur les liens pondérés par les événements\u00a0: "
        "la part de l’attention qui aboutirait à ce membre si elle circulait le "
        "long des liens\u202f; la somme vaut 1 sur le réseau.",
    },
    "tie_pairs": {
        "en": "Pairs of members with at least one event from one to the other (reply, comment, "
        "vote on the other's publication, mention, message…), counted once whatever the "
        "direction.",
        "fr": "Paires de membres avec au moins un événement de l’un vers l’autre (réponse, "
        "commentaire, vote sur une publication de l’autre, mention, message…), comptées une "
        "fois quel que soit le sens.",
    },
    "strength_class": {
        "en": "Strong when the tie's strength is among the top 20% of the network's pairs (at or "
        "above the 80th percentile): Granovetter's strong and weak are relative to the "
        "network.",
        "fr": "Fort quand la force du lien est dans les 20\u202f% les plus élevés des paires "
        "du réseau (au 80e centile ou au-dessus)\u00a0: le fort et le faible de "
        "Granovetter sont relatifs au réseau.",
    },
    "orientation": {
        "en": "Bilateral when each member addressed the other at least once, unilateral when only "
        "one did (Lemieux 1982).",
        "fr": "Bilatéral quand chaque membre s’est adressé à l’autre au moins une fois, unilatéral"
        " quand un seul l’a fait (Lemieux 1982).",
    },
    "bilateral": {
        "en": "Share of tied pairs where each member addressed the other at least once (Lemieux "
        "1982); the others are unilateral.",
        "fr": "Part des paires reliées où chaque membre s’est adressé à l’autre au moins une "
        "fois (Lemieux 1982)\u202f; les autres sont unilatérales.",
    },
    "multiplex": {
        "en": "Share of tied pairs whose exchanges run through two kinds or more (reply and vote, "
        "comment and share…).",
        "fr": "Part des paires reliées dont les échanges passent par deux types ou plus (réponse "
        "et vote, commentaire et partage…).",
    },
    "n_kinds": {
        "en": "Distinct kinds of exchange between the two members (reply, comment, vote, share…). "
        "Two or more: a multiplex tie.",
        "fr": "Types d’échange distincts entre les deux membres (réponse, commentaire, vote, "
        "partage…). Deux ou plus\u00a0: un lien multiplexe.",
    },
    "c_frequency": {
        "en": "ln(1 + W) / ln(1 + max W), W the pair's events weighted by kind (a reply or message"
        " 3, a share 1.5, a vote 0.5): how often and how intensely they exchange "
        "(Granovetter's amount of time).",
        "fr": "ln(1 + W) / ln(1 + max W), W les événements de la paire pondérés par"
        " type (une réponse ou un message 3, un partage 1,5, un vote 0,5)\u00a0: "
        "la fréquence et l’intensité des échanges (la «\u00a0quantité de temps\u00a0» "
        "de Granovetter).",
    },
    "c_duration": {
        "en": "Days between the pair's first and last exchange / days of the period: how long the "
        "tie has lasted.",
        "fr": "Jours entre le premier et le dernier échange de la paire / jours de la "
        "période\u00a0: depuis combien de temps le lien dure.",
    },
    "c_recency": {
        "en": "2^(−days since the last exchange / 7): 1 for a tie active today, ½ after a week, ¼ "
        "after two.",
        "fr": "2^(−jours depuis le dernier échange / 7)\u00a0: 1 pour un lien actif aujourd’hui, ½"
        " après une semaine, ¼ après deux.",
    },
    "c_intimacy": {
        "en": "Share of the pair's events that are private messages or direct replies "
        "(Granovetter's intimacy, mutual confiding).",
        "fr": "Part des événements de la paire qui sont des messages privés ou des réponses "
        "directes (l’intimité, les confidences mutuelles de Granovetter).",
    },
    "c_mutuality": {
        "en": "min / max of what each member addressed to the other (weighted): 1 when the "
        "exchange is balanced, 0 when it goes one way.",
        "fr": "min / max de ce que chaque membre a adressé à l’autre (pondéré)\u00a0: 1 quand "
        "l’échange est équilibré, 0 quand il va dans un seul sens.",
    },
    "c_services": {
        "en": "min / max of the shares, quotes and mentions each made of the other: mutual "
        "amplification, Granovetter's reciprocal services.",
        "fr": "min / max des partages, citations et mentions que chacun a faits de l’autre\u00a0: "
        "l’amplification mutuelle, les services réciproques de Granovetter.",
    },
    "c_structural": {
        "en": "Shared contacts / all contacts of either (Jaccard of their neighbourhoods): strong "
        "ties sit in overlapping circles (Granovetter's hypothesis).",
        "fr": "Contacts communs / ensemble des contacts de l’un ou l’autre (Jaccard de leurs "
        "voisinages)\u00a0: les liens forts relient des cercles qui se recouvrent (hypothèse"
        " de Granovetter).",
    },
    "c_emotional": {
        "en": "Mean absolute tone of the pair's exchanges (0 to 1), when the tone of texts is "
        "known: emotional intensity, friendly or hostile.",
        "fr": "Ton absolu moyen des échanges de la paire (0 à 1), quand le ton des textes est"
        " connu\u00a0: l’intensité émotionnelle, amicale ou hostile.",
    },
    "slot_posts": {
        "en": "Past publications made in this slot (day and block of hours, in the community's "
        "time zone).",
        "fr": "Publications passées faites dans ce créneau (jour et tranche horaire, dans le "
        "fuseau de la communauté).",
    },
    "slot_mean": {
        "en": "Average weighted engagement of the slot's publications, with its 90% bootstrap "
        "interval (Efron & Tibshirani 1993).",
        "fr": "Engagement pondéré moyen des publications du créneau, avec son intervalle "
        "bootstrap à 90\u202f% (Efron et Tibshirani 1993).",
    },
    "lift": {
        "en": "Average engagement of the slot / that of the median slot − 1, with a 90% bootstrap "
        "interval (publications resampled within every slot, the median slot recomputed each"
        " time). Slots with fewer than 10 publications are not rated.",
        "fr": "Engagement moyen du créneau / celui du créneau médian − 1, avec un intervalle "
        "bootstrap à 90\u202f% (publications rééchantillonnées dans chaque créneau, créneau "
        "médian recalculé à chaque fois). Les créneaux de moins de 10 publications ne "
        "sont pas notés.",
    },
    "recommended": {
        "en": "Recommended when the slot has enough history and the low end of its lift interval "
        "is above 0: better than the median slot even in the pessimistic case.",
        "fr": "Recommandé quand le créneau a assez d’historique et que le bas de son "
        "intervalle de surperformance dépasse 0\u00a0: meilleur que le créneau médian même "
        "dans le cas pessimiste.",
    },
    "posts_per_day": {
        "en": "Publications / days from the first to the last publication.",
        "fr": "Publications / jours entre la première et la dernière publication.",
    },
    "active_day_share": {
        "en": "Days with at least one publication / days from the first to the last publication.",
        "fr": "Jours avec au moins une publication / jours entre la première et la dernière "
        "publication.",
    },
    "gap_median_hours": {
        "en": "Median time between two consecutive publications.",
        "fr": "Durée médiane entre deux publications consécutives.",
    },
    "gap_max_days": {
        "en": "Longest time without a publication between the first and the last one.",
        "fr": "Plus longue période sans publication entre la première et la dernière.",
    },
    # --- end of report sections: network, ties, engagement, timing, hashtags, roles ---
    # --- report sections: who matters, reputation and crises ---
    "stage": {
        "en": "Stage of presence (seeds 000/001): present (never speaks), relay (mostly shares "
        "others' content), producer (writes its own), power networker (a producer with a large "
        "engaged audience who publishes regularly). Hover a stage for its exact rule.",
        "fr": "Stade de présence (graines 000/001)\u00a0: présent (ne prend jamais la parole), "
        "relai (partage surtout les contenus des autres), producteur (écrit les siens), power "
        "networker (un producteur à large audience engagée qui publie régulièrement). Survolez"
        " un stade pour sa règle exacte.",
    },
    "stage_members": {
        "en": "Members at this stage over the whole period, silent accounts included.",
        "fr": "Membres à ce stade sur toute la période, comptes silencieux compris.",
    },
    "stage_share": {
        "en": "Members at this stage / all members.",
        "fr": "Membres à ce stade / ensemble des membres.",
    },
    "contribution_share": {
        "en": "Contributions (own publications and relays) made by the stage's members / all "
        "contributions.",
        "fr": "Contributions (publications propres et relais) des membres du stade / ensemble"
        " des contributions.",
    },
    "engagement_share": {
        "en": "Engagement received by the stage's members (replies, comments, shares, quotes, "
        "mentions, reactions, votes, accepts by others) / all engagement received.",
        "fr": "Engagement reçu par les membres du stade (réponses, commentaires, partages, "
        "citations, mentions, réactions, votes, acceptations des autres) / ensemble de "
        "l’engagement reçu.",
    },
    "gini": {
        "en": "Gini coefficient of contributions per member, silent members included: 0 when "
        "everyone contributes equally, 1 when one member writes everything (Gini 1912).",
        "fr": "Coefficient de Gini des contributions par membre, silencieux compris\u00a0: 0 quand"
        " tous contribuent autant, 1 quand un seul membre écrit tout (Gini 1912).",
    },
    "top1_share": {
        "en": "Share of all contributions made by the 1% of members who contribute most.",
        "fr": "Part de toutes les contributions faite par le 1\u202f% des membres qui "
        "contribuent le plus.",
    },
    "top10_share": {
        "en": "Share of all contributions made by the 10% of members who contribute most.",
        "fr": "Part de toutes les contributions faite par les 10\u202f% des membres qui "
        "contribuent le plus.",
    },
    "observed_share": {
        "en": "Share of members in the group in this community: never contributed; "
        "contributed but outside the top 1%; top 1% of contributors.",
        "fr": "Part des membres du groupe dans cette communauté\u00a0: n’a jamais contribué\u202f;"
        " a contribué hors du 1\u202f% du haut\u202f; 1\u202f% des plus gros contributeurs.",
    },
    "expected_share": {
        "en": "Share the 90-9-1 rule predicts (Nielsen, “Participation Inequality”, 2006).",
        "fr": "Part que prédit la règle 90-9-1 (Nielsen, «\u00a0Participation Inequality\u00a0», "
        "2006).",
    },
    "stage_period": {
        "en": "Start of the period (quarter by default) on which stages are computed.",
        "fr": "Début de la période (le trimestre par défaut) sur laquelle les stades sont "
        "calculés.",
    },
    "arrived": {
        "en": "Members seen for the first time in the period, whatever their first stage.",
        "fr": "Membres vus pour la première fois dans la période, quel que soit leur premier "
        "stade.",
    },
    "moved_up": {
        "en": "Members whose stage in the period is higher than in the previous one (present < "
        "relay < producer < power networker).",
        "fr": "Membres dont le stade dans la période est plus élevé que dans la précédente "
        "(présent < relai < producteur < power networker).",
    },
    "moved_down": {
        "en": "Members whose stage in the period is lower than in the previous one.",
        "fr": "Membres dont le stade dans la période est plus bas que dans la précédente.",
    },
    "stayed": {
        "en": "Members who stayed relay, producer or power networker from the previous period.",
        "fr": "Membres restés relai, producteur ou power networker depuis la période précédente.",
    },
    "speaking": {
        "en": "Members at the producer or power networker stage in the period.",
        "fr": "Membres au stade producteur ou power networker dans la période.",
    },
    "influence": {
        "en": "Engagement the account caused: Σ over its publications of the interactions others"
        " made on it plus the publications by others two or more levels below it, plus the "
        "mentions of the account. Audience is kept apart (Cha et al. 2010).",
        "fr": "Engagement suscité par le compte\u00a0: somme sur ses publications des "
        "interactions des autres plus les publications des autres deux niveaux plus bas ou "
        "au-delà, plus les mentions du compte. L’audience est tenue à part (Cha et al. 2010).",
    },
    "rank_interval": {
        "en": "90% bootstrap interval of the influence rank: publications re-drawn with Poisson(1)"
        " weights 100 times, influence and rank recomputed each time (Efron & Tibshirani "
        "1993).",
        "fr": "Intervalle bootstrap à 90\u202f% du rang d’influence\u00a0: publications "
        "retirées 100 fois avec des poids de Poisson(1), influence et rang recalculés à "
        "chaque fois (Efron et Tibshirani 1993).",
    },
    "top10_probability": {
        "en": "Share of bootstrap replicates in which the account is among the top 10% by "
        "influence.",
        "fr": "Part des tirages bootstrap où le compte est parmi les 10\u202f% les plus influents.",
    },
    "influence_audience": {
        "en": "Audience: followers when the source gives them, else distinct accounts that "
        "addressed this one (attention in-degree).",
        "fr": "Audience\u00a0: les abonnés quand la source les donne, sinon les comptes "
        "distincts qui se sont adressés à celui-ci (degré entrant d’attention).",
    },
    "audience_percentile": {
        "en": "Share of the platform's accounts whose audience is at or below this one's.",
        "fr": "Part des comptes de la plateforme dont l’audience est inférieure ou égale à "
        "celle-ci.",
    },
    "influence_replies": {
        "en": "Direct replies and comments others made on the account's publications.",
        "fr": "Réponses et commentaires directs des autres sur les publications du compte.",
    },
    "cascade": {
        "en": "Publications by others anywhere below the account's publications in their "
        "reply and share trees: the conversation they set off.",
        "fr": "Publications des autres n’importe où sous les publications du compte, dans "
        "leurs arbres de réponses et de partages\u00a0: la conversation qu’elles ont lancée.",
    },
    "amplification": {
        "en": "Shares and quotes of its publications by others (retweets in Cha et al. 2010).",
        "fr": "Partages et citations de ses publications par d’autres (les retweets de Cha et "
        "al. 2010).",
    },
    "influence_mentions": {
        "en": "Times other accounts mentioned it by name.",
        "fr": "Nombre de fois où d’autres comptes l’ont mentionné par son nom.",
    },
    "posts_engaged": {
        "en": "Brand publications the account interacted with (on the post or anywhere in its "
        "thread).",
        "fr": "Publications de la marque avec lesquelles le compte a interagi (sur la "
        "publication ou n’importe où dans son fil).",
    },
    "early_share": {
        "en": "Share of those publications it first engaged with within 2 hours of publication "
        "(timed interactions only).",
        "fr": "Part de ces publications sur lesquelles il a réagi dans les 2 heures suivant la"
        " parution (interactions datées à l’heure seulement).",
    },
    "advocacy_score": {
        "en": "Reliability × early share: (brand publications engaged with / brand "
        "publications) × share engaged early. From 0 to 1.",
        "fr": "Fidélité × part précoce\u00a0: (publications de la marque suivies / publications"
        " de la marque) × part suivie tôt. De 0 à 1.",
    },
    "favourable_acts": {
        "en": "Replies, comments, quotes or mentions in the brand's threads that are in its "
        "favour (stance label, else tone score above +0.4).",
        "fr": "Réponses, commentaires, citations ou mentions dans les fils de la marque qui lui"
        " sont favorables (étiquette de position, sinon score de ton au-dessus de +0,4).",
    },
    "critic_acts": {
        "en": "Replies, comments, quotes or mentions in the brand's threads that are against it "
        "(stance label, else tone score below −0.4).",
        "fr": "Réponses, commentaires, citations ou mentions dans les fils de la marque qui lui"
        " sont hostiles (étiquette de position, sinon score de ton sous −0,4).",
    },
    "defences": {
        "en": "Favourable answers to a critic act in the brand's threads.",
        "fr": "Réponses favorables à un acte critique dans les fils de la marque.",
    },
    "incoming": {
        "en": "Replies, comments, mentions and quotes others addressed to the account.",
        "fr": "Réponses, commentaires, mentions et citations que d’autres ont adressés au compte.",
    },
    "reply_rate": {
        "en": "Incoming replies, comments and mentions the account answered / all of them.",
        "fr": "Réponses, commentaires et mentions reçus auxquels le compte a répondu / total reçu.",
    },
    "median_response_hours": {
        "en": "Median time between an incoming message and the account's answer.",
        "fr": "Délai médian entre un message reçu et la réponse du compte.",
    },
    "posture_reciprocity": {
        "en": "Follow-back rate when follows are known, else the share of the accounts that "
        "addressed it which it addressed in return.",
        "fr": "Taux d’abonnement en retour quand les abonnements sont connus, sinon la part "
        "des comptes qui se sont adressés à lui auxquels il s’est adressé en retour.",
    },
    "conversationality": {
        "en": "(Reply rate + reciprocity) / 2: 0 for a brand that answers and follows nobody, "
        "1 for one that answers everyone and returns every tie (seed 004).",
        "fr": "(Taux de réponse + réciprocité) / 2\u00a0: 0 pour une marque qui ne répond à "
        "personne et ne suit personne, 1 pour une marque qui répond à tous et rend chaque "
        "lien (graine 004).",
    },
    "fans_answered_share": {
        "en": "Distinct accounts that wrote to it and got at least one answer / all that wrote.",
        "fr": "Comptes distincts qui lui ont écrit et ont reçu au moins une réponse / tous "
        "ceux qui lui ont écrit.",
    },
    "voice": {
        "en": "Events by others naming or addressing the account: mentions plus engagement "
        "(replies, comments, shares, quotes, reactions, votes, accepts).",
        "fr": "Événements des autres qui nomment le compte ou s’adressent à lui\u00a0: mentions"
        " plus engagement (réponses, commentaires, partages, citations, réactions, votes, "
        "acceptations).",
    },
    "share_of_voice": {
        "en": "The account's voice / the voice of all compared accounts.",
        "fr": "Voix du compte / voix de l’ensemble des comptes comparés.",
    },
    "sov_mentions": {
        "en": "Mentions of the account by others.",
        "fr": "Mentions du compte par d’autres.",
    },
    "sov_engagement": {
        "en": "Interactions others made on the account's publications.",
        "fr": "Interactions des autres sur les publications du compte.",
    },
    "tone_mentions": {
        "en": "Texts whose tone was read by the model: replies, comments, quotes, mentions and "
        "posts about the brand (every text when no account is the brand's).",
        "fr": "Textes dont le modèle a lu le ton\u00a0: réponses, commentaires, citations, "
        "mentions et publications sur la marque (tous les textes quand aucun compte n’est "
        "celui de la marque).",
    },
    "negative_share": {
        "en": "Negative texts / texts scored.",
        "fr": "Textes négatifs / textes notés.",
    },
    "weighted_negative_share": {
        "en": "w × negative / (w × negative + the others), w the weight of a negative voice (2 by"
        " default: “bad is stronger than good”, Baumeister et al. 2001).",
        "fr": "w × négatifs / (w × négatifs + les autres), w le poids d’une voix négative (2 "
        "par défaut\u00a0: «\u00a0le mauvais l’emporte sur le bon\u00a0», Baumeister et al. "
        "2001).",
    },
    "alarms": {
        "en": "Alarm episodes raised by the four detectors on the hourly stream (one per "
        "detector and episode); a burst often rings several detectors.",
        "fr": "Épisodes d’alarme levés par les quatre détecteurs sur le flux horaire (un par "
        "détecteur et par épisode)\u202f; une même flambée en fait souvent sonner plusieurs.",
    },
    "tone_positive": {
        "en": "Texts of the account read as positive.",
        "fr": "Textes du compte lus comme positifs.",
    },
    "tone_neutral": {
        "en": "Texts of the account read as neutral.",
        "fr": "Textes du compte lus comme neutres.",
    },
    "tone_negative": {
        "en": "Texts of the account read as negative.",
        "fr": "Textes du compte lus comme négatifs.",
    },
    "attacks": {
        "en": "Texts the model reads as hostile (insult, threat, harassment), whatever their tone.",
        "fr": "Textes que le modèle lit comme hostiles (insulte, menace, harcèlement), quel que "
        "soit leur ton.",
    },
    "complaints": {
        "en": "Texts read as complaints addressed to a brand (service failure, delay, refund, "
        "broken product, no answer…): grievance and judgement cues, a company, a product or the "
        "writer as a customer, and a negative tone, weighed by a logistic model fitted on hand "
        "labels (complaint score ≥ 0.15; held out it finds about a third of the complaints; "
        "liens/analysis/complaints.py).",
        "fr": "Textes lus comme des réclamations adressées à une marque (panne, retard, "
        "remboursement, produit défectueux, pas de réponse…) : indices de grief et de jugement, "
        "une entreprise, un produit ou l’auteur en client, et un ton négatif, pesés par un modèle "
        "logistique ajusté sur des annotations manuelles (score ≥ 0,15 ; sur des textes mis de "
        "côté il trouve environ un tiers des réclamations ; liens/analysis/complaints.py).",
    },
    "complaint_share": {
        "en": "Complaints / texts scored (for an alarm: among the stream's events of its window).",
        "fr": "Réclamations / textes notés (pour une alarme : parmi les événements du flux "
        "de sa fenêtre).",
    },
    "net_tone": {
        "en": "Mean over the account's texts of +1 (positive), 0 (neutral) and −w (negative), w "
        "the negative weight: below 0 a detractor, above 0 a defender (2 texts at least).",
        "fr": "Moyenne sur les textes du compte de +1 (positif), 0 (neutre) et −w (négatif), w "
        "le poids du négatif\u00a0: sous 0 un détracteur, au-dessus un défenseur (2 textes au "
        "moins).",
    },
    "tone_last_at": {
        "en": "Date of the account's last scored text.",
        "fr": "Date du dernier texte noté du compte.",
    },
    "incident_at": {
        "en": "When the answer or note was made (UTC).",
        "fr": "Quand la réponse ou la note a été faite (UTC).",
    },
    "incident_by": {
        "en": "The brand account that answered, or the person who entered the note.",
        "fr": "Le compte de la marque qui a répondu, ou la personne qui a saisi la note.",
    },
    "incident_action": {
        "en": "The kind of the brand's event (reply, post, comment…) or “note” for a manual entry.",
        "fr": "Le type de l’événement de la marque (réponse, publication, commentaire…) ou "
        "«\u00a0note\u00a0» pour une saisie manuelle.",
    },
    "response_minutes": {
        "en": "Minutes between the publication answered and the answer.",
        "fr": "Minutes entre la publication à laquelle on répond et la réponse.",
    },
    "since_alarm_minutes": {
        "en": "Minutes between the alarm and the answer or note.",
        "fr": "Minutes entre l’alarme et la réponse ou la note.",
    },
    # --- end of report sections: who matters, reputation and crises ---
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
