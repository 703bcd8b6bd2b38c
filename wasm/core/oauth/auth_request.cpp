#include "oauth/auth_request.hpp"

namespace oauth {

using json::Json;

Json AuthRequest::to_json() const {
  return Json{{"clientId", client_id},           {"redirectUri", redirect_uri}, {"state", state},
              {"codeChallenge", code_challenge}, {"resource", resource},        {"scope", scope},
              {"issuedAt", issued_at}};
}

std::optional<AuthRequest> AuthRequest::from_json(const Json& v) {
  AuthRequest r;
  const std::pair<const char*, std::string*> strings[] = {{"clientId", &r.client_id},
                                                          {"redirectUri", &r.redirect_uri},
                                                          {"state", &r.state},
                                                          {"codeChallenge", &r.code_challenge},
                                                          {"resource", &r.resource}};
  for (const auto& [name, target] : strings) {
    const std::string* s = json::get_string(v, name);
    if (!s) return std::nullopt;
    *target = *s;
  }
  const Json* scope = json::find(v, "scope");
  const auto issued = json::get_safe_integer(v, "issuedAt");
  if (!scope || !scope->is_array() || !issued) return std::nullopt;
  for (const Json& s : *scope) {
    if (!s.is_string()) return std::nullopt;
    r.scope.push_back(s.get_ref<const std::string&>());
  }
  r.issued_at = *issued;
  return r;
}

}  // namespace oauth
