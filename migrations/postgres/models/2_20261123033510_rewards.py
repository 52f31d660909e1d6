from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "checkout_rate" (
    "currency" VARCHAR(3) NOT NULL PRIMARY KEY,
    "points_per_unit" INT NOT NULL,
    "minor_digits" INT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "checkout_rate" IS 'Paying at the till with points: `points_per_unit` points buy one unit of `currency`.';
        CREATE TABLE IF NOT EXISTS "checkout_payment" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "client" VARCHAR(64) NOT NULL,
    "external_id" VARCHAR(100) NOT NULL,
    "basket_amount" INT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "points" INT NOT NULL,
    "amount_covered" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    "transaction_id" BIGINT NOT NULL REFERENCES "points_transaction" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_checkout_pa_client_f1bb27" UNIQUE ("client", "external_id")
);
COMMENT ON TABLE "checkout_payment" IS 'Points a member spent at a till to pay part of a basket.';
        CREATE TABLE IF NOT EXISTS "reward" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(20) NOT NULL,
    "category" VARCHAR(40) NOT NULL,
    "points_cost" INT NOT NULL,
    "stock" INT,
    "per_member_limit" INT,
    "period_limit" INT,
    "limit_period" VARCHAR(8),
    "valid_from" TIMESTAMPTZ,
    "valid_until" TIMESTAMPTZ,
    "texts" JSONB NOT NULL,
    "image_url" VARCHAR(500),
    "percent_off" INT,
    "amount_off" INT,
    "minimum_basket" INT,
    "currency" VARCHAR(3),
    "sku" VARCHAR(64),
    "entitlement" VARCHAR(64),
    "access_starts_at" TIMESTAMPTZ,
    "access_ends_at" TIMESTAMPTZ,
    "cashback_amount" INT,
    "voucher_prefix" VARCHAR(8) NOT NULL,
    "voucher_pattern" VARCHAR(40) NOT NULL,
    "voucher_valid_days" INT NOT NULL,
    "archived_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "created_by_id" BIGINT REFERENCES "member" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_reward_categor_b984c6" ON "reward" ("category");
COMMENT ON COLUMN "reward"."kind" IS 'DISCOUNT_VOUCHER: discount_voucher\nFREE_PRODUCT: free_product\nUPGRADE: upgrade\nEXCLUSIVE_ACCESS: exclusive_access\nCASHBACK: cashback';
COMMENT ON COLUMN "reward"."limit_period" IS 'DAY: day\nWEEK: week\nMONTH: month\nYEAR: year';
        CREATE TABLE IF NOT EXISTS "redemption" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "quantity" INT NOT NULL,
    "points" INT NOT NULL,
    "status" VARCHAR(12) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "cancelled_at" TIMESTAMPTZ,
    "cancel_transaction_id" BIGINT REFERENCES "points_transaction" ("id") ON DELETE RESTRICT,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    "reward_id" BIGINT NOT NULL REFERENCES "reward" ("id") ON DELETE RESTRICT,
    "transaction_id" BIGINT NOT NULL REFERENCES "points_transaction" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_redemption_member__f938e2" ON "redemption" ("member_id", "reward_id", "created_at");
COMMENT ON COLUMN "redemption"."status" IS 'ISSUED: issued\nCANCELLED: cancelled';
        CREATE TABLE IF NOT EXISTS "cashback_credit" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "amount" INT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "paid_at" TIMESTAMPTZ,
    "paid_by" VARCHAR(64),
    "payment_reference" VARCHAR(100),
    "voided_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    "redemption_id" BIGINT NOT NULL REFERENCES "redemption" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "cashback_credit" IS 'Money a cashback redemption owes the member, until an integration reports it paid.';
        CREATE TABLE IF NOT EXISTS "entitlement" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(64) NOT NULL,
    "starts_at" TIMESTAMPTZ,
    "ends_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    "redemption_id" BIGINT NOT NULL REFERENCES "redemption" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_entitlement_member__0b184d" ON "entitlement" ("member_id", "key");
