// Every size and time limit of the server, in one place (docs/architecture.md, "Limits").
#pragma once

#include <cstddef>
#include <cstdint>

namespace app {

// Request bodies: the driver stops reading past this and the core answers 413.
inline constexpr std::size_t max_body_bytes = 1 << 20;
// JSON nesting of any request body.
inline constexpr std::size_t max_json_depth = 64;
// Messages in one JSON-RPC batch.
inline constexpr std::size_t max_batch_messages = 100;
// How long an Mcp-Session-Id stays valid after it was issued.
inline constexpr std::int64_t session_max_age_seconds = 7 * 24 * 3600;
// Workers KV refuses expirationTtl below 60 s.
inline constexpr std::int64_t kv_min_ttl_seconds = 60;

}  // namespace app
