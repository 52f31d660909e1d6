from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "offer" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL,
    "texts" JSONB NOT NULL,
    "image_url" VARCHAR(500),
    "link" VARCHAR(500),
    "starts_at" TIMESTAMPTZ NOT NULL,
    "ends_at" TIMESTAMPTZ NOT NULL,
    "segment" JSONB NOT NULL,
    "interests" JSONB NOT NULL,
    "early_access_tiers" JSONB NOT NULL,
    "early_access_hours" INT NOT NULL,
    "needs_activation" BOOL NOT NULL,
    "bonus_multiplier" DECIMAL(6,2),
    "bonus_points" INT,
    "qualifying_categories" JSONB NOT NULL,
    "minimum_spend" INT,
    "uses_per_member" INT NOT NULL,
    "sku" VARCHAR(64),
    "member_price" INT,
    "regular_price" INT,
    "currency" VARCHAR(3),
    "archived_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "offer"."kind" IS 'BONUS_POINTS: bonus_points\nMEMBER_PRICE: member_price\nEARLY_ACCESS: early_access';
        CREATE TABLE IF NOT EXISTS "offer_activation" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "activated_at" TIMESTAMPTZ NOT NULL,
    "uses" INT NOT NULL,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    "offer_id" BIGINT NOT NULL REFERENCES "offer" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_offer_activ_member__d67df4" UNIQUE ("member_id", "offer_id")
);
COMMENT ON TABLE "offer_activation" IS 'A member''s use of an offer: clipped (when it needs that) and how often it paid out.';
        CREATE TABLE IF NOT EXISTS "content_item" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(20) NOT NULL,
    "texts" JSONB NOT NULL,
    "video_url" VARCHAR(500),
    "image_url" VARCHAR(500),
    "publish_at" TIMESTAMPTZ NOT NULL,
    "unpublish_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "min_tier_id" BIGINT REFERENCES "tier" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_content_ite_publish_cbdf20" ON "content_item" ("publish_at");
