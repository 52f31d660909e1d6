"""Dashboard: the program's analytics for a chosen range, as charts read at a glance (points
issued, redeemed and expired per week, outstanding liability in money, breakage and
redemption rates, tier distribution, earn by source, top rewards, campaign uplift against
the control group), each with its figures as a table.

One GET runs one operation (`DashboardAnalytics`): the range's figures, and the points,
rates and liability of up to 13 consecutive periods of it (weeks; two or more weeks each
when the range is longer than 13 weeks). A role without Access.ANALYTICS is sent on to the
first section it may use, so every staff member lands somewhere useful after sign-in."""

from __future__ import annotations

import datetime as dt
import math

from starlette.responses import Response

from app.console import i18n
from app.console.charts import (
    Category,
    Chart,
    Series,
    bar_chart,
    hbar_chart,
    line_chart,
    money,
    number,
    percent,
)
from app.console.core import (
    SECTIONS,
    Console,
    Field,
    Html,
    Redirect,
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
    "dashboard.title": ("Dashboard", "Dashboard", "Panel"),
    "dashboard.weeks": ("Last weeks", "Laatste weken", "Últimas semanas"),
    "dashboard.weeks_n": ("{n} weeks", "{n} weken", "{n} semanas"),
    "dashboard.show": ("Show", "Tonen", "Mostrar"),
    "dashboard.from": ("From", "Van", "Desde"),
    "dashboard.to": ("To (inclusive)", "Tot en met", "Hasta (incluido)"),
    "dashboard.window": ("Days after each launch", "Dagen na elke lancering",
                         "Días tras cada lanzamiento"),
    "dashboard.range": ("{start} to {end} (UTC)", "{start} tot en met {end} (UTC)",
                        "Del {start} al {end} (UTC)"),
    "dashboard.bad_date": ("Use a date like 2025-01-31.", "Gebruik een datum als 2025-01-31.",
                           "Usa una fecha como 2025-01-31."),
    "dashboard.after_from": ("Must be on or after the start.", "Moet op of na het begin liggen.",
                             "Debe ser igual o posterior al inicio."),
    "dashboard.too_long": ("At most 3 years.", "Hoogstens 3 jaar.", "Como máximo 3 años."),
    "dashboard.years": ("Between 2000 and 2099.", "Tussen 2000 en 2099.", "Entre 2000 y 2099."),
    "dashboard.months": ("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
                         "jan feb mrt apr mei jun jul aug sep okt nov dec",
                         "ene feb mar abr may jun jul ago sep oct nov dic"),
    # figures
    "dashboard.issued": ("Issued", "Uitgegeven", "Emitidos"),
    "dashboard.redeemed": ("Redeemed", "Ingewisseld", "Canjeados"),
    "dashboard.expired": ("Expired", "Vervallen", "Caducados"),
    "dashboard.forfeited": ("Forfeited (erased accounts)", "Verloren (gewiste accounts)",
                            "Perdidos (cuentas borradas)"),
    "dashboard.clawed_back": ("Taken back by refunds", "Teruggenomen bij retouren",
                              "Retirados por devoluciones"),
    "dashboard.adjusted_out": ("Deducted by staff", "Afgetrokken door medewerkers",
                               "Descontados por el personal"),
    "dashboard.points_issued": ("Points issued", "Punten uitgegeven", "Puntos emitidos"),
    "dashboard.points_redeemed": ("Points redeemed", "Punten ingewisseld", "Puntos canjeados"),
    "dashboard.points_expired": ("Points expired", "Punten vervallen", "Puntos caducados"),
    "dashboard.breakage": ("Breakage rate", "Breakage (vervallen/uitgegeven)",
                           "Tasa de caducidad"),
    "dashboard.redemption_rate": ("Redemption rate", "Inwisselgraad", "Tasa de canje"),
    "dashboard.outstanding": ("Outstanding liability", "Openstaande verplichting",
                              "Pasivo pendiente"),
    "dashboard.outstanding_points": ("{points} points at the end", "{points} punten aan het eind",
                                     "{points} puntos al final"),
    "dashboard.opening": ("At the start: {value}", "Aan het begin: {value}",
                          "Al inicio: {value}"),
    "dashboard.no_rate": ("no checkout rate set", "geen afrekenkoers ingesteld",
                          "sin tasa de pago definida"),
    "dashboard.active": ("Active members", "Actieve leden", "Miembros activos"),
    "dashboard.active_text": ("{d30} in 30 days, {d90} in 90 days",
                              "{d30} in 30 dagen, {d90} in 90 dagen",
                              "{d30} en 30 días, {d90} en 90 días"),
    "dashboard.tier_moves": ("Tier changes", "Niveauwijzigingen", "Cambios de nivel"),
    "dashboard.tier_moves_text": ("{up} up, {down} down, {over} overrides",
                                  "{up} omhoog, {down} omlaag, {over} handmatig",
                                  "{up} subidas, {down} bajadas, {over} manuales"),
    "dashboard.other_moves": ("Other movements in the range", "Andere mutaties in de periode",
                              "Otros movimientos del periodo"),
    "dashboard.points": ("Points", "Punten", "Puntos"),
    # charts
    "dashboard.per_week": ("Points per week", "Punten per week", "Puntos por semana"),
    "dashboard.per_weeks": ("Points per {n} weeks", "Punten per {n} weken",
                            "Puntos cada {n} semanas"),
    "dashboard.week": ("Week of", "Week van", "Semana del"),
    "dashboard.period": ("Period from", "Periode vanaf", "Periodo desde"),
    "dashboard.liability_chart": ("Outstanding liability at the end of each week ({currency})",
                                  "Openstaande verplichting aan het eind van elke week ({currency})",
                                  "Pasivo pendiente al final de cada semana ({currency})"),
    "dashboard.liability_points": ("Outstanding points at the end of each week",
                                   "Openstaande punten aan het eind van elke week",
                                   "Puntos pendientes al final de cada semana"),
    "dashboard.liability": ("Outstanding", "Openstaand", "Pendiente"),
    "dashboard.rates_chart": ("Breakage and redemption rate per week",
                              "Breakage en inwisselgraad per week",
                              "Tasa de caducidad y de canje por semana"),
    "dashboard.tiers_chart": ("Active members per tier (now)", "Actieve leden per niveau (nu)",
                              "Miembros activos por nivel (ahora)"),
    "dashboard.tier": ("Tier", "Niveau", "Nivel"),
    "dashboard.no_tier": ("No tier", "Geen niveau", "Sin nivel"),
    "dashboard.members": ("Members", "Leden", "Miembros"),
    "dashboard.sources_chart": ("Points earned by source", "Verdiende punten per bron",
                                "Puntos ganados por origen"),
    "dashboard.source": ("Source", "Bron", "Origen"),
    "dashboard.source.purchase": ("Purchases", "Aankopen", "Compras"),
    "dashboard.source.action": ("Actions", "Acties", "Acciones"),
    "dashboard.source.bonus": ("Bonuses", "Bonussen", "Bonificaciones"),
    "dashboard.source.referral": ("Referrals", "Doorverwijzingen", "Recomendaciones"),
    "dashboard.source.adjustment": ("Staff corrections", "Correcties", "Ajustes del personal"),
    "dashboard.rewards_chart": ("Top rewards by redemptions", "Meest ingewisselde beloningen",
                                "Recompensas más canjeadas"),
    "dashboard.reward": ("Reward", "Beloning", "Recompensa"),
    "dashboard.redemptions": ("Redemptions", "Inwisselingen", "Canjes"),
    "dashboard.units": ("Units", "Stuks", "Unidades"),
    "dashboard.campaigns": ("Campaign uplift against the control group",
                            "Campagne-effect tegenover de controlegroep",
                            "Efecto de las campañas frente al grupo de control"),
    "dashboard.uplift_points_chart": ("Points per member in the {days} days after launch",
                                      "Punten per lid in de {days} dagen na lancering",
                                      "Puntos por miembro en los {days} días tras el lanzamiento"),
    "dashboard.uplift_spend_chart": ("Spend per member in the {days} days after launch",
                                     "Besteding per lid in de {days} dagen na lancering",
                                     "Gasto por miembro en los {days} días tras el lanzamiento"),
    "dashboard.campaign": ("Campaign", "Campagne", "Campaña"),
    "dashboard.launched": ("Launched", "Gelanceerd", "Lanzada"),
    "dashboard.recipients": ("Recipients", "Ontvangers", "Destinatarios"),
    "dashboard.control": ("Control group", "Controlegroep", "Grupo de control"),
    "dashboard.points_uplift": ("Points uplift per member", "Extra punten per lid",
                                "Puntos extra por miembro"),
    "dashboard.spend_uplift": ("Spend uplift per member", "Extra besteding per lid",
                               "Gasto extra por miembro"),
    "dashboard.no_campaigns": ("No campaign was launched in this range.",
                               "In deze periode is geen campagne gelanceerd.",
                               "No se lanzó ninguna campaña en este periodo."),
    "dashboard.no_control": ("no control group", "geen controlegroep", "sin grupo de control"),
    "dashboard.summary_weeks": ("{issued} issued, {redeemed} redeemed, {expired} expired in total",
                                "{issued} uitgegeven, {redeemed} ingewisseld, {expired} vervallen",
                                "{issued} emitidos, {redeemed} canjeados, {expired} caducados"),
    "dashboard.summary_top": ("Highest: {name}, {value}", "Hoogste: {name}, {value}",
                              "Mayor: {name}, {value}"),
    "dashboard.nowhere": ("Your role may not use any section of the console.",
                          "Je rol mag geen enkel onderdeel van de console gebruiken.",
                          "Tu rol no puede usar ninguna sección de la consola."),
})  # fmt: skip

