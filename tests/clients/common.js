// Shared setup for the Node client tests: where the live server is, and plain-fetch helpers
// for what a till (integration client) does. tests/clients/test_node_clients.py sets the env.
import { createHash, randomUUID } from "node:crypto";

export const HTTP_URL = process.env.LOYALTY_HTTP_URL; // http://127.0.0.1:PORT/graphql
export const WS_URL = process.env.LOYALTY_WS_URL; // ws://127.0.0.1:PORT/graphql
export const TILL_TOKEN = process.env.LOYALTY_TILL_TOKEN; // scope purchases:write

if (!HTTP_URL || !WS_URL || !TILL_TOKEN) {
  throw new Error("run through tests/clients/test_node_clients.py (LOYALTY_* env missing)");
}

export const sha256 = (text) => createHash("sha256").update(text).digest("hex");

export async function rawGraphQL(query, variables = {}, token = undefined) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(HTTP_URL, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (response.status !== 200 || body.errors) {
    throw new Error(`${response.status} ${JSON.stringify(body)}`);
  }
  return body.data;
}

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) {
  __typename ... on AuthSession { accessToken member { id } } ... on UserError { code message } } }`;

export async function signUp() {
  const email = `node-${randomUUID().slice(0, 12)}@example.com`;
  const data = await rawGraphQL(SIGN_UP, {
    input: { email, password: "correct-horse-battery" },
  });
  if (data.signUp.__typename !== "AuthSession") throw new Error(JSON.stringify(data));
  return { email, token: data.signUp.accessToken, memberId: data.signUp.member.id };
}

const RECORD_PURCHASE = `mutation($input: PurchaseInput!) { recordPurchase(input: $input) {
  __typename ... on PurchaseRecorded { transaction { points } } ... on UserError { code } } }`;

/** The till records a purchase of `amount` cents for `memberId`; 1 point per euro. */
export async function recordPurchase(memberId, amount = 4200) {
  const externalId = `node-${randomUUID()}`;
  const data = await rawGraphQL(
    RECORD_PURCHASE,
    {
      input: {
        idempotencyKey: `k-${externalId}`.slice(0, 100),
        member: { id: memberId },
        source: "pos",
        externalId,
        amount,
        currency: "EUR",
        occurredAt: new Date().toISOString(),
      },
    },
    TILL_TOKEN,
  );
  if (data.recordPurchase.__typename !== "PurchaseRecorded") {
    throw new Error(JSON.stringify(data));
  }
  return data.recordPurchase;
}

export const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first value `observable` emits, or a rejection after `ms` (a hang guard, not a timing assertion). */
export function firstValue(observable, ms = 10000) {
  return new Promise((resolve, reject) => {
    let subscription;
    const timer = setTimeout(() => {
      subscription?.unsubscribe();
      reject(new Error(`no value within ${ms} ms`));
    }, ms);
    subscription = observable.subscribe({
      next(value) {
        clearTimeout(timer);
        resolve(value);
        queueMicrotask(() => subscription.unsubscribe());
      },
      error(err) {
        clearTimeout(timer);
        reject(err);
      },
    });
  });
}
