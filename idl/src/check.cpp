// zro — shared live objects over ZeroMQ.
// Semantic checks and the model: type mapping (Qt and C++ spellings -> C++ and zro types),
// default values, generated names, and the runtime Schema of each class.

#include "model.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

namespace zro::idl {
namespace detail {

namespace {

// Placeholders of external types in zroc's own schemas: "zro_external_<index>_".
constexpr std::string_view external_prefix = "zro_external_";

// ---- type table -------------------------------------------------------------------------------

struct ScalarSpelling {
    std::string_view spelling;
    Scalar scalar;
};

// Every accepted spelling of a scalar type (Qt, C++, and zro's own names).
constexpr std::array<ScalarSpelling, 78> scalar_spellings{{
    {"bool", Scalar::boolean},
    {"qint8", Scalar::i8}, {"int8_t", Scalar::i8}, {"std::int8_t", Scalar::i8}, {"int8", Scalar::i8},
    {"signed char", Scalar::i8}, {"char", Scalar::i8},
    {"quint8", Scalar::u8}, {"uchar", Scalar::u8}, {"uint8_t", Scalar::u8}, {"std::uint8_t", Scalar::u8},
    {"uint8", Scalar::u8}, {"unsigned char", Scalar::u8},
    {"qint16", Scalar::i16}, {"int16_t", Scalar::i16}, {"std::int16_t", Scalar::i16}, {"int16", Scalar::i16},
    {"short", Scalar::i16}, {"short int", Scalar::i16}, {"signed short", Scalar::i16}, {"signed short int", Scalar::i16},
    {"quint16", Scalar::u16}, {"ushort", Scalar::u16}, {"uint16_t", Scalar::u16}, {"std::uint16_t", Scalar::u16},
    {"uint16", Scalar::u16}, {"unsigned short", Scalar::u16}, {"unsigned short int", Scalar::u16},
    {"int", Scalar::i32}, {"qint32", Scalar::i32}, {"int32_t", Scalar::i32}, {"std::int32_t", Scalar::i32},
    {"int32", Scalar::i32}, {"signed", Scalar::i32}, {"signed int", Scalar::i32},
    {"uint", Scalar::u32}, {"quint32", Scalar::u32}, {"uint32_t", Scalar::u32}, {"std::uint32_t", Scalar::u32},
    {"uint32", Scalar::u32}, {"unsigned", Scalar::u32}, {"unsigned int", Scalar::u32},
    {"qint64", Scalar::i64}, {"qlonglong", Scalar::i64}, {"int64_t", Scalar::i64}, {"std::int64_t", Scalar::i64},
    {"int64", Scalar::i64}, {"long long", Scalar::i64}, {"long long int", Scalar::i64}, {"signed long long", Scalar::i64},
    {"long", Scalar::i64}, {"long int", Scalar::i64}, {"signed long", Scalar::i64},
    {"quint64", Scalar::u64}, {"qulonglong", Scalar::u64}, {"uint64_t", Scalar::u64}, {"std::uint64_t", Scalar::u64},
    {"uint64", Scalar::u64}, {"unsigned long long", Scalar::u64}, {"unsigned long long int", Scalar::u64},
    {"unsigned long", Scalar::u64}, {"unsigned long int", Scalar::u64},
    {"float", Scalar::f32},
    {"double", Scalar::f64}, {"qreal", Scalar::f64},
    {"QString", Scalar::string}, {"std::string", Scalar::string}, {"string", Scalar::string}, {"QUrl", Scalar::string},
    {"QByteArray", Scalar::bytes}, {"bytes", Scalar::bytes},
    {"QVariant", Scalar::var}, {"var", Scalar::var}, {"zro::Value", Scalar::var},
    {"QDateTime", Scalar::date_time}, {"QDate", Scalar::date}, {"QTime", Scalar::time},
    {"long double", Scalar::none},  // refused below with a clear message
}};

std::optional<Scalar> find_scalar(std::string_view s) {
    for (const auto& e : scalar_spellings)
        if (e.spelling == s) return e.scalar;
    return std::nullopt;
}

// The schema type a scalar travels as (date and time types as int64 milliseconds / days).
Type scalar_zro(Scalar s) {
    switch (s) {
    case Scalar::boolean: return Type(Type::Kind::boolean);
    case Scalar::i8: return Type(Type::Kind::int8);
    case Scalar::i16: return Type(Type::Kind::int16);
    case Scalar::i32: return Type(Type::Kind::int32);
    case Scalar::i64: return Type(Type::Kind::int64);
    case Scalar::u8: return Type(Type::Kind::uint8);
    case Scalar::u16: return Type(Type::Kind::uint16);
    case Scalar::u32: return Type(Type::Kind::uint32);
    case Scalar::u64: return Type(Type::Kind::uint64);
    case Scalar::f32: return Type(Type::Kind::float32);
    case Scalar::f64: return Type(Type::Kind::float64);
    case Scalar::string: return Type(Type::Kind::string);
    case Scalar::bytes: return Type(Type::Kind::bytes);
    case Scalar::var: return Type(Type::Kind::var);
    case Scalar::date_time:
    case Scalar::date:
    case Scalar::time: return Type(Type::Kind::int64);
    case Scalar::none: break;
    }
    return Type(Type::Kind::var);
}

bool scalar_is_integer(Scalar s) {
    return s == Scalar::i8 || s == Scalar::i16 || s == Scalar::i32 || s == Scalar::i64 || s == Scalar::u8 ||
           s == Scalar::u16 || s == Scalar::u32 || s == Scalar::u64;
}

struct IntRange {
    std::int64_t lo;
    std::uint64_t hi;
};
IntRange int_range(Scalar s) {
    switch (s) {
    case Scalar::i8: return {INT8_MIN, INT8_MAX};
    case Scalar::i16: return {INT16_MIN, INT16_MAX};
    case Scalar::i32: return {INT32_MIN, INT32_MAX};
    case Scalar::i64: return {INT64_MIN, INT64_MAX};
    case Scalar::u8: return {0, UINT8_MAX};
    case Scalar::u16: return {0, UINT16_MAX};
    case Scalar::u32: return {0, UINT32_MAX};
    case Scalar::u64: return {0, UINT64_MAX};
    default: return {0, 0};
    }
}

bool fits(std::int64_t v, Scalar s) {
    const IntRange r = int_range(s);
    return v >= r.lo && (v < 0 || static_cast<std::uint64_t>(v) <= r.hi);
}

// ---- small helpers --------------------------------------------------------------------------

std::string last_component(std::string_view q) {
    const auto p = q.rfind("::");
    return std::string(p == std::string_view::npos ? q : q.substr(p + 2));
}
// The component before the last ("A::B::C" -> "B"), or "".
std::string holder_component(std::string_view q) {
    const auto p = q.rfind("::");
    if (p == std::string_view::npos || p == 0) return {};
    const std::string_view head = q.substr(0, p);
    const auto p2 = head.rfind("::");
    return std::string(p2 == std::string_view::npos ? head : head.substr(p2 + 2));
}

std::string where(const Location& l) { return std::to_string(l.line) + ":" + std::to_string(l.column); }

std::string cpp_string_literal(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (u < 0x20 || u == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\%03o", u);
                out += buf;
            } else {
                out.push_back(c);
            }
        }
    }
    return out + "\"";
}

std::string int_cpp(std::int64_t v, Scalar s) {
    if (v == INT64_MIN) return "(-9223372036854775807LL - 1)";
    std::string t = std::to_string(v);
    if (s == Scalar::i64) t += "LL";
    if (s == Scalar::u32) t += "u";
    return t;
}

std::string double_cpp(double d, bool is_float) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", d);
    std::string s = buf;
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // 'n': inf/nan never get here
    if (is_float) s += "f";
    return s;
}

