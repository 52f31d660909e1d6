"""Earning. Other domains use app.earning.service; the purchase facts in app.earning.stats are
also exported here, for the services app.earning.service itself imports (tiers, segments)."""

from app.earning.stats import add_months as add_months
from app.earning.stats import categories_bought as categories_bought
from app.earning.stats import last_purchases as last_purchases
from app.earning.stats import net_spend as net_spend
from app.earning.stats import purchase_totals as purchase_totals
