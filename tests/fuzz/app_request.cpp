// Fuzz target: whole HTTP requests through the app (app/app.cpp: guards, CORS, every route), with
// a host that answers every operation from the input too (support/fuzz_host.hpp).
//
// Input (text, so seeds are readable and mutations stay meaningful):
//   [!public\n]          optional: the PUBLIC_URL configuration instead of local development
//   [!too-large\n]       optional: the driver stopped reading the body (body_too_large)
//   [!abandon\n]         optional: drop the run, suspended, when the answers run out
//   METHOD TARGET\n      TARGET "/path?query" is put after the configuration's origin; anything
//                        else is taken as the whole URL
//   name: value\n ...    headers
//   \n
//   body                 any bytes (the shim hands the body over as it came)
//   \n~~\n answer ...    one per parked operation (support/fuzz_host.hpp)
//
// The request is shaped as the shim can deliver it (worker-shim/http_codec.js encodeRequest),
// so that a contract check that fires is a finding, not an impossible input:
// - the URL is what the Fetch API serialises: no fragment, and bytes outside visible ASCII (and
//   " < > ` { }) percent-encoded;
// - header names are tokens, lowercased; repeats are joined with ", " as Headers.get does;
// - header values are JS ByteStrings (no NUL, CR or LF, trimmed) sent as UTF-8, so a byte
//   0x80..0xFF arrives as the two-byte UTF-8 of U+0080..U+00FF.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/url.hpp"
#include "support/fuzz_host.hpp"

namespace {

std::string_view take_line(std::string_view& rest) {
  const auto nl = rest.find('\n');
  const auto line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

std::string fetch_url(std::string_view raw) {
  static constexpr char hex[] = "0123456789ABCDEF";
  raw = raw.substr(0, raw.find('#'));
  std::string out;
  for (const char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F || std::string_view("\"<>`{}").find(ch) != std::string_view::npos) {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos))
      return false;
  return true;
}

std::string fetch_header_value(std::string_view raw) {
  while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
  std::string out;
  for (const char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0 || c == '\r' || c == '\n') continue;
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

void add_header(http::Request& r, std::string name, std::string_view value) {
  for (auto& h : r.headers) {
    if (h.first == name) {
      h.second.append(", ").append(value);
      return;
    }
  }
  r.headers.emplace_back(std::move(name), std::string(value));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto sections = fuzz::split_sections(std::string_view(reinterpret_cast<const char*>(data), size));
  std::string_view rest = sections.front();

  bool use_public = false;
  bool too_large = false;
  bool abandon = false;
  while (!rest.empty() && rest.front() == '!') {
    const auto option = take_line(rest);
    use_public = use_public || option == "!public";
    too_large = too_large || option == "!too-large";
    abandon = abandon || option == "!abandon";
  }

  http::Request request;
  const auto request_line = take_line(rest);
  const auto space = request_line.find(' ');
  request.method = std::string(request_line.substr(0, space));
  const auto target = space == std::string_view::npos ? std::string_view("/") : request_line.substr(space + 1);
  request.url = fetch_url(!target.empty() && target.front() == '/'
                              ? std::string(use_public ? fuzz::public_origin : fuzz::dev_origin) + std::string(target)
                              : std::string(target));
  while (!rest.empty()) {
    const auto line = take_line(rest);
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) continue;
    add_header(request, http::to_lower_ascii(line.substr(0, colon)), fetch_header_value(line.substr(colon + 1)));
  }
  request.body = too_large ? std::string() : std::string(rest);
  request.body_too_large = too_large;

  fuzz::FuzzHost host({sections.begin() + 1, sections.end()}, abandon);
  host.run(*fuzz::make_app(use_public), std::move(request));
  return 0;
}
