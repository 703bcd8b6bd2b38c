#include "support/fuzz_host.hpp"

#include <cstdio>
#include <cstdlib>

#include "app/config.hpp"
#include "app/run.hpp"
#include "host/fetch.hpp"
#include "http/url.hpp"
#include "json/json.hpp"
#include "wire/reader_writer.hpp"

namespace fuzz {

namespace {

using host::OpKind;
using host::OpStatus;

bool may_be_absent(OpKind kind) {
  return kind == OpKind::kv_get || kind == OpKind::mailbox_deliver || kind == OpKind::grant_read ||
         kind == OpKind::grant_swap || kind == OpKind::rate_limit;
}

// Text the shim produced with TextEncoder is valid UTF-8: bytes that are not are read as Latin-1
// and re-encoded, the way a JS string of them would be.
std::string as_text(std::string_view bytes) {
  if (is_utf8(bytes)) return std::string(bytes);
  std::string out;
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

std::string_view next_line(std::string_view& rest) {
  const auto nl = rest.find('\n');
  const auto line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

// "STATUS\nname: value\n...\n\nbody" -> the encoded fetch response (host/fetch.hpp).
std::string fetch_answer(std::string_view text) {
  host::FetchResponse r;
  std::string_view rest = text;
  const auto status_line = next_line(rest);
  unsigned status = 0;
  for (char c : status_line.substr(0, 3))
    if (c >= '0' && c <= '9') status = status * 10 + static_cast<unsigned>(c - '0');
  r.status = static_cast<std::uint16_t>(status ? status : 200);
  while (!rest.empty()) {
    const auto line = next_line(rest);
    if (line.empty()) break;
    const auto colon = line.find(':');
    auto value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers.emplace_back(as_text(http::to_lower_ascii(line.substr(0, colon))), as_text(value));
  }
  r.body = std::string(rest);
  return host::encode_fetch_response(r);
}

// "cursor\nname\tmetadata\n..." -> the kv_list result (host/operation.hpp); an empty cursor
// means the listing is complete.
std::string list_answer(std::string_view text) {
  std::string_view rest = text;
  const auto cursor = next_line(rest);
  std::vector<std::pair<std::string_view, std::string_view>> keys;
  while (!rest.empty()) {
    const auto line = next_line(rest);
    const auto tab = line.find('\t');
    keys.emplace_back(line.substr(0, tab), tab == std::string_view::npos ? std::string_view() : line.substr(tab + 1));
  }
  wire::Writer w;
  w.u8(cursor.empty() ? 1 : 0);
  w.bytes(as_text(cursor));
  w.u32(static_cast<std::uint32_t>(keys.size()));
  for (const auto& [name, metadata] : keys) {
    w.bytes(as_text(name));
    w.bytes(as_text(metadata));
  }
  return std::move(w.buffer());
}

bool is_json(std::string_view text) { return json::parse(text, 1000).value.has_value(); }

// RFC 7230 tchar, lowercase only (the core writes header names in lowercase).
bool is_header_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// What a JS Headers object takes without throwing, after the shim decodes the bytes as UTF-8
// (invalid sequences become U+FFFD): a ByteString (every character <= U+00FF) without NUL, CR or LF.
bool is_header_value(std::string_view s) {
  if (!is_utf8(s)) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0 || c == '\r' || c == '\n') return false;
    if (c >= 0x80) {
      if (c != 0xC2 && c != 0xC3) return false;  // a code point past U+00FF
      ++i;
    }
  }
  return true;
}

std::string printable(std::string_view s) {
  std::string out;
  for (char ch : s.substr(0, 200)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(ch);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

std::vector<std::string_view> split_sections(std::string_view input, std::string_view separator) {
  std::vector<std::string_view> out;
  while (true) {
    const auto at = input.find(separator);
    out.push_back(input.substr(0, at));
    if (at == std::string_view::npos) break;
    input.remove_prefix(at + separator.size());
  }
  return out;
}

void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz contract violation: %s\n", what.c_str());
  std::abort();
}

bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= s.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

void check_operation(const host::Operation& op) {
  const std::string kind = "operation " + std::to_string(static_cast<int>(op.kind));
  switch (op.kind) {
    case OpKind::random:
      // crypto.getRandomValues refuses more than 65536 bytes.
      if (op.n == 0 || op.n > 65536) fail(kind + ": random of " + std::to_string(op.n) + " bytes");
      break;
    case OpKind::kv_get:
    case OpKind::kv_put:
    case OpKind::kv_delete:
      // Workers KV: keys of at most 512 bytes. The shim decodes keys as UTF-8, which replaces
      // invalid bytes: two different byte keys would then name one KV entry.
      if (op.key.empty() || op.key.size() > 512 || !is_utf8(op.key)) fail(kind + ": KV key " + printable(op.key));
      if (op.kind == OpKind::kv_put) {
        if (op.n != 0 && op.n < 60) fail(kind + ": expirationTtl " + std::to_string(op.n) + " under 60 s");
        // Metadata is JSON.parse'd by the shim; KV caps it at 1024 bytes.
        if (!op.extra.empty() && (op.extra.size() > 1024 || !is_json(op.extra)))
          fail(kind + ": KV metadata " + printable(op.extra));
      }
      break;
    case OpKind::kv_list:
      if (!is_utf8(op.key) || !is_utf8(op.data) || op.n == 0 || op.n > 1000) fail(kind + ": KV list " + printable(op.key));
      break;
    case OpKind::mailbox_deliver:
      if (!is_utf8(op.key) || op.key.empty() || !is_json(op.extra)) fail(kind + ": mailbox " + printable(op.key));
      break;
    case OpKind::grant_read:
    case OpKind::grant_swap:
      if (!is_utf8(op.key) || op.key.empty() || !is_utf8(op.data) || !is_utf8(op.extra))
        fail(kind + ": grant state " + printable(op.key));
      break;
    case OpKind::rate_limit:
      if (!is_utf8(op.key) || !is_utf8(op.data)) fail(kind + ": rate limit key " + printable(op.data));
      break;
    case OpKind::ai_run:
      if (!is_utf8(op.key) || !is_json(op.data)) fail(kind + ": AI inputs " + printable(op.data));
      break;
    case OpKind::fetch:
      if (!host::decode_fetch_operation(op)) fail(kind + ": undecodable fetch");
      break;
    case OpKind::sha256:
    case OpKind::hmac_sha256:
    case OpKind::aes_gcm_encrypt:
    case OpKind::aes_gcm_decrypt:
    case OpKind::aes_kw_wrap:
    case OpKind::aes_kw_unwrap:
      break;
    default:
      fail(kind + ": unknown kind");
  }
}

void check_response(const http::Response& r) {
  // new Response(): RangeError outside 200..599; TypeError for a body with a null-body status.
  if (r.status < 200 || r.status > 599) fail("status " + std::to_string(r.status));
  if ((r.status == 204 || r.status == 205 || r.status == 304) && !r.body.empty())
    fail("a body with status " + std::to_string(r.status));
  for (const auto& [name, value] : r.headers) {
    if (!is_header_name(name)) fail("header name " + printable(name));
    if (!is_header_value(value)) fail("header " + name + ": " + printable(value));
    if (name == "content-type" && value.rfind("application/json", 0) == 0 && !is_json(r.body))
      fail("a JSON content type over " + printable(r.body));
  }
  if (r.stream) {
    if (!is_utf8(r.stream->mailbox) || r.stream->mailbox.empty()) fail("stream mailbox " + printable(r.stream->mailbox));
    if (!is_json(r.stream->init)) fail("stream record " + printable(r.stream->init));
  }
}

host::OpResult FuzzHost::perform(const host::Operation& op) {
  if (next_ >= answers_.size()) return {OpStatus::failed, "no more answers"};
  const std::string_view answer = answers_[next_++];
  const char status = answer.empty() ? '0' : answer.front();
  const std::string_view bytes = answer.empty() ? answer : answer.substr(1);
  if (status == '2') return {OpStatus::failed, std::string(bytes)};
  if (status == '1') return {may_be_absent(op.kind) ? OpStatus::not_found : OpStatus::failed, {}};
  host::OpResult r{OpStatus::ok, std::string(bytes)};
  switch (op.kind) {
    case OpKind::random: r.bytes.resize(op.n, '\0'); break;
    case OpKind::sha256:
    case OpKind::hmac_sha256: r.bytes.resize(32, '\0'); break;
    case OpKind::aes_kw_wrap: r.bytes.resize(40, '\0'); break;
    case OpKind::fetch: r.bytes = fetch_answer(bytes); break;
    case OpKind::kv_list: r.bytes = list_answer(bytes); break;
    case OpKind::grant_read:
    case OpKind::rate_limit:
    case OpKind::ai_run: r.bytes = as_text(bytes); break;
    default: break;
  }
  return r;
}

bool verbose() {
  static const bool on = std::getenv("FUZZ_VERBOSE") != nullptr;
  return on;
}

host::OpResult FuzzHost::answer(const host::Operation& op) {
  check_operation(op);
  host::OpResult r = perform(op);
  if (verbose())
    std::fprintf(stderr, "op %d %s -> %d (%zu bytes)\n", static_cast<int>(op.kind), printable(op.key).c_str(),
                 static_cast<int>(r.status), r.bytes.size());
  return r;
}

std::optional<http::Response> FuzzHost::run(app::App& app, http::Request request) {
  app::Run r(app, std::move(request), app::RequestContext{fuzz_now_ms});
  r.start();
  while (!r.done()) {
    if (!r.host().has_parked()) fail("a run suspended without parking an operation");
    if (out_of_answers()) return std::nullopt;  // ~Run destroys the suspended coroutines
    std::vector<host::OpResult> results;
    for (const auto& op : r.host().parked()) results.push_back(answer(op));
    r.host().complete(std::move(results));
    r.resume();
  }
  http::Response response = std::move(r.response());
  if (verbose()) std::fprintf(stderr, "response %d %s\n", response.status, printable(response.body).c_str());
  check_response(response);
  return response;
}

app::Config fuzz_config(bool public_url) {
  app::EnvEntries env = {{"COOKIE_ENCRYPTION_KEY", "fuzz-cookie-key-0123456789abcdef"},
                         {"GITHUB_CLIENT_ID", "fuzz-client"},
                         {"GITHUB_CLIENT_SECRET", "fuzz-secret"},
                         {"GITHUB_OAUTH_URL", "https://github.com/login/oauth"},
                         {"GITHUB_API_URL", "https://api.github.com"},
                         {"ALLOWED_USERNAMES", "octocat"},
                         {"ALLOWED_ORIGINS", "https://inspector.example"}};
  if (public_url) env.emplace_back("PUBLIC_URL", public_origin);
  else env.emplace_back("LOCAL_DEVELOPMENT", "true");
  return app::config_from_env(env);
}

std::unique_ptr<app::App> make_app(bool public_url) { return std::make_unique<app::App>(fuzz_config(public_url)); }

}  // namespace fuzz
