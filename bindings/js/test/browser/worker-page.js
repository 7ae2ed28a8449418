// Posts a payload to a module web worker right after creating it (before the worker has loaded anything):
// the answer, the params of its field errors, lands in `body[data-answer]`. `?entry=full` uses the worker
// that imports `@andopen/sdk` rather than `@andopen/sdk/validate`.
const full = new URLSearchParams(location.search).get("entry") === "full";
const worker = new Worker(new URL(full ? "./worker-full.js" : "./worker.js", import.meta.url), { type: "module" });
worker.postMessage({ campaign_id: "not-a-uuid", recipient: { first_name: "Alice", last_name: "" } });
worker.onmessage = (event) => {
  document.body.dataset.answer = JSON.stringify(event.data);
};
worker.onerror = (event) => {
  document.body.dataset.answer = JSON.stringify({ error: event.message ?? "worker failed" });
};
