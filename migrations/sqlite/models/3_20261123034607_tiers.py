# Hand-edited: SQLite cannot ALTER TABLE ... ADD CONSTRAINT, so the reward.min_tier_id
# foreign key is declared with its column (and the downgrade cannot drop it on SQLite).
from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "tier" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "code" VARCHAR(32) NOT NULL UNIQUE,
    "rank" INT NOT NULL UNIQUE,
    "threshold" BIGINT NOT NULL,
    "earn_multiplier" VARCHAR(40) NOT NULL,
    "texts" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
        CREATE TABLE IF NOT EXISTS "tier_policy" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "basis" VARCHAR(8) NOT NULL /* SPEND: spend\nPOINTS: points */,
    "window" VARCHAR(16) NOT NULL /* ROLLING: rolling\nCALENDAR_YEAR: calendar_year */,
    "window_months" INT NOT NULL,
    "grace_days" INT NOT NULL,
    "spend_currency" VARCHAR(3) NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
) /* The qualification policy; one row (id 1), defaults until staff change it. */;
        CREATE TABLE IF NOT EXISTS "member_tier" (
    "value" BIGINT NOT NULL,
    "retain_until" TIMESTAMP,
    "override_reason" VARCHAR(500),
    "override_until" TIMESTAMP,
    "evaluated_at" TIMESTAMP,
    "override_tier_id" BIGINT REFERENCES "tier" ("id") ON DELETE RESTRICT,
    "tier_id" BIGINT REFERENCES "tier" ("id") ON DELETE RESTRICT,
    "member_id" BIGINT NOT NULL PRIMARY KEY REFERENCES "member" ("id") ON DELETE RESTRICT
) /* A member's standing. `tier` is what they have now (null: below every tier). */;
        CREATE TABLE IF NOT EXISTS "tier_change" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "reason" VARCHAR(16) NOT NULL /* UPGRADE: upgrade\nDOWNGRADE: downgrade\nOVERRIDE: override\nOVERRIDE_ENDED: override_ended */,
    "value" BIGINT NOT NULL,
    "note" VARCHAR(500),
    "created_at" TIMESTAMP NOT NULL,
    "actor_id" BIGINT REFERENCES "member" ("id") ON DELETE SET NULL,
    "from_tier_id" BIGINT REFERENCES "tier" ("id") ON DELETE RESTRICT,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,
    "to_tier_id" BIGINT REFERENCES "tier" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_tier_change_member__d53072" ON "tier_change" ("member_id", "id");
        ALTER TABLE "reward" ADD "min_tier_id" BIGINT REFERENCES "tier" ("id") ON DELETE RESTRICT;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "reward" DROP COLUMN "min_tier_id";
        DROP TABLE IF EXISTS "tier_change";
        DROP TABLE IF EXISTS "member_tier";
        DROP TABLE IF EXISTS "tier";
        DROP TABLE IF EXISTS "tier_policy";"""


MODELS_STATE = (
    "eJztXXt34kaW/yp1+Gc6Z2mfNm07HXp3z8GYTnuCwQs4nUy8Ry5LhdFaVJGSZJqZyXffKj"
    "3QqwSSEFjINSfjBFS3gHvrce/vvv7VmBMNGeZJdwYxRsYtRVNEEVZRow3+1cBwzv8jfVAT"
    "NOBiEQzhb1jw0XCp0PwRUUV1qZRFlOzRtChULTZwCg0Tsbc0ZKpUX1g6wZz82wxZM0QBBO"
    "5EYAmxZbIXpgmfkAkIZo+8yZtgqVszsJwhDBjRCqgEmwhbSAOEOs80ipYn/IM1orJP1vHT"
    "Hj/DxvqfNlIs8uRMzz7pjz88dvDH3oSN//1f9kLHGvqOTD6Gv1w8K1MdGVqE/7rGyZz3FW"
    "u1cN671J+usfXFGct/1qOiEsOe42D8YmXNCF4T6Nji7z4hjChk35q9Z1GbMx7bhuEJzZeF"
    "+wuCIe63DNFoaAptg4uPU7tfIHivoSiD4UQZ9yaK0kiI1qcIScJ7i7OULQv2VU2HAU/8K7"
    "z/qdX6+PHH1oePF5/Oz3788fzTh09srPN9k49+/Mv9MgG33Kkcnl3/fD2Y8C9E2NpzVyl/"
    "4y+HBlrQpXKEEXDfF1dCBGw/0B62544Qrtk3h97ijggjRB6TCPupcYn4/N8kEv+NQCbBDi"
    "oulMbt3fhrGyxsc3aPezed634boDnUjXs8vhm3gTk37/H1QOnc3raBjhW+77MJcQ6/KwbC"
    "T9aMvTy92CCfXzuj7tfO6N3pxQ9RIQ28Jy3nERdXIB6yYKxTdCzYIoQYCGLxHgmTxeTyyO"
    "j2JZj1O3vYLptW/nDY5zPPTfNPw90KsX0wuLu57DHWO5xng3Qrsj1C28E/9hRoJXl+xfhl"
    "6XMkZnqcNsZ4zSM+8f8jgxS882jPu6MMGUyub3rjSefmNiKIq86kx5+0nHdXsXffxXfCeh"
    "Lw7XryFfCX4B/DQc/hJjGtJ+p8YjBu8o8G/07QtoiCyVKBWpgn/tv+WxFJu3caXOICko7T"
    "SklXWdL2gsuhyI6OUpYg5QNdd9l1EIqgNsTGyluBxyt279uH1HpXQc+rXUbItiuZxyDjg+"
    "mZXMWfPgvVzMA+iIriC6FIf8K/oFVCz4wx3zPTbtYTHZkY/vJXmv9ucOizm2RtF0UXIPv9"
    "7FcjV1vpdsbdzlWv4fD5EarPS0g1JcJw/oS0SOyd9djko3lrHn8HYmYdat7v4N86ynmB6R"
    "zIZJu9nM047oAFoiYzTx2bFDIzVVWJja02s1cXlDxROPdM2ia3TtmSmU5d0/WBMqX4Aegm"
    "wMQCD+6gh6RpvJdPEBjG0gauytnU3GADO5ag2AIWs39NUI7N+7oiiFiwrfOzDCYsG5Vqwz"
    "rPYkYVP3uwLb4B0rkcIyvE67haXSFWn/6UBSz4KR0s+CnOZ/TdQhRDQ6Fomms5x+jqxumL"
    "LGv6In1JXyRWtIP2UsYxld10eVidIKwbr09bWVZ1K31Vt+K8XkDTXBJ2FMygOcvD6wRhlR"
    "HKwuf1eabz+nzDeX0e57immwsDrhTndQ6Gx+lKWduVYvenDxm4/elDKrP5oyivDaJCIxeX"
    "A4rDrecGwo2DMDjLak5fy4mVzGEZ5Z8E52JwhOiAPL6bdA/D5PLvw0edWjMNrsQAm5jNYZ"
    "pN0NrxnRkbuMuRsRjvGBWiyLTMJPP+Ph4OUgzAMFGce7pqgX8DQzf3Blc1/nNqY5XzBTza"
    "umHp2Dzhn/ff+1rAG1jKmRTBJP2F+u6m81t8DXf7w8s42MgnuIwreCTtUN7uE/VpD3h0BO"
    "hKHqfoTY97xdoe0nGPO1c314M2gNpcx/f4pjP6pTdxnkP6jCw+Ynx3ezscTdrAtBcLQq04"
    "sPI6TlLdVCBbjC8CiW30kkboDugm9bXz4/WSUlTQoxKllB6VqnhUvCUp/WhvSupZ/GhrK5"
    "qH+jwVEn/KFNJrXh2xu7s94cBL9zQlIshCIZACTfbSm+TLLyNkQIevyRWwKRLzyA6ENG9f"
    "ZGuZyDTZvDuyq2Nbs7E7U10Z5WsNqqEjLDKU8vDrmplOT9QZ1HXmO9pzZjPTFoQPV9gAbE"
    "LHVtuRcbfOhJNgvjott316zsM7VOA+j23gdB86O69nihkaudWTPsQImPoTRtp7HQMNvegq"
    "4j7uKZzrxgqQKWCHLLs0ZsAizwibn9nrF/LMOAh0CyCsmTwafA6gYSSd6GVPXrL//O7u+i"
    "qH99y2de2E0+zHgxtCTJxP4n/OXgMucczrj65mEdYZnJ++JVZcmn01MwCymH0GNC3FNgvJ"
    "PU4rJX9MkneO60Jyj1JKQ69qhp5Iymwdm0SQaLIpmCFOWT+P78cs8Qwf0+MZPibiGdhxSB"
    "WmKGLBrkrndZTqgK6Fw7gk9xLH4JqLfC+w7SIwfjaEniUoa8fx8p3AMuJeRtxXSQwHibiP"
    "xARyY1dxjd3doJaRO9eET1Ujzu8VZUniegKsRQj+bUFc9IDGQyCzgS8d4EBw78n0vQkNxB"
    "MJuqMbYK5MC83dzAN3OsDMY439W2fzAIg1YKqE7X9h2sLuM8o0hQof6M1N8IurlIiEsFWT"
    "EUri+NMVyldi8sa87hTrWrVzOxao8yFLtCsblR6q8yER72oidjRZuWO5Y2Q15Hb5S9k985"
    "NcTo8qDChkSGEEvikjpFCi5+k7ob4YasXQ84phbUci6Fw4qkTL6yxl/yx+XOUGuhKkhcCu"
    "ism2ElhXwNlD4l0Vk0RWuCuxDCOQF/sWYHDX779WlYk+edLxZEaJZTlMTiA40QHNreiNwc"
    "crVphgK3LzBeoG0pzgFh7aAi0LzReWCZwaEezBgldVdCtGOOgKf+0BL57LIIndlDTnDujN"
    "MxJsj3STyxteO8zgtPUpU4rypw05yp9+2ILVTJm0bSqyvlKvhzDJ4dwgH/Z7L7ROz348+/"
    "Tx4mx9Hazf2XQLJFNOluxHsJuaHd60mBElnKCGtlSdlC2DqFwvZkeiqD7LFuMpRivV6qpJ"
    "Oke2wT41joivTaBwxH1xW/SNiBswo6MIA7KAbE1FA2abwLSY8qoBgo0VgCbQmbow/tp53z"
    "q/+AwePGDgwUnP5A8BU3H44hX4jfbwAdKNVGFbaZNq4og+NwAfpaqdUlg++i7h3nTW1xfu"
    "Rd8XOputgNSjlDWU+pFIOZNiWhDQl1j+kcjXS7ISQrzpeUVRqjLzi6or2i3pRBtA21Ai24"
    "6IbT0zYJsx3Da6uqpUGfhaQ/MFsRBWVyOkEhrV9lMHNTfZUnownJlU6/EZgu6WVLcQgAZX"
    "MlZAhZTq3MSxLTAlFLxToWHwsr7PaPVDm9lDTDjIBMyIcawftnqZcAHniyj8rtS5hY10nB"
    "AM/pTDr7KHzlFYVGuZZY5m8glqGMdUfonE1/RbVIq1JXouwh2GEF1Ho2flcYSohpw+y7KI"
    "z9IX8VliEVPEfqaZP/AxTldDZu+jPDO/aZNsTo98DCh2inw8HpNMhjgeVlGpF+RVEddNn1"
    "hdxmd77stDEC0SGbHR5PAK5hjEcoyxMM1Ws+MrWQL2NVdugo7Ji59AwGZif0MFeAAHgMA7"
    "9hUQ1t67Xhdb0y0+/IHyrhKYLaKHH5Kmxx7mlw6cIzU33CWQlEAq+wOCOqXXlhZawjd83h"
    "Ud0NSJpQdZ2CFPZHBy5RZAklYKoqxwWra4S0Bl3XJxfXKMYsiKyQbHQASPHTGdanTdnTTS"
    "lntp7K1nNb44m5ObPYXdr6OGuhHjl9CAKb3lowM2KqFeMYLH0NityudkhoAK1RkPL7bnnn"
    "LoTvQ3E3B1nwnBbAKvDDPQnR7vwGRfMqw9JrXOMifeQd2sTmERqX024AvUXf5kV0AjNDK2"
    "Oa4HcWuNf14OjT6gkOxM6PP6dI0SZeRnmEQyNM5QWfg/ndXHiesJgmDW9XkK43rba08NMZ"
    "oQ9qfsTLxq3dNZtdr0ulMpCu1OSmpgjgkU1IitlgUhzaaYutMCBClm2qGv+rW5krgCj0gl"
    "TE9c6wZNAClTNx3klY3mOXBuTOSaMKmg7uMDtiuqf8RUy+AyDgVxMpo/wo/WX8N5KKHVSi"
    "q3ElotV3NY+xxysDRCI7max17Y2O0s3WbYZ6+z9TtH2+wscnDn1H/jtDXUgI9X46109sbx"
    "RJIcnZSPK0pFmrPbxZ4lM6s6IPJry1j6et+aIDb4emWZ8DLhGunufQPu3qQoUhG1mLy2Im"
    "uxNZOtwducvKA5rxNFpl54YBuEQgCbTvKR76zljlxgEfBPRIm4pdtu0+VGz9hfiYZVEw17"
    "Zj8+yX+eq9DD9jxxcEWzcDzaKucrNG7veMj7uNcGC5uqM2iie9zpTq6HA7bknV14jy+Hg7"
    "txGzwSbJv3eNT70huNOn2e3TdFlEKDv9fvOZNQdkQ5c7BRd4MrZ4yNNf76qsd0V2deXpjf"
    "jSy+x93OoNvr9zvuE5Uz0nBbQ9zj3m+316Pf2y5EvWLf6+rvd+PJTW8wYd9N+z/btOZeJ4"
    "LcaUQXWbKI4qp6KInoIp5vIWHTcgG+ADZiF4UFczBWQCk5nA6h5uZvgk5yV8BddmYZTHsS"
    "q77pSVgxMlmDPgKtlJGgFWmpnj0FMURUvw5/p61MbS5aG9pctATpnvmbKda3ieJ5pk4i5x"
    "s6iZwnO4lIGDed+/WFcZlaTvKjuGEqWXW9KIYrIXSJ3FZJDPtCbp3T4pCMrdjpkpWv4VM1"
    "N0IbRg9cLFFwquRomXnrzlKjZbzXbpk+u4TQ9ZqTWwHrRWhsJrDaQE9uGlE4bd35B/ntDz"
    "7zQWZy1FbkusS5c8PY3vwSy64olu3LJyGCbHB2iLzSiPa3Tr/fm7TBkleis+7xbW9wdT34"
    "uQ084OoeX4/Hdxx2bgPdNG3+Y118unfTu3LRaTRHmoc/87fc0CYHxf61Nxq7o14QNfl7VU"
    "al4Vws8XQrYZ4i46PWUktD9aT6LyNo3qogNthhMs5j73EeyVNImr17yC87WARNx5F5D1Kc"
    "YoJEB2w0RJA7SMkTNRNNG+OleyH2HP5NZi2oyOm+9s5lYHP9BH23EMXQALomKNFV1qTCss"
    "DBqg9+p0+p+CE0snRXFa6KzVZI3kqrAUWV7Y6CfqGLLG6hi3Sv0EXCKRTeEzm4HCOrIatP"
    "M7ngTje44E6TLjgZ91OuhUVU1aa0kE8zRlpDp+aRODFlCpL0XcsUpOooYxJAqYQgpCNbpi"
    "AdEacrnoJ0ybMRvjkdrRsC+CT8uJkFPHGyG5RlQJGhz9KCkjnhL4PsCRPMoYbAI7KWCGHw"
    "4DTbNp0esrzazgPCmvuKfy54mDPR6gtDR/Thu6jb0h4+oeSi528FNtnRwkkHRJx/J9iabq"
    "j742tooZffOGm9OfIaGRHCGtoYR2JTZDIlvRMvr4hDZFLAlRZwcIcJZIxUfQ6NFLsxQhiX"
    "skt54s1QLxlf9brXN53+u4tmK1beKdy7S6YTvE1IJmGKvo4O3+V4Le+GCp2lmVDiI88zaf"
    "GqR6FQnySDGu8TOZXbmcb9ROGcR0uihWU2HaV6OYOWE0PJ1qNTFYD95R9pinT2XafbQUH3"
    "PzqPPhmmKUenfF11PaJRfsygUH5M1Sc//rBFd5/rmFBF0590kQ9ozG4VIx3TjNEeDk1r7Y"
    "v1rqX0sfXjxdpI4i822Udjdkn1BcnJXmw1ogrfIzmvfQH1W7z7T1vNs8yXP1uO+tyeKyYP"
    "k81h5ifoZPF4Idj7OjesFz90E+jBgms2OSjTXRtVrrdftL3vbMC6ex8GkF+Omq1aQGUL44"
    "nQFSAUjH+5A+9aJx/AfwGN2OwjBXFGO80kDC5i1j57yR+/QIMtwJ2CiSQktiMkFkijSKJC"
    "QF1liKzRZbr/z0Ne38ZftPeYLdk2MJ/t+IrPBJ5lwc7SobP4feDugxx65JqgylwvGqVVen"
    "9mCWlISENCGvWDNDxd6pYYurraoGx5AzIpWotgbKZGeB7m8H6pawh4kwATWU6K8WemLZns"
    "PwwEKFmCd7oGTn8AFkck2H06nQKk6Za4D15J80oHZLW0LUrslGYK2fStMP3h7n7GuCVu5N"
    "S5robfBm3AKe/xoNfhMQyM62wpI9O6x3e3bWAvKqB7aVA3VooKFzlWe4SmRgVeSossXiL0"
    "nJurUSLJVkFKLMHWLDdfY1SSsUnGzggbpMFVnuSCCI0E4gRFGXW6UriqVfSyi01xwPvO2T"
    "KmAqcWogoK8gLz3H8DXr+A33gviN7jm+Fg8nWsdL5MeiOF3YYDp0yC6HPucW9wpQy/KLe9"
    "0fWQV0TATE+ecoRdJ1qRG7OVxaJupVvUrYRFvZYM//o59kyC7nD75nTPnpiyN04g7h22Tj"
    "DJATfPii3kvJvF2R7efrjH/3PXGU345vnThtTi2+d3tmXaYD3z66qMpv6E7YUbxZpj8cfJ"
    "5J0RX/qPOrVm7ErNzdokoWRusjkiryDP7pncaZQCSsleIXsRKsjdCKFkrnjtQkMp6jlPn0"
    "AyO53ZhczNNPLDMfr8SBgtG92ns/o4HSaCCGvv2yel/rjKnRaaIK0RlvO6SaEBZ5MSkYV4"
    "Y9mKiWUYSVZk3wIM7vr910pW7L0gbE1ciSQ9guuHzSzeQMSHu+JtZo1vNi0y98otAcZD9E"
    "SdUsI8lXAFKFoQaoF3QRQVRS86Wja5R8+mL2jVBCcnJ4I4rHKnln7BavkF1VSYNCViolRM"
    "tEJB5GdZ0hLP0tMSk2EpMudzjzmfsiRTuSaB61k29LkoDn+LP3pNVSOtsDTGWsRiJmlexs"
    "aoJGMFzQOZOvIiOGAvCTEQxGK+BkQxlj4yqn0dA/6ldthIysvhsB+xTC+vY8bJ4O7msjd6"
    "dxoLtEyyWgZYpq/q48QLKh5geeuVQWmI2nb4z5ob+3aER2Wp8uKN58VsQxaOZ9wg7fM6fd"
    "OtcfvOXYDAJIwQgf/YUjR3Hx8gzHFxh/PHm8rmxpp6hIsqysYe1SypGwg2qz0RUNTQoijf"
    "XJMldQ9ZUjetacnG7oa17Fty4OqQ1age8NqsL79+gKxuvKvBUiX9WOBPcxXkaN0xQvPdyD"
    "5B/Vof7+WSMHSMBBhfemf1NYHsqR7ZRGX0VPfqbbh9P3IDryG6Ol3eZca+2OyXsJO/gGIk"
    "IK5NdNGB1SNvtaoGXHJHM1Sf8y/1GHFtRFHaYjeIlTsEJaCpERh+4MVNkUqolhJtkq62xM"
    "jqp7yUDyZIxDyd9fVCzGXji8ocb7LxRTVjHGXji6wBjrLxhWx84Yhi5OUyNAQO0PWzZpZI"
    "UhoevdUR+m1GwCMl9tPMAssZmX8Gj8SaAUgRoIj/LKTxWny86K2XPvQ3E0x1alo8ZdLQpy"
    "teLsb3dSb9oHuYf3tE6R9BIpkrav+jpL/ztS/vDQVrQjLKqULHSEvQoStmvRyJypwJRJeW"
    "UvpGrK+lFDuQc0GdYUKppO8ABrnpv4UksKYrRwBv5L7bYCP561paSdt199gZUILintgVST"
    "EMMZoQ9mfvQnjVvZBLBOtDIIsEdjWHbBzVzqNPNppCvrmg0GDwNksonWPCsMtwuOmmwEtp"
    "bFTS2JCxfzL27w2ofDJpzuF6aX5sGeknQQoJUtQWpFjrjXmVsxhhnc7Ot+fSrRj2Wwm0Im"
    "zu7Op0DE11ZFsiq7EcOw6Owq9bsVVfE7euiwpNUlq0hZ42N+EZXpSAlbkpWwe4JH8zeZsO"
    "p4/DCXjg9A9AN91OpdYMrcAMviCAeWcP/sXb4BEZ7AUvJL0CfLgws7XUuXeoD1Sd6CuJqK"
    "R1FtskiLTeYscbMH1wj47FvoFiY0s38vvMo7TSaV5le5SwU5PqGke0oSnSEdIxSwFp/QK6"
    "zzPBlucbYMvzJGy55lyhDZakllusylsM8euoIOgTp5WSrrKk1zuTa6G51UcRtcQZCuM9RU"
    "QgOV8+wmMJm9bmhh58Y/a4JJAZbdDzBOtHTgrJ2y28FZ2rpUb6pGWlyECfvBkp5eFjacjY"
    "dkwsMxiWK7BHRu9U5apqbsCaZA1rv5BRK0slo1Z6KaNW3OalEOcpgOAPrw+MWl4d4BkzWX"
    "jrzpy6bZhMOpILGxY8HU6Zsx+iLwyh+nWFVH0OjRSDPkkdt+ld8hNvmn3J5XS/6oCIv1e9"
    "7vVNp//uotmKFQoOV0aILXb0XRRnll64aU1w+MJNr4OS7KVEkwxTSj916humJLt51U3qAt"
    "jS+fYJvOZ1ohi4Nca0a+xc5EJbzXva3GaxKWowcJ+GW6zetZ+YIW25ytlymxya27tP7+jT"
    "PNDx1bi7/XnUueq1gb14olBD9/hq+G3gvaeRJfbeHf7aG42u+Zs+Gha8p/QGV72r4ImCeA"
    "XARjZRR3M8LrKkeMSPulCGx0Vc/TuO4I+a7KVQwyli5Ws45Y2X/v9M/n+pXddNz8qiXTOV"
    "hOR3SYappE+y6IE2pWRezCsfp5QyKCqD6kTVvkn2s5OpWEwEkctfljKsuONYeNaXwNx6R0"
    "bE77Ys+UREsjZTQA/JyVhHzzvkcXCkjA3rw5Vq2s7X8y0xdHXVSMEyvafNrVjmIhi4NSNr"
    "MkNeQUtddfsAutSfAcEIUJ4lpWvg9Icm8ERmAidunOdYTafAhU2BbiXzsUqdWXZrr1a39k"
    "do6gK/ajZwdE18OGy0YS4Q9sWdGR4d3/YGV23g0N7j2yHjy7gNglokubuPZ8CCPqX3Ho/j"
    "QEv2i8myqBQC6gOKgRLD4PzKKYjRsN+/HvzcBh79Pe52+kw2nZHye68zagMVMiZrkCorBG"
    "k1sGeXv8qcYGuWp9RNgu5wRutpq9LHUcDbJyYBpGhwlYexUaLDcfXjsXTDcc45pUhfxiTl"
    "Ac+U3t0o53lSNKoxS1Bj9vaMMlwine/HCeNXPFyiC80Zn6lLkaZbDYGZERux0dRQvbGKGg"
    "zeam7cMN1/BSDwiQGjRXPnMSBLZDoF913EpumZA8I25SZvUr6Aupa0O/bzETImv8I46SZL"
    "Ja3G4xsr8FiakiDbNu9bL+BnTgGlIEQm07yrowAkHfmOoPI1PgyR1C9G5uIsw/65OEvdQP"
    "xRfAet5ghbbssh5IEf2XktIK4f1/dSUPmF6MU65UQI5fFV5eNLRp+l77DjNFtlR9GKWjXh"
    "aHTfhi3QJidGKsUgg3CqHoQTLNoSuDuKTFZTDie2eaXqzXZnSH0mtnXrKtcNEfYYG9LcCD"
    "56g5VFaPRW9NGtPwygB/85jl0LQPYPsHTDABYBbD72f2oBMmXvPkLzGQliG3aZSNi2RzV0"
    "71fIpj2VvAWaGyDGQHiZAbE1RQ3hsPLtedkV6ZBGvHtWKbmB8wRdnRRNiZ8fD34um0uVum"
    "LdDc349YIoyhNMmSSU/BWdCBJQk4CaBNTeXD+ntysICam9AqT2+q2cjpXTFe/l5ANnI+h8"
    "n1RgzXnezISqUX/odkgNrhiLgdtbyQW/lro185Ik2uDB/Q9lwZYqk7v14D0Bj/bKSQTib3"
    "KM7ME3ch4EcNuePmSHoL5qmHFVKvlahhGXjrHFJJzbuotQ1um6Ls0MmeuYUEXTn/RcxnOc"
    "7HC8PZZkFRnnn87q47TvKh7n38OWbhkozdEWfrxRHUCxgdvbO6oqMk0eTo++q4Zt6i/oPX"
    "Tfo4j/LvDEVCm2OpsAnTydON4y9Rmxq5k6RJAaK5/ATYMTtHncz2fkLt34jFaydmNFHXJc"
    "Njn0Mm94DZH18l1xzC6kTJvKf5dFCGWEZ3VuriQ0ibBWRMIhMinfKsuXohfyXEghjVJKKV"
    "dZytLBICN236YYpHtBRuweAYerHbEbEoEAQ4gKKB1CiK6KQ7ZWcMEA70UoUELa7NW02f+0"
    "IYebBIZ7qgDCJHW6IktDnmUkXLn8ZNeWZRcuexdQH7A4km6aNspd+O56PL7jPT1cal5tbd"
    "Dt9fv8LZX/NsMo2OEjS1/I0/S+kKeJvpAyeC6d9cfpXMkSPLdehEXkHqOVKEaVUQxXWsou"
    "4XqpU8hi9EXBDYktvTK2FLJt8uBKITLJfhk7fIyCkODeq4B7/OQoBdjzJ6opZyNnrIzKrk"
    "JU9mZ18pW4XjE1MivTU3Xp3Nh1uGiYrc4QFeAqlx7ll19GyIA+Z8VC+NWdpUYL/q/9wvvO"
    "QSyE9v0jehOsvx6zT0hfQvWVhOqfdZxSh2E7COrTVjnYrnF1Pe4O7wYT5dfhXfdrb9QGmm"
    "6qTjKzd1jd4y+jXk+5HQ2v7roT9rEUIWVBiWar1j1OtlXu/dbt342vf+0pnW63Nx63g+hV"
    "xQ1G5SDr+Otlp/tLe126ugjE2spSEaKVXhCilWw3ywTyRGi+VJcQzb5E/Xq5LmdZeHyWzu"
    "OzBI+9JBWVmAVSW3yqOlmSJfpsiLuRMvJ0Pb5G6GB5DkVmNHq2o6HP86VhCUgli4Us1olW"
    "hL0RMsnaJGsd5igup4rqL/E5KlwYunHV+Z1pLnB1j7/1ekytWCL0fI9vhoPJ1zZw+kvdY7"
    "d9VtGuWSU3NHuBhs7MRErmeZ16UUrp0quyS8+VldN5pZiY16RSzlWWs4W+i4KP/j4eDlJ8"
    "Iz5BXK66aoF/A0M3j1Gh3SBSzoqINP2z8d1N57f4sdntDy/jYuITXMYOUX0On5BiU8HmSr"
    "fXIkQVvtMKGmznmeoknm+ok3ierJPIlACVN4og02k+RS1MJfW01IJz+fgaJZJsFRZ40Of2"
    "XHHrdOZgbZJQsrcihT2rxtN91vU0n+08vPWG14+te6ivHC30kJXDMTLJ6e2cdrF+pXAWvY"
    "heWkFVtoI8iRXMqU9SS2lXWdrrpri5q6cLKKWWldSyPP+rsqBoqn/Pc1slKQ+YhtM4yH1V"
    "NhzrcwxavJFCIWYHpAfk9m/sf+/Xfw7D+/J9wj4PXdBTg6s8mXxi4sN5iH/6cCQHCqTqTH"
    "8plEkUI5U3c6VvZpko+AYTBWXtzbpJXbDZvW+f3OuPq/zJgnHSGinhh04S1Bnb9CJpglFC"
    "KYGy8qM8vialkTvlYaJnCrWvmBQyp0dFF2CWvJL1sVECczOnnx0pexNnbITB7FuAwV2//1"
    "qFj/xEEkFqRCjHJD034iU0aGvF5CFGQGVz+I1DVYgB5589R4CwRXICHp7R6gHoptP6wBnK"
    "Wx8Q2wImWkC2OAg1k1WSS5xXpmlU+LRvgg1tSZlQczkjvfFVTs2ojCPnNUtMV6jrxz56vS"
    "50ZgkUqT8coayhxXa8FprAMDeLWeWmhNuOR74ibTj9jAyRyFCC7Qelwy6KpohHEOW66JOU"
    "9eP3XjpjvxBdK3RsRQjlwVXlg0vW7a4idCWrS9erunQHUV2dNQQYi/ekuQligcGYypSfeC"
    "ugxo6O93S44gVRU7i/N0SZBCQ1BC1a5+dZSjmcn6fXcuDPYuEObFPl4LA3vIbc3YuCyD7R"
    "EgZRpye9hUhk2lvOtLeEwnDIy+yv/wcWi8u/"
)
