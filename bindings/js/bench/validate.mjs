// Validation throughput: this package against zod 4 and ajv, with schemas written for the same rules, on
// the same valid and invalid gift-request payloads, in one run, with both entries of the package (the whole
// package and its validation-only module). Prints ops/s and the ratios.
//   node bench/validate.mjs            (after scripts/build.sh)
import { z } from "zod";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { validateGiftRequest } from "@andopen/sdk";
import { validateGiftRequest as validateOnly } from "@andopen/sdk/validate";

const COUNTRIES = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW".split(" ");
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

// ---- zod 4: the same rules -------------------------------------------------------------------------------
const text = z.string().refine((s) => s.trim().length > 0, "is required");
const zRecipient = z.looseObject({ first_name: text, last_name: text, email: z.email().nullish() });
const zAddress = z.looseObject({
  address1: text, address2: z.string().nullish(), city: text, region: text, postal_code: text,
  country_code: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 country code in uppercase").refine((c) => COUNTRIES.includes(c), "is not an assigned ISO 3166-1 alpha-2 country code"),
  phone: text,
});
const zItem = z
  .looseObject({ sku: z.string().nullish(), variant_id: z.string().regex(UUID).nullish(), quantity: z.int().min(1) })
  .refine((i) => (i.sku != null && i.sku.trim() !== "") || i.variant_id != null, { message: "sku or variant_id is required", path: ["sku"] });
const zGift = z
  .looseObject({ campaign_id: z.string().regex(UUID), recipient: zRecipient, shipping_address: zAddress.optional(), line_items: z.array(zItem).min(1).optional() })
  .superRefine((g, ctx) => {
    if (g.shipping_address !== undefined && g.line_items === undefined) ctx.addIssue({ code: "custom", path: ["line_items"], message: "is required with shipping_address" });
    if (g.line_items !== undefined && g.shipping_address === undefined) ctx.addIssue({ code: "custom", path: ["shipping_address"], message: "is required with line_items" });
  });

// ---- ajv: the same rules as JSON Schema -------------------------------------------------------------------
const ajv = new Ajv({ allErrors: true });
addFormats(ajv, ["email", "uuid"]);
const nonBlank = { type: "string", pattern: "\\S" };
const schema = {
  type: "object",
  required: ["campaign_id", "recipient"],
  properties: {
    campaign_id: { type: "string", format: "uuid" },
    recipient: { type: "object", required: ["first_name", "last_name"], properties: { first_name: nonBlank, last_name: nonBlank, email: { type: ["string", "null"], format: "email" } } },
    shipping_address: {
      type: "object",
      required: ["address1", "city", "region", "postal_code", "country_code", "phone"],
      properties: { address1: nonBlank, address2: { type: ["string", "null"] }, city: nonBlank, region: nonBlank, postal_code: nonBlank, country_code: { enum: COUNTRIES }, phone: nonBlank },
    },
    line_items: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["quantity"],
        properties: { sku: { type: ["string", "null"], pattern: "\\S" }, variant_id: { type: ["string", "null"], format: "uuid" }, quantity: { type: "integer", minimum: 1 } },
        anyOf: [{ required: ["sku"], properties: { sku: { type: "string" } } }, { required: ["variant_id"], properties: { variant_id: { type: "string" } } }],
      },
    },
  },
  dependencies: { shipping_address: ["line_items"], line_items: ["shipping_address"] },
};
const ajvValidate = ajv.compile(schema);

