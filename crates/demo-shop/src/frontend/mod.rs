//! The frontend: the server-rendered shop a user (or a journey) sees. It owns
//! no data except orders; everything else is a real HTTP call to a backend
//! with a timeout, so a slow dependency becomes a real 504 page.

mod api;
mod checkout;
mod pages;

use std::sync::Arc;

use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::services::cart::CartView;
use crate::services::{CallError, ServiceCtx, instrument};
use crate::store::{Line, Product, User, lock};
use crate::trace::{TraceContext, new_span_id};

type Ctx = State<Arc<ServiceCtx>>;
type Trace = Extension<TraceContext>;

/// The frontend router of one region, instrumented like every service.
pub fn router(ctx: Arc<ServiceCtx>) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/search", get(search))
        .route("/products/{sku}", get(product))
        .route("/cart", get(cart))
        .route("/cart/add", post(add_to_cart))
        .route("/checkout", get(checkout_form).post(checkout::place))
        .route("/orders/{id}", get(order))
        .route("/checkout/confirmation", get(latest_order))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/account", get(account))
        .merge(api::routes())
        .fallback(|| async {
            error_page(StatusCode::NOT_FOUND, "There is no page at this address.")
        })
        .route("/healthz", get(|| async { Json(json!({"status": "ok"})) }))
        .layer(axum::middleware::from_fn_with_state(
            ctx.clone(),
            instrument,
        ))
        .with_state(ctx)
}

/// An HTML error page with `status` and a visible message.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let chrome = pages::Chrome {
        user: None,
        region: "",
        version: "",
    };
    let body = pages::layout("Error", &chrome, &pages::error(status.as_u16(), message));
    let mut response = (status, Html(body)).into_response();
    response
        .extensions_mut()
        .insert(crate::services::ErrorMessage(message.to_owned()));
    response
}

/// Renders a page with the header, footer and the signed-in user.
fn page(ctx: &ServiceCtx, user: Option<&User>, title: &str, body: &str) -> Response {
    let version = ctx.version();
    let chrome = pages::Chrome {
        user,
        region: &ctx.region,
        version: &version,
    };
    Html(pages::layout(title, &chrome, body)).into_response()
}

/// A backend failure as the user sees it: 504 for a timeout, 502 otherwise.
fn gateway_error(ctx: &ServiceCtx, e: &CallError) -> Response {
    let message = match e {
        CallError::Timeout { service, .. } => {
            format!("The {service} service did not answer in time.")
        }
        CallError::Status {
            service,
            status,
            message,
        } => {
            format!("The {service} service failed ({status}): {message}")
        }
        CallError::Unavailable { service, .. } => format!("The {service} service is unavailable."),
    };
    let mut resp = page(
        ctx,
        None,
        "Error",
        &pages::error(e.gateway_status().as_u16(), &message),
    );
    *resp.status_mut() = e.gateway_status();
    resp.extensions_mut()
        .insert(crate::services::ErrorMessage(e.to_string()));
    resp
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix("sid="))
        .map(str::to_owned)
        .find(|t| !t.is_empty())
}

