"""Community: the moderators' queue of the reports members sent (what was reported, by
whom, why and when, with hide, mute and ban right there, each with a reason kept in the
moderation log), their review of each group's feed and a post's comments, and the
organizers' member-only events (create one with its texts per language; an event's page
lists the members confirmed and the waitlist in order, display names only)."""

from __future__ import annotations

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
from app.console.operations import Problems
from app.graphql.policy import Access

i18n.add({
    "community.title": ("Community", "Community", "Comunidad"),
    "community.moderation": ("Moderation", "Moderatie", "Moderación"),
    "community.moderation_intro": (
        "Open a group to review its posts: hide a post or a comment, or mute or ban a member, "
        "always with a reason for the moderation log.",
        "Open een groep om de berichten na te lopen: verberg een bericht of reactie, of demp "
        "of verban een lid, altijd met een reden voor het moderatielogboek.",
        "Abre un grupo para revisar sus publicaciones: oculta una publicación o un "
        "comentario, o silencia o expulsa a un miembro, siempre con un motivo para el "
        "registro de moderación."),
    "community.queue": ("Reports to review ({count})", "Meldingen om na te lopen ({count})",
                        "Denuncias por revisar ({count})"),
    "community.queue_empty": ("No open reports.", "Geen openstaande meldingen.",
                              "No hay denuncias abiertas."),
    "community.queue_more": ("Later reports", "Latere meldingen", "Denuncias posteriores"),
    "community.reported_post": ("Post by {name} in {group}, {when}",
                                "Bericht van {name} in {group}, {when}",
                                "Publicación de {name} en {group}, {when}"),
    "community.reported_comment": ("Comment by {name} in {group}, {when}",
                                   "Reactie van {name} in {group}, {when}",
                                   "Comentario de {name} en {group}, {when}"),
    "community.on_post": ("On the post:", "Bij het bericht:", "En la publicación:"),
    "community.reported_by": ("Reported by {name}, {when}", "Gemeld door {name}, {when}",
                              "Denunciado por {name}, {when}"),
    "community.report_reason": ("Why: {reason}", "Waarom: {reason}", "Motivo: {reason}"),
    "community.restrict_author": ("Mute or ban {name} in {group}",
                                  "{name} dempen of verbannen in {group}",
                                  "Silenciar o expulsar a {name} en {group}"),
    "community.groups": ("Groups", "Groepen", "Grupos"),
    "community.group": ("Group", "Groep", "Grupo"),
    "community.description": ("Description", "Beschrijving", "Descripción"),
    "community.min_tier": ("From tier", "Vanaf niveau", "Desde el nivel"),
    "community.open_to_all": ("every member", "elk lid", "todos los miembros"),
    "community.no_groups": ("No groups yet.", "Nog geen groepen.", "Todavía no hay grupos."),
    "community.review": ("Review the feed", "Berichten nalopen", "Revisar publicaciones"),
    "community.events": ("Upcoming events", "Komende evenementen", "Próximos eventos"),
    "community.no_events": ("No upcoming events.", "Geen komende evenementen.",
                            "No hay próximos eventos."),
    "community.event": ("Event", "Evenement", "Evento"),
    "community.when": ("When", "Wanneer", "Cuándo"),
    "community.where": ("Where", "Waar", "Dónde"),
    "community.capacity": ("Places", "Plaatsen", "Plazas"),
    "community.confirmed": ("Confirmed", "Bevestigd", "Confirmadas"),
    "community.places_left": ("Left", "Over", "Libres"),
    "community.waitlist": ("Waitlist", "Wachtlijst", "Lista de espera"),
    "community.waitlist_on": ("full: new RSVPs are waitlisted",
                              "vol: nieuwe aanmeldingen komen op de wachtlijst",
                              "completo: las nuevas reservas van a la lista de espera"),
    "community.waitlist_off": ("not needed yet", "nog niet nodig", "aún no hace falta"),
    "community.see_list": ("Open an event for the members confirmed and the waitlist.",
                           "Open een evenement voor de bevestigde leden en de wachtlijst.",
                           "Abre un evento para ver los miembros confirmados y la lista de "
                           "espera."),
    "community.event_gone": ("No such event, or it is cancelled.",
                             "Dit evenement bestaat niet of is geannuleerd.",
                             "Ese evento no existe o está cancelado."),
    "community.attendees": ("Confirmed ({count})", "Bevestigd ({count})",
                            "Confirmados ({count})"),
    "community.waiting": ("Waitlist ({count})", "Wachtlijst ({count})",
                          "Lista de espera ({count})"),
    "community.nobody": ("Nobody yet.", "Nog niemand.", "Nadie todavía."),
    "community.position": ("Place", "Plek", "Puesto"),
    "community.rsvped": ("RSVP", "Aangemeld", "Reserva"),
    "community.more_names": ("More", "Meer", "Más"),
    "community.more_events": ("Later events", "Latere evenementen", "Eventos posteriores"),
    "community.new_event": ("Create an event", "Evenement aanmaken", "Crear un evento"),
    "community.event_title": ("Title ({language})", "Titel ({language})", "Título ({language})"),
    "community.event_description": ("Description ({language})", "Beschrijving ({language})",
                                    "Descripción ({language})"),
    "community.starts": ("Starts (UTC)", "Begint (UTC)", "Empieza (UTC)"),
    "community.ends": ("Ends (UTC)", "Eindigt (UTC)", "Termina (UTC)"),
    "community.location": ("Location", "Locatie", "Lugar"),
    "community.tier_any": ("(every member)", "(elk lid)", "(todos los miembros)"),
    "community.texts_hint": ("English is required; Dutch and Spanish fall back to it.",
                             "Engels is verplicht; Nederlands en Spaans vallen erop terug.",
                             "El inglés es obligatorio; neerlandés y español recurren a él."),
    "community.create": ("Create the event", "Evenement aanmaken", "Crear el evento"),
    "community.capacity_number": ("Enter a whole number of places.",
                                  "Vul een heel aantal plaatsen in.",
                                  "Indica un número entero de plazas."),
    "community.date_needed": ("Enter a date and time.", "Vul een datum en tijd in.",
                              "Indica una fecha y hora."),
    "community.back": ("Back to the community", "Terug naar de community",
                       "Volver a la comunidad"),
    "community.back_group": ("Back to the group", "Terug naar de groep", "Volver al grupo"),
    "community.not_found": ("No such group, or it is closed to you.",
                            "Deze groep bestaat niet of is niet voor jou open.",
                            "Ese grupo no existe o no está abierto para ti."),
    "community.post_gone": ("No such post, or it is hidden.",
                            "Dit bericht bestaat niet of is verborgen.",
                            "Esa publicación no existe o está oculta."),
    "community.posts": ("Posts ({count})", "Berichten ({count})", "Publicaciones ({count})"),
    "community.no_posts": ("No visible posts.", "Geen zichtbare berichten.",
                           "No hay publicaciones visibles."),
    "community.by": ("{name}, {when}", "{name}, {when}", "{name}, {when}"),
    "community.comments": ("Comments ({count})", "Reacties ({count})", "Comentarios ({count})"),
    "community.no_comments": ("No visible comments.", "Geen zichtbare reacties.",
                              "No hay comentarios visibles."),
    "community.reactions": ("Reactions", "Reacties", "Reacciones"),
    "community.older": ("Older posts", "Oudere berichten", "Publicaciones anteriores"),
    "community.more_comments": ("More comments", "Meer reacties", "Más comentarios"),
    "community.images": ("{count} image(s)", "{count} afbeelding(en)", "{count} imagen(es)"),
    "community.reason": ("Reason", "Reden", "Motivo"),
    "community.hide_post": ("Hide post", "Bericht verbergen", "Ocultar publicación"),
    "community.hide_comment": ("Hide comment", "Reactie verbergen", "Ocultar comentario"),
    "community.hide_confirm": ("Hide this for every member?", "Dit voor alle leden verbergen?",
                               "¿Ocultar esto para todos los miembros?"),
    "community.hidden": ("Hidden. Its reports are resolved.",
                         "Verborgen. De meldingen ervan zijn afgehandeld.",
                         "Oculto. Sus denuncias están resueltas."),
    "community.restrict": ("Mute or ban a member in this group",
                           "Een lid in deze groep dempen of verbannen",
                           "Silenciar o expulsar a un miembro en este grupo"),
    "community.member": ("Member", "Lid", "Miembro"),
    "community.member_hint": ("The authors on this page.", "De auteurs op deze pagina.",
                              "Los autores de esta página."),
    "community.action": ("Action", "Actie", "Acción"),
    "community.action.MUTE": ("Mute (may read, not post) until", "Dempen (mag lezen, niet "
                              "plaatsen) tot", "Silenciar (puede leer, no publicar) hasta"),
    "community.action.BAN": ("Ban", "Verbannen", "Expulsar"),
    "community.action.UNBAN": ("Lift a mute or ban", "Demping of verbanning opheffen",
                               "Levantar silencio o expulsión"),
    "community.until": ("Until (UTC; needed to mute, empty: until lifted)",
                        "Tot (UTC; nodig om te dempen, leeg: tot opgeheven)",
                        "Hasta (UTC; necesario para silenciar, vacío: hasta levantarlo)"),
    "community.apply": ("Apply to the member", "Op het lid toepassen", "Aplicar al miembro"),
    "community.restricted": ("Done: the moderation log keeps the reason.",
                             "Gedaan: het moderatielogboek bewaart de reden.",
                             "Hecho: el registro de moderación guarda el motivo."),
    "community.event_created": ("The event is created.", "Het evenement is aangemaakt.",
                                "El evento está creado."),
    "community.no_authors": ("No authors on this page to act on.",
                             "Geen auteurs op deze pagina.", "No hay autores en esta página."),
})  # fmt: skip

