#pragma once
// Small string and file helpers; the only Flash type they know is diag::Error (file errors).
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flash::util {

std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
std::string_view trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
bool starts_with_ci(std::string_view s, std::string_view prefix);

// Whole-file read; throws flash::diag::Error("io.read") on failure.
std::string read_file(const std::filesystem::path& p);
// Writes to a temporary file beside `p` and renames it over `p`, so readers never see half a file.
void write_file_atomic(const std::filesystem::path& p, std::string_view content);

// Lower-case hex of the bytes (two digits each).
std::string to_hex(std::string_view bytes);
// The bytes of hex text (either case, two digits each); nullopt for an odd length or a non-hex digit.
std::optional<std::string> from_hex(std::string_view hex);
// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view data);

}  // namespace flash::util
