"""Program: the terms and privacy policy versions (which is in force, which comes next),
publishing a new version with its title and text in every language in one form, and the
program as members read it (`program`: what membership gives, how points are earned,
tiers, expiry, redemption, referral, and the documents in force) previewed per language."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from starlette.responses import Response

from app.console import i18n
from app.console.core import (
    Console,
    Field,
    Html,
    el,
    error_box,
    form,
    page,
    table,
    when,
)
from app.console.i18n import LANGUAGE_NAMES, LANGUAGES
from app.console.operations import Outcome, Problems, problems
from app.graphql.policy import Access

i18n.add({
    "program.title": ("Program", "Programma", "Programa"),
    "program.kind.TERMS": ("Terms", "Voorwaarden", "Condiciones"),
    "program.kind.PRIVACY": ("Privacy policy", "Privacybeleid", "Política de privacidad"),
    "program.versions": ("{kind}: versions", "{kind}: versies", "{kind}: versiones"),
    "program.none": ("Nothing published yet.", "Nog niets gepubliceerd.",
                     "Todavía no hay nada publicado."),
    "program.version": ("Version", "Versie", "Versión"),
    "program.doc_title": ("Title", "Titel", "Título"),
    "program.effective": ("In force from", "Geldig vanaf", "En vigor desde"),
    "program.published": ("Published", "Gepubliceerd", "Publicado"),
    "program.status": ("Status", "Status", "Estado"),
    "program.in_force": ("in force", "geldig", "en vigor"),
    "program.upcoming": ("upcoming", "komend", "próxima"),
    "program.earlier": ("earlier", "eerder", "anterior"),
    "program.titles_in": ("Titles are shown in {language}.", "Titels staan in het {language}.",
                          "Los títulos se muestran en {language}."),
    "program.publish": ("Publish a new version", "Een nieuwe versie publiceren",
                        "Publicar una versión nueva"),
    "program.publish_intro": (
        "Every language needs its title and text. Members must accept a new terms version "
        "before they earn or redeem again.",
        "Elke taal heeft een titel en tekst nodig. Leden moeten een nieuwe versie van de "
        "voorwaarden accepteren voordat ze weer sparen of inwisselen.",
        "Cada idioma necesita su título y su texto. Los miembros deben aceptar una nueva "
        "versión de las condiciones antes de volver a ganar o canjear."),
    "program.kind": ("Document", "Document", "Documento"),
    "program.new_version": ("Version label", "Versielabel", "Etiqueta de versión"),
    "program.version_hint": ("New and unique for this document, e.g. 2025-06.",
                             "Nieuw en uniek voor dit document, bijv. 2025-06.",
                             "Nueva y única para este documento, p. ej. 2025-06."),
    "program.effective_at": ("In force from (UTC, empty: now)", "Geldig vanaf (UTC, leeg: nu)",
                             "En vigor desde (UTC, vacío: ahora)"),
    "program.title_in": ("Title ({language})", "Titel ({language})", "Título ({language})"),
    "program.body_in": ("Text ({language})", "Tekst ({language})", "Texto ({language})"),
    "program.publish_submit": ("Publish", "Publiceren", "Publicar"),
    "program.publish_confirm": ("Publish this version for every member?",
                                "Deze versie voor alle leden publiceren?",
                                "¿Publicar esta versión para todos los miembros?"),
    "program.published_notice": ("Version {version} is published.",
                                 "Versie {version} is gepubliceerd.",
                                 "La versión {version} está publicada."),
    "program.preview": ("Preview as members see it", "Voorvertoning zoals leden het zien",
                        "Vista previa como la ven los miembros"),
    "program.preview_title": ("The program as members see it",
                              "Het programma zoals leden het zien",
                              "El programa como lo ven los miembros"),
    "program.preview_lang": ("Preview language", "Taal van de voorvertoning",
                             "Idioma de la vista previa"),
    "program.show": ("Show", "Tonen", "Mostrar"),
    "program.shown_in": ("Shown in {language}, as the app shows it to a member who reads "
                         "{language}.",
                         "Getoond in het {language}, zoals de app het toont aan een lid dat "
                         "{language} leest.",
                         "Mostrado en {language}, como la app lo muestra a un miembro que lee "
                         "{language}."),
    "program.benefits": ("What membership gives", "Wat het lidmaatschap geeft",
                         "Lo que da ser miembro"),
    "program.earning": ("Earning points", "Punten sparen", "Ganar puntos"),
    "program.tiers": ("Tiers", "Niveaus", "Niveles"),
    "program.expiry": ("Expiry", "Vervallen", "Caducidad"),
    "program.redemption": ("Spending points", "Punten besteden", "Gastar puntos"),
    "program.referral": ("Referring a friend", "Een vriend aanbrengen", "Invitar a un amigo"),
    "program.no_document": ("None published.", "Niets gepubliceerd.", "Nada publicado."),
    "program.version_of": ("Version {version}, in force from {date}",
                           "Versie {version}, geldig vanaf {date}",
                           "Versión {version}, en vigor desde {date}"),
    "program.back": ("Back to the documents", "Terug naar de documenten",
                     "Volver a los documentos"),
})  # fmt: skip

KINDS = ("TERMS", "PRIVACY")


def _v(c: Console, name: str, default: str = "") -> str:
    return c.value(name, default) if c.request.method == "POST" else default


# ---- documents and publishing ----------------------------------------------------------------


@page("/program", access=Access.PROGRAM_TERMS)
async def program(c: Console) -> Response | Html:
    c.title = c.t("program.title")
    refused = Problems()
    if c.request.method == "POST":
        published, refused = await _publish(c)
        if published is not None:
            return c.done("/console/program", version=published)
    outcome = await c.run("ProgramDocuments")
    in_force = {"TERMS": outcome.get("program", "terms", "version"),
                "PRIVACY": outcome.get("program", "privacyPolicy", "version")}  # fmt: skip
    lists = [_versions(c, kind, outcome.get(key, default=[]), in_force[kind])
             for kind, key in (("TERMS", "terms"), ("PRIVACY", "privacy"))]  # fmt: skip
    body = el("div",
              el("p", el("a", c.t("program.preview"), href="/console/program/preview?"
                         + urlencode({"lang": c.lang}))),
              error_box(outcome),
              el("div", lists, class_="columns"),
              el("p", c.t("program.titles_in", language=LANGUAGE_NAMES.get(c.lang, c.lang)),
                 class_="muted"),
              _publish_form(c, refused))  # fmt: skip
    notice = None
    if c.arg("done") and c.arg("version"):
        notice = c.t("program.published_notice", version=c.arg("version"))
    return c.render(body, title=c.title, status=422 if refused else 200, notice=notice)


def _versions(c: Console, kind: str, docs: list[dict], current: str | None) -> Html:
    now = dt.datetime.now(dt.UTC)
    rows = []
    for d in sorted(docs, key=lambda d: d["effectiveAt"], reverse=True):
        if d["version"] == current:
            status = el("strong", c.t("program.in_force"))
        elif (_moment(d["effectiveAt"]) or now) > now:
            status = c.t("program.upcoming")
        else:
            status = c.t("program.earlier")
        rows.append([d["version"], d["title"], when(d["effectiveAt"]), when(d["publishedAt"]),
                     status])  # fmt: skip
    label = c.t(f"program.kind.{kind}")
    return el("section",
              el("h2", c.t("program.versions", kind=label)),
              table([c.t("program.version"), c.t("program.doc_title"), c.t("program.effective"),
                     c.t("program.published"), c.t("program.status")], rows, css="versions")
              if rows else el("p", c.t("program.none"), class_="muted"),
              id=f"versions-{kind.lower()}")  # fmt: skip


def _moment(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _publish_form(c: Console, refused: Problems) -> Html:
    fields = [
        Field("kind", c.t("program.kind"), kind="select", required=True,
              options=tuple((k, c.t(f"program.kind.{k}")) for k in KINDS),
              value=_v(c, "kind", "TERMS")),
        Field("version", c.t("program.new_version"), required=True, value=_v(c, "version"),
              hint=c.t("program.version_hint"), attrs={"maxlength": "40"}),
        Field("effectiveAt", c.t("program.effective_at"), kind="datetime-local",
              value=_v(c, "effectiveAt")),
    ]  # fmt: skip
    for lang in LANGUAGES:
        language = LANGUAGE_NAMES[lang]
        # Not `required` in the browser: the API says what is missing, beside the field.
        fields.append(Field(f"title_{lang}", c.t("program.title_in", language=language),
                            value=_v(c, f"title_{lang}"), api=f"texts.{lang}.title",
                            attrs={"lang": lang}))  # fmt: skip
        fields.append(Field(f"body_{lang}", c.t("program.body_in", language=language),
                            kind="textarea", value=_v(c, f"body_{lang}"),
                            api=f"texts.{lang}.body", attrs={"lang": lang, "rows": "8"}))  # fmt: skip
    return el("section", el("h2", c.t("program.publish")),
              el("p", c.t("program.publish_intro")),
              form(c, action="/console/program", form_id="publish", fields=fields,
                   submit=c.t("program.publish_submit"), problems=refused,
                   confirm=c.t("program.publish_confirm")),
              id="publish-section")  # fmt: skip


async def _publish(c: Console) -> tuple[str | None, Problems]:
    """Publish the posted version; (its version label, or None and why not)."""
    effective = c.value("effectiveAt")
    variables = {"input": {
        "kind": c.value("kind") if c.value("kind") in KINDS else "TERMS",
        "version": c.value("version"),
        "texts": [{"locale": lang, "title": c.value(f"title_{lang}"),
                   "body": _lines(c.value(f"body_{lang}"))} for lang in LANGUAGES],
        "effectiveAt": (effective + ":00Z" if len(effective) == 16 else effective) or None,
    }}  # fmt: skip
    outcome = await c.run("ProgramPublish", variables)
    payload = outcome.get("publishTermsDocument", default={})
    if payload.get("__typename") == "TermsDocument" and not outcome.errors:
        return payload["version"], Problems()
    return None, _refusal(c, outcome, payload)


def _lines(text: str) -> str:
    """A textarea's text with the browser's CRLF line ends as the API keeps them: LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _refusal(c: Console, outcome: Outcome, payload: dict) -> Problems:
    """The API's refusal beside the fields it concerns: MissingLocale names the languages,
    so its message goes beside each of their empty title and text fields."""
    found = problems(outcome, "publishTermsDocument")
    if payload.get("__typename") == "MissingLocale" and not outcome.errors:
        fields = {}
        for lang in payload.get("locales") or []:
            empty = [key for key in ("title", "body") if not c.value(f"{key}_{lang}")]
            for key in empty or ("title", "body"):
                fields[f"texts.{lang}.{key}"] = payload["message"]
        return Problems(fields=fields) if fields else found
    if payload.get("__typename") == "TermsVersionTaken" and not outcome.errors:
        return Problems(fields={"version": payload["message"]})
    return found


