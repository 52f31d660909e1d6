"""Plural forms: a number 1 reads "1 point", "once a day", never "1 points" or "1 times"."""

import re

import pytest

from app.i18n import LOCALES, MESSAGES, translate
from app.messaging import templates as push
from app.program.texts import TEMPLATES, sentence

# What a text must never say when its number is 1.
WRONG_FOR_ONE = re.compile(
    r"\b1 (points|times|days|months|seconds|friends|punten|dagen|maanden|seconden|vrienden"
    r"|puntos|veces|días|meses|segundos|amigos)\b"
)
NAMES = re.compile(r"\{(\w+)[|}]")


def test_the_explanation_of_a_rate_of_one():
    assert translate("RULE_BASE", "en", rate=1, currency="EUR") == "1 point per EUR spent"
    assert translate("RULE_BASE", "en", rate=2, currency="EUR") == "2 points per EUR spent"
    assert translate("RULE_BASE", "nl", rate=1, currency="EUR") == "1 punt per besteedde EUR"
    assert translate("RULE_BASE", "es", rate="1.5", currency="EUR") == (
        "1.5 puntos por cada EUR gastado"
    )


def test_limits_of_one():
    assert translate("LIMIT_REACHED_DAY", "en", limit=1) == "You can redeem this reward once a day."
    assert translate("LIMIT_REACHED_DAY", "en", limit=3) == (
        "You can redeem this reward 3 times a day."
    )
    assert translate("LIMIT_REACHED_DAY", "es", limit=1) == (
        "Puedes canjear esta recompensa una vez al día."
    )
    assert sentence("EARN_ACTION_DAILY", "en", name="Review", points=1, limit=1) == (
        "Review: 1 point, at most once a day."
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_no_text_says_1_points(locale):
    for table in (MESSAGES, TEMPLATES):
        for code, texts in table.items():
            text = texts.get(locale) or texts["en"]
            params = dict.fromkeys(NAMES.findall(text), 1)
            rendered = (
                translate(code, locale, **params)
                if table is MESSAGES
                else sentence(code, locale, **params)
            )
            assert not WRONG_FOR_ONE.search(rendered), (code, locale, rendered)


@pytest.mark.parametrize("locale", LOCALES)
def test_no_notification_says_1_points(locale):
    for code, texts in push.TEMPLATES.items():
        title, body = texts.get(locale) or texts["en"]
        params = dict.fromkeys(NAMES.findall(title + body), 1)
        rendered = " ".join(push.render(code, locale, **params))
        assert not WRONG_FOR_ONE.search(rendered), (code, locale, rendered)
