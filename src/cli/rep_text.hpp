// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// A zro::Schema printed as a QtRO .rep class (what `zro inspect` shows). Types use the Qt
/// spellings (int, QString, QList<T>, QMap<K,V>, QByteArray, QVariant); `zroc` and `zro serve`
/// read the text back to a schema with the same signature.

#include <zro/schema.hpp>

#include <string>

namespace zro::cli {

/// The schema type as a .rep type ("list<int32>" -> "QList<int>").
std::string rep_type(const std::string& type);
/// The whole class: enums, PROPs (with defaults and modes), SIGNALs, SLOTs.
std::string rep_text(const Schema& schema);

} // namespace zro::cli
