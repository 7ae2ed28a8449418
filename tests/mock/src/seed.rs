//! The seeded catalogue: 32 campaigns, deterministic from `--seed` (ids and most stock figures come from
//! the seed; names, SKUs, the fixtures' stock and every timestamp are fixed).
//!
//! The three newest campaigns are fixtures with fixed names and stock, so that every client finds them by
//! name whatever the seed:
//!
//! | name | invitation method | what it shows |
//! | --- | --- | --- |
//! | `Welcome box (direct send)` | `sender_provided_address` | direct-send; `MUG-LTD` has 1 unit, `TEE-S-WHT` none |
//! | `Welcome box (choice)` | `email_link` | choice-mode |
//! | `VIP thank-you (email required)` | `email_link` | requires `recipient.email` |
//!
//! The other 29 are named `{theme} #{n}` and alternate between the two invitation methods.

use crate::resources::{Campaign, Money, Product, StockLevel, Variant, Warehouse};
use crate::rng::{SplitMix64, iso};

/// The name of the direct-send fixture.
pub const DIRECT_SEND: &str = "Welcome box (direct send)";
/// The name of the choice-mode fixture.
pub const CHOICE: &str = "Welcome box (choice)";
/// The name of the fixture that requires the recipient's email.
pub const EMAIL_REQUIRED: &str = "VIP thank-you (email required)";
/// How many campaigns are seeded.
pub const CAMPAIGN_COUNT: usize = 32;

/// 2026-01-05T09:00:00.000Z: the first seeded campaign's creation; each next one is a day later.
const FIRST_CREATED_MS: i64 = 1_767_603_600_000;
const DAY_MS: i64 = 86_400_000;

/// (product name, [(variant name, SKU, price in cents)]).
type Template = (&'static str, &'static [(&'static str, &'static str, i64)]);

const HOODIE: Template =
    ("Hoodie", &[("Small, black", "HOODIE-S-BLK", 4500), ("Medium, black", "HOODIE-M-BLK", 4500), ("Large, black", "HOODIE-L-BLK", 4500)]);
const MUG: Template = ("Mug", &[("White", "MUG-WHT", 1500)]);
const MUG_LTD: Template = ("Limited-edition mug", &[("Numbered", "MUG-LTD", 2500)]);
const TEE: Template = ("T-shirt", &[("Small, white", "TEE-S-WHT", 2000), ("Medium, white", "TEE-M-WHT", 2000)]);
const NOTEBOOK: Template = ("Notebook", &[("A5, dotted", "NOTEBOOK-A5", 1200)]);
const CANDLE: Template = ("Candle", &[("Fig", "CANDLE-FIG", 2800), ("Cedar", "CANDLE-CEDAR", 2800)]);
const CHOCOLATE: Template = ("Chocolate box", &[("Twelve pieces", "CHOC-12", 2200)]);
const COFFEE: Template = ("Coffee", &[("Whole beans, 250 g", "COFFEE-250", 1400)]);
const ALL: [Template; 8] = [HOODIE, MUG, MUG_LTD, TEE, NOTEBOOK, CANDLE, CHOCOLATE, COFFEE];

const THEMES: [&str; 10] = [
    "Renewal thank-you",
    "Win-back",
    "Post-meeting follow-up",
    "Customer milestone",
    "Conference swag",
    "Deal revival",
    "Referral reward",
    "Onboarding kit",
    "Holiday gift",
    "Partner appreciation",
];

