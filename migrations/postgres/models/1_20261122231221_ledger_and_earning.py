from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "idempotency_record" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "scope" VARCHAR(80) NOT NULL,
    "key" VARCHAR(128) NOT NULL,
    "operation" VARCHAR(40) NOT NULL,
    "request_hash" VARCHAR(64) NOT NULL,
    "result" JSONB,
    "created_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_idempotency_scope_7030bc" UNIQUE ("scope", "key")
);
CREATE INDEX IF NOT EXISTS "idx_idempotency_created_9a043f" ON "idempotency_record" ("created_at");
COMMENT ON TABLE "idempotency_record" IS 'A write already carried out for (caller, key): retries get its result back.';
        CREATE TABLE IF NOT EXISTS "earning_bonus_window" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(80) NOT NULL,
    "starts_at" TIMESTAMPTZ NOT NULL,
    "ends_at" TIMESTAMPTZ NOT NULL,
    "multiplier" DECIMAL(6,2) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "earning_bonus_window" IS 'A promotion: purchases made between `starts_at` and `ends_at` earn `multiplier`x.';
        CREATE TABLE IF NOT EXISTS "earning_currency_rate" (
    "currency" VARCHAR(3) NOT NULL PRIMARY KEY,
    "minor_digits" SMALLINT NOT NULL,
    "points_per_unit" DECIMAL(12,4) NOT NULL,
    "minimum_spend" INT NOT NULL
);
COMMENT ON TABLE "earning_currency_rate" IS 'A currency the program accepts, and what one unit of it earns.';
        CREATE TABLE IF NOT EXISTS "earning_multiplier" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "target" VARCHAR(8) NOT NULL,
    "value" VARCHAR(64) NOT NULL,
    "multiplier" DECIMAL(6,2) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_earning_mul_target_628c7c" UNIQUE ("target", "value")
);
COMMENT ON COLUMN "earning_multiplier"."target" IS 'CATEGORY: category\nSKU: sku';
COMMENT ON TABLE "earning_multiplier" IS 'Extra points on a product category or SKU (2.0 = double).';
        CREATE TABLE IF NOT EXISTS "earning_event_type" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "code" VARCHAR(40) NOT NULL UNIQUE,
    "name" VARCHAR(80) NOT NULL,
    "points" INT NOT NULL,
    "daily_limit" INT,
    "total_limit" INT,
    "active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "earning_event_type" IS 'A custom action integrations may report (a product review, a survey, ...).';
        CREATE TABLE IF NOT EXISTS "member_balance" (
    "available" INT NOT NULL,
    "pending" INT NOT NULL,
    "lifetime" INT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "member_id" BIGINT NOT NULL PRIMARY KEY REFERENCES "member" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "member_balance" IS 'The cached sums of a member''s postings, updated in the same transaction.';
        CREATE TABLE IF NOT EXISTS "points_transaction" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL,
    "points" INT NOT NULL,
    "available_delta" INT NOT NULL,
    "pending_delta" INT NOT NULL,
    "explanation" JSONB NOT NULL,
    "reference" VARCHAR(120),
    "reason" VARCHAR(500),
    "created_at" TIMESTAMPTZ NOT NULL,
    "actor_id" BIGINT REFERENCES "member" ("id") ON DELETE RESTRICT,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_points_tran_member__6084e6" ON "points_transaction" ("member_id", "id");
COMMENT ON COLUMN "points_transaction"."kind" IS 'PURCHASE: purchase\nACTION: action\nBONUS: bonus\nREFERRAL: referral\nRELEASE: release\nREFUND: refund\nREDEMPTION: redemption\nEXPIRY: expiry\nADJUSTMENT: adjustment';
COMMENT ON TABLE "points_transaction" IS 'One movement of points: append-only, its postings sum to zero.';
        CREATE TABLE IF NOT EXISTS "points_lot" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "points" INT NOT NULL,
    "remaining" INT NOT NULL,
    "pending" BOOL NOT NULL,
    "available_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    "transaction_id" BIGINT NOT NULL REFERENCES "points_transaction" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_points_lot_member__510fac" ON "points_lot" ("member_id", "pending", "expires_at");
CREATE INDEX IF NOT EXISTS "idx_points_lot_pending_b3a26d" ON "points_lot" ("pending", "available_at");
COMMENT ON TABLE "points_lot" IS 'Points earned together: they become available, are consumed and expire together.';
        CREATE TABLE IF NOT EXISTS "points_lot_consumption" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "points" INT NOT NULL,
    "lot_id" BIGINT NOT NULL REFERENCES "points_lot" ("id") ON DELETE RESTRICT,
    "transaction_id" BIGINT NOT NULL REFERENCES "points_transaction" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "points_lot_consumption" IS 'How many points of a lot a transaction used (append-only audit of `remaining`).';
        CREATE TABLE IF NOT EXISTS "points_posting" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "account" VARCHAR(16) NOT NULL,
    "amount" INT NOT NULL,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    "transaction_id" BIGINT NOT NULL REFERENCES "points_transaction" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_points_post_member__30dce6" ON "points_posting" ("member_id", "account");
COMMENT ON COLUMN "points_posting"."account" IS 'WALLET: wallet\nPENDING: pending\nISSUANCE: issuance\nREDEEMED: redeemed\nEXPIRED: expired\nREVERSED: reversed\nADJUSTMENT: adjustment';
COMMENT ON TABLE "points_posting" IS 'One leg of a transaction on one account; legs of a transaction sum to zero.';
        CREATE TABLE IF NOT EXISTS "earning_action" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "action" VARCHAR(60) NOT NULL,
    "external_id" VARCHAR(100) NOT NULL,
    "points" INT NOT NULL,
    "occurred_at" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    "transaction_id" BIGINT NOT NULL REFERENCES "points_transaction" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_earning_act_member__41e4c8" UNIQUE ("member_id", "action", "external_id")
);
COMMENT ON TABLE "earning_action" IS 'Points earned for an action, once per (member, action, external id).';
        CREATE TABLE IF NOT EXISTS "earning_policy" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "rounding" VARCHAR(8) NOT NULL,
    "daily_cap" INT,
    "weekly_cap" INT,
    "monthly_cap" INT,
    "hold_days" INT NOT NULL,
    "expiry_mode" VARCHAR(24) NOT NULL,
    "expiry_months" INT NOT NULL,
    "expiry_period" VARCHAR(8) NOT NULL,
    "signup_bonus" INT NOT NULL,
    "birthday_bonus" INT NOT NULL,
    "referrer_points" INT NOT NULL,
    "referee_points" INT NOT NULL,
    "referral_minimum_spend" INT NOT NULL,
    "referral_monthly_cap" INT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "updated_by_id" BIGINT REFERENCES "member" ("id") ON DELETE SET NULL
);
COMMENT ON COLUMN "earning_policy"."rounding" IS 'DOWN: down\nNEAREST: nearest\nUP: up';
COMMENT ON COLUMN "earning_policy"."expiry_mode" IS 'NEVER: never\nMONTHS_AFTER_EARNING: months_after_earning\nEND_OF_PERIOD: end_of_period';
COMMENT ON COLUMN "earning_policy"."expiry_period" IS 'MONTH: month\nQUARTER: quarter\nYEAR: year';
COMMENT ON TABLE "earning_policy" IS 'The program-wide earning settings; a single row (id 1) that staff edit.';
        CREATE TABLE IF NOT EXISTS "purchase" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "source" VARCHAR(40) NOT NULL,
    "external_id" VARCHAR(100) NOT NULL,
    "amount" BIGINT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "occurred_at" TIMESTAMPTZ NOT NULL,
    "store" VARCHAR(100),
    "lines" JSONB NOT NULL,
    "points_earned" INT NOT NULL,
    "refunded_amount" BIGINT NOT NULL,
    "points_clawed_back" INT NOT NULL,
    "lot_id" BIGINT,
    "recorded_by" VARCHAR(40),
    "created_at" TIMESTAMPTZ NOT NULL,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    "transaction_id" BIGINT NOT NULL REFERENCES "points_transaction" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_purchase_source_480dd2" UNIQUE ("source", "external_id")
);
CREATE INDEX IF NOT EXISTS "idx_purchase_member__a8008e" ON "purchase" ("member_id", "occurred_at");
COMMENT ON TABLE "purchase" IS 'A purchase an integration reported; it earns once (unique source + external id).';
        CREATE TABLE IF NOT EXISTS "earning_referral" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "rewarded_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "referrer_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    "referee_id" BIGINT NOT NULL UNIQUE REFERENCES "member" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_earning_ref_referre_6b0bec" ON "earning_referral" ("referrer_id", "rewarded_at");