COMMENT ON COLUMN "content_item"."kind" IS 'ARTICLE: article\nVIDEO: video\nBEHIND_THE_SCENES: behind_the_scenes';
COMMENT ON TABLE "content_item" IS 'Exclusive content: members only, optionally from a tier up.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "offer_activation";
        DROP TABLE IF EXISTS "offer";
        DROP TABLE IF EXISTS "content_item";"""


MODELS_STATE = (
    "eJztXXtz4ka2/ypd/BNPXcY1ZmxnQvZuFcaaDBsMvoAzycYpWZYa02vRTfQww+7mu99uPd"
    "CrBZIsQMi9lXUC6tPAOf0453de/2nMiQZ187Q7UzCG+q0Bp9CAWIWNNvhPAytz9h/pg5qg"
    "oSwWwRD2hqU86i4VnD9CQ1ZdKnkRJXs0LUNRLTpwqugmpG9p0FQNtLAQwYz86wxaM2gABb"
    "gTgaWCLZO+ME3lCZqAYPrIm7wJlsiageUMYkCJVkAl2ITYghoghvNMM+DylH2wRlT6yQg/"
    "7fAzbIz+tKFskSdnevpJv//usYM99iZs/PEHfYGwBr9Bk41hLxfP8hRBXYvwH2mMzHlftl"
    "YL570r9NTD1mdnLPtZj7JKdHuOg/GLlTUjeE2AsMXefYIYGgr91vQ9y7AZ47Gt657QfFm4"
    "vyAY4n7LEI0Gp4qtM/ExavcLBO81ZHkwnMhjaSLLjYRofYqQJLy3GEvpsqBf1XQY8MS+wv"
    "sfWq2PH79vffh4+eni/PvvLz59+ETHOt83+ej7v9wvE3DLncrhWe+n3mDCvhCha89dpeyN"
    "vxwaxVJcKkcYAfd9cSVEQPeDIWF77gihR7+54i3uiDBC5DGJ0J8al4jP/00i8d8IZBLsoO"
    "JCadzejb+0wcI2Z/dYuun0+m0A5wrS7/H4ZtwG5ty8x72B3Lm9bQOEZbbvswlxrnyTdYif"
    "rBl9eXa5QT6/dEbdL53Rydnlu6iQBt6TlvOIiSsQD1lQ1skIc7YIITpUMH+PhMlicnmkdL"
    "sSzPqdHWyXTSt/OOyzmeem+afuboXYPhjc3VxJlPUO5+kgZEW2R2g7+MeerFhJnl9Tfllo"
    "DvlMj9PGGK95xKf+f2SQgnce7Xh3lCGDSe9GGk86N7cRQVx3JhJ70nLeXcXePYnvhPUk4G"
    "tv8gWwl+Cfw4HkcJOY1pPhfGIwbvLPBvtOim0RGZOlrGhhnvhv+29FJO3eacoSF5B0nFZI"
    "usqSthdMDkV2dJSyBCnv6brLroMYUNGGWF95K/B4xe59+5Ba7yroebXLCNl2JfMYZLw3PZ"
    "Op+NNnrpoZ2AdRUXwmBkRP+Ge4SuiZMeZ7ZtrNeqIjE8Nf/krz3w0OfXqTrO2i6AKkv5/+"
    "auhqK93OuNu5lhoOnx8V9XmpGJocYTh7Qlok9s56bPLRvDWPv6Ngah1q3u9g3zrKeY7pHM"
    "hkm72czTjugAU0TGqeOjapQs1UVSU2ttrUXl0Y5MlQ5p5J22TWKV0y06lruj4YVCl+AMgE"
    "mFjgwR30kDSNd/IJHMNY2MBVOZuaG2xgxxLkW8B89q8JyrF5DyuCiAXbujjPYMLSUak2rP"
    "MsZlSxswfb/BsgncsxskK8jqvVFWL12Q9ZwIIf0sGCH+J8ht8saGBFlw04zbWcY3R14/Rl"
    "ljV9mb6kLxMr2kF7Dcoxld50eVidIKwbr89aWVZ1K31Vt+K8XiimuST0KJgp5iwPrxOEVU"
    "YoC5/XF5nO64sN5/VFnOMaMhe6spKd1zkYHqcrZW1Xit2fPmTg9qcPqcxmj6K81omq6Lm4"
    "HFDsbz03IG7shcFZVnP6Wk6sZAbLyP8mOBeDI0R75PHdpLsfJpd/Hz4iw5ppyooPsPHZHK"
    "bZBK0d35mxgbsMGYvxjlJBA5qWmWTeP8bDQYoBGCaKcw+pFvgv0JG5M7iq8bepjVXGF/Bo"
    "I91C2Dxln/f3XS3gDSxlTIpgkv5CPbnp/Bpfw93+8CoONrIJruIKHkk7lLf7RH3aPR4dAb"
    "qSxyl6IzGvWNtDOu5x5/qmN2gDRZsjfI9vOqOfpYnzXDGeocVGjO9ub4ejSRuY9mJBDCsO"
    "rBzGSYpMWaGL8YUjsY1e0gjdHt2kvnZ+vF5SAxb0qEQphUelKh4Vb0kKP9qbknoWP9raim"
    "ahPk+FxJ8yhfCaV0fs7m5POPDSPU2JCLJQCCRHk73yJvn88wjqisPX5ArYFIl5ZAdCmrcv"
    "srVMaJp03leyq2Nbs7E7U10Z5WsNqo4g5hlKefjVo6bTk+EM6jrzHe05s5lpC8KGy3QANh"
    "XHVnsl426dCSfBfHVabrv0nId3KMd9HtvA6T50el7PZDM0cqsnfYghMNEThtp7hIEGX5AK"
    "mY97qsyRvgJkCughSy+NGbDIM8Tmj/T1C3mmHATIAhBrJosGnwNF15NO9LInL9l/fnfXu8"
    "7hPbdtpJ0ymt14cEOIifNJ7M/5IeASx7z+6GoWYZ3B+elbYsWF2VczAyCL2acrpiXbZiG5"
    "x2mF5I9J8s5xXUjuUUph6FXN0ONJma5jk3ASTTYFM8Qp6+fx/ZglnuFjejzDx0Q8Az0ODZ"
    "kqipizq9J5HaXao2thPy7JncQxuOYi2wt0u3CMnw2hZwnK2nG8fCewiLgXEfdVEsNeIu4j"
    "MYHM2JVdY/d1UMvInWvCpqoR53eKsiRxPQ7WwgX/tiAuKKDxEMhs4EsHOBDcezJ9byo6ZI"
    "kE3dENMFemBedu5oE7HaDmsUb/jeg8QMEaMFVC9z83beH1M4o0hQof6M1N8IurlPCEsFWT"
    "4Uri+NMVyldi8sa8virWtWrndixQ50OWaFc6Kj1U50Mi3tWE9Giycsdyx8hqyO3yl7J75i"
    "e5nB5VGFCIkMIIfFNGSKFAz9N3Qn0x1Iqh5xXD2o5E0LlwVIGW11nK/ln8uMoNdCVIC4Fd"
    "FZNtJbCugLP7xLsqJomscFdiGUYgL/otwOCu3z9UlYk+eUJ4MjOIZTlMTiA40QHNreiNzs"
    "bLVphgK3LzWUE61JzgFhbaolgWnC8sEzg1IuiDBauq6FaMcNAV9toDXjyXQRK7KWnOV6A3"
    "z5CzPdJNLm947TCDs9anTCnKnzbkKH96twWrmVJp2wbP+kq9HsIk+3ODfNjtvdA6O//+/N"
    "PHy/P1dbB+Z9MtkEw5WdIfQW9qengbxYwo7gQ1tKXqpGzpRGV6MT0SefVZthhPMVqhVldN"
    "0jmyDXapcUR8bRyFI+6L26JvRNyAGR1FGJCFQtdUNGC2CUyLKq8aIFhfAcUEiKoL4y+d96"
    "2Lyx/BgwcMPDjpmewhoCoOW7wcv9EOPkC4kSpsK21STRzR5wbgo1S1UwrLR98F3JvO+vrC"
    "vfDbAtHZCkg9SllDqR+JlDMppgUBfYHlH4l8vSQrLsSbnlcUpSozv6i6ot2STrQBtA0lsr"
    "0Ssa1nBmwzhttGV1eVKgP3NDhfEAtidTWCKjGi2n7qoOYmWwoFw6lJtR6fIehuaSALAkVn"
    "SsYKqIphIGbi2BaYEgOcqIqus7K+z3D1rk3tISocaAJqxDjWD129VLiA8YUXflfq3NxGOk"
    "4IBnvK4FfRQ+coLKq1zDJHM/kENYxjKr9E4iH9FpVibYmei3CHIWiso9Gz8jhCVENOn2dZ"
    "xOfpi/g8sYgNSH+mmT/wMU5XQ2bvojwzu2mTbE6PfAwoXhX5eDwmmQhx3K+iUi/IqyKumz"
    "6xupTP9tyXBydaJDJio8nhFczRieUYY2GarWbHF7IE9Guu3AQdkxU/UQCdif4NFeABDAAC"
    "J/QrQKy9d70utoYsNvzBYF0lMF1ED++SpscO5hcOnCM1N9wlkJRAKvsDgjql15YWWsI2fN"
    "4VHdDUiaV7WdghT2RwcuUWQJJWCKKscFq6uEtAZd1ycX1yjGLIiskGx0AEjx1RnWrU604a"
    "acu9NPbWsxpfnM3JzZ7C7sOooW7E+JWiKym95aMDNiqhXjGCx9DYrcrnZAaBqqgzFl5szz"
    "3l0J3oOxMwdZ8KwWwCrwwzQE6Pd2DSLxnWHpNaZ5kTv0LdrE5hEaF9NpQXBbn8ya6ARmhE"
    "bHNcD2LWGvu8HBp9QCHYmdDn0XSNEmXkZ5hEMDTOUFH4P53Vx4nrcYJg1vV5CuN622tPDT"
    "GcEPqn7Ey8at3TWbXa9LpTKQrtq5TUwBzjKKgRWy0LQppNMXWnBVAxMNUOfdWvzZTEFXiE"
    "KqF64lo3aALFoOqmg7zS0SwHzo2JXBMmFdRdfMB2RfX3mGoZXMahIE5K83v40fprOA8FtF"
    "pJ5VZAq+VqDmufQw6WRmgEV/PYCxu7naXbDLvsdbZ+52ibnUUO7pz6b5y2hhrw8Wq8lc7e"
    "OJ5IkqOT8nFFqQhzdrvYs2RmVQdEPrSMha/3rQlig69XlAkvE64R7t434O5NiiIVUYvJay"
    "uyFlsz2Rq8zckLnLM6UWTqhQe2QSgEsOkkH/nOWubIBRYB/4YG4bd0e910udEz+legYdVE"
    "w57pj0/yn+UqSNieJw6uaBaOR1vlfIXG7R0LeR9LbbCwDXWmmPAed7qT3nBAl7yzC+/x1X"
    "BwN26DR4Jt8x6PpM/SaNTps+y+KTQMRWfv9SVnEoMeUc4cdNTd4NoZY2ONvb6WqO7qzMsK"
    "87uRxfe42xl0pX6/4z5RGSN1tzXEPZZ+ve2Nfmu7EPWKfq/rf9yNJzfSYEK/m/Yv27TmXi"
    "eC3GlEl1myiOKqeiiJ6DKebyFg03IBvgA2oheFpeRgLIdScDgdQs3N3wSd4C6Hu/TM0qn2"
    "xFd905OwYmSiBn0EWikjQSvSUj17CmKIqH4d/s5amdpctDa0uWhx0j3zN1OsbxPFi0ydRC"
    "42dBK5SHYSETBuOvfrC+NStZzkR3HDVKLqelEMV0DoArmtkhh2hdw6p8U+GVux0yUrX8On"
    "am6ENoweuFgi51TJ0TLz1p2lRst4p90yfXZxoes1J7cC1ovQ2ExgtQ6f3DSicNq68w/02x"
    "/8yAaZyVFbkesS584NY3vzCyy7oli2L5+ECLLB2SHySiPaXzv9vjRpgyWrRGfd41tpcN0b"
    "/NQGHnB1j3vj8R2DndsAmabNfqyLT0s30rWLTsM51Dz8mb3lhjY5KPYv0mjsjnqBhsneqz"
    "Iqrcz5Ek+3EuYpMj5qLbU0VE+o/yKC5q0KYoMdJuI8dh7nkTyFhNm7g/yyvUXQdByZS4qB"
    "U0yQ6ICNhgh0B8l5omaiaWOsdK+CPYd/k1oLKnS6r524DGyun8BvFjSwogOkcUp0lTUpty"
    "xwsOqD3+lTyn4IjSjdVYWrYrMVkrfSakBRZbujoF/oMotb6DLdK3SZcAqF90QOLsfIasjq"
    "s0wuuLMNLrizpAtOxP2Ua2ERVbUNo5BPM0ZaQ6fmkTgxRQqS8F2LFKTqKGMCQKmEIIQjW6"
    "QgHRGnK56CdMWyEb46Ha0bHPgk/LiZBTxxshvkZUCRoc/SwiBzwl4G2RMmmCsaBI/QWkKI"
    "wYPTbNt0esiyajsPEGvuK/a54GFORYsWOoLGwzdet6UdfELJRc/fCmzySgsnHRBx/p1ga7"
    "qh7o+voYVefuOk9ebIa2RECGtoYxyJTZHJlPROvLwiDpEJAVdawMEdxpExVNFc0VPsxghh"
    "XMou5ak3Q71kfC11ezed/sllsxUr7xTu3SXSCd4mJJMwRQ+jw3cZXsu6oSrO0kwo8ZHnmb"
    "R41aOQDZ8kgxrvEzmV26nG/WQocxYtCReW2XSU6uVMsZwYSroenaoA9C/7SJOns792ulco"
    "6P5H59EnwzTl6JSHVdcjGuXHDArlx1R98uO7Lbr7HGFiyBp6Qjwf0JjeKno6phmj3R+a1t"
    "oV611L6WPr+8u1kcRebLKPxvSS6nOSk73YamjIbI/kvPY51G/x7j9rNc8zX/50OaK5PZdN"
    "Fiabw8xP0Ini8Vyw9zA3rBc/dBPowZxrNjko010bVa63X7TSNzpg3b0PA4VdjpqtWkClC+"
    "OJGCtADDD++Q6ctE4/gP8FGrHpR3LijF41Eze4iFr79CV7/KLodAG+KphIQGKvhMQCaRRJ"
    "VAioqwyRNbpU9/9pyOrb+Iv2HtMl2wbmsx1f8ZnAsyzYWTp0Fr8P3H2QQ49cE1SZ60WjtE"
    "rvzywgDQFpCEijfpCGp0vdEh2pqw3Kljcgk6K1CMZmaoTnYQ7vl0iDwJsEmNByUox/pNqS"
    "Sf9Dh8AgS3CCNHD2DlgMkaD36XQKoIYsfh+8kuYVDshqaVsGsVOaKWTTt8L0+7v7KeOWuJ"
    "FT57oefh20AaO8xwOpw2IYKNfpUoamdY/vbtvAXlRA99IUpK9kVVnkWO0RmhoVeCktsngJ"
    "4XNurkaJBFs5KbEEW7PcfI1RCcYmGTsjdJCmrPIkF0RoBBDHKcqIjJXMVK2il11sij3ed8"
    "6WMWVlakFDhkFeYJ77b8DqF7Ab7wUa9/hmOJh8GcudzxNpJNPbcOCUSeB9zj2WBtfy8LN8"
    "K416Q1YRAVM9ecoQdkS0IjdmK4tF3Uq3qFsJi3otGfb1c+yZBN3+9s3Zjj0xZW+cQNyv2D"
    "rBJHvcPCu6kPNuFmd7ePvhHv/fXWc0YZvnT1sxLLZ9fqNbpg3WMx9WZTTRE7YXbhRrjsUf"
    "JxN3RnzpPyLDmtErNTdrk4SCucnmiKyCPL1ncqdRcigFe7nshbAgdyOEgrn8tavoclHPef"
    "oEgtnpzC5kbqaR74/RF0fCaNHoPp3Vx+kw4URYe98+KfXHVe600ARpjbCcwyaFBpxNSkQU"
    "4o1lKyaWYSRZkX4LMLjr9w+VrCi9QGxNXIkkPYLrh80s3kDIhrvibWaNbzYtMvfKLQHKQ/"
    "hkOKWEWSrhChhwQQwLnARRVAZ8QXDZZB4923iBqyY4PT3lxGGVO7XwC1bLL6imwqQpEROl"
    "YqIVCiI/z5KWeJ6elpgMSxE5nzvM+RQlmco1CVzPso7mvDj8Lf7oNVWNtMLSGGsRi5qkeR"
    "kboxKM5TQPpOrIC+eAvSJEhwrm8zUgirH0kVLt6hjwL7X9RlJeDYf9iGV61YsZJ4O7mytp"
    "dHIWC7RMsloEWKav6uPECyoeYHnrlUFp8Np2+M+aG/t2hEdlqfLijWfFbEMWjmfcQO3Hdf"
    "qmW+P2xF2AwCSUEIL/2VI0dxcfwM1xcYezx5vK5saaeoSLKorGHtUsqRsINqs9EVDU0KIo"
    "31wTJXX3WVI3rWnJxu6GtexbsufqkNWoHnBo1pdfP0BUN36twVIl/ZjjT3MV5GjdMWLku5"
    "F9gvq1Pt7JJaEjDDkYX3pn9TWB6Kke2URl9FT36m24fT9yA68hujpd3mXGvtj0l9CTv4Bi"
    "xCGuTXTRntUjb7WqurJkjmZFfc6/1GPEtRFFaYtdJ1buEJSApkZg+J4XtwFVYmgp0Sbpak"
    "uMrH7KS/lggkDM01lfL8RcNL6ozPEmGl9UM8ZRNL7IGuAoGl+IxheOKEZeLkOD4wBdP2tm"
    "iSQ1wqO3OkK/zgh4NIj9NLPAckbmP4JHYs2AYkBgQPazoMZq8bGit1760HcmmCLDtFjKpI"
    "6mK1Yuxvd1Jv2gO5h/e0Tp70EimStq/6OEv/PQl/eGgjUhGeVUoWOkJejQFbNejkRlzgSi"
    "C0spfSPW11KKHci5oM4woVDSXwEGuem/hSSwpitHAG/kvttgI/nrWlhJ23X32BlQguKe2B"
    "VJMQwxnBD6Z+dCOOheyCWC9SGQRQKvNYdsHNXOo082mkK+uSAbweBtllA6x7hhl+Fw002B"
    "l8LYqKSxIWL/ROzfG1D5RNKcw/XS/Ngi0k+AFAKkqC1IsdYb8ypnMcI6nZ1vz6VbMey3Em"
    "hF2Nx5rdMxNNWRbYmsxnLsODgKv27FVn1N3LouKjRJadEWetrchGd4UQJW5qZsHeCSfGey"
    "Nh1OH4dT8MDoHwAy3U6l1gyuwEx5gQCzzh7si7fBI9TpC1ZIegXYcG5ma6lzv6I+UHWirw"
    "SiktZZbJMg0nqLHW/A9N49Ohb9BrKNLaTn95lHaYXTvMr2KKGnpoE0hmgrJk9HSMcsOaT1"
    "C+i+yARbXmyALS+SsOWac4U2WJJabLEqbzHIrqOCoE+cVki6ypJe70ymheZWH3nUAmcojP"
    "cUEYHgfPkIj8VtWpsbevCN2eOSQGa0AeUJ1o+cFIK3W3jLO1dLjfRJy0oRgT55M1LKw8fS"
    "kLHtmFhmMCxXYI+I3qnKVdXcgDWJGtZ+IaNWlkpGrfRSRq24zWsoOE8BBH94fWDU8uoAz6"
    "jJwlp35tRtw2TCkVzYsGDpcPKc/hC00Lnq1zVU0VzRUwz6JHXcpnfJT71pdiWXs92qAzz+"
    "Xkvd3k2nf3LZbMUKBYcrI8QWO/zGizNLL9y0Jth/4abDoCQ7KdEkwpTST536himJbl51kz"
    "oHtnS+fQKvOUwUA7PGqHaNnYuca6t5T5vbLDZZDQbu0nCL1bv2EzOELVc5W26TQ3N79+lX"
    "+jT3dHw17m5/GnWupTawF0+GosF7fD38OvDe08gSe+8Of5FGox5700fDgvdkaXAtXQdPZM"
    "gqADayiTqa43GZJcUjftSFMjwu4+rfcQR/1GQvhRpOEStfwylvvPD/Z/L/C+26bnpWFu2a"
    "qiQkv0syTCV8kkUPtKlB5sW88nFKIYOiMqhOVO2bZD89mYrFRBCx/EUpw4o7jrlnfQnMrX"
    "dkRPxuy5JPRARrMwX0kJyMdfS8fR4HR8rYsD5cqabtbD3fEh2pq0YKluk9bW7FMhfBwK0Z"
    "WZMZ9ApaItXtA+hS/wgIhsBgWVJIA2fvmsATmQmcuHGWYzWdAhc2BchK5mOVOrPo1l6tbu"
    "2Piok4ftVs4OiaeH/YaMNcQOyLOzM8Or6VBtdt4NDe49sh5cu4DYJaJLm7j2fAgj6l9x6P"
    "40BL+ovJsqgUAuo9isEgus74lVMQo2G/3xv81AYe/T3udvpUNp2R/JvUGbWBqlAma4ohr6"
    "BiVAN7dvkrzwm2ZnlK3STo9me0nrUqfRwFvH2iEoCypqzyMDZKtD+ufjyWbjjOOScX6cuY"
    "pNzjmSLdjXKeJ0WjGrMENWZvzyjCJdL5fpwwfsXDJbqKOWMzdQ2oIavBMTNiIzaaGqo3Vl"
    "aDwVvNjRuq+6+AAnxiQGnh3HkMyBKaTsF9F7FpeuYAt025yZqULxSkJe2O3XyEiMmvME66"
    "yVJJq/H4xgo8lqYkiLbNu9YL2JlTQCkIkYk07+ooAElHviOofI0PQyT1i5G5PM+wfy7PUz"
    "cQexTfQas5xJbbcgh64Ed2XnOI68f1nRRUfiGoWKecCKE4vqp8fInos/Qddpxmq+goWlGr"
    "JhyN7tuwBdrkxEiFGEQQTtWDcIJFWwJ3R5HJasrhxDavVL3Z7gyqz8S2bl3lusHDHmNDmh"
    "vBR2+wvAiN3oo+uvWHgeLBf45j1wIK/QdYSNeBRQCdj/7fsACZ0ncfFfMZcmIbXjMRt22P"
    "qiPvV4imPZW8BZobIMZAeJkBsTVFDeGw8u150RVpn0a8e1bJuYHzBF2dFE2Bnx8Pfi6aS5"
    "W6Yt0NTfn1Ag2YJ5gySSj4yzsRBKAmADUBqL25fk5vVxACUjsApHb4Vk7HyumK93LygbOR"
    "4nyfVGDNed7MhKoZ/tDtkJqyoiwGbm8lF/xaImvmJUm0wYP7H/KCLlUqd+vBewIe7ZWTCM"
    "TeZBjZg2/kPHDgth19yCuC+qphxlWp5GsZRlw6xhaTcG7rLkJZp+u6NDNkjjAxZA09oVzG"
    "c5xsf7w9lmQVEeefzurjtO8qHucvYQtZOkxztIUfb1QHYGzg9vaOqgpNk4XTw2+qbpvoBb"
    "5X3PcMyH4XeKKqFF2dTQBPn04db5n6DOnVbDhEiqGvfAI3DY7T5nE3n5G7dOMzXInajRV1"
    "yDHZ5NDLvOE1RNbLd8VRu9Cg2lT+uyxCKCI8q3NzJaFJiLUiEg6RCflWWb4GfCHPhRTSKK"
    "WQcpWlLBwMImL3bYpBuBdExO4RcLjaEbshEXAwhKiA0iGE6KrYZ2sFFwzwXoQCJYTNXk2b"
    "/U9bYXATx3BPFUCYpE5XZGnIs4iEK5ef9Nqy7MJl7wLqPRZHQqZpw9yF73rj8R3r6eFSs2"
    "prg67U77O3VPbbdL1gh48sfSHP0vtCniX6QorguXTWH6dzJUvw3HoRFpF7jFagGFVGMVxp"
    "ya8J10udQhSjLwpuCGzpwNhSyLbJgyuFyAT7RezwMQpCgHsHAffYyVEKsOdPVFPORs5YEZ"
    "VdhajszerkgbheMTUyK9NTdenc2HW4aJitzqDBwVWuPMrPP4+grvic5QvhF3eWGi34v3YL"
    "7zsHMRfa94/oTbD+eswuIX0B1VcSqn9GOKUOw3YQ1KetcrBd47o37g7vBhP5l+Fd94s0ag"
    "MNmaqTzOwdVvf480iS5NvR8PquO6Efa0AoLwyi2ap1j5NtlaVfu/27ce8XSe50u9J43A6i"
    "V2U3GJWBrOMvV53uz+116eoiEGsrS0WIVnpBiFay3SwVyBMx8qW6hGh2JerD5bqcZ+HxeT"
    "qPzxM89pJUVGIWSG3xqepkSZbosyHuRsrI0/X4GqGD5TkUqdHo2Y46mudLw+KQChZzWYyI"
    "VoS9ETLB2iRrHebILqeK6i/xOSpcGLpx3fmNai7K6h5/lSSqViwhfL7HN8PB5EsbOP2l7r"
    "HbPqto16ySG5q9KDqiZqJB5nmdelFK4dKrskvPlZXTeaWYmNekQs5VlrMFv/GCj/4xHg5S"
    "fCM+QVyuSLXAf4GOzGNUaDeIlLEiIk3/bDy56fwaPza7/eFVXExsgqvYIYrmyhOUbYOzud"
    "LttQhRhe+0ggbbRaY6iRcb6iReJOskUiVAZY0iyHSaT1ELUwk9LbXgXD6+RokEW7kFHtDc"
    "nstunc4crE0SCvZWpLBn1Xi6y7qe5rOdh7fe8PqxdQf1laOFHrJyOEYmOL2d0y7WLxfOou"
    "fRCyuoylaQJ7GCOfVJaiHtKkt73RQ3d/V0DqXQspJalud/lRcGnKJveW6rJOUe03Aae7mv"
    "yoZjfY4pFmukUIjZAekeuf0r/d/79Z/98L58n7DPQxf01JRVnkw+PvH+PMQ/fDiSA0Ux1B"
    "l6KZRJFCMVN3Olb2aRKPgGEwVF7c26SZ2z2b1vn9zrj6v8yYJx0hop4ftOEkSUbahImmCU"
    "UEigrPwoj69JaeROeZigTKH2FZNC5vSo6ALMkleyPjZKYG7m9LMjZW/ijI0wmH4LMLjr9w"
    "9V+MhPJOGkRoRyTNJzI15Cg7ZWTB5iCFQ6h984VFUwYPyz5xAQukhOwcMzXD0AZDqtD5yh"
    "rPUBsS1gwoVCFwcxzGSV5BLnFWkaFT7tm2BDW1Iq1FzOSG98lVMzKuPIOWSJ6Qp1/dhFr9"
    "cFopZAkfrDEcoaWmzHa6FxDHOzmFVuCrjteOTL04bTz8gQiQgl2H5QOuwy4BSyCKJcF32S"
    "sn783kln7BeCtELHVoRQHFxVPrhE3e4qQleiunS9qksPp1M+xOI+aG4CWMh6iKg98eZAjd"
    "rXnrgaDu7G8u2QsmLcBo8E26bs5vnf4xvp5koaybd050pt4GVTLwyksgoTnVH/t6C6BGtz"
    "5lWWiIODmdSnyyzaU/yeDilPl3HdSWSDiWywitgGO8kG0xHmlJlI57E/XrA3E3sr03fuiA"
    "6Uo7O9KtF4Tgh4dwI24RM/yShdDQiR7F8RaPxtamOnzCF4tJFuIWyeso/9e6Mu6gG2IH2c"
    "TzOLEFVDKOzzaiOUsPLuxKHkkg6fWohpt2KaEZsnplRUgE+8P8DwWMLzMYTscqfr6EXhw3"
    "9XhOhQwXw288hjTH6k9Lvi8vqd/S73q+GwH1nuV70Y0DK4Y0jCyZmz9ukgZEE+/10AYk6/"
    "OVro3NjBa6hSe1Hn859HHj+KXPpTb57js342COJa6vZuOv2Ty2YrxulwRhCP47lbd8XJah"
    "Q1W9ph8qet6Gi6oh8pewVKEcx1t6ZOIK7X0q9Xv+qIuYA8yHdrtZI1ndgJyZ1gm9CUg5Kc"
    "OdjLodyf1nJ2JOwVpUp2FfUSdnrkORRiZOJM4HWVerJ1JT9vE3SCuaI61PazoeTqUCKP+2"
    "1AyCKPO31/HWdGr8jjfotS52z2ddOjRBjagQLUOgFumBaq1olAi1uC1mJA5Pb0wI4X5POd"
    "CajdBcgUKBg4U7WBqqPFAmrgZDmDGCALOFgnsGaK9Y4O08CMLOlYy324UJAGiG0lUwV39B"
    "mcCLvfQx0a3SC+P0TQ3TEE3XnLtphyFaMVJ3BVTuBM967JA0g3gkPCjyU6ZlfkRAvY716/"
    "ebkfphLMLyuXQ7RpzlyHJGeb5nVmxCsZu07CqClfw/u6UmkxXYKpLm31LDhvcCyO8OON1o"
    "bqDpSRP3KrpSH57SiBR+vnF5iAUM2mCYgzVNH1FWBtlpzCItAA9iJpUbxyru25Ob83Fvaj"
    "jswZ0yn/EEZDJY2G2mfqdEaTXrcvtYFiWIiy5R7/0ruWhm3wgjRI7vGV9KU3uJYnXyR53J"
    "UGEkvngTP6JWS6rGVTpb+iUG5O+R1eRW7OQSIcnHWSNzcnQlQ/r9BOkkdEEtSeGB26lhOc"
    "3gwTRSlrCBIdCSiUyQdn4+KCjtMKb2uVJS28renHaY1RX+FtrZnU07ytol7zoU3oTUCpqN"
    "ecESfNVK/5MJBeBxpInTU4aJ73pLkJyFOCMZUpdvNW8LNX+v7SkbEXaJjcVLYNVn9AUmVM"
    "rKAt2rq4yAJpXVykY1rsWSwglG6qHBz2hteQuzsphegh+3lAwxCJgA1zwoYHjYr76/8BjB"
    "Rssg=="
)
