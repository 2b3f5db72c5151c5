// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// A zro::Schema printed as a QtRO .rep class (what `zro inspect` shows). Types use the Qt
/// spellings (int, QString, QList<T>, QMap<K,V>, QByteArray, QVariant); `zroc` and `zro serve`
/// read the text back to a schema with the same signature.

#include <zro/schema.hpp>

#include <string>

namespace zro::cli {

/// A schema type as a .rep type (list<int32> -> "QList<int>"); enums are written
/// `<enum_scope>::Name` when a scope is given (a POD field naming a class's enum).
std::string rep_type(const Type& type, const std::string& enum_scope = {});
/// The PODs it uses, then the class: enums, PROPs (with defaults and modes), MODELs
/// with their roles, SIGNALs, SLOTs.
std::string rep_text(const Schema& schema);

} // namespace zro::cli