// ---- payloads --------------------------------------------------------------------------------------------
const campaign_id = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const address = { address1: "12 Merrion Square", city: "Dublin", region: "Leinster", postal_code: "D02 XY45", country_code: "IE", phone: "+353871234567" };
const valid = [
  { campaign_id, recipient: { first_name: "Alice", last_name: "Smith", email: "alice@example.com" } },
  { campaign_id, recipient: { first_name: "Bob", last_name: "Jones" } },
  { campaign_id, recipient: { first_name: "Alice", last_name: "Smith", email: "alice@example.com" }, shipping_address: address, line_items: [{ sku: "HOODIE-L-BLK", quantity: 1 }] },
  { campaign_id, recipient: { first_name: "Cara", last_name: "Ní Bhriain", email: "cara@example.ie" }, shipping_address: { ...address, address2: "Flat 2" }, line_items: [{ variant_id: "9c1f5e2a-7b3d-4e8f-a6c2-d4b8e0f13a57", quantity: 2 }, { sku: "MUG-WHT", quantity: 1 }] },
];
const invalid = [
  { campaign_id, recipient: { first_name: "Alice", last_name: "" }, shipping_address: { ...address, country_code: "ie" }, line_items: [{ sku: "HOODIE-L-BLK", quantity: 1 }] },
  { campaign_id, recipient: { first_name: "Alice", last_name: "Smith", email: "not-an-email" } },
  { campaign_id: "nope", recipient: { first_name: " ", last_name: "Smith" }, line_items: [{ quantity: 0 }] },
  { campaign_id, recipient: { first_name: "Alice", last_name: "Smith" }, shipping_address: address, line_items: [] },
];

// The three must agree on which payloads are valid, or the comparison means nothing.
for (const p of [...valid, ...invalid]) {
  const ours = validateGiftRequest(p).length === 0;
  if (validateOnly(p).length === 0 !== ours) throw new Error(`the two entries disagree on ${JSON.stringify(p)}`);
  const zod = zGift.safeParse(p).success;
  const ajvOk = ajvValidate(p);
  if (ours !== zod || ours !== ajvOk) throw new Error(`validators disagree on ${JSON.stringify(p)}: ours ${ours}, zod ${zod}, ajv ${ajvOk}`);
}

// Contenders run in turns (rounds of 150 ms each, interleaved), so that a machine whose load changes during
// the run slows them alike; each figure is the median over the rounds, each ratio the median of the
// per-round ratios. A round's throughput counts the process's CPU time, not the wall clock: on a machine
// busy with other work, the time this process waits for a core is nobody's cost.
const ROUNDS = 11;
function burst(fn, payloads, ms = 150) {
  let n = 0;
  const end = performance.now() + ms;
  const cpu = process.cpuUsage();
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) fn(payloads[(n + i) % payloads.length]);
    n += 200;
  }
  const used = process.cpuUsage(cpu);
  return (n / (used.user + used.system)) * 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const contenders = {
  "@andopen/sdk": (p) => validateGiftRequest(p),
  "…/validate": (p) => validateOnly(p),
  "zod 4": (p) => zGift.safeParse(p),
  ajv: (p) => ajvValidate(p) || ajvValidate.errors,
};
const fmt = (n) => Math.round(n).toLocaleString("en-US").padStart(12);
for (const [label, payloads] of [["valid", valid], ["invalid", invalid]]) {
  for (const fn of Object.values(contenders)) for (let i = 0; i < 20_000; i++) fn(payloads[i % payloads.length]); // warm-up
  const rounds = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (let r = 0; r < ROUNDS; r++) for (const [name, fn] of Object.entries(contenders)) rounds[name].push(burst(fn, payloads));
  const ours = rounds["@andopen/sdk"];
  const ratio = (other) => median(ours.map((x, i) => x / rounds[other][i])).toFixed(2);
  console.log(`\n${label} payloads (${payloads.length}, cycled; median of ${ROUNDS} interleaved rounds)`);
  for (const [name, ops] of Object.entries(rounds)) console.log(`  ${name.padEnd(14)} ${fmt(median(ops))} ops/s`);
  console.log(`  ratio: ${ratio("zod 4")}× zod, ${ratio("ajv")}× ajv; @andopen/sdk/validate at ${median(rounds["…/validate"].map((x, i) => x / ours[i])).toFixed(2)}× @andopen/sdk's speed`);
}