# ---- the program as members read it ---------------------------------------------------------


@page("/program/preview", access=Access.PROGRAM_TERMS, methods=("GET",))
async def program_preview(c: Console) -> Html:
    c.title = c.t("program.preview_title")
    lang = c.arg("lang") if c.arg("lang") in LANGUAGES else c.lang
    # The operation runs in the chosen language (what `program` answers a member who reads
    # it); the page around it stays in the console's language.
    words = c.context.locale_hint
    c.context.locale_hint = lang
    try:
        outcome = await c.run("ProgramPreview")
    finally:
        c.context.locale_hint = words
    chooser = form(c, action="/console/program/preview", method="get", form_id="preview",
                   submit=c.t("program.show"), css="inline", fields=[
                       Field("lang", c.t("program.preview_lang"), kind="select", value=lang,
                             options=tuple((code, LANGUAGE_NAMES[code]) for code in LANGUAGES)),
                   ])  # fmt: skip
    p = outcome.get("program", default={})
    shown = p.get("locale") or lang
    language = LANGUAGE_NAMES.get(shown, shown)
    body = el("div",
              el("p", el("a", c.t("program.back"), href="/console/program")),
              chooser, error_box(outcome),
              el("p", c.t("program.shown_in", language=language), class_="muted"),
              _preview(c, p, shown) if p else None)  # fmt: skip
    return body