// ---- the model builder ----------------------------------------------------------------------

class Builder {
public:
    explicit Builder(const Document& doc) : doc_(doc) {}

    Model run() {
        check_global_names();
        for (const auto& e : doc_.enums) model_.enums.push_back(enum_model(e, e.name + "Enum::" + e.name));
        for (const auto& f : doc_.flags) model_.flags.push_back(FlagModel{&f, find_in(doc_.enums, f.enum_name)});
        for (const auto& p : doc_.pods) model_.pods.push_back(pod_model(p));
        for (const auto& c : doc_.classes) model_.classes.push_back(class_model(c));
        model_.external_types = std::move(external_types_);
        return std::move(model_);
    }

private:
    [[noreturn]] void fail(const Location& at, const std::string& msg) const { throw ParseError(at, msg); }

    static const EnumDecl* find_in(const std::vector<EnumDecl>& v, std::string_view name) {
        for (const auto& e : v)
            if (e.name == name) return &e;
        return nullptr;
    }

    // ---- global names -------------------------------------------------------------------------

    void check_global_names() {
        std::map<std::string, Location> seen;
        auto add = [&](const std::string& name, const Location& at, const char* what) {
            check_identifier(name, at, what);
            auto [it, fresh] = seen.emplace(name, at);
            if (!fresh) fail(at, std::string(what) + " '" + name + "' conflicts with a declaration at " + where(it->second));
        };
        for (const auto& e : doc_.enums) {
            add(e.name, e.loc, "ENUM");
            add(e.name + "Enum", e.loc, "ENUM");
        }
        for (const auto& f : doc_.flags) add(f.name, f.loc, "FLAG");
        for (const auto& p : doc_.pods) add(p.name, p.loc, "POD");
        for (const auto& c : doc_.classes) {
            add(c.name, c.loc, "class");
            for (const char* suffix : {"Interface", "Source", "SimpleSource", "Replica"})
                add(c.name + suffix, c.loc, "class");
        }
    }

    void check_identifier(const std::string& name, const Location& at, const char* what) const {
        if (is_cpp_keyword(name)) fail(at, std::string(what) + " name '" + name + "' is a C++ keyword");
        if (name.rfind("zro_", 0) == 0 || name.rfind("ZRO_", 0) == 0)
            fail(at, std::string(what) + " name '" + name + "': names starting with zro_ are reserved for generated code");
    }

    // ---- enums --------------------------------------------------------------------------------

    EnumModel enum_model(const EnumDecl& e, std::string cpp) {
        EnumModel m;
        m.decl = &e;
        m.cpp = std::move(cpp);
        m.underlying_scalar = Scalar::i32;
        if (e.underlying) {
            auto s = find_scalar(e.underlying->name);
            if (!s || !scalar_is_integer(*s) || !e.underlying->args.empty())
                fail(e.underlying->loc, "the underlying type of enum '" + e.name + "' must be an integer type, not '" +
                                            e.underlying->text() + "'");
            m.underlying_scalar = *s;
        }
        m.underlying = scalar_cpp(m.underlying_scalar);
        std::map<std::string, Location> names;
        for (const auto& v : e.values) {
            check_identifier(v.name, v.loc, "enumerator");
            auto [it, fresh] = names.emplace(v.name, v.loc);
            if (!fresh) fail(v.loc, "duplicate enumerator '" + v.name + "' in enum '" + e.name + "' (first at " + where(it->second) + ")");
            if (!fits(v.value, m.underlying_scalar))
                fail(v.loc, "value " + std::to_string(v.value) + " of '" + v.name + "' does not fit the underlying type " +
                                scalar_zro(m.underlying_scalar).spelling() + " of enum '" + e.name + "'");
        }
        return m;
    }

    // ---- type resolution ----------------------------------------------------------------------

    struct Scope {
        const ClassDecl* cls = nullptr;
        const PodDecl* pod = nullptr;
        std::string name() const { return cls ? cls->name : pod ? pod->name : std::string(); }
    };

    std::string enum_cpp(const EnumDecl& e) const {
        if (e.scope.empty()) return e.name + "Enum::" + e.name;
        for (const auto& p : doc_.pods)
            if (p.name == e.scope) return p.name + "::" + e.name;
        return e.scope + "Interface::" + e.name;
    }

    // Finds an enum (or, with flags=true, a FLAG) named by `q` as seen from `scope`.
    template <class Decl>
    const Decl* find_named(std::string_view q, const Scope& scope, const std::vector<Decl> ClassDecl::*class_member,
                           const std::vector<Decl> PodDecl::*pod_member, const std::vector<Decl>& globals,
                           bool global_suffix) const {
        const std::string last = last_component(q);
        const std::string holder = holder_component(q);
        auto pick = [&](const std::vector<Decl>& v) -> const Decl* {
            for (const auto& d : v)
                if (d.name == last) return &d;
            return nullptr;
        };
        if (holder.empty()) {
            if (scope.cls)
                if (auto* d = pick(scope.cls->*class_member)) return d;
            if (scope.pod)
                if (auto* d = pick(scope.pod->*pod_member)) return d;
            return pick(globals);
        }
        if (auto* d = pick(globals); d && (holder == last + (global_suffix ? "Enum" : "") || holder == last)) return d;
        for (const auto& c : doc_.classes)
            if (holder == c.name || holder == c.name + "Interface" || holder == c.name + "Replica" ||
                holder == c.name + "Source" || holder == c.name + "SimpleSource")
                if (auto* d = pick(c.*class_member)) return d;
        for (const auto& p : doc_.pods)
            if (holder == p.name)
                if (auto* d = pick(p.*pod_member)) return d;
        return nullptr;
    }

