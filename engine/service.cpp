#include "engine/service.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <queue>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine/request_runtime.hpp"

namespace dag {

struct Service::Impl {
  struct Pending {
    Done done;
    std::weak_ptr<detail::RequestState> request;
  };
  struct Deadline {
    std::chrono::steady_clock::time_point at;
    std::uint64_t key;
    std::chrono::milliseconds timeout;
    bool operator>(const Deadline& o) const { return at > o.at; }
  };

  mutable std::mutex mu;
  std::condition_variable idle;
  std::unordered_map<std::uint64_t, Pending> pending;
  std::atomic<std::uint64_t> next_key{1};
  std::unique_ptr<detail::RequestRuntime> rt;

  // The deadline watcher: started by the first request that has a deadline and goes async.
  std::mutex dl_mu;
  std::condition_variable dl_cv;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines;
  bool stopping = false;
  std::once_flag watcher_started;
  std::thread watcher;

  // Registers and injects a request; returns its key and whether it is still out (not
  // answered inline).
  std::pair<std::uint64_t, bool> start(BatchPtr request, Done done) {
    if (!request) throw std::invalid_argument("null request");
    const auto key = next_key.fetch_add(1);
    {
      std::lock_guard lock(mu);
      pending.emplace(key, Pending{std::move(done), {}});
    }
    auto handle = rt->inject(std::move(request), key);
    std::lock_guard lock(mu);
    auto it = pending.find(key);
    if (it == pending.end()) return {key, false};
    it->second.request = std::move(handle);
    return {key, true};
  }

  // Removes and returns the answer callback for `key`, if the request is still waiting.
  std::optional<Pending> take(std::uint64_t key) {
    std::lock_guard lock(mu);
    auto it = pending.find(key);
    if (it == pending.end()) return std::nullopt;
    auto p = std::move(it->second);
    pending.erase(it);
    if (pending.empty()) idle.notify_all();
    return p;
  }

  void time_out(std::uint64_t key, std::chrono::milliseconds timeout) {
    auto p = take(key);
    if (!p) return;  // answered meanwhile
    rt->cancel(key, p->request);
    p->done(nullptr,
            std::make_exception_ptr(RequestTimeout("request timed out after " + std::to_string(timeout.count()) + " ms")));
  }

  void watch(std::uint64_t key, std::chrono::milliseconds timeout) {
    std::call_once(watcher_started, [this] { watcher = std::thread([this] { run_watcher(); }); });
    {
      std::lock_guard lock(dl_mu);
      deadlines.push({std::chrono::steady_clock::now() + timeout, key, timeout});
    }
    dl_cv.notify_one();
  }

  void run_watcher() {
    std::unique_lock lock(dl_mu);
    while (!stopping) {
      if (deadlines.empty()) {
        dl_cv.wait(lock);
        continue;
      }
      const auto next = deadlines.top();
      if (std::chrono::steady_clock::now() < next.at) {
        dl_cv.wait_until(lock, next.at);
        continue;
      }
      deadlines.pop();
      lock.unlock();
      time_out(next.key, next.timeout);
      lock.lock();
    }
  }
};

Service::Service(const ResolvedPipeline& p, const Registry& registry, Resources& resources, ServiceOptions opts)
    : impl_(std::make_unique<Impl>()) {
  detail::RequestHooks hooks;
  Impl* impl = impl_.get();
  hooks.on_response = [impl](std::uint64_t key, BatchPtr b) {
    if (auto pr = impl->take(key)) pr->done(std::move(b), nullptr);
  };
  hooks.on_error = [impl](std::uint64_t key, std::exception_ptr ex) {
    if (auto pr = impl->take(key)) pr->done(nullptr, std::move(ex));
  };
  impl_->rt = std::make_unique<detail::RequestRuntime>(p, registry, resources, std::move(hooks),
                                                       detail::QuickCheck{opts.check_quick, opts.quick_limit});
}

Service::~Service() {
  std::vector<Impl::Pending> left;
  {
    std::unique_lock lock(impl_->mu);
    impl_->idle.wait_for(lock, std::chrono::seconds(30), [&] { return impl_->pending.empty(); });
    for (auto& [k, pr] : impl_->pending) left.push_back(std::move(pr));
    impl_->pending.clear();
  }
  for (auto& pr : left) pr.done(nullptr, std::make_exception_ptr(std::runtime_error("service shutting down")));
  {
    std::lock_guard lock(impl_->dl_mu);
    impl_->stopping = true;
  }
  impl_->dl_cv.notify_all();
  if (impl_->watcher.joinable()) impl_->watcher.join();
  impl_->rt.reset();
}

void Service::submit(BatchPtr request, std::chrono::milliseconds deadline, Done done) {
  const auto [key, out] = impl_->start(std::move(request), std::move(done));
  // Requests answered inline (all quick) are done by now: only those still out need a watch.
  if (deadline.count() > 0 && out) impl_->watch(key, deadline);
}

std::future<BatchPtr> Service::submit(BatchPtr request) {
  auto promise = std::make_shared<std::promise<BatchPtr>>();
  auto fut = promise->get_future();
  impl_->start(std::move(request), [promise](BatchPtr b, std::exception_ptr e) {
    if (e)
      promise->set_exception(std::move(e));
    else
      promise->set_value(std::move(b));
  });
  return fut;
}

BatchPtr Service::call(BatchPtr request, std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<BatchPtr>>();
  auto fut = promise->get_future();
  // The key lets a timed-out request be forgotten by the nodes holding its state.
  const auto key = impl_
                       ->start(std::move(request),
                               [promise](BatchPtr b, std::exception_ptr e) {
                                 if (e)
                                   promise->set_exception(std::move(e));
                                 else
                                   promise->set_value(std::move(b));
                               })
                       .first;
  if (fut.wait_for(timeout) != std::future_status::ready) impl_->time_out(key, timeout);
  return fut.get();
}

std::size_t Service::in_flight() const {
  std::lock_guard lock(impl_->mu);
  return impl_->pending.size();
}

std::uint64_t Service::quick_contract_violations() const { return impl_->rt->quick_violations(); }

}  // namespace dag
