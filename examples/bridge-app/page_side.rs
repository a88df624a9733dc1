//! The page's side of the acknowledged protocol, as the load tools open it: shared by
//! `partner-bridge-storm` and `partner-bridge-agents`.

use futures_util::StreamExt;
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a WebSocket offering `partner-events.v1`, from `origin`.
pub(crate) async fn open(url: &str, origin: &str) -> Result<Socket, String> {
    let mut request = url
        .into_client_request()
        .map_err(|error| error.to_string())?;
    let headers = request.headers_mut();
    headers.insert("origin", origin.parse().map_err(|_| "a bad origin")?);
    headers.insert(
        "sec-websocket-protocol",
        "partner-events.v1".parse().map_err(|_| "?")?,
    );
    let (socket, _) = tokio_tungstenite::connect_async_with_config(request, None, true)
        .await
        .map_err(|error| error.to_string())?;
    Ok(socket)
}

/// The next text frame, as JSON; `None` when the connection is over.
pub(crate) async fn next_json(socket: &mut Socket) -> Option<Value> {
    while let Some(frame) = socket.next().await {
        match frame {
            Ok(Message::Text(text)) => return serde_json::from_str(&text).ok(),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    None
}

/// The origin a page served by the bridge at `url` would send.
pub(crate) fn origin_of(url: &str) -> String {
    let rest = url.trim_start_matches("ws://").trim_start_matches("wss://");
    let host = rest.split('/').next().unwrap_or(rest);
    format!("http://{host}")
}
