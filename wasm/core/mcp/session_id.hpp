// Mcp-Session-Id values (MCP 2025-06-18 basic/transports §session management).
//
// Contract:
// 1. An id is visible ASCII: "s1." + base64url(claims) + "." + base64url(HMAC-SHA256(key, claims)).
//    Any isolate holding COOKIE_ENCRYPTION_KEY verifies it without storage.
// 2. The claims are canonical and length-prefixed ("<len>:<bytes>" per field): the transport the id
//    belongs to ("mcp" for Streamable HTTP, "sse" for legacy SSE, so one can never be used as the
//    other), protocol version, issue time (Unix seconds), 16 random bytes, and the principal (user,
//    client; empty until sign-in exists). Two different claim sets never serialise alike.
// 3. The MAC key is HMAC-SHA256(COOKIE_ENCRYPTION_KEY, "mcp-session-id/v1") (app/derived_keys): never the
//    raw secret, so a MAC made for another purpose cannot be replayed as a session id.
// 4. `decode` only splits and parses; `expected_mac` says what the MAC must be; the caller
//    compares in constant time and checks the age and the tombstone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mcp {

inline constexpr std::size_t session_nonce_bytes = 16;
// Longest id we read; longer header values are refused before decoding.

enum class SessionKind { streamable_http, legacy_sse };

struct SessionClaims {
  SessionKind kind = SessionKind::streamable_http;
  std::string protocol_version;  // empty for legacy SSE (negotiated later, kept by the mailbox)
  std::int64_t issued_at = 0;  // Unix seconds
  std::string nonce;           // random bytes
  std::string user;            // empty until sign-in exists
  std::string client;
};

struct DecodedSessionId {
  SessionClaims claims;
  std::string signed_bytes;  // the canonical claims the MAC covers
  std::string mac;
};

std::string serialize_claims(const SessionClaims& claims);
std::string encode_session_id(const std::string& signed_bytes, const std::string& mac);
std::optional<DecodedSessionId> decode_session_id(std::string_view id);
// The KV key that marks an ended session (DELETE); see docs/storage-schema.md.
std::string session_tombstone_key(const SessionClaims& claims);
// A legacy SSE session's mailbox: one Durable Object per user holds all of that user's streams
// (so it can bound how many are open), each under its stream key.
std::string session_mailbox_name(const SessionClaims& claims);
std::string session_stream_key(const SessionClaims& claims);

}  // namespace mcp
