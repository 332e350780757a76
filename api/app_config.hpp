#pragma once
// What skillgap-api is configured with (command line and environment, see api/main.cpp).
#include <chrono>
#include <optional>
#include <string>

#include "common/defaults.hpp"
#include "nodes/gap/onet_ws_client.hpp"
#include "nodes/gap/profile_cache.hpp"

namespace api {

struct AppConfig {
  std::string database_url = std::string(common::kDefaultDatabaseUrl);
  std::shared_ptr<gap::ProfileRepository> repository;  // null: one on database_url (tests pass their own)
  std::string pipeline = "pipelines/skill_gap.yaml";
  std::optional<gap::OnetWsOptions> onet_api;  // set: fetch occupations unknown locally
  gap::CacheOptions cache;
  std::chrono::milliseconds request_timeout{10000};  // a request stuck in the subgraph longer -> 503
  std::size_t slow_lane_threads = 4;
  std::size_t slow_lane_capacity = 256;
};

}  // namespace api