ACTIONS = ("MUTE", "BAN", "UNBAN")


def _posted(c: Console, form_id: str, name: str) -> str:
    """What the form `form_id` posted for `name` (empty for every other form)."""
    return c.value(name) if c.value("form") == form_id else ""


def _iso(value: str) -> str | None:
    """A datetime-local value (UTC) as the API's DateTime."""
    value = value.strip()
    if not value:
        return None
    return value + ":00Z" if len(value) == 16 else value


def _status(problems: dict[str, Problems]) -> int:
    return 422 if any(problems.values()) else 200


def _group_link(group_id: str) -> str:
    return "/console/community/group?" + urlencode({"id": group_id})


def _post_link(group_id: str, post_id: str) -> str:
    return "/console/community/post?" + urlencode({"group": group_id, "id": post_id})


def _event_link(event_id: str) -> str:
    return "/console/community/event?" + urlencode({"id": event_id})


def _paragraphs(text: str) -> list[Html]:
    return [el("p", line) for line in text.splitlines() if line.strip()]


# ---- the overview: groups to review, events ---------------------------------------------------


@page("/community", access=None)
async def community(c: Console) -> Response | Html:
    c.title = c.t("community.title")
    if not (c.may(Access.MODERATE_COMMUNITY) or c.may(Access.ORGANIZE_COMMUNITY)):
        return c.render(el("p", c.t("forbidden"), class_="error", role="alert"),
                        title=c.title, status=403)  # fmt: skip
    problems: dict[str, Problems] = {}
    if c.request.method == "POST" and c.value("form") == "event":
        problems["event"] = await _create_event(c)
        if not problems["event"]:
            return c.done("/console/community", note="event")
    elif c.request.method == "POST":  # the queue's hide and mute/ban forms (the API decides)
        note, problems = await _moderate(c, c.value("group"))
        if note:
            return c.done("/console/community", note=note)
    moderator = c.may(Access.MODERATE_COMMUNITY)
    outcome = await c.run("CommunityOverview", {
        "after": c.arg("after") or None, "reportsAfter": c.arg("reports") or None,
        "moderator": moderator})  # fmt: skip
    parts: list = [error_box(outcome)]
    if moderator:
        parts.append(_queue(c, outcome.get("communityReports", default={}) or {}, problems))
        parts.append(_groups(c, outcome.get("groups", "edges", default=[])))
    parts.append(_events(c, outcome.get("events", default={})))
    if c.may(Access.ORGANIZE_COMMUNITY):
        parts.append(_event_form(c, outcome.get("tiers", default=[]), problems.get("event")))
    notice = c.t("community.event_created") if c.arg("note") == "event" and c.arg("done") else None
    return c.render(el("div", parts), title=c.title, status=_status(problems),
                    notice=notice or _notice(c))  # fmt: skip


