// Cookies (RFC 6265), read from a request's Cookie header and written as __Host- Set-Cookie values.
//
// Contract:
// 1. `cookie_value` reads the Cookie header as RFC 6265 §5.4 writes it ("a=1; b=2") and as
//    browsers tolerate it (§5.2: pairs split at ';', the name/value split at the first '=',
//    spaces and tabs around both trimmed). A pair without '=' is ignored. Names match exactly
//    and case-sensitively; the first occurrence wins (§5.4 step 2: longer paths first, so the
//    most specific cookie comes first). A value in double quotes is unquoted (§4.1.1). The value
//    is returned as sent, not percent-decoded nor checked: callers validate what they read.
// 2. `host_cookie` writes a cookie with the __Host- prefix (RFC 6265bis §4.1.3.2): always
//    Secure, Path=/, never Domain, so no subdomain or plain-http page can set or shadow it.
//    The name must start with "__Host-" and be a token; the value must be cookie-octets
//    (RFC 6265 §4.1.1); the SameSite value one of Strict, Lax, None. Violations are bugs (assert):
//    check untrusted text with `is_cookie_value` first, or encode it (base64url is safe).
// 3. Max-Age (RFC 6265 §5.2.2): -1 leaves it out (a session cookie), 0 deletes the cookie.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace http {

std::optional<std::string> cookie_value(const std::string* cookie_header, std::string_view name);

struct CookieOptions {
  std::int64_t max_age_seconds = -1;  // -1: session cookie; 0: delete
  bool http_only = true;
  std::string same_site = "Lax";
};

std::string host_cookie(std::string_view name, std::string_view value, const CookieOptions& options = {});

// RFC 6265 §4.1.1 cookie-octet*: what `host_cookie` accepts as a value.
bool is_cookie_value(std::string_view value);

}  // namespace http
