#pragma once
// The two local shapes of an O*NET text release: the unzipped db_XX_X_text folder and the zip.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodes/onet/batches.hpp"

namespace onet {

// "29.2" from a name such as db_29_2_text, db_29_2_text.zip, /x/db_29_2_text/ or a URL ending in
// one; nullopt when the name does not follow O*NET's pattern.
std::optional<std::string> release_from_name(std::string_view name);

class FolderSource final : public ReleaseSource {
 public:
  explicit FolderSource(std::filesystem::path dir);
  std::optional<std::string> read_table(const std::string& table) const override;
  std::string describe() const override;  // "folder <path>"
  // SHA-256 over the folder's *.txt files in name order, each fed as name, NUL, content, so a
  // renamed or moved-between-files byte changes it. Throws when a file cannot be read.
  std::string checksum() const;

 private:
  std::filesystem::path dir_;
};

class ZipSource final : public ReleaseSource {
 public:
  // Opens the archive once to list it; throws std::runtime_error with libzip's reason when the
  // file is not a readable zip. `origin` (e.g. the URL it was downloaded from) is only for messages.
  explicit ZipSource(std::string path, std::string origin = {});
  // Finds "<table>.txt" at any depth (O*NET zips hold db_29_2_text/<file>). Throws when the
  // entry cannot be decompressed or the name is ambiguous.
  std::optional<std::string> read_table(const std::string& table) const override;
  std::string describe() const override;  // "zip <path>" [+ " (downloaded from <origin>)"]
  // The single top-level folder every entry is under ("db_29_2_text"), if there is one.
  std::optional<std::string> top_folder() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_, origin_;
  std::vector<std::string> names_;  // entry names, index = libzip index
};

}  // namespace onet
