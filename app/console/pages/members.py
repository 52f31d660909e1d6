"""Members: search; a member's profile, balance, lots by expiry, activity with the why of
each movement, redemptions (vouchers masked by the API), tier and its history; correct
points with a reason, override a tier, re-send an invitation, erase (confirmed); admins
decide corrections waiting for approval."""

from __future__ import annotations

import secrets
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
from app.console.operations import Problems
from app.graphql.policy import Access

i18n.add({
    "members.title": ("Members", "Leden", "Miembros"),
    "members.search": ("Email or name", "E-mail of naam", "Correo o nombre"),
    "members.search_submit": ("Search", "Zoeken", "Buscar"),
    "members.none": ("No member matches.", "Geen lid gevonden.", "Ningún miembro coincide."),
    "members.more": ("Next page", "Volgende pagina", "Página siguiente"),
    "members.email": ("Email", "E-mail", "Correo"),
    "members.name": ("Name", "Naam", "Nombre"),
    "members.role": ("Role", "Rol", "Rol"),
    "members.balance": ("Points", "Punten", "Puntos"),
    "members.tier": ("Tier", "Niveau", "Nivel"),
    "members.since": ("Member since", "Lid sinds", "Miembro desde"),
    "members.card": ("Card", "Pas", "Tarjeta"),
    "members.not_found": ("No such member.", "Dit lid bestaat niet.", "Ese miembro no existe."),
    "members.profile": ("Profile", "Profiel", "Perfil"),
    "members.language": ("Language", "Taal", "Idioma"),
    "members.time_zone": ("Time zone", "Tijdzone", "Zona horaria"),
    "members.verified": ("Email verified", "E-mail bevestigd", "Correo verificado"),
    "members.yes": ("yes", "ja", "sí"),
    "members.no": ("no", "nee", "no"),
    "members.available": ("Available", "Beschikbaar", "Disponibles"),
    "members.pending": ("Pending", "In afwachting", "Pendientes"),
    "members.lifetime": ("Earned in total", "Totaal verdiend", "Ganados en total"),
    "members.lots": ("Points by expiry", "Punten per vervaldatum", "Puntos por caducidad"),
    "members.expires": ("Expires", "Vervalt", "Caduca"),
    "members.no_lots": ("No points due to expire.", "Geen punten die vervallen.",
                        "No hay puntos que caduquen."),
    "members.activity": ("Activity", "Activiteit", "Actividad"),
    "members.when": ("When", "Wanneer", "Cuándo"),
    "members.kind": ("Kind", "Soort", "Tipo"),
    "members.why": ("Why", "Waarom", "Por qué"),
    "members.by": ("by {name}", "door {name}", "por {name}"),
    "members.no_activity": ("No points movements yet.", "Nog geen puntenmutaties.",
                            "Todavía no hay movimientos de puntos."),
    "members.redemptions": ("Redemptions", "Inwisselingen", "Canjes"),
    "members.reward": ("Reward", "Beloning", "Recompensa"),
    "members.status": ("Status", "Status", "Estado"),
    "members.vouchers": ("Vouchers", "Vouchers", "Vales"),
    "members.no_redemptions": ("No redemptions.", "Geen inwisselingen.", "Sin canjes."),
    "members.tier_history": ("Tier history", "Niveaugeschiedenis", "Historial de nivel"),
    "members.from": ("From", "Van", "De"),
    "members.to": ("To", "Naar", "A"),
    "members.retain_by": ("Keeps the tier until {date}", "Behoudt het niveau tot {date}",
                          "Mantiene el nivel hasta {date}"),
    "members.override": ("Override: {reason}", "Handmatig: {reason}", "Manual: {reason}"),
    "members.adjust": ("Adjust points", "Punten corrigeren", "Ajustar puntos"),
    "members.points": ("Points (negative to deduct)", "Punten (negatief om af te trekken)",
                       "Puntos (negativo para descontar)"),
    "members.reason": ("Reason", "Reden", "Motivo"),
    "members.adjust_submit": ("Post the correction", "Correctie boeken", "Registrar el ajuste"),
    "members.adjusted": ("The correction is posted.", "De correctie is geboekt.",
                         "El ajuste está registrado."),
    "members.awaiting": ("The correction waits for another admin's approval.",
                         "De correctie wacht op goedkeuring van een andere beheerder.",
                         "El ajuste espera la aprobación de otro administrador."),
    "members.set_tier": ("Override the tier", "Niveau handmatig instellen", "Fijar el nivel"),
    "members.tier_choice": ("Tier", "Niveau", "Nivel"),
    "members.tier_none": ("(end the override)", "(handmatig niveau beëindigen)",
                          "(terminar el nivel manual)"),
    "members.until": ("Until (UTC, empty: until changed)", "Tot (UTC, leeg: tot wijziging)",
                      "Hasta (UTC, vacío: hasta que cambie)"),
    "members.tier_submit": ("Set the tier", "Niveau instellen", "Fijar el nivel"),
    "members.invite": ("Invitation", "Uitnodiging", "Invitación"),
    "members.invite_submit": ("Re-send the invitation to set a password",
                              "Uitnodiging om een wachtwoord te kiezen opnieuw sturen",
                              "Reenviar la invitación para crear una contraseña"),
    "members.invited": ("The invitation is on its way.", "De uitnodiging is onderweg.",
                        "La invitación está en camino."),
    "members.erase": ("Erase the account", "Account wissen", "Borrar la cuenta"),
    "members.erase_reason": ("Why", "Waarom", "Por qué"),
    "members.erase_submit": ("Erase for good", "Definitief wissen", "Borrar definitivamente"),
    "members.erase_confirm": ("Erase this account for good? Its personal data is removed and "
                              "its points are forfeited.",
                              "Dit account definitief wissen? De persoonsgegevens worden "
                              "verwijderd en de punten vervallen.",
                              "¿Borrar esta cuenta definitivamente? Se eliminan sus datos "
                              "personales y se pierden sus puntos."),
    "members.erase_check": ("I have checked that this is the right account",
                            "Ik heb gecontroleerd dat dit het juiste account is",
                            "He comprobado que es la cuenta correcta"),
    "members.erased": ("The account is erased.", "Het account is gewist.", "La cuenta está borrada."),
    "members.erasure.SUPPORT_REQUEST": ("The member asked support", "Het lid vroeg het aan support",
                                        "El miembro lo pidió a soporte"),
    "members.erasure.LEGAL": ("A legal obligation", "Een wettelijke plicht", "Una obligación legal"),
    "members.erasure.RETENTION": ("Inactive past retention", "Inactief na bewaartermijn",
                                  "Inactiva tras el plazo de conservación"),
    "members.approvals": ("Corrections awaiting approval", "Correcties die op goedkeuring wachten",
                          "Ajustes pendientes de aprobación"),
    "members.no_approvals": ("Nothing waits for approval.", "Niets wacht op goedkeuring.",
                             "Nada espera aprobación."),
    "members.member": ("Member", "Lid", "Miembro"),
    "members.requested_by": ("Asked by", "Aangevraagd door", "Pedido por"),
    "members.approve": ("Approve", "Goedkeuren", "Aprobar"),
    "members.reject": ("Reject", "Afwijzen", "Rechazar"),
    "members.note": ("Note", "Notitie", "Nota"),
    "members.decided": ("Decided.", "Besloten.", "Decidido."),
    "members.back": ("Back to the search", "Terug naar zoeken", "Volver a la búsqueda"),
})  # fmt: skip

