//! `keyDown` / `keyUp`: real key events through the DevTools Input domain,
//! with the US layout's codes so pages that read `event.code` see what a
//! keyboard would send.

use chromiumoxide::cdp::browser_protocol::input::{DispatchKeyEventParams, DispatchKeyEventType};
use chromiumoxide::keys::USKEYBOARD_LAYOUT;
use sightline_core::journey::KeyStep;

use super::{StepCtx, StepFailure};

pub(super) async fn key(cx: &mut StepCtx<'_>, s: &KeyStep, down: bool) -> Result<(), StepFailure> {
    let key = cx.bindings.expand(&s.key)?;
    let def = USKEYBOARD_LAYOUT
        .iter()
        .find(|d| d.key == key)
        .ok_or_else(|| StepFailure::runner(format!("unknown key {:?}", s.key)))?;
    let text = def
        .text
        .map(str::to_owned)
        .or_else(|| (def.key.chars().count() == 1).then(|| def.key.to_owned()));
    let kind = match (down, text.is_some()) {
        (true, true) => DispatchKeyEventType::KeyDown,
        (true, false) => DispatchKeyEventType::RawKeyDown,
        (false, _) => DispatchKeyEventType::KeyUp,
    };
    let mut builder = DispatchKeyEventParams::builder()
        .r#type(kind)
        .key(def.key)
        .code(def.code)
        .windows_virtual_key_code(def.key_code)
        .native_virtual_key_code(def.key_code);
    if down && let Some(t) = text {
        builder = builder.text(t.clone()).unmodified_text(t);
    }
    let params = builder.build().map_err(StepFailure::runner)?;
    cx.page()?
        .execute(params)
        .await
        .map_err(StepFailure::from_cdp)?;
    Ok(())
}
