import datetime as dt
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.campaigns import service
from app.campaigns import types as T
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.permissions import IsStaff, allow
from app.graphql.relay import PageAfter, PageFirst, node_id, to_connection
from app.offers.types import segment_from_input

MARKETERS = policy.roles(policy.Access.CAMPAIGNS)


def _fields(i: T.CampaignInput) -> service.CampaignFields:
    return service.CampaignFields(
        name=i.name, segment=segment_from_input(i.segment),
        variants={v.locale: {"title": v.title, "body": v.body, "deep_link": v.deep_link}
                  for v in i.variants},
        quiet_start=i.quiet_start, quiet_end=i.quiet_end, holdout_percent=i.holdout_percent,
        channels=_channel_names(i.channels),
    )  # fmt: skip


def _channel_names(channels: list[T.CampaignChannel] | None) -> list[str]:
    return [c.value for c in (T.DEFAULT_CHANNELS if channels is None else channels)]


def _stats(raw: dict) -> T.CampaignStats:
    def counts(d):
        return [T.ReasonCount(reason=k, count=v) for k, v in sorted(d.items())]

    return T.CampaignStats(
        targeted=raw["targeted"], control=raw["control"], sent=raw["sent"],
        pending=raw["pending"], opened=raw["opened"], skipped=counts(raw["skipped"]),
        failed=counts(raw["failed"]), unconfirmed=raw["unconfirmed"],
        recipients=T.CampaignOutcome(**raw["outcome"]["recipients"]),
        control_group=T.CampaignOutcome(**raw["outcome"]["control"]),
        channels=_channel_stats(raw["channels"]),
    )  # fmt: skip


def _channel_stats(raw: dict) -> T.CampaignChannelStats:
    inbox, push, email = raw["inbox"], raw["push"], raw["email"]
    return T.CampaignChannelStats(
        inbox=T.CampaignInboxStats(**inbox) if inbox is not None else None,
        push=T.CampaignPushStats(sent=push["sent"], failed=sum(push["failed"].values()),
                                 unconfirmed=push["unconfirmed"]) if push is not None else None,
        email=T.CampaignEmailStats(**{k: email[k] for k in (
            "sent", "failed", "undeliverable", "unconfirmed", "skipped", "pending",
            "unsubscribed")}) if email is not None else None,
    )  # fmt: skip


@strawberry.type
class CampaignsQuery:
    @strawberry.field(
        description="Marketers: every campaign (drafts included), newest first, with its "
        "status; only those in `status` when given.",
        extensions=allow(IsStaff(*MARKETERS)),
    )
    async def campaigns(
        self,
        info: Info[Context, None],
        first: PageFirst = 20,
        after: PageAfter = None,
        status: Annotated[
            T.CampaignStatus | None,
            strawberry.argument(description="Only campaigns in this status; null: all."),
        ] = None,
    ) -> T.CampaignConnection:
        page = await service.campaign_page(first=first, after=after, status=status)
        return to_connection(T.CampaignConnection, page, T.Campaign.from_model)

    @strawberry.field(
        description="Marketers: how many consenting members a segment reaches now, and a sample.",
        extensions=allow(IsStaff(*MARKETERS)),
    )
    async def campaign_audience(
        self,
        info: Info[Context, None],
        segment: Annotated[
            T.SegmentInput | None,
            strawberry.argument(
                description="Who to reach; null: every member who consented to marketing."
            ),
        ] = None,
        channels: Annotated[
            list[T.CampaignChannel] | None,
            strawberry.argument(
                description="The campaign's channels: members reachable on at least one count; "
                "null: INBOX and PUSH."
            ),
        ] = None,
    ) -> T.Audience:
        found = await service.audience_of(segment=segment_from_input(segment),
                                          channels=_channel_names(channels))  # fmt: skip
        return T.Audience(count=len(found), sample=[relay.GlobalID("Member", str(p.member_id))
                                                    for p in found[:10]])  # fmt: skip

    @strawberry.field(
        description="Marketers: a campaign's results.", extensions=allow(IsStaff(*MARKETERS))
    )
    async def campaign_stats(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The campaign's global id.")],
        window_days: Annotated[
            int,
            strawberry.argument(
                description="Days after launch that spend and points are counted over, clamped to 1..90."
            ),
        ] = 14,
    ) -> T.CampaignStats:
        return _stats(await service.stats(campaign_id=node_id(id, "Campaign", "id"),
                                          window_days=max(1, min(window_days, 90))))  # fmt: skip

    @strawberry.field(
        description="Marketers: what a member would receive.",
        extensions=allow(IsStaff(*policy.roles(policy.Access.PREVIEW_CAMPAIGN))),
    )
    async def preview_campaign(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The campaign's global id.")],
        member: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="The member's global id; the preview is in their locale. Give "
                "this or `email` (exactly one)."
            ),
        ] = None,
        email: Annotated[
            str | None,
            strawberry.argument(
                description="The member's email address instead of `member` (exactly one of "
                "the two); it finds only a member the campaign's segment reaches: an unknown "
                "address, or one outside the segment, is MemberNotFound, as an unknown id is."
            ),
        ] = None,
    ) -> T.PreviewResult:
        shown = await service.preview(campaign_id=node_id(id, "Campaign", "id"),
                                      member_id=node_id(member, "Member", "member"),
                                      email=email)  # fmt: skip
        return T.CampaignPreview(**shown)


