//! Server-rendered HTML. Every element a journey touches has a stable
//! `data-testid` or `id`, so recorded journeys survive cosmetic changes.

use crate::services::cart::CartView;
use crate::store::{Order, Product, User, money};

const CSS: &str = r#"
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;color:#1f2933;background:#f5f7fa}
header{background:#1f3a5f;color:#fff;padding:12px 24px;display:flex;gap:24px;align-items:center}
header a{color:#fff;text-decoration:none}.brand{font-weight:700;font-size:20px}
header form{flex:1;display:flex;gap:6px}header input{flex:1;max-width:420px;padding:7px 10px;border-radius:6px;border:0}
nav{display:flex;gap:16px;align-items:center}main{max-width:1000px;margin:24px auto;padding:0 24px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:16px}
.card{background:#fff;border-radius:10px;padding:14px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.swatch{height:110px;border-radius:8px;margin-bottom:10px}.price{font-weight:700;color:#1f3a5f}
button,.button{background:#2f6fde;color:#fff;border:0;border-radius:6px;padding:9px 16px;font-size:15px;cursor:pointer;text-decoration:none;display:inline-block}
button:disabled{background:#8aa6d8;cursor:wait}
label{display:block;margin:10px 0 4px}input[type=text],input[type=email],input[type=password],input[type=number]{padding:8px;border:1px solid #cbd2d9;border-radius:6px;width:100%;max-width:360px}
table{width:100%;border-collapse:collapse;background:#fff}td,th{padding:8px;border-bottom:1px solid #e4e7eb;text-align:left}
.error{background:#fde8e8;border:1px solid #f8b4b4;color:#9b1c1c;padding:16px;border-radius:8px}
.notice{background:#e3f8ea;border:1px solid #a3e4b8;padding:16px;border-radius:8px}
footer{color:#7b8794;font-size:12px;text-align:center;margin:32px 0}
"#;

const JS: &str = r#"
document.addEventListener('submit', function (e) {
  var b = e.target.querySelector('button[type=submit]');
  if (b) { b.disabled = true; b.dataset.label = b.textContent; b.textContent = 'Working…'; }
});
document.addEventListener('keydown', function (e) {
  var s = document.getElementById('search-input');
  if (e.key === '/' && s && document.activeElement !== s) { e.preventDefault(); s.focus(); }
});
"#;

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Where a page was served from, shown in the footer.
pub struct Chrome<'a> {
    /// Signed-in user.
    pub user: Option<&'a User>,
    /// Region of the stack.
    pub region: &'a str,
    /// Frontend version.
    pub version: &'a str,
}

/// Wraps a page body in the shared header, styles and script.
pub fn layout(title: &str, chrome: &Chrome<'_>, body: &str) -> String {
    let account = match chrome.user {
        Some(u) => format!(
            r#"<a href="/account" data-testid="account-menu" id="account-menu">{}</a>"#,
            esc(&u.name)
        ),
        None => {
            r#"<a href="/login" data-testid="login-link" id="login-link">Sign in</a>"#.to_owned()
        }
    };
    // Error pages raised before a service is known have no region to show.
    let footer = if chrome.region.is_empty() {
        "<footer>Trailhead Supply, a Sightline demo</footer>".to_owned()
    } else {
        format!(
            r#"<footer data-testid="region">Served from {} · frontend {}</footer>"#,
            esc(chrome.region),
            esc(chrome.version)
        )
    };
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title>
<link rel="icon" href="data:,"><style>{CSS}</style></head><body>
<header><a class="brand" href="/" data-testid="home-link">Trailhead Supply</a>
<form action="/search" method="get" role="search"><input id="search-input" data-testid="search-input" name="q" type="search" placeholder="Search (press /)" aria-label="Search"><button type="submit" id="search-submit" data-testid="search-submit">Search</button></form>
<nav><a href="/cart" data-testid="cart-link" id="cart-link">Cart</a>{account}</nav></header>
<main>{body}</main>
{footer}
<script>{JS}</script></body></html>"#,
        title = esc(title),
    )
}

fn product_card(p: &Product) -> String {
    format!(
        r#"<div class="card" data-testid="product-card"><div class="swatch" style="background:{colour}"></div>
<a href="/products/{sku}" data-testid="product-link-{sku}"><strong>{name}</strong></a><p>{desc}</p><div class="price">${price}</div></div>"#,
        colour = esc(&p.colour),
        sku = esc(&p.sku),
        name = esc(&p.name),
        desc = esc(&p.description),
        price = money(p.price_cents),
    )
}

/// The home page: every product.
pub fn home(products: &[Product]) -> String {
    let cards: String = products.iter().map(product_card).collect();
    format!(
        r#"<h1>Gear for the long way round</h1><div class="grid" data-testid="product-grid">{cards}</div>"#
    )
}

/// Search results for `q`.
pub fn search(q: &str, hits: &[Product]) -> String {
    let cards: String = hits.iter().map(product_card).collect();
    format!(
        r#"<h1>Results for “{q}”</h1><p data-testid="result-count">{n} result{s}</p><div class="grid" data-testid="search-results">{cards}</div>"#,
        q = esc(q),
        n = hits.len(),
        s = if hits.len() == 1 { "" } else { "s" },
    )
}

/// One product with its stock and an add-to-cart form.
pub fn product(p: &Product, available: i64) -> String {
    format!(
        r#"<div class="card"><div class="swatch" style="background:{colour};height:220px"></div>
<h1 data-testid="product-name">{name}</h1><p>{desc}</p><p class="price" data-testid="product-price">${price}</p>
<p data-testid="stock">{available} in stock</p>
<form method="post" action="/cart/add"><input type="hidden" name="sku" value="{sku}">
<label for="quantity">Quantity</label><input id="quantity" name="quantity" type="number" min="1" max="99" value="1">
<p><button type="submit" id="add-to-cart" data-testid="add-to-cart">Add to cart</button></p></form></div>"#,
        colour = esc(&p.colour),
        name = esc(&p.name),
        desc = esc(&p.description),
        price = money(p.price_cents),
        sku = esc(&p.sku),
    )
}

/// The cart, with a link to check out when it is not empty.
pub fn cart(view: &CartView) -> String {
    if view.lines.is_empty() {
        return r#"<h1>Your cart</h1><p data-testid="cart-empty">Your cart is empty. <a href="/">Keep shopping</a>.</p>"#.to_owned();
    }
    let rows: String = view
        .lines
        .iter()
        .map(|l| {
            format!(
                r#"<tr data-testid="cart-line"><td>{}</td><td>{}</td><td>${}</td></tr>"#,
                esc(&l.product.name),
                l.quantity,
                money(l.product.price_cents * u64::from(l.quantity))
            )
        })
        .collect();
    format!(
        r#"<h1>Your cart</h1><table><tr><th>Item</th><th>Qty</th><th>Price</th></tr>{rows}</table>
<p>Total: <strong data-testid="cart-total">${total}</strong></p>
<a class="button" href="/checkout" id="checkout" data-testid="checkout-button">Check out</a>"#,
        total = money(view.total_cents),
    )
}

/// The checkout form.
pub fn checkout(view: &CartView) -> String {
    format!(
        r#"<h1>Checkout</h1><p>{n} item(s), total <strong data-testid="checkout-total">${total}</strong></p>
<form method="post" action="/checkout"><label for="card">Card number</label>
<input id="card" name="card" type="text" value="4242 4242 4242 4242" autocomplete="off">
<p><button type="submit" id="place-order" data-testid="place-order">Place order</button></p></form>"#,
        n = view.lines.iter().map(|l| l.quantity).sum::<u32>(),
        total = money(view.total_cents),
    )
}

/// The order confirmation.
pub fn order(o: &Order) -> String {
    format!(
        r#"<div class="notice" data-testid="order-confirmation"><h1>Thank you, your order is confirmed</h1>
<p>Order <strong data-testid="order-id" id="order-id">{id}</strong>, total ${total}, status <span data-testid="order-status">{status}</span>.</p></div>
<p><a href="/">Continue shopping</a></p>"#,
        id = esc(&o.id),
        total = esc(&o.total),
        status = esc(&o.status),
    )
}

/// The sign-in form; with `pending` set, only the one-time code is asked for.
pub fn login(next: &str, error: Option<&str>, pending: Option<&str>) -> String {
    let error = error
        .map(|e| {
            format!(
                r#"<p class="error" data-testid="login-error" role="alert">{}</p>"#,
                esc(e)
            )
        })
        .unwrap_or_default();
    let fields = match pending {
        Some(p) => format!(
            r#"<input type="hidden" name="pending" value="{}"><label for="otp">One-time code</label>
<input id="otp" name="otp" type="text" inputmode="numeric" autocomplete="one-time-code" autofocus aria-label="One-time code">"#,
            esc(p)
        ),
        None => r#"<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" aria-label="Email">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" aria-label="Password">"#
            .to_owned(),
    };
    format!(
        r#"<h1>Sign in</h1>{error}<form method="post" action="/login" data-testid="login-form"><input type="hidden" name="next" value="{next}">{fields}
<p><button type="submit" id="sign-in" data-testid="sign-in">Sign in</button></p></form>"#,
        next = esc(next),
    )
}

/// The account page with past orders.
pub fn account(user: &User, orders: &[Order]) -> String {
    let rows: String = orders
        .iter()
        .map(|o| {
            format!(
                r#"<tr data-testid="order-row"><td><a href="/orders/{id}">{id}</a></td><td>{status}</td><td>${total}</td></tr>"#,
                id = esc(&o.id),
                status = esc(&o.status),
                total = esc(&o.total)
            )
        })
        .collect();
    format!(
        r#"<h1 data-testid="account-name">Hello, {name}</h1><p>Signed in as {email}.</p>
<h2>Orders</h2><table>{rows}</table>
<form method="post" action="/logout"><p><button type="submit" id="sign-out" data-testid="sign-out">Sign out</button></p></form>"#,
        name = esc(&user.name),
        email = esc(&user.email),
    )
}

/// A failure page: what broke, plainly.
pub fn error(status: u16, message: &str) -> String {
    let title = match status {
        504 => "This is taking too long",
        502 => "Something went wrong on our side",
        503 => "We are briefly unavailable",
        404 => "Not found",
        _ => "Something went wrong",
    };
    format!(
        r#"<div class="error" data-testid="error-message" role="alert"><h1>{title}</h1><p>{message}</p><p>Error {status}</p></div>
<p><a href="/">Back to the shop</a></p>"#,
        message = esc(message),
    )
}