def _queue(c: Console, connection: dict, problems: dict[str, Problems]) -> Html:
    """The open reports, oldest first: what was reported (its text, author, group), by whom,
    why and when, with hide and mute/ban forms for each."""
    reports = [e["node"] for e in connection.get("edges") or []]
    info = connection.get("pageInfo") or {}
    more = None
    if info.get("hasNextPage"):
        more = el("p", el("a", c.t("community.queue_more"), href="/console/community?"
                          + urlencode({"reports": info["endCursor"]})))  # fmt: skip
    return el("section",
              el("h2", c.t("community.queue", count=connection.get("totalCount", len(reports)))),
              [_report(c, r, problems) for r in reports]
              or el("p", c.t("community.queue_empty"), class_="muted"),
              more, id="queue")  # fmt: skip


def _report(c: Console, report: dict, problems: dict[str, Problems]) -> Html:
    post, comment, group = report.get("post"), report.get("comment"), report.get("group") or {}
    content = comment or post or {}
    author = content.get("author") or {}
    heading = "community.reported_comment" if comment else "community.reported_post"
    line = c.t(
        heading,
        name=author.get("displayName") or "",
        group=group.get("name") or "",
        when=when(content.get("createdAt")),
    )
    feed = (el("a", c.t("community.review"), href=_group_link(group["id"]))
            if group.get("id") else None)  # fmt: skip
    context = None
    if comment and post:
        context = el("p", c.t("community.on_post"), " ", el("q", post["text"][:280]),
                     class_="muted")  # fmt: skip
    form_id = "hide-" + report["id"]
    hide = _hide_form(c, "/console/community", form_id, problems,
                      post_id="" if comment else (post or {}).get("id", ""),
                      comment_id=(comment or {}).get("id", ""),
                      submit=c.t("community.hide_comment" if comment else "community.hide_post"))  # fmt: skip
    restrict = None
    if group.get("id") and author.get("id"):
        restrict = _queue_restrict_form(c, report["id"], group, author, problems)
    return el("article",
              el("p", line, " · " if feed else None, feed, class_="muted"),
              el("blockquote", _paragraphs(content.get("text") or "")),
              context,
              el("p", c.t("community.reported_by", name=report["reporter"]["displayName"],
                          when=when(report["createdAt"]))),
              el("p", el("strong", c.t("community.report_reason", reason=report["reason"]))),
              hide, restrict,
              class_="card report", data_report=report["id"])  # fmt: skip


