from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "community_event" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "texts" JSONB NOT NULL,
    "location" VARCHAR(200),
    "starts_at" TIMESTAMPTZ NOT NULL,
    "ends_at" TIMESTAMPTZ NOT NULL,
    "capacity" INT NOT NULL,
    "confirmed" INT NOT NULL,
    "cancelled_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "min_tier_id" BIGINT REFERENCES "tier" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "community_event" IS 'A member-only event with a capacity and a waitlist.';
        CREATE TABLE IF NOT EXISTS "community_group" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "texts" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "archived_at" TIMESTAMPTZ,
    "min_tier_id" BIGINT REFERENCES "tier" ("id") ON DELETE RESTRICT
);
        CREATE TABLE IF NOT EXISTS "community_membership" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "joined_at" TIMESTAMPTZ NOT NULL,
    "left_at" TIMESTAMPTZ,
    "muted_until" TIMESTAMPTZ,
    "banned_at" TIMESTAMPTZ,
    "group_id" BIGINT NOT NULL REFERENCES "community_group" ("id") ON DELETE RESTRICT,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_community_m_group_i_0b0de1" UNIQUE ("group_id", "member_id")
);
        CREATE TABLE IF NOT EXISTS "community_post" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "text" TEXT NOT NULL,
    "image_urls" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "hidden_at" TIMESTAMPTZ,
    "author_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    "group_id" BIGINT NOT NULL REFERENCES "community_group" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_community_p_group_i_78534c" ON "community_post" ("group_id", "id");
CREATE INDEX IF NOT EXISTS "idx_community_p_author__91d5ec" ON "community_post" ("author_id", "created_at");
        CREATE TABLE IF NOT EXISTS "community_comment" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "hidden_at" TIMESTAMPTZ,
    "author_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    "post_id" BIGINT NOT NULL REFERENCES "community_post" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_community_c_post_id_55fc6f" ON "community_comment" ("post_id", "id");
