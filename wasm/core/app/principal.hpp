#pragma once

#include <string>

namespace app {

// Who is calling an MCP route: made only by the bearer gate (oauth/bearer.cpp). Session ids are
// bound to user and client. The props stay encrypted until a tool needs them (`oauth::open_props`):
// a call to `add` never decrypts the GitHub token.
struct Principal {
  std::string user;    // the grant's user id: the GitHub login
  std::string client;  // the OAuth client id
  std::string grant_id;
  std::string token;                   // the bearer token (opens the props key; never logged)
  std::string wrapped_encryption_key;  // base64, from the token record
  std::string encrypted_props;         // base64, from the token record
};

}  // namespace app
