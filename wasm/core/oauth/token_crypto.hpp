// Secrets, ids and props encryption, exactly as @cloudflare/workers-oauth-provider 1.2.3 does them
// (its dist/oauth-provider.js: generateRandomString, generateTokenId, encryptProps,
// wrapKeyWithToken), so records written by either server open in the other (docs/storage-schema.md).
//
// Contract:
// 1. Random strings come from the host's random(n): one byte per character, byte % 64 into the
//    base64url alphabet (no bias: 256 is a multiple of 64).
// 2. A token id is the lowercase hex SHA-256 of the token string; client secrets are stored so too.
// 3. Props are JSON encrypted with AES-256-GCM under a fresh random key and an all-zero IV (each key
//    encrypts once), stored as standard base64 of ciphertext || tag.
// 4. That key is wrapped (AES-KW) under HMAC-SHA256(kWrappingKeyHmacKey, token string), per token:
//    holding a token is what opens the props; the token id alone does not.
// 5. Every failure of the host is an Err (the caller answers 503 / temporarily_unavailable).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "async/task.hpp"
#include "base/result.hpp"
#include "host/host.hpp"
#include "json/json.hpp"

namespace oauth {

struct HostFailure {
  std::string what;  // for logs: never a secret
};

template <class T>
using HostResult = base::Result<T, HostFailure>;

inline constexpr std::size_t token_secret_length = 32;  // TOKEN_LENGTH
inline constexpr std::size_t grant_id_length = 16;
inline constexpr std::size_t client_id_length = 16;

// The reference's WRAPPING_KEY_HMAC_KEY.
inline constexpr std::array<std::uint8_t, 32> wrapping_key_hmac_key = {
    34, 126, 38, 134, 141, 241, 225, 109, 128, 112, 234, 23, 151, 91, 71, 166,
    130, 24, 250, 135, 40, 174, 222, 133, 181, 29, 74, 217, 150, 202, 202, 67};

async::Task<HostResult<std::string>> random_string(host::Host& host, std::size_t length);
async::Task<HostResult<std::string>> sha256_hex(host::Host& host, std::string text);
// Base64url of SHA-256, as PKCE S256 (RFC 7636 §4.2).
async::Task<HostResult<std::string>> sha256_base64url(host::Host& host, std::string text);

struct SealedProps {
  std::string encrypted;  // base64(ciphertext || tag)
  std::string key;        // 32 raw bytes
};
async::Task<HostResult<SealedProps>> encrypt_props(host::Host& host, const json::Json& props);
// Err when the key does not open the props or they are not JSON.
async::Task<HostResult<json::Json>> decrypt_props(host::Host& host, std::string key, const std::string& encrypted);

async::Task<HostResult<std::string>> wrap_key_with_token(host::Host& host, const std::string& token, std::string key);
async::Task<HostResult<std::string>> unwrap_key_with_token(host::Host& host, const std::string& token,
                                                           const std::string& wrapped_base64);
// A stored wrapped key has the shape wrap_key_with_token gives (base64 of 40 bytes). Only then is
// a failed unwrap the host's failure (503) rather than an unreadable record.
bool is_wrapped_key(const std::string& wrapped_base64);

// "{userId}:{grantId}:{secret}" (codes, access and refresh tokens). Split from the right, since
// a user id may contain ':'; nullopt unless the grant id and secret have the issued shapes.
struct TokenParts {
  std::string user_id;
  std::string grant_id;
};
std::optional<TokenParts> split_token(std::string_view token);

}  // namespace oauth
