//! `#[handler]` with `async` methods, and the `Handler` trait generic hosts drive handlers through.

use partner_events::events::{AwChatInitV1, AwInteractionHoldV1, AwInteractionMuteV1};
use partner_events::{DecodeError, Decoder, Dispatch, Handler, Message, ReceivedOf, Unhandled};

fn message(name: &str, value: &str) -> String {
    format!(
        r#"{{"type":"event","schemaVersion":"1.0.0","message":{{"eventName":"{name}","value":{value}}}}}"#
    )
}

/// A stand-in for a CRM look-up: yields to the executor once before answering.
async fn look_up(id: &str) -> String {
    struct YieldOnce(bool);
    impl std::future::Future for YieldOnce {
        type Output = ();
        fn poll(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<()> {
            if self.0 {
                std::task::Poll::Ready(())
            } else {
                self.0 = true;
                cx.waker().wake_by_ref();
                std::task::Poll::Pending
            }
        }
    }
    YieldOnce(false).await;
    format!("customer of {id}")
}

#[derive(Default)]
struct AsyncApp {
    log: Vec<String>,
}

#[partner_events::handler]
impl AsyncApp {
    async fn on_hold(&mut self, event: AwInteractionHoldV1) {
        let customer = look_up(&event.interaction_id).await;
        self.log
            .push(format!("hold {} ({customer})", event.interaction_id));
    }

    // sync and async methods mix in one block
    fn on_mute(&mut self, event: AwInteractionMuteV1, _context: &partner_events::EventContext) {
        self.log.push(format!("mute {}", event.interaction_id));
    }

    async fn fallback(&mut self, unhandled: Unhandled) {
        let what = match unhandled {
            Unhandled::Message(message) => format!("{message:?}").chars().take(12).collect(),
            Unhandled::Invalid(error) => format!("invalid: {error}"),
        };
        self.log.push(what);
    }
}

#[test]
fn async_handlers_are_awaited_and_route_like_sync_ones() {
    let mut app = AsyncApp::default();
    let hold = message(
        "aw-interaction-hold-v1",
        r#"{"interactionId":"i1","schemaVersion":"1.0.0"}"#,
    );
    let mute = message(
        "aw-interaction-mute-v1",
        r#"{"interactionId":"i2","schemaVersion":"1.0.0"}"#,
    );
    let handled = pollster::block_on(app.handle(&hold));
    assert!(matches!(
        handled,
        Dispatch::Handled("aw-interaction-hold-v1")
    ));
    assert!(matches!(
        pollster::block_on(app.handle(&mute)),
        Dispatch::Handled("aw-interaction-mute-v1")
    ));
    assert!(matches!(
        pollster::block_on(app.handle("{")),
        Dispatch::Fallback
    ));
    assert_eq!(
        app.log,
        [
            "hold i1 (customer of i1)",
            "mute i2",
            "invalid: not JSON: EOF while parsing an object at line 1 column 1"
        ]
    );
}

/// What a host does with any handler: decode with the handler's catalog, keep the error, route.
fn host<H: Handler>(handler: &mut H, json: &str) -> (Option<String>, Dispatch<ReceivedOf<H>>) {
    let decoded: Result<Message<ReceivedOf<H>>, DecodeError> =
        Decoder::<H::Catalog>::for_catalog().decode(json);
    let error = decoded.as_ref().err().map(ToString::to_string);
    (error, pollster::block_on(handler.route(decoded)))
}

#[derive(Default)]
struct SyncApp {
    chats: Vec<String>,
}

#[partner_events::handler]
impl SyncApp {
    fn on_chat(&mut self, event: AwChatInitV1) {
        self.chats.push(event.interaction_id);
    }
}

#[test]
fn hosts_drive_sync_and_async_handlers_through_the_trait() {
    let chat = message(
        "aw-chat-init-v1",
        r#"{"interactionId":"c1","schemaVersion":"1.0.0","messages":[]}"#,
    );
    let mut sync_app = SyncApp::default();
    let (error, dispatch) = host(&mut sync_app, &chat);
    assert_eq!(error, None);
    assert!(matches!(dispatch, Dispatch::Handled("aw-chat-init-v1")));
    assert_eq!(sync_app.chats, ["c1"]);
    // no fallback: the host sees the error, and the message comes back unhandled, not dropped
    let (error, dispatch) = host(&mut sync_app, r#"{"type":"event"}"#);
    assert_eq!(
        error.as_deref(),
        Some("not an SDK message: the envelope has no `message`")
    );
    assert!(matches!(
        dispatch,
        Dispatch::Unhandled(Unhandled::Invalid(DecodeError::NotSdkMessage { .. }))
    ));

    let mut async_app = AsyncApp::default();
    let hold = message(
        "aw-interaction-hold-v1",
        r#"{"interactionId":"h9","schemaVersion":"1.0.0"}"#,
    );
    let (error, dispatch) = host(&mut async_app, &hold);
    assert_eq!(error, None);
    assert!(matches!(
        dispatch,
        Dispatch::Handled("aw-interaction-hold-v1")
    ));
    assert_eq!(async_app.log, ["hold h9 (customer of h9)"]);
}

#[test]
fn the_route_future_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let mut app = AsyncApp::default();
    let future = app.route(Err(DecodeError::TooLarge { bytes: 2, limit: 1 }));
    assert_send(&future);
    assert!(matches!(pollster::block_on(future), Dispatch::Fallback));
}
