"""What a built mail holds: escaped HTML, safe links, headers nobody can inject into, the
right headers for marketing and for transactional mail, and every template in every
language with its fields filled."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from aiosmtplib.email import flatten_message

from app.i18n import LOCALES
from app.mail.compose import build, mailbox
from app.mail.templates import SECURITY, TEMPLATES, Rendered, render

SENDER = "Loyalty <noreply@loyalty.test>"
UNSUBSCRIBE = (
    "https://loyalty.example.com/email/unsubscribe?token=123456.42.k1.rUqbG1mjNX2IZUPfv6X9kNvW"
)
EVIL = "<script>alert(\"x\")</script> & 'quotes'"


def _wire(message) -> email.message.EmailMessage:
    """The message as aiosmtplib puts it on the wire, parsed back."""
    return email.message_from_bytes(flatten_message(message), policy=email.policy.default)


def _parts(message) -> tuple[str, str]:
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def _mail(rendered: Rendered, **options):
    return build(rendered=rendered, locale=options.pop("locale", "en"),
                 to=options.pop("to", "a@example.com"), sender=SENDER, **options)  # fmt: skip


# ---- escaping -------------------------------------------------------------------------------


def test_member_and_marketer_text_is_escaped_in_html_and_raw_in_text():
    rendered = render("CAMPAIGN", "en", subject=f"Deal {EVIL}", body=f"Hi {EVIL}\nline two")
    message = _wire(_mail(rendered, link="https://loyalty.example.com/offers/1"))
    text, html = _parts(message)
    assert EVIL in text and "line two" in text
    assert "<script>" not in html and "'quotes'" not in html
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quotes&#x27;"
    assert f"Hi {escaped}<br>line two" in html
    assert f"<title>Deal {escaped}</title>" in html
    assert message["Subject"] == f"Deal {EVIL}"


def test_display_name_is_escaped():
    name = '<img src=x onerror="steal()">Anna'
    text, html = _parts(_wire(_mail(render("PASSWORD_RESET", "en", name=name, minutes=30))))
    assert f"Hello {name}," in text
    assert "<img" not in html and 'onerror="' not in html
    assert "Hello &lt;img src=x onerror=&quot;steal()&quot;&gt;Anna," in html


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/phish",
        "ftp://files.example/x",
        "https://ok.example/a b",
        "https://ok.example/a\r\nBcc: x@example.com",
        "",
        None,
    ],
)
def test_links_that_are_not_plain_http_are_dropped(link):
    rendered = render("PASSWORD_RESET", "en", name="Anna", minutes=30)
    text, html = _parts(_wire(_mail(rendered, link=link)))
    assert "Choose a new password" not in text and "Choose a new password" not in html
    assert "href" not in html  # no button, no link at all
    for piece in ("javascript", "JavaScript", "data:", "vbscript", "evil.example", "ftp:"):
        assert piece not in text and piece not in html


def test_a_link_is_escaped_as_an_attribute():
    link = 'https://loyalty.example.com/x?a=1&b="><script>alert(1)</script>'
    text, html = _parts(
        _wire(_mail(render("PASSWORD_RESET", "en", name="A", minutes=30), link=link))
    )
    assert link in text
    assert "<script>" not in html
    assert 'href="https://loyalty.example.com/x?a=1&amp;b=&quot;&gt;&lt;script&gt;' in html


# ---- headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Eve\r\nBcc: victim@example.com",
        "Eve\nBcc: victim@example.com",
        'Eve" <eve@evil.example>, "x',
        "Eve\r\n\r\n<html>body</html>",
    ],
)
def test_no_header_injection_through_a_display_name(name):
    message = _mail(render("PASSWORD_RESET", "en", name=name, minutes=30),
                    to=mailbox(name, "eve@example.com"))  # fmt: skip
    wire = _wire(message)
    assert wire["Bcc"] is None
    assert [a.addr_spec for a in wire["To"].addresses] == ["eve@example.com"]
    assert len(wire.get_all("To")) == 1 and len(wire.get_all("Subject")) == 1
    assert wire.get_content_type() == "multipart/alternative"


@pytest.mark.parametrize(
    "subject", ["Hi\r\nBcc: victim@example.com", "Hi\nBcc: victim@example.com", "Hi\rX: y"]
)
def test_no_header_injection_through_a_subject(subject):
    # Rendering makes a subject one line...
    rendered = render("CAMPAIGN", "en", subject=subject, body="b")
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    wire = _wire(_mail(rendered))
    assert wire["Bcc"] is None and wire["X"] is None
    assert wire["Subject"] == " ".join(subject.split())
    # ... and the email package refuses one with a line break anyway.
    with pytest.raises(ValueError):
        _mail(Rendered(subject, ["b"], None))


def test_marketing_mail_has_one_click_unsubscribe():
    rendered = render("CAMPAIGN", "nl", subject="Dubbele punten", body="Deze week")
    message = _mail(rendered, locale="nl", unsubscribe=UNSUBSCRIBE, marketing=True,
                    key="campaign:42:123456")  # fmt: skip
    raw = flatten_message(message)
    # One line, as is: folded into encoded words no client would find the URL.
    # (aiosmtplib flattens with \n and sends every line ending as CRLF.)
    assert f"\nList-Unsubscribe: <{UNSUBSCRIBE}>\n".encode() in raw.replace(b"\r\n", b"\n")
    wire = _wire(message)
    assert wire["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert wire["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert wire["Precedence"] == "bulk"
    assert wire["Auto-Submitted"] is None
    # The delivery key names a member: nothing of it goes to the recipient's provider.
    assert wire["X-Loyalty-Message"] is None
    assert b"campaign:42" not in raw
    assert wire["Content-Language"] == "nl"
    text, html = _parts(wire)
    assert f"Afmelden: {UNSUBSCRIBE}" in text
    assert f'<a href="{UNSUBSCRIBE}">Geen aanbiedingen meer per mail? Afmelden</a>' in html
    # The local logging sender writes the same line.
    assert f"\nList-Unsubscribe: <{UNSUBSCRIBE}>\n".encode() in message.as_bytes()


def test_marketing_mail_survives_a_copy():
    import copy
    import pickle

    message = _mail(render("CAMPAIGN", "en", subject="s", body="b"), unsubscribe=UNSUBSCRIBE,
                    marketing=True)  # fmt: skip
    for clone in (copy.deepcopy(message), pickle.loads(pickle.dumps(message))):
        assert clone["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
        assert f"List-Unsubscribe: <{UNSUBSCRIBE}>".encode() in flatten_message(clone)


def test_transactional_mail_is_auto_submitted_without_unsubscribe():
    message = _mail(render("PASSWORD_RESET", "es", name="Ana", minutes=30), locale="es",
                    link="https://loyalty.example.com/account/reset-password?token=t",
                    reply_to="help@loyalty.test", unsubscribe=UNSUBSCRIBE)  # fmt: skip
    wire = _wire(message)
    assert wire["Auto-Submitted"] == "auto-generated"
    assert wire["List-Unsubscribe"] is None and wire["List-Unsubscribe-Post"] is None
    assert wire["Precedence"] is None
    assert wire["Reply-To"] == "help@loyalty.test"
    assert wire["Subject"] == "Restablece tu contraseña"
    assert re.fullmatch(r"<[0-9a-f]{32}@loyalty\.test>", wire["Message-ID"])
    assert wire["Date"].datetime is not None


# ---- every template -------------------------------------------------------------------------

SAMPLES = {
    "name": "Anaïs",
    "minutes": 30,
    "days": 3,
    "points": 120,
    "new_email": "new@example.com",
    "until": "31-12-2026",
    "title": "Free coffee",
    "subject": "Double points this week",
    "body": "Come by.\nSee you!",
}


def _fields(template) -> set[str]:
    """The field names a template uses: `{name}` and `{points|1 point|# points}`."""
    texts = [template.subject, *template.paragraphs, template.action or ""]
    return {name for text in texts for name in re.findall(r"\{(\w+)", text)}


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_every_template_renders_in_every_language(code):
    assert set(TEMPLATES[code]) == {"en", "nl", "es"} <= set(LOCALES)
    for locale, template in TEMPLATES[code].items():
        fields = _fields(template)
        assert fields <= set(SAMPLES), f"{code}/{locale} uses {fields - set(SAMPLES)}"
        values = {f: SAMPLES[f] for f in fields}
        rendered = render(code, locale, **values)
        marketing = code not in SECURITY
        message = _mail(rendered, locale=locale, marketing=marketing,
                        link="https://loyalty.example.com/x?token=t",
                        unsubscribe=UNSUBSCRIBE if marketing else None)  # fmt: skip
        wire = _wire(message)
        text, html = _parts(wire)
        for out in (wire["Subject"], text, html):
            assert "{" not in out and "}" not in out and "|" not in out, (code, locale, out)
        assert wire["Subject"] == rendered.subject and rendered.subject
        if "name" in fields:
            assert "Anaïs" in text and "Anaïs" in html
        if "points" in fields:
            assert "120" in text
        if rendered.action:
            assert rendered.action in text and "https://loyalty.example.com/x?token=t" in html


@pytest.mark.parametrize(
    ("locale", "greeting", "one"), [("en", "Hello there,", "1 point"),
                                     ("nl", "Hallo daar,", "1 punt"),
                                     ("es", "Hola:", "1 punto")]
)  # fmt: skip
def test_no_name_and_plurals(locale, greeting, one):
    rendered = render("INVITATION", locale, points=1, days=1)
    assert rendered.paragraphs[0] == greeting
    assert one in rendered.paragraphs[1]
    assert "{" not in " ".join(rendered.paragraphs)
