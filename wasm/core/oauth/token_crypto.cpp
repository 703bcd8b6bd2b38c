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

async::Task<HostResult<std::string>> random_string(host::Host& host, std::size_t length) {
  host::OpResult r = co_await host.perform_one(host::op_random(length));
  if (!r.ok() || r.bytes.size() != length) co_return failed("random");
  std::string out(length, '\0');
  for (std::size_t i = 0; i < length; ++i) out[i] = kAlphabet[static_cast<std::uint8_t>(r.bytes[i]) % 64];
  co_return out;
}

async::Task<HostResult<std::string>> sha256_hex(host::Host& host, std::string text) {
  host::OpResult r = co_await host.perform_one(host::op_sha256(std::move(text)));
  if (!r.ok() || r.bytes.size() != 32) co_return failed("sha256");
  co_return base::hex_encode(r.bytes);
}

async::Task<HostResult<std::string>> sha256_base64url(host::Host& host, std::string text) {
  host::OpResult r = co_await host.perform_one(host::op_sha256(std::move(text)));
  if (!r.ok() || r.bytes.size() != 32) co_return failed("sha256");
  co_return base::base64url_encode(r.bytes);
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
  host::OpResult kek = co_await host.perform_one(host::op_hmac_sha256(wrapping_hmac_key(), token));
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
  host::OpResult kek = co_await host.perform_one(host::op_hmac_sha256(wrapping_hmac_key(), token));
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