CREATE INDEX IF NOT EXISTS "idx_community_c_author__2612f5" ON "community_comment" ("author_id", "created_at");
        CREATE TABLE IF NOT EXISTS "community_moderation_log" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "action" VARCHAR(16) NOT NULL,
    "reason" VARCHAR(500) NOT NULL,
    "until" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "actor_id" BIGINT REFERENCES "member" ("id") ON DELETE SET NULL,
    "comment_id" BIGINT REFERENCES "community_comment" ("id") ON DELETE RESTRICT,
    "group_id" BIGINT REFERENCES "community_group" ("id") ON DELETE RESTRICT,
    "member_id" BIGINT REFERENCES "member" ("id") ON DELETE RESTRICT,
    "post_id" BIGINT REFERENCES "community_post" ("id") ON DELETE RESTRICT
);
COMMENT ON COLUMN "community_moderation_log"."action" IS 'HIDE_POST: hide_post\nHIDE_COMMENT: hide_comment\nMUTE: mute\nBAN: ban\nUNBAN: unban';
COMMENT ON TABLE "community_moderation_log" IS 'The audit trail: every moderation action, who took it and why.';
        CREATE TABLE IF NOT EXISTS "community_reaction" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(12) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    "post_id" BIGINT NOT NULL REFERENCES "community_post" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_community_r_post_id_4eb447" UNIQUE ("post_id", "member_id")
);
COMMENT ON COLUMN "community_reaction"."kind" IS 'LIKE: like\nLOVE: love\nCELEBRATE: celebrate\nINSIGHTFUL: insightful';
COMMENT ON TABLE "community_reaction" IS 'One reaction per member per post (changing it replaces it).';
        CREATE TABLE IF NOT EXISTS "community_report" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "reason" VARCHAR(500) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "resolved_at" TIMESTAMPTZ,
    "comment_id" BIGINT REFERENCES "community_comment" ("id") ON DELETE RESTRICT,
    "post_id" BIGINT REFERENCES "community_post" ("id") ON DELETE RESTRICT,
    "reporter_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT
);
        CREATE TABLE IF NOT EXISTS "community_rsvp" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "status" VARCHAR(12) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "event_id" BIGINT NOT NULL REFERENCES "community_event" ("id") ON DELETE RESTRICT,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_community_r_event_i_bf2ee5" UNIQUE ("event_id", "member_id")
);
CREATE INDEX IF NOT EXISTS "idx_community_r_event_i_69dc54" ON "community_rsvp" ("event_id", "status", "id");
COMMENT ON COLUMN "community_rsvp"."status" IS 'CONFIRMED: confirmed\nWAITLISTED: waitlisted\nCANCELLED: cancelled';
COMMENT ON TABLE "community_rsvp" IS 'A member''s place at an event; the waitlist is served in `id` order.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "community_comment";
        DROP TABLE IF EXISTS "community_membership";
        DROP TABLE IF EXISTS "community_rsvp";
        DROP TABLE IF EXISTS "community_group";
        DROP TABLE IF EXISTS "community_report";
        DROP TABLE IF EXISTS "community_event";
        DROP TABLE IF EXISTS "community_moderation_log";
        DROP TABLE IF EXISTS "community_post";
        DROP TABLE IF EXISTS "community_reaction";"""


MODELS_STATE = (
    "eJztfWlz4siW9l/J4Eu7YihHmSq7q+k7NwJjVRe3MfgF3MsUN2RZSozGIkVrsYuZ6f/+Zm"
    "pBW0pIQkBKzok71baUJ8Hn5HLOc7b/ba10BWrmeX8pIQS1OwMuoAGRDFtd8L8tJK3ID+mD"
    "2qAlrdfBEPLAkh41lwquHqEhyi6VuI6SPZqWIckWHriQNBPiRwo0ZUNdW6qOCPnvS2gtoQ"
    "Ek4E4EXiVkmfgX05SeoAl0hF95k7fBq2otwesSIoCJNkDWkQmRBRWgG847xYCv5+SDFV3G"
    "n6yipwN+ho3Uv2woWvqTMz3+pG/fPHaQ196ErX//G/+iIgV+hyYZQ35dP4sLFWpKhP+qQs"
    "ic56K1WTvPrtWnAbK+OGPJn/Uoyrpmr1Awfr2xljraEqjIIk+fIIKGhL81fmYZNmE8sjXN"
    "E5ovC/cvCIa43zJEo8CFZGtEfITa/QLBs5YojsYzcSrMRLGVEK1PEZKE94iwFC8L/FVNhw"
    "FP5Cu8/6nT+fjxx86Hj1efLz/9+OPl5w+f8Vjn+yZf/fi3+2UCbrlTOTwb/DIYzcgX0vHa"
    "c1cpefC3QyNZkkvlCCPgvi+uhAjwfjAEZK8cIQzwN5e8xR0RRog8JhH8p8Yl4vM/SyT+g0"
    "AmwQ4qL5TW3f30axesbXM5R8JtbzDsAriSVG2OprfTLjBX5hwNRmLv7q4LVCSSfZ9PiCvp"
    "u6hB9GQt8a8XVxny+a036X/tTc4urt5FhTTy3nScV0RcgXj0NWadqCLKFtF1DUqIvkfCZD"
    "G5PGK6Qwlm++QA2yVr5Y/HQzLzyjT/0tytENsHo/vbawGz3uE8HqRake0R2g7+sSdKVpLn"
    "N5hflrqCdKbHaWOMVzzic/+HHFLwzqMD744qZDAb3ArTWe/2LiKIm95MIG86ztNN7OlZfC"
    "dsJwG/D2ZfAfkV/Nd4JDjc1E3ryXA+MRg3+68W+U6Sbeki0l9FSQnzxH/sP4pI2r3TpFdU"
    "QtJxWi5pliVtr4kcyuzoKGUFUj7SdZdfBzGgpIyRtvFWYH3F7n37kFrvKuhFtcsI2W4lsw"
    "4yPpqeSVT8xTNVzQzsg6govugGVJ/Qr3CT0DNjzPfMtNvtRDUTw9/+SvOfBoc+vkm2dlF0"
    "AeK/H//V0NVW+r1pv3cjtBw+P0ry86tkKGKE4eSN3tFjT7Zjk69WnVX8iYSwdah4fwf51l"
    "HOU0znQCa77OV8xnEPrKFhYvPUsUklbKbKsm4jq4vt1bWhPxnSyjNp28Q6xUtmsXBN1wcD"
    "K8UPQDUB0i3w4A56SJrGB/kEimHMbWBWzqZ2hg3sWIJ0C5jO/i1BNTbvaUUQsWA7l59ymL"
    "B4VKoN67yLGVXk7EE2/QZI53KMrBSv42o1Q6y++CkPWPBTOljwU5zP8LsFDSRpogEXhZZz"
    "jK5pnL7Ks6av0pf0VWJFO2ivgTkm45uuCKsThE3j9UUnz6rupK/qTpzXa8k0X3V8FCwlc1"
    "mE1wlClhHK0uf1Za7z+jLjvL6Mc1xRzbUmbUTn9wIMj9NVsraZYvfnDzm4/flDKrPJqyiv"
    "NV2WtEJcDiiOt55bELWOwuA8qzl9LSdWMoFlxP/RUSEGR4iOyOP7Wf84TK7+PnxUDWupSB"
    "s6wEZnc5gmC1qr35mRwV2CjMV4h6mgAU3LTDLvX9PxKMUADBPFuafKFvg/oKnmweCq1j8W"
    "NpIJX8CjrWqWisxz8nn/PNQCzmApYVIEk/QX6tlt74/4Gu4Px9dxsJFMcB1X8PS0Q3m3T9"
    "SnPeLREaArRZyitwLxinU9pGOOeje3g1EXSMpKRXN025v8Ksyc95LxDC0yYnp/dzeezLrA"
    "tNdr3bDiwMppnKSqKUp4Mb5QJJbpJY3QHdFN6mvn9fWSGrCkRyVKyT0qrHhUvCXJ/WhvSu"
    "p5/GhbK5qE+jyVEn/KFNxrzo7Y3d2ecOCle5oSEWShEEiKJnvtTfLl1wnUJIevyRWQFYlZ"
    "swMhzdsX2VomNE08757s6tnWcurO1FRG+VqDrKkQ0QylIvwaYNPpyXAG9Z35anvOZDNtrZ"
    "PhIh6ATMmx1fZk3J0z4SyYr0nL7ZCe8/AOpbjPYxs43YeOz+ulaIZG7vSkjxEEpvqEoPJe"
    "RUCBL6oMiY97Ia1UbQP0BcCHLL40lsDSnyEyf8a/v+jPmINAtQBEikmiwVdA0rSkE73qyS"
    "v2n9/fD24KeM9tW1XOCc1hPLghxMT5JPLPp1PAJY55/dHVLMI6g/On74gV52ZfwwyAPGaf"
    "JpmWaJul5B6n5ZKvk+Sd47qU3KOU3NBjzdCjSRmvY1OnJJpkBTPEKZvn8f2YJ57hY3o8w8"
    "dEPAM+Dg0RK4qIsqvSeR2lOqJr4TguyYPEMbjmItkLeLtQjJ+M0LMEZeM4Xr0TmEfc84h7"
    "lsRwlIj7SEwgMXZF19jdD2qZuHPNyFQN4vxBUZYkrkfBWqjg3w7ERQ1oPAQyH/jSAw4E91"
    "5fvDclDZJEgv7kFpgb04IrN/PAnQ5g81jB/1XxPEBCCjBlHe9/atrC/jPyNAWGD/R2Fvzi"
    "KiU0IezUZKiSqH+6QvVKTNGY171iXVk7t2OBOh/yRLviUemhOh8S8a4mxEeTVTiWO0bWQG"
    "5Xv5TdMz/J5fSowoCChxRG4JsqQgo5ep6+E5qLoTKGnjOGtdVE0IVwVI6WN1nK/ln8uCkM"
    "dCVIS4FdjMmWCawr4Owx8S7GJJEX7koswwjkhb8FGN0Ph6eqMjHUn1Q0Wxq6ZTlMTiA40Q"
    "HtneiNRsaLVphgJ3LzRVI1qDjBLSS0RbIsuFpbJnBqROAXa1JV0a0Y4aAr5HcPePFcBkns"
    "pqI590BvniFle6SbXN7wxmEGF53PuVKUP2fkKH9+twOrWWBp2wbN+kq9HsIkx3ODfDjsvd"
    "C5+PTjp88frz5tr4Ptk6xbIJly8or/CHxT48PbKGdEUSdooC3VJGVL02WiF+MjkVafZYfx"
    "FKPlajVrki6QbXBIjSPia6MoHHFf3A59I+IGzOkoQkBfS3hNRQNm28C0sPKqAB1pGyCZQM"
    "XqwvRr733n8upn8OABAw9OeiZ5CbCKQxYvxW90gA/gbiSGbaUs1cQRfWEAPkrVOKWwevSd"
    "w73prG8u3Au/r1U8WwmpRykbKPWaSDmXYloS0OdYfk3k6yVZUSHe9LyiKFWV+UXsinZHOl"
    "EGaBtKZNsTsW1mBmw7httGVxdLlYEHClytdQsieTOBsm5Etf3UQe0sW0oNhmOTajs+R9Dd"
    "q6FaEEgaUTI2QJYMQyUmjm2BhW6AM1nSNFLW9xlu3nWxPYSFA02AjRjH+sGrFwsXEL7Qwu"
    "8qnZvaSMcJwSBvCfzKe+jUwqLayix3NJNP0MA4pupLJJ7Sb8EUayv0XIQ7DEFjG42el8cR"
    "ogZy+lOeRfwpfRF/SixiA+I/0ywe+BinayCzD1Gemdy0STanRz4GFHtFPtbHJOMhjsdVVJ"
    "oFeTHiuhnqVh/z2V758qBEi0RGZJocXsEcTbccYyxMs9Ps+Kq/Avw1N26CjkmKn0gAz4T/"
    "DRXgAQQAAmf4K0CkvHe9LraiWmT4g0G6SiC8iB7eJU2PA8zPHTg1NTfcJZCUQCr7A4Impd"
    "dWFlpCNnzRFR3QNImlR1nYIU9kcHIVFkCSlguiqnBavLgrQGXdcnFDvY5iyIvJBsdABI+d"
    "YJ1qMujPWmnLvTL2NrMaX5zNyc2ewu7TqKFuxPi1pEkpveWjAzKVUK8YwWNo7E7lc7aEQJ"
    "bkJQkvtleecuhO9IMJiLqPhWC2gVeGGahOj3dg4i8Z1h6TWmeVE++hbrJTWIRrny3pRVJd"
    "/uRXQCM0PLY5rgcRa418XgGNPqDg7Ezo8+piixLl5GeYhDM0zlBe+D+d1fXE9ShBMNv6PK"
    "Vxvd21p8YIznT8T9WZeGzd03m12vS6UykK7V5KamCOURTUiK2WByHNp5i60wIoGQhrh77q"
    "1yVK4gY8QlnHeuJWN2gDycDqpoO84tEkB86NidwSJhXUQ3zAbkX1W0y1DC7jUBAnpvkWfr"
    "X9Gs5LDq0yqdxyaLVazWHrcyjA0ggN52oReyGz21m6zXDIXmfbJ7VtdhY5uAvqv3HaBmrA"
    "9dV4mc7eqE8kSe2kXK8oFW7O7hZ7nswsdkDkU8uY+3rfmiAyfL28THiVcA13974Bd29SFK"
    "mIWkxeO5G12JrJ1+Btpb/AFakTpS+88MAuCIUAtp3kI99ZSxy5wNLB/0BDp7d022+6wugZ"
    "/pejYWyiYc/4j0/yn+QqCMheJQ6uaBaOR8tyvkLr7p6EvE+FLljbhryUTDhHvf5sMB7hJe"
    "/swjm6Ho/up13wqCPbnKOJ8EWYTHpDkt23gIYhaeTZUHAmMfAR5cyBR92PbpwxNlLI7zcC"
    "1l2deUlhfjeyeI76vVFfGA577huZMFJzW0PMkfDH3WDyZ9eFqDf4e9386346uxVGM/zdlP"
    "+2TWvldSIonEZ0lSeLKK6qh5KIruL5Fhw2rRbgC2AjfFFYUgHGUig5h9Mh1ML8TdBx7lK4"
    "i88sDWtPdNU3PQkrRsZr0EeglSoStCIt1fOnIIaImtfh76KTq81FJ6PNRYeS7lm8mWJzmy"
    "he5uokcpnRSeQy2UmEw7jp3G8ujIvVcr04ihum4lXXy2K4HELnyC1LYjgUcuucFsdkLGOn"
    "S16+hk/VwghtGD1wsUTKqVKgZeadO0uDlvFBu2X67KJC11tO7gSs16GxucBqDT65aUThtH"
    "Xnf9Bvf/AzGWQmR+1EriucuzCM7c3PsWxGsWxfPgkR5IOzQ+RMI9q/94ZDYdYFr6QSnTVH"
    "d8LoZjD6pQs84GqOBtPpPYGdu0A1TZv8sS4+LdwKNy46DVdQ8fBn8sgNbXJQ7N+EydQd9Q"
    "INkzxjGZWWVnSJp1sJqxQZ11pLrQzV4+o/j6B5q4LIsMN4nMfB4zySpxA3ew+QX3a0CJqe"
    "I3NBMlCKCRIdkGmIQHeQWCRqJpo2Rkr3Sshz+LextSBDp/vamcvA9vYN/G5BA0kaUBVKia"
    "6qJqWWBQ5WffB3+pSiH0LDS3excFVkWyFFK60GFCzbHSX9Qld53EJX6V6hq4RTKLwnCnA5"
    "RtZAVl/kcsFdZLjgLpIuOB73U62FpcuybRilfJox0gY6NWvixOQpSNx3zVOQ2FHGOIDChC"
    "C4I5unINWI04ynIF2TbITfnY7WLQp8En7dzgOeONkN4mtAkaPP0trQVzr5NcieMMFKUiB4"
    "hNYrhAg8OM22TaeHLKm28wCR4v5GPhc8rLBo1bWmQuPhO63b0gE+oeKi528FNtnTwkkHRJ"
    "z/Jtiabqj74xtooVffOGm7OYoaGRHCBtoYNbEpcpmS3olXVMQhMi5gpgUc3GEUGUNZXUla"
    "it0YIYxL2aU892ZoloxvhP7gtjc8u2p3YuWdwr27eDrB24RkEqboaXT4PsFrSTdUyVmaCS"
    "U+8j6XFi97FKLhk+RQ430ip3I71rifDGlFoiXh2jLbjlL9upQsJ4YSr0enKgD+l3ykSdPZ"
    "951uDwXd/+gi+mSYphqd8rTqekSj/JhDofyYqk9+fLdDd1+pSDdERX1SaT6gKb5VtHRMM0"
    "Z7PDStcyjWu5bSx86PV1sjifySZR9N8SU1pCQne7HV0BDJHil47VOo3+Ldf9Fpf8p9+ePl"
    "qK7slWiSMNkCZn6CjhePp4K9p7lhvfih20APplyzyUG57tqocr37ohW+4wHb7n0ISORyVG"
    "zZAjJeGE+6sQG6Aaa/3oOzzvkH8J9A0W38kZQ4o71mogYXYWsf/0pev0gaXoB7BRNxSGxP"
    "SCyQRplEhYCaZYis1ce6/y9jUt/GX7RzhJdsF5jPdnzF5wLP8mBn6dBZ/D5w90EBPXJLwD"
    "LXy0ZpVd6fmUMaHNLgkEbzIA1Pl7rTNVXeZChb3oBcitY6GJurEZ6HObx/VRUIvEmACS0n"
    "xfhnrC2Z+AcNAkN/BWeqAi7eAYsgEvg+XSwAVFSL3gevonm5A5ItbcvQ7ZRmCvn0rTD98e"
    "5+zLhX1Cqoc92Mfx91AaGco5HQIzEMmOt4KUPTmqP7uy6w1wzoXoqkahtRltYFVnuEpkEF"
    "XiqLLH6F8LkwV6NEnK2UlFgdWcvCfI1RccYmGbvU8SBF2hRJLojQcCCOUpRRNTYiUbXKXn"
    "axKY543zlbxhSlhQUNEQZ5gUXuvxGpX0BuvBdozNHteDT7OhV7X2bCRMS34cgpk0D7nDkS"
    "Rjfi+It4J0wGY1IRAWE9eUEQdlVXytyYnTwWdSfdou4kLOqtZMjXL7BnEnTH2zcXB/bEVL"
    "1xAnHvsXWCSY64eTZ4IRfdLM728PbDHP2/+95kRjbPX7ZkWGT7/Im3TBdsZz6tymiqT8he"
    "u1GsBRZ/nIzfGfGl/6ga1hJfqYVZmyTkzE02RyQV5PE9UziNkkLJ2UtlL4QluRsh5Mylr1"
    "1JE8t6ztMn4MxOZ3YpczON/HiMvqwJo3mj+3RW19NhQomw9r59UuqPm8JpoQnSBmE5p00K"
    "DTiblAgvxBvLVkwsw0iyIv4WYHQ/HJ4qWVF4gciauRJJegS3L9t5vIGQDHfF284b32xa+s"
    "ortwQwD+GT4ZQSJqmEG2DAtW5Y4CyIojLgiwpf28SjZxsvcNMG5+fnlDisaqfmfkG2/IJy"
    "KkyaEjFRKSbKUBD5pzxpiZ/S0xKTYSk85/OAOZ+8JFO1JoHrWdbUFS0Of4c/ekvVIK2wMs"
    "ZauoVN0qKMjVFxxlKaB2J15IVywF7rugYlROdrQBRj6SOmOtQx4F9qx42kvB6PhxHL9HoQ"
    "M05G97fXwuTsIhZomWQ1D7BMX9X1xAsYD7C888qgtGhtO/x37cy+HeFReaq8eONJMduQhe"
    "MZN1D5eZu+6da4PXMXIDB1TAjBf+womnuID6DmuLjDyeussrmxph7hooq8sQebJXUDwea1"
    "JwKKBloU1ZtrvKTuMUvqpjUtyexu2Mi+JUeuDslG9YBTs776+gG8uvG+BgtL+jHFn+YqyN"
    "G6Y7pR7Eb2CZrX+vggl4SmIkjB+NI7q28JeE/1yCaqoqe6V2/D7ftRGHgN0TXp8q4y9sXG"
    "fwk++UsoRhTixkQXHVk98larrEmvxNEsyc/Fl3qMuDGiqGyxa7pVOAQloGkQGH7kxW1AWT"
    "eUlGiTdLUlRtY85aV6MIEj5umsbxZizhtfMHO88cYXbMY48sYXeQMceeML3vjCEcXEy2Vo"
    "URyg23ftPJGkRnj0Tkfo70sdPBq6/bS0wOtSX/0MHnVrCSQDAgOSPwsqpBYfKXrrpQ/9YI"
    "KFapgWSZnU1MWGlIvxfZ1JP+gB5t8dUfotSCRzRe1/FPd3nvryzihYE5JRQRU6RlqBDs2Y"
    "9VITlTkXiM4tpfSN2FxLKXYgF4I6w4RcSd8DDHLTf0tJYEtXjQDeyH2XYSP565pbSbt199"
    "gZUIHintgVSTGMEZzp+J+DC+Gke6GQCLaHQB4J7GsO2SiqnUffZJpCvrkgGsHgXZZQOseo"
    "YZfhcNOswEtubDBpbPDYPx779wZUPp4053C9Mj82j/TjIAUHKRoLUmz1xqLKWYywSWfn23"
    "PpMob9MoFWhM2dfZ2OoalqtiXyGsux46AWfl3GVn1D3LouKjRLadEWetvOwjO8KAErd1O2"
    "HnBJfjBJmw6nj8M5eCD0D0A13U6l1hJuwFJ6gQCRzh7ki3fBI9TwL6SQ9AaQ4dTM1krn3q"
    "M+EDvRVxxRSessliWItN5i9Q2YPrpHx8LfQLSRpWrFfeZRWu40Z9ke1fGpaagKQbQlk6Yj"
    "pGOWFNLmBXRf5oItLzNgy8skbLnlXKkNlqTmW4zlLQbJdVQS9InTckmzLOntziRaaGH1kU"
    "bNcYbSeE8ZEXDOV4/wWNSmtYWhB9+YrZcEcqMNapFg/chJwXm7g7e0c7XSSJ+0rBQe6FM0"
    "I6U6fCwNGduNieUGwwoF9vDoHVauqnYG1sRrWPuFjDp5Khl10ksZdeI2ryGhIgUQ/OHNgV"
    "GrqwO8xCYLad1ZULcNk3FHcmnDgqTDiSv8h6hrjap+3UBZXUlaikGfpI7b9C75uTfNoeRy"
    "cVh1gMbfG6E/uO0Nz67anVih4HBlhNhih99pcWbphZu2BMcv3HQalOQgJZp4mFL6qdPcMC"
    "XezatpUqfAls63T+A1p4liINYY1q6Rc5FTbTXvbXuXxSbKwcBDGm6xetd+Yga35Ziz5bIc"
    "mru7T+/p0zzS8dW6v/tl0rsRusBePxmSAufoZvz7yHum6K/Iezr+TZhMBuShj4YFz0RhdC"
    "PcBG9ESCoAtvKJOprjcZUnxSN+1IUyPK7i6l89gj8aspdCDad0q1jDKW889//n8v9z7bpp"
    "elYe7RqrJHpxl2SYivskyx5oC0NflfPKxym5DMrKgJ2o2jfJfnwylYuJ0Pny56UMGXccU8"
    "/6Cpjb7MiI+N2WJ59I56zNFdCjF2Sso+cd8zioKWPD+jBTTdvJer7TNVXetFKwTO9teyeW"
    "uQ4G7szImi2hV9BSld0+gC71z0BHEBgkS0pVwMW7NvBEZgInbpzkWC0WwIVNgWol87EqnZ"
    "l3a2erW/ujZKoUv2o+cHRLfDxstGWuIfLFnRsend4Jo5sucGjn6G6M+TLtgqAWSeHu4zmw"
    "oM/pvcfjONAr/ov117JSCKiPKAZD1zTCr4KCmIyHw8Holy7w6Oeo3xti2fQm4p9Cb9IFso"
    "SZrEiGuIGSwQb27PJXXOnIWhYpdZOgO57RetFh+jgKePuEJQBFRdoUYWyU6Hhc/ViXbjjO"
    "OSeW6cuYpDzimSLcTwqeJ2WjGvMENeZvz8jDJdL5Xk8Yn/Fwib5kLslMfQMqqtWimBmxEZ"
    "mmhuyNFeVg8E5z4xbr/hsgAZ8YYFq4cl4D/RWaTsF9F7Fpe+YAtU25SZqUryVVSdodh/kI"
    "HpPPME6aZamk1Xh8YwUeK1MSeNvmQ+sF5MwpoRSEyHiaNzsKQNKR7wiqWOPDEEnzYmSuPu"
    "XYP1efUjcQeRXfQZsVRJbbcgh64Ed+XlOIm8f1gxRUftHVcp1yIoT8+GL5+OLRZ+k7rJ5m"
    "K+8oyqhVE45G923YEm1yYqRcDDwIh/UgnGDRVsDdSWSyhnI4sc2ZqjfbX0L5WbetO1e5bt"
    "Gwx9iQdib46A0W16HRO9FHt/4wkDz4z3HsWkDC/wOWqmnA0gGeD/+/YQF9gZ8+SuYzpMQ2"
    "7DMRtW2PrKneX8Gb9jB5C7QzIMZAeLkBsS1FA+Gw6u153hXpmEa8e1aJhYHzBF2TFE2On9"
    "cHP+fNpSpdse6Gxvx6gQYsEkyZJOT8pZ0IHFDjgBoH1N5cP6e3KwgOqZ0AUjt9K6e6cprx"
    "Xk4+cDaRnO+TCqw579u5UDXDH7obUpM2mMXA7a3kgl+vqrX0kiS64MH9QVzjpYrlbj14b8"
    "CjvXESgchDgpE9+EbOAwVuO9CH7BHUx4YZx1LJ1yqMuHSMLSbhwtZdhLJJ13VlZshKRboh"
    "KuqTWsh4jpMdj7d1SVbhcf7prK6nfcd4nL+ALNXSYJqjLfw6Ux2AsYG72zvKMjRNEk4Pv8"
    "uabaov8L3kPjMg+bvAE1al8OpsA3j+dO54y+RniK9mwyGSDG3jE7hpcJQ2j4f5jMKlG5/h"
    "htduZNQhR2RTQC/zhjcQWa/eFYftQgNrU8Xvsgghj/Bk5+ZKQpMQKWUkHCLj8mVZvgZ80Z"
    "9LKaRRSi5llqXMHQw8YvdtioG7F3jEbg04zHbEbkgEFAwhKqB0CCG6Ko7ZWsEFA7xfQoES"
    "3GZn02b/y5YI3EQx3FMFECZp0hVZGfLMI+Gq5Se+tiy7dNm7gPqIxZFU07Rh4cJ3g+n0nv"
    "T0cKlJtbVRXxgOySOZ/G2aVrLDR56+kBfpfSEvEn0hefBcOuvr6VzJEzy3XYRl5B6j5SgG"
    "yyiGKy1xn3C91Cl4Mfqy4AbHlk6MLYVsmyK4UoiMs5/HDtdREBzcOwm4R06OSoA9f6KGcj"
    "ZyxvKobBaisrPVyRNxnTE1Mi/TU3Xpwth1uGiYLS+hQcFVrj3KL79OoCb5nKUL4Td3lgYt"
    "+L8PC+87BzEV2veP6CxYfzvmkJA+h+qZhOqfVZRSh2E3COrTshxs17oZTPvj+9FM/G183/"
    "8qTLpAUU3ZSWb2Dqs5+jIRBPFuMr6578/wxxoQimtDV2zZmqNkW2Xhj/7wfjr4TRB7/b4w"
    "nXaD6FXRDUYlIOv063Wv/2t3W7q6DMTayVMRopNeEKKTbDeLBfKkG8VSXUI0hxL16XJdPu"
    "Xh8ad0Hn9K8NhLUpF1s0Rqi0/VJEuyQp+N7m6knDzdjm8QOlidQxEbjZ7tqKmrYmlYFFLO"
    "YiqLVV0pw94IGWdtkrUOc0SXU2X1l/gcDBeGbt30/sSai7SZo98FAasVrxA+z9HteDT72g"
    "VOf6k5cttnle2aVXFDsxdJU7GZaOirok69KCV36bHs0nNl5XReKSfmLSmXM8tytuB3WvDR"
    "v6bjUYpvxCeIy1WVLfB/QFPNOiq0GSIlrIhI0z8bz257f8SPzf5wfB0XE5ngOnaIqivpCY"
    "q2Qdlc6fZahIjhO62kwXaZq07iZUadxMtknUSsBMikUYS+WBRT1MJUXE9LLThXjK9RIs5W"
    "aoEHdWWvRLdOZwHWJgk5exkp7MkaTw9Z19N8tovw1hvePLYeoL5ytNBDXg7HyDind3Paxf"
    "rF0ln0NHpuBbFsBXkSK5lTn6Tm0mZZ2tumuIWrp1MouZaV1LI8/6u4NuBC/V7ktkpSHjEN"
    "p3WU+6pqONbnmGSRRgqlmB2QHpHbf+D/e7/95zi8r94n7PPQBT0VaVMkk49OfDwP8U8fan"
    "KgSIa8VF9KZRLFSPnNzPTNzBMF32CiIK+92TSpUza79+2Te/1xUzxZME7aICX82EmCKmab"
    "WiZNMErIJVBVfpTH16Q0Cqc8zNRcofaMSSF3elR0AebJK9keGxUwN3f6WU3ZmzhjIwzG3w"
    "KM7ofDUxU+8hNJKKkRoRyT9NyIl9CgnRWTxwgCGc/hNw6VJQQI/+wVBDpeJOfg4RluHoBq"
    "Oq0PnKGk9YFuW8CEawkvDt0wk1WSK5yXp2kwfNq3QUZbUizUQs5IbzzLqRnMOHJOWWKaoa"
    "4fh+j1ulaxJVCm/nCEsoEWW30tNIphbpazyk0Ot9VHvjRtOP2MDJHwUILdB6XDLgMuIIkg"
    "KnTRJymbx++DdMZ+0VWl1LEVIeQHF8sHF6/bzSJ0xatLN6u69HixoEMs7ot2FsCib4fw2h"
    "NvDtRofO2J6/HofirejTErpl3wqCPbFN08/zm6FW6vhYl4h3eu0AVeNvXaUGVSYaI3Gf4Z"
    "VJcgbc68yhJxcDCX+nSVR3uK39Mh5ekqrjvxbDCeDcaIbXCQbDBNRZQyE+k89sdz9uZiLz"
    "N952p0oNTO9mKi8RwX8OEEbMInepJRuhoQIjm+ItD6x8JGTplD8GirmqUi85x87D9bTVEP"
    "kAXx62KaWYSIDaGQz2uMUMLKuxOHUkg6dGoupsOKaanbNDGlogJ04uMBhnUJz0cQkssdr6"
    "MXiQ7/Xeu6BiVEZzONPMbkR0x/KC5vnxx3uV+Px8PIcr8exICW0T1BEs4unLWPB6kWpPPf"
    "BSBW+Jura40aO3gDZWwvanT+08jjR5FLf+7NUz/rJ0MQN0J/cNsbnl21OzFOhzOCaBwv3L"
    "orTtagqNnKDpO/bElTFxv8kaJXoFSFhe7W1An49Vr59epXHTHXkAb57qxWsqXjOyG5E2wT"
    "mmJQkrMAeymUx9NaLmrCXl6q5FBRL2GnR5FDIUbGzwRaV6knW5OK8zZBx5nLq0PtPhsqrg"
    "7F87jfBoTM87jT91c9M3p5HvdblDpls2+bHiXC0E4UoNYLcMO0ULVeBFrcEbQWAyJ3pwf2"
    "vCCfH0yA7S6gL4CEgDNVF8iaul5DBZy9LiECqgUcrBNYS8l6h4cpYKm/4rGW+3ItqQrQbS"
    "uZKnigz6BE2H0LdWh0g/j+zYPu6hB05y3bcspVjJafwKycwLnuXZMGkGaCQ9yPxTtmM3Ki"
    "Bex3r9+i3A9TceZXlcvB2zTnrkNSsE3zNjNiT8ZukzAaytfwvmYqLaavI6xLWwMLrloUiy"
    "P8OtPakN2BouqP3GlpCH47SuDR+vkFJtCxZtMGujNU0rQNIG2WnMIi0AD2OmlR7DnX7tyc"
    "b621/aip5pLolP/mRgOTRkPjM3V6k9mgPxS6QDIsFbNljn4b3AjjLnhRFajP0bXwdTC6EW"
    "dfBXHaF0YCSeeBS/wlRLysRVPGf0Wp3JzqO7zy3JyTRDg466Robk6EqHleoYMkj/AkqCMx"
    "OnQtJzidDRNFKRsIEtUEFMrlg7NReUHHabm3lWVJc29r+nHaYNSXe1sbJvU0byuv13xqEz"
    "oLKOX1mnPipLnqNZ8K0ls5+atUOG/lp7ZmQXmrFZaHtRHl0PBDVr755hwsHi/xv/j1N3Jw"
    "LHWfwaG7naNvbKJvBKFJ8n+Gn6YjOqwjbpVo4MIfs2wgZ3snD8ejX/zhcXTnb64lN1pfyq"
    "MlL1VFgaiE0COE3P5lRyVOyjhy7eW/yyJkPHKgdNhGSBHJz/wQEWd9VbYIYWoFdsidXmfP"
    "0E5DJLT0coRruKdEBVxtfCBM5DxlyrwTXlKMO/dFO59pB1/yGnbbcO33JJQCOIRO5xYgAV"
    "laSzKezonMlsCrpFrEE5se8l1wDl40leGzu73DGOT+/aP79zVdTqlZk1EWMkTTPKdzJ5fT"
    "uZPhdO7w0pBv0hDjpSEbLmBf8UhKOL1Xa4ikSZZedUUHdLRQjRUsUj4nQsPzeBIsJZaYpp"
    "UDe2O0HPpj+kDioP4bBPV5EARjwCMPgvBXWo2DIH4xdHvdoqBk7ot2PpTsaTuYN/7hGBbH"
    "sI6BYXEt6C1qQbyY2tuwcbi2y7VdtqTQGG3X9cmbSzVd7w0NyakBr6IUlarB31pb/dqr0M"
    "GrczFzZGRpxv+tq6jUVR0h5AoaKzd3HgVNgwurhMRDZFwxY1oxs4npZCNLpeSsZ8s4Rsrl"
    "zLKcHyVU7uyOEHIZsyxjR60qbGGFqZrk3D5yBDmvu8iSebu1MPa0bbdug5oJIa91G978OQ"
    "LJeUXF3LBBjoqKpwENbvF/DCf0c6g/tSiQQXRAOydgsCUSNY9qZ4T5bAmBZCuqBQgrtS4J"
    "EDc2IJgKSE7fsTZ4XerA0vVnUvybxIu/LjfJYPP9p+M+O4ZP+3YGMuEKNimBfEUAA2qWk5"
    "JbXwc3gng3ns66YKkqUCTq4xw5T/vj21th5L/w8vfn6PZ+JnQBsdPm6Lo36gKszM/R/cj5"
    "2Ub4t/gmyhNbfXGVI7T6Iq4IB5HV5FW8IZRkFoteDyhYFlnJ4PWDVEwrZeJz474Whh/3na"
    "fvrOZCs/jaKpMxHqLi3tSy1r53xRbmfpSO878s/08EdXHenxLp4tzvnqhSxZvlfAbE6Fyk"
    "x4TCGBNC7pIKIYUjAoThLwBG98NhK3myHxG5rSlXmQdua8rXop1wjluupqZMLVatJlR+ck"
    "+uhupeNpOxUXOCKTeDs6Ip3gV/pedxKvib68BVSMNnKS9Dyq4y1s7wAPAypEcsQ7rtWFIo"
    "TypKdfxkqdY/FjZyXD3g0VY1S0XmOfm8f7aOLxaeQsVh4Mg4Xh2WO3h4dVimlI2To81vl/"
    "k8sm/XsVY1QMRLxObGM5ktETuBXiQTxezevmvnM72N8PidkXxjBIFPAdbQ8Mq+Oj+SuxCc"
    "yUsJPWH2k5A7A641SYYm/vldMoxvz7moCYc+kMDzDVk76dsZNn3jG/sOB78KXWzzPsM5Go"
    "5/Iz/rL/jnvjAUric9Erwn49PlkXzVORqMpoNfvs6+3A+7ANuu6tPSWthafP/kiuDr5Ing"
    "66RH8HXi0WXc9ExnfT1NT4pdkmzkxnNe3lwowNtlfYZRwptWVO8G5LlG9c81msC1blDdgN"
    "6b3NbIdjSvyPfm7ACeHnL49BCuwKdzv54KfB7fEZ5J18qV34uRcv8RO3YaJUGIpyu8PUuN"
    "c945pojmWAKkiBFyW7kqW9lnLLfsdlt2sUXI45F5PDLTjGU4HnlivlALpDrP2zlhCH9s7u"
    "aZP5jA8U8CiVQacTtg/gysJdw2vASqCUxoYE0aqAg8qMoD0A0FGunNNPeck+og3fYFTfGQ"
    "eiM8weJ1btkOk0i4NEdNmERNAiGV8Z8G1CwjKK3+ePRlMLkVbrpg209sjn7vDWbDwXRGHv"
    "t7gjzv90Z9YTh0Rvstsrj/lHFdqcHwi71WSko9SsmlzorU83jNwzdp/ssxTMWN0dJ4AA9Z"
    "YAkL2KqdexpWwks+s4o1IeS1q8Kbn7vO34TrvAcNVV62KBar96adZbNKwRhmHOZvxe7bsw"
    "VwukX3Ag0ztcwlnbUhEpbtuJKe8M7lZQ5DDI9KtcScd1ENgWyqAhz2hjeQuxe54gwuMuIM"
    "LihxBjqyqHd+et5wiIR3WCyYHpzQvY55mf39/wEO7UIJ"
)
