"""Whether a name can be a handle on each platform, from each platform's documented rules.

A personal brand wants one name everywhere; each platform allows different lengths, characters
and forms. :func:`check_handle` tells, per platform, whether the name fits and, when it does
not, every reason. Only the written rules are checked: whether the name is *taken* needs the
platform itself (liens never asks it).

Sources (the rule each platform publishes):

- X/Twitter: help.x.com/en/managing-your-account/x-username-rules (5 to 15 characters, letters
  A-Z, digits and ``_``; no "Twitter" or "Admin" in the name).
- Instagram: help.instagram.com/ (username rules: at most 30 characters, letters, digits,
  periods and underscores; Instagram refuses a period at the start or end and two in a row).
- TikTok: support.tiktok.com/en/getting-started/setting-up-your-profile/changing-your-username
  (2 to 24 characters, letters, digits, underscores and periods; no period at the end).
- Mastodon: the username validation of Mastodon's ``Account`` model and its reserved names
  (github.com/mastodon/mastodon, ``app/models/account.rb``: ``[a-z0-9_]``, at most 30; the
  validator ``ReservedUsernameValidator`` refuses admin, support, help, root, webmaster,
  administrator, mod, moderator).
- Bluesky: the AT Protocol handle specification (atproto.com/specs/handle: a domain name of at
  most 253 characters, labels of 1 to 63 ASCII letters, digits and hyphens not starting or
  ending with a hyphen, a last label not starting with a digit, reserved top-level domains
  refused) and, for ``NAME.bsky.social``, Bluesky's 3 to 18 characters for NAME.
- Reddit: reddit.com "username requirements" (3 to 20 characters, letters, digits, ``-``
  and ``_``).
- YouTube: support.google.com/youtube/answer/11585688 (handles of 3 to 30 characters, letters,
  digits, underscores, hyphens and periods; not like a URL or a phone number).
- LinkedIn custom URL: linkedin.com/help/linkedin/answer/87 (3 to 100 characters, letters and
  numbers, no spaces, symbols or special characters; the hyphens of LinkedIn's own generated
  URLs are accepted).
- Facebook username: facebook.com/help/105399436216001 (at least 5 characters, letters A-Z,
  digits and periods, periods and case not counting towards uniqueness; no domain extension
  such as ``.com``; at most 50 characters).
- GitHub: the sign-up form's rule (at most 39 characters, letters, digits and single hyphens,
  not starting or ending with a hyphen).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

__all__ = ["PLATFORMS", "check_handle"]

Rule = Callable[[str], list[str]]


def _length(name: str, low: int, high: int) -> list[str]:
    n = len(name)
    if n < low:
        return [f"too short: {n} characters, at least {low}"]
    if n > high:
        return [f"too long: {n} characters, at most {high}"]
    return []


def _chars(name: str, allowed: str, described: str) -> list[str]:
    bad = sorted({c for c in name if not re.fullmatch(allowed, c)})
    if bad:
        return [f"characters not allowed: {' '.join(repr(c) for c in bad)} (only {described})"]
    return []


def _twitter(name: str) -> list[str]:
    out = _length(name, 5, 15) + _chars(name, r"[A-Za-z0-9_]", "letters A-Z, digits and _")
    for word in ("twitter", "admin"):
        if word in name.lower():
            out.append(f"contains the reserved word {word!r}")
    return out


def _instagram(name: str) -> list[str]:
    out = _length(name, 1, 30) + _chars(name, r"[A-Za-z0-9._]", "letters, digits, . and _")
    if name.startswith(".") or name.endswith("."):
        out.append("starts or ends with a period")
    if ".." in name:
        out.append("two periods in a row")
    return out


def _tiktok(name: str) -> list[str]:
    out = _length(name, 2, 24) + _chars(name, r"[A-Za-z0-9._]", "letters, digits, _ and .")
    if name.endswith("."):
        out.append("ends with a period")
    return out


_MASTODON_RESERVED = frozenset(
    ("admin", "support", "help", "root", "webmaster", "administrator", "mod", "moderator")
)


def _mastodon(name: str) -> list[str]:
    out = _length(name, 1, 30) + _chars(name, r"[A-Za-z0-9_]", "letters A-Z, digits and _")
    if name.lower() in _MASTODON_RESERVED:
        out.append("reserved by Mastodon")
    return out


_BSKY_RESERVED_TLDS = frozenset(
    ("alt", "arpa", "example", "internal", "invalid", "local", "localhost", "onion")
)
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def _bluesky(name: str) -> list[str]:
    handle = name if "." in name else f"{name}.bsky.social"
    out = []
    if len(handle) > 253:
        out.append(f"too long: {len(handle)} characters, at most 253")
    labels = handle.split(".")
    for label in labels:
        if not _LABEL.match(label):
            out.append(
                f"label {label!r}: 1 to 63 letters A-Z, digits or -, not starting or ending with -"
            )
    if labels[-1][:1].isdigit():
        out.append("the last label starts with a digit")
    if labels[-1].lower() in _BSKY_RESERVED_TLDS:
        out.append(f"reserved top-level domain .{labels[-1].lower()}")
    if handle.lower().endswith(".bsky.social"):
        out += [f"{m} (the name before .bsky.social)" for m in _length(labels[0], 3, 18)]
    return out


def _reddit(name: str) -> list[str]:
    return _length(name, 3, 20) + _chars(name, r"[A-Za-z0-9_-]", "letters, digits, - and _")


def _youtube(name: str) -> list[str]:
    out = _length(name, 3, 30) + _chars(name, r"[\w.-]", "letters, digits, _, - and .")
    if re.search(r"\.(com|net|org|fr|io|tv|be)$", name, re.IGNORECASE):
        out.append("looks like a URL")
    if re.fullmatch(r"\+?[\d .-]{7,}", name):
        out.append("looks like a phone number")
    return out


def _linkedin(name: str) -> list[str]:
    return _length(name, 3, 100) + _chars(name, r"[A-Za-z0-9-]", "letters, digits and -")


def _facebook(name: str) -> list[str]:
    out = _length(name, 5, 50) + _chars(name, r"[A-Za-z0-9.]", "letters A-Z, digits and .")
    if re.search(r"\.(com|net|org|fr|info|biz)$", name, re.IGNORECASE):
        out.append("ends with a domain extension")
    if len(name.replace(".", "")) < 5 <= len(name):
        out.append("at least 5 characters besides periods")
    return out


def _github(name: str) -> list[str]:
    out = _length(name, 1, 39) + _chars(name, r"[A-Za-z0-9-]", "letters, digits and -")
    if name.startswith("-") or name.endswith("-"):
        out.append("starts or ends with a hyphen")
    if "--" in name:
        out.append("two hyphens in a row")
    return out


#: platform -> (rule, summary of the rule, where it is documented)
PLATFORMS: dict[str, tuple[Rule, str, str]] = {
    "twitter": (_twitter, "5-15, A-Z 0-9 _, no 'twitter'/'admin'",
                "https://help.x.com/en/managing-your-account/x-username-rules"),
    "instagram": (_instagram, "1-30, letters digits . _, no leading/trailing/double period",
                  "https://help.instagram.com/"),
    "tiktok": (_tiktok, "2-24, letters digits _ ., no trailing period",
               "https://support.tiktok.com/en/getting-started/setting-up-your-profile/"
               "changing-your-username"),
    "mastodon": (_mastodon, "1-30, A-Z 0-9 _, not a reserved name",
                 "https://github.com/mastodon/mastodon/blob/main/app/models/account.rb"),
    "bluesky": (_bluesky, "a domain name; NAME.bsky.social with NAME of 3-18",
                "https://atproto.com/specs/handle"),
    "reddit": (_reddit, "3-20, letters digits - _",
               "https://support.reddithelp.com/hc/en-us/articles/204579479"),
    "youtube": (_youtube, "3-30, letters digits _ - ., not a URL or phone number",
                "https://support.google.com/youtube/answer/11585688"),
    "linkedin": (_linkedin, "custom URL of 3-100 letters and digits",
                 "https://www.linkedin.com/help/linkedin/answer/87"),
    "facebook": (_facebook, "5-50, A-Z 0-9 ., no domain extension",
                 "https://www.facebook.com/help/105399436216001"),
    "github": (_github, "1-39, letters digits and single hyphens, not at the ends",
               "https://github.com/join"),
}  # fmt: skip


def check_handle(name: str, platforms: Iterable[str] | None = None) -> list[dict]:
    """Whether ``name`` fits each platform's handle rules, with every reason when it does not.

    Parameters
    ----------
    name : str
        The wanted handle; one leading ``@`` is ignored, and so is the ``@instance`` of a
        Mastodon address (``name@instance``) for the Mastodon check.
    platforms : iterable of str, optional
        Platforms to check (keys of :data:`PLATFORMS`); all by default.

    Returns
    -------
    list of dict
        One per platform, in the order of :data:`PLATFORMS`: ``platform``, ``handle`` (what
        was checked), ``fits`` (bool), ``reasons`` (list of str, empty when it fits),
        ``rule`` (the rule in short) and ``source`` (where the platform documents it).

    Examples
    --------
    >>> [r["platform"] for r in check_handle("eric_delcroix") if not r["fits"]]
    ['bluesky', 'linkedin', 'facebook', 'github']
    """
    wanted = list(PLATFORMS) if platforms is None else [p.lower() for p in platforms]
    unknown = [p for p in wanted if p not in PLATFORMS]
    if unknown:
        raise ValueError(f"unknown platform(s) {unknown}; known: {', '.join(PLATFORMS)}")
    base = name.strip().removeprefix("@")
    results = []
    for platform in PLATFORMS:
        if platform not in wanted:
            continue
        rule, summary, source = PLATFORMS[platform]
        handle = base.split("@", 1)[0] if platform == "mastodon" else base
        reasons = ["empty name"] if not handle else rule(handle)
        results.append({"platform": platform, "handle": handle, "fits": not reasons,
                        "reasons": reasons, "rule": summary, "source": source})  # fmt: skip
    return results