ERASURE_REASONS = ("SUPPORT_REQUEST", "LEGAL", "RETENTION")


def _name(member: dict | None) -> str:
    if not member:
        return ""
    return member.get("displayName") or member.get("email") or ""


@page("/members", access=Access.MEMBER, methods=("GET",))
async def members_search(c: Console) -> Html:
    c.title = c.t("members.title")
    search = c.arg("q")
    outcome = await c.run(
        "MembersSearch", {"search": search or None, "after": c.arg("after") or None}
    )
    connection = outcome.get("members", default={})
    rows = [
        [el("a", _name(m) or m["email"], href="/console/members/profile?" + urlencode({"id": m["id"]})),
         m["email"], (m.get("role") or "").lower(), m["balance"]["available"],
         (m["tier"].get("current") or {}).get("name", ""), when(m.get("memberSince"))]
        for m in (e["node"] for e in connection.get("edges", []))
    ]  # fmt: skip
    search_form = form(c, action="/console/members", method="get", form_id="member-search",
                       fields=[Field("q", c.t("members.search"), kind="search", value=search)],
                       submit=c.t("members.search_submit"), css="inline")  # fmt: skip
    more = None
    if connection.get("pageInfo", {}).get("hasNextPage"):
        more = el("a", c.t("members.more"), href="/console/members?" + urlencode(
            {"q": search, "after": connection["pageInfo"]["endCursor"]}))  # fmt: skip
    approvals = (el("p", el("a", c.t("members.approvals"), href="/console/members/approvals"))
                 if c.may(Access.APPROVE_ADJUSTMENTS) else None)  # fmt: skip
    headers = [c.t("members.name"), c.t("members.email"), c.t("members.role"),
               c.t("members.balance"), c.t("members.tier"), c.t("members.since")]  # fmt: skip
    results = table(headers, rows, css="members") if rows else el("p", c.t("members.none"))
    return el("div", search_form, approvals, error_box(outcome), results, more)


