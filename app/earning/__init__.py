"""Earning. Other domains use app.earning.service; the purchase facts in app.earning.stats are
also exported here, for the services app.earning.service itself imports (tiers, segments)."""

from app.earning.stats import add_months as add_months
from app.earning.stats import net_spend as net_spend
from app.earning.stats import net_spend_part as net_spend_part
from app.earning.stats import purchase_history_from as purchase_history_from
from app.earning.stats import purchase_history_parts as purchase_history_parts
from app.earning.stats import purchase_totals as purchase_totals
