// Apollo Client 4 with its defaults against the live server: persisted queries over hashed GET,
// typed errors read through InMemoryCache with the shipped possibleTypes.json, and pointsChanged
// (graphql-transport-ws via graphql-ws) updating the cached me.balance.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

import { HTTP_URL, WS_URL, firstValue, pause, rawGraphQL, recordPurchase, sha256, signUp } from "./common.js";

const possibleTypes = JSON.parse(
  readFileSync(new URL("../../possibleTypes.json", import.meta.url), "utf8"),
);

/** Every request Apollo sends, as the server would see it (method, URL, parsed body). */
function recordingFetch(log) {
  return async (url, init = {}) => {
    log.push({
      method: (init.method || "GET").toUpperCase(),
      url: new URL(String(url)),
      body: init.body ? JSON.parse(init.body) : null,
    });
    return fetch(url, init);
  };
}

function apollo({ token, links = [], log = [] } = {}) {
  const http = new HttpLink({
    uri: HTTP_URL,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    fetch: recordingFetch(log),
  });
  return new ApolloClient({
    link: ApolloLink.from([...links, http]),
    cache: new InMemoryCache({ possibleTypes }),
  });
}

test("persisted queries: the second identical query is a hashed GET without the document", async () => {
  const { token } = await signUp();
  const log = [];
  const client = apollo({
    token,
    log,
    links: [createPersistedQueryLink({ sha256, useGETForHashedQueries: true })],
  });
  const ME = gql`query Me { me { id email } }`;
  const first = await client.query({ query: ME, fetchPolicy: "network-only" });
  assert.ok(first.data.me.id);
  const before = log.length;
  const second = await client.query({ query: ME, fetchPolicy: "network-only" });
  assert.deepEqual(second.data, first.data);

  const sent = log.slice(before);
  assert.equal(sent.length, 1, JSON.stringify(sent));
  const [request] = sent;
  assert.equal(request.method, "GET");
  assert.equal(request.url.searchParams.get("query"), null, "the document was sent again");
  const extensions = JSON.parse(request.url.searchParams.get("extensions"));
  assert.equal(extensions.persistedQuery.version, 1);
  assert.match(extensions.persistedQuery.sha256Hash, /^[0-9a-f]{64}$/);
});

test("a typed error's code and message survive InMemoryCache through `... on UserError`", async () => {
  const { token } = await signUp();
  const unknownGroup = Buffer.from("Group:987654321").toString("base64");
  const FEED = `query Feed($g: ID!) { feed(groupId: $g) { __typename ... on UserError { code message } } }`;
  const expected = (await rawGraphQL(FEED, { g: unknownGroup }, token)).feed;
  assert.ok(expected.code && expected.message, JSON.stringify(expected)); // the server sends them

  const client = apollo({ token });
  const { data } = await client.query({ query: gql(FEED), variables: { g: unknownGroup } });
  assert.deepEqual(data.feed, expected);
  // And read back from the normalized cache, not just the network result.
  const cached = client.readQuery({ query: gql(FEED), variables: { g: unknownGroup } });
  assert.deepEqual(cached.feed, expected);
});

test("pointsChanged over graphql-ws updates the cached me.balance", async () => {
  const { token, memberId } = await signUp();
  const wsClient = createClient({
    url: WS_URL,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const client = apollo({ token, links: [] });
  client.setLink(
    ApolloLink.split(
      ({ query }) => query.definitions.some((d) => d.operation === "subscription"),
      new GraphQLWsLink(wsClient),
      client.link,
    ),
  );
  try {
    const ME = gql`query MyBalance { me { id balance { available } } }`;
    const before = await client.query({ query: ME });
    assert.equal(before.data.me.id, memberId);
    assert.equal(before.data.me.balance.available, 0);

    const POINTS = gql`subscription Points { pointsChanged {
      transaction { points } member { id balance { available } } } }`;
    const event = firstValue(client.subscribe({ query: POINTS }));
    await pause(300); // let the subscription reach the server before the purchase
    await recordPurchase(memberId, 4200);
    const { data } = await event;
    assert.equal(data.pointsChanged.transaction.points, 42);
    assert.equal(data.pointsChanged.member.id, memberId);

    // No refetch: the event's Member entity updated the cached me.
    const after = client.readQuery({ query: ME });
    assert.equal(after.me.balance.available, 42);
  } finally {
    await wsClient.dispose();
  }
});