@page("/members/profile", access=Access.MEMBER)
async def member_profile(c: Console) -> Response | Html:
    member_id = c.arg("id") or c.value("id")
    problems: dict[str, Problems] = {}
    notice = None
    if c.request.method == "POST":
        action = c.value("action")
        notice, problems = await _act(c, action, member_id)
        if notice and not problems:
            if action == "erase":
                return c.done("/console/members")
            return c.done("/console/members/profile", id=member_id, note=notice)
    outcome = await c.run("MemberProfile", {"id": member_id, "after": c.arg("after") or None})
    member = outcome.get("member")
    if member is None:
        c.title = c.t("members.title")
        return c.render(el("div", error_box(outcome), el("p", c.t("members.not_found")),
                           el("a", c.t("members.back"), href="/console/members")),
                        title=c.t("members.title"), status=404)  # fmt: skip
    c.title = _name(member) or member["email"]
    note = {"adjust": "members.adjusted", "approval": "members.awaiting",
            "tier": "saved", "invite": "members.invited"}.get(c.arg("note"))  # fmt: skip
    body = _profile(c, member, outcome.get("tiers", default=[]), problems)
    status = 422 if problems else 200
    return c.render(body, title=c.title, status=status,
                    notice=c.t(note) if note and c.arg("done") else None)  # fmt: skip


async def _act(c: Console, action: str, member_id: str) -> tuple[str | None, dict[str, Problems]]:
    """Run the posted form's mutation; (what to say, the problems by form)."""
    if action == "adjust":
        try:
            points = int(c.value("points"))
        except ValueError:
            points = None
        if points is None:
            return None, {"adjust": Problems(fields={"points": c.t("members.points")})}
        outcome, problems = await c.mutate("MemberAdjustPoints", {"input": {
            "member": member_id, "points": points, "reason": c.value("reason"),
            "idempotencyKey": c.value("idempotencyKey")[:64] or None}}, "adjustPoints")  # fmt: skip
        if problems:
            return None, {"adjust": problems}
        pending = outcome.get("adjustPoints", "__typename") == "AdjustmentPendingApproval"
        return ("approval" if pending else "adjust"), {}
    if action == "tier":
        until = c.value("until")
        outcome, problems = await c.mutate("MemberOverrideTier", {
            "member": member_id, "reason": c.value("reason"), "tier": c.value("tier") or None,
            "until": (until + ":00Z" if len(until) == 16 else until) or None}, "overrideTier")  # fmt: skip
        return (None, {"tier": problems}) if problems else ("tier", {})
    if action == "invite":
        outcome, problems = await c.mutate("MemberResendInvitation", {"memberId": member_id},
                                           "resendInvitation")  # fmt: skip
        return (None, {"invite": problems}) if problems else ("invite", {})
    if action == "erase":
        reason = c.value("reason")
        if reason not in ERASURE_REASONS:
            return None, {"erase": Problems(fields={"reason": c.t("members.erase_reason")})}
        if not c.checked("confirm"):
            return None, {"erase": Problems(fields={"confirm": c.t("members.erase_confirm")})}
        outcome, problems = await c.mutate("MemberErase", {"memberId": member_id,
                                                          "reason": reason}, "eraseMember")  # fmt: skip
        return (None, {"erase": problems}) if problems else ("erase", {})
    return None, {}


def _why(c: Console, tx: dict) -> Html:
    parts = []
    if tx.get("reason"):
        parts.append(el("span", tx["reason"]))
    for step in tx.get("explanation") or []:
        parts.append(el("span", f"{step['description']} ({step['points']:+d})", class_="muted"))
    if tx.get("madeBy"):
        parts.append(el("span", c.t("members.by", name=_name(tx["madeBy"])), class_="by"))
    if tx.get("reference") and not parts:
        parts.append(el("span", tx["reference"], class_="muted"))
    return el("div", [el("div", p) for p in parts])