    const EnumDecl* find_enum(std::string_view q, const Scope& s) const {
        return find_named(q, s, &ClassDecl::enums, &PodDecl::enums, doc_.enums, true);
    }
    const FlagDecl* find_flag(std::string_view q, const Scope& s) const {
        return find_named(q, s, &ClassDecl::flags, &PodDecl::flags, doc_.flags, false);
    }
    const EnumDecl* enum_of(const FlagDecl& f) const {
        if (f.scope.empty()) return find_in(doc_.enums, f.enum_name);
        for (const auto& c : doc_.classes)
            if (c.name == f.scope) return find_in(c.enums, f.enum_name);
        for (const auto& p : doc_.pods)
            if (p.name == f.scope) return find_in(p.enums, f.enum_name);
        return nullptr;
    }

    Scalar underlying_of(const EnumDecl& e) const {
        if (!e.underlying) return Scalar::i32;
        auto s = find_scalar(e.underlying->name);
        return s && scalar_is_integer(*s) ? *s : Scalar::i32;
    }

    // Map keys: what std::map can order and MessagePack can carry as a key.
    static bool orderable(const Resolved& k) {
        switch (k.kind) {
        case Resolved::Kind::scalar: return k.scalar != Scalar::var && k.scalar != Scalar::bytes;
        case Resolved::Kind::enumeration:
        case Resolved::Kind::flags:  // zro::Flags orders by its bits
        case Resolved::Kind::external_enum: return true;
        case Resolved::Kind::list: return orderable(k.args[0]);
        default: return false;
        }
    }

    Resolved resolve(const TypeName& t, const Scope& scope, const PodDecl* declaring_pod = nullptr) const {
        Resolved r;
        const std::string& n = t.name;
        auto want_args = [&](std::size_t k) {
            if (t.args.size() != k)
                fail(t.loc, "'" + n + "' takes " + std::to_string(k) + " type argument" + (k == 1 ? "" : "s") + ", got " +
                                std::to_string(t.args.size()));
        };
        if (n == "QList" || n == "QVector" || n == "std::vector" || n == "list") {
            want_args(1);
            r.kind = Resolved::Kind::list;
            r.args.push_back(resolve(t.args[0], scope, declaring_pod));
            if (r.args[0].kind == Resolved::Kind::child) fail(t.loc, "lists of CLASS sub-objects are not supported");
            r.cpp = "std::vector<" + r.args[0].cpp + ">";
            r.zro = Type::list_of(r.args[0].zro);
            return r;
        }
        if (n == "QMap" || n == "QHash" || n == "std::map" || n == "map") {
            want_args(2);
            r.kind = Resolved::Kind::map;
            r.args.push_back(resolve(t.args[0], scope, declaring_pod));
            r.args.push_back(resolve(t.args[1], scope, declaring_pod));
            const Resolved& k = r.args[0];
            if (!orderable(k)) fail(t.args[0].loc, "map keys must be strings, numbers, bools, enums, flags or lists of them, not '" + t.args[0].text() + "'");
            if (r.args[1].kind == Resolved::Kind::child) fail(t.loc, "maps of CLASS sub-objects are not supported");
            r.cpp = "std::map<" + k.cpp + ", " + r.args[1].cpp + ">";
            r.zro = Type::map_of(k.zro, r.args[1].zro);
            return r;
        }
        if (n == "QStringList") {
            want_args(0);
            r.kind = Resolved::Kind::list;
            Resolved s;
            s.scalar = Scalar::string;
            s.cpp = scalar_cpp(Scalar::string);
            s.zro = Type(Type::Kind::string);
            r.args.push_back(s);
            r.cpp = "std::vector<std::string>";
            r.zro = Type::list_of(s.zro);
            return r;
        }
        if (n == "QVariantList") {
            want_args(0);
            r.kind = Resolved::Kind::list;
            Resolved s;
            s.scalar = Scalar::var;
            s.cpp = scalar_cpp(Scalar::var);
            s.zro = Type(Type::Kind::var);
            r.args.push_back(s);
            r.cpp = "std::vector<::zro::Value>";
            r.zro = Type::list_of(s.zro);
            return r;
        }
        if (n == "QVariantMap" || n == "QVariantHash") {
            want_args(0);
            r.kind = Resolved::Kind::map;
            Resolved k, v;
            k.scalar = Scalar::string;
            k.cpp = scalar_cpp(Scalar::string);
            k.zro = Type(Type::Kind::string);
            v.scalar = Scalar::var;
            v.cpp = scalar_cpp(Scalar::var);
            v.zro = Type(Type::Kind::var);
            r.args = {k, v};
            r.cpp = "std::map<std::string, ::zro::Value>";
            r.zro = Type::map_of(k.zro, v.zro);
            return r;
        }
        if (auto s = find_scalar(n)) {
            if (*s == Scalar::none) fail(t.loc, "'" + n + "' is not supported (no MessagePack mapping); use double");
            want_args(0);
            r.kind = Resolved::Kind::scalar;
            r.scalar = *s;
            r.cpp = scalar_cpp(*s);
            r.zro = scalar_zro(*s);
            return r;
        }
        if (!t.args.empty()) fail(t.loc, "unknown template type '" + n + "' (zro maps QList, QVector, QMap, QHash and their std:: forms)");
        for (const auto& u : doc_.use_enums)
            if (u.name == n || "::" + u.name == n || u.name == "::" + n) {
                r.kind = Resolved::Kind::external_enum;
                r.external = u.name;
                r.cpp = u.name;
                r.zro = Type(Type::Kind::int64);
                return r;
            }
        if (const EnumDecl* e = find_enum(n, scope)) {
            r.kind = Resolved::Kind::enumeration;
            r.enum_decl = e;
            r.cpp = enum_cpp(*e);
            r.zro = Type::named(e->name);
            return r;
        }
        if (const FlagDecl* f = find_flag(n, scope)) {
            const EnumDecl* e = enum_of(*f);
            r.kind = Resolved::Kind::flags;
            r.flag_decl = f;
            r.enum_decl = e;
            r.cpp = "::zro::Flags<" + enum_cpp(*e) + ">";
            r.zro = scalar_zro(underlying_of(*e));
            return r;
        }
        const std::string last = last_component(n);
        for (const auto& p : doc_.pods)
            if (p.name == last) {
                if (declaring_pod) {
                    if (&p == declaring_pod) fail(t.loc, "POD '" + p.name + "' cannot contain itself");
                    if (&p > declaring_pod)
                        fail(t.loc, "POD '" + p.name + "' is declared after POD '" + declaring_pod->name + "' (declare it first)");
                }
                r.kind = Resolved::Kind::pod;
                r.pod = &p;
                r.cpp = p.name;
                r.zro = Type::named(p.name);
                return r;
            }
        for (const auto& c : doc_.classes)
            if (c.name == last) {
                r.kind = Resolved::Kind::child;
                r.cls = &c;
                r.cpp = c.name;
                r.zro = Type(Type::Kind::var);
                return r;
            }
        if (!looks_like_qt(n) && includes_header())
            return external(t);
        std::string hint;
        if (n == "QPoint" || n == "QPointF" || n == "QSize" || n == "QRect" || n == "QColor" || n == "QUuid" ||
            n == "QPair" || n == "QSet" || n == "QJsonObject" || n == "QImage")
            hint = " (no standard mapping: declare a POD with the fields you need)";
        else if (n == "QAbstractItemModel" || n == "QObject")
            hint = " (object pointers are not values: use CLASS for sub-objects)";
        else if (looks_like_qt(n))
            hint = " (a Qt type with no zro meaning: declare a POD with the fields you need)";
        else
            hint = " (declare it in this file, or #include the C++ header that declares it: an enum with USE_ENUM, another "
                   "type with zro::external_type<" + n + ">)";
        fail(t.loc, "unknown type '" + t.text() + "'" + hint);
    }

