//! The page's own messages: JSON the partner's page sends to its server (an agent's click), typed
//! by the partner, in the same ordered, acknowledged stream as the SDK's events.

use std::future::Future;
use std::pin::Pin;

use partner_events::DeliveryId;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

/// What a session's handler does with its page's own messages. Implement it beside
/// `#[partner_events::handler]`, and turn it on with [`Bridge::page_messages`](crate::Bridge::page_messages):
///
/// ```
/// use partner_events::DeliveryId;
/// use partner_events_bridge::{PageHandler, PageSender};
///
/// #[derive(serde::Deserialize)]
/// struct Click { button: String }
///
/// struct App { page: PageSender<String>, clicks: usize }
///
/// impl PageHandler for App {
///     type FromPage = Click;
///     async fn on_page_message(&mut self, click: Click, _delivery: &DeliveryId) {
///         self.clicks += 1;
///         let _ = self.page.send(&format!("you pressed {}", click.button));
///     }
/// }
/// ```
pub trait PageHandler {
    /// The page's messages, as the partner types them. One that does not deserialize gets an
    /// error frame naming what is wrong, and is acknowledged (resending it would not help).
    type FromPage: DeserializeOwned + Send;

    /// Handles one message from the page. `delivery` is stable across resends, as for events.
    fn on_page_message(
        &mut self,
        message: Self::FromPage,
        delivery: &DeliveryId,
    ) -> impl Future<Output = ()> + Send;
}

pub(crate) type PageFuture<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Routes one page message of a bridge whose handler takes them; `Err` says why it was refused.
pub(crate) type RoutePage<H> =
    for<'a> fn(&'a mut H, &RawValue, DeliveryId) -> Result<PageFuture<'a>, String>;

pub(crate) fn route_page<'a, H>(
    handler: &'a mut H,
    message: &RawValue,
    delivery: DeliveryId,
) -> Result<PageFuture<'a>, String>
where
    H: PageHandler + Send,
{
    let message: H::FromPage = serde_json::from_str(message.get()).map_err(|error| {
        format!(
            "the page's message is not a `{}`: {error}",
            std::any::type_name::<H::FromPage>()
        )
    })?;
    Ok(Box::pin(async move {
        handler.on_page_message(message, &delivery).await;
    }))
}
