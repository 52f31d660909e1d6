import datetime as dt
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.analytics import service
from app.analytics import types as T
from app.errors import CampaignNotFound
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.permissions import IsStaff, allow
from app.graphql.relay import node_id

ANALYSTS = policy.roles(policy.Access.ANALYTICS)


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(
        description="Admins and marketers: the program's figures for [from, to) (UTC, at most "
        "3 years, both ends from 2000-01-01 to 2100-01-01). Each figure is computed only when "
        "selected. A reversed or too long range, or a date outside those years, is a "
        "BAD_USER_INPUT error.",
        extensions=allow(IsStaff(*ANALYSTS)),
    )
    async def program_analytics(
        self,
        info: Info[Context, None],
        from_: Annotated[
            dt.datetime,
            strawberry.argument(name="from", description="Start of the range, inclusive (UTC)."),
        ],
        to: Annotated[
            dt.datetime,
            strawberry.argument(
                description="End of the range, exclusive (UTC); at most 3 years after `from`."
            ),
        ],
    ) -> T.ProgramAnalytics:
        start, end = service.check_range(from_, to)
        return T.ProgramAnalytics(start=start, end=end)

    @strawberry.field(
        description="Admins and marketers: a campaign's recipients vs its control group over "
        "`windowDays` (1-90) after launch; null for an unknown campaign.",
        extensions=allow(IsStaff(*ANALYSTS)),
    )
    async def campaign_uplift(
        self,
        info: Info[Context, None],
        campaign_id: Annotated[
            relay.GlobalID,
            strawberry.argument(description="The campaign's global id; an unknown id gives null."),
        ],
        window_days: Annotated[
            int, strawberry.argument(description="Days after launch to compare, clamped to 1..90.")
        ] = 14,
    ) -> T.CampaignUplift | None:
        try:
            uplift = await service.campaign_uplift(
                campaign_id=node_id(campaign_id, "Campaign", "campaignId"), window_days=window_days
            )
        except CampaignNotFound:
            return None
        return T.CampaignUplift.from_service(uplift)
