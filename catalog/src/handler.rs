//! `#[partner_events::handler]`: an impl block whose methods each take one received event, turned
//! into decode-and-route.
//!
//! Every method of the block is a handler, except one named `fallback`; helpers belong in another
//! impl block. Each rule below reports at the offending tokens and all problems are reported
//! together. On any error the block is still emitted, with stub `handle` methods, so the user's
//! calls to `handle` do not pile up errors that only follow from the first.

use std::collections::BTreeMap;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;

use crate::diagnostic::did_you_mean;
use crate::model::{Catalog, Direction, Event, Version};
use crate::naming;

/// `#[handler(...)]` arguments.
#[derive(Default)]
pub struct HandlerArgs {
    /// `exhaustive`: every active received event must have a handler.
    pub exhaustive: Option<Span>,
    /// `catalog = "path.yaml"`: a partner-owned catalog (its path, resolved by the macro crate).
    pub catalog: Option<syn::LitStr>,
    /// `events = path::to::module`: where that catalog's types were generated.
    pub events: Option<syn::Path>,
}

const ARGS: &[&str] = &["exhaustive", "catalog", "events"];

impl syn::parse::Parse for HandlerArgs {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let mut args = HandlerArgs::default();
        let mut errors: Option<syn::Error> = None;
        while !input.is_empty() {
            let key: syn::Ident = input.parse()?;
            match key.to_string().as_str() {
                "exhaustive" => args.exhaustive = Some(key.span()),
                "catalog" => {
                    input.parse::<syn::Token![=]>()?;
                    args.catalog = Some(input.parse()?);
                }
                "events" => {
                    input.parse::<syn::Token![=]>()?;
                    args.events = Some(input.parse()?);
                }
                other => {
                    let help = did_you_mean(other, ARGS.iter().copied())
                        .unwrap_or_else(|| format!("the arguments are: {}", ARGS.join(", ")));
                    let error = syn::Error::new(
                        key.span(),
                        format!("unknown `handler` argument `{other}`; {help}"),
                    );
                    match &mut errors {
                        Some(all) => all.combine(error),
                        None => errors = Some(error),
                    }
                    // skip a `= value` after the unknown key
                    if input.peek(syn::Token![=]) {
                        input.parse::<syn::Token![=]>()?;
                        input.parse::<syn::Expr>()?;
                    }
                }
            }
            if !input.is_empty() {
                input.parse::<syn::Token![,]>()?;
            }
        }
        if args.catalog.is_some() != args.events.is_some() {
            let error = syn::Error::new(
                Span::call_site(),
                "`catalog = \"...\"` and `events = path::to::module` go together: the catalog file, and the module where `include_catalog!` generated its types",
            );
            match &mut errors {
                Some(all) => all.combine(error),
                None => errors = Some(error),
            }
        }
        match errors {
            Some(errors) => Err(errors),
            None => Ok(args),
        }
    }
}

/// Every Rust type name an event type is reachable by, with its event and version (the plain
/// name of a multi-version event is its newest version).
pub fn event_types(catalog: &Catalog) -> BTreeMap<String, (&Event, &Version)> {
    let mut types = BTreeMap::new();
    for event in &catalog.events {
        for version in &event.versions {
            types.insert(
                naming::version_type_name(event, &version.version),
                (event, version),
            );
        }
        types.insert(
            naming::event_type_name(&event.name),
            (event, event.newest()),
        );
    }
    types
}

struct Route {
    method: syn::Ident,
    ty: syn::Ident,
    with_context: bool,
    /// `async fn`: its call is awaited.
    is_async: bool,
    event_name: String,
    /// How `Received` holds the payload.
    storage: crate::expand::PayloadStorage,
}

