#pragma once
// Long-lived objects a host program lends to the nodes it runs (a connection pool, a cache).
// The API server, for instance, gives the lookup nodes its shared profile cache; `dagrun`
// gives none and nodes build what they need from their params. Owned by the host, not global.
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <typeindex>

namespace dag {

class Resources {
 public:
  template <class T>
  void put(const std::string& name, std::shared_ptr<T> value) {
    std::lock_guard lock(mu_);
    items_.insert_or_assign(name, Item{std::type_index(typeid(T)), std::move(value)});
  }
  // nullptr when absent; throws when present with another type.
  template <class T>
  std::shared_ptr<T> find(const std::string& name) const {
    std::lock_guard lock(mu_);
    auto it = items_.find(name);
    if (it == items_.end()) return nullptr;
    if (it->second.type != std::type_index(typeid(T))) {
      throw std::logic_error("resource '" + name + "' has another type");
    }
    return std::static_pointer_cast<T>(it->second.value);
  }

 private:
  struct Item {
    std::type_index type;
    std::shared_ptr<void> value;
  };
  mutable std::mutex mu_;
  std::map<std::string, Item> items_;
};

}  // namespace dag
