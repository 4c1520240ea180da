// Requests to the ConvGrad API (../shared/API.md), relative to the page so a path prefix works.
// When the server answers 401 (API.md "Access control (optional)"), the learner is asked for a key,
// kept in sessionStorage for this tab only and sent as `Authorization: Bearer <key>`. A 429 or 503
// with a short `Retry-After` is waited out and asked again, twice at most.
import { askForKey } from "./keydialog.js";

const keyName = "convgrad.apiKey";

/** An error answer from the API: its status and the contract's {code, message, path}. */
export class APIError extends Error {
  constructor(status, error) {
    super(error?.message ?? `the server answered ${status}`);
    this.status = status;
    this.code = error?.code ?? "http_error";
    this.path = error?.path ?? null;
  }
}

export function storedKey() {
  return sessionStorage.getItem(keyName);
}

function headers() {
  const key = storedKey();
  const fields = { "Content-Type": "application/json" };
  if (key) fields.Authorization = `Bearer ${key}`;
  return fields;
}

async function send(endpoint, body) {
  const response = await fetch(endpoint, { method: "POST", headers: headers(), body: JSON.stringify(body) });
  const json = await response.json().catch(() => null);
  const retryAfter = response.headers.get("Retry-After");
  return { status: response.status, json, retryAfter: retryAfter === null ? NaN : Number(retryAfter) };
}

const mostRetries = 2; // a 429 or 503 with a short Retry-After is waited out this many times
const longestWait = 10; // seconds; a longer Retry-After is shown as the error it is

/** Whether to wait and ask again: rate limited or overloaded, with a short Retry-After. */
function shouldRetry(answer, retries) {
  const busy = answer.status === 429 || answer.status === 503;
  return busy && retries < mostRetries && answer.retryAfter >= 0 && answer.retryAfter <= longestWait;
}

const sleep = (seconds) => new Promise((resolve) => { setTimeout(resolve, seconds * 1000); });

/** POST `body` to `endpoint` ("forward", "backward", ...); resolves to the JSON answer or throws APIError. */
export async function post(endpoint, body) {
  for (let retries = 0; ; retries += 1) {
    const answer = await send(endpoint, body);
    const { status, json } = answer;
    if (shouldRetry(answer, retries)) {
      await sleep(answer.retryAfter);
      continue;
    }
    if (status === 401) {
      const key = await askForKey(json?.error?.message, storedKey() !== null);
      if (key === null) throw new APIError(status, json?.error);
      sessionStorage.setItem(keyName, key);
      continue;
    }
    if (status < 200 || status > 299) throw new APIError(status, json?.error);
    return json;
  }
}