def _profile(c: Console, m: dict, tiers: list[dict], problems: dict[str, Problems]) -> Html:
    yes_no = lambda v: c.t("members.yes") if v else c.t("members.no")  # noqa: E731
    tier = m["tier"]
    profile = table([c.t("members.profile"), ""], [
        [c.t("members.email"), m["email"]],
        [c.t("members.verified"), yes_no(m.get("emailVerified"))],
        [c.t("members.role"), (m.get("role") or "").lower()],
        [c.t("members.language"), m.get("locale")],
        [c.t("members.time_zone"), m.get("timeZone")],
        [c.t("members.card"), m.get("cardNumber") or ""],
        [c.t("members.since"), when(m.get("memberSince"))],
        [c.t("members.tier"), (tier.get("current") or {}).get("name", "")],
    ], css="profile")  # fmt: skip
    balance = m["balance"]
    cards = el("div", [
        el("div", el("div", c.t(label)), el("div", balance[key], class_="figure", id=f"balance-{key}"),
           class_="card")
        for label, key in (("members.available", "available"), ("members.pending", "pending"),
                           ("members.lifetime", "lifetime"))
    ], class_="cards")  # fmt: skip
    lots = balance.get("expiring") or []
    lots_html = (table([c.t("members.balance"), c.t("members.expires")],
                       [[lot["points"], when(lot["expiresAt"])] for lot in lots],
                       caption=c.t("members.lots"))
                 if lots else el("p", c.t("members.no_lots"), class_="muted"))  # fmt: skip
    activity = m["activity"]
    tx_rows = [[when(tx["createdAt"]), tx["kind"].lower(), f"{tx['points']:+d}", _why(c, tx)]
               for tx in (e["node"] for e in activity["edges"])]  # fmt: skip
    activity_html = el("section", el("h2", c.t("members.activity")),
                       table([c.t("members.when"), c.t("members.kind"), c.t("members.balance"),
                              c.t("members.why")], tx_rows, css="activity")
                       if tx_rows else el("p", c.t("members.no_activity"), class_="muted"),
                       el("a", c.t("members.more"), href="/console/members/profile?" + urlencode(
                           {"id": m["id"], "after": activity["pageInfo"]["endCursor"]}))
                       if activity["pageInfo"]["hasNextPage"] else None, id="activity")  # fmt: skip
    red_rows = [
        [when(r["createdAt"]), r["reward"]["title"], r["quantity"], r["points"], r["status"].lower(),
         ", ".join(f"{v['code']} ({v['status'].lower()})" for v in r["vouchers"])]
        for r in (e["node"] for e in m["redemptions"]["edges"])
    ]  # fmt: skip
    redemptions = el("section", el("h2", c.t("members.redemptions")),
                     table([c.t("members.when"), c.t("members.reward"), "#", c.t("members.balance"),
                            c.t("members.status"), c.t("members.vouchers")], red_rows)
                     if red_rows else el("p", c.t("members.no_redemptions"), class_="muted"))  # fmt: skip
    history = [[when(h["createdAt"]), (h.get("fromTier") or {}).get("name", ""),
                (h.get("toTier") or {}).get("name", ""), h["reason"].lower(), h.get("note") or ""]
               for h in tier.get("history") or []]  # fmt: skip
    tier_html = el("section", el("h2", c.t("members.tier_history")),
                   el("p", c.t("members.retain_by", date=when(tier["retainBy"])))
                   if tier.get("retainBy") else None,
                   el("p", c.t("members.override", reason=tier["overrideReason"]))
                   if tier.get("overrideReason") else None,
                   table([c.t("members.when"), c.t("members.from"), c.t("members.to"),
                          c.t("members.why"), c.t("members.note")], history) if history else None)  # fmt: skip
    actions = el("div", _action_forms(c, m, tiers, problems), class_="columns")
    return el("div", el("p", el("a", c.t("members.back"), href="/console/members")),
              el("div", profile, el("div", cards, lots_html), class_="columns"),
              actions, activity_html, redemptions, tier_html)  # fmt: skip


