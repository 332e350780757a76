#pragma once
// A real ProfileRepository whose cache polls fail on demand, as an unreachable database makes
// them fail (sqldb::DatabaseUnavailable): for the database-outage semantics of the cache and
// /readyz without stopping a server. Up again, it reads its database as usual.
#include <atomic>
#include <string>

#include "nodes/gap/profile_repository.hpp"
#include "nodes/sql/database.hpp"

namespace gaptest {

class FailingRepository final : public gap::ProfileRepository {
 public:
  using gap::ProfileRepository::ProfileRepository;
  std::atomic<bool> down{false};
  std::atomic<int> failed_calls{0};

  gap::DatasetVersion latest_completed_run() override {
    fail_if_down();
    return gap::ProfileRepository::latest_completed_run();
  }
  gap::ProfileSet load_all() override {
    fail_if_down();
    return gap::ProfileRepository::load_all();
  }

 private:
  void fail_if_down() {
    if (!down) return;
    ++failed_calls;
    throw sqldb::DatabaseUnavailable("connecting to mysql://onet:***@db:3306/onet: Can't connect to server (test: down)");
  }
};

}  // namespace gaptest