/// Expands `#[handler(args)]` on `item`, with `catalog` loaded and `events` the path of the
/// module holding its types.
pub fn expand(
    args: &HandlerArgs,
    item: TokenStream,
    catalog: &Catalog,
    events: &syn::Path,
) -> TokenStream {
    let item_impl = match syn::parse2::<syn::ItemImpl>(item.clone()) {
        Ok(item_impl) => item_impl,
        Err(_) => {
            let span = syn::parse2::<syn::Item>(item.clone())
                .map(|item| item_span(&item))
                .unwrap_or_else(|_| Span::call_site());
            let error = syn::Error::new(
                span,
                "`#[partner_events::handler]` goes on an `impl` block whose methods each take one received event, e.g. `impl MyApp { fn on_hold(&mut self, event: AwInteractionHoldV1) {} }`",
            )
            .to_compile_error();
            return quote!(#error #item);
        }
    };
    let types = event_types(catalog);
    let mut errors: Vec<syn::Error> = Vec::new();
    let mut routes: Vec<Route> = Vec::new();
    let mut handled: BTreeMap<String, syn::Ident> = BTreeMap::new();
    // `Some(is_async)` when the block has a `fallback` method
    let mut fallback: Option<bool> = None;
    let mut mutable = false;
    for impl_item in &item_impl.items {
        let syn::ImplItem::Fn(method) = impl_item else {
            continue;
        };
        let sig = &method.sig;
        let receiver_ok = match sig.receiver() {
            Some(receiver) if receiver.reference.is_some() => {
                mutable |= receiver.mutability.is_some();
                true
            }
            Some(receiver) => {
                errors.push(syn::Error::new(
                    receiver.span(),
                    format!(
                        "handler `{}` takes `self` by value; take `&self` or `&mut self`",
                        sig.ident
                    ),
                ));
                false
            }
            None => {
                errors.push(syn::Error::new(
                    sig.ident.span(),
                    format!(
                        "handler `{}` has no receiver; take `&self` or `&mut self` first",
                        sig.ident
                    ),
                ));
                false
            }
        };
        let typed: Vec<&syn::PatType> = sig
            .inputs
            .iter()
            .filter_map(|arg| match arg {
                syn::FnArg::Typed(typed) => Some(typed),
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        if sig.ident == "fallback" {
            if typed.len() != 1 {
                errors.push(syn::Error::new(
                    sig.inputs.span(),
                    "`fallback` takes one argument besides `self`: `fn fallback(&mut self, unhandled: partner_events::Unhandled)`",
                ));
            }
            fallback = Some(sig.asyncness.is_some());
            continue;
        }
        if typed.is_empty() || typed.len() > 2 {
            errors.push(syn::Error::new(
                if typed.is_empty() { sig.ident.span() } else { typed[2].span() },
                format!(
                    "handler `{}` takes {} argument(s) besides `self`; a handler takes the event, and optionally `&partner_events::EventContext`: `fn {}(&mut self, event: AwInteractionHoldV1)`",
                    sig.ident,
                    typed.len(),
                    sig.ident
                ),
            ));
            continue;
        }
        let event_ty = &typed[0].ty;
        let Some(type_name) = last_ident(event_ty) else {
            errors.push(syn::Error::new(
                event_ty.span(),
                format!("handler `{}` must take a received event type of the catalog by value, e.g. `AwInteractionHoldV1`", sig.ident),
            ));
            continue;
        };
        let Some((event, version)) = types.get(&type_name.to_string()) else {
            let received = types
                .iter()
                .filter(|(_, (e, _))| e.direction == Direction::Received)
                .map(|(name, _)| name.as_str());
            let help = did_you_mean(&type_name.to_string(), received).unwrap_or_else(|| {
                "a handler takes one of the types in `partner_events::events`".into()
            });
            errors.push(syn::Error::new(
                type_name.span(),
                format!("`{type_name}` is not an event type of the catalog; {help}"),
            ));
            continue;
        };
        if event.direction == Direction::Send {
            errors.push(syn::Error::new(
                type_name.span(),
                format!(
                    "`{type_name}` is a send event (`{}`): partners send it with `partner_events::send_request`; handlers take received events",
                    event.name
                ),
            ));
            continue;
        }
        if !receiver_ok {
            continue;
        }
        let canonical = naming::version_type_name(event, &version.version);
        if let Some(first) = handled.get(&canonical) {
            errors.push(syn::Error::new(
                type_name.span(),
                format!(
                    "`{}` {} already has a handler, `{first}`; each event and version has one handler",
                    event.name, version.version
                ),
            ));
            continue;
        }
        handled.insert(canonical.clone(), sig.ident.clone());
        routes.push(Route {
            method: sig.ident.clone(),
            ty: syn::Ident::new(&canonical, type_name.span()),
            with_context: typed.len() == 2,
            is_async: sig.asyncness.is_some(),
            event_name: event.name.clone(),
            storage: crate::expand::PayloadStorage::of(catalog, version),
        });
    }
    if let Some(span) = args.exhaustive {
        let missing: Vec<String> = catalog
            .events_of(Direction::Received)
            .filter(|event| event.deprecation.is_none())
            .flat_map(|event| event.versions.iter().map(move |version| (event, version)))
            .filter_map(|(event, version)| {
                let name = naming::version_type_name(event, &version.version);
                (!handled.contains_key(&name)).then(|| format!("`{}` ({name})", event.name))
            })
            .collect();
        if !missing.is_empty() {
            errors.push(syn::Error::new(
                span,
                format!(
                    "`exhaustive`: {} active received event(s) have no handler: {}",
                    missing.len(),
                    missing.join(", ")
                ),
            ));
        }
    }
    let self_ty = &item_impl.self_ty;
    let (impl_generics, _, where_clause) = item_impl.generics.split_for_impl();
    let receiver = if mutable {
        quote!(&mut self)
    } else {
        quote!(&self)
    };
    // One async method makes `handle` async: it awaits that method.
    let is_async =
        routes.iter().any(|route| route.is_async) || fallback.is_some_and(|is_async| is_async);
    let (async_kw, dot_await) = if is_async {
        (quote!(async), quote!(.await))
    } else {
        (quote!(), quote!())
    };
    if !errors.is_empty() {
        let errors = errors.into_iter().map(|e| e.to_compile_error());
        return quote! {
            #(#errors)*
            #item_impl
            impl #impl_generics #self_ty #where_clause {
                #[allow(dead_code)]
                pub #async_kw fn handle(#receiver, _json: &str) -> ::partner_events::Dispatch<#events::Received> {
                    ::core::unreachable!()
                }
            }
        };
    }
    let arms = routes.iter().map(|route| {
        let Route {
            method,
            ty,
            with_context,
            is_async,
            event_name,
            storage,
        } = route;
        let payload = storage.unwrap(quote!(__payload));
        let awaited = if *is_async { quote!(.await) } else { quote!() };
        let call = if *with_context {
            quote_spanned!(method.span()=> self.#method(#payload, &__context)#awaited)
        } else {
            quote_spanned!(method.span()=> self.#method(#payload)#awaited)
        };
        quote! {
            #events::Received::#ty(__payload) => {
                #call;
                return ::partner_events::Dispatch::Handled(#event_name);
            }
        }
    });
    let to_fallback = if let Some(fallback_is_async) = fallback {
        let awaited = if fallback_is_async {
            quote!(.await)
        } else {
            quote!()
        };
        quote! {
            self.fallback(__unhandled)#awaited;
            ::partner_events::Dispatch::Fallback
        }
    } else {
        quote!(::partner_events::Dispatch::Unhandled(__unhandled))
    };
    let route_future = if is_async {
        quote!(Self::__route(self, message))
    } else {
        quote!(::core::future::ready(Self::__route(self, message)))
    };
    let received = quote!(#events::Received);
    let decoded = quote!(
        ::core::result::Result<::partner_events::Message<#received>, ::partner_events::DecodeError>
    );
    quote! {
        #item_impl

        #[automatically_derived]
        #[allow(deprecated, unreachable_patterns)]
        impl #impl_generics #self_ty #where_clause {
            /// Decodes an SDK message (as `onMessage` receives it) with the default
            /// [`partner_events::Decoder`] and routes it to its handler method; anything no
            /// handler takes goes to `fallback`, or is returned.
            pub #async_kw fn handle(#receiver, json: &str) -> ::partner_events::Dispatch<#received> {
                // made once: a decoder is plain configuration, and making one reads the date
                static __DECODER: ::std::sync::OnceLock<::partner_events::Decoder<#events::Catalog>> =
                    ::std::sync::OnceLock::new();
                self.handle_with(
                    __DECODER.get_or_init(::partner_events::Decoder::<#events::Catalog>::for_catalog),
                    json,
                )#dot_await
            }

            /// [`Self::handle`] with a decoder of your choosing (sunset policy, date, size limit).
            pub #async_kw fn handle_with(
                #receiver,
                decoder: &::partner_events::Decoder<#events::Catalog>,
                json: &str,
            ) -> ::partner_events::Dispatch<#received> {
                self.__route(decoder.decode(json))#dot_await
            }

            // Private, and named so that it cannot collide with a handler method: the one place
            // a message is routed, for `handle` and for `partner_events::Handler`.
            #async_kw fn __route(#receiver, message: #decoded) -> ::partner_events::Dispatch<#received> {
                let __unhandled = match message {
                    ::core::result::Result::Ok(::partner_events::Message::Event(__decoded)) => {
                        let (__event, __context) = __decoded.into_parts();
                        match __event {
                            #(#arms)*
                            __other => ::partner_events::Unhandled::Message(
                                ::partner_events::Message::Event(
                                    ::partner_events::DecodedEvent::from_parts(__other, __context),
                                ),
                            ),
                        }
                    }
                    ::core::result::Result::Ok(__message) => ::partner_events::Unhandled::Message(__message),
                    ::core::result::Result::Err(__error) => ::partner_events::Unhandled::Invalid(__error),
                };
                #to_fallback
            }
        }

        #[automatically_derived]
        impl #impl_generics ::partner_events::Handler for #self_ty #where_clause {
            type Catalog = #events::Catalog;

            fn route(
                &mut self,
                message: #decoded,
            ) -> impl ::core::future::Future<Output = ::partner_events::Dispatch<#received>> + ::core::marker::Send {
                #route_future
            }
        }
    }
}

fn last_ident(ty: &syn::Type) -> Option<&syn::Ident> {
    match ty {
        syn::Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .filter(|segment| segment.arguments.is_none())
            .map(|segment| &segment.ident),
        syn::Type::Paren(paren) => last_ident(&paren.elem),
        syn::Type::Group(group) => last_ident(&group.elem),
        _ => None,
    }
}

/// Where to point an error about an item that is not an impl block: its keyword and name.
fn item_span(item: &syn::Item) -> Span {
    match item {
        syn::Item::Struct(s) => s.ident.span(),
        syn::Item::Enum(e) => e.ident.span(),
        syn::Item::Fn(f) => f.sig.ident.span(),
        syn::Item::Trait(t) => t.ident.span(),
        syn::Item::Mod(m) => m.ident.span(),
        other => other
            .to_token_stream()
            .into_iter()
            .next()
            .map_or_else(Span::call_site, |t| t.span()),
    }
}
