// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// The C++ generator behind `zroc`: typed sources and replicas from a checked Document
/// (docs/IDL.md, "Generated API").

#include <zro/idl/ast.hpp>

#include <string>
#include <vector>

namespace zro::idl {

enum class GenerateMode { source, replica, merged };
/// "source" / "replica" / "merged".
std::string_view to_string(GenerateMode m) noexcept;

struct GeneratedFile {
    std::string name;     ///< e.g. "rep_simpleswitch_replica.h"
    std::string content;
};

/// The header for `mode`, named rep_<base>_<mode>.h where <base> is the .rep file's stem.
/// `warnings` receives notes about dropped input (e.g. Qt #includes). Throws ParseError.
GeneratedFile generate_cpp(const Document& doc, GenerateMode mode, std::vector<Diagnostic>* warnings = nullptr);

/// Signature of every class, in declaration order: {class name, 16 hex digits}.
std::vector<std::pair<std::string, std::string>> class_signatures(const Document& doc);

} // namespace zro::idl
