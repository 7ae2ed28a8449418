// The form validates itself as it changes, with the SDK's wasm module: every message is the server's own
// wording, shown under the field its `param` names. Nothing here knows a rule of the contract. The page
// loads it with the package's files as they are (form.js); the bundler builds (bundlers.mjs) load it with
// the package as an application imports it.

/** Starts the form: `sdk` is the package (`@andopen/sdk`), `wasm` where its module is, when a bundler cannot tell. */
export function start({ init, validateGiftRequest, buildRequest }, wasm) {
  const form = document.getElementById("gift");

  function payload() {
    const value = (name) => form.elements.namedItem(name).value;
    const optional = (name) => (value(name) === "" ? undefined : value(name));
    const quantity = value("line_items.0.quantity");
    return {
      campaign_id: value("campaign_id"),
      recipient: { first_name: value("recipient.first_name"), last_name: value("recipient.last_name"), email: optional("recipient.email") },
      shipping_address: {
        address1: value("shipping_address.address1"),
        city: value("shipping_address.city"),
        region: value("shipping_address.region"),
        postal_code: value("shipping_address.postal_code"),
        country_code: value("shipping_address.country_code"),
        phone: value("shipping_address.phone"),
      },
      line_items: [{ sku: optional("line_items.0.sku"), quantity: quantity === "" ? undefined : Number(quantity) }],
    };
  }

  function render() {
    const body = payload();
    const errors = validateGiftRequest(body);
    for (const slot of document.querySelectorAll("[data-error-for]")) {
      slot.textContent = errors.filter((e) => e.param === slot.dataset.errorFor).map((e) => e.message).join("; ");
    }
    document.getElementById("request").textContent = errors.length === 0 ? JSON.stringify(buildRequest.createGiftRequest(body), null, 2) : "(fix the form first)";
    document.body.dataset.ready = "true";
  }

  // The module is fetched and compiled once (streaming), before the first check.
  init(wasm).then(() => {
    form.addEventListener("input", render);
    render();
  });
}