COMMENT ON TABLE "earning_referral" IS 'Who brought whom; both are rewarded on the referee''s first qualifying purchase.';
        CREATE TABLE IF NOT EXISTS "purchase_refund" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "external_id" VARCHAR(100) NOT NULL,
    "amount" BIGINT NOT NULL,
    "points" INT NOT NULL,
    "occurred_at" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "purchase_id" BIGINT NOT NULL REFERENCES "purchase" ("id") ON DELETE RESTRICT,
    "transaction_id" BIGINT REFERENCES "points_transaction" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_purchase_re_purchas_ee0f79" UNIQUE ("purchase_id", "external_id")
);
        ALTER TABLE "member" ADD "external_ref" VARCHAR(64) UNIQUE;
        ALTER TABLE "member" ADD "card_number" VARCHAR(19) UNIQUE;
        ALTER TABLE "member" ADD "referral_code" VARCHAR(12) UNIQUE;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "uid_member_referra_3d4c01";
        DROP INDEX IF EXISTS "uid_member_card_nu_54801c";
        DROP INDEX IF EXISTS "uid_member_externa_6e809b";
        ALTER TABLE "member" DROP COLUMN "external_ref";
        ALTER TABLE "member" DROP COLUMN "card_number";
        ALTER TABLE "member" DROP COLUMN "referral_code";
        DROP TABLE IF EXISTS "earning_action";
        DROP TABLE IF EXISTS "points_posting";
        DROP TABLE IF EXISTS "earning_currency_rate";
        DROP TABLE IF EXISTS "purchase";
        DROP TABLE IF EXISTS "earning_event_type";
        DROP TABLE IF EXISTS "purchase_refund";
        DROP TABLE IF EXISTS "points_transaction";
        DROP TABLE IF EXISTS "earning_referral";
        DROP TABLE IF EXISTS "earning_multiplier";
        DROP TABLE IF EXISTS "earning_policy";
        DROP TABLE IF EXISTS "idempotency_record";
        DROP TABLE IF EXISTS "points_lot_consumption";
        DROP TABLE IF EXISTS "points_lot";
        DROP TABLE IF EXISTS "earning_bonus_window";
        DROP TABLE IF EXISTS "member_balance";"""


MODELS_STATE = (
    "eJztXXtz4ji2/yoq/tl0XTrVIY/O0PfeKpLQ0+wkkAWyvbudLUexBfjGSIxsh2b3zndfyT"
    "b4JRsbDDGOqqYyja0j2+focc7vPPTv2pRoyDCPrycQY2TcUzRCFGEV1Zrg3zUMp/wfyY3q"
    "oAZnM78Jv2DBZ8OlQtNnRBXVpVJmYbJn06JQtVjDETRMxC5pyFSpPrN0gjn59wmyJogCCN"
    "yOwBxiy2Q/TBOOkQkIZre8zutgrlsTMJ8gDBjRAqgEmwhbSAOEOvc0iubH/MEaUdmTdTze"
    "4TNsrP9uI8UiY6d79qQfPzx28Nteh7V//pP90LGGfiKTt+E/Zy/KSEeGFuK/rnEy57piLW"
    "bOtSt93MHWV6ct/6xnRSWGPcV++9nCmhC8ItCxxa+OEUYUsrdm1yxqc8Zj2zA8oS1l4X6B"
    "38R9ywCNhkbQNrj4OLX7Av61mqJ0e0Nl0B4qSi0m2iVFQBLeJc5SNizYq5oOA8b8FT7+0m"
    "icnn5ufDq9uDw/+/z5/PLTJWvrvG/81uc/3JfxueV25fCs82unO+QvRNjYc0cpv/CHQwMt"
    "6FI5wvC5vxRXTARsPtA2tqeOEDrszaE3uEPCCJBHJMI+NSqRJf/TRLK84MvEn0GbC6V2/z"
    "D41gQz25w84vZdq3PbBGgKdeMRD+4GTWBOzUfc6Sqt+/sm0LHC5302IU7hT8VAeGxN2M+T"
    "ixT5/LXVv/7W6h+dXHwIC6nr3Wk4t7i4fPGQGWOdomPBFCHEQBCL50iQLCKXZ0a3K8Gsru"
    "xguqSN/F7vlvc8Nc3fDXcqROZB9+Huqs1Y73CeNdKt0PQITIflsqdAK87zG8YvS58iMdOj"
    "tBHGax7x8fIfGaTgrUc7nh1FyGDYuWsPhq27+5AgblrDNr/TcK4uIlePojNh1Qn43hl+A/"
    "wn+Eev23a4SUxrTJ0n+u2G/6jxd4K2RRRM5grUgjxZXl5eCkna3dPgHG8g6SitlHSZJW3P"
    "uBw2mdFhygKkvKftLrsOQhHUethYeCPwcMXuvX1ArXcV9LzaZYhsvZJ5CDLem57JVfzRi1"
    "DN9O2DsCi+Eor0Mf4NLWJ6ZoT5npl2t+rowMTwx3KkLa/6iz7bSVZ2UXgAsu9nX41cbeW6"
    "Nbhu3bRrDp+fofoyh1RTQgznd0iDRK6s2sZvTRvT6BWImXWoed/B3zrMeYHp7Mtknb2czT"
    "hugRmiJjNPHZsUMjNVVYmNrSazV2eUjCmceiZtnVunbMiMRq7p+kSZUvwEdBNgYoEnt9FT"
    "3DTeyRMEhrG0gcuyNtVTbGDHEhRbwGL2rwiKsXnfVgQhC7ZxfpbBhGWtEm1Y517EqOJrD7"
    "bFO0AylyNkG/E6qlaXiNUnv2QBC35JBgt+ifIZ/bQQxdBQKBrlGs4Ruqpx+iLLmL5IHtIX"
    "sRHtoL2UcUxlO10eVscIq8brk0aWUd1IHtWNKK9n0DTnhC0FE2hO8vA6RlhmhHLj9fo803"
    "p9nrJen0c5runmzIALxfmdg+FRukLGdqnYffkpA7cvPyUym98K89ogKjRycdmn2N94riFc"
    "2wuDs4zm5LEcG8kcllH+RXAuBoeI9sjjh+H1fphc/H74rFNrosGFGGATszlIkwatHd6akc"
    "JdjoxFeMeoEEWmZcaZ9+dBr5tgAAaJotzTVQv8PzB0c2dwVe2/RzZWOV/As60blo7NY/68"
    "/93VAE5hKWdSCJNcDtSju9bfomP4+rZ3FQUbeQdXUQWPJC3K632iS9o9Lh0+upLHKXrX5l"
    "6xpod0POLWzV2n2wRQm+r4Ed+1+r+1h859SF+QxVsMHu7ve/1hE5j2bEaoFQVW3sZJqpsK"
    "ZIPxVSCxVC9piG6PbtKldn64XlKKNvSohCmlR6UsHhVvSEo/2ruSehY/2sqK5qE+443En9"
    "CF9JqXR+zubI858JI9TbEIskAIpECTvfI6+fpbHxnQ4Wt8BKRFYh7YgpDk7QtNLROZJut3"
    "S3a1bGsycHuqKqOWWoNq6AiLDKU8/Oow02lMnUbXTn8Hu86kM21GeHOFNcAmdGy1LRl373"
    "Q49Pur0nDbpec8OEMF7vPIBE72obP1eqKYgZZrPek9jICpjzHSPuoYaOhVVxH3cY/gVDcW"
    "gIwAW2TZpjEBFnlB2PzCfr+SF8ZBoFsAYc3k0eBTAA0j7kQvuvOC/ecPD52bHN5z29a1Y0"
    "6zGw9uADFxnsT/nL0FXOKY16euZhHUGZxPXxMrLs2+ihkAWcw+A5qWYpsbyT1KKyV/SJJ3"
    "luuN5B6mlIZe2Qw9kZTZODaJINEkLZghSlk9j+9plniG0+R4htNYPANbDqnCFEUsmFXJvA"
    "5T7dG1sB+X5E7iGFxzkc8FNl0Exk9K6FmMsnIcL94JLCPuZcR9mcSwl4j7UEwgN3YV19jd"
    "Dmrpu30NeVcV4vxOUZY4rifAWoTg3xrERfdpPAQyG/jSAg4E95GMPprQQDyR4Lp/B8yFaa"
    "Gpm3ngdgeYeayx/+usHwCxBkyVsPkvTFvYvkeZplDiBb2eBr+4SolICGs1GaEkDj9doXgl"
    "Jm/M61axrmVbtyOBOp+yRLuyVsmhOp9i8a4mYkuTlTuWO0JWQW4XP5TdNT/O5eSoQp9Chh"
    "SG4JsiQgolep48E6qLoZYMPS8Z1nYggs6Fo0q0vMpSXq7Fz4vcQFeMdCOwq2SyLQXW5XN2"
    "n3hXySSRFe6KDcMQ5MXeAnQfbm/fqsrELRnreDihxLIcJscQnHCD+lr0xuDtFStIsBa5+Q"
    "p1A2lOcAsPbYGWhaYzywROjQh2Y8arKroVIxx0hf/2gBfPZRDHbgrqcwv05gUJpkeyyeU1"
    "rxxmcNK4zJSifJmSo3z5YQ1WM2LStqnI+krcHoIk+3ODfNrtvtA4Oft8dnl6cbbaDlZX0n"
    "aBeMrJnH0E26nZ4k03M6KEHVTQlqqSsmUQlevFbEkU1WdZYzxFaKVaXTZJ58g22KXGEfK1"
    "CRSOqC9ujb4RcgNmdBRhQGaQjalwwGwdmBZTXjVAsLEA0AQ6UxcG31ofG+cXX8CTBww8Oe"
    "mZ/CZgKg4fvAK/0Q4eIN1IJbaV0lQTR/S5AfgwVeWUwuLRdwn3JrO+unAv+jnTWW8bSD1M"
    "WUGpH4iUMymmGwL6Ess/EPl6SVZCiDc5ryhMVWR+UXlFuyadKAW0DSSybYnYVjMDth7Bbc"
    "Ojq0yVgTsams6IhbC66COV0LC2n9ionmZL6X5zZlKt2mcIuptT3UIAGlzJWAAVUqpzE8e2"
    "wIhQcKRCw+BlfV/Q4kOT2UNMOMgEzIhxrB82eplwAeeLKPyu0L6FB+k4IRj8Lodf5Rk6B2"
    "FRrWSWOZppSVDBOKbiSyS+pd+iVKwt0HMRPGEI0VU0elYeh4gqyOmzLIP4LHkQn8UGMUXs"
    "M838gY9RugoyexflmflOG2dzcuSjT7FV5OPhmGQyxHG/ikq1IK+SuG5uiXXN+GxPl/IQRI"
    "uEWqSaHF7BHINYjjEWpFlrdnwjc8Bec+Em6Ji8+AkErCf2N1CAB3AACByxV0BY++h6XWxN"
    "t3jzJ8pPlcBsED19iJseO+hfOnAO1Nxwh0BcAons9wmqlF5bWGgJn/B5R7RPUyWW7mVgBz"
    "yR/sqVWwBxWimIosJp2eAuAJV1y8XdkkMUQ1ZM1l8GQnhsn+lU/c71sJY03AtjbzWr8UXZ"
    "HJ/sCex+GzXUjRi/ggZMOFs+3CBVCfWKETwH2q5VPocTBFSoTnh4sT31lEO3oz+ZgKv7TA"
    "hmHXhlmIHunPEOTPaSQe0xrnUW2fEW6mZ5CotI7bMGX6Hu8ie7AhqikbHNUT2IW2v8eTk0"
    "ep9CsjOmz+ujFUqUkZ9BEsnQKENl4f9kVh8mricIglnV59kY11tfe6qH0ZCwP0Vn4pVrn8"
    "6q1SbXnUpQaLdSUn1zTKCghmy1LAhpNsXU7RYgSDHTDpeqX5MriQvwjFTC9MSVblAHkDJ1"
    "00FeWWueA+fGRK4I4wrqLh6wXlH9EVEt/c04EMTJaH4Eb61ew7kpodVSKrcSWi1Wc1j5HH"
    "KwNEQjuZrHXkg97SzZZtjlWWerKwd72Flo4c6p/0ZpK6gBH67GW+rsjcOJJDk4KR9WlIo0"
    "Z9eLPUtmVnlA5LeWsfT1vjdBpPh6ZZnwIuEa6e59B+7euCgSEbWIvNYia5Exk+2Atyl5RV"
    "NeJ4qMvPDAJgiEANad5KOls5Y7coFFwL8QJeIj3bbrLjd6xv5KNKycaNgL+/g4/3muQhvb"
    "09jCFc7C8WjLnK9Qu3/gIe+DdhPMbKpOoIkecet62Ol12ZB3ZuEjvup1HwZN8EywbT7ifv"
    "tru99v3fLsvhGiFBr82m3b6YSyJcrpg7V66N44bWys8d83baa7Ov3ywvxuZPEjbv/tvtP/"
    "e9OFoRfs2Td/fhgM79rdIXu+9n+2aU290wZypwpdZMkUiqrjgUShi2hOhYRGiwXxfGiIbQ"
    "YWzMFYAaXkcDJMmpu/MTrJXQF32ZplMA1JrN4mJ1pFyGSd+RB8UkQSVujY9OxphgGi6p3i"
    "d9LIdJRFI+Uoi4YgpTP/gYnVPSjxPNNpIecpp4Wcx08LkVBtMverC9Uy1ZvkR2qDVLKy+q"
    "Y4rYTJJTpbJjHsCp11Vot9MrZkq0tWvgZX1dwobBA9cPFCwaqS41jMe7eXCg3jnZ6IuWSX"
    "EJ5ecXItKD0LtM0ESBto7KYKBVPTnf/Q8oiDL7yRGW+1Fp0usO/cULXXv8SrS4pXL+UTE0"
    "E2yDpAXmrU+nvr9rY9bII5rzZnPeL7dvem0/21CTzg6hF3BoOHVve63QS6adr8Y10Mun3X"
    "vnERaDRFmoc/80tu+JKDVP+13R+4rV4RNfm1MqPScCqWeLKVME2Q8UFrqYWhelL9l1Ey71"
    "UQKXaYjOXYeSxHfBWSZu8Ocsj2FiXTcmTehhQnmCDhBqmGCHIbKXkiY8KpYbw8L8SeU7/O"
    "rAUVOSesHbkMrK/uoJ8WohgaQNcEZbiK6lRY+tcf9f53LimVZZiMLM9Vhq0i3QrJW03Vpy"
    "iz3bGhX+gii1voItkrdBFzCgXnRA4uR8gqyOqTTC64kxQX3EncBSfjfoq1sIiq2pRu5NOM"
    "kFbQqXkgTkyZZiR91zLNqDzKmARQSiEI6ciWaUYHxOmSpxld8YyD786p1TUBfBK8Xc8Cnj"
    "gZDMrcp8hwltKMkinhP/0MCRNMoYbAM7LmCGHw5ByobTrnxPKKOk8Ia+4v/lzwNGWi1WeG"
    "jujTT9GJSjt4QsGFzd8LbLKlhZMMiDj/j7E12VBftq+ghV784UiryZHXyAgRVtDGOBCbIp"
    "Mp6a14eUUcIJMCLrWA/T1MIGOk6lNoJNiNIcKolF3KY6+Hasn4pn3duWvdHl3UG5ESTsHz"
    "uWQ6wfuEZGKm6Nvo8Nccr+UnnkJnaMaU+ND9TFq86lEodEmSQY1fEjnV2ZnGPaZwyqMl0c"
    "wy645SPZ9Ay4mhZOPRyfxnf/kjTZHOvm13Wyjoy0fn0SeDNMXolG+rroc0ytMMCuVpoj55"
    "+mGN7j7VMaGKpo91kQ9owHYVIxnTjNDuD01r7Ir1rqV02vh8sTKS+I80+2jANqlbQXKyF1"
    "uNqMLnSM5tX0D9Hvf+k0b9LPPmz4ajPrWnisnDZHOY+TE6WSBeCPa+zQ7rxQ/d+XqwYJuN"
    "N8q014aV6/Ubbfsna7A6oQ8DyDdHzVYtoLKBMSZ0AQgFg98ewFHj+BP4H6ARmz1SEGe0VU"
    "/C4CJm7bOf/PYrNNgA3CqYSEJiW0JivjQ2SVTwqcsMkdWume7/a4/Xt1kO2kfMhmwTmC92"
    "dMRnAs+yYGfJ0Fl0P3DnQQ49ckVQZq5vGqVV+BnMEtKQkIaENKoHaXi61D0xdHWRomx5DT"
    "IpWjO/babD7jzM4eNc1xDwOgEmspwU4y9MWzLZPwwEKJmDI10DJx+AxREJtp+ORgBpuiU+"
    "666gfqUDslzaFiV2woEJ2fStIP3+9n7GuDmu5dS5bnrfu03AKR9xt93iMQyM62woI9N6xA"
    "/3TWDPSqB7aVA3FooKZzlGe4imQgVeCossniP0kpurYSLJVkFKLMHWJDdfI1SSsXHGTghr"
    "pMFFnuSCEI0E4gRFGXW6ULiqtelmF+lij/udM2VMBY4sRBXk5wXm2f+6vH4B3/FeEX3Ed7"
    "3u8NtAaX0dtvsK2w27TpkE0XMecbt7o/S+KvftfqfHKyJgpiePOMKuE22THbORxaJuJFvU"
    "jZhFvZIMf/0ccyZGt795c7JjT0zRE8cX9xZTx+9kj5NnwQZy3sniTA9vPjzivzy0+kM+eX"
    "63IbX49Pk7mzJNsOr5bVVGUx9je+ZGseYY/FEyuWdEh/6zTq0J21JzszZOKJkbPwCRV4ln"
    "+0zuNEoBpWSvkL0IbcjdEKFkrnjsQkPZ1HOe3IFkdjKzNzI3k8j3x+jzA2G0PMw+mdWH6T"
    "ARRFh7bx+X+vMid1pojLRCWM7bJoX6nI1LRBbijWQrxoZhKFmRvQXoPtzevlWyYvsVYWvo"
    "SiTuEVzdrGfxBiLe3BVvPWt8s2mRqVduCTAeojF1SgnzVMIFoGhGqAWO/Cgqil51NK9zj5"
    "5NX9GiDo6PjwVxWMV2Lf2C5fILqokwaULERKGYaImCyM+ypCWeJaclxsNSZM7nDnM+ZUmm"
    "Yk0C17Ns6FNRHP4af/SKqkJaYWGMtYjFTNK8jI1QScYKDg9k6sirYIG9IsRAEIv56hNFWP"
    "rMqHa1DCw3tf1GUl71erchy/SqEzFOug93V+3+0Ukk0DLOahlgmTyqDxMvKHmA5b1XBqUm"
    "OrZjea+eem5HsFWWKi9ee17MNmDheMYN0r6s0jfdGrdH7gAEJmGECPzXmqK5u3iAMMfFbc"
    "5vp5XNjRzqESyqKA/2KGdJXV+wWe0Jn6KCFkXx5posqbvPkrpJh5aknm5YyXNL9lwdshzV"
    "A96a9cXXD5DVjbc1WMqkHwv8aa6CHK47Rmi+HXlJUL2jj3eySRg6RgKML/lk9RWBPFM9NI"
    "mKOFPdq7fhnvuRG3gN0FVp8y4y9sVmX8JW/g0UIwFxZaKL9qweeaNVNeCcO5qh+pJ/qEeI"
    "KyOKwga7QazcISg+TYXA8D0PbopUQrWEaJNktSVCVj3lpXgwQSLmyayvFmIuD74ozfImD7"
    "4oZ4yjPPgia4CjPPhCHnzhiKLv5TLUBA7Q1b16lkhSGmy91hH6fULAMyX2eGKB+YRMv4Bn"
    "Yk0ApAhQxD8LabwWHy9666UP/ckEI52aFk+ZNPTRgpeLWfo6437QHfS/PqL0h59I5op6+S"
    "jp73zrzTulYE1ARjlV6AhpATp0yayXA1GZM4Ho0lJKnojVtZQiC3IuqDNIKJX0LcAgN/13"
    "Iwms6IoRwDvZ71JspOW4llbSet09sgYUoLjHZkVcDD2MhoT92bkQ3nQu5BLBahHIIoFtzS"
    "Ebh7Xz8J1UU2hpLijUb7zOEkrmmDDsMhhumhZ4KY2NUhobMvZPxv69A5VPJs05XC/Mjy0j"
    "/SRIIUGKyoIUK70xr3IWIazS2vn+XLolw35LgVYEzZ1tnY6Brg5sSmQ1liPLwUH4dUs26i"
    "vi1m0hqquTmgDH8O7U03AM6LcpFL6QBXjesADPK6KmcJqnHMLlk1QQcmicn2eAHFir5LLh"
    "/F4EcpgJKkkmc9hrXkHu7gTQYU+0kAjRSc7UCZDsP1fnbazewrJy3rRIwx//AVdsVGE="
)
