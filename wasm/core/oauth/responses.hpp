// How the authorization server answers: RFC 6749 §5.2 JSON errors, error redirects (§4.1.2.1,
// RFC 9207 `iss`), and HTML pages with the security headers every page gets.
//
// Contract:
// 1. JSON errors carry {error, error_description} and Cache-Control: no-store, Pragma: no-cache.
// 2. An error redirect is built only by callers that have validated the redirect URI (the
//    authorize endpoint's rule: unknown client or unregistered redirect URI -> a page instead).
// 3. Pages: Content-Security-Policy default-src 'none' with inline styles, frame-ancestors 'none',
//    X-Frame-Options: DENY, nosniff, Referrer-Policy: same-origin (no-referrer would make browsers
//    send `Origin: null` with the consent form, which the Origin guard refuses), no-store. No
//    form-action directive: it would block the redirect that follows a consent form's submission
//    in some browsers. One stylesheet (light and dark, visible focus ring); the body sits in <main>.
// 4. Every text placed in a page is escaped by the page builder, never by callers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "json/json.hpp"

namespace oauth {

http::Response json_error(std::uint16_t status, std::string_view error, std::string_view description);
// 503 temporarily_unavailable (storage or a host operation failed; nothing half-written).
http::Response unavailable();
// The same for a browser: a page (consent, callback).
http::Response unavailable_page();
http::Response no_store_json(std::uint16_t status, const json::Json& body);

// 302 to `redirect_uri` with the parameters appended (query), keeping any query it had.
http::Response redirect_with(const std::string& redirect_uri,
                             const std::vector<std::pair<std::string, std::string>>& params);
http::Response redirect_to(const std::string& location);

// A full HTML page. `body_html` is trusted markup built with http::html_escape by the caller's
// page builder (pages.cpp); `title` is escaped here.
http::Response html_page(std::uint16_t status, std::string_view title, const std::string& body_html);
// An error page: title and message are plain text (escaped here).
http::Response error_page(std::uint16_t status, std::string_view title, std::string_view message);

}  // namespace oauth
