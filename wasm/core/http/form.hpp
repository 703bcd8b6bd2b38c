// application/x-www-form-urlencoded (WHATWG URL §5.1 parsing, §5.2 serializing), as POST /token
// and the consent form's POST /authorize send it.
//
// Contract:
// 1. `parse_form` splits on '&', skips empty pairs ("a=1&&b=2"), splits each pair at its first
//    '=' (a pair without one has the empty value), turns '+' into a space and then
//    percent-decodes, so "%2B" is a literal '+'. Names and values keep their order.
// 2. Stricter than WHATWG, which repairs: a malformed percent-escape ("%zz", "%4") or decoded
//    text that is not valid UTF-8 ("%ff") refuses the whole body (nullopt). The caller answers
//    invalid_request; nothing half-parsed is acted on.
// 3. `FormFields::repeated` lets callers refuse repeated parameters (RFC 6749 §3.1, §3.2:
//    "Request and response parameters MUST NOT be included more than once").
// 4. `form_encode` keeps only RFC 3986 §2.3 unreserved characters and percent-encodes every other
//    byte (uppercase hex, space as %20), so its output is safe in a query string, a form body and
//    a Location header alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http {

struct FormFields {
  std::vector<std::pair<std::string, std::string>> fields;  // decoded, in order
  // The first value of `name`, nullptr if absent.
  const std::string* get(std::string_view name) const;
  // `name` appears more than once (RFC 6749 §3.1: must not).
  bool repeated(std::string_view name) const;
};

std::optional<FormFields> parse_form(std::string_view body);

std::string form_encode(std::string_view value);
// "a=1&b=x%20y": each name and value through form_encode, for outgoing form bodies and queries.
std::string form_serialize(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace http
