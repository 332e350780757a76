// common/redact: what split_url() takes as the password is what every output hides.
#include <catch2/catch.hpp>

#include "common/redact.hpp"

namespace {

struct Case {
  std::string in, out;
};

}  // namespace

TEST_CASE("redact_url hides exactly the password the last '@' delimits", "[common][redact]") {
  for (const auto& c : std::vector<Case>{
           {"mysql://root:p@ss:w0rd@db/onet", "mysql://root:***@db/onet"},  // issue 10: no "@ss:w0rd" left
           {"mysql://u:pw@h:3306/db", "mysql://u:***@h:3306/db"},
           {"mysql://u:a/b@h/db", "mysql://u:***@h/db"},
           {"mysql://u:a#b@h/db", "mysql://u:***@h/db"},
           {"mysql://u:a:b:c@h/db", "mysql://u:***@h/db"},
           {"mysql://u:a%40b@h/db", "mysql://u:***@h/db"},
           {"mysql://u:a?b@h/db?timeout=5", "mysql://u:***@h/db?timeout=5"},
           {"mysql://u:@h/db", "mysql://u:***@h/db"},  // an empty password is masked too
           {"mysql://:pw@h/db", "mysql://:***@h/db"},
           {"mariadb://onet@localhost/onet?socket=/run/my%20sql.sock", "mariadb://onet@localhost/onet?socket=/run/my%20sql.sock"},
           {"mysql://h/db", "mysql://h/db"},
           // The parser takes the last '@' even inside the query; so does the redaction.
           {"mysql://u:pw@h/db?socket=/tmp/a@b", "mysql://u:***@b"},
           {"https://user:tok3n@example.com/db_29_2_text.zip", "https://user:***@example.com/db_29_2_text.zip"},
           {"https://example.com/a@b", "https://example.com/a@b"},  // "example.com/a" is a user name: nothing to hide
           {"sqlite:data/onet.db", "sqlite:data/onet.db"},
           {"sqlite:///tmp/a:b@c.db", "sqlite:///tmp/a:b@c.db"},  // sqlite: URLs carry no credentials
           {"user:pw@host", "user:pw@host"},                      // no scheme: not a URL
           {"", ""},
       }) {
    INFO(c.in);
    CHECK(common::redact_url(c.in) == c.out);
  }
}

TEST_CASE("split_url: user, password and rest as the database parser reads them", "[common][redact]") {
  auto p = common::split_url("mysql://bob:p@ss:w/rd@db.example:3306/onet");
  REQUIRE(p);
  CHECK(p->scheme == "mysql");
  CHECK(p->userinfo == "bob:p@ss:w/rd");
  CHECK(p->user == "bob");
  REQUIRE(p->password);
  CHECK(*p->password == "p@ss:w/rd");
  CHECK(p->password_begin == 12);
  CHECK(p->rest == "db.example:3306/onet");
  auto no_pw = common::split_url("mysql://bob@h/db");
  REQUIRE(no_pw);
  CHECK(no_pw->user == "bob");
  CHECK_FALSE(no_pw->password);
  auto empty = common::split_url("mysql://bob:@h/db");
  REQUIRE(empty);
  REQUIRE(empty->password);
  CHECK(empty->password->empty());
  CHECK_FALSE(common::split_url("sqlite:data/onet.db"));
  CHECK_FALSE(common::split_url("1http://x"));
  CHECK_FALSE(common::split_url("://x"));
}

TEST_CASE("redact_urls_in: URLs inside a value, each running to its end", "[common][redact]") {
  for (const auto& c : std::vector<Case>{
           {"see mysql://root:pw@localhost/db now", "see mysql://root:***@localhost/db now"},
           {"--db=mysql://u:p@ss:w0rd@db/onet", "--db=mysql://u:***@db/onet"},
           {"xmysql://u:p@h", "xmysql://u:***@h"},
           {"1mysql://u:p@h", "1mysql://u:***@h"},
           // Two URLs: the first one's user info runs to the last '@' (hides too much, never too little).
           {"http://a:x@h1 and https://b:y@h2", "http://a:***@h2"},
           {"http://h1/a and https://b:y@h2", "http://h1/a and https:***@h2"},
           {"mysql://u:pw@h/db mysql://v@g/db", "mysql://u:***@g/db"},
           {"no url: user:pw@host", "no url: user:pw@host"},
           {"a://mysql://u:pw@h", "a://mysql:***@h"},
           {"sqlite:data/onet.db", "sqlite:data/onet.db"},
           {"://u:p@h", "://u:p@h"},
           {"", ""},
       }) {
    INFO(c.in);
    CHECK(common::redact_urls_in(c.in) == c.out);
  }
}

TEST_CASE("scrub and redact_value", "[common][redact]") {
  CHECK(common::scrub("login with hunter2 failed; hunter2!", "hunter2") == "login with *** failed; ***!");
  CHECK(common::scrub("no secret here", "") == "no secret here");
  CHECK(common::scrub("a key abc in text", "abc", 4) == "a key abc in text");  // too short to be a key
  CHECK(common::scrub("aaaa", "aa") == "******");
  for (const auto& c : std::vector<Case>{
           {"", ""},
           {"AIzaSyD-not-a-real-key", "******"},
           {"mysql://u:p@ss@h/db", "mysql://u:***@h/db"},
           {"https://h/x", "https://h/x"},
           {"none", "******"},
       }) {
    INFO(c.in);
    CHECK(common::redact_value(c.in) == c.out);
  }
}