def _queue_restrict_form(c: Console, report_id: str, group: dict, author: dict,
                         problems: dict[str, Problems]) -> Html:  # fmt: skip
    form_id = "restrict-" + report_id
    v = lambda name: _posted(c, form_id, name)  # noqa: E731
    return el("details",
              el("summary", c.t("community.restrict_author", name=author["displayName"],
                                group=group["name"])),
              form(c, action="/console/community", form_id=form_id,
                   problems=problems.get(form_id), submit=c.t("community.apply"), fields=[
                       Field("form", "", kind="hidden", value=form_id),
                       Field("action", "", kind="hidden", value="restrict"),
                       Field("group", "", kind="hidden", value=group["id"]),
                       Field("member", "", kind="hidden", value=author["id"]),
                       Field("moderation", c.t("community.action"), kind="select",
                             required=True, value=v("moderation"), api="action",
                             options=tuple((a, c.t(f"community.action.{a}")) for a in ACTIONS)),
                       Field("until", c.t("community.until"), kind="datetime-local",
                             value=v("until")),
                       Field("reason", c.t("community.reason"), required=True,
                             value=v("reason"), attrs={"maxlength": "500"}),
                   ]),
              open=bool(problems.get(form_id)))  # fmt: skip


def _groups(c: Console, edges: list[dict]) -> Html:
    rows = [
        [el("a", g["name"], href=_group_link(g["id"]), title=c.t("community.review")),
         g["description"], g.get("minTier") or c.t("community.open_to_all")]
        for g in (e["node"] for e in edges)
    ]  # fmt: skip
    return el("section",
              el("h2", c.t("community.moderation")),
              el("p", c.t("community.moderation_intro")),
              table([c.t("community.group"), c.t("community.description"),
                     c.t("community.min_tier")], rows, caption=c.t("community.groups"),
                    css="groups")
              if rows else el("p", c.t("community.no_groups"), class_="muted"),
              id="moderation")  # fmt: skip


