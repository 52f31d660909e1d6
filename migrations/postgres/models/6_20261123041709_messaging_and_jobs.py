from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "job" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(64) NOT NULL,
    "payload" JSONB NOT NULL,
    "key" VARCHAR(200) UNIQUE,
    "status" VARCHAR(8) NOT NULL,
    "run_at" TIMESTAMPTZ NOT NULL,
    "attempts" INT NOT NULL,
    "max_attempts" INT NOT NULL,
    "locked_until" TIMESTAMPTZ,
    "locked_by" VARCHAR(100),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "finished_at" TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS "idx_job_status_920a13" ON "job" ("status", "run_at");
COMMENT ON COLUMN "job"."status" IS 'PENDING: pending\nDONE: done\nDEAD: dead';
        CREATE TABLE IF NOT EXISTS "device" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "token" VARCHAR(4096) NOT NULL,
    "token_key" VARCHAR(64) NOT NULL UNIQUE,
    "platform" VARCHAR(8) NOT NULL,
    "app_version" VARCHAR(32),
    "locale" VARCHAR(5),
    "active" BOOL NOT NULL,
    "deactivated_reason" VARCHAR(64),
    "registered_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_device_member__4bf1fa" ON "device" ("member_id", "active");
COMMENT ON COLUMN "device"."platform" IS 'IOS: ios\nANDROID: android\nWEB: web';
COMMENT ON TABLE "device" IS 'An FCM registration token; it belongs to one member at a time.';
        CREATE TABLE IF NOT EXISTS "inbox_message" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "category" VARCHAR(12) NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "body" TEXT NOT NULL,
    "deep_link" VARCHAR(500),
    "image_url" VARCHAR(500),
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "read_at" TIMESTAMPTZ,
    "opened_at" TIMESTAMPTZ,
    "deleted_at" TIMESTAMPTZ,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_inbox_messa_member__5c25d7" ON "inbox_message" ("member_id", "id");
