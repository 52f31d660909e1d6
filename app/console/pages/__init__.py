"""Every console page module, and their routes in one list."""

from app.console.pages import (
    campaigns,
    catalog,
    community,
    dashboard,
    earning,
    integrations,
    members,
    program,
)

ROUTES = [
    *dashboard.ROUTES,
    *members.ROUTES,
    *campaigns.ROUTES,
    *catalog.ROUTES,
    *earning.ROUTES,
    *community.ROUTES,
    *program.ROUTES,
    *integrations.ROUTES,
]