    // A type declared in a header the file #includes: zroc passes its name through, and the
    // generated code asks zro::external_type<T> for its schema type (zro/external_type.hpp).
    Resolved external(const TypeName& t) const {
        Resolved r;
        r.kind = Resolved::Kind::external;
        r.external = t.name;
        r.cpp = t.name;
        const auto it = std::find(external_types_.begin(), external_types_.end(), t.name);
        r.external_index = static_cast<std::size_t>(it - external_types_.begin());
        if (it == external_types_.end()) external_types_.push_back(t.name);
        r.zro = Type::named(external_placeholder(r.external_index));
        return r;
    }

    // Qt's own types (QPoint, Qt::GlobalColor, ...) are never external: the header that declares
    // them is Qt's, which generated code does not include.
    static bool looks_like_qt(std::string_view n) {
        return (n.size() > 1 && n[0] == 'Q' && n[1] >= 'A' && n[1] <= 'Z') || n.rfind("Qt::", 0) == 0;
    }

    bool includes_header() const {
        for (const auto& d : doc_.directives)
            if (is_include(d.text) && !is_qt_include(d.text)) return true;
        return false;
    }

    // ---- defaults -----------------------------------------------------------------------------

    [[noreturn]] void bad_default(const Literal& l, const Resolved& type, const std::string& why = {}) const {
        fail(l.loc, "default value '" + l.source + "' does not fit type '" + type.zro.spelling() + "'" + (why.empty() ? "" : ": " + why));
    }

    const Enumerator* find_enumerator(const EnumDecl& e, const Literal& l, const Resolved& type) const {
        const std::string last = last_component(l.text);
        const std::string holder = holder_component(l.text);
        for (const auto& v : e.values)
            if (v.name == last) {
                if (!holder.empty() && holder != e.name && holder != e.name + "Enum" && holder != e.scope &&
                    holder != e.scope + "Interface" && holder != e.scope + "Replica" && holder != e.scope + "Source" &&
                    holder != e.scope + "SimpleSource")
                    bad_default(l, type, "'" + holder + "' is not enum '" + e.name + "'");
                return &v;
            }
        bad_default(l, type, "'" + last + "' is not an enumerator of '" + e.name + "'");
    }

