// Smaller stand-ins for two libc functions, linked in place of musl's with `-Wl,--wrap=` (CMakeLists.txt;
// wasm only, native builds use their libc). Each call of `snprintf` / `strtod` in the module, all of
// them inside nlohmann/json, goes to `__wrap_snprintf` / `__wrap_strtod` below. Why: musl's versions
// cost about 22 KB of wasm (11 KB gzipped) of the upload (docs/performance.md, "Upload size"):
// strtod computes in 128-bit long double, which wasm32 emulates in software, and snprintf carries
// the whole printf with floating point.
//
// Contract:
// 1. `snprintf` does what C's does for the formats nlohmann uses, all of them hexadecimal integers:
//    "<U+%.4X>" (the lexer naming a control character in an error) and "\u%04x" (the serializer
//    escaping one). Supported: literal text, "%%", and %[0][width][.precision] with d, u, x or X
//    of an int-sized argument. Any other conversion aborts (a trap, caught by the tests): a new
//    use must extend this or drop the wrap.
// 2. `strtod` converts exactly what C's does for decimal text: optional leading white space and
//    sign, digits with an optional fraction, an optional exponent, with `end` after the last
//    character used; no digit: 0 with `end` = the input. "inf", "infinity" and "nan"
//    (case-insensitive) too. The value comes from JavaScript's Number() on the same text, which
//    V8 rounds correctly like musl (nearest, ties to even; past the range: ±Infinity, ERANGE).
//    Hexadecimal floats ("0x1p3") abort: nothing in the module writes or reads them.
#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdarg>
#include <cstddef>
#include <cstdlib>

#include <emscripten.h>

namespace {

// Number(text) for `n` ASCII bytes at `p`.
EM_JS(double, mcp_js_number, (const char* p, int n), {
  var s = "";
  for (var i = 0; i < n; i++) s += String.fromCharCode(HEAPU8[p + i]);
  return Number(s);
});

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Case-insensitive: does `p` start with the lowercase `word`?
bool starts_with_word(const char* p, const char* word) {
  for (; *word; ++p, ++word)
    if ((*p | 0x20) != *word) return false;
  return true;
}

struct Out {
  char* s;
  std::size_t n;
  std::size_t len = 0;  // what would have been written without the size limit
  void put(char c) {
    if (len + 1 < n) s[len] = c;
    ++len;
  }
};

}  // namespace

extern "C" int __wrap_snprintf(char* s, std::size_t n, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  Out out{s, n};
  for (const char* f = fmt; *f; ++f) {
    if (*f != '%') {
      out.put(*f);
      continue;
    }
    if (*++f == '%') {
      out.put('%');
      continue;
    }
    const bool zero = *f == '0';
    if (zero) ++f;
    int width = 0;
    while (is_digit(*f)) width = width * 10 + (*f++ - '0');
    int precision = -1;
    if (*f == '.') {
      precision = 0;
      while (is_digit(*++f)) precision = precision * 10 + (*f - '0');
    }
    const char conv = *f;
    unsigned base = conv == 'x' || conv == 'X' ? 16 : 10;
    if (conv != 'd' && conv != 'u' && base != 16) std::abort();  // contract 1
    unsigned v = va_arg(ap, unsigned);
    bool negative = false;
    if (conv == 'd' && static_cast<int>(v) < 0) {
      negative = true;
      v = 0u - v;
    }
    const char* digits = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[12];
    int k = 0;
    for (unsigned x = v; x != 0 || (k == 0 && precision != 0); x /= base) buf[k++] = digits[x % base];
    const int precise = precision > k ? precision : k;  // digits, padded with zeros to the precision
    const int body = precise + (negative ? 1 : 0);
    const bool zero_pad = zero && precision < 0;  // C: a precision turns the 0 flag off
    if (!zero_pad)
      for (int i = body; i < width; ++i) out.put(' ');
    if (negative) out.put('-');
    if (zero_pad)
      for (int i = body; i < width; ++i) out.put('0');
    for (int i = k; i < precise; ++i) out.put('0');
    while (k > 0) out.put(buf[--k]);
  }
  va_end(ap);
  if (n > 0) s[out.len < n ? out.len : n - 1] = '\0';
  return static_cast<int>(out.len);
}

extern "C" double __wrap_strtod(const char* s, char** end) {
  const char* p = s;
  while (*p == ' ' || (*p >= '\t' && *p <= '\r')) ++p;
  const char* start = p;
  const bool negative = *p == '-';
  if (*p == '-' || *p == '+') ++p;
  if (p[0] == '0' && (p[1] | 0x20) == 'x') std::abort();  // contract 2
  const char* word_end = nullptr;
  double special = 0;
  if (starts_with_word(p, "infinity")) word_end = p + 8, special = INFINITY;
  else if (starts_with_word(p, "inf")) word_end = p + 3, special = INFINITY;
  else if (starts_with_word(p, "nan")) word_end = p + 3, special = NAN;
  if (word_end) {
    if (std::isnan(special) && *word_end == '(') {  // nan(n-char-sequence)
      const char* q = word_end + 1;
      while (is_digit(*q) || ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z') || *q == '_') ++q;
      if (*q == ')') word_end = q + 1;
    }
    if (end) *end = const_cast<char*>(word_end);
    return negative ? -special : special;
  }
  bool any_digit = false;
  bool nonzero = false;
  for (; is_digit(*p); ++p) any_digit = true, nonzero |= *p != '0';
  if (*p == '.')
    for (++p; is_digit(*p); ++p) any_digit = true, nonzero |= *p != '0';
  if (!any_digit) {
    if (end) *end = const_cast<char*>(s);
    return 0;
  }
  if ((*p | 0x20) == 'e') {  // an exponent only with digits after it
    const char* q = p + 1;
    if (*q == '-' || *q == '+') ++q;
    if (is_digit(*q)) {
      while (is_digit(*q)) ++q;
      p = q;
    }
  }
  if (end) *end = const_cast<char*>(p);
  const double d = mcp_js_number(start, static_cast<int>(p - start));
  if (std::isinf(d) || (nonzero && std::fabs(d) < DBL_MIN)) errno = ERANGE;
  return d;
}