@strawberry.type
class CampaignsMutation:
    @strawberry.mutation(
        description="Marketers: draft a campaign.", extensions=allow(IsStaff(*MARKETERS))
    )
    async def create_campaign(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.CampaignInput,
            strawberry.argument(description="The campaign's audience, texts and quiet hours."),
        ],
    ) -> T.CampaignResult:
        _, staff = await info.context.require_member()
        campaign = await service.create_campaign(fields=_fields(input), actor_id=staff.id)
        return T.Campaign.from_model(campaign)

    @strawberry.mutation(
        description="Marketers: change a draft (its audience, texts, channels, quiet hours and "
        "control group), checked as `createCampaign` checks them; CampaignNotDraft once it "
        "was launched or cancelled.",
        extensions=allow(IsStaff(*MARKETERS)),
    )
    async def update_campaign(
        self,
        info: Info[Context, None],
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The draft campaign's global id.")
        ],
        input: Annotated[
            T.CampaignInput,
            strawberry.argument(description="The whole draft as it should be now."),
        ],
    ) -> T.UpdateCampaignResult:
        campaign = await service.update_campaign(campaign_id=node_id(id, "Campaign", "id"),
                                                 fields=_fields(input))  # fmt: skip
        return T.Campaign.from_model(campaign)

    @strawberry.mutation(
        description="Marketers: choose the recipients now and send at `sendAt` (default now), "
        "in each member's waking hours.",
        extensions=allow(IsStaff(*MARKETERS)),
    )
    async def launch_campaign(
        self,
        info: Info[Context, None],
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The draft campaign's global id.")
        ],
        send_at: Annotated[
            dt.datetime | None, strawberry.argument(description="When to send (UTC); null: now.")
        ] = None,
    ) -> T.CampaignResult:
        campaign = await service.launch(campaign_id=node_id(id, "Campaign", "id"),
                                        send_at=send_at)  # fmt: skip
        return T.Campaign.from_model(campaign)

    @strawberry.mutation(
        description="Marketers: stop a campaign; nobody still waiting gets it.",
        extensions=allow(IsStaff(*MARKETERS)),
    )
    async def cancel_campaign(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The campaign's global id.")],
    ) -> T.CampaignResult:
        campaign = await service.cancel(campaign_id=node_id(id, "Campaign", "id"))
        return T.Campaign.from_model(campaign)
