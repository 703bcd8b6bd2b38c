// A storage call (KV, a Durable Object) that has not answered within the module's
// STORAGE_TIMEOUT_MS is reported failed, so the request answers 503 instead of hanging. The call
// is not cancelled and may still land: the core treats that like any answer lost on the way.
export function withDeadline(promise, ms) {
  let timer;
  const late = new Promise((_, fail) => { timer = setTimeout(() => fail(new DOMException("storage did not answer", "TimeoutError")), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