MAX_PERIODS = 13  # w0..w12 in DashboardAnalytics.graphql
WEEK = dt.timedelta(days=7)
DAY = dt.timedelta(days=1)
WEEK_CHOICES = (4, 8, 12, 26, 52, 104)
DEFAULT_WEEKS = 8
MAX_DAYS = 3 * 365
TOP_REWARDS = 10
DEFAULT_WINDOW = 14


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def choose_range(c: Console, today: dt.date | None = None
                 ) -> tuple[dt.datetime, dt.datetime, Problems]:  # fmt: skip
    """[start, end) in UTC from the query string: `from`/`to` dates (`to` inclusive), else
    the last `weeks` weeks up to and including today."""
    today = today or dt.datetime.now(dt.UTC).date()
    end = _midnight(today) + DAY
    weeks = _int(c.arg("weeks"), DEFAULT_WEEKS, 1, 156)
    default = (end - weeks * WEEK, end, Problems())
    given_from, given_to = c.arg("from"), c.arg("to")
    if not (given_from or given_to):
        return default
    problems = Problems()
    start_day = _date(given_from) if given_from else today - dt.timedelta(days=weeks * 7 - 1)
    end_day = _date(given_to) if given_to else today
    if start_day is None:
        problems.fields["from"] = c.t("dashboard.bad_date")
    if end_day is None:
        problems.fields["to"] = c.t("dashboard.bad_date")
    if start_day is not None and end_day is not None:
        if not (2000 <= start_day.year <= 2099):
            problems.fields["from"] = c.t("dashboard.years")
        elif not (2000 <= end_day.year <= 2099):
            problems.fields["to"] = c.t("dashboard.years")
        elif end_day < start_day:
            problems.fields["to"] = c.t("dashboard.after_from")
        elif (end_day - start_day).days + 1 > MAX_DAYS:
            problems.fields["to"] = c.t("dashboard.too_long")
    if problems:
        return default[0], default[1], problems
    return _midnight(start_day), _midnight(end_day) + DAY, problems