    Evaluated evaluate(const Literal& l, const Resolved& t) const {
        Evaluated out;
        using K = Literal::Kind;
        if (l.kind == K::raw)
            fail(l.loc, "unsupported default value '" + l.source +
                            "' (use true/false, a number, a string, an enumerator or {})");
        if (l.kind == K::empty_braces) {
            out.cpp = "{}";
            out.value = Value();  // the type's zero value
            return out;
        }
        switch (t.kind) {
        case Resolved::Kind::scalar:
            switch (t.scalar) {
            case Scalar::boolean:
                if (l.kind != K::boolean) bad_default(l, t);
                out.value = Value(l.boolean);
                out.cpp = l.boolean ? "true" : "false";
                return out;
            case Scalar::i8: case Scalar::i16: case Scalar::i32: case Scalar::i64:
            case Scalar::u8: case Scalar::u16: case Scalar::u32: case Scalar::u64:
            case Scalar::date_time: case Scalar::date: case Scalar::time: {
                if (l.kind != K::integer) bad_default(l, t);
                const Scalar s = scalar_is_integer(t.scalar) ? t.scalar : Scalar::i64;
                const IntRange r = int_range(s);
                if (l.negative) {
                    if (r.lo == 0 || l.magnitude > static_cast<std::uint64_t>(-(r.lo + 1)) + 1)
                        bad_default(l, t, "out of range");
                    const auto v = static_cast<std::int64_t>(0 - l.magnitude);
                    out.value = Value(v);
                    out.cpp = int_cpp(v, s);
                } else {
                    if (l.magnitude > r.hi) bad_default(l, t, "out of range");
                    if (s == Scalar::u64 || (s != Scalar::i64 && r.lo == 0)) {
                        out.value = Value(l.magnitude);
                        out.cpp = std::to_string(l.magnitude) + (s == Scalar::u64 ? "ULL" : "u");
                    } else {
                        out.value = Value(static_cast<std::int64_t>(l.magnitude));
                        out.cpp = int_cpp(static_cast<std::int64_t>(l.magnitude), s);
                    }
                }
                if (t.scalar == Scalar::date_time) out.cpp = "::zro::DateTime(std::chrono::milliseconds(" + out.cpp + "))";
                if (t.scalar == Scalar::date) out.cpp = "::zro::Date(::zro::Days(" + out.cpp + "))";
                if (t.scalar == Scalar::time) out.cpp = "::zro::TimeOfDay(" + out.cpp + ")";
                return out;
            }
            case Scalar::f32: case Scalar::f64:
                if (l.kind != K::integer && l.kind != K::floating) bad_default(l, t);
                if (!std::isfinite(l.floating)) bad_default(l, t, "not finite");
                out.value = Value(l.floating);
                out.cpp = double_cpp(l.floating, t.scalar == Scalar::f32);
                return out;
            case Scalar::string:
                if (l.kind != K::string) bad_default(l, t);
                out.value = Value(l.text);
                out.cpp = "std::string(" + cpp_string_literal(l.text) + ", " + std::to_string(l.text.size()) + ")";
                if (l.text.find('\0') == std::string::npos) out.cpp = cpp_string_literal(l.text);
                return out;
            case Scalar::bytes: {
                if (l.kind != K::string) bad_default(l, t, "a QByteArray default is written as a string literal");
                Value::Bytes b;
                std::string init = "::zro::Value::Bytes{{";
                for (std::size_t i = 0; i < l.text.size(); ++i) {
                    const auto u = static_cast<unsigned char>(l.text[i]);
                    b.data.push_back(u);
                    init += (i ? ", " : "") + std::to_string(u);
                }
                out.value = Value(std::move(b));
                out.cpp = init + "}}";
                return out;
            }
            case Scalar::var:
                if (l.kind == K::boolean) out.value = Value(l.boolean);
                else if (l.kind == K::integer && !l.negative) out.value = Value(l.magnitude);
                else if (l.kind == K::integer) out.value = Value(static_cast<std::int64_t>(0 - l.magnitude));
                else if (l.kind == K::floating) out.value = Value(l.floating);
                else if (l.kind == K::string) out.value = Value(l.text);
                else bad_default(l, t, "a QVariant default must be a bool, a number or a string");
                out.cpp = value_cpp(out.value);
                return out;
            case Scalar::none: break;
            }
            break;
        case Resolved::Kind::enumeration: {
            if (l.kind != K::name) bad_default(l, t, "expected an enumerator of '" + t.enum_decl->name + "'");
            const Enumerator* e = find_enumerator(*t.enum_decl, l, t);
            out.value = Value(e->value);
            out.cpp = t.cpp + "::" + e->name;
            return out;
        }
        case Resolved::Kind::flags: {
            if (l.kind == K::name) {
                const Enumerator* e = find_enumerator(*t.enum_decl, l, t);
                out.value = Value(e->value);
                out.cpp = t.cpp + "(" + enum_cpp(*t.enum_decl) + "::" + e->name + ")";
                return out;
            }
            if (l.kind == K::integer && !l.negative) {
                if (l.magnitude > int_range(underlying_of(*t.enum_decl)).hi) bad_default(l, t, "out of range");
                out.value = Value(l.magnitude);
                out.cpp = t.cpp + "::from_bits(" + std::to_string(l.magnitude) + "u)";
                return out;
            }
            bad_default(l, t, "expected an enumerator or a non-negative integer");
        }
        case Resolved::Kind::external:
            // Only C++ knows what the literal means for the type: generated code writes
            // T(literal), and its schema carries the encoded value; zroc's own has none.
            out.cpp = l.source;
            return out;
        case Resolved::Kind::external_enum:
            if (l.kind == K::name) {
                out.cpp = l.text;  // the runtime cannot know its value: the schema keeps nil
                return out;
            }
            if (l.kind == K::integer) {
                out.value = l.negative ? Value(static_cast<std::int64_t>(0 - l.magnitude)) : Value(l.magnitude);
                out.cpp = "static_cast<" + t.cpp + ">(" + (l.negative ? "-" : "") + std::to_string(l.magnitude) + ")";
                return out;
            }
            bad_default(l, t, "expected an enumerator of '" + t.external + "'");
        default: break;
        }
        fail(l.loc, "default values for '" + t.zro.spelling() + "' can only be {}");
    }

    static std::string value_cpp(const Value& v) {
        switch (v.kind()) {
        case Value::Kind::boolean: return std::string("::zro::Value(") + (v.as<bool>() ? "true" : "false") + ")";
        case Value::Kind::int64: return "::zro::Value(std::int64_t{" + int_cpp(v.as<std::int64_t>(), Scalar::i64) + "})";
        case Value::Kind::uint64: return "::zro::Value(std::uint64_t{" + std::to_string(v.as<std::uint64_t>()) + "ULL})";
        case Value::Kind::float64: return "::zro::Value(" + double_cpp(v.as<double>(), false) + ")";
        case Value::Kind::string: return "::zro::Value(std::string(" + cpp_string_literal(v.as_string()) + ", " + std::to_string(v.size()) + "))";
        default: return "::zro::Value()";
        }
    }

    // The value a property holds when the .rep gives no default: the schema's zero value
    // (first enumerator for enums), and the C++ expression for it.
    Evaluated initial(const Resolved& t) const {
        Evaluated z;
        if (t.kind == Resolved::Kind::enumeration && !t.enum_decl->values.empty()) {
            z.value = Value(t.enum_decl->values.front().value);
            z.cpp = t.cpp + "::" + t.enum_decl->values.front().name;
        } else {
            z.cpp = "{}";
        }
        return z;
    }

    // ---- PODs ---------------------------------------------------------------------------------

    PodModel pod_model(const PodDecl& p) {
        PodModel m;
        m.decl = &p;
        for (const auto& e : p.enums) m.enums.push_back(enum_model(e, p.name + "::" + e.name));
        for (const auto& f : p.flags) m.flags.push_back(FlagModel{&f, find_in(p.enums, f.enum_name)});
        std::set<std::string> names;
        for (const auto& e : p.enums) names.insert(e.name);
        for (const auto& f : p.flags) {
            check_identifier(f.name, f.loc, "FLAG");
            if (!names.insert(f.name).second) fail(f.loc, "'" + f.name + "' is declared twice in POD " + p.name);
        }
        Scope s;
        s.pod = &p;
        for (const auto& f : p.fields) {
            ParamModel pm;
            if (f.name.empty()) fail(f.loc, "POD " + p.name + ": field of type '" + f.type.text() + "' has no name");
            check_identifier(f.name, f.loc, "field");
            if (!names.insert(f.name).second) fail(f.loc, "duplicate field '" + f.name + "' in POD " + p.name);
            pm.id = f.name;
            pm.type = resolve(f.type, s, &p);
            if (pm.type.kind == Resolved::Kind::child) fail(f.loc, "POD fields cannot be CLASS sub-objects");
            m.fields.push_back(std::move(pm));
        }
        return m;
    }

