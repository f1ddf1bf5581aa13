//! The shop's data: a fixed catalogue and users, and per-region in-memory
//! sessions, carts, stock, charges and orders. Nothing is persisted; a demo
//! starts clean every time.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// A product for sale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// Stock-keeping unit, used in URLs.
    pub sku: String,
    /// Display name.
    pub name: String,
    /// One line for the listing.
    pub description: String,
    /// Price in cents.
    pub price_cents: u64,
    /// Colour of its placeholder picture.
    pub colour: String,
}

/// A demo customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// Sign-in name.
    pub email: String,
    /// Display name.
    pub name: String,
}

/// The password of every demo user. It is a published demo credential, not a secret;
/// journeys still reference it as `{{secret.shop_password}}`.
pub const DEMO_PASSWORD: &str = "sightline-demo";

/// Base32 TOTP seed of `alice@example.com` (the only user with a second factor).
pub const ALICE_TOTP_SEED: &str = "JBSWY3DPEHPK3PXP";

/// Demo users: (email, name, TOTP seed).
pub const USERS: &[(&str, &str, Option<&str>)] = &[
    ("alice@example.com", "Alice", Some(ALICE_TOTP_SEED)),
    ("bob@example.com", "Bob", None),
];

/// The catalogue every region sells.
pub fn catalogue() -> Vec<Product> {
    let items: &[(&str, &str, &str, u64, &str)] = &[
        (
            "SOCK-1",
            "Merino trail socks",
            "Warm, quick-drying, two pairs.",
            1800,
            "#7c9a6d",
        ),
        (
            "MUG-2",
            "Enamel camp mug",
            "Holds 350 ml, survives the fire.",
            1450,
            "#d08a4a",
        ),
        (
            "LAMP-3",
            "Folding lantern",
            "USB-C, 300 lumens, three modes.",
            3900,
            "#e3c44f",
        ),
        (
            "PACK-4",
            "Day pack 22 L",
            "Recycled nylon, rain cover included.",
            7400,
            "#4a6fa5",
        ),
        (
            "BOTL-5",
            "Insulated bottle",
            "Cold for 24 hours, hot for 12.",
            2900,
            "#5aa3a3",
        ),
        (
            "HAT-6",
            "Sun hat",
            "Wide brim, UPF 50, packs flat.",
            2400,
            "#b56576",
        ),
        (
            "MAP-7",
            "Waterproof map case",
            "Fits A4 folded twice.",
            1200,
            "#6d597a",
        ),
        (
            "STOVE-8",
            "Pocket stove",
            "Boils a litre in four minutes.",
            5200,
            "#9a8c98",
        ),
    ];
    items
        .iter()
        .map(|(sku, name, description, price_cents, colour)| Product {
            sku: (*sku).to_owned(),
            name: (*name).to_owned(),
            description: (*description).to_owned(),
            price_cents: *price_cents,
            colour: (*colour).to_owned(),
        })
        .collect()
}

/// One line of a cart or order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// Product.
    pub sku: String,
    /// How many.
    pub quantity: u32,
}

/// A placed order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Order id (`ord-…`).
    pub id: String,
    /// Customer email.
    pub user: String,
    /// `confirmed` once paid.
    pub status: String,
    /// What was bought.
    pub items: Vec<Line>,
    /// Total as a decimal string (`36.00`).
    pub total: String,
    /// Payment's charge id.
    pub charge_id: String,
    /// Region that took the order.
    pub region: String,
    /// Trace of the request that placed it.
    pub trace_id: String,
    /// Order of placement within the region (1, 2, …).
    pub placed_seq: u64,
}

/// Mutable data of one regional stack.
#[derive(Debug, Default)]
pub struct RegionData {
    /// Session token → user (auth).
    pub sessions: Mutex<HashMap<String, User>>,
    /// User email → cart lines (cart).
    pub carts: Mutex<HashMap<String, Vec<Line>>>,
    /// SKU → units available (inventory).
    pub stock: Mutex<HashMap<String, i64>>,
    /// Charge ids issued (payment).
    pub charges: Mutex<Vec<String>>,
    /// Order id → order (frontend).
    pub orders: Mutex<HashMap<String, Order>>,
    /// Sign-ins waiting for their one-time code: pending id → (email, password) (frontend).
    pub pending_logins: Mutex<HashMap<String, (String, String)>>,
}

impl RegionData {
    /// Fresh data with plenty of stock of every product.
    pub fn seeded() -> Self {
        let data = Self::default();
        lock(&data.stock).extend(catalogue().into_iter().map(|p| (p.sku, 10_000)));
        data
    }
}

/// Locks a mutex, recovering from poisoning (a panicked handler must not take the demo down).
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Formats cents as `12.34`.
pub fn money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}