def _events(c: Console, connection: dict) -> Html:
    rows = []
    for e in (edge["node"] for edge in connection.get("edges", [])):
        confirmed = max(e["capacity"] - e["placesLeft"], 0)
        title = (el("a", e["title"], href=_event_link(e["id"]))
                 if c.may(Access.ORGANIZE_COMMUNITY) else e["title"])  # fmt: skip
        rows.append([
            el("strong", title), f"{when(e['startsAt'])} – {when(e['endsAt'])}",
            e.get("location") or "", e["capacity"], confirmed, e["placesLeft"],
            c.t("community.waitlist_on") if e["placesLeft"] <= 0
            else c.t("community.waitlist_off"),
        ])  # fmt: skip
    more = None
    info = connection.get("pageInfo") or {}
    if info.get("hasNextPage"):
        more = el(
            "a",
            c.t("community.more_events"),
            href="/console/community?" + urlencode({"after": info["endCursor"]}),
        )
    return el("section",
              el("h2", c.t("community.events")),
              table([c.t("community.event"), c.t("community.when"), c.t("community.where"),
                     c.t("community.capacity"), c.t("community.confirmed"),
                     c.t("community.places_left"), c.t("community.waitlist")], rows,
                    css="events")
              if rows else el("p", c.t("community.no_events"), class_="muted"),
              el("p", c.t("community.see_list"), class_="muted")
              if rows and c.may(Access.ORGANIZE_COMMUNITY) else None,
              more, id="events")  # fmt: skip


def _event_form(c: Console, tiers: list[dict], problems: Problems | None) -> Html:
    def v(name: str) -> str:
        return _posted(c, "event", name)

    fields = [Field("form", "", kind="hidden", value="event")]
    for lang in LANGUAGES:
        language = LANGUAGE_NAMES[lang]
        fields.append(Field(f"title_{lang}", c.t("community.event_title", language=language),
                            required=lang == "en", value=v(f"title_{lang}"),
                            api=f"texts.{lang}.title", attrs={"maxlength": "120"},
                            hint=c.t("community.texts_hint") if lang == "en" else None))  # fmt: skip
        fields.append(Field(f"description_{lang}",
                            c.t("community.event_description", language=language),
                            kind="textarea", value=v(f"description_{lang}"),
                            api=f"texts.{lang}.description", attrs={"maxlength": "4000"}))  # fmt: skip
    tier_options = (("", c.t("community.tier_any")), *((t["code"], t["name"]) for t in tiers))
    fields += [
        Field("startsAt", c.t("community.starts"), kind="datetime-local", required=True,
              value=v("startsAt")),
        Field("endsAt", c.t("community.ends"), kind="datetime-local", required=True,
              value=v("endsAt")),
        Field("capacity", c.t("community.capacity"), kind="number", required=True,
              value=v("capacity"), attrs={"min": "1", "step": "1"}),
        Field("location", c.t("community.location"), value=v("location"),
              attrs={"maxlength": "200"}),
        Field("minTier", c.t("community.min_tier"), kind="select", options=tier_options,
              value=v("minTier")),
    ]  # fmt: skip
    return el("section", el("h2", c.t("community.new_event")),
              form(c, action="/console/community", form_id="event", fields=fields,
                   submit=c.t("community.create"), problems=problems))  # fmt: skip


async def _create_event(c: Console) -> Problems:
    texts = [
        {"locale": lang, "title": c.value(f"title_{lang}"),
         "description": c.value(f"description_{lang}").replace("\r\n", "\n")}
        for lang in LANGUAGES
        if lang == "en" or c.value(f"title_{lang}") or c.value(f"description_{lang}")
    ]  # fmt: skip
    local: dict[str, str] = {}
    try:
        capacity = int(c.value("capacity"))
    except ValueError:
        capacity = 0
        local["capacity"] = c.t("community.capacity_number")
    starts, ends = _iso(c.value("startsAt")), _iso(c.value("endsAt"))
    for key, value in (("startsAt", starts), ("endsAt", ends)):
        if value is None:
            local[key] = c.t("community.date_needed")
    if local:
        return Problems(fields=local)
    _, problems = await c.mutate("CommunityCreateEvent", {"input": {
        "texts": texts, "startsAt": starts, "endsAt": ends, "capacity": capacity,
        "location": c.value("location") or None, "minTier": c.value("minTier") or None,
    }}, "createEvent")  # fmt: skip
    return problems