COMMENT ON TABLE "entitlement" IS 'Access an exclusive-access reward granted, e.g. a ticket or an early-access window.';
        CREATE TABLE IF NOT EXISTS "voucher" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "code" VARCHAR(64) NOT NULL,
    "key" VARCHAR(64) NOT NULL UNIQUE,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ,
    "used_by" VARCHAR(64),
    "used_reference" VARCHAR(100),
    "voided_at" TIMESTAMPTZ,
    "redemption_id" BIGINT NOT NULL REFERENCES "redemption" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "voucher" IS 'One code a till can consume once. `key` is the code without separators.';
        COMMENT ON COLUMN "points_transaction"."kind" IS 'PURCHASE: purchase\nACTION: action\nBONUS: bonus\nREFERRAL: referral\nRELEASE: release\nREFUND: refund\nREDEMPTION: redemption\nCANCELLATION: cancellation\nEXPIRY: expiry\nADJUSTMENT: adjustment';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        COMMENT ON COLUMN "points_transaction"."kind" IS 'PURCHASE: purchase\nACTION: action\nBONUS: bonus\nREFERRAL: referral\nRELEASE: release\nREFUND: refund\nREDEMPTION: redemption\nEXPIRY: expiry\nADJUSTMENT: adjustment';
        DROP TABLE IF EXISTS "checkout_payment";
        DROP TABLE IF EXISTS "checkout_rate";
        DROP TABLE IF EXISTS "cashback_credit";
        DROP TABLE IF EXISTS "voucher";
        DROP TABLE IF EXISTS "redemption";
        DROP TABLE IF EXISTS "entitlement";
        DROP TABLE IF EXISTS "reward";"""


MODELS_STATE = (
    "eJztXXtz4ji2/yoq/tl0XTrVoZNMD33vrSKEns4MgVwg0zM72XIUW4A3RmJkOzS7O9/9Sn"
    "7glww2GGIcTfXQja0jm3P0OOd3Hvp3bUY0ZJin7SnEGBl3FI0RRVhFtSb4dw3DGf9HeqM6"
    "qMH5PGjCL1jwyXCp0OwJUUV1qZR5lOzJtChULdZwDA0TsUsaMlWqzy2dYE7+bYqsKaIAAr"
    "cjsIDYMtkX04QTZAKC2S2v8zpY6NYULKYIA0a0BCrBJsIW0gChzj2NosUpf7BGVPZkHU/2"
    "+Awb63/aSLHIxOmePemPPzx28Nteh7V//IN90bGGviOTt+Ff58/KWEeGFuG/rnEy57piLe"
    "fOtSt9coOtL05b/rOeFJUY9gwH7edLa0rwikDHFr86QRhRyN6aXbOozRmPbcPwhObLwv0F"
    "QRP3LUM0GhpD2+Di49TuCwTXaorS64+UYWekKLWEaH2KkCS8S5ylbFiwVzUdBkz4K7z/sd"
    "H4+PGHxoePl58uzn/44eLTh0+srfO+yVs//OW+TMAttyuHZzc/3fRG/IUIG3vuKOUX/nJo"
    "oAVdKkcYAfd9cSVEwOYD7WB75gjhhr059AZ3RBgh8phE2E+NS8Tn/zqR+BcCmQQzaHuh1O"
    "7uh1+bYG6b0wfcuW3ddJsAzaBuPODh7bAJzJn5gG96Suvurgl0rPB5n02IM/hdMRCeWFP2"
    "9exyjXx+bQ3aX1uDk7PLd1Eh9bw7DecWF1cgHjJnrFN0LJgihBgIYvEcCZPF5PLE6PYlmN"
    "WVPUyXdSO/3+/ynmem+afhToXYPOjd3151GOsdzrNGuhWZHqHp4C97CrSSPL9m/LL0GRIz"
    "PU4bY7zmEZ/6/8ggBW892vPsKEIGo5vbznDUur2LCOK6NerwOw3n6jJ29SQ+E1adgG83o6"
    "+AfwV/7/c6DjeJaU2o88Sg3ejvNf5O0LaIgslCgVqYJ/5l/1JE0u6eBhd4C0nHaaWkyyxp"
    "e87lsM2MjlIWIOUDbXfZdRCKoNbHxtIbgccrdu/tQ2q9q6Dn1S4jZJuVzGOQ8cH0TK7ij5"
    "+FamZgH0RF8YVQpE/wL2iZ0DNjzPfMtNtVR0cmhr/8keZfDRZ9tpOs7KLoAGS/n/1q5Gor"
    "7daw3bru1Bw+P0H1eQGppkQYzu+QBoldWbVN3po1ZvErEDPrUPN+B3/rKOcFpnMgk032cj"
    "bjuAXmiJrMPHVsUsjMVFUlNraazF6dUzKhcOaZtHVunbIhMx67pusjZUrxI9BNgIkFHt1G"
    "j0nTeC9PEBjG0gYuy9pUX2MDO5ag2AIWs39FUIzN+7oiiFiwjYvzDCYsa5Vqwzr3YkYVX3"
    "uwLd4B0rkcI9uK13G1ukSsPvsxC1jwYzpY8GOcz+i7hSiGhkLRONdwjtFVjdOXWcb0ZfqQ"
    "vkyMaAftpYxjKtvp8rA6QVg1Xp81sozqRvqobsR5PYemuSBsKZhCc5qH1wnCMiOUW6/XF5"
    "nW64s16/VFnOOabs4NuFSc7zkYHqcrZGyXit2fPmTg9qcPqczmt6K8NogKjVxcDigON55r"
    "CNcOwuAsozl9LCdGModllH8RnIvBEaID8vh+1D4Mk4vfD590ak01uBQDbGI2h2nWQWvHt2"
    "as4S5HxmK8Y1SIItMyk8z7edjvpRiAYaI493TVAv8Bhm7uDa6q/ffYxirnC3iydcPSsXnK"
    "n/e/+xrAa1jKmRTBJP2BenLb+i0+htvd/lUcbOQdXMUVPJK2KG/2ifq0B1w6AnQlj1P0ts"
    "O9Yk0P6XjArevbm14TQG2m4wd82xr80hk59yF9RhZvMby/u+sPRk1g2vM5oVYcWHkdJ6lu"
    "KpANxheBxNZ6SSN0B3ST+tr58XpJKdrSoxKllB6VsnhUvCEp/WhvSupZ/GgrK5qH+ky2En"
    "9KF9JrXh6xu7M94cBL9zQlIshCIZACTfbK6+TLLwNkQIevyRGwLhLzyBaENG9fZGqZyDRZ"
    "vzuyq2Vb06HbU1UZ5WsNqqEjLDKU8vDrhplOE+o0ajv9He06s55pc8KbK6wBNqFjq+3IuD"
    "unw1HQX5WG2z495+EZKnCfxyZwug+drddTxQy13OhJ72METH2CkfZex0BDL7qKuI97DGe6"
    "sQRkDNgiyzaNKbDIM8LmZ/b9hTwzDgLdAghrJo8GnwFoGEknetGdF+w/v7+/uc7hPbdtXT"
    "vlNPvx4IYQE+dJ/OP8NeASx7z+6GoWYZ3B+ekbYsWl2VcxAyCL2WdA01Jscyu5x2ml5I9J"
    "8s5yvZXco5TS0CuboSeSMhvHJhEkmqwLZohTVs/j+zFLPMPH9HiGj4l4BrYcUoUpilgwq9"
    "J5HaU6oGvhMC7JvcQxuOYinwtsugiMnzWhZwnKynG8eCewjLiXEfdlEsNBIu4jMYHc2FVc"
    "Y3c3qGXg9jXiXVWI83tFWZK4ngBrEYJ/GxAXPaDxEMhs4EsLOBDcezJ+b0ID8USC9uAWmE"
    "vTQjM388DtDjDzWGN/66wfALEGTJWw+S9MW9i9R5mmUOIFvb4OfnGVEpEQNmoyQkkcf7pC"
    "8UpM3pjXnWJdy7ZuxwJ1PmSJdmWt0kN1PiTiXU3EliYrdyx3jKyC3C5+KLtrfpLL6VGFAY"
    "UMKYzAN0WEFEr0PH0mVBdDLRl6XjKs7UgEnQtHlWh5laXsr8VPy9xAV4J0K7CrZLItBdYV"
    "cPaQeFfJJJEV7koMwwjkxd4C9O673deqMtElEx2PppRYlsPkBIITbVDfiN4YvL1ihQk2Ij"
    "dfoG4gzQlu4aEt0LLQbG6ZwKkRwW7MeVVFt2KEg67w7x7w4rkMkthNQX3ugN48I8H0SDe5"
    "vOaVwwzOGp8ypSh/WpOj/OndBqxmzKRtU5H1lbo9hEkO5wb5sN99oXF2/sP5p4+X56vtYH"
    "Vl3S6QTDlZsB/Bdmq2eNPtjChhBxW0paqkbBlE5XoxWxJF9Vk2GE8xWqlWl03SObIN9qlx"
    "RHxtAoUj7ovboG9E3IAZHUUYkDlkYyoaMFsHpsWUVw0QbCwBNIHO1IXh19b7xsXlZ/DoAQ"
    "OPTnomvwmYisMHr8BvtIcHSDdSiW2ldaqJI/rcAHyUqnJKYfHou4R701lfXbgXfZ/rrLct"
    "pB6lrKDUj0TKmRTTLQF9ieUfiXy9JCshxJueVxSlKjK/qLyi3ZBOtAa0DSWy7YjYVjMDth"
    "7DbaOjq0yVgW80NJsTC2F1OUAqoVFtP7VRfZ0tpQfNmUm1ap8h6G5BdQsBaHAlYwlUSKnO"
    "TRzbAmNCwYkKDYOX9X1Gy3dNZg8x4SATMCPGsX7Y6GXCBZwvovC7QvsWHqTjhGDwuxx+lW"
    "foHIVFtZJZ5mgmn6CCcUzFl0h8Tb9FqVhboOcifMIQoqto9Kw8jhBVkNPnWQbxefogPk8M"
    "YorYzzTzBz7G6SrI7H2UZ+Y7bZLN6ZGPAcVOkY/HY5LJEMfDKirVgrxK4rrpEqvN+GzPfH"
    "kIokUiLdaaHF7BHINYjjEWptlodnwlC8Bec+km6Ji8+AkErCf2GSrAAzgABE7YKyCsvXe9"
    "LramW7z5I+WnSmA2iB7fJU2PPfQvHThHam64QyApgVT2BwRVSq8tLLSET/i8IzqgqRJLDz"
    "KwQ57IYOXKLYAkrRREUeG0bHAXgMq65eK65BjFkBWTDZaBCB47YDrV4KY9qqUN98LYW81q"
    "fHE2Jyd7CrtfRw11I8avoAFTzpaPNlirhHrFCJ5CbTcqn6MpAipUpzy82J55yqHb0d9MwN"
    "V9JgSzDrwyzEB3zngHJnvJsPaY1DqL7HgHdbM8hUWk9lmDL1B3+ZNdAY3QyNjmuB7ErTX+"
    "vBwafUAh2ZnQ5/XxCiXKyM8wiWRonKGy8H86q48T1xMEwazq82yN622uPdXHaETYR9GZeO"
    "Xap7Nqtel1p1IU2p2U1MAcEyioEVstC0KaTTF1uwUIUsy0Q1/1a3IlcQmekEqYnrjSDeoA"
    "UqZuOsgra81z4NyYyBVhUkHdxwM2K6p/xFTLYDMOBXEymj/Ct1av4dyU0GoplVsJrRarOa"
    "x8DjlYGqGRXM1jL6w97SzdZtjnWWerK0d72Flk4c6p/8ZpK6gBH6/GW+rsjeOJJDk6KR9X"
    "lIo0ZzeLPUtmVnlA5NeWsfT1vjVBrPH1yjLhRcI10t37Bty9SVGkImoxeW1E1mJjJtsBbz"
    "Pygma8ThQZe+GBTRAKAaw7yUe+s5Y7coFFwL8QJeIj3XbrLjd6xj4lGlZONOyZ/fgk/3mu"
    "Qgfbs8TCFc3C8WjLnK9Qu7vnIe/DThPMbapOoYkecKs9uun32JB3ZuEDvur37odN8ESwbT"
    "7gQedLZzBodXl23xhRCg1+rdtxOqFsiXL6YK3ue9dOGxtr/Pt1h+muTr+8ML8bWfyA261e"
    "u9Ptttw7Kmek4R4N8YA7v93dDH5vuhD1kr3X9c/3w9Ftpzdi76b90zatmXcSQe40osssWU"
    "RxVT2URHQZz7eQsGmxAF8AG7GNwoI5GCuglBxOh1Bz8zdBJ7kr4C5bswymPYlV3/QkrBiZ"
    "rEEfgVaKSNCKHKmePQUxRFS9E/7OGpmOuWisOeaiIUj3zH+YYnUPUbzIdJLIxZqTRC6SJ4"
    "lIGDed+9WFcZlaTvKjuGEqWXV9WwxXQugSuS2TGPaF3DqrxSEZW7LVJStfw6tqboQ2jB64"
    "WKJgVclxZOad20uFhvFeT8v02SWErlec3AhYz0NtM4HVBpq4aUThtHXnD/KPP/jMG5nJVh"
    "uR6wL7zg1je/1LLLukWLYvn4QIssHZIfJSI9rfWt1uZ9QEC16JznrAd53e9U3vpybwgKsH"
    "fDMc3nPYuQl007T5j3Xx6c5t59pFp9EMaR7+zC+5oU0Oiv1rZzB0W70gavJrZUal4Uws8X"
    "QrYZYi46PWUgtD9aT6LyNo3qog1thhMs5j73EeyVVImr17yC87WARNy5F5B1KcYoJEG6w1"
    "RJDbSMkTNRNNG+OleyH2HP51Zi2oyDl97cRlYH11B323EMXQALomKNFVVKfCssDBqA9+p0"
    "+p+CE0snRXGbaK9VZI3kqrAUWZ7Y4t/UKXWdxCl+leocuEUyg8J3JwOUZWQVafZXLBna1x"
    "wZ0lXXAy7qdYC4uoqk3pVj7NGGkFnZpH4sSUKUjSdy1TkMqjjEkApRSCkI5smYJ0RJwueQ"
    "rSFc9G+OacaF0TwCfh2/Us4ImT3aAsAooM5yzNKZkR/jXInjDBDGoIPCFrgRAGj85h26Zz"
    "hiyvtvOIsOZ+488FjzMmWn1u6Ig+fhedtrSHJxRc9PytwCY7WjjpgIjzd4Kt6Ya6376CFn"
    "rxByetJkdeIyNCWEEb40hsikympLfi5RVxiEwKuNQCDvYwgYyRqs+gkWI3RgjjUnYpT70e"
    "qiXj60775rbVPbmsN2LlncJnd8l0grcJySRM0dfR4dscr+WnoUJnaCaU+Mj9TFq86lEo1C"
    "fJoMb7RE7ldqZxTyic8WhJNLfMuqNUL6bQcmIo2Xh0qgKwT/5IU6Sz79rdDgq6/+g8+mSY"
    "phid8nXV9YhG+TGDQvkxVZ/8+G6D7j7TMaGKpk90kQ9oyHYVIx3TjNEeDk1r7Iv1rqX0sf"
    "HD5cpI4l/W2UdDtkl1BcnJXmw1ogqfIzm3fQH1W9z7zxr188ybPxuO+syeKSYPk81h5ifo"
    "ZPF4Idj7OjusFz90G+jBgm022SjTXhtVrjdvtJ3vrMHq9D4MIN8cNVu1gMoGxoTQJSAUDH"
    "+5ByeN0w/gf4BGbPZIQZzRTj0Jg4uYtc++8tsv0GADcKdgIgmJ7QiJBdLYJlEhoC4zRFZr"
    "M93/pz6vb+MP2gfMhmwTmM92fMRnAs+yYGfp0Fl8P3DnQQ49ckVQZq5vG6VV+PnMEtKQkI"
    "aENKoHaXi61B0xdHW5RtnyGmRStOZB20wH4XmYw/uFriHgdQJMZDkpxp+ZtmSyfxgIULIA"
    "J7oGzt4BiyMSbD8djwHSdEt8Dl5B/UoHZLm0LUrslMMUsulbYfrD7f2McQtcy6lzXfe/9Z"
    "qAUz7gXqfFYxgY19lQRqb1gO/vmsCel0D30qBuLBUVznOM9ghNhQq8FBZZvEDoOTdXo0SS"
    "rYKUWIKtaW6+xqgkY5OMnRLWSIPLPMkFERoJxAmKMup0qXBVa9vNLtbFAfc7Z8qYChxbiC"
    "ooyAvMs//1eP0CvuO9IPqAb/u90deh0voy6gwUthv2nDIJouc84E7vWul/Ue46g5s+r4iA"
    "mZ485gi7TrRtdsxGFou6kW5RNxIW9Uoy/PVzzJkE3eHmzdmePTFFT5xA3DtMnaCTA06eJR"
    "vIeSeLMz28+fCA/+++NRjxyfOnDanFp8/vbMo0warn11UZTX2C7bkbxZpj8MfJ5J4RH/pP"
    "OrWmbEvNzdokoWRu8nBEXkGe7TO50ygFlJK9QvYitCV3I4SSueKxCw1lW895egeS2enM3s"
    "rcTCM/HKMvjoTR8qD7dFYfp8NEEGHtvX1S6k/L3GmhCdIKYTmvmxQacDYpEVmIN5atmBiG"
    "kWRF9hagd9/tvlayYucFYWvkSiTpEVzdrGfxBiLe3BVvPWt8s2mRmVduCTAeogl1SgnzVM"
    "IloGhOqAVOgigqil50tKhzj55NX9CyDk5PTwVxWMV2Lf2C5fILqqkwaUrERKGYaImCyM+z"
    "pCWep6clJsNSZM7nHnM+ZUmmYk0C17Ns6DNRHP4Gf/SKqkJaYWGMtYjFTNK8jI1RScYKDg"
    "9k6siLYIG9IsRAEIv5GhDFWPrEqPa1DPib2mEjKa/6/W7EMr26iRknvfvbq87g5CwWaJlk"
    "tQywTB/Vx4kXlDzA8s4rg1ITHdvh36uvPbcj3CpLlRevPS9mG7JwPOMGaZ9X6ZtujdsTdw"
    "ACkzBCBP5rQ9HcfTxAmOPiNue315XNjR3qES6qKA/2KGdJ3UCwWe2JgKKCFkXx5posqXvI"
    "krpph5asPd2wkueWHLg6ZDmqB7w264uvHyCrG+9qsJRJPxb401wFOVp3jNB8O7JPUL2jj/"
    "eySRg6RgKML/1k9RWBPFM9MomKOFPdq7fhnvuRG3gN0VVp8y4y9sVmv4St/FsoRgLiykQX"
    "HVg98karasAFdzRD9Tn/UI8RV0YUhQ12g1i5Q1ACmgqB4Qce3BSphGop0SbpakuMrHrKS/"
    "FggkTM01lfLcRcHnxRmuVNHnxRzhhHefBF1gBHefCFPPjCEcXAy2WoCRygq3v1LJGkNNx6"
    "oyP025SAJ0rsydQCiymZfQZPxJoCSBGgiP8spPFafLzorZc+9DcTjHVqWjxl0tDHS14uxv"
    "d1Jv2ge+h/c0TpH0EimStq/1HS3/nam/eagjUhGeVUoWOkBejQJbNejkRlzgSiS0spfSJW"
    "11KKLci5oM4woVTSdwCD3PTfrSSwoitGAG9kv1tjI/njWlpJm3X32BpQgOKemBVJMfQxGh"
    "H2sXchvOpcyCWC1SKQRQK7mkM2jmrn0TtrTSHfXFBo0HiTJZTOMWHYZTjcdF3gpTQ2Smls"
    "yNg/Gfv3BlQ+mTTncL0wP7aM9JMghQQpKgtSrPTGvMpZjLBKa+fbc+mWDPstBVoRNnd2dT"
    "qGujqyKZHVWI4tB0fh1y3ZqK+IW7cNzSnvqU35QRk1AZ4Ra1Ffh2uoXltFDRpv9PDeEoyW"
    "AAKfGDBaNHNuA7JApuN7deMQ6oCZXLohzlg1eb7qHOpa0sm7n0cUXDlIgiuHAlfSzP03Zu"
    "sXZnXKDL59Z/DxNWcLWy9EJmMOymzOO4LKFwMfIqle/HvxJx/O4XLGKxi6fiKcr3CBkLh6"
    "XN8Ltv5C9O2CpiKEcvkq8/Il0cj0GVZdNFIml7xyuJRvw24RMRUjlWKQqSVlTy0JBm0B3B"
    "1EOqsohxPTvFzQ4xSpz8S27lzluibCHmNN6mvBR6+xMg+13og+ulA0gB78B/hpKBaA7A+w"
    "dMMAFgGsP/Y/tQAZs6tP0HxGgqOKd+lIGMGlGrr3K2T8Vil3gfoaiDEQXmZAbEVRQTiseH"
    "teBsgd0oh316rUUjCpi0qCrkqKpsTPjwc/l3GGhY5Yd0Izfr0gmqv2VpJQ8lfWN8/Fagmo"
    "SUCtqqF9b1cQElKT1VqOiNNlD+vzsLABdN4nFVhz7tczoWrUb7oZUoNOTRRoOWF1Dvi10K"
    "0pcHXqJnj0qlLO2VBlcrcevTvgyV4CghHgFzlG9ugbOY8CuG1PD9khqK8cZlyJTrArxIhL"
    "x9hiEs5t3UUoq7RdF2aGzHRMqKLpEz2X8RwnOxxvG0fCWHnedTqrj9O+E8TJOG+f0GtfRy"
    "HoYEu3DJTmaAvfXqsOoFjDzQdZqSoyTR5Oj76rhm3qL+g9dK+5VbHAhKlSbHTWATqdnDre"
    "MvUZsa2ZOkSQGkufYMGGJFkIzrLazzOy1HGLaNzPaCmrt5XUIcdlk0Mv85pXEFkv3hXH7E"
    "LKtKn8e1mEUEZ4lmfnSkKTCGvbSDhEJuVbZvlS9EKet6xtGaaUUi6zlKWDQUbsvk0xSPeC"
    "jNg9Ag6XO2I3JAJh4cOwgNIhhOioKLbu4Xr73AUDvC+hQAlps5fTZv/ThhxuEhjuqQIIk1"
    "RpiywMeZaRcMXyk21bli3gJ4eWOtieJXa3OALiUR8OaarppmkjX9BZGVy7GQ7vO9dN4FI/"
    "4Har1+50u/ySyn+bYXh95o1XbmQJV26kRys35FFnVXeuZAmeWw3CbeQeo5UoRplRDFdayi"
    "7heqldyIJ824IbElt6ZWwpZNvkwZVCZJL9Mnb4GAUhwb1XAff4ylEIsOd3VFHORtZYGZVd"
    "hqjs9erkK3G9ZGpkVqan6tK5setw0TBbnSIqwFWuPMovvwyQAX3OioXwq9tLhQb8X/uF95"
    "2FWAjt+0v0Olh/1WafkL6E6ksJ1T/rOKUOw2YQ1Kctc7Bd7fpm2O7f90bKr/379tfOoAk0"
    "3VSdZGZvsXrAXwadjnI36F/ft0fssfw4sjklmq1aD/j+7qdB67rTBPZ8QqGGHnDnt3b3fn"
    "jza0dptdud4bAZRK8qbjAqB1mHX69a7V+aq9LV20CsjSwVIRrpBSEaiXoQKhPIhNB8qS4h"
    "mn2J+vVyXc6z8Pg8ncfnCR57SSoqMbdIbfGpqmRJFuizIe5EysjTVfsKoYPFORSZ0ejZjo"
    "Y+y5eGJSCVLBayWCfaNuyNkEnWJlnrMEdxObWt/hLvo8SFoWvXrd+Z5gKXD/hbp8PUigVC"
    "zw/4tt8bfW2CGcHW9AH/3mkx9WaJIN1G2fiUYR/8lLoNfkqUj4aGzsxESmZ5nXpRSunSK7"
    "NLz5WVc/LKdmJekUo5l1nOFvouCj76edjvpfhGfIK4XHXVAv8Bhm4eo0K7RqScFRFp+mvj"
    "yW3rt/iy2e72r+Ji4h1cxRZRfQYnSLGpYHKl22sRohLvaVsabBeZ6iRerKmTeJGsk8iUAJ"
    "UfFEHG43yKWphK6mmpBefy8TVKJNkqLPCgz+yZ4tbpzMHaJKFkb0kKe5aNp/us62k+23l4"
    "6zWvHlv3UF85WughK4djZJLTmzntYv3K1ln0InppBZXZCvIktmVOfZJaSrvM0l4dipu7er"
    "qAUmpZSS3L878qc4rG+vc8u1WS8oBpOLWD7FdFw7E+x6DFD1LYitkB6QG5/Rv77/3q4zC8"
    "L94n7PPQBT01uMyTyScmPpyH+McPR7KgQKpO9ZetMolipHJnLvXOLBMF32CioKy9WTWpCy"
    "a79/bJuf60zJ8sGCetkBL+utk5AWeTEtlfhk7JJJE5zj4+DCPx9ewtQO++232t2jB+rL0g"
    "ejwUhp8ePv4SarSxqGwfI6CyPvyzFVWIAeefPUOAsEFyCh6f0fIR6KZTHd5pyqvDE9sCJp"
    "pDNjgINZOFZAvsV0ayl3hJqoM1Jzcyoeby13jtyxy9Xhqs+zWr8JboYIR9HIc515mytE2J"
    "1ghlBZXa41ViBbaLuZ3hYkpE4njkK9KG09fIEIn0tm5eKB12UTRGPMgi10afpKwev/dyeP"
    "AL0bWtlq0IoVy4yrxwydLGZcRXZAHeahXgbSGqq9OaAGPx7tTXQSwwaFOaDP23Amrs6JtM"
    "hyteEDWF83uNIz4gqSBo0bi4yJLtfnGRnu7O78U8wmxS5eCw17yC3N2LgsieaAnjTNPzgk"
    "IkMjMoZ2ZQQmE45Gb21/8D/y3fPw=="
)
