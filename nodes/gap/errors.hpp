#pragma once
// Why a lookup could not produce a profile. Typed so that a host maps them to its own answers
// (the API: 404 with distinct error codes); the nodes know nothing about HTTP.
#include <stdexcept>
#include <string>

namespace gap {

class UnknownOccupation : public std::runtime_error {
 public:
  explicit UnknownOccupation(std::string code)
      : std::runtime_error("occupation code " + code + " not found"), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// The occupation exists but has no Level ratings in the requested domain (e.g. 11-1031.00,
// Legislators, in O*NET 29.2) — under the requested value source when one was given.
class NoRatings : public std::runtime_error {
 public:
  NoRatings(std::string code, std::string title, std::string domain, std::string source = {})
      : std::runtime_error("occupation " + code + " (" + title + ") has no " + domain + " ratings" +
                           (source.empty() ? "" : " from source '" + source + "'")),
        code_(std::move(code)),
        title_(std::move(title)),
        domain_(std::move(domain)),
        source_(std::move(source)) {}
  const std::string& code() const { return code_; }
  const std::string& title() const { return title_; }
  const std::string& domain() const { return domain_; }
  const std::string& source() const { return source_; }  // "" when the request left it to `auto`

 private:
  std::string code_, title_, domain_, source_;
};

}  // namespace gap