# ---- moderation: a group's feed, a post's comments ------------------------------------------


async def _moderate(c: Console, group_id: str) -> tuple[str | None, dict[str, Problems]]:
    """Run the posted moderation form; (the notice key on success, problems by form id)."""
    form_id = c.value("form")
    reason = c.value("reason")
    if c.value("action") == "hide":
        post_id, comment_id = c.value("postId") or None, c.value("commentId") or None
        _, problems = await c.mutate("CommunityHide", {"reason": reason, "postId": post_id,
                                     "commentId": comment_id}, "hideContent")  # fmt: skip
        return (None, {form_id: problems}) if problems else ("hidden", {})
    if c.value("action") == "restrict":
        action = c.value("moderation")
        if action not in ACTIONS:
            return None, {form_id: Problems(fields={"action": c.t("community.action")})}
        _, problems = await c.mutate("CommunityModerateMember", {
            "group": group_id, "member": c.value("member"), "action": action,
            "reason": reason, "until": _iso(c.value("until"))}, "moderateMember")  # fmt: skip
        return (None, {form_id: problems}) if problems else ("restricted", {})
    return None, {}


def _hide_form(c: Console, action: str, form_id: str, problems: dict[str, Problems], *,
               post_id: str = "", comment_id: str = "", submit: str) -> Html:  # fmt: skip
    return form(c, action=action, form_id=form_id,
                problems=problems.get(form_id), submit=submit,
                confirm=c.t("community.hide_confirm"), css="hide", fields=[
                    Field("form", "", kind="hidden", value=form_id),
                    Field("action", "", kind="hidden", value="hide"),
                    Field("postId", "", kind="hidden", value=post_id),
                    Field("commentId", "", kind="hidden", value=comment_id),
                    Field("reason", c.t("community.reason"), required=True,
                          value=_posted(c, form_id, "reason"), attrs={"maxlength": "500"}),
                ])  # fmt: skip


def _restrict_form(c: Console, action: str, authors: dict[str, str],
                   problems: dict[str, Problems]) -> Html:  # fmt: skip
    if not authors:
        return el(
            "section",
            el("h2", c.t("community.restrict")),
            el("p", c.t("community.no_authors"), class_="muted"),
        )
    v = lambda name: _posted(c, "restrict", name)  # noqa: E731
    return el("section", el("h2", c.t("community.restrict")), form(
        c, action=action, form_id="restrict",
        problems=problems.get("restrict"), submit=c.t("community.apply"), fields=[
            Field("form", "", kind="hidden", value="restrict"),
            Field("action", "", kind="hidden", value="restrict"),
            Field("member", c.t("community.member"), kind="select", required=True,
                  options=tuple(authors.items()), value=v("member"),
                  hint=c.t("community.member_hint")),
            Field("moderation", c.t("community.action"), kind="select", required=True,
                  options=tuple((a, c.t(f"community.action.{a}")) for a in ACTIONS),
                  value=v("moderation"), api="action"),
            Field("until", c.t("community.until"), kind="datetime-local", value=v("until")),
            Field("reason", c.t("community.reason"), required=True, value=v("reason"),
                  attrs={"maxlength": "500"}),
        ]), id="restrict-section")  # fmt: skip


def _notice(c: Console) -> str | None:
    key = {"hidden": "community.hidden", "restricted": "community.restricted"}.get(c.arg("note"))
    return c.t(key) if key and c.arg("done") else None


def _missing(c: Console, outcome, message_key: str, back: str, back_key: str,
             message: str | None = None) -> Response:  # fmt: skip
    """The page for a group or post the API does not show (its own message when it gave one)."""
    body = el("div", error_box(outcome), el("p", message or c.t(message_key), class_="error"),
              el("p", el("a", c.t(back_key), href=back)))  # fmt: skip
    return c.render(body, title=c.title, status=404)