/// The signed-in user, asking auth about the session cookie.
async fn current_user(
    ctx: &ServiceCtx,
    trace: &TraceContext,
    headers: &HeaderMap,
) -> Result<Option<User>, CallError> {
    let Some(token) = session_token(headers) else {
        return Ok(None);
    };
    match ctx
        .call::<User>(
            trace,
            "auth",
            Method::GET,
            &format!("/sessions/{token}"),
            None,
        )
        .await
    {
        Ok(u) => Ok(Some(u)),
        Err(CallError::Status { status: 404, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The signed-in user, or a redirect to the login page that comes back to `next`.
async fn require_user(
    ctx: &ServiceCtx,
    trace: &TraceContext,
    headers: &HeaderMap,
    next: &str,
) -> Result<User, Response> {
    match current_user(ctx, trace, headers).await {
        Ok(Some(u)) => Ok(u),
        Ok(None) => Err(Redirect::to(&format!("/login?next={next}")).into_response()),
        Err(e) => Err(gateway_error(ctx, &e)),
    }
}

async fn home(State(ctx): Ctx, Extension(trace): Trace, headers: HeaderMap) -> Response {
    let user = current_user(&ctx, &trace, &headers).await.ok().flatten();
    match ctx
        .call::<Vec<Product>>(&trace, "catalog", Method::GET, "/products", None)
        .await
    {
        Ok(products) => page(
            &ctx,
            user.as_ref(),
            "Trailhead Supply",
            &pages::home(&products),
        ),
        Err(e) => gateway_error(&ctx, &e),
    }
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn search(
    State(ctx): Ctx,
    Extension(trace): Trace,
    headers: HeaderMap,
    Query(q): Query<SearchQuery>,
) -> Response {
    let user = current_user(&ctx, &trace, &headers).await.ok().flatten();
    let path = format!("/search?q={}", url_escape(&q.q));
    match ctx
        .call::<Vec<Product>>(&trace, "catalog", Method::GET, &path, None)
        .await
    {
        Ok(hits) => page(&ctx, user.as_ref(), "Search", &pages::search(&q.q, &hits)),
        Err(e) => gateway_error(&ctx, &e),
    }
}

async fn product(
    State(ctx): Ctx,
    Extension(trace): Trace,
    headers: HeaderMap,
    Path(sku): Path<String>,
) -> Response {
    let user = current_user(&ctx, &trace, &headers).await.ok().flatten();
    let p = match ctx
        .call::<Product>(
            &trace,
            "catalog",
            Method::GET,
            &format!("/products/{sku}"),
            None,
        )
        .await
    {
        Ok(p) => p,
        Err(CallError::Status { status: 404, .. }) => {
            return error_page(StatusCode::NOT_FOUND, "No such product.");
        }
        Err(e) => return gateway_error(&ctx, &e),
    };
    let stock = ctx
        .call::<serde_json::Value>(
            &trace,
            "inventory",
            Method::GET,
            &format!("/stock/{}", p.sku),
            None,
        )
        .await;
    match stock {
        Ok(s) => {
            let available = s.get("available").and_then(|a| a.as_i64()).unwrap_or(0);
            page(&ctx, user.as_ref(), &p.name, &pages::product(&p, available))
        }
        Err(e) => gateway_error(&ctx, &e),
    }
}

async fn cart_of(
    ctx: &ServiceCtx,
    trace: &TraceContext,
    user: &User,
) -> Result<CartView, CallError> {
    ctx.call(
        trace,
        "cart",
        Method::GET,
        &format!("/carts/{}", user.email),
        None,
    )
    .await
}

async fn cart(State(ctx): Ctx, Extension(trace): Trace, headers: HeaderMap) -> Response {
    let user = match require_user(&ctx, &trace, &headers, "/cart").await {
        Ok(u) => u,
        Err(r) => return r,
    };
    match cart_of(&ctx, &trace, &user).await {
        Ok(view) => page(&ctx, Some(&user), "Cart", &pages::cart(&view)),
        Err(e) => gateway_error(&ctx, &e),
    }
}

#[derive(Deserialize)]
struct AddForm {
    sku: String,
    #[serde(default)]
    quantity: Option<String>,
}

async fn add_to_cart(
    State(ctx): Ctx,
    Extension(trace): Trace,
    headers: HeaderMap,
    Form(f): Form<AddForm>,
) -> Response {
    let user = match require_user(&ctx, &trace, &headers, &format!("/products/{}", f.sku)).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let quantity = f
        .quantity
        .as_deref()
        .and_then(|q| q.trim().parse().ok())
        .unwrap_or(1);
    let line = serde_json::to_value(Line {
        sku: f.sku,
        quantity,
    })
    .ok();
    let path = format!("/carts/{}/items", user.email);
    match ctx
        .call::<serde_json::Value>(&trace, "cart", Method::POST, &path, line)
        .await
    {
        Ok(_) => Redirect::to("/cart").into_response(),
        Err(e) => gateway_error(&ctx, &e),
    }
}

async fn checkout_form(State(ctx): Ctx, Extension(trace): Trace, headers: HeaderMap) -> Response {
    let user = match require_user(&ctx, &trace, &headers, "/checkout").await {
        Ok(u) => u,
        Err(r) => return r,
    };
    match cart_of(&ctx, &trace, &user).await {
        Ok(view) if view.lines.is_empty() => Redirect::to("/cart").into_response(),
        Ok(view) => page(&ctx, Some(&user), "Checkout", &pages::checkout(&view)),
        Err(e) => gateway_error(&ctx, &e),
    }
}

async fn order(
    State(ctx): Ctx,
    Extension(trace): Trace,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let user = match require_user(&ctx, &trace, &headers, &format!("/orders/{id}")).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let found = lock(&ctx.data.orders)
        .get(&id)
        .filter(|o| o.user == user.email)
        .cloned();
    match found {
        Some(o) => page(&ctx, Some(&user), "Order confirmed", &pages::order(&o)),
        None => error_page(StatusCode::NOT_FOUND, "No such order."),
    }
}

/// The user's most recent order: where checkout lands.
async fn latest_order(State(ctx): Ctx, Extension(trace): Trace, headers: HeaderMap) -> Response {
    let user = match require_user(&ctx, &trace, &headers, "/account").await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let latest = lock(&ctx.data.orders)
        .values()
        .filter(|o| o.user == user.email)
        .max_by_key(|o| o.placed_seq)
        .cloned();
    match latest {
        Some(o) => page(&ctx, Some(&user), "Order confirmed", &pages::order(&o)),
        None => error_page(StatusCode::NOT_FOUND, "You have no orders yet."),
    }
}

#[derive(Deserialize)]
struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

async fn login_form(State(ctx): Ctx, Query(q): Query<NextQuery>) -> Response {
    page(
        &ctx,
        None,
        "Sign in",
        &pages::login(&safe_next(q.next.as_deref()), None, None),
    )
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    otp: Option<String>,
    #[serde(default)]
    pending: Option<String>,
    #[serde(default)]
    next: Option<String>,
}

async fn login(State(ctx): Ctx, Extension(trace): Trace, Form(f): Form<LoginForm>) -> Response {
    let next = safe_next(f.next.as_deref());
    let (email, password) = match f
        .pending
        .as_deref()
        .and_then(|p| lock(&ctx.data.pending_logins).get(p).cloned())
    {
        Some(creds) => creds,
        None => (f.email.clone(), f.password.clone()),
    };
    let body = json!({"email": email, "password": password, "otp": f.otp});
    match ctx
        .call::<serde_json::Value>(&trace, "auth", Method::POST, "/login", Some(body))
        .await
    {
        Ok(v) => {
            if let Some(p) = &f.pending {
                lock(&ctx.data.pending_logins).remove(p);
            }
            let token = v.get("token").and_then(|t| t.as_str()).unwrap_or_default();
            let mut resp = Redirect::to(&next).into_response();
            if let Ok(cookie) =
                HeaderValue::from_str(&format!("sid={token}; Path=/; HttpOnly; SameSite=Lax"))
            {
                resp.headers_mut().insert(SET_COOKIE, cookie);
            }
            resp
        }
        Err(CallError::Status {
            status: 401,
            message,
            ..
        }) => {
            let otp_step = message.contains("one-time code");
            let pending = otp_step.then(|| {
                let id = f.pending.clone().unwrap_or_else(new_span_id);
                lock(&ctx.data.pending_logins).insert(id.clone(), (email, password));
                id
            });
            // Asking for the code is not an error; a wrong code or password is.
            let error = (!otp_step || f.otp.is_some()).then_some(message.as_str());
            let mut resp = page(
                &ctx,
                None,
                "Sign in",
                &pages::login(&next, error, pending.as_deref()),
            );
            if error.is_some() {
                *resp.status_mut() = StatusCode::UNAUTHORIZED;
            }
            resp
        }
        Err(e) => gateway_error(&ctx, &e),
    }
}

async fn logout(State(ctx): Ctx, Extension(trace): Trace, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers) {
        let _ = ctx
            .call::<serde_json::Value>(
                &trace,
                "auth",
                Method::DELETE,
                &format!("/sessions/{token}"),
                None,
            )
            .await;
    }
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_static("sid=; Path=/; Max-Age=0"),
    );
    resp
}

async fn account(State(ctx): Ctx, Extension(trace): Trace, headers: HeaderMap) -> Response {
    let user = match require_user(&ctx, &trace, &headers, "/account").await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut orders: Vec<_> = lock(&ctx.data.orders)
        .values()
        .filter(|o| o.user == user.email)
        .cloned()
        .collect();
    orders.sort_by(|a, b| a.id.cmp(&b.id));
    page(
        &ctx,
        Some(&user),
        "Your account",
        &pages::account(&user, &orders),
    )
}

/// Only same-site paths may be redirected to after sign-in.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") => n.to_owned(),
        _ => "/account".to_owned(),
    }
}

/// Percent-encodes a query value.
fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