COMMENT ON COLUMN "inbox_message"."category" IS 'POINTS: points\nREWARDS: rewards\nTIER: tier\nEVENTS: events\nMARKETING: marketing';
        CREATE TABLE IF NOT EXISTS "push_delivery" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "status" VARCHAR(8) NOT NULL,
    "error_code" VARCHAR(64),
    "fcm_message_id" VARCHAR(200),
    "attempts" INT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "device_id" BIGINT NOT NULL REFERENCES "device" ("id") ON DELETE RESTRICT,
    "message_id" BIGINT NOT NULL REFERENCES "inbox_message" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_push_delive_message_d05313" UNIQUE ("message_id", "device_id")
);
COMMENT ON COLUMN "push_delivery"."status" IS 'SENT: sent\nFAILED: failed';
COMMENT ON TABLE "push_delivery" IS 'The outcome of pushing one inbox message to one device (one row per pair).';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "job";
        DROP TABLE IF EXISTS "inbox_message";
        DROP TABLE IF EXISTS "push_delivery";
        DROP TABLE IF EXISTS "device";"""


MODELS_STATE = (
    "eJztfXtz4sa271fp4p84dZmpMWM7E7LvrsK2JsMOBl+MM8kZdsmy1Bhti26ihz2cc/Ldb7"
    "ce6NUSkhDQyH1qn4kt9WrwWv1Y67de/9NaYA0a1vuruYIQNG5NOIMmRCpsdcH/tJCyoD9k"
    "D2qDlrJchkPoA1t5NDwquHiEpqx6VPIyTvZo2aai2mTgTDEsSB5p0FJNfWnrGFHyr3Noz6"
    "EJFOBNBF4VZFvkF8tSnqAFMCKv/Mnb4FW35+B1DhEgRCugYmRBZEMNYNN9p5nw9T39YA2r"
    "5JN19LTDz3CQ/pcDZRs/udOTT/r2zWcHfe1P2Pr3v8kvOtLgd2jRMfTX5bM806Ghxfiva5"
    "TMfS7bq6X77FJ/6iP7szuW/lmPsooNZ4HC8cuVPcdoTaAjmz59ggiaCvnW5JltOpTxyDEM"
    "X2iBLLy/IBzifcsIjQZnimNQ8VFq7wuEz1qyPBxN5DtpIsutlGgDiogk/EeUpWRZkK9quQ"
    "x4ol/h3c+dzsePP3U+fLz4dH7200/nnz58ImPd75t+9dPf3pcJueVN5fKs/2t/OKFfCJO1"
    "561S+uBvl0axFY/KFUbI/UBcKRGQ/WBKyFm4QuiTb674izsmjAh5QiLkT01KJOB/nkiCB6"
    "FMwh1UXSit2/u7L12wdKz5FEk3vf6gC+BC0Y0puru56wJrYU1Rfyj3bm+7QEcy3ffFhLhQ"
    "vssGRE/2nPx6epEjn99746svvfHJ6cWPcSEN/Tcd9xUVVygevCSsk3XE2CIYG1BB7D0SJU"
    "vI5ZHQ7Uow6yc72C55K380GtCZF5b1l+FthcQ+GN7fXEqE9S7nySDdjm2PyHYIjj1ZsdM8"
    "vyb8svUFZDM9SZtgvOYTvw9+KCAF/zza8e6oQwaT/o10N+nd3MYEcd2bSPRNx326Sjw9Se"
    "6E9STga3/yBdBfwX+NhpLLTWzZT6b7ieG4yX+16HdSHBvLCL/KihblSfA4eBSTtHenKa+o"
    "gqSTtELSPEvaWVI5VNnRccoapLyn6664DmJCRRshY+WvwOMVu//tI2q9p6CX1S5jZJuVzG"
    "OQ8d70TKriz56ZamZoH8RF8RmbUH9Cv8FVSs9MMN83027WEx2ZGP4OVlrwNDz0yU2ytovi"
    "C5D8/eSvhp62ctW7u+pdSy2Xz4+K+vyqmJocYzh9gzs48WQ9Nv1q0VkknyiIWIea/3fQbx"
    "3nPMN0DmWyyV4uZhz3wBKaFjFPXZtUIWaqqmIH2V1iry5N/GQqC9+kbVPrlCyZ2cwzXR9M"
    "ohQ/AN0CCNvgwRv0kDaNd/IJDMNY2MC8nE3tHBvYtQTZFjCb/WuCemzew4ogZsF2zs8KmL"
    "BkVKYN675LGFX07EEO+wbI5nKCrBKvk2o1R6w+/bkIWPBzNljwc5LP8LsNTaQYsglnpZZz"
    "gq5pnL4osqYvspf0RWpFu2ivSTimkpuuDKtThE3j9WmnyKruZK/qTpLXS8WyXjE5CuaKNS"
    "/D6xQhzwhl5fP6vNB5fZ5zXp8nOa7p1tJQVrL7ewmGJ+lqWdtcsfvThwLc/vQhk9n0VZzX"
    "BlYVoxSXQ4r9recWRK29MLjIas5ey6mVTGEZ+b8xKsXgGNEeeXw/udoPk+u/Dx91055ryo"
    "oNsLHZHKXJg9aO78zI4S5FxhK8I1TQhJZtpZn3r7vRMMMAjBIluaerNvhfYOjWzuCq1j9m"
    "DlIpX8Cjoxu2jqz39PP+uasFnMNSyqQYJhks1JOb3h/JNXw1GF0mwUY6wWVSwcNZh/Jmn2"
    "hAu8ejI0RXyjhFbyTqFev6SMcU9a5v+sMuULSFjqbopjf+TZq47xXzGdp0xN397e1oPOkC"
    "y1kusWkngZXDOEl1S1bIYnxhSCzXSxqj26ObNNDOj9dLasKKHpU4pfCo8OJR8Zek8KO9Ka"
    "kX8aOtrWga6vNUSfwZUwivOT9i93Z7yoGX7WlKRZBFQiAZmuylP8nn38bQUFy+pldAXiTm"
    "kR0IWd6+2NayoGWRebdkV8+x53feTE1lVKA1qIYOEctQKsOvPjGdnkx30JU739GeM/lMW2"
    "I6XCYDkKW4ttqWjLt1J5yE8zVpue3Scx7doQz3eWIDZ/vQyXk9l63IyI2e9BGCwNKfENTe"
    "6Qho8EVXIfVxz5SFbqwAngFyyJJLYw5s/AyR9Qv5/QU/Ew4C3QYQaRaNBl8AxTDSTvS6J6"
    "/Zf35/378u4T13HF17T2l248GNICbuJ9F/zg4Bl7jm9UdPs4jqDO6fviFWXJh9DTMAiph9"
    "hmLZsmNVknuSVkj+mCTvHteV5B6nFIYeb4YeS8pkHVuYkWiSF8yQpGyex/djkXiGj9nxDB"
    "9T8QzkODRloigixq7K5nWcao+uhf24JHcSx+CZi3QvkO3CMH5yQs9SlI3jeP1OYBFxLyLu"
    "eRLDXiLuYzGB1NiVPWN3O6hl7M01oVM1iPM7RVnSuB4Da2GCfxsQFz2k8RHIYuBLD7gQ3D"
    "s8e2cpBqSJBFfjG2CtLBsuvMwDbzpAzGON/Fcn8wAFacBSMdn/zLSF7WcUaQocH+jtPPjF"
    "U0pYQtioyTAlcfzpCvUrMWVjXreKdeXt3E4E6nwoEu1KRmWH6nxIxbtakBxNdulY7gRZA7"
    "ld/1L2zvw0l7OjCkMKEVIYg2/qCCkU6Hn2TmguhsoZes4Z1nYkgi6Fowq0vMlSDs7ix1Vp"
    "oCtFWgns4ky2XGBdIWf3iXdxJomicFdqGcYgL/ItwPB+MDhUlYkBftLRZG5i23aZnEJw4g"
    "PaG9Ebg46X7SjBRuTms6IbUHODW2hoi2LbcLG0LeDWiCAvlrSqolcxwkVX6O8+8OK7DNLY"
    "TU1zboHePEPG9sg2ufzhjcMMTjufCqUof8rJUf704wasZkak7Zgs6yvzeoiS7M8N8mG390"
    "Ln9Oyns08fL87W18H6Sd4tkE45eSV/BLmpyeFtVjOimBM00JZqkrJlYJXqxeRIZNVn2WA8"
    "JWiFWs2bpEtkG+xS44j52hgKR9IXt0HfiLkBCzqKEMBLhaypeMBsG1g2UV41gJGxAooFdK"
    "Iu3H3pveucX/wCHnxg4MFNz6QvAVFx6OJl+I128AHCjcSxrZSnmriiLw3Ax6kapxTWj74L"
    "uDeb9c2Fe+H3pU5mqyD1OGUDpX4kUi6kmFYE9AWWfyTy9ZOsmBBvdl5RnKrO/CJ+RbshnS"
    "gHtI0ksm2J2DYzA7adwG3jq4unysB9DS6W2IZIXY2his24tp85qJ1nS+nhcGJSrccXCLp7"
    "NXUbAsWgSsYKqIpp6tTEcWwwwyY4URXDoGV9n+Hqxy6xh4hwoAWIEeNaP2T1EuECyhdW+F"
    "2tczMb6bghGPQthV9FD52jsKjWMisczRQQNDCOqf4SiYf0W3DF2ho9F9EOQ9BcR6MX5XGM"
    "qIGcPiuyiM+yF/FZahGbkPyZVvnAxyRdA5m9i/LM9KZNszk78jGk2Cry8XhMMhHiuF9FpV"
    "mQFyeumwG2rwifnUUgD0a0SGxErsnhF8wxsO0aY1GajWbHF/wKyNdceQk6Fi1+ogAyE/k3"
    "UoAHUAAInJCvAJH2zvO6OJpu0+EPJu0qgcgievgxbXrsYH7hwDlSc8NbAmkJZLI/JGhSem"
    "1toSV0w5dd0SFNk1i6l4Ud8USGJ1dpAaRphSDqCqcli7sGVNYrFzfAxyiGophseAzE8Ngx"
    "0anG/atJK2u518beZlbjS7I5vdkz2H0YNdSLGL9UDCWjt3x8QK4S6hcjeIyM3ah8TuYQqI"
    "o6p+HFzsJXDr2JfrAAVfeJEKw28MswA93t8Q4s8iWj2mNa66xz4i3UTX4Kiwjts6W8KLrH"
    "n+IKaIxGxDYn9SBqrdHPK6HRhxSCnSl9Xp+tUaKC/IySCIYmGSoK/2ez+jhxPUYQzLo+T2"
    "Vcb3PtqRGCE0z+qTsTj697uqhWm113KkOh3UpJDc0xhoIas9WKIKTFFFNvWgAVExHtMFD9"
    "ulRJXIFHqGKiJ651gzZQTKJuusgrGU1z4LyYyDVhWkHdxQdsVlS/JVTL8DKOBHESmm/RV+"
    "uv4b4U0CqXyq2AVuvVHNY+hxIsjdEIrpaxF3K7nWXbDLvsdbZ+crTNzmIHd0n9N0nbQA34"
    "eDVerrM3jieS5OikfFxRKsKc3Sz2IplZ/IDIh5ax8PW+NUHk+HpFmfA64Rrh7n0D7t60KD"
    "IRtYS8NiJriTVTrMHbAr/ABa0ThWd+eGAXREIA227yUeCspY5cYGPw39DE7JZu201XGj0j"
    "/wo0jE807Jn88Wn+01wFCTmL1MEVz8LxaXnOV2jd3tOQ9zupC5aOqc4VC05R72rSHw3Jkn"
    "d34RRdjob3d13wiJFjTdFY+iyNx70Bze6bQdNUDPpsILmTmOSIcucgo+6H1+4YB2n092uJ"
    "6K7uvLQwvxdZPEVXveGVNBj0vDcqZaThtYaYIumP2/74z64HUa/I97r+1/3d5EYaTsh30/"
    "7jWPbC70RQOo3ookgWUVJVjyQRXSTzLQRsWi/AF8JG5KKwlRKMZVAKDmdDqKX5m6IT3GVw"
    "l5xZBtGe2KpvdhJWgkzUoI9BK3UkaMVaqhdPQYwQNa/D32mnUJuLTk6biw4j3bN8M8XmNl"
    "E8L9RJ5Dynk8h5upOIgHGzud9cGJeo5bg8ihulElXXq2K4AkIXyC1PYtgVcuueFvtkLGen"
    "S1G+Rk/V0ghtFD3wsETGqVKiZeatN0uDlvFOu2UG7GJC12tObgSsl5GxhcBqAz55aUTRtH"
    "X3fzBof/ALHWSlR21ErmucuzSM7c8vsGxOsexAPikRFIOzI+RcI9pfe4OBNOmCV1qJzp6i"
    "W2l43R/+2gU+cDVF/bu7ewo7d4FuWQ79Yz18WrqRrj10Gi6g5uPP9JEX2uSi2L9L4ztv1A"
    "s0LfqMZ1RaWbAlnm0lLDJkfNRaam2onlD/RQTNWxVEjh0m4jx2HueRPoWE2buD/LK9RdD0"
    "XJlLiokyTJD4gFxDBHqD5DJRM/G0MVq6V0G+w79NrAUVut3XTjwGttdv4HcbmkgxgK4xSn"
    "TVNSmzLHC46sO/M6CUgxAaUbqLh6si3wopW2k1pODZ7qjoF7oo4ha6yPYKXaScQtE9UYLL"
    "CbIGsvq0kAvuNMcFd5p2wYm4n3otLKyqjmlW8mkmSBvo1DwSJ6ZIQRK+a5GCxI8yJgAULg"
    "QhHNkiBemIOM15CtIlzUb46na0bjHgk+jrdhHwxM1ukF9DigJ9lpYmXmD6a5g9YYGFokHw"
    "CO1XCBF4cJttW24PWVpt5wEizfuNfi54WBDR6ktDh+bDd1a3pR18Qs1Fz98KbLKlhZMNiL"
    "j/TbE121APxjfQQq+/cdJ6c5Q1MmKEDbQxjsSmKGRK+ideWRFHyISAuRZweIcxZAxVfaEY"
    "GXZjjDApZY/yvT9Ds2R8LV31b3qDk4t2J1HeKdq7S6QTvE1IJmWKHkaHv6J4Le2GqrhLM6"
    "XEx94X0uJVn0I2A5ICanxA5FZuJxr3k6ksaLQkXNpW21WqX+eK7cZQkvXoVgUg/9KPtFg6"
    "+7bTbaGgBx9dRp+M0tSjUx5WXY9plB8LKJQfM/XJjz9u0N0XOsKmrOlPOssHdEduFSMb00"
    "zQ7g9N6+yK9Z6l9LHz08XaSKK/5NlHd+SSGjCSk/3YamjKdI+UvPYZ1G/x7j/ttM8KX/5k"
    "OeoLZyFbNEy2hJmfohPF45lg72FuWD9+6CbUgxnXbHpQobs2rlxvvmil72TAunsfAgq9HD"
    "VHtYFKFsYTNlcAm+Dut3tw0nn/AfxfoGGHfCQjzmirmZjBRcTaJ7/S1y+KQRbgVsFEAhLb"
    "EhILpVElUSGk5hkia10R3f/XEa1vEyzaKSJLtgusZye54guBZ0Wws2zoLHkfePughB65Ju"
    "CZ61WjtGrvzywgDQFpCEijeZCGr0vdYkNXVznKlj+gkKK1DMcWaoTnYw7vXnUNAn8SYEHb"
    "TTH+hWhLFvnBgMDEr+BE18Dpj8CmiAS5T2czADXdZvfBq2le4YDkS9sysZPRTKGYvhWl39"
    "/dTxj3ilolda7r0ddhF1DKKRpKPRrDQLhOljK07Cm6v+0CZ8mB7qUpurGSVWVZYrXHaBpU"
    "4KW2yOJXCJ9LczVOJNjKSInFyJ6X5muCSjA2zdg5JoM0ZVUmuSBGI4A4RlFG3VzJVNWqet"
    "klptjjfeduGUtWZjY0ZRjmBZa5/4a0fgG98V6gOUU3o+Hky53c+zyRxjK5DYdumQTW50yR"
    "NLyWR5/lW2ncH9GKCIjoyTOKsOtYq3JjdopY1J1si7qTsqjXkqFfv8SeSdHtb9+c7tgTU/"
    "fGCcW9xdYJJ9nj5lmRhVx2s7jbw98PU/T/7nvjCd08fzmKadPt8yfZMl2wnvmwKqOlPyFn"
    "6UWxllj8STJxZySX/qNu2nNypZZmbZpQMDfdHJFWkCf3TOk0SgalYC+TvRBW5G6MUDCXvX"
    "YVQ67qOc+eQDA7m9mVzM0s8v0x+vxIGC0a3Wez+jgdJowIa//bp6X+uCqdFpoibRCWc9ik"
    "0JCzaYmIQryJbMXUMowlK5JvAYb3g8GhkhWlF4jsiSeRtEdw/bJdxBsI6XBPvO2i8c2WjR"
    "d+uSVAeAifTLeUME0lXAETLrFpg5MwisqELzp8bVOPnmO+wFUbvH//nhGHVe/Uwi/Il19Q"
    "zYRJMyImasVEOQoiPyuSlniWnZaYDksROZ87zPkUJZnqNQk8z7KhL1hx+Bv80WuqBmmFtT"
    "HWxjYxScsyNkElGMtoHkjUkRfGAXuJsQEVxOZrSJRg6SOh2tUxEFxq+42kvByNBjHL9LKf"
    "ME6G9zeX0vjkNBFomWa1CLDMXtXHiRdwHmB565dBabHadgTv2rl9O6KjilR58cfTYrYRC8"
    "c3bqD2yzp906txe+ItQGBhQgjB/9lQNHcXH8DMcfGG09d5ZXMTTT2iRRVFYw8+S+qGgi1q"
    "T4QUDbQo6jfXREndfZbUzWpaktvdsJF9S/ZcHZKP6gGHZn399QNEdeNtDRae9GOGP81TkO"
    "N1x7BZ7kYOCJrX+ngnl4ShI8jA+LI7q68JRE/12Caqo6e6X2/D6/tRGniN0DXp8q4z9sUh"
    "fwk5+SsoRgzixkQX7Vk98leraiiv1NGsqM/ll3qCuDGiqG2xG9guHYIS0jQIDN/z4jahik"
    "0tI9okW21JkDVPeakfTBCIeTbrm4WYi8YX3BxvovEFnzGOovFF0QBH0fhCNL5wRTH2cxla"
    "DAfo+l27SCSpGR290RH6dY7Bo4mdp7kNXud48Qt4xPYcKCYEJqR/FtRoLT5a9NZPH/rBAj"
    "PdtGyaMmnosxUtFxP4OtN+0B3Mvzmi9FuYSOaJOvgo4e889OWdU7AmIqOSKnSCtAYdmjPr"
    "5UhU5kIgurCUsjdicy2lxIFcCuqMEgolfQswyEv/rSSBNV09Angj912OjRSsa2ElbdbdE2"
    "dADYp7alekxTBCcILJPzsXwkH3QikRrA+BIhLY1hxyUFw7j7/JNYUCc0E2w8GbLKFsjjHD"
    "LqPhpnmBl8LY4NLYELF/IvbvDah8ImnO5XptfmwR6SdACgFSNBakWOuNZZWzBGGTzs6359"
    "LlDPvlAq2ImjvbOh0jUx3ZlihqLCeOg6Pw63K26hvi1vVQoUlGi7bI23YenuFHCdiFm7L1"
    "gEfyg0XbdLh9HN6DB0r/AHTL61Rqz+EKzJUXCBDt7EG/eBc8QoP8QgtJrwAdzsxsrXXuLe"
    "oD8RN9JRCVrM5ieYLI6i12vAHTe/fo2OQbyA6ydaO8zzxOK5zmPNujmJyapq5RRFuxWDpC"
    "NmbJIG1eQPd5IdjyPAe2PE/DlmvOVdpgaWqxxXjeYpBeRxVBnyStkDTPkl7vTKqFllYfWd"
    "QCZ6iM91QRgeB8/QiPzWxaWxp6CIzZ45JAYbRBLxOsHzspBG838JZ1rtYa6ZOVlSICfcpm"
    "pNSHj2UhY5sxscJgWKnAHhG9w8tV1c7BmkQN66CQUadIJaNOdimjTtLmNRVUpgBCMLw5MG"
    "p9dYDnxGShrTtL6rZRMuFIrmxY0HQ4eUH+EH1pMNWva6jqC8XIMOjT1Emb3iN/70+zK7mc"
    "7lYdYPH3Wrrq3/QGJxftTqJQcLQyQmKxw++sOLPswk1rgv0XbjoMSrKTEk0iTCn71GlumJ"
    "Lo5tU0qTNgS/fbp/Caw0QxUGuMaNfIvciZtpr/tr3JYpPVcOAuDbdEvesgMUPYctzZcnkO"
    "zc3dp7f0ae7p+Grd3/467l1LXeAsn0xFg1N0Pfo69J9p+BX5T0e/S+Nxnz4M0LDwmSwNr6"
    "Xr8I0MaQXAVjFRx3M8LoqkeCSPukiGx0VS/TuO4I+G7KVIwylsl2s45Y8X/v9C/n+hXTdN"
    "zyqiXROVBJd3SUaphE+y6oE2M/Gimlc+SSlkUFUG/ETVvkn2k5OpWkwEFstflDLk3HHMPO"
    "trYG6zIyOSd1uRfCIsWFsooAeXZKyr5+3zODhSxkb1Ya6attP1fIsNXV21MrBM/217I5a5"
    "DAduzMiazKFf0FJXvT6AHvUvACMITJolpWvg9Mc28EVmATdunOZYzWbAg02BbqfzsWqdWX"
    "Rr56tb+6Ni6Qy/ajFwdE28P2y0ZS0hCsRdGB69u5WG113g0k7R7Yjw5a4LwlokpbuPF8CC"
    "PmX3Hk/iQK/kL8avVaUQUu9RDCY2DMqvkoIYjwaD/vDXLvDpp+iqNyCy6Y3lP6XeuAtUhT"
    "BZU0x5BRWTD+zZ46+8wMielyl1k6Lbn9F62uH6OAp5+0QkAGVNWZVhbJxof1z9eCzdcNxz"
    "Tq7SlzFNucczRboflzxPqkY1FglqLN6eUYRLZPP9OGF8zsMlrhRrTme6MqGm2y2GmZEYkW"
    "tqqP5YWQ0HbzQ3bojuvwIKCIgBoYUL9zXAr9ByC+57iE3bNweYbcot2qR8qeha2u7YzUeI"
    "mHyOcdI8SyWrxuMbK/BYm5Ig2jbvWi+gZ04FpSBCJtK8+VEA0o58V1DlGh9GSJoXI3NxVm"
    "D/XJxlbiD6KrmDVguIbK/lEPTBj+K8ZhA3j+s7Kaj8gvVqnXJihOL44vn4EtFn2TvsOM1W"
    "0VGUU6smGo0e2LAV2uQkSIUYRBAO70E44aKtgbvj2GQN5XBqm3NVb/ZqDtVn7Ni3nnLdYm"
    "GPiSHtXPDRHywvI6M3oo9e/WGg+PCf69i1gUL+B2zdMICNAZmP/L9pAzwjTx8V6xkyYhu2"
    "mYjZtkc1dP+vEE17uLwF2jkQYyi8woDYmqKBcFj99rzoirRPI947q+TSwHmKrkmKpsDPjw"
    "c/F82lal2x3oYm/HqBJiwTTJkmFPxlnQgCUBOAmgDU3lw/p7crCAGpHQBSO3wrp2PlNOe9"
    "nALgbKy43ycTWHPftwuhamYwdDOkpqwIi4HXW8kDv151e+4nSXTBg/eDvCRLlcjdfvDfgE"
    "dn5SYC0YcUI3sIjJwHBty2ow/ZIqiPDzOOp5KvdRhx2RhbQsKlrbsYZZOu69rMkIWOsClr"
    "+pNeynhOku2Pt8eSrCLi/LNZfZz2Hedx/hKydduAWY626OtcdQAmBm5u76iq0LJoOD38rh"
    "qOpb/Ad4r3zIT07wJPRJUiq7MN4Pun9663TH2G5Go2XSLFNFYBgZcGx2jzuJvPKF268Rmu"
    "RO1GTh1yVDYl9DJ/eAOR9fpdccQuNIk2Vf4uixGKCE9+bq40NAmRVkXCETIhX57la8IX/F"
    "xJIY1TCinzLGXhYBARu29TDMK9ICJ2j4DDfEfsRkTAwBDiAsqGEOKrYp+tFTwwwP8lEigh"
    "bHY+bfa/HIXCTQzDPVMAUZImXZG1Ic8iEq5efpJry3Yql70LqfdYHEm3LAeWLnzXv7u7pz"
    "09PGpabW14JQ0G9JFK/zbDqNjho0hfyNPsvpCnqb6QIngum/XH6VwpEjy3XoRV5J6gFSgG"
    "zyiGJy15m3C9zClEMfqq4IbAlg6MLUVsmzK4UoRMsF/EDh+jIAS4dxBwj54ctQB7wUQN5W"
    "zsjBVR2TxEZeerkwfiOmdqZFGmZ+rSpbHraNEwR51Dk4GrXPqUn38bQ0MJOMsWwu/eLA1a"
    "8H/vFt53D2ImtB8c0Xmw/nrMLiF9AdVzCdU/6yijDsNmEDSg5TnYrnXdv7sa3Q8n8u+j+6"
    "sv0rgLNN1S3WRm/7Caos9jSZJvx6Pr+6sJ+VgTQnlpYs1R7SlKt1WW/rga3N/1f5fk3tWV"
    "dHfXDaNXZS8YlYKsd18ue1e/ddelq6tArJ0iFSE62QUhOul2s0QgT9gsl+oSodmVqA+X63"
    "JWhMdn2Tw+S/HYT1JRsVUhtSWgapIlWaPPBnsbqSBP1+MbhA7W51AkRqNvOxr6olwaFoNU"
    "sJjJYh1rVdgbIxOsTbPWZY7scaqq/pKcg+PC0K3r3p9Ec1FWU/RVkoha8Qrh8xTdjIaTL1"
    "3g9peaIq99VtWuWTU3NHtRDJ2YiSZelHXqxSmFS49nl54nK7fzSjUxr0mFnHmWsw2/s4KP"
    "/nU3Gmb4RgKCpFx11Qb/CwzdOkaFNkeklBUxaQZn48lN74/ksXk1GF0mxUQnuEwcovpCeY"
    "KyYzI2V7a9FiPi+E6raLCdF6qTeJ5TJ/E8XSeRKAEqbRSBZ7NyilqUSuhpmQXnyvE1TiTY"
    "yizwoC+chezV6SzB2jShYC8nhT154+ku63paz04Z3vrDm8fWHdRXjhd6KMrhBJng9GZOe1"
    "i/XDmLnkUvrCCerSBfYhVz6tPUQto8S3vdFLd09XQGpdCy0lqW73+Vlyac6d/L3FZpyj2m"
    "4bT2cl/VDccGHFNs2kihErND0j1y+w/yf+/W/+yH9/X7hAMeeqCnpqzKZPKxiffnIf75w5"
    "EcKIqpzvWXSplECVJxM3N9M4tEwTeYKChqbzZN6ozN7n/79F5/XJVPFkySNkgJ33eSoE7Y"
    "pldJE4wTCgnUlR/l8zUtjdIpDxO9UKg9Z1IonB4VX4BF8krWx0YNzC2cfnak7E2dsTEGk2"
    "8BhveDwaEKHwWJJIzUiEiOSXZuxEtk0MaKySMEgUrmCBqHqgoClH/OAgJMFsl78PAMVw9A"
    "t9zWB+5Q2voAOzaw4FIhiwObVrpKco3zijQNjk/7NshpS0qEWsoZ6Y/nOTWDG0fOIUtMc9"
    "T1Yxe9Xpc6sQSq1B+OUTbQYjteC41hmFvVrHJLwG3HI1+WNpx9RkZIRCjB5oPSZZcJZ5BG"
    "EJW66NOUzeP3Tjpjv2Bdq3RsxQjFwcXzwSXqdvMIXYnq0s2qLj2azdgQi/einQew4PUQUX"
    "vizYEaja89cTka3t/JtyPCirsueMTIsWQvz3+KbqSbS2ks35KdK3WBn029NHWVVpjojQd/"
    "htUlaJszv7JEEhwspD5dFNGekvd0RHm6SOpOIhtMZINxYhvsJBvM0BGjzEQ2j4Pxgr2F2M"
    "tN37kjOlCOzvbiovGcEPDuBGzBJ3aSUbYaECHZvyLQ+sfMQW6ZQ/Do6IatI+s9/dh/tpqi"
    "HiAbktflNLMYER9CoZ/XGKFElXc3DqWUdNjUQky7FdMcOywxZaICbOL9AYbHEp6PIKSXO1"
    "lHLwob/rvE2IAKYrOZRZ5g8iOh3xWX10/2u9wvR6NBbLlf9hNAy/CeIgknp+7aJ4N0G7L5"
    "7wEQC/LN9aXBjB28hiqxFw02/1nkyaPIo3/vz3N81k+OIK6lq/5Nb3By0e4kOB3NCGJxvH"
    "TrriRZg6JmaztM/nIUQ5+tyEfKfoFSHZa6WzMnENdr7ddrUHXEWkIW5LuxWsmaTuyE9E5w"
    "LGjJYUnOEuxlUO5Pazk9EvaKUiW7inqJOj3KHAoJMnEmsLpKPTmGUp63KTrBXFEdavPZUH"
    "N1KJHH/TYgZJHHnb2/jjOjV+Rxv0WpMzb7uulRKgztQAFqvRA3zApV68WgxQ1BawkgcnN6"
    "YM8P8vnBAsTuAngGFATcqbpANfTlEmrg5HUOEdBt4GKdwJ4r9o9kmAbm+JWMtb2XS0XXAH"
    "bsdKrgjj6DEWH3LdKh0Qvi+7cIujuGoDt/2VZTrhK04gTm5QQudO9aLIA0FxwSfizRMZuT"
    "Ey1kv3f9luV+lEowv65cDtGmuXAdkpJtmteZEVsydp2E0VC+Rvc1V2kxVxgRXdru23DRYl"
    "gc0de51obqDZT1YORGS0MK2lECnzbIL7AAJppNG2B3qGIYK0DbLLmFRaAJnGXaothyrs25"
    "Od9aS+fR0K051Sn/LYwGLo2Gxmfq9MaT/tVA6gLFtHXClin6vX8tjbrgRdcgnqJL6Ut/eC"
    "1Pvkjy3ZU0lGg6D5yTLyGTZS1bKvkrKuXm1N/hVeTmHCTCwV0nZXNzYkTN8wrtJHlEJEHt"
    "idGRaznF6XyYKE7ZQJDoSEChQj44B1UXdJJWeFt5lrTwtmYfpw1GfYW3tWFSz/K2inrNhz"
    "ah84BSUa+5IE5aqF7zoSC9hZu/yoTzFkFqax6Ut1gQedgrWY0M32Xlm2/uweLzkvxLXn+j"
    "B8ccBwyO3O0CfeMTfaMITZr/E/I0G9HhHXGrRQOX/pjkAznrO3kwGv4aDE+iO38LLbnR+l"
    "IRLXmuaxpEFYQeIxT2Lz8qcVrGsWuv+F0WIxORA5XDNiKKSHHmR4gE6+uyRShTa7BDbvEx"
    "e4Y2GiKRpVcgXMM7JWrgauMDYWLnKVfmnfSSYdx5L9rFTDv4UtSwW4drv6OhFMAldDu3AA"
    "WoylJRyXRuZLYCXhXdpp7Y7JDvknOIoqkcn93tDcag8O/v3b9vYDWjZk1OWcgITfOczp1C"
    "TudOjtO5I0pDvklDTJSGbLiAA8UjLeHsXq0RkiZZevUVHcBoppsLWKZ8ToxG5PGkWEotMc"
    "OoBvYmaAX0x/WBJED9NwjqiyAIzoBHEQQRrLQjDoL41cTOssVAybwX7WIo2dN6sGj8IzAs"
    "gWHtA8MSWtBb1IJEMbW3YeMIbVdou3xJoTHarueTt+Z6tt4bGVJQA17EKWpVg7+11vq1X6"
    "FDVOfi5sjI04z/g3VU6aqOEQoFjZebu4iCZsCZXUHiETKhmHGtmDnUdHKQrTNy1vNlnCAV"
    "cuZZzo8KqnZ2xwiFjHmWsatWlbawolRNcm7vOYJc1F3kybxdWxhb2rZrt8GRCaGodRvd/A"
    "UCyUVFxcKwQYGKiocBDW7If0w39HOAn1oMyCA+oF0QMFgTyYZPtTHCfDKHQHE03QaUlUaX"
    "BoibKxBOBRS371gbvM4xsDF+psW/abz463yVDjbffjrhs+P4tG/nIBOeYNMSKFYEMKTmOS"
    "m59aV/Lcm3o7tJF8x1DcpUfZwi9+nV6OZGGgYv/Pz9Kbq5n0hdQO20KbrsDbuAKPNTdD90"
    "f3YQ+S25iYrEVp9eFAitPk0qwmFkNX2VbAilWOWi10MKnkVWMXh9JxXTKpn4wrg/CsNP+M"
    "6zd1ZzoVlybVXJGI9QCW9qVWvfv2JLcz9OJ/hflf8HgroE7w+JdAnudw9UqeLNcj4HYnQv"
    "0n1CYZwJoXBJhYjCEQPCyBcAw/vBoJU+2feI3B4pV7kHbo+Ur2U74ey3XM2RMrVctZpI+c"
    "ktuRqpe9lMxsbNCa7cDO6KZngXgpVexKkQbK4dVyGNnqWiDCm/ylg7xwMgypDusQzpumNJ"
    "qTypONX+k6Va/5g5yHX1gEdHN2wdWe/p5/2ztX+xiBQqAQPHxonqsMLBI6rDcqVsHBxtfr"
    "vMF5F9m461ugEiUSK2MJ7JbYnYMfQjmRhm9/pdu5jpbUbHb4zkGyEIAgqwhKZf9tX9kd6F"
    "4ESdK+iJsJ+G3JlwaSgqtMjPP6bD+Laci5lwGAAJIt+Qt5O+nWPTN76x76D/m9QlNu8znK"
    "LB6Hf6M34hP19JA+ly3KPBeyo5XR7pV52i/vCu/+uXyef7QRcQ21V/mtszx0jun0IRfJ0i"
    "EXyd7Ai+TjK6TJie2aw/TtOTYZekG7mJnJc3FwrwdlmfY5SIphX1uwFFrtHx5xqN4RKbTD"
    "eg/6awNbIeLSryvTk7QKSH7D49RCjw2dw/TgW+iO+IzISNauX3EqTCf8SPncZIEBLpCm/P"
    "UhOcd48pqjlWACkShMJWrstWDhgrLLvNll1iEYp4ZBGPzDVjOY5HHlsvzAKp7vN2QRgiGF"
    "u4eeYPFnD9k0ChlUa8Dpi/AHsO1w0vgW4BC5pEkwY6Ag+69gCwqUEzu5nmlnMyHaTrvqAZ"
    "HlJ/hC9Yss5tx2USDZcWqAmXqEkopCr+05CaZwSldTUafu6Pb6TrLlj3E5uir73+ZNC/m9"
    "DHwZ6gz696wytpMHBHBy2yhP+Uc12pwfCLs9QqSj1OKaTOi9SLeM2jN2nxyzFKJYzRyniA"
    "CFngCQtYq51bGlbSSzGzijchFLWroptfuM7fhOv8Gr7oKmwxLFb/TTvPZtXCMZttVQQ+X9"
    "0AEz7pdKgbd2vjZ4h+oQG2j9DA6MkiTwBGMAjGpaYncHWMtJm69XRFcnZjgqPBwi9QWKKc"
    "WqKu9NmGKJv9awKebc+K3vuzDz8XqZ9Jh2Xaj97LuGLj8kx+hoy+5hsYHRDVw+zDrvcYqy"
    "/OCjD64iyTzfRVwo9nKPYMm4uqqEqUnue13eqP7rpAx9YU9YbX41H/uksLJZtYp+iKdNkF"
    "r/CxCnLyqYBEPmUK5FNSHuQClF+gaWUW/83Ii4yTVZIEZwh9nM0fiwBUH7MBqo8pgMrAqm"
    "LAMkwOKZrH3/MiAVjZ4VepZezpL2kVBWMDKihjEa+JEvx9JFS7OkqCw3y/8TaXo9EgBu5c"
    "9pNVKu5vLqXxyanLczJItzPsf83NLHtxwbPycYVs6uat7/pvTs8cgGbFWLMEsQA8eQE8Bc"
    "z9FqUuksO4NMJzkFYBCR4/JNhHj/j7DbQs5YkJDMbet/PgQZ2OlBeRobutsBfjqYgZ4Rap"
    "Uwm3nrCZgSFtxjei9FzjG7cjwoy7LlhiKoApGktfe+Nr8sCEdJ+SJ5O+NCZLQIfmFEm/S+"
    "5o1w1D3t30xr+R+3X4axcsFPOZKB/oqQoaUn8cia3b5az0NQHP4qpoxXQKJUp1chKlOulE"
    "qUesMbZHdqHJYHwj+Junnu6i0KQG4VI2dPRczkiPEDXPNt9J+t+6NmcZRseIBKMLMZpevW"
    "keZxdNDcbzUS6VfqwolypiLjmFJYqlvCrVIEhFpLryhzql5YuXsFqj+xihkDHPMvYgmSpC"
    "jlMKKfMsZQEgCwCZJzEcP4B861jza2jotC96i9WbJfq+nQcgL8lI+oeFQwt1e8eOreIF+e"
    "8M0BloDVcaBerC0cCHo4PQUC+EFZzQn0386tV/VXSTUTK23qmZCZIRrNyPrRVFZLk5tto5"
    "kPabSIO8c5u/W27T98+9vpvhOFP0iumNNQfpQdPEJuGpVgqYjlM1D12qP8Rmpi4Clx5Tac"
    "rmdZqyefzeiTNAsW24WNqM4yW7J0eEZH/a6eluz/jO6dlPZ58+Xpytj/b1k7wTPR2eJ0KF"
    "sll9nJhckVAhT6MqbenFyISlt0VObPalkW9p51wZQgD5Asg1tde2xpa2djIi6MikUdziji"
    "7EAgmyYXrklgwOczEbytrYGcsVmPEv/NhiYBj0cTsPuviPP2C3EW+h4Wg6SDSOPfRlV6XJ"
    "DJv7x9BYhhuTdKmsDKww+Jsd8BAhETEPMf29jpiHkvnB22QGJ9EAjhKDd4IFHB/Q2FpCpA"
    "Whq2WCZ6XhtRv86tNP0TWxC7tAwwiSn6XeNfkZKjxgj/7lmxLKhmAPp8a2uLyd+ceLG6Rd"
    "xEeDv33YrQ5VG/5G92IFpibJ9sfYT0fCWAOrz1CTHWTrjBjb/OMoSSvCVng+k3xpPZZStG"
    "JEzXO+nBZSuE5zFK7TtMJlKJYtu27CNKez8zHiVE1g9b6TMkTcdPaqP04fTZG46ZmOdGte"
    "SewJUnF98XZ9pXwRh0F0e9DU1XmLAer6b9p5uK4SjuGmR+BbwXC3VJOz0dkKxb22LezF3Z"
    "0Sh67Oi9SeIqOyoavzdP2p5bIMh/3hDeTuTvRU8ok2s8xxNggeIdk/CH6Yi7I2uPugl9nf"
    "/x/ZtgjY"
)
