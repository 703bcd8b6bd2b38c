#include "mcp/session_id.hpp"

#include "app/limits.hpp"

#include <charconv>

#include "base/bytes.hpp"

namespace mcp {

namespace {

void put_field(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

// Reads "<len>:<bytes>" from the front of `in`.
std::optional<std::string> take_field(std::string_view& in) {
  const auto colon = in.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 6) return std::nullopt;
  std::size_t len = 0;
  const auto [end, ec] = std::from_chars(in.data(), in.data() + colon, len);
  if (ec != std::errc() || end != in.data() + colon) return std::nullopt;
  if (colon > 1 && in.front() == '0') return std::nullopt;  // canonical: no leading zeros
  in.remove_prefix(colon + 1);
  if (len > in.size()) return std::nullopt;
  std::string field(in.substr(0, len));
  in.remove_prefix(len);
  return field;
}

constexpr std::string_view kind_name(SessionKind k) { return k == SessionKind::legacy_sse ? "sse" : "mcp"; }

}  // namespace

std::string serialize_claims(const SessionClaims& c) {
  std::string out;
  put_field(out, kind_name(c.kind));
  put_field(out, c.protocol_version);
  put_field(out, std::to_string(c.issued_at));
  put_field(out, c.nonce);
  put_field(out, c.user);
  put_field(out, c.client);
  return out;
}

std::string encode_session_id(const std::string& signed_bytes, const std::string& mac) {
  return "s1." + base::base64url_encode(signed_bytes) + "." + base::base64url_encode(mac);
}

std::optional<DecodedSessionId> decode_session_id(std::string_view id) {
  if (id.size() > app::max_session_id_length || id.substr(0, 3) != "s1.") return std::nullopt;
  id.remove_prefix(3);
  const auto dot = id.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto signed_bytes = base::base64url_decode(id.substr(0, dot));
  auto mac = base::base64url_decode(id.substr(dot + 1));
  if (!signed_bytes || !mac || mac->size() != 32) return std::nullopt;

  DecodedSessionId out;
  std::string_view in = *signed_bytes;
  auto kind = take_field(in);
  auto version = take_field(in);
  auto issued = take_field(in);
  auto nonce = take_field(in);
  auto user = take_field(in);
  auto client = take_field(in);
  if (!kind || !version || !issued || !nonce || !user || !client || !in.empty()) return std::nullopt;
  SessionKind k;
  if (*kind == kind_name(SessionKind::streamable_http)) k = SessionKind::streamable_http;
  else if (*kind == kind_name(SessionKind::legacy_sse)) k = SessionKind::legacy_sse;
  else return std::nullopt;
  std::int64_t issued_at = 0;
  const auto [end, ec] = std::from_chars(issued->data(), issued->data() + issued->size(), issued_at);
  if (ec != std::errc() || end != issued->data() + issued->size() || issued_at < 0) return std::nullopt;
  if (nonce->size() != session_nonce_bytes) return std::nullopt;

  out.claims = SessionClaims{k, std::move(*version), issued_at, std::move(*nonce), std::move(*user), std::move(*client)};
  out.signed_bytes = std::move(*signed_bytes);
  out.mac = std::move(*mac);
  return out;
}

std::string session_tombstone_key(const SessionClaims& claims) {
  return "mcp-session-ended:" + base::base64url_encode(claims.nonce);
}

std::string session_mailbox_name(const SessionClaims& claims) { return "user:" + claims.user; }
std::string session_stream_key(const SessionClaims& claims) { return base::base64url_encode(claims.nonce); }

}  // namespace mcp