    // ---- classes ------------------------------------------------------------------------------

    std::vector<ParamModel> param_models(const FunctionDecl& f, const Scope& s, const char* what) {
        std::vector<ParamModel> out;
        std::set<std::string> names;
        bool defaults_started = false;
        for (std::size_t i = 0; i < f.params.size(); ++i) {
            const Param& p = f.params[i];
            ParamModel pm;
            pm.type = resolve(p.type, s);
            if (pm.type.kind == Resolved::Kind::child) fail(p.loc, std::string(what) + " parameters cannot be CLASS sub-objects");
            if (p.name.empty()) {
                pm.id = "arg" + std::to_string(i + 1);
            } else {
                check_identifier(p.name, p.loc, "parameter");
                pm.id = snake_case(p.name);
                if (is_cpp_keyword(pm.id)) pm.id += "_";
            }
            if (pm.id == "timeout") pm.id = "timeout_";
            if (!names.insert(pm.id).second) fail(p.loc, "duplicate parameter name '" + p.name + "' in " + what + " '" + f.name + "'");
            if (p.default_value) {
                pm.default_value = evaluate(*p.default_value, pm.type);
                defaults_started = true;
            } else if (defaults_started) {
                fail(p.loc, "parameter " + std::to_string(i + 1) + " of " + what + " '" + f.name +
                                "' needs a default value: it follows one that has one");
            }
            out.push_back(std::move(pm));
        }
        return out;
    }

    // Adds the enums and PODs `t` names (and those inside its PODs) to the class's schema, in
    // order of first use, each POD after the PODs and enums of its fields.
    void use_in_schema(ClassModel& m, const Resolved& t) const {
        if (t.kind == Resolved::Kind::external &&
            std::find(m.externals.begin(), m.externals.end(), t.external_index) == m.externals.end())
            m.externals.push_back(t.external_index);
        if (t.kind == Resolved::Kind::enumeration) {
            if (std::find(m.schema_enums.begin(), m.schema_enums.end(), t.enum_decl) == m.schema_enums.end())
                m.schema_enums.push_back(t.enum_decl);
        }
        if (t.kind == Resolved::Kind::pod) {
            const PodModel* pod = nullptr;
            for (const auto& pm : model_.pods)
                if (pm.decl == t.pod) pod = &pm;
            if (pod && std::find(m.schema_pods.begin(), m.schema_pods.end(), pod) == m.schema_pods.end()) {
                for (const auto& f : pod->fields) use_in_schema(m, f.type);
                m.schema_pods.push_back(pod);
            }
        }
        for (const auto& a : t.args) use_in_schema(m, a);
    }