/// The seeded campaigns, oldest first (the API lists them newest first).
pub fn campaigns(seed: u64) -> Vec<Campaign> {
    let mut rng = SplitMix64::new(seed ^ 0x5EED_CA7A_1065);
    let warehouses = [("Dublin", "IE"), ("Rotterdam", "NL"), ("Newark", "US")].map(|(name, country)| Warehouse {
        id: rng.uuid_string(),
        name: name.to_owned(),
        country_code: country.to_owned(),
    });
    let mut out = Vec::with_capacity(CAMPAIGN_COUNT);
    let generated = CAMPAIGN_COUNT - 3;
    for n in 0..generated {
        let theme = THEMES.get(n % THEMES.len()).copied().unwrap_or("Campaign");
        let method = if n % 2 == 0 { "email_link" } else { "sender_provided_address" };
        let first = n % ALL.len();
        let templates: Vec<Template> = (0..3).filter_map(|k| ALL.get((first + k * 3) % ALL.len()).copied()).collect();
        let products = templates.iter().map(|t| product(&mut rng, &warehouses, *t, |rng, _| 5 + rng.below(196) as i64)).collect();
        out.push(campaign(&mut rng, format!("{theme} #{}", n + 1), method, false, products, n));
    }
    // The fixtures, newest.
    let fixed = |sku: &str| match sku {
        "MUG-LTD" => 1,
        "TEE-S-WHT" => 0,
        _ => 50,
    };
    let direct = [HOODIE, MUG_LTD, TEE].iter().map(|t| product(&mut rng, &warehouses, *t, |_, sku| fixed(sku))).collect();
    out.push(campaign(&mut rng, DIRECT_SEND.to_owned(), "sender_provided_address", false, direct, generated));
    let choice = [HOODIE, MUG, CANDLE].iter().map(|t| product(&mut rng, &warehouses, *t, |_, sku| fixed(sku))).collect();
    out.push(campaign(&mut rng, CHOICE.to_owned(), "email_link", false, choice, generated + 1));
    let vip = [CHOCOLATE, COFFEE].iter().map(|t| product(&mut rng, &warehouses, *t, |_, sku| fixed(sku))).collect();
    out.push(campaign(&mut rng, EMAIL_REQUIRED.to_owned(), "email_link", true, vip, generated + 2));
    out
}

fn campaign(rng: &mut SplitMix64, name: String, method: &str, requires_email: bool, products: Vec<Product>, index: usize) -> Campaign {
    let created_ms = FIRST_CREATED_MS + DAY_MS * i64::try_from(index).unwrap_or(0);
    Campaign {
        id: rng.uuid_string(),
        name,
        invitation_method: method.to_owned(),
        requires_recipient_email: requires_email,
        products,
        created_at: iso(created_ms),
        updated_at: iso(created_ms + 3_600_000),
        created_ms,
    }
}

/// A product from its template; `stock` gives a variant's units (split over the warehouses).
fn product(
    rng: &mut SplitMix64,
    warehouses: &[Warehouse; 3],
    (name, variants): Template,
    stock: impl Fn(&mut SplitMix64, &str) -> i64,
) -> Product {
    let id = rng.uuid_string();
    let variants = variants
        .iter()
        .map(|(variant_name, sku, cents)| {
            let units = stock(rng, sku);
            // Units up to 1 stay in the first warehouse, so that one sale empties the variant.
            let first = if units <= 1 { units } else { units - units / 2 };
            let [dublin, rotterdam, _] = warehouses;
            let stock_levels = vec![
                StockLevel { available: first, warehouse: dublin.clone() },
                StockLevel { available: units - first, warehouse: rotterdam.clone() },
            ];
            Variant {
                id: rng.uuid_string(),
                sku: (*sku).to_owned(),
                name: (*variant_name).to_owned(),
                price: Money { amount: *cents, currency: "EUR".to_owned() },
                stock_levels,
            }
        })
        .collect();
    Product { id, name: name.to_owned(), variants }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_complete() {
        let a = campaigns(1);
        let b = campaigns(1);
        let c = campaigns(2);
        assert_eq!(a.len(), CAMPAIGN_COUNT);
        assert_eq!(a.iter().map(|c| &c.id).collect::<Vec<_>>(), b.iter().map(|c| &c.id).collect::<Vec<_>>());
        assert_ne!(a.first().map(|c| &c.id), c.first().map(|c| &c.id));
        let direct = a.iter().find(|c| c.name == DIRECT_SEND).unwrap();
        assert!(direct.allows_direct_send());
        assert_eq!(direct.variant_by_sku("MUG-LTD").unwrap().available(), 1);
        assert_eq!(direct.variant_by_sku("TEE-S-WHT").unwrap().available(), 0);
        assert!(a.iter().any(|c| c.requires_recipient_email));
        assert!(a.iter().filter(|c| c.allows_direct_send()).count() > 5);
        assert!(a.iter().filter(|c| !c.allows_direct_send()).count() > 5);
    }
}
