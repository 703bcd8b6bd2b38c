// Byte helpers: base64url (RFC 4648 §5, no padding), base64 (§4), hex, constant-time comparison.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace base {

std::string base64url_encode(std::string_view bytes);
// Refuses padding, whitespace and characters outside the URL-safe alphabet.
std::optional<std::string> base64url_decode(std::string_view text);
// Standard base64 with padding (RFC 4648 §4), as JavaScript's btoa/atob: the encoding of the
// OAuth records of @cloudflare/workers-oauth-provider.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);
std::string hex_encode(std::string_view bytes);
// Time depends only on the lengths, never on where the bytes differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace base