    ClassModel class_model(const ClassDecl& c) {
        ClassModel m;
        m.decl = &c;
        Scope s;
        s.cls = &c;
        for (const auto& e : c.enums) {
            m.enums.push_back(enum_model(e, c.name + "Interface::" + e.name));
            m.schema_enums.push_back(&e);
        }
        std::set<std::string> type_names;
        for (const auto& e : c.enums)
            if (!type_names.insert(e.name).second) fail(e.loc, "enum '" + e.name + "' is declared twice in class " + c.name);
        for (const auto& f : c.flags) {
            check_identifier(f.name, f.loc, "FLAG");
            if (!type_names.insert(f.name).second) fail(f.loc, "'" + f.name + "' is declared twice in class " + c.name);
            m.flags.push_back(FlagModel{&f, find_in(c.enums, f.enum_name)});
        }

        // Generated names: each must be unique in its class. zro's own machinery is named zro_*
        // (which .rep names may not be), so what is left to check: FooInterface's three members
        // against the enums, flags and role constants it also holds; the persisted-store pair;
        // and zro's public informational members, which a generated member may hide (with a
        // warning: they stay reachable qualified). The source and replica classes derive from
        // FooInterface, so their members may reuse its names (generated code qualifies them).
        std::map<std::string, std::string> interface_taken, taken;
        for (const char* n : interface_members())
            interface_taken.emplace(n, std::string("the generated member ") + c.name + "Interface::" + n);
        auto claim_in_interface = [&](const std::string& name, const Location& at, const std::string& what) {
            if (is_cpp_keyword(name)) fail(at, what + " becomes the C++ keyword '" + name + "' in generated code; rename it");
            auto [it, fresh] = interface_taken.emplace(name, what);
            if (!fresh)
                fail(at, "generated name '" + name + "' of " + what + " collides with " + it->second + "; rename one of them");
        };
        bool persisted = false;
        for (const auto& p : c.properties) persisted = persisted || p.persisted;
        if (persisted)
            for (const char* n : {"use_persisted_store", "save_persisted"})
                taken.emplace(n, std::string("the generated member ") + c.name + "Replica::" + n + " (the class has PERSISTED properties)");
        auto claim = [&](const std::string& name, const Location& at, const std::string& what) {
            if (is_cpp_keyword(name)) fail(at, what + " becomes the C++ keyword '" + name + "' in generated code; rename it");
            auto [it, fresh] = taken.emplace(name, what);
            if (!fresh)
                fail(at, "generated name '" + name + "' of " + what + " collides with " + it->second + "; rename one of them");
            if (const char* base = hidden_base(name)) {
                const bool replica = std::string_view(base) == "zro::Replica";
                model_.warnings.push_back(Diagnostic{at, what + ": " + c.name + (replica ? "Replica::" : "Source::") + name +
                                                             "() hides " + base + "::" + name + "() (call " +
                                                             (replica ? "replica." : "source.") + base + "::" + name +
                                                             "() for the base)"});
            }
        };
        for (const auto& e : c.enums) claim_in_interface(e.name, e.loc, "enum '" + e.name + "'");
        for (const auto& f : c.flags) claim_in_interface(f.name, f.loc, "FLAG '" + f.name + "'");

        std::set<std::string> prop_names, sig_names, slot_names;
        for (std::size_t i = 0; i < c.properties.size(); ++i) {
            const PropertyDecl& p = c.properties[i];
            check_identifier(p.name, p.loc, "property");
            if (!prop_names.insert(p.name).second) fail(p.loc, "duplicate property '" + p.name + "' in class " + c.name);
            if (p.kind == PropertyDecl::Kind::model) {
                // A MODEL member: no value of its own; its roles become named constants.
                ModelMemberModel mm;
                mm.decl = &p;
                mm.index = m.models.size();
                mm.id = snake_case(p.name);
                const std::string what = "MODEL '" + p.name + "'";
                claim(mm.id, p.loc, what);
                claim("set_" + mm.id, p.loc, what);
                std::set<std::string> roles;
                for (const auto& role : p.roles) {
                    check_identifier(role, p.loc, "role");
                    if (!roles.insert(role).second) fail(p.loc, "duplicate role '" + role + "' in MODEL " + p.name);
                    mm.role_ids.push_back(mm.id + "_role_" + snake_case(role));
                    claim_in_interface(mm.role_ids.back(), p.loc, what + " role '" + role + "'");
                }
                m.models.push_back(std::move(mm));
                continue;
            }
            PropertyModel pm;
            pm.decl = &p;
            pm.index = m.properties.size();  // models take no property index
            pm.type = resolve(p.type, s);
            if (p.kind == PropertyDecl::Kind::child) {
                if (pm.type.kind != Resolved::Kind::child)
                    fail(p.type.loc, "CLASS " + p.name + "(" + p.type.text() + "): '" + p.type.text() + "' is not a class of this file");
                if (pm.type.cls >= &c)
                    fail(p.type.loc, "CLASS " + p.name + "(" + p.type.text() + "): class '" + pm.type.cls->name +
                                         "' must be declared before class '" + c.name + "'");
                m.has_children = true;
            } else if (pm.type.kind == Resolved::Kind::child)
                fail(p.type.loc, "'" + p.type.text() + "' is a class: declare sub-objects with CLASS " + p.name + "(" +
                                     p.type.text() + ")");
            pm.id = snake_case(p.name);
            const std::string what = "property '" + p.name + "'";
            claim(pm.id, p.loc, what);
            claim("on_" + pm.id + "_changed", p.loc, what);
            claim("notify_" + pm.id + "_changed", p.loc, what);
            claim("set_" + pm.id, p.loc, what);
            if (p.mode == PropertyMode::read_push && p.kind != PropertyDecl::Kind::child) claim("push_" + pm.id, p.loc, what);
            if (p.default_value) {
                pm.initial = evaluate(*p.default_value, pm.type);
                pm.has_default = true;
                if (pm.initial.value.is_nil() && p.default_value->kind == Literal::Kind::empty_braces)
                    pm.initial = initial(pm.type);
            } else {
                pm.initial = initial(pm.type);
            }
            use_in_schema(m, pm.type);
            m.has_persisted = m.has_persisted || p.persisted;
            m.properties.push_back(std::move(pm));
        }
        for (std::size_t i = 0; i < c.signals.size(); ++i) {
            const FunctionDecl& f = c.signals[i];
            check_identifier(f.name, f.loc, "signal");
            if (!sig_names.insert(f.name).second) fail(f.loc, "duplicate signal '" + f.name + "' in class " + c.name);
            FunctionModel fm;
            fm.decl = &f;
            fm.index = i;
            fm.id = snake_case(f.name);
            fm.params = param_models(f, s, "SIGNAL");
            claim("emit_" + fm.id, f.loc, "signal '" + f.name + "'");
            claim("on_" + fm.id, f.loc, "signal '" + f.name + "'");
            for (const auto& p : fm.params) use_in_schema(m, p.type);
            m.signals.push_back(std::move(fm));
        }
        for (std::size_t i = 0; i < c.slots.size(); ++i) {
            const FunctionDecl& f = c.slots[i];
            check_identifier(f.name, f.loc, "slot");
            if (!slot_names.insert(f.name).second) fail(f.loc, "duplicate slot '" + f.name + "' in class " + c.name);
            FunctionModel fm;
            fm.decl = &f;
            fm.index = i;
            fm.id = snake_case(f.name);
            fm.params = param_models(f, s, "SLOT");
            if (f.return_type) {
                fm.ret = resolve(*f.return_type, s);
                if (fm.ret->kind == Resolved::Kind::child) fail(f.return_type->loc, "slots cannot return CLASS sub-objects");
                use_in_schema(m, *fm.ret);
            }
            claim(fm.id, f.loc, "slot '" + f.name + "'");
            for (const auto& p : fm.params) use_in_schema(m, p.type);
            m.slots.push_back(std::move(fm));
        }
        m.schema = make_schema(m);
        if (!m.externals.empty()) m.canonical_parts = canonical_parts(m.schema.canonical_text());
        return m;
    }

    // FooInterface's own members: a class ENUM, FLAG or MODEL role constant may not take them.
    static constexpr std::array<const char*, 3> interface_members() { return {"type_name", "signature", "static_schema"}; }

    // The public members of zro::Replica and zro::Source (not the zro_* machinery) that a
    // generated member of the same name hides: the base class named, or nullptr.
    static const char* hidden_base(std::string_view n) {
        for (const char* r : {"name", "state", "valid", "last_reason", "stats", "source_signature", "last_seq", "last_heard",
                              "acquired", "on_initialized", "on_state_changed", "on_notice", "wait_for_source"})
            if (n == r) return "zro::Replica";
        for (const char* s : {"schema", "model", "remoted"})
            if (n == s) return "zro::Source";
        return nullptr;
    }

    // The canonical text without the placeholder PODs' lines, cut at each external type.
    std::vector<SpellingPart> canonical_parts(const std::string& text) const {
        std::string kept;
        const std::string placeholder_pod = "pod " + std::string(external_prefix);
        for (std::size_t at = 0; at < text.size();) {
            const std::size_t end = text.find('\n', at) + 1;
            const std::string_view line(text.data() + at, end - at);
            if (line.rfind(placeholder_pod, 0) != 0) kept += line;
            at = end;
        }
        return split_external(kept, external_types_);
    }

