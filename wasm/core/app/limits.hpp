// Every size, count and time limit of the server, in one place. docs/security.md ("Limits") lists
// each with where it is enforced, the error a client gets past it, and the test that shows it.
// Values a specification fixes (PKCE's 43-128 characters, key and digest sizes, token formats)
// stay with the code that implements that specification; the worker's rate limits are in
// wrangler.jsonc (`ratelimits`), and Workers' own platform limits are named where they matter.
#pragma once

#include <cstddef>
#include <cstdint>

namespace app {

// ---- Requests
// Request bodies: the driver stops reading past this and the core answers 413.
inline constexpr std::size_t max_body_bytes = 1 << 20;
// Request headers, by count and by total size of names and values: past either, 431. (Cloudflare
// itself refuses more than 128 KB of headers; wrangler dev's Node proxy more than 16 KB.)
inline constexpr std::size_t max_request_headers = 256;
inline constexpr std::size_t max_request_header_bytes = 64 * 1024;
// JSON nesting of anything parsed (request bodies, KV records, GitHub's answers).
inline constexpr std::size_t max_json_depth = 64;
// Messages in one JSON-RPC batch.
inline constexpr std::size_t max_batch_messages = 100;
// An Mcp-Session-Id or legacy SSE sessionId (ours are about 120 characters).
inline constexpr std::size_t max_session_id_length = 512;
// A signed cookie or form value (the consent request, the approvals list).
inline constexpr std::size_t max_signed_value_length = 8192;
// A client_id that is not a URL: ours are 16 characters; longer ones are unknown, unread.
inline constexpr std::size_t max_client_id_length = 256;
// A client_id that is a URL (a Client ID Metadata Document).
inline constexpr std::size_t max_client_id_url_length = 2048;
// /authorize parameters.
inline constexpr std::size_t max_authorize_state_length = 1024;
inline constexpr std::size_t max_authorize_scope_length = 1024;
// /callback parameters (GitHub's state is ours, 32 characters; its codes are 20).
inline constexpr std::size_t max_callback_state_length = 256;
inline constexpr std::size_t max_github_code_length = 512;
// A GitHub login (GitHub allows 39 characters); also the user part of a token.
inline constexpr std::size_t max_login_length = 100;
// generateImage's prompt.
inline constexpr std::size_t max_prompt_length = 2048;
// A tool name the request log repeats (longer or odd ones are logged as "other").
inline constexpr std::size_t max_logged_tool_name_length = 64;

// ---- Client registration (RFC 7591)
inline constexpr std::size_t max_redirect_uris = 20;
inline constexpr std::size_t max_redirect_uri_length = 2048;
inline constexpr std::size_t max_contacts = 10;
inline constexpr std::size_t max_client_name_length = 256;  // also each contact
inline constexpr std::size_t max_client_uri_length = 2048;  // client_uri, logo_uri, policy_uri, tos_uri
inline constexpr std::size_t max_registration_scope_length = 2048;
// How much of a refused value an error_description repeats.
inline constexpr std::size_t max_error_echo = 100;

// ---- Outbound requests (GitHub, Client ID Metadata Documents)
inline constexpr std::uint32_t fetch_timeout_ms = 10000;
// The shim enforces it (worker-shim/perform_fetch.js), told by the module (mcp_max_fetch_body_bytes).
inline constexpr std::uint32_t max_fetch_body_bytes = 1 << 20;
inline constexpr std::uint32_t client_id_document_timeout_ms = 5000;
inline constexpr std::size_t max_client_id_document_bytes = 5 * 1024;
// How long a fetched metadata document is cached: its Cache-Control max-age, within these bounds.
inline constexpr std::int64_t client_id_document_cache_default_seconds = 300;
inline constexpr std::int64_t client_id_document_cache_min_seconds = 60;
inline constexpr std::int64_t client_id_document_cache_max_seconds = 86400;

// ---- What the server keeps
// Clients a browser's approvals cookie remembers (most recent first).
inline constexpr std::size_t max_remembered_clients = 10;
// Refresh tokens of a grant remembered as used, for reuse detection (RFC 9700 §4.14.2).
inline constexpr std::size_t max_retired_refresh_tokens = 50;
// Listing KV (a user's grants, a grant's tokens): pages of this many keys, at most this many pages.
inline constexpr std::uint64_t kv_list_page_size = 1000;
inline constexpr int kv_list_max_pages = 100;
// Verified tokens and session ids an isolate's AuthCache holds, of each kind.
inline constexpr std::size_t max_auth_cache_entries = 4096;
// Legacy SSE streams one user may hold open at once (SSE_MAX_STREAMS_PER_USER overrides).
inline constexpr std::uint32_t default_sse_streams_per_user = 32;

// ---- Lifetimes
inline constexpr std::int64_t authorization_code_ttl_seconds = 600;
inline constexpr std::int64_t consent_ttl_seconds = 600;       // the consent form's signed request
inline constexpr std::int64_t github_state_ttl_seconds = 600;  // a sign-in at GitHub
// The GitHub state cookie's value when it carries the signed sign-in (github/sign_in.hpp rule 1);
// a longer one (a request with very long URIs) is kept in KV instead. Browsers keep cookies of at
// least 4096 bytes, name and attributes included (RFC 6265 §6.1).
inline constexpr std::size_t max_state_cookie_value_length = 3800;
inline constexpr std::int64_t approvals_ttl_seconds = 30 * 24 * 3600;
inline constexpr std::int64_t refresh_token_ttl_seconds = 30 * 24 * 3600;  // fixed at the code exchange
// A refresh is refused when less than this remains of the grant.
inline constexpr std::int64_t refresh_min_remaining_seconds = 60;
inline constexpr std::int64_t registration_ttl_seconds = 90LL * 24 * 3600;
inline constexpr std::int64_t session_max_age_seconds = 7 * 24 * 3600;  // an Mcp-Session-Id
// A grant's Durable Object remembers "revoked" this long: past any refresh token it had.
inline constexpr std::int64_t revoked_grant_memory_seconds = 31 * 24 * 3600;
// ... and a live grant's object outlives the grant by this much.
inline constexpr std::int64_t grant_object_grace_seconds = 24 * 3600;
// Clock skew tolerated on what this server signed (session ids, consent forms).
inline constexpr std::int64_t session_clock_skew_seconds = 300;
inline constexpr std::int64_t consent_clock_skew_seconds = 60;
// Workers KV refuses expirationTtl below 60 s.
inline constexpr std::int64_t kv_min_ttl_seconds = 60;
// Workers KV: keys up to 512 bytes, metadata up to 1024 bytes of JSON.
inline constexpr std::size_t kv_max_key_bytes = 512;
inline constexpr std::size_t kv_max_metadata_bytes = 1024;

// ---- Answers
// Retry-After (seconds) on every 503 a host failure causes (DESIGN Rule 3, channel 4).
inline constexpr int retry_after_seconds = 5;
// Retry-After on a 429 from a rate limiter (its period is a minute).
inline constexpr int rate_limited_retry_after_seconds = 60;

// ---- Configuration ranges: {smallest, default, largest} a var may set.
struct Range {
  std::int64_t min;
  std::int64_t fallback;  // when unset, unreadable or out of range
  std::int64_t max;
};
inline constexpr Range access_token_ttl_range{1, 3600, 366LL * 24 * 3600};  // ACCESS_TOKEN_TTL, seconds
inline constexpr Range auth_cache_seconds_range{0, 10, 60};                  // AUTH_CACHE_SECONDS
inline constexpr Range sse_keepalive_ms_range{100, 20000, 60000};            // SSE_KEEPALIVE_MS
inline constexpr Range sse_streams_per_user_range{1, default_sse_streams_per_user, 1000};  // SSE_MAX_STREAMS_PER_USER
// STORAGE_TIMEOUT_MS: how long the shim waits for a KV or Durable Object call before it reports the
// operation failed (the request then answers 503).
inline constexpr Range storage_timeout_ms_range{100, 10000, 60000};

}  // namespace app
