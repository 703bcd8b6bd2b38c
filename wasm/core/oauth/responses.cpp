#include "oauth/responses.hpp"

#include "app/limits.hpp"
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
  r.set("retry-after", std::to_string(app::retry_after_seconds));
  return r;
}

http::Response unavailable_page() {
  http::Response r = error_page(503, "Temporarily unavailable", "Storage did not answer. Please try again in a moment.");
  r.set("retry-after", std::to_string(app::retry_after_seconds));
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

// One stylesheet for every page: light and dark schemes (prefers-color-scheme), a centred card,
// a visible focus ring on whatever has keyboard focus.
constexpr std::string_view page_style =
    ":root{color-scheme:light dark;--bg:#f6f8fa;--card:#fff;--fg:#1f2328;--muted:#59636e;--border:#d1d9e0;"
    "--code:#eff2f5;--accent:#1f883d;--accent-border:#1a7f37;--accent-fg:#fff;--link:#0969da;--focus:#0969da;"
    "--tag:#ddf4ff;--tag-fg:#0550ae}"
    "@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#151b23;--fg:#e6edf3;--muted:#9198a1;"
    "--border:#3d444d;--code:#262c36;--accent:#238636;--accent-border:#2ea043;--link:#4493f8;--focus:#4493f8;"
    "--tag:#0c2d6b;--tag-fg:#9ecbff}}"
    "*{box-sizing:border-box}"
    "body{margin:0;min-height:100vh;background:var(--bg);color:var(--fg);-webkit-text-size-adjust:100%;"
    "font:16px/1.55 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}"
    "main{max-width:36rem;margin:3rem auto;padding:2rem 2.25rem;background:var(--card);"
    "border:1px solid var(--border);border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.06)}"
    "@media (max-width:40rem){main{margin:0;border-width:0 0 1px;border-radius:0;padding:1.5rem 1.25rem}}"
    "h1{font-size:1.5rem;line-height:1.3;margin:0 0 .75rem;letter-spacing:-.01em;overflow-wrap:anywhere}"
    "h2{font-size:1rem;margin:1.5rem 0 .5rem}p{margin:.5rem 0}a{color:var(--link)}"
    "code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,\"Liberation Mono\",monospace;font-size:.875em;"
    "background:var(--code);border-radius:6px}"
    "code{padding:.1em .35em;overflow-wrap:anywhere}pre{padding:.75rem 1rem;overflow-x:auto}"
    "pre code{padding:0;background:none}ul{padding-left:1.25rem}li{margin:.25rem 0}"
    ".eyebrow{display:flex;align-items:center;gap:.5rem;margin:0 0 1rem;color:var(--muted);font-size:.875rem}"
    ".eyebrow svg{flex:none;color:var(--accent)}.lede{font-size:1.05rem}"
    ".grants li::marker{color:var(--accent)}"
    ".facts{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;margin:1.25rem 0;padding:1rem;"
    "border:1px solid var(--border);border-radius:8px}"
    ".facts dt{color:var(--muted);font-size:.875rem;padding-top:.1rem}.facts dd{margin:0;min-width:0}"
    ".facts ul{margin:0;padding-left:1rem}"
    ".tag{display:inline-block;margin-left:.5rem;padding:0 .5rem;border-radius:999px;font-size:.75rem;"
    "background:var(--tag);color:var(--tag-fg);vertical-align:middle}"
    ".actions{display:flex;gap:.75rem;margin-top:1.5rem}.actions button{flex:1}"
    "button{font:inherit;font-weight:600;padding:.65rem 1rem;border-radius:8px;border:1px solid var(--border);"
    "background:var(--card);color:var(--fg);cursor:pointer}button:hover{background:var(--code)}"
    "button.primary{background:var(--accent);border-color:var(--accent-border);color:var(--accent-fg)}"
    "button.primary:hover{filter:brightness(1.1)}"
    ":focus-visible{outline:3px solid var(--focus);outline-offset:2px}"
    ".muted{color:var(--muted)}.note{margin-top:1.25rem;font-size:.875rem;color:var(--muted)}";

http::Response html_page(std::uint16_t status, std::string_view title, const std::string& body_html) {
  http::Response r;
  r.status = status;
  r.set("content-type", "text/html; charset=utf-8");
  r.set("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'none'; base-uri 'none'");
  r.set("x-frame-options", "DENY");
  r.set("x-content-type-options", "nosniff");
  // Not no-referrer: under it browsers send `Origin: null` with the page's own form POST (Fetch,
  // "append a request Origin header"), which the Origin guard refuses. same-origin still sends
  // no Referer to any other origin (GitHub, the client).
  r.set("referrer-policy", "same-origin");
  no_store(r);
  r.body = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<meta name=\"color-scheme\" content=\"light dark\"><title>" +
           http::html_escape(title) + "</title><style>" + std::string(page_style) + "</style></head><body><main>" +
           body_html + "</main></body></html>\n";
  return r;
}

http::Response error_page(std::uint16_t status, std::string_view title, std::string_view message) {
  return html_page(status, title,
                   "<h1>" + http::html_escape(title) + "</h1><p>" + http::html_escape(message) + "</p>");
}

}  // namespace oauth