@page("/community/group", access=Access.MODERATE_COMMUNITY)
async def community_group(c: Console) -> Response | Html:
    c.title = c.t("community.title")
    group_id = c.arg("id")
    problems: dict[str, Problems] = {}
    if c.request.method == "POST":
        note, problems = await _moderate(c, group_id)
        if note:
            return c.done("/console/community/group", id=group_id, note=note)
    outcome = await c.run("CommunityGroup", {"group": group_id, "after": c.arg("after") or None})
    group = outcome.get("group")
    feed = outcome.get("feed", default={})
    if not group or feed.get("__typename") != "PostConnection":
        return _missing(c, outcome, "community.not_found", "/console/community",
                        "community.back", feed.get("message"))  # fmt: skip
    c.title = group["name"]
    authors: dict[str, str] = {}
    articles = []
    for post in (e["node"] for e in feed.get("edges", [])):
        authors.setdefault(post["author"]["id"], post["author"]["displayName"])
        articles.append(_post_article(c, group_id, post, problems))
    action = _group_link(group_id)
    info = feed.get("pageInfo") or {}
    older = (el("p", el("a", c.t("community.older"), href="/console/community/group?" + urlencode(
        {"id": group_id, "after": info["endCursor"]}))) if info.get("hasNextPage") else None)  # fmt: skip
    body = el("div",
              el("p", el("a", c.t("community.back"), href="/console/community")),
              el("p", group.get("description") or "", class_="muted"),
              error_box(outcome),
              el("section", el("h2", c.t("community.posts", count=feed.get("totalCount", 0))),
                 articles or el("p", c.t("community.no_posts"), class_="muted"), older,
                 id="posts"),
              _restrict_form(c, action, authors, problems))  # fmt: skip
    return c.render(body, title=c.title, status=_status(problems), notice=_notice(c))


def _post_article(c: Console, group_id: str, post: dict, problems: dict[str, Problems]) -> Html:
    reactions = ", ".join(f"{r['kind'].lower()} {r['count']}" for r in post.get("reactions") or [])
    images = len(post.get("imageUrls") or [])
    return el("article",
              el("p", c.t("community.by", name=post["author"]["displayName"],
                          when=when(post["createdAt"])), class_="muted"),
              el("blockquote", _paragraphs(post["text"])),
              el("p", c.t("community.images", count=images), class_="muted") if images else None,
              el("p", f"{c.t('community.reactions')}: {reactions}", class_="muted")
              if reactions else None,
              el("p", el("a", c.t("community.comments", count=post["commentCount"]),
                         href=_post_link(group_id, post["id"]))),
              _hide_form(c, _group_link(group_id), "hide-" + post["id"], problems,
                         post_id=post["id"], submit=c.t("community.hide_post")),
              class_="card post", data_post=post["id"])  # fmt: skip


