#include "oauth/token_crypto.hpp"

#include "app/limits.hpp"
#include "base/bytes.hpp"

namespace oauth {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool in_alphabet(std::string_view s) {
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

std::string wrapping_hmac_key() {
  return std::string(reinterpret_cast<const char*>(wrapping_key_hmac_key.data()), wrapping_key_hmac_key.size());
}

base::Err<HostFailure> failed(const char* what) { return base::Err{HostFailure{what}}; }

}  // namespace

std::string random_text(std::string_view bytes) {
  std::string out(bytes.size(), '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) out[i] = kAlphabet[static_cast<std::uint8_t>(bytes[i]) % 64];
  return out;
}

HostResult<std::string> random_text_of(const host::OpResult& r, std::size_t length) {
  if (!r.ok() || r.bytes.size() != length) return failed("random");
  return random_text(r.bytes);
}

HostResult<std::string> digest_hex(const host::OpResult& r) {
  if (!r.ok() || r.bytes.size() != 32) return failed("sha256");
  return base::hex_encode(r.bytes);
}

HostResult<std::string> digest_base64url(const host::OpResult& r) {
  if (!r.ok() || r.bytes.size() != 32) return failed("sha256");
  return base::base64url_encode(r.bytes);
}

host::Operation op_token_kek(std::string token) { return host::op_hmac_sha256(wrapping_hmac_key(), std::move(token)); }

HostResult<std::string> kek_bytes(host::OpResult r) {
  if (!r.ok()) return failed("hmac");
  return std::move(r.bytes);
}

async::Task<HostResult<std::string>> random_string(host::Host& host, std::size_t length) {
  host::OpResult r = co_await host.perform_one(host::op_random(length));
  co_return random_text_of(r, length);
}

async::Task<HostResult<std::vector<std::string>>> random_strings(host::Host& host, std::vector<std::size_t> lengths) {
  std::size_t total = 0;
  for (std::size_t n : lengths) total += n;
  host::OpResult r = co_await host.perform_one(host::op_random(total));
  auto text = random_text_of(r, total);
  if (!text) co_return base::Err{text.error()};
  std::vector<std::string> out;
  std::size_t at = 0;
  for (std::size_t n : lengths) {
    out.push_back(text->substr(at, n));
    at += n;
  }
  co_return out;
}

async::Task<HostResult<std::string>> sha256_hex(host::Host& host, std::string text) {
  host::OpResult r = co_await host.perform_one(host::op_sha256(std::move(text)));
  co_return digest_hex(r);
}

async::Task<HostResult<std::string>> sha256_base64url(host::Host& host, std::string text) {
  host::OpResult r = co_await host.perform_one(host::op_sha256(std::move(text)));
  co_return digest_base64url(r);
}

async::Task<HostResult<Minting>> mint_start(host::Host& host, const std::vector<std::string>& tokens,
                                            std::vector<host::Operation> with) {
  const std::size_t extra = with.size();
  std::vector<host::Operation> ops = std::move(with);
  for (const std::string& token : tokens) {
    ops.push_back(host::op_sha256(token));
    ops.push_back(op_token_kek(token));
  }
  std::vector<host::OpResult> r = co_await host.perform(std::move(ops));
  Minting m;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    auto id = digest_hex(r[extra + 2 * i]);
    if (!id) co_return base::Err{id.error()};
    auto kek = kek_bytes(std::move(r[extra + 2 * i + 1]));
    if (!kek) co_return base::Err{kek.error()};
    m.ids.push_back(std::move(*id));
    m.keks.push_back(std::move(*kek));
  }
  r.resize(extra);
  m.with_results = std::move(r);
  co_return m;
}

async::Task<HostResult<std::vector<std::string>>> mint_wrap(host::Host& host, std::vector<std::string> keks,
                                                            const std::string& key) {
  std::vector<host::Operation> ops;
  for (auto& kek : keks) ops.push_back(host::op_aes_kw_wrap(std::move(kek), key));
  std::vector<host::OpResult> r = co_await host.perform(std::move(ops));
  std::vector<std::string> wrapped;
  for (const auto& w : r) {
    if (!w.ok()) co_return failed("aes-kw wrap");
    wrapped.push_back(base::base64_encode(w.bytes));
  }
  co_return wrapped;
}

async::Task<HostResult<SealedProps>> encrypt_props(host::Host& host, const json::Json& props) {
  host::OpResult key = co_await host.perform_one(host::op_random(32));
  if (!key.ok() || key.bytes.size() != 32) co_return failed("random");
  host::OpResult sealed =
      co_await host.perform_one(host::op_aes_gcm_encrypt(key.bytes, std::string(12, '\0'), json::dump(props)));
  if (!sealed.ok()) co_return failed("aes-gcm encrypt");
  co_return SealedProps{base::base64_encode(sealed.bytes), std::move(key.bytes)};
}

async::Task<HostResult<json::Json>> decrypt_props(host::Host& host, std::string key, const std::string& encrypted) {
  auto ciphertext = base::base64_decode(encrypted);
  if (!ciphertext) co_return failed("props encoding");
  host::OpResult opened =
      co_await host.perform_one(host::op_aes_gcm_decrypt(std::move(key), std::string(12, '\0'), std::move(*ciphertext)));
  if (!opened.ok()) co_return failed("aes-gcm decrypt");
  auto parsed = json::parse(opened.bytes);
  if (!parsed.value) co_return failed("props json");
  co_return std::move(*parsed.value);
}

async::Task<HostResult<std::string>> wrap_key_with_token(host::Host& host, const std::string& token, std::string key) {
  host::OpResult kek = co_await host.perform_one(op_token_kek(token));
  if (!kek.ok()) co_return failed("hmac");
  host::OpResult wrapped = co_await host.perform_one(host::op_aes_kw_wrap(std::move(kek.bytes), std::move(key)));
  if (!wrapped.ok()) co_return failed("aes-kw wrap");
  co_return base::base64_encode(wrapped.bytes);
}

bool is_wrapped_key(const std::string& wrapped_base64) {
  auto wrapped = base::base64_decode(wrapped_base64);
  return wrapped && wrapped->size() == 40;  // RFC 3394: a 32-byte key wraps into 40 bytes
}

async::Task<HostResult<std::string>> unwrap_key_with_token(host::Host& host, const std::string& token,
                                                           const std::string& wrapped_base64) {
  auto wrapped = base::base64_decode(wrapped_base64);
  if (!wrapped) co_return failed("wrapped key encoding");
  host::OpResult kek = co_await host.perform_one(op_token_kek(token));
  if (!kek.ok()) co_return failed("hmac");
  host::OpResult key = co_await host.perform_one(host::op_aes_kw_unwrap(std::move(kek.bytes), std::move(*wrapped)));
  if (!key.ok()) co_return failed("aes-kw unwrap");
  co_return std::move(key.bytes);
}

std::optional<TokenParts> split_token(std::string_view token) {
  const auto last = token.rfind(':');
  if (last == std::string_view::npos || last == 0) return std::nullopt;
  const auto middle = token.rfind(':', last - 1);
  if (middle == std::string_view::npos || middle == 0) return std::nullopt;
  const auto user = token.substr(0, middle);
  const auto grant = token.substr(middle + 1, last - middle - 1);
  const auto secret = token.substr(last + 1);
  // The user part is a GitHub login: a longer one is no token of ours (and would overflow KV's key limit).
  if (user.size() > app::max_login_length) return std::nullopt;
  if (grant.size() != grant_id_length || secret.size() != token_secret_length || !in_alphabet(grant) ||
      !in_alphabet(secret))
    return std::nullopt;
  return TokenParts{std::string(user), std::string(grant)};
}

}  // namespace oauth
