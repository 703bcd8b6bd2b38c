// Text into HTML, and the UTF-8 checks that text needs.
//
// Contract:
// 1. `html_escape` makes any byte string safe as HTML text or as a double- or single-quoted
//    attribute value (HTML Living Standard §13.1.2.3, §13.2.5.36): & < > " ' become character
//    references. Unquoted attributes, URLs in href/src, script and style contents are not made
//    safe by it: a page builder never puts text there.
// 2. Invalid UTF-8 (from a query string, a cookie, GitHub) is never passed through: each maximal
//    ill-formed subpart becomes one U+FFFD (Unicode §3.9, as the WHATWG Encoding UTF-8 decoder).
// 3. `is_valid_utf8` is Unicode §3.9 Table 3-7: no overlong forms, no surrogates, nothing past
//    U+10FFFF. Callers that must refuse rather than repair (form bodies) use it.
#pragma once

#include <string>
#include <string_view>

namespace http {

std::string html_escape(std::string_view text);

bool is_valid_utf8(std::string_view bytes);
// `bytes` with every maximal ill-formed subpart replaced by U+FFFD; unchanged when valid.
std::string scrub_utf8(std::string_view bytes);

}  // namespace http
