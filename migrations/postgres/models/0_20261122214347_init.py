from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE "member" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "password_hash" VARCHAR(255) NOT NULL,
    "display_name" VARCHAR(80),
    "locale" VARCHAR(5) NOT NULL,
    "time_zone" VARCHAR(64) NOT NULL,
    "birthday" DATE,
    "interests" JSONB NOT NULL,
    "role" VARCHAR(16) NOT NULL,
    "is_active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "password_changed_at" TIMESTAMPTZ
);
COMMENT ON COLUMN "member"."role" IS 'MEMBER: member\nADMIN: admin\nMARKETER: marketer\nSUPPORT: support';
COMMENT ON TABLE "member" IS 'A person with an account: a program member, or staff when `role` is not `member`.';
CREATE TABLE "member_channel_preference" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "channel" VARCHAR(16) NOT NULL,
    "opted_in" BOOL NOT NULL,
    "consented_at" TIMESTAMPTZ,
    "withdrawn_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_member_chan_member__65e63d" UNIQUE ("member_id", "channel")
);
COMMENT ON COLUMN "member_channel_preference"."channel" IS 'PUSH: push\nEMAIL: email\nSMS: sms\nIN_APP: in_app';
COMMENT ON TABLE "member_channel_preference" IS 'Whether a member wants messages on a channel, with when they consented or withdrew.';
CREATE TABLE "auth_session" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_used_at" TIMESTAMPTZ NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "revoked_reason" VARCHAR(32),
    "user_agent" VARCHAR(255) NOT NULL,
    "client_address" VARCHAR(64) NOT NULL,
    "member_id" BIGINT NOT NULL REFERENCES "member" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "auth_session" IS 'One signed-in device: a family of refresh tokens; revoking it ends them all.';
CREATE TABLE "auth_integration_client" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "client_id" VARCHAR(64) NOT NULL UNIQUE,
    "name" VARCHAR(100) NOT NULL,
    "secret_hash" VARCHAR(64) NOT NULL,
    "scopes" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_used_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ,
    "created_by_id" BIGINT REFERENCES "member" ("id") ON DELETE SET NULL
);
COMMENT ON TABLE "auth_integration_client" IS 'A point-of-sale or CRM system with client credentials and scopes.';
CREATE TABLE "auth_login_throttle" (
    "key" VARCHAR(128) NOT NULL PRIMARY KEY,
    "failures" INT NOT NULL,
    "window_started_at" TIMESTAMPTZ NOT NULL,
    "locked_until" TIMESTAMPTZ
);
COMMENT ON TABLE "auth_login_throttle" IS 'Failed sign-in attempts counted per account and per client address.';
CREATE TABLE "auth_refresh_token" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ,
    "session_id" UUID NOT NULL REFERENCES "auth_session" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "auth_refresh_token" IS 'An opaque refresh token, stored only as its SHA-256; `used_at` marks it rotated.';
