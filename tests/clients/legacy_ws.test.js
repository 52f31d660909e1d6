// The legacy `graphql-ws` subprotocol (subscriptions-transport-ws messages, what Apollo iOS and
// Apollo Kotlin speak by default). The subscriptions-transport-ws package is unmaintained, so
// this is a minimal client over `ws` speaking its messages: connection_init/ack, start, data.
import { test } from "node:test";
import assert from "node:assert/strict";

import WebSocket from "ws";

import { WS_URL, pause, recordPurchase, signUp } from "./common.js";

function legacyClient(token) {
  const socket = new WebSocket(WS_URL, "graphql-ws");
  const inbox = [];
  const waiters = [];
  socket.on("message", (raw) => {
    const message = JSON.parse(String(raw));
    if (message.type === "ka") return; // keep-alive
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(message);
    else inbox.push(message);
  });
  const closed = new Promise((resolve) => socket.on("close", (code, reason) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`closed ${code} ${reason}`));
    resolve({ code, reason: String(reason) });
  }));
  const next = (ms = 10000) =>
    inbox.length
      ? Promise.resolve(inbox.shift())
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no message within ${ms} ms`)), ms);
          waiters.push({
            resolve: (m) => { clearTimeout(timer); resolve(m); },
            reject: (e) => { clearTimeout(timer); reject(e); },
          });
        });
  const opened = new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  const send = (message) => socket.send(JSON.stringify(message));
  return { socket, opened, next, send, closed, token };
}

test("pointsChanged through the legacy graphql-ws subprotocol", async () => {
  const { token, memberId } = await signUp();
  const client = legacyClient(token);
  await client.opened;
  try {
    assert.equal(client.socket.protocol, "graphql-ws", "server did not pick the legacy subprotocol");
    client.send({ type: "connection_init", payload: { authorization: `Bearer ${token}` } });
    assert.equal((await client.next()).type, "connection_ack");
    client.send({
      id: "1",
      type: "start",
      payload: {
        query: "subscription { pointsChanged { transaction { points } balance { available } } }",
      },
    });
    await pause(300); // let the subscription reach the server before the purchase
    await recordPurchase(memberId, 4200);
    const message = await client.next();
    assert.equal(message.type, "data", JSON.stringify(message));
    assert.equal(message.id, "1");
    assert.deepEqual(message.payload.data.pointsChanged, {
      transaction: { points: 42 },
      balance: { available: 42 },
    });
    client.send({ id: "1", type: "stop" });
    const done = await client.next();
    assert.equal(done.type, "complete");
    assert.equal(done.id, "1");
    client.send({ type: "connection_terminate" });
  } finally {
    client.socket.close();
  }
});