@page("/community/post", access=Access.MODERATE_COMMUNITY)
async def community_post(c: Console) -> Response | Html:
    c.title = c.t("community.title")
    group_id, post_id = c.arg("group"), c.arg("id")
    problems: dict[str, Problems] = {}
    if c.request.method == "POST":
        note, problems = await _moderate(c, group_id)
        if note == "hidden" and c.value("postId"):  # the post is gone: back to its group
            return c.done("/console/community/group", id=group_id, note=note)
        if note:
            return c.done("/console/community/post", group=group_id, id=post_id, note=note)
    outcome = await c.run("CommunityPost", {"group": group_id, "post": post_id,
                                            "after": c.arg("after") or None})  # fmt: skip
    post = outcome.get("post")
    group = outcome.get("group") or {}
    back = _group_link(group_id)
    if not post:
        return _missing(c, outcome, "community.post_gone", back, "community.back_group")
    c.title = group.get("name") or c.t("community.title")
    action = _post_link(group_id, post_id)
    authors = {post["author"]["id"]: post["author"]["displayName"]}
    comments = []
    for comment in (e["node"] for e in post["comments"]["edges"]):
        authors.setdefault(comment["author"]["id"], comment["author"]["displayName"])
        comments.append(el("li",
            el("p", c.t("community.by", name=comment["author"]["displayName"],
                        when=when(comment["createdAt"])), class_="muted"),
            el("blockquote", _paragraphs(comment["text"])),
            _hide_form(c, action, "hide-" + comment["id"], problems, comment_id=comment["id"],
                       submit=c.t("community.hide_comment")),
            class_="card comment", data_comment=comment["id"]))  # fmt: skip
    info = post["comments"]["pageInfo"]
    more = (el("p", el("a", c.t("community.more_comments"), href=_post_link(group_id, post_id)
                       + "&" + urlencode({"after": info["endCursor"]})))
            if info.get("hasNextPage") else None)  # fmt: skip
    body = el("div",
              el("p", el("a", c.t("community.back_group"), href=back)),
              error_box(outcome),
              el("article",
                 el("p", c.t("community.by", name=post["author"]["displayName"],
                             when=when(post["createdAt"])), class_="muted"),
                 el("blockquote", _paragraphs(post["text"])),
                 _hide_form(c, action, "hide-" + post["id"], problems, post_id=post["id"],
                            submit=c.t("community.hide_post")),
                 class_="card post"),
              el("section", el("h2", c.t("community.comments", count=post["commentCount"])),
                 el("ul", comments, class_="comments") if comments
                 else el("p", c.t("community.no_comments"), class_="muted"), more,
                 id="comments"),
              _restrict_form(c, action, authors, problems))  # fmt: skip
    return c.render(body, title=c.title, status=_status(problems), notice=_notice(c))


# ---- an event's list and waitlist ---------------------------------------------------------


@page("/community/event", access=Access.ORGANIZE_COMMUNITY)
async def community_event(c: Console) -> Response | Html:
    c.title = c.t("community.title")
    event_id = c.arg("id")
    outcome = await c.run("CommunityEvent", {
        "event": event_id, "confirmedAfter": c.arg("confirmed") or None,
        "waitlistAfter": c.arg("waitlist") or None})  # fmt: skip
    event = outcome.get("event")
    if not event:
        return _missing(c, outcome, "community.event_gone", "/console/community",
                        "community.back")  # fmt: skip
    c.title = event["title"]
    taken = max(event["capacity"] - event["placesLeft"], 0)
    facts = [
        (c.t("community.when"), f"{when(event['startsAt'])} – {when(event['endsAt'])}"),
        (c.t("community.where"), event.get("location") or ""),
        (c.t("community.capacity"), event["capacity"]),
        (c.t("community.confirmed"), taken),
        (c.t("community.places_left"), event["placesLeft"]),
    ]
    confirmed, waitlist = event["confirmed"], event["waitlist"]
    body = el("div",
              el("p", el("a", c.t("community.back"), href="/console/community")),
              error_box(outcome),
              el("p", event.get("description") or "", class_="muted"),
              el("dl", [(el("dt", k), el("dd", v)) for k, v in facts], class_="facts"),
              _names(c, event_id, "confirmed", c.t("community.attendees", count=taken),
                     confirmed, [c.t("community.member"), c.t("community.rsvped")],
                     lambda r: [r["member"]["displayName"], when(r["createdAt"])]),
              _names(c, event_id, "waitlist",
                     c.t("community.waiting", count=len(waitlist["edges"])), waitlist,
                     [c.t("community.position"), c.t("community.member"),
                      c.t("community.rsvped")],
                     lambda r: [r["waitlistPosition"], r["member"]["displayName"],
                                when(r["createdAt"])]))  # fmt: skip
    return c.render(body, title=c.title)


def _names(c: Console, event_id: str, key: str, heading: str, connection: dict,
           headers: list[str], row) -> Html:  # fmt: skip
    rows = [row(e["node"]) for e in connection["edges"]]
    info = connection.get("pageInfo") or {}
    more = None
    if info.get("hasNextPage"):
        more = el("p", el("a", c.t("community.more_names"), href="/console/community/event?"
                          + urlencode({"id": event_id, key: info["endCursor"]})))  # fmt: skip
    return el("section", el("h2", heading),
              table(headers, rows, css=key) if rows
              else el("p", c.t("community.nobody"), class_="muted"),
              more, id=key)  # fmt: skip


ROUTES = [community, community_group, community_post, community_event]