CREATE TABLE "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXW1z4rYW/isaPu2dIZkseW16pzMkYbt0A2QCue206TjCFqCJLbmWvCy3d//7lWSD38"
    "EQIMb1l00s6cj280jyeY6Osn/XLGogkx3fTiAhyHxw0Ag5iOiodg3+rhFoyV+yG9VBDdp2"
    "0EQWcDg0PStkDZGj6Z6VZkfNhow7UOei4QiaDIkiAzHdwTbHlEjzXyeIT5ADIPA6AlNIOB"
    "MXjMExYoASUeV3XgdTzCdgOkEECKMZ0ClhiHBkAOqoOsNB02N5Y4Pq4s6YjHd4D5fgv1yk"
    "cTpW3Ys7/fGHD4es9jus/fmnuMDEQN8Qk23kpf2qjTAyjQj+2JBmqlzjM1uV3eBxm/BPqq"
    "18raGmU9O1SNDenvEJJQsDTLgsHSOCHCieWpRxx5XAE9c0fdLmXHhvEDTxnjJkY6ARdE1J"
    "n7T2HiAoq2latzfQ+q2BptUS1M4tQkz4RRJSMSzEozIFwFg+wtEPjcbp6WXj5PTi6vzs8v"
    "L86uRKtFXPm6y6/O49TICW15XCrP1zuzuQD0TF2PNGqSz4rmwgh56VIiNAf05XggIxH5wW"
    "cS1FQls8OfQHd4SMkHmMEfGqcUbm+C+jZF4QcBLMoM1JqT089T9fA9tlk2fS6jTb99cAWR"
    "Cbz6Tf6V8DZrFn0u5qzYeHa4CJJud9PhIt+E0zERnzibj8eLGEn/80H28/Nx8/fLz4V5Sk"
    "rl/TUFWSroAeagvoNExSpgilJoIkfY6EzWK8DIXdrohZlOxguiwb+b3evezZYuwv05sKsX"
    "nQferctAT0CnnRCPPI9AhNh/myp0GexPxO4MWxhdJBj9vGgDd84+P5LzlY8NejHc+ObXAw"
    "aHda/UGz8xAh4q45aMmahiqdxUo/xGfCohPwa3vwGchL8Huv21JoUsbHjrpj0G7we00+E3"
    "Q51QidatAIYzIvnhdFmPa+aXBKNmA6blsxXWSmXVvysMmMjlpugeU9fe7y+yAOgkaPmDN/"
    "BB4u7f7Th9x6z0Ff17uMmK12Mg+B4735mdLFH72mupmBPohS8Yk6CI/JFzRL+Jkx8H2Z1l"
    "l0dGA0fJ+PtHlpsOiLL8lCF0UHoHh/8dbI81Zum/3b5l2rpnAeQv11Ch1DiwAua2iDxkoW"
    "bZNVVsOKl0Ai1KHhv4d86ijyKdI54GSVXs4njpvARg4T8lRpUihkqq5Tl/BroVdth44daP"
    "mSti7VqRgyo5EnXV8c4RS/AMwAoRy8eI1ektJ4J3dIEcaVBi7K2lRfooGVEkxXwOnwLwy2"
    "o3nfl4KIgm2cn+WQsKJVpoZVdVFRZUPGplSsPxPIJuvgnDAscoxhY8TPcyF+vgTx8zjiBm"
    "a2CWeaul4D8LjdRngXTMpE4b46yYH21Ukm2LIqirVJdWiuhXJgsb/xXEOktheA84zm7LGc"
    "GMlSWGn/pWQtgCNGe8T4aXC7H5Av8qzSF9mL9EVijR5ih08MOEuXyOkwh22WiePDWzOWoC"
    "u1bQw7YYWEcOUsCd4v/V43w4ULG8XRwzoH/wMmZjsTnLV/j1yiS1zA0MUmx4Qdy/v9tKsB"
    "vARSCVIkqjAfqB86zd/iY/j2vncTDxfIDm5ipEg/fdNdjbntHpeOQB+ts63Racm49rWvVZ"
    "5J867T7goRY1iYPJNO8/FLa6DqofMqVKRo0X96eOg9Dq4Bc22bOrwY2xyYaUIR4q8pjC3d"
    "54jY7XGjY+6gH+4+h4M2jIlGLauYaFFiov6QrCLh/yjW80TCFypabtaPN6I/o4tq36s4tH"
    "uzPRGCz44VJ3JAQklMKZ7sjd/Jpy+PyIQK1+QIWJZLdWALQla8PjK1GGJM9PtGuJoun/S9"
    "nsoK1Nxr0E2MSJpQWgevtpBOY0c1ulX9Hew6kwRtlzs44XGWso0TG4bZezli1ZloLNRy5Y"
    "5OjyDA8Jgg4wgTYKCvWEdyr2UELWzOAB0BsVSIpW8COH1FhP0orr/SV4EgwBwgYjCZlWgB"
    "aJrJzZxtd77lfZynp/bdGrs4rouNY2mzm52EkO5Xd5L/nL2H6Fci8dT7Poa/fOrVV+QsVu"
    "KlZG5sHvFiQsY1l23Ee9y2Yv6QmFfL9Ua8Ry0ruVI0uZLGshjHjKYkPGdv9yQty7dvedrI"
    "EXM9bWTGXGVVNAQolkNHE44iSZlV2VhHrfYYIN/PxtpOduM90SPngpguKdonG+2kZekQ3/"
    "5WZpX5WWV+FomGvWR+hr+jSuxqnth9W6Tl0etrILsqEfI7jbIko1MpsZbUENaKiAsObPw4"
    "Wr7gSxPYVNge0dERgyaSCa23jx3AZowjy8uA9boDQh4b4icW/QBIDMB0KuZ/avrs23us0m"
    "ULvKDXl4VfPKckjYSVnkwqE4efNrt9J2bdzM03ZWwWbd2OpZuc5MnZFK2yE05OElmbDIml"
    "ia+dkRwzKyHa2x/K3pqfRDk7Ny6wqBLjIuGbbSTGVdHz7JlQ3hhqwaLnBYu1HQjRa8VRq2"
    "h5mVmer8XD2dqBroTpRsGugnFbiFhXgOw+410FYyJvuCsxDCMhL/EUoPt0f/9ep53v6RiT"
    "wcShnCuQExGcaIP6yuiNKdtrPGywMnLzCWITGSq5Raa2QM6RZXMG1FllUWHLv+7lnVxW0R"
    "V57Qde/C2DZOxmS32+IXrzilKmR7bk8puXLmbwsXGVR9Y2rrJlraxbHqsZCbZdJ019ZX4e"
    "wib72wY52e13ofHx7PLs6vTibPE5WJQs+wokD05MxUuIL7VYvJ3NRFRqByXUUmVytkyqS7"
    "9YLIlpfydghXiK2VZuddGYXiNnfpceR2SvLcXhiO/FrfA3ItuAOTeKCKA2FGMqmjBbB4wL"
    "59UAlJgzABnAwl3of24eNc4vfgQvfmDgRR0ylJVAuDhy8KbsG+3gBtU2UoG10jLXRFG/dg"
    "A+alU6p3D70fcq3JsNfXnDveibjUVvG7AetSwh6wfCci7HdMOAfhXLPxB+/UNWqSHe7HNF"
    "Uattni8qLrUrjhMtCdqGDrK9MWJbznOc9VjcNjq6ivQXKpvIwfqklna00aupL1VNQZtVSi"
    "kb0y2rkX+KFHljeC5bZHxFTvrkzlYYIZMSpvfs5ICD/98l5EXYb15CdHeSqibuyFNP6WQn"
    "UIVM9p9B9T4OwNZypd41HPj9/1OApXA="
)
