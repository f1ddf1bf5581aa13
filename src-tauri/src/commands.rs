//! Tauri commands: one-line adapters over `sightline-api`.
//!
//! Each adapter only unpacks Tauri's state and forwards the request; the work
//! and its tests live in `sightline-api`. The names and types must match the
//! contract in `sightline_api::ipc_contract!` (checked at compile time in
//! `lib.rs`).
//!
//! Every command is `async` in Tauri's sense: it runs on a worker thread,
//! never on the main thread that drives the window, so reading a month of
//! runs never freezes the UI. Streams take a Tauri [`Channel`], which needs no
//! permission beyond the command itself.

use sightline_api::action::gate::ApproveRequest;
use sightline_api::ask_model::AskModelSaveRequest;
use sightline_api::discovery::{DecisionMade, DiscoveryDecision, DiscoveryRequest, DiscoveryView};
use sightline_api::investigate::{
    AttributionRequest, AttributionView, IncidentDetail, IncidentList, IncidentPostmortem,
    IncidentQuestions, IncidentRequest, IncidentUpdate, IncidentsRequest, PostmortemRequest,
};
use sightline_api::journeys::{JourneyDetail, JourneyDetailRequest, JourneyList, JourneysRequest};
use sightline_api::live::{StoreChanged, SubscribeRequest};
use sightline_api::overview::{Overview, OverviewRequest, ReleaseApproval};
use sightline_api::record::{RecordEvent, RecordRequest, RecordStarted, RecordStopRequest};
use sightline_api::replay::{ReplayEvent, ReplayRequest, ReplayStarted};
use sightline_api::runs::{RunDetail, RunDetailRequest, RunsPage, RunsPageRequest};
use sightline_api::secrets::{SecretDeleteRequest, SecretList, SecretSetRequest};
use sightline_api::settings::{Settings, SettingsRequest, SettingsSaveRequest};
use sightline_api::slo_editor::{
    SloDraft, SloGetRequest, SloList, SloListRequest, SloPreview, SloPreviewRequest,
    SloSaveRequest, SloSaved,
};
use sightline_api::{
    Ack, ApiContext, AppInfo, AppInfoRequest, EventSink, IpcError, UiReadyRequest,
};
use tauri::State;
use tauri::ipc::{Channel, IpcResponse};

/// A stream's sink over a Tauri channel: false once the webview is gone.
fn sink<E: IpcResponse + Send + Sync + 'static>(channel: Channel<E>) -> EventSink<E> {
    Box::new(move |event| channel.send(event).is_ok())
}

/// See [`sightline_api::app_info`].
#[tauri::command(async)]
pub fn app_info(ctx: State<'_, ApiContext>, req: AppInfoRequest) -> Result<AppInfo, IpcError> {
    Ok(sightline_api::app_info(&ctx, req)?)
}

/// See [`sightline_api::ui_ready`].
#[tauri::command(async)]
pub fn ui_ready(ctx: State<'_, ApiContext>, req: UiReadyRequest) -> Result<Ack, IpcError> {
    Ok(sightline_api::ui_ready(&ctx, req)?)
}

/// See [`sightline_api::overview`].
#[tauri::command(async)]
pub fn overview(ctx: State<'_, ApiContext>, req: OverviewRequest) -> Result<Overview, IpcError> {
    Ok(sightline_api::overview(&ctx, req)?)
}

/// See [`sightline_api::journeys`].
#[tauri::command(async)]
pub fn journeys(ctx: State<'_, ApiContext>, req: JourneysRequest) -> Result<JourneyList, IpcError> {
    Ok(sightline_api::journeys(&ctx, req)?)
}

/// See [`sightline_api::journey_detail`].
#[tauri::command(async)]
pub fn journey_detail(
    ctx: State<'_, ApiContext>,
    req: JourneyDetailRequest,
) -> Result<JourneyDetail, IpcError> {
    Ok(sightline_api::journey_detail(&ctx, req)?)
}

/// See [`sightline_api::runs_page`].
#[tauri::command(async)]
pub fn runs_page(ctx: State<'_, ApiContext>, req: RunsPageRequest) -> Result<RunsPage, IpcError> {
    Ok(sightline_api::runs_page(&ctx, req)?)
}

/// See [`sightline_api::run_detail`].
#[tauri::command(async)]
pub fn run_detail(
    ctx: State<'_, ApiContext>,
    req: RunDetailRequest,
) -> Result<RunDetail, IpcError> {
    Ok(sightline_api::run_detail(&ctx, req)?)
}

/// See [`sightline_api::slo_list`].
#[tauri::command(async)]
pub fn slo_list(ctx: State<'_, ApiContext>, req: SloListRequest) -> Result<SloList, IpcError> {
    Ok(sightline_api::slo_list(&ctx, req)?)
}

/// See [`sightline_api::slo_get`].
#[tauri::command(async)]
pub fn slo_get(ctx: State<'_, ApiContext>, req: SloGetRequest) -> Result<SloDraft, IpcError> {
    Ok(sightline_api::slo_get(&ctx, req)?)
}

/// See [`sightline_api::slo_preview`].
#[tauri::command(async)]
pub fn slo_preview(
    ctx: State<'_, ApiContext>,
    req: SloPreviewRequest,
) -> Result<SloPreview, IpcError> {
    Ok(sightline_api::slo_preview(&ctx, req)?)
}

/// See [`sightline_api::slo_save`].
#[tauri::command(async)]
pub fn slo_save(ctx: State<'_, ApiContext>, req: SloSaveRequest) -> Result<SloSaved, IpcError> {
    Ok(sightline_api::slo_save(&ctx, req)?)
}

