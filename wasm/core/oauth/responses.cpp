#include "oauth/responses.hpp"

#include "http/form.hpp"
#include "http/html.hpp"

namespace oauth {

namespace {

void no_store(http::Response& r) {
  r.set("cache-control", "no-store");
  r.set("pragma", "no-cache");
}

}  // namespace

http::Response no_store_json(std::uint16_t status, const json::Json& body) {
  http::Response r;
  r.status = status;
  r.set("content-type", "application/json");
  no_store(r);
  r.body = json::dump(body);
  return r;
}

http::Response json_error(std::uint16_t status, std::string_view error, std::string_view description) {
  http::Response r = no_store_json(status, json::Json{{"error", error}, {"error_description", description}});
  r.outcome.reason = std::string(error);
  return r;
}

http::Response unavailable() {
  http::Response r = json_error(503, "temporarily_unavailable", "Storage did not answer; retry shortly");
  r.set("retry-after", "5");
  return r;
}

http::Response unavailable_page() {
  http::Response r = error_page(503, "Temporarily unavailable", "Storage did not answer. Please try again in a moment.");
  r.set("retry-after", "5");
  return r;
}

http::Response redirect_to(const std::string& location) {
  http::Response r;
  r.status = 302;
  r.set("location", location);
  no_store(r);
  return r;
}

http::Response redirect_with(const std::string& redirect_uri,
                             const std::vector<std::pair<std::string, std::string>>& params) {
  std::string location = redirect_uri;
  char sep = location.find('?') == std::string::npos ? '?' : '&';
  std::string reason;
  for (const auto& [name, value] : params) {
    if (name == "error") reason = value;  // an error redirect logs its RFC 6749 §4.1.2.1 code
    location += sep;
    location += http::form_encode(name);
    location += '=';
    location += http::form_encode(value);
    sep = '&';
  }
  http::Response r = redirect_to(location);
  r.outcome.reason = std::move(reason);
  return r;
}

http::Response html_page(std::uint16_t status, std::string_view title, const std::string& body_html) {
  http::Response r;
  r.status = status;
  r.set("content-type", "text/html; charset=utf-8");
  r.set("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'none'; base-uri 'none'");
  r.set("x-frame-options", "DENY");
  r.set("x-content-type-options", "nosniff");
  r.set("referrer-policy", "no-referrer");
  no_store(r);
  r.body = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
           http::html_escape(title) +
           "</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;"
           "color:#1f2328}h1{font-size:1.4rem}code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}"
           "ul{padding-left:1.2rem}.actions{display:flex;gap:.75rem;margin-top:1.5rem}button{font-size:1rem;"
           "padding:.5rem 1.2rem;border-radius:6px;border:1px solid #d0d7de;cursor:pointer}"
           "button.primary{background:#1f883d;color:#fff;border-color:#1a7f37}.muted{color:#59636e}</style>"
           "</head><body>" +
           body_html + "</body></html>\n";
  return r;
}

http::Response error_page(std::uint16_t status, std::string_view title, std::string_view message) {
  return html_page(status, title,
                   "<h1>" + http::html_escape(title) + "</h1><p>" + http::html_escape(message) + "</p>");
}

}  // namespace oauth