def _action_forms(c: Console, m: dict, tiers: list[dict], problems: dict[str, Problems]) -> list:
    forms = []

    def hidden(action):
        return [
            Field("id", "", kind="hidden", value=m["id"]),
            Field("action", "", kind="hidden", value=action),
        ]

    posted = lambda name, action: c.value(name) if c.value("action") == action else ""  # noqa: E731
    if c.may(Access.ADJUST_POINTS):
        forms.append(el("section", el("h2", c.t("members.adjust")), form(
            c, action="/console/members/profile", form_id="adjust", problems=problems.get("adjust"),
            submit=c.t("members.adjust_submit"), fields=[*hidden("adjust"),
                Field("idempotencyKey", "", kind="hidden",
                      value=posted("idempotencyKey", "adjust") or secrets.token_hex(16)),
                Field("points", c.t("members.points"), kind="number", required=True,
                      value=posted("points", "adjust"), attrs={"step": "1"}),
                Field("reason", c.t("members.reason"), required=True,
                      value=posted("reason", "adjust"), attrs={"maxlength": "500"})])))  # fmt: skip
    if c.may(Access.OVERRIDE_TIER):
        options = (("", c.t("members.tier_none")), *((t["code"], t["name"]) for t in tiers))
        forms.append(el("section", el("h2", c.t("members.set_tier")), form(
            c, action="/console/members/profile", form_id="tier", problems=problems.get("tier"),
            submit=c.t("members.tier_submit"), fields=[*hidden("tier"),
                Field("tier", c.t("members.tier_choice"), kind="select", options=options,
                      value=posted("tier", "tier") or (m["tier"].get("current") or {}).get("code", "")),
                Field("until", c.t("members.until"), kind="datetime-local",
                      value=posted("until", "tier")),
                Field("reason", c.t("members.reason"), required=True,
                      value=posted("reason", "tier"), attrs={"maxlength": "500"})])))  # fmt: skip
    if c.may(Access.RESEND_INVITATION):
        forms.append(el("section", el("h2", c.t("members.invite")), form(
            c, action="/console/members/profile", form_id="invite", problems=problems.get("invite"),
            submit=c.t("members.invite_submit"), fields=hidden("invite"))))  # fmt: skip
    if c.may(Access.ERASE_MEMBER):
        reasons = tuple((r, c.t(f"members.erasure.{r}")) for r in ERASURE_REASONS)
        forms.append(el("section", el("h2", c.t("members.erase")), form(
            c, action="/console/members/profile", form_id="erase", problems=problems.get("erase"),
            submit=c.t("members.erase_submit"), confirm=c.t("members.erase_confirm"),
            fields=[*hidden("erase"), Field("reason", c.t("members.erase_reason"), kind="select",
                                            options=reasons, required=True),
                    Field("confirm", c.t("members.erase_check"), kind="checkbox",
                          required=True)])))  # fmt: skip
    return forms


@page("/members/approvals", access=Access.APPROVE_ADJUSTMENTS)
async def approvals(c: Console) -> Response | Html:
    c.title = c.t("members.approvals")
    problems = None
    if c.request.method == "POST":
        if c.value("decision") == "approve":
            _, problems = await c.mutate(
                "MemberApprove", {"id": c.value("id")}, "approveAdjustment"
            )
        else:
            _, problems = await c.mutate("MemberReject", {"id": c.value("id"),
                                         "note": c.value("note")}, "rejectAdjustment")  # fmt: skip
        if not problems:
            return c.done("/console/members/approvals")
    outcome = await c.run("MemberApprovals")
    rows = []
    for a in (e["node"] for e in outcome.get("pendingAdjustments", "edges", default=[])):
        target = a.get("member") or {}
        decide = el("div",
            form(c, action="/console/members/approvals", form_id=f"approve-{a['id']}",
                 submit=c.t("members.approve"), fields=[
                     Field("id", "", kind="hidden", value=a["id"]),
                     Field("decision", "", kind="hidden", value="approve")]),
            form(c, action="/console/members/approvals", form_id=f"reject-{a['id']}",
                 submit=c.t("members.reject"), fields=[
                     Field("id", "", kind="hidden", value=a["id"]),
                     Field("decision", "", kind="hidden", value="reject"),
                     Field("note", c.t("members.note"), required=True)]))  # fmt: skip
        rows.append([when(a["requestedAt"]),
                     el("a", _name(target), href="/console/members/profile?" + urlencode(
                         {"id": target.get("id", "")})),
                     f"{a['points']:+d}", a["reason"], _name(a.get("requestedBy")), decide])  # fmt: skip
    body = el("div", error_box(outcome),
              el("div", [el("p", problems.form)] if problems and problems.form else None,
                 class_="error", role="alert") if problems else None,
              table([c.t("members.when"), c.t("members.member"), c.t("members.balance"),
                     c.t("members.reason"), c.t("members.requested_by"), ""], rows)
              if rows else el("p", c.t("members.no_approvals"), class_="muted"))  # fmt: skip
    return body


ROUTES = [members_search, approvals, member_profile]