/// See [`sightline_api::settings`].
#[tauri::command(async)]
pub fn settings(ctx: State<'_, ApiContext>, req: SettingsRequest) -> Result<Settings, IpcError> {
    Ok(sightline_api::settings(&ctx, req)?)
}

/// See [`sightline_api::settings_save`].
#[tauri::command(async)]
pub fn settings_save(
    ctx: State<'_, ApiContext>,
    req: SettingsSaveRequest,
) -> Result<Settings, IpcError> {
    Ok(sightline_api::settings_save(&ctx, req)?)
}

/// See [`sightline_api::ask_model_save`].
#[tauri::command(async)]
pub fn ask_model_save(
    ctx: State<'_, ApiContext>,
    req: AskModelSaveRequest,
) -> Result<Settings, IpcError> {
    Ok(sightline_api::ask_model_save(&ctx, req)?)
}

/// See [`sightline_api::policy_approve`].
#[tauri::command(async)]
pub fn policy_approve(
    ctx: State<'_, ApiContext>,
    req: ApproveRequest,
) -> Result<ReleaseApproval, IpcError> {
    Ok(sightline_api::policy_approve(&ctx, req)?)
}

/// See [`sightline_api::secret_set`].
#[tauri::command(async)]
pub fn secret_set(
    ctx: State<'_, ApiContext>,
    req: SecretSetRequest,
) -> Result<SecretList, IpcError> {
    Ok(sightline_api::secret_set(&ctx, req)?)
}

/// See [`sightline_api::secret_delete`].
#[tauri::command(async)]
pub fn secret_delete(
    ctx: State<'_, ApiContext>,
    req: SecretDeleteRequest,
) -> Result<SecretList, IpcError> {
    Ok(sightline_api::secret_delete(&ctx, req)?)
}

/// See [`sightline_api::attribution`].
#[tauri::command(async)]
pub fn attribution(
    ctx: State<'_, ApiContext>,
    req: AttributionRequest,
) -> Result<AttributionView, IpcError> {
    Ok(sightline_api::attribution(&ctx, req)?)
}

/// See [`sightline_api::incidents`].
#[tauri::command(async)]
pub fn incidents(
    ctx: State<'_, ApiContext>,
    req: IncidentsRequest,
) -> Result<IncidentList, IpcError> {
    Ok(sightline_api::incidents(&ctx, req)?)
}

/// See [`sightline_api::incident_detail`].
#[tauri::command(async)]
pub fn incident_detail(
    ctx: State<'_, ApiContext>,
    req: IncidentRequest,
) -> Result<IncidentDetail, IpcError> {
    Ok(sightline_api::incident_detail(&ctx, req)?)
}

/// See [`sightline_api::incident_update`].
#[tauri::command(async)]
pub fn incident_update(
    ctx: State<'_, ApiContext>,
    req: IncidentUpdate,
) -> Result<IncidentDetail, IpcError> {
    Ok(sightline_api::incident_update(&ctx, req)?)
}

/// See [`sightline_api::incident_postmortem`].
#[tauri::command(async)]
pub fn incident_postmortem(
    ctx: State<'_, ApiContext>,
    req: PostmortemRequest,
) -> Result<IncidentPostmortem, IpcError> {
    Ok(sightline_api::incident_postmortem(&ctx, req)?)
}

/// See [`sightline_api::incident_questions`].
#[tauri::command(async)]
pub fn incident_questions(
    ctx: State<'_, ApiContext>,
    req: IncidentRequest,
) -> Result<IncidentQuestions, IpcError> {
    Ok(sightline_api::incident_questions(&ctx, req)?)
}

/// See [`sightline_api::discovery`].
#[tauri::command(async)]
pub fn discovery(
    ctx: State<'_, ApiContext>,
    req: DiscoveryRequest,
) -> Result<DiscoveryView, IpcError> {
    Ok(sightline_api::discovery(&ctx, req)?)
}

/// See [`sightline_api::discovery_decide`].
#[tauri::command(async)]
pub fn discovery_decide(
    ctx: State<'_, ApiContext>,
    req: DiscoveryDecision,
) -> Result<DecisionMade, IpcError> {
    Ok(sightline_api::discovery_decide(&ctx, req)?)
}

/// See [`sightline_api::record_stop`].
#[tauri::command(async)]
pub fn record_stop(ctx: State<'_, ApiContext>, req: RecordStopRequest) -> Result<Ack, IpcError> {
    Ok(sightline_api::record_stop(&ctx, req)?)
}

/// See [`sightline_api::subscribe`].
#[tauri::command(async)]
pub fn subscribe(
    ctx: State<'_, ApiContext>,
    req: SubscribeRequest,
    on_event: Channel<StoreChanged>,
) -> Result<Ack, IpcError> {
    Ok(sightline_api::subscribe(&ctx, req, sink(on_event))?)
}

/// See [`sightline_api::replay`].
#[tauri::command(async)]
pub fn replay(
    ctx: State<'_, ApiContext>,
    req: ReplayRequest,
    on_event: Channel<ReplayEvent>,
) -> Result<ReplayStarted, IpcError> {
    Ok(sightline_api::replay(&ctx, req, sink(on_event))?)
}

/// See [`sightline_api::record`].
#[tauri::command(async)]
pub fn record(
    ctx: State<'_, ApiContext>,
    req: RecordRequest,
    on_event: Channel<RecordEvent>,
) -> Result<RecordStarted, IpcError> {
    Ok(sightline_api::record(&ctx, req, sink(on_event))?)
}
