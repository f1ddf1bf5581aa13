//! The IPC contract, declared once.

/// Calls the macro named `$callback` with every command of the IPC contract.
///
/// This is the only place a command is declared. Each consumer turns the list
/// into what it needs: this crate derives [`COMMAND_NAMES`](crate::COMMAND_NAMES)
/// and the TypeScript contract from it, and the desktop shell derives its Tauri
/// handler, so a command added here without an adapter there fails to compile.
///
/// Two kinds of command:
/// - `commands { name(Request) -> Response; }`: a function
///   `fn(&ApiContext, Request) -> Result<Response, ApiError>`;
/// - `streams { name(Request) -> Response, Event; }`: a function
///   `fn(&ApiContext, Request, EventSink<Event>) -> Result<Response, ApiError>`
///   that answers at once and then pushes `Event`s to the caller until the
///   sink reports the caller gone. The shell passes a Tauri channel as the
///   sink, which needs no permission beyond the command itself.
///
/// ```
/// macro_rules! count {
///     (commands { $($c:ident($cq:ty) -> $cr:ty;)* }
///      streams { $($s:ident($sq:ty) -> $sr:ty, $se:ty;)* }) => {
///         [$(stringify!($c),)* $(stringify!($s),)*].len()
///     };
/// }
/// assert_eq!(sightline_api::ipc_contract!(count), sightline_api::COMMAND_NAMES.len());
/// ```
#[macro_export]
macro_rules! ipc_contract {
    ($callback:ident) => {
        $callback! {
            commands {
                app_info($crate::AppInfoRequest) -> $crate::AppInfo;
                ui_ready($crate::UiReadyRequest) -> $crate::Ack;
                overview($crate::overview::OverviewRequest) -> $crate::overview::Overview;
                journeys($crate::journeys::JourneysRequest) -> $crate::journeys::JourneyList;
                journey_detail($crate::journeys::JourneyDetailRequest) -> $crate::journeys::JourneyDetail;
                runs_page($crate::runs::RunsPageRequest) -> $crate::runs::RunsPage;
                run_detail($crate::runs::RunDetailRequest) -> $crate::runs::RunDetail;
                slo_list($crate::slo_editor::SloListRequest) -> $crate::slo_editor::SloList;
                slo_get($crate::slo_editor::SloGetRequest) -> $crate::slo_editor::SloDraft;
                slo_preview($crate::slo_editor::SloPreviewRequest) -> $crate::slo_editor::SloPreview;
                slo_save($crate::slo_editor::SloSaveRequest) -> $crate::slo_editor::SloSaved;
                settings($crate::settings::SettingsRequest) -> $crate::settings::Settings;
                settings_save($crate::settings::SettingsSaveRequest) -> $crate::settings::Settings;
                ask_model_save($crate::ask_model::AskModelSaveRequest) -> $crate::settings::Settings;
                policy_approve($crate::action::gate::ApproveRequest) -> $crate::overview::ReleaseApproval;
                secret_set($crate::secrets::SecretSetRequest) -> $crate::secrets::SecretList;
                secret_delete($crate::secrets::SecretDeleteRequest) -> $crate::secrets::SecretList;
                attribution($crate::investigate::AttributionRequest) -> $crate::investigate::AttributionView;
                incidents($crate::investigate::IncidentsRequest) -> $crate::investigate::IncidentList;
                incident_detail($crate::investigate::IncidentRequest) -> $crate::investigate::IncidentDetail;
                incident_update($crate::investigate::IncidentUpdate) -> $crate::investigate::IncidentDetail;
                incident_postmortem($crate::investigate::PostmortemRequest) -> $crate::investigate::IncidentPostmortem;
                incident_questions($crate::investigate::IncidentRequest) -> $crate::investigate::IncidentQuestions;
                discovery($crate::discovery::DiscoveryRequest) -> $crate::discovery::DiscoveryView;
                discovery_decide($crate::discovery::DiscoveryDecision) -> $crate::discovery::DecisionMade;
                record_stop($crate::record::RecordStopRequest) -> $crate::Ack;
            }
            streams {
                subscribe($crate::live::SubscribeRequest) -> $crate::Ack, $crate::live::StoreChanged;
                replay($crate::replay::ReplayRequest) -> $crate::replay::ReplayStarted, $crate::replay::ReplayEvent;
                record($crate::record::RecordRequest) -> $crate::record::RecordStarted, $crate::record::RecordEvent;
            }
        }
    };
}