def _sentences(items: list[str]) -> Html | None:
    return el("ul", [el("li", s) for s in items]) if items else None


def _preview(c: Console, p: dict, lang: str) -> Html:
    """The program in `lang`, headings too: the words a member reading `lang` sees."""

    def t(key: str, **values: object) -> str:
        return i18n.t(lang, key, **values)

    sections = [el("section", el("h2", t("program.benefits")), _sentences(p.get("benefits")))]
    for key in ("earning", "tiers", "expiry", "redemption", "referral"):
        part = p.get(key) or {}
        extra = None
        if key == "tiers" and part.get("levels"):
            extra = el("dl", [
                (el("dt", level["name"]), el("dd", ", ".join(level.get("benefits") or []) or "–"))
                for level in part["levels"]
            ])  # fmt: skip
        sections.append(el("section", el("h2", t(f"program.{key}")),
                           _sentences(part.get("sentences") or []), extra))  # fmt: skip
    for key, kind in (("terms", "TERMS"), ("privacyPolicy", "PRIVACY")):
        doc = p.get(key)
        if not doc:
            sections.append(
                el(
                    "section",
                    el("h2", t(f"program.kind.{kind}")),
                    el("p", t("program.no_document"), class_="muted"),
                )
            )
            continue
        sections.append(el("section",
            el("h2", t(f"program.kind.{kind}")),
            el("h3", doc["title"], class_="doc-title"),
            el("p", t("program.version_of", version=doc["version"],
                        date=when(doc["effectiveAt"])), class_="muted"),
            el("div", [el("p", line) for line in doc["body"].splitlines() if line.strip()],
               class_="doc-body"),
            id=f"preview-{kind.lower()}"))  # fmt: skip
    return el("article", sections, lang=lang, id="program-preview", class_="card")


ROUTES = [program, program_preview]
