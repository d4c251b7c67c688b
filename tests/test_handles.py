"""Handle rules: each case is taken from the platform's documented rule (see liens.handles)."""

from __future__ import annotations

import doctest

import pytest

import liens.handles
from liens.handles import PLATFORMS, check_handle


def fits(name: str, platform: str) -> bool:
    (result,) = check_handle(name, [platform])
    return result["fits"]


@pytest.mark.parametrize(
    ("platform", "good", "bad"),
    [
        # X: 5-15 characters, A-Z 0-9 _, no "Twitter"/"Admin".
        ("twitter", ["eric_d", "A1234", "x" * 15], ["abcd", "x" * 16, "eric.d", "myadmin1"]),
        # Instagram: <= 30, letters digits . _, no period at either end or twice in a row.
        ("instagram", ["eric.delcroix", "e_1"], ["x" * 31, ".eric", "eric.", "e..d", "e-d"]),
        # TikTok: 2-24, letters digits _ ., no trailing period.
        ("tiktok", ["ed", "eric.delcroix_"], ["e", "x" * 25, "eric.", "e-d"]),
        # Mastodon: [a-z0-9_], <= 30, reserved names refused.
        ("mastodon", ["eric_d", "Eric"], ["eric.d", "x" * 31, "admin", "Moderator"]),
        # Bluesky: NAME.bsky.social with NAME 3-18, or a domain name.
        (
            "bluesky",
            ["eric", "eric-d", "eric.example.fr"],
            ["ed", "x" * 19, "eric_d", "-e.fr", "eric.local", "eric.123"],
        ),
        # Reddit: 3-20, letters digits - _.
        ("reddit", ["e-d", "eric_delcroix"], ["ed", "x" * 21, "eric.d"]),
        # YouTube: 3-30, letters digits _ - ., not a URL or phone number.
        ("youtube", ["eric.delcroix", "éric-d"], ["ed", "x" * 31, "eric.com", "0612345678"]),
        # LinkedIn custom URL: 3-100 letters and digits.
        ("linkedin", ["ericdelcroix", "eric-delcroix"], ["ed", "x" * 101, "eric_d", "éric"]),
        # Facebook: >= 5, A-Z 0-9 ., no domain extension.
        ("facebook", ["eric.delcroix", "ericd"], ["eric", "eric_d", "ericd.com", "e.r.i.c"]),
        # GitHub: <= 39, letters digits single hyphens, not at the ends.
        ("github", ["eric-delcroix", "e"], ["-eric", "eric-", "e--d", "x" * 40, "e_d"]),
    ],
)
def test_documented_rules(platform, good, bad):
    for name in good:
        assert fits(name, platform), (platform, name)
    for name in bad:
        assert not fits(name, platform), (platform, name)


def test_every_platform_is_answered_with_reasons_and_its_source():
    results = check_handle("@x")
    assert [r["platform"] for r in results] == list(PLATFORMS)
    for r in results:
        assert set(r) == {"platform", "handle", "fits", "reasons", "rule", "source"}
        assert r["fits"] == (not r["reasons"])
        assert r["source"].startswith("https://")
    assert results[0]["handle"] == "x"  # the leading @ is not part of the handle


def test_a_mastodon_address_is_checked_on_its_user_part():
    (r,) = check_handle("eric@piaille.fr", ["mastodon"])
    assert r["handle"] == "eric" and r["fits"]


def test_every_reason_is_given_not_only_the_first():
    (r,) = check_handle("é" * 20, ["twitter"])
    assert len(r["reasons"]) == 2  # too long and a character not allowed


def test_unknown_platform_is_an_error():
    with pytest.raises(ValueError, match="unknown platform"):
        check_handle("eric", ["myspace"])


def test_docstring_example():
    assert doctest.testmod(liens.handles).failed == 0
