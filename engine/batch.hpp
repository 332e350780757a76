#pragma once
// The unit of data that flows between nodes: an immutable batch shared by pointer.
// The engine never looks inside a batch; it only asks for its kind (for validation and
// routing diagnostics) and its row count (for the run report).
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dag {

class Batch {
 public:
  virtual ~Batch() = default;
  // Data kind, matched against port kinds declared in node specs (e.g. "onet.ratings").
  virtual std::string_view kind() const = 0;
  virtual std::size_t rows() const = 0;
};

using BatchPtr = std::shared_ptr<const Batch>;

// Downcast with a clear error instead of a null pointer.
template <class T>
std::shared_ptr<const T> batch_cast(const BatchPtr& b) {
  auto p = std::dynamic_pointer_cast<const T>(b);
  if (!p) {
    throw std::runtime_error("unexpected batch kind '" + std::string(b ? b->kind() : std::string_view("null")) + "'");
  }
  return p;
}

// What the built-in `join` node emits: one batch from each of its inputs, in input order.
class TupleBatch final : public Batch {
 public:
  explicit TupleBatch(std::vector<BatchPtr> parts) : parts_(std::move(parts)) {}
  std::string_view kind() const override { return "tuple"; }
  std::size_t rows() const override { return parts_.size(); }
  const std::vector<BatchPtr>& parts() const { return parts_; }

 private:
  std::vector<BatchPtr> parts_;
};

}  // namespace dag
