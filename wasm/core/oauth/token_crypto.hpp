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
// 6. Each step exists twice: as a coroutine that asks the host itself, and as pure pieces (an
//    operation to build, a result to read) for callers that batch independent operations into one
//    round trip (`host.perform`): every round trip costs the shim a turn (docs/performance.md).
//    `mint_start` / `mint_wrap` mint any number of new tokens in two round trips.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
// Several random strings from one draw of the sum of their lengths.
async::Task<HostResult<std::vector<std::string>>> random_strings(host::Host& host, std::vector<std::size_t> lengths);
// Rule 1 on bytes the host drew: one alphabet character per byte.
std::string random_text(std::string_view bytes);
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

// Pure pieces (rule 6).
// HMAC-SHA256(kWrappingKeyHmacKey, token): the AES-KW key that wraps the props key for `token`.
host::Operation op_token_kek(std::string token);
// A SHA-256 result as lowercase hex (a token id) or base64url (PKCE S256); Err unless 32 bytes.
HostResult<std::string> digest_hex(const host::OpResult& r);
HostResult<std::string> digest_base64url(const host::OpResult& r);
// A KEK result (op_token_kek); Err unless ok.
HostResult<std::string> kek_bytes(host::OpResult r);
// Random bytes the caller drew (op_random(length)) as a string; Err unless `length` bytes came.
HostResult<std::string> random_text_of(const host::OpResult& r, std::size_t length);

// Minting new tokens, in two round trips whatever their number. `mint_start` performs each
// token's id (SHA-256) and KEK (HMAC), with `with` riding along in the same batch (its results in
// `with_results`, unchecked: the caller reads them); `mint_wrap` wraps the props key under each KEK.
struct Minting {
  std::vector<std::string> ids;   // lowercase hex SHA-256 of each token
  std::vector<std::string> keks;  // raw AES-KW keys, one per token
  std::vector<host::OpResult> with_results;
};
async::Task<HostResult<Minting>> mint_start(host::Host& host, const std::vector<std::string>& tokens,
                                            std::vector<host::Operation> with);
// base64(AES-KW(kek_i, key)) for each KEK, in order.
async::Task<HostResult<std::vector<std::string>>> mint_wrap(host::Host& host, std::vector<std::string> keks,
                                                            const std::string& key);

// "{userId}:{grantId}:{secret}" (codes, access and refresh tokens). Split from the right, since
// a user id may contain ':'; nullopt unless the grant id and secret have the issued shapes.
struct TokenParts {
  std::string user_id;
  std::string grant_id;
};
std::optional<TokenParts> split_token(std::string_view token);

}  // namespace oauth
