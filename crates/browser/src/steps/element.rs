//! Steps that act on an element: click, doubleClick, hover, change, scroll,
//! waitForElement. Pointer and keyboard input go through the DevTools Input
//! domain so the page sees trusted events, as it would from a person.

use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::input::{
    DispatchMouseEventParams, DispatchMouseEventType, InsertTextParams, MouseButton,
};
use serde::Deserialize;
use serde_json::json;
use sightline_core::ErrorClass;
use sightline_core::journey::{
    ChangeStep, ClickStep, CountOperator, HoverStep, PointerButton, ScrollStep, WaitForElementStep,
};
use tokio::time::Instant;

use super::{StepCtx, StepFailure};
use crate::selectors::{self, Located, POLL};

fn mouse(
    kind: DispatchMouseEventType,
    x: f64,
    y: f64,
    button: MouseButton,
    clicks: i64,
) -> Result<DispatchMouseEventParams, StepFailure> {
    DispatchMouseEventParams::builder()
        .r#type(kind)
        .x(x)
        .y(y)
        .button(button)
        .click_count(clicks)
        .build()
        .map_err(StepFailure::runner)
}

fn point(rect: &Located, offset_x: Option<f64>, offset_y: Option<f64>) -> (f64, f64) {
    (
        rect.x + offset_x.unwrap_or(rect.width / 2.0),
        rect.y + offset_y.unwrap_or(rect.height / 2.0),
    )
}

pub(super) async fn click(
    cx: &mut StepCtx<'_>,
    s: &ClickStep,
    clicks: i64,
) -> Result<(), StepFailure> {
    let page = cx.page()?.clone();
    let rect = selectors::locate(&page, &s.selectors, s.frame.as_deref(), cx.deadline).await?;
    let (x, y) = point(&rect, s.offset_x.map(|n| n.0), s.offset_y.map(|n| n.0));
    let button = match s.button.unwrap_or(PointerButton::Primary) {
        PointerButton::Primary => MouseButton::Left,
        PointerButton::Auxiliary => MouseButton::Middle,
        PointerButton::Secondary => MouseButton::Right,
        PointerButton::Back => MouseButton::Back,
        PointerButton::Forward => MouseButton::Forward,
    };
    let hold = s
        .duration
        .map(|d| Duration::from_millis(d.0.max(0.0) as u64));
    let run = |p| async {
        page.execute(p)
            .await
            .map(|_| ())
            .map_err(StepFailure::from_cdp)
    };
    run(mouse(
        DispatchMouseEventType::MouseMoved,
        x,
        y,
        MouseButton::None,
        0,
    )?)
    .await?;
    for n in 1..=clicks {
        run(mouse(
            DispatchMouseEventType::MousePressed,
            x,
            y,
            button.clone(),
            n,
        )?)
        .await?;
        if let Some(hold) = hold {
            tokio::time::sleep(hold).await;
        }
        run(mouse(
            DispatchMouseEventType::MouseReleased,
            x,
            y,
            button.clone(),
            n,
        )?)
        .await?;
    }
    Ok(())
}

pub(super) async fn hover(cx: &mut StepCtx<'_>, s: &HoverStep) -> Result<(), StepFailure> {
    let page = cx.page()?.clone();
    let rect = selectors::locate(&page, &s.selectors, s.frame.as_deref(), cx.deadline).await?;
    let (x, y) = point(&rect, None, None);
    page.execute(mouse(
        DispatchMouseEventType::MouseMoved,
        x,
        y,
        MouseButton::None,
        0,
    )?)
    .await
    .map_err(StepFailure::from_cdp)?;
    Ok(())
}

#[derive(Debug, Deserialize)]
struct Found {
    found: bool,
    #[serde(default)]
    typed: bool,
}

pub(super) async fn change(cx: &mut StepCtx<'_>, s: &ChangeStep) -> Result<(), StepFailure> {
    let value = cx.bindings.expand(&s.value)?;
    let page = cx.page()?.clone();
    // Wait for the element as a person would, then clear it and type.
    selectors::locate(&page, &s.selectors, s.frame.as_deref(), cx.deadline).await?;
    let args = json!({
        "action": "prepareChange",
        "selectors": selectors::parts(&s.selectors),
        "frame": s.frame,
        "value": value,
    });
    let prepared: Found = selectors::call(&page, args).await?;
    if !prepared.found {
        return Err(StepFailure::new(
            ErrorClass::SelectorNotFound,
            format!("no element matches {}", selectors::describe(&s.selectors)),
        ));
    }
    if prepared.typed {
        page.execute(InsertTextParams::new(value))
            .await
            .map_err(StepFailure::from_cdp)?;
        let args = json!({
            "action": "finishChange",
            "selectors": selectors::parts(&s.selectors),
            "frame": s.frame,
        });
        let _: Found = selectors::call(&page, args).await?;
    }
    Ok(())
}

pub(super) async fn scroll(cx: &mut StepCtx<'_>, s: &ScrollStep) -> Result<(), StepFailure> {
    let page = cx.page()?.clone();
    let (x, y) = (s.x.map_or(0.0, |n| n.0), s.y.map_or(0.0, |n| n.0));
    match s.selectors.as_deref() {
        Some(sel) if !sel.is_empty() => {
            selectors::locate(&page, sel, s.frame.as_deref(), cx.deadline).await?;
            let args = json!({
                "action": "scroll",
                "selectors": selectors::parts(sel),
                "frame": s.frame,
                "x": x,
                "y": y,
            });
            let _: Found = selectors::call(&page, args).await?;
        }
        _ => {
            super::page::eval::<bool>(&page, format!("window.scrollTo({x}, {y}), true")).await?;
        }
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
struct Count {
    count: u64,
}

pub(super) async fn wait_for_element(
    cx: &mut StepCtx<'_>,
    s: &WaitForElementStep,
) -> Result<(), StepFailure> {
    let page = cx.page()?.clone();
    let want = s.count.unwrap_or(1);
    let op = s.operator.unwrap_or(CountOperator::AtLeast);
    let args = json!({
        "action": "count",
        "selectors": selectors::parts(&s.selectors),
        "frame": s.frame,
        "visible": s.visible,
        "attributes": s.attributes,
        "properties": s.properties,
    });
    loop {
        let Count { count } = selectors::call(&page, args.clone()).await?;
        let ok = match op {
            CountOperator::AtLeast => count >= want,
            CountOperator::Exactly => count == want,
            CountOperator::AtMost => count <= want,
        };
        if ok {
            return Ok(());
        }
        if Instant::now() + POLL >= cx.deadline {
            let sym = match op {
                CountOperator::AtLeast => ">=",
                CountOperator::Exactly => "==",
                CountOperator::AtMost => "<=",
            };
            let class = if count == 0 {
                ErrorClass::SelectorNotFound
            } else {
                ErrorClass::AssertionFailed
            };
            return Err(StepFailure::new(
                class,
                format!(
                    "expected {sym} {want} elements matching {}, found {count}",
                    selectors::describe(&s.selectors)
                ),
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}
