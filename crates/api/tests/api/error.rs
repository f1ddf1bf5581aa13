use sightline_api::{ApiError, ErrorCode, IpcError};

#[test]
fn an_api_error_crosses_ipc_as_a_stable_code_and_a_message() {
    let ipc = IpcError::from(ApiError::InvalidRequest("no such journey".into()));
    assert_eq!(ipc.code, ErrorCode::InvalidRequest);
    assert_eq!(
        serde_json::to_value(&ipc).expect("serialise"),
        serde_json::json!({ "code": "invalid_request", "message": "invalid request: no such journey" })
    );
}
