#include "engine/service.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include "engine/request_runtime.hpp"

namespace dag {

struct Service::Impl {
  std::mutex mu;
  std::condition_variable idle;
  std::unordered_map<std::uint64_t, std::promise<BatchPtr>> pending;
  std::atomic<std::uint64_t> next_key{1};
  std::unique_ptr<detail::RequestRuntime> rt;

  std::pair<std::uint64_t, std::future<BatchPtr>> start(BatchPtr request) {
    if (!request) throw std::invalid_argument("null request");
    const auto key = next_key.fetch_add(1);
    std::future<BatchPtr> fut;
    {
      std::lock_guard lock(mu);
      fut = pending[key].get_future();
    }
    rt->inject(std::move(request), key);
    return {key, std::move(fut)};
  }

  // Removes and returns the promise for `key`, if the request is still waiting.
  std::optional<std::promise<BatchPtr>> take(std::uint64_t key) {
    std::lock_guard lock(mu);
    auto it = pending.find(key);
    if (it == pending.end()) return std::nullopt;
    auto p = std::move(it->second);
    pending.erase(it);
    if (pending.empty()) idle.notify_all();
    return p;
  }
};

Service::Service(const ResolvedPipeline& p, const Registry& registry, Resources& resources)
    : impl_(std::make_unique<Impl>()) {
  detail::RequestHooks hooks;
  Impl* impl = impl_.get();
  hooks.on_response = [impl](std::uint64_t key, BatchPtr b) {
    if (auto pr = impl->take(key)) pr->set_value(std::move(b));
  };
  hooks.on_error = [impl](std::uint64_t key, std::exception_ptr ex) {
    if (auto pr = impl->take(key)) pr->set_exception(ex);
  };
  impl_->rt = std::make_unique<detail::RequestRuntime>(p, registry, resources, std::move(hooks));
}

Service::~Service() {
  {
    std::unique_lock lock(impl_->mu);
    impl_->idle.wait_for(lock, std::chrono::seconds(30), [&] { return impl_->pending.empty(); });
    for (auto& [k, pr] : impl_->pending)
      pr.set_exception(std::make_exception_ptr(std::runtime_error("service shutting down")));
    impl_->pending.clear();
  }
  impl_->rt.reset();
}

std::future<BatchPtr> Service::submit(BatchPtr request) { return impl_->start(std::move(request)).second; }

BatchPtr Service::call(BatchPtr request, std::chrono::milliseconds timeout) {
  // The key lets a timed-out request be forgotten by the nodes holding its state.
  auto [key, fut] = impl_->start(std::move(request));
  if (fut.wait_for(timeout) != std::future_status::ready) {
    if (impl_->take(key)) {
      impl_->rt->forget(key);
      throw RequestTimeout("request timed out after " + std::to_string(timeout.count()) + " ms");
    }
  }
  return fut.get();
}

std::size_t Service::in_flight() const {
  std::lock_guard lock(impl_->mu);
  return impl_->pending.size();
}

}  // namespace dag