    Schema make_schema(const ClassModel& m) const {
        const ClassDecl& c = *m.decl;
        try {
            Schema s(c.name);
            std::set<std::string> enum_names;
            for (const EnumDecl* e : m.schema_enums) {
                if (!enum_names.insert(e->name).second)
                    fail(c.loc, "class " + c.name + " uses two enums named '" + e->name +
                                    "' (zro schemas name enums without scope): rename one");
                std::vector<std::pair<std::string, std::int64_t>> values;
                for (const auto& v : e->values) values.emplace_back(v.name, v.value);
                s.add_enum(e->name, std::move(values));
            }
            // External types: an empty placeholder POD each, so zro::Schema accepts the name;
            // their "pod" lines are cut from the canonical text (canonical_parts).
            for (std::size_t i : m.externals) s.add_pod(external_placeholder(i), {});
            for (const PodModel* pod : m.schema_pods) {
                std::vector<Parameter> fields;
                for (const auto& f : pod->fields) fields.push_back(Parameter{f.id, f.type.zro.spelling()});
                s.add_pod(pod->decl->name, std::move(fields));
            }
            for (const auto& p : m.properties)
                s.add_property(p.decl->name, p.type.zro.spelling(), p.has_default ? p.initial.value : Value(), p.decl->mode);
            auto params = [](const FunctionModel& f) {
                std::vector<Parameter> out;
                for (std::size_t i = 0; i < f.params.size(); ++i)
                    out.push_back(Parameter{f.decl->params[i].name, f.params[i].type.zro.spelling()});
                return out;
            };
            for (const auto& f : m.signals) s.add_signal(f.decl->name, params(f));
            for (const auto& f : m.slots) s.add_method(f.decl->name, params(f), f.ret ? f.ret->zro.spelling() : "void");
            for (const auto& mm : m.models) s.add_model(mm.decl->name, mm.decl->roles);
            s.validate();
            (void)s.signature();
            return s;
        } catch (const zro::Error& e) {
            fail(c.loc, std::string("class ") + c.name + " is not a valid zro schema: " + e.what());
        }
    }

    const Document& doc_;
    Model model_;
    // Types from C++ headers, filled while resolving (resolve() is const: a cache of names).
    mutable std::vector<std::string> external_types_;
};

} // namespace

// ---- free functions -----------------------------------------------------------------------------

std::string external_placeholder(std::size_t index) { return std::string(external_prefix) + std::to_string(index) + "_"; }

std::vector<SpellingPart> split_external(std::string_view text, const std::vector<std::string>& external_types) {
    std::vector<SpellingPart> parts;
    std::string literal;
    for (std::size_t i = 0; i < text.size();) {
        // A placeholder starts a name: at the start, or after a character names cannot hold.
        const bool name_start = i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_');
        if (name_start && text.substr(i, external_prefix.size()) == external_prefix) {
            std::size_t j = i + external_prefix.size();
            std::size_t index = 0;
            while (j < text.size() && text[j] >= '0' && text[j] <= '9') index = index * 10 + static_cast<std::size_t>(text[j++] - '0');
            if (j < text.size() && text[j] == '_' && index < external_types.size()) {
                if (!literal.empty()) parts.push_back(SpellingPart{false, std::move(literal)});
                literal.clear();
                parts.push_back(SpellingPart{true, external_types[index]});
                i = j + 1;
                continue;
            }
        }
        literal.push_back(text[i++]);
    }
    if (!literal.empty()) parts.push_back(SpellingPart{false, std::move(literal)});
    return parts;
}

bool is_include(std::string_view s) {
    if (s.empty() || s.front() != '#') return false;
    s.remove_prefix(1);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    return s.substr(0, 7) == "include";
}

bool is_qt_include(std::string_view s) {
    if (!is_include(s)) return false;
    s.remove_prefix(s.find("include") + 7);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    return s.size() > 2 && (s[0] == '<' || s[0] == '"') && s[1] == 'Q';
}

bool Resolved::is_integer() const { return kind == Kind::scalar && scalar_is_integer(scalar); }

std::string scalar_cpp(Scalar s) {
    switch (s) {
    case Scalar::boolean: return "bool";
    case Scalar::i8: return "std::int8_t";
    case Scalar::i16: return "std::int16_t";
    case Scalar::i32: return "std::int32_t";
    case Scalar::i64: return "std::int64_t";
    case Scalar::u8: return "std::uint8_t";
    case Scalar::u16: return "std::uint16_t";
    case Scalar::u32: return "std::uint32_t";
    case Scalar::u64: return "std::uint64_t";
    case Scalar::f32: return "float";
    case Scalar::f64: return "double";
    case Scalar::string: return "std::string";
    case Scalar::bytes: return "::zro::Value::Bytes";
    case Scalar::var: return "::zro::Value";
    case Scalar::date_time: return "::zro::DateTime";
    case Scalar::date: return "::zro::Date";
    case Scalar::time: return "::zro::TimeOfDay";
    case Scalar::none: break;
    }
    return "::zro::Value";
}

std::string snake_case(std::string_view name) {
    std::string out;
    auto lower = [](char c) { return c >= 'A' && c <= 'Z'; };
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (c >= 'A' && c <= 'Z') {
            const bool prev_lower_or_digit = i > 0 && ((name[i - 1] >= 'a' && name[i - 1] <= 'z') || (name[i - 1] >= '0' && name[i - 1] <= '9'));
            const bool acronym_end = i > 0 && lower(name[i - 1]) && i + 1 < name.size() && name[i + 1] >= 'a' && name[i + 1] <= 'z';
            if ((prev_lower_or_digit || acronym_end) && !out.empty() && out.back() != '_') out.push_back('_');
            out.push_back(static_cast<char>(c - 'A' + 'a'));
        } else {
            out.push_back(c);
        }
    }
    return out;
}

bool is_cpp_keyword(std::string_view w) {
    static const std::set<std::string_view> words{
        "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
        "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
        "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
        "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
        "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
        "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
        "requires", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
        "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
        "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq"};
    return words.count(w) != 0;
}

Model build_model(const Document& doc) { return Builder(doc).run(); }

void check(Document& doc) {
    Model m = build_model(doc);
    doc.warnings.insert(doc.warnings.end(), m.warnings.begin(), m.warnings.end());
}

} // namespace detail

Schema to_schema(const Document& doc, std::string_view class_name) {
    const ClassDecl* c = doc.find_class(class_name);
    if (!c) throw ParseError(Location{doc.file, 1, 1}, "no class '" + std::string(class_name) + "' in " + doc.file);
    detail::Model m = detail::build_model(doc);
    for (auto& cm : m.classes)
        if (cm.decl == c) {
            if (!cm.externals.empty())
                throw ParseError(c->loc, "class " + c->name + " uses " + m.external_types[cm.externals.front()] +
                                             ", a type from a C++ header: its schema type is known only to C++ "
                                             "(zro::external_type); take the schema from " + c->name +
                                             "Interface::static_schema()");
            return std::move(cm.schema);
        }
    throw ParseError(c->loc, "internal error: class model missing");
}

} // namespace zro::idl
