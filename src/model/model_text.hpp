// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// How the model classes name paths, items and ranges in their error messages, so that every
/// message reads the same: "row 12 of parent [3] out of range (8 rows)".

#include <zro/item_model.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace zro::detail {

/// "[3, 1]"; "[]" for the root.
std::string path_text(const ModelPath& path);
/// "the root", or "parent [3, 1]".
std::string parent_text(const ModelPath& parent);
/// "item (row 2, column 0) of parent [3]".
std::string item_text(const ModelPath& parent, std::size_t row, std::size_t column);
/// "8 rows", "1 column": a count with its unit ("row", "column", "role") in the right number.
std::string count_text(std::size_t n, std::string_view unit);
/// "row 12" for one, "rows 12 to 14" for several, "40 rows from row 12" when the last would
/// overflow (`count` is at least 1).
std::string span_text(std::string_view unit, std::size_t first, std::size_t count);

} // namespace zro::detail