def periods(
    start: dt.datetime, end: dt.datetime
) -> tuple[int, list[tuple[dt.datetime, dt.datetime]]]:
    """The range cut into at most MAX_PERIODS consecutive periods of whole weeks (the last
    one ends at `end`); (weeks per period, the periods)."""
    weeks = math.ceil((end - start) / WEEK)
    size = max(1, math.ceil(weeks / MAX_PERIODS))
    step = size * WEEK
    bounds, at = [], start
    while at < end:
        bounds.append((at, min(at + step, end)))
        at += step
    return size, bounds


def _int(text: str, default: int, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        return default
    return min(max(value, low), high)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def variables(start: dt.datetime, end: dt.datetime, window: int) -> tuple[dict, list]:
    """DashboardAnalytics' variables for [start, end), and the periods asked for."""
    _, bounds = periods(start, end)
    values: dict = {"from": _iso(start), "to": _iso(end), "windowDays": window,
                    "topRewards": TOP_REWARDS}  # fmt: skip
    for i in range(MAX_PERIODS):
        f, t = bounds[i] if i < len(bounds) else bounds[0]
        values[f"f{i}"], values[f"t{i}"] = _iso(f), _iso(t)
        if i:
            values[f"on{i}"] = i < len(bounds)
    return values, bounds


def _day(c: Console, moment: dt.datetime | dt.date, *, year: bool = False) -> str:
    months = c.t("dashboard.months").split()
    text = f"{moment.day} {months[moment.month - 1]}"
    return f"{text} {moment.year}" if year else text


# ---- the page -------------------------------------------------------------------------------


@page("/", access=None, methods=("GET",), name="console-dashboard")
async def dashboard(c: Console) -> Response | Html:
    if not c.may(Access.ANALYTICS):
        for section in SECTIONS:
            if section.access is not Access.ANALYTICS and c.may(section.access):
                raise Redirect(section.path)
        return c.render(el("p", c.t("dashboard.nowhere"), class_="error", role="alert"),
                        title=c.t("dashboard.title"), status=403)  # fmt: skip
    c.title = c.t("dashboard.title")
    start, end, problems = choose_range(c)
    window = _int(c.arg("window"), DEFAULT_WINDOW, 1, 90)
    values, bounds = variables(start, end, window)
    outcome = await c.run("DashboardAnalytics", values)
    forms = _range_forms(c, start, end, window, problems)
    heading = el("p", c.t("dashboard.range", start=_day(c, start, year=True),
                          end=_day(c, end - DAY, year=True)), class_="muted", id="range")  # fmt: skip
    figures = outcome.get("programAnalytics")
    if not figures:
        return el("div", forms, heading, error_box(outcome))
    weeks = [outcome.get(f"w{i}") or {} for i in range(len(bounds))]
    return el("div", forms, heading, error_box(outcome), _cards(c, figures),
              _charts(c, figures, weeks, bounds), _campaigns(c, figures, window),
              _others(c, figures))  # fmt: skip


def _range_forms(c: Console, start: dt.datetime, end: dt.datetime, window: int,
                 problems: Problems) -> Html:  # fmt: skip
    custom = bool(c.arg("from") or c.arg("to"))
    weeks = str(_int(c.arg("weeks"), DEFAULT_WEEKS, 1, 156))
    choices = tuple((str(n), c.t("dashboard.weeks_n", n=n)) for n in WEEK_CHOICES)
    if weeks not in dict(choices):
        choices = ((weeks, c.t("dashboard.weeks_n", n=weeks)), *choices)
    window_field = Field("window", "", kind="hidden", value=str(window))
    last = form(c, action="/console/", method="get", form_id="weeks", css="inline",
                submit=c.t("dashboard.show"), fields=[
                    Field("weeks", c.t("dashboard.weeks"), kind="select", options=choices,
                          value="" if custom else weeks), window_field])  # fmt: skip
    dates = form(c, action="/console/", method="get", form_id="dates", css="inline",
                 submit=c.t("dashboard.show"), problems=problems, fields=[
                     Field("from", c.t("dashboard.from"), kind="date",
                           value=c.arg("from") or start.date().isoformat()),
                     Field("to", c.t("dashboard.to"), kind="date",
                           value=c.arg("to") or (end - DAY).date().isoformat()),
                     Field("window", c.t("dashboard.window"), kind="number", value=str(window),
                           attrs={"min": "1", "max": "90"})])  # fmt: skip
    return el("div", last, dates, class_="columns")


def _money_list(c: Console, liability: dict) -> str:
    values = liability.get("value")
    if not values:
        return c.t("dashboard.no_rate")
    return ", ".join(money(v["amount"], v["currency"], c.lang) for v in values)


def _card(ident: str, label: str, figure: str, detail: str | None = None) -> Html:
    return el("div", el("div", label), el("div", figure, class_="figure", id=ident),
              el("div", detail, class_="muted") if detail else None, class_="card")  # fmt: skip


def _cards(c: Console, f: dict) -> Html:
    p, n = f["points"], lambda v: number(v, c.lang)
    out, opening = f["outstanding"], f["openingOutstanding"]
    active, moves = f["activeMembers"], f["tierMovement"]
    return el("div", [
        _card("card-issued", c.t("dashboard.points_issued"), n(p["issued"])),
        _card("card-redeemed", c.t("dashboard.points_redeemed"), n(p["redeemed"])),
        _card("card-expired", c.t("dashboard.points_expired"), n(p["expired"])),
        _card("card-breakage", c.t("dashboard.breakage"), percent(p["breakageRate"], c.lang)),
        _card("card-redemption", c.t("dashboard.redemption_rate"),
              percent(p["redemptionRate"], c.lang)),
        _card("card-outstanding", c.t("dashboard.outstanding"), _money_list(c, out),
              c.t("dashboard.outstanding_points", points=n(out["points"])) + " · " +
              c.t("dashboard.opening", value=_money_list(c, opening))),
        _card("card-active", c.t("dashboard.active"), n(active["last30Days"]),
              c.t("dashboard.active_text", d30=n(active["last30Days"]),
                  d90=n(active["last90Days"]))),
        _card("card-tiers", c.t("dashboard.tier_moves"),
              n(moves["upgrades"] + moves["downgrades"] + moves["overrides"]),
              c.t("dashboard.tier_moves_text", up=n(moves["upgrades"]),
                  down=n(moves["downgrades"]), over=n(moves["overrides"]))),
    ], class_="cards", id="figures")  # fmt: skip


def _top(c: Console, labels: list[str], values: list, fmt) -> str | None:
    known = [(v, label) for v, label in zip(values, labels, strict=True) if v is not None]
    if not known:
        return None
    value, label = max(known, key=lambda pair: pair[0])
    return c.t("dashboard.summary_top", name=label, value=fmt(value))


def _charts(c: Console, f: dict, weeks: list[dict], bounds: list) -> Html:
    n = lambda v: number(v, c.lang)  # noqa: E731
    size, _ = periods(bounds[0][0], bounds[-1][1])
    categories = [Category(_day(c, a), f"{_iso(a)}/{_iso(b)}",
                           f"{_day(c, a, year=True)} – {_day(c, b - DAY, year=True)}")
                  for a, b in bounds]  # fmt: skip
    points = [w.get("points") or {} for w in weeks]
    per = c.t("dashboard.per_week") if size == 1 else c.t("dashboard.per_weeks", n=size)
    week_header = c.t("dashboard.week") if size == 1 else c.t("dashboard.period")
    p = f["points"]
    flows = bar_chart(Chart(
        ident="chart-points", title=per, lang=c.lang, categories=categories, fmt=n,
        category_header=week_header,
        summary=c.t("dashboard.summary_weeks", issued=n(p["issued"]), redeemed=n(p["redeemed"]),
                    expired=n(p["expired"])),
        series=[Series(c.t("dashboard.issued"), "issued", [x.get("issued") for x in points]),
                Series(c.t("dashboard.redeemed"), "redeemed", [x.get("redeemed") for x in points]),
                Series(c.t("dashboard.expired"), "expired", [x.get("expired") for x in points])]))  # fmt: skip
    # Liability: in money at the first checkout rate when one is set, else in points.
    first_values = [v for w in weeks for v in ((w.get("outstanding") or {}).get("value") or [])]
    if first_values:
        currency = first_values[0]["currency"]
        amounts = [next((v["amount"] for v in (w.get("outstanding") or {}).get("value") or []
                         if v["currency"] == currency), None) for w in weeks]  # fmt: skip
        cur = lambda v: money(v, currency, c.lang)  # noqa: E731
        liability = line_chart(Chart(
            ident="chart-liability", lang=c.lang, categories=categories, fmt=cur,
            title=c.t("dashboard.liability_chart", currency=currency),
            category_header=week_header, summary=_money_list(c, f["outstanding"]),
            series=[Series(c.t("dashboard.liability"), "outstanding." + currency, amounts)]))  # fmt: skip
    else:
        held = [(w.get("outstanding") or {}).get("points") for w in weeks]
        liability = line_chart(Chart(
            ident="chart-liability", lang=c.lang, categories=categories, fmt=n,
            title=c.t("dashboard.liability_points"), category_header=week_header,
            summary=n(f["outstanding"]["points"]),
            series=[Series(c.t("dashboard.liability"), "outstanding.points", held)]))  # fmt: skip
    pct = lambda v: percent(v, c.lang)  # noqa: E731
    rates = line_chart(Chart(
        ident="chart-rates", title=c.t("dashboard.rates_chart"), lang=c.lang, fmt=pct,
        categories=categories, category_header=week_header,
        axis_fmt=lambda v: "–" if v is None else number(v * 100, c.lang) + "%",
        summary=f"{c.t('dashboard.breakage')} {pct(p['breakageRate'])}, "
                f"{c.t('dashboard.redemption_rate')} {pct(p['redemptionRate'])}",
        series=[Series(c.t("dashboard.breakage"), "breakageRate",
                       [x.get("breakageRate") for x in points], color="#b42318"),
                Series(c.t("dashboard.redemption_rate"), "redemptionRate",
                       [x.get("redemptionRate") for x in points], color="#05603a")]))  # fmt: skip
    tiers = f["tierDistribution"]
    tier_labels = [(t["tier"] or {}).get("name") or c.t("dashboard.no_tier") for t in tiers]
    tier_chart = hbar_chart(Chart(
        ident="chart-tiers", title=c.t("dashboard.tiers_chart"), lang=c.lang, fmt=n,
        category_header=c.t("dashboard.tier"),
        categories=[Category(label, (t["tier"] or {}).get("code") or "none")
                    for label, t in zip(tier_labels, tiers, strict=True)],
        summary=_top(c, tier_labels, [t["members"] for t in tiers], n),
        series=[Series(c.t("dashboard.members"), "members", [t["members"] for t in tiers])]))  # fmt: skip
    sources = f["earnBySource"]
    source_labels = [_source(c, s["source"]) for s in sources]
    source_chart = hbar_chart(Chart(
        ident="chart-sources", title=c.t("dashboard.sources_chart"), lang=c.lang, fmt=n,
        category_header=c.t("dashboard.source"),
        categories=[Category(label, s["source"]) for label, s in zip(source_labels, sources,
                                                                     strict=True)],
        summary=_top(c, source_labels, [s["points"] for s in sources], n),
        series=[Series(c.t("dashboard.points"), "points", [s["points"] for s in sources])]))  # fmt: skip
    ranking = f["topRewards"]
    reward_labels = [r["reward"]["title"] for r in ranking]
    rewards_chart = hbar_chart(Chart(
        ident="chart-rewards", title=c.t("dashboard.rewards_chart"), lang=c.lang, fmt=n,
        category_header=c.t("dashboard.reward"),
        categories=[Category(label, r["reward"]["id"]) for label, r in zip(reward_labels, ranking,
                                                                           strict=True)],
        summary=_top(c, reward_labels, [r["redemptions"] for r in ranking], n),
        series=[Series(c.t("dashboard.redemptions"), "redemptions",
                       [r["redemptions"] for r in ranking])]))  # fmt: skip
    return el(
        "div", flows, liability, rates, tier_chart, source_chart, rewards_chart, class_="charts"
    )


def _source(c: Console, source: str) -> str:
    try:
        return c.t(f"dashboard.source.{source}")
    except KeyError:  # a source this page has no words for yet
        return source


def _spend_currency(f: dict) -> str | None:
    values = f["outstanding"].get("value") or f["openingOutstanding"].get("value") or []
    return values[0]["currency"] if values else None


def _campaigns(c: Console, f: dict, window: int) -> Html:
    campaigns = f["campaigns"]
    title = el("h2", c.t("dashboard.campaigns"))
    if not campaigns:
        return el("section", title, el("p", c.t("dashboard.no_campaigns"), class_="muted"),
                  id="campaigns")  # fmt: skip
    n1 = lambda v: number(v, c.lang, 1)  # noqa: E731
    currency = _spend_currency(f)
    spent = (lambda v: money(None if v is None else round(v), currency, c.lang)) if currency \
        else (lambda v: number(v, c.lang, 0))  # fmt: skip
    categories = [Category(k["name"], k["campaignId"]) for k in campaigns]
    recipients, control = c.t("dashboard.recipients"), c.t("dashboard.control")
    points_chart = hbar_chart(Chart(
        ident="chart-uplift-points", lang=c.lang, fmt=n1, categories=categories,
        title=c.t("dashboard.uplift_points_chart", days=window),
        category_header=c.t("dashboard.campaign"),
        series=[Series(recipients, "recipients.pointsPerMember",
                       [k["recipients"]["pointsPerMember"] for k in campaigns]),
                Series(control, "controlGroup.pointsPerMember",
                       [k["controlGroup"]["pointsPerMember"] for k in campaigns])]))  # fmt: skip
    spend_chart = hbar_chart(Chart(
        ident="chart-uplift-spend", lang=c.lang, fmt=spent, categories=categories,
        title=c.t("dashboard.uplift_spend_chart", days=window),
        category_header=c.t("dashboard.campaign"),
        series=[Series(recipients, "recipients.spendPerMember",
                       [k["recipients"]["spendPerMember"] for k in campaigns]),
                Series(control, "controlGroup.spendPerMember",
                       [k["controlGroup"]["spendPerMember"] for k in campaigns])]))  # fmt: skip
    none = c.t("dashboard.no_control")
    rows = [[k["name"], when(k.get("launchedAt")), number(k["recipients"]["members"], c.lang),
             number(k["controlGroup"]["members"], c.lang),
             none if k["pointsUplift"] is None else f"{'+' if k['pointsUplift'] > 0 else ''}"
             f"{n1(k['pointsUplift'])}",
             none if k["spendUplift"] is None else spent(k["spendUplift"])]
            for k in campaigns]  # fmt: skip
    return el("section", title, el("div", points_chart, spend_chart, class_="charts"),
              table([c.t("dashboard.campaign"), c.t("dashboard.launched"), recipients, control,
                     c.t("dashboard.points_uplift"), c.t("dashboard.spend_uplift")], rows,
                    css="uplift"), id="campaigns")  # fmt: skip


def _others(c: Console, f: dict) -> Html:
    p = f["points"]
    rows = [[c.t(key), number(p[field], c.lang)] for key, field in (
        ("dashboard.forfeited", "forfeited"), ("dashboard.clawed_back", "clawedBack"),
        ("dashboard.adjusted_out", "adjustedOut"))]  # fmt: skip
    return el("section", table(["", c.t("dashboard.points")], rows,
                               caption=c.t("dashboard.other_moves"), css="other-moves"))  # fmt: skip


ROUTES = [dashboard]
