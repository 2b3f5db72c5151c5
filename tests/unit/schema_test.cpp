// zro — unit tests for zro::Schema (include/zro/schema.hpp).

#include <zro/schema.hpp>

#include <gtest/gtest.h>

#include "support/errors.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

using zro::Error;
using zro::ErrorCode;
using zro::normalize_type;
using zro::Parameter;
using zro::PropertyMode;
using zro::Schema;
using zro::Value;
using zro::test::Thrown;
using zro::test::thrown;

constexpr auto u64_max = std::numeric_limits<std::uint64_t>::max();
constexpr auto i64_max = std::numeric_limits<std::int64_t>::max();
constexpr auto i64_min = std::numeric_limits<std::int64_t>::min();

// The FNV-1a 64 reference, written out independently of schema.cpp.
std::string fnv1a64(const std::string& s) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

Schema simple_switch() {
    Schema s("SimpleSwitch");
    s.add_property("currState", "bool", false, PropertyMode::read_push)
        .add_method("server_slot", {{"clientState", "bool"}});
    return s;
}

// A schema that uses every kind of member and every mode.
Schema full_schema() {
    Schema s("Robot");
    s.add_enum("Color", {{"red", 0}, {"green", 1}, {"blue", -7}})
        .add_enum("Empty", {})
        .add_property("speed", "double", 1.5, PropertyMode::read_write)
        .add_property("count", "int", 0, PropertyMode::read_only, true)
        .add_property("color", "Color", {}, PropertyMode::constant)
        .add_property("tags", "map<string, list<uint>>", {}, PropertyMode::source_only_setter)
        .add_property("blob", "bytes")
        .add_signal("moved", {{"x", "int32"}, {"y", "int32"}})
        .add_signal("ping")
        .add_method("go", {{"where", "string"}, {"", "Color"}}, "bool")
        .add_method("stop");
    return s;
}

// ---- normalize_type -------------------------------------------------------------------------

TEST(NormalizeType, BuiltinsAreUnchanged) {
    for (const char* t : {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                          "uint64", "float", "double", "string", "bytes", "var"})
        EXPECT_EQ(normalize_type(t), std::string(t));
}

TEST(NormalizeType, AliasesAndSpaces) {
    EXPECT_EQ(normalize_type("int"), "int32");
    EXPECT_EQ(normalize_type("uint"), "uint32");
    EXPECT_EQ(normalize_type(" int "), "int32");
    EXPECT_EQ(normalize_type("map<string, int>"), "map<string,int32>");
    EXPECT_EQ(normalize_type(" map < string , list < uint > > "), "map<string,list<uint32>>");
    EXPECT_EQ(normalize_type("list<list<int>>"), "list<list<int32>>");
    EXPECT_EQ(normalize_type("map<int,map<uint,var>>"), "map<int32,map<uint32,var>>");
    EXPECT_EQ(normalize_type("list<\tint\t>"), "list<int32>");
}

TEST(NormalizeType, IdentifiersPassThroughForEnums) {
    EXPECT_EQ(normalize_type("Color"), "Color");
    EXPECT_EQ(normalize_type("_x9"), "_x9");
    EXPECT_EQ(normalize_type("list<Color>"), "list<Color>");
    EXPECT_EQ(normalize_type("map<Color,int>"), "map<Color,int32>");
    EXPECT_EQ(normalize_type("void"), "void");  // callers decide where void is allowed
    EXPECT_EQ(normalize_type("Int"), "Int");    // case matters: an identifier, not an alias
}

TEST(NormalizeType, RejectsWhatIsNotInTheGrammar) {
    for (const char* t : {"", " ", "list", "map", "list<>", "list<int", "list<int>>", "list<int,int>",
                          "map<int>", "map<int,>", "map<,int>", "map<int,int,int>", "list int",
                          "in t32", "1abc", "a-b", "a.b", "a::b", "list<int>x", "<int>", "int<int>",
                          "Color<int>", "list[int]", "int?", "uint 8", "list<<int>>", "\nint"})
        EXPECT_EQ(normalize_type(t), std::nullopt) << "'" << t << "'";
}

TEST(NormalizeType, NestingIsBounded) {
    auto nested = [](int depth) {
        std::string s;
        for (int i = 0; i < depth; ++i) s += "list<";
        s += "int";
        for (int i = 0; i < depth; ++i) s += ">";
        return s;
    };
    EXPECT_TRUE(normalize_type(nested(32)).has_value());
    EXPECT_FALSE(normalize_type(nested(33)).has_value());
    EXPECT_FALSE(normalize_type(nested(100000)).has_value());  // no stack overflow
}

// ---- property modes -------------------------------------------------------------------------

TEST(PropertyModes, NamesRoundTrip) {
    const std::pair<PropertyMode, std::string_view> all[] = {
        {PropertyMode::read_push, "READPUSH"},
        {PropertyMode::read_write, "READWRITE"},
        {PropertyMode::read_only, "READONLY"},
        {PropertyMode::constant, "CONSTANT"},
        {PropertyMode::source_only_setter, "SOURCEONLYSETTER"},
    };
    for (const auto& [mode, name] : all) {
        EXPECT_EQ(zro::to_string(mode), name);
        EXPECT_EQ(zro::property_mode_from_string(name), mode);
    }
    EXPECT_EQ(zro::property_mode_from_string("readpush"), std::nullopt);
    EXPECT_EQ(zro::property_mode_from_string(""), std::nullopt);
    EXPECT_EQ(zro::property_mode_from_string("READ"), std::nullopt);
}

// ---- building -------------------------------------------------------------------------------

TEST(SchemaBuild, FluentAddsInOrder) {
    const Schema s = full_schema();
    EXPECT_EQ(s.type_name(), "Robot");
    ASSERT_EQ(s.enums().size(), 2u);
    ASSERT_EQ(s.properties().size(), 5u);
    ASSERT_EQ(s.signals().size(), 2u);
    ASSERT_EQ(s.methods().size(), 2u);
    EXPECT_EQ(s.properties()[0].name, "speed");
    EXPECT_EQ(s.properties()[0].default_value, Value(1.5));
    EXPECT_EQ(s.properties()[0].mode, PropertyMode::read_write);
    EXPECT_TRUE(s.properties()[1].coalesce);
    EXPECT_FALSE(s.properties()[0].coalesce);
    EXPECT_EQ(s.properties()[4].mode, PropertyMode::read_push);  // the default
    EXPECT_TRUE(s.properties()[4].default_value.is_nil());
    EXPECT_EQ(s.signals()[1].params.size(), 0u);
    EXPECT_EQ(s.methods()[1].return_type, "void");
    EXPECT_EQ(s.methods()[0].params[1].name, "");  // unnamed parameters are allowed
}

TEST(SchemaBuild, TypesAreStoredInCanonicalSpelling) {
    const Schema s = full_schema();
    EXPECT_EQ(s.properties()[1].type, "int32");
    EXPECT_EQ(s.properties()[3].type, "map<string,list<uint32>>");
    Schema t("T");
    t.add_signal("s", {{"a", " uint "}}).add_method("m", {{"b", "list< int >"}}, "int");
    EXPECT_EQ(t.signals()[0].params[0].type, "uint32");
    EXPECT_EQ(t.methods()[0].params[0].type, "list<int32>");
    EXPECT_EQ(t.methods()[0].return_type, "int32");
}

TEST(SchemaBuild, Lookups) {
    const Schema s = full_schema();
    EXPECT_EQ(s.property_index("speed"), 0u);
    EXPECT_EQ(s.property_index("blob"), 4u);
    EXPECT_EQ(s.property_index("nope"), std::nullopt);
    EXPECT_EQ(s.signal_index("ping"), 1u);
    EXPECT_EQ(s.signal_index("speed"), std::nullopt);
    EXPECT_EQ(s.method_index("stop"), 1u);
    EXPECT_EQ(s.method_index(""), std::nullopt);
    ASSERT_NE(s.find_enum("Color"), nullptr);
    EXPECT_EQ(s.find_enum("Color")->values[2], (std::pair<std::string, std::int64_t>{"blue", -7}));
    EXPECT_EQ(s.find_enum("color"), nullptr);
    EXPECT_NO_THROW(s.validate());
}

TEST(SchemaBuild, ClassNameMustBeAnIdentifier) {
    EXPECT_ZRO_ERROR(Schema(""), ErrorCode::invalid_schema,
                     "invalid class name '' (want [A-Za-z_][A-Za-z0-9_]*, at most 255 bytes)");
    EXPECT_ZRO_ERROR(Schema("my.Switch"), ErrorCode::invalid_schema,
                     "invalid class name 'my.Switch' (want [A-Za-z_][A-Za-z0-9_]*, at most 255 bytes)");
    EXPECT_ZRO_ERROR(Schema("9lives"), ErrorCode::invalid_schema,
                     "invalid class name '9lives' (want [A-Za-z_][A-Za-z0-9_]*, at most 255 bytes)");
    EXPECT_NO_THROW(Schema(std::string(255, 'S')));
    EXPECT_EQ(thrown([] { Schema(std::string(256, 'S')); }).code, ErrorCode::invalid_schema);
    // A default-constructed schema has no name yet, so it is not valid.
    EXPECT_ZRO_ERROR(Schema().validate(), ErrorCode::invalid_schema,
                     "invalid class name '' (want [A-Za-z_][A-Za-z0-9_]*, at most 255 bytes)");
}

TEST(SchemaBuild, MemberNamesMustBeIdentifiers) {
    const std::string want = " (want [A-Za-z_][A-Za-z0-9_]*, at most 255 bytes)";
    Schema s("S");
    EXPECT_ZRO_ERROR(s.add_property("", "bool"), ErrorCode::invalid_schema,
                     "S: property '': invalid name ''" + want);
    EXPECT_ZRO_ERROR(s.add_property("1x", "bool"), ErrorCode::invalid_schema,
                     "S: property '1x': invalid name '1x'" + want);
    EXPECT_ZRO_ERROR(s.add_signal("a-b"), ErrorCode::invalid_schema,
                     "S: signal 'a-b': invalid name 'a-b'" + want);
    EXPECT_ZRO_ERROR(s.add_method("has space"), ErrorCode::invalid_schema,
                     "S: method 'has space': invalid name 'has space'" + want);
    EXPECT_ZRO_ERROR(s.add_enum("é", {}), ErrorCode::invalid_schema,
                     "S: enum 'é': invalid name 'é'" + want);
    EXPECT_ZRO_ERROR(s.add_property(std::string("a\nb"), "bool"), ErrorCode::invalid_schema,
                     "S: property 'a?b': invalid name 'a?b'" + want);
    EXPECT_NO_THROW(s.add_property(std::string(255, 'p'), "bool"));
    const Thrown too_long = thrown([&] { s.add_property(std::string(256, 'q'), "bool"); });
    EXPECT_EQ(too_long.code, ErrorCode::invalid_schema);
    EXPECT_NE(too_long.message.find("'" + std::string(64, 'q') + "...'"), std::string::npos)
        << too_long.message;
    EXPECT_NO_THROW(s.add_property("_under_score9", "bool"));
    // A failed add leaves the schema as it was.
    EXPECT_EQ(s.properties().size(), 2u);
}

TEST(SchemaBuild, NamesAreUniquePerKind) {
    Schema s("S");
    s.add_enum("E", {{"a", 1}}).add_property("x", "bool").add_signal("x").add_method("x");
    EXPECT_ZRO_ERROR(s.add_property("x", "int"), ErrorCode::invalid_schema,
                     "S: property 'x': duplicate name");
    EXPECT_ZRO_ERROR(s.add_signal("x", {{"a", "int"}}), ErrorCode::invalid_schema,
                     "S: signal 'x': duplicate name");
    EXPECT_ZRO_ERROR(s.add_method("x", {}, "int"), ErrorCode::invalid_schema,
                     "S: method 'x': duplicate name");
    EXPECT_ZRO_ERROR(s.add_enum("E", {}), ErrorCode::invalid_schema, "S: enum 'E': duplicate name");
    // The same name in another kind is fine (a property, a signal and a method named x above).
    EXPECT_NO_THROW(s.add_enum("x", {}));
    EXPECT_EQ(s.properties().size(), 1u);
    EXPECT_EQ(s.signals().size(), 1u);
    EXPECT_EQ(s.methods().size(), 1u);
}

TEST(SchemaBuild, UnknownAndInvalidTypes) {
    Schema s("SimpleSwitch");
    EXPECT_ZRO_ERROR(s.add_property("currState", "boo"), ErrorCode::invalid_schema,
                     "SimpleSwitch: property 'currState': unknown type 'boo'");
    EXPECT_ZRO_ERROR(s.add_property("p", "list<boo>"), ErrorCode::invalid_schema,
                     "SimpleSwitch: property 'p': unknown type 'boo' in 'list<boo>'");
    EXPECT_ZRO_ERROR(s.add_property("p", "list<int"), ErrorCode::invalid_schema,
                     "SimpleSwitch: property 'p': invalid type 'list<int': expected '>' at offset 8");
    EXPECT_ZRO_ERROR(s.add_property("p", ""), ErrorCode::invalid_schema,
                     "SimpleSwitch: property 'p': invalid type '': expected a type name at offset 0");
    EXPECT_ZRO_ERROR(s.add_signal("sig", {{"a", "int"}, {"b", "Colour"}}), ErrorCode::invalid_schema,
                     "SimpleSwitch: signal 'sig': parameter 2: unknown type 'Colour'");
    EXPECT_ZRO_ERROR(s.add_method("m", {{"a", "map<int>"}}), ErrorCode::invalid_schema,
                     "SimpleSwitch: method 'm': parameter 1: invalid type 'map<int>': expected ',', found '>' at offset 7");
    EXPECT_ZRO_ERROR(s.add_method("m", {}, "strin"), ErrorCode::invalid_schema,
                     "SimpleSwitch: method 'm': return type: unknown type 'strin'");
    EXPECT_ZRO_ERROR(s.add_method("m", {}, ""), ErrorCode::invalid_schema,
                     "SimpleSwitch: method 'm': return type: invalid type '': expected a type name at offset 0");
    EXPECT_TRUE(s.properties().empty());
    EXPECT_TRUE(s.signals().empty());
    EXPECT_TRUE(s.methods().empty());
}

TEST(SchemaBuild, VoidOnlyAsAMethodReturnType) {
    Schema s("S");
    EXPECT_NO_THROW(s.add_method("m", {}, "void"));
    EXPECT_ZRO_ERROR(s.add_property("p", "void"), ErrorCode::invalid_schema,
                     "S: property 'p': 'void' is only allowed as a method return type");
    EXPECT_ZRO_ERROR(s.add_signal("s", {{"a", "void"}}), ErrorCode::invalid_schema,
                     "S: signal 's': parameter 1: 'void' is only allowed as a method return type");
    EXPECT_ZRO_ERROR(s.add_method("n", {{"a", "void"}}), ErrorCode::invalid_schema,
                     "S: method 'n': parameter 1: 'void' is only allowed as a method return type");
    EXPECT_ZRO_ERROR(s.add_method("n", {}, "list<void>"), ErrorCode::invalid_schema,
                     "S: method 'n': return type: 'void' is only allowed as a method return type");
}

TEST(SchemaBuild, EnumsMustBeDeclaredBeforeUse) {
    Schema s("S");
    EXPECT_ZRO_ERROR(s.add_property("c", "Color"), ErrorCode::invalid_schema,
                     "S: property 'c': unknown type 'Color'");
    s.add_enum("Color", {{"red", 1}});
    EXPECT_NO_THROW(s.add_property("c", "Color"));
    EXPECT_NO_THROW(s.add_property("cs", "map<Color, list<Color>>"));
    EXPECT_NO_THROW(s.add_method("paint", {{"c", "Color"}}, "Color"));
}

TEST(SchemaBuild, EnumRules) {
    Schema s("S");
    EXPECT_ZRO_ERROR(s.add_enum("E", {{"a", 1}, {"a", 2}}), ErrorCode::invalid_schema,
                     "S: enum 'E': duplicate enumerator 'a'");
    EXPECT_ZRO_ERROR(s.add_enum("E", {{"ok", 1}, {"not ok", 2}}), ErrorCode::invalid_schema,
                     "S: enum 'E': invalid name 'not ok' (want [A-Za-z_][A-Za-z0-9_]*, at most 255 bytes)");
    for (const char* reserved : {"int32", "int", "uint", "bool", "var", "list", "map", "void", "string"})
        EXPECT_ZRO_ERROR(s.add_enum(reserved, {}), ErrorCode::invalid_schema,
                         std::string("S: enum '") + reserved + "': name is a builtin type");
    // Aliases (two enumerators with one value) and extreme values are fine.
    EXPECT_NO_THROW(s.add_enum("Alias", {{"a", 1}, {"b", 1}, {"lo", i64_min}, {"hi", i64_max}}));
    EXPECT_NO_THROW(s.add_enum("None", {}));
}

TEST(SchemaBuild, DefaultsMustFitTheType) {
    Schema s("S");
    s.add_enum("Color", {{"red", 3}, {"green", 4}});
    EXPECT_ZRO_ERROR(s.add_property("b", "bool", 3), ErrorCode::invalid_schema,
                     "S: property 'b': bad default: expected bool, got int 3");
    EXPECT_ZRO_ERROR(s.add_property("u", "uint8", -3), ErrorCode::invalid_schema,
                     "S: property 'u': bad default: expected uint8, got int -3 (out of range)");
    EXPECT_ZRO_ERROR(s.add_property("c", "Color", 5), ErrorCode::invalid_schema,
                     "S: property 'c': bad default: expected Color, got int 5 (not a value of enum Color)");
    EXPECT_ZRO_ERROR(s.add_property("l", "list<int>", Value{1, "x"}), ErrorCode::invalid_schema,
                     "S: property 'l': bad default: expected list<int32>, got list [1, \"x\"] "
                     "(element 1: expected int32, got string \"x\")");
    EXPECT_NO_THROW(s.add_property("nil_default", "Color"));  // nil means the zero value
    EXPECT_NO_THROW(s.add_property("c", "Color", 4));
    EXPECT_NO_THROW(s.add_property("u", "uint8", 255u));
    EXPECT_NO_THROW(s.add_property("d", "double", 2));  // any number fits a double
    EXPECT_NO_THROW(s.add_property("v", "var", Value{1, "x", Value()}));
}

TEST(SchemaBuild, ParameterNames) {
    Schema s("S");
    EXPECT_NO_THROW(s.add_signal("unnamed", {{"", "int"}, {"", "int"}}));
    EXPECT_ZRO_ERROR(s.add_signal("dup", {{"a", "int"}, {"a", "bool"}}), ErrorCode::invalid_schema,
                     "S: signal 'dup': parameter 2: duplicate parameter name 'a'");
    EXPECT_ZRO_ERROR(s.add_method("bad", {{"a b", "int"}}), ErrorCode::invalid_schema,
                     "S: method 'bad': parameter 1: invalid name 'a b' "
                     "(want [A-Za-z_][A-Za-z0-9_]*, at most 255 bytes)");
}

TEST(SchemaBuild, InvalidModeIsRejected) {
    Schema s("S");
    EXPECT_ZRO_ERROR(s.add_property("p", "bool", {}, static_cast<PropertyMode>(9)),
                     ErrorCode::invalid_schema, "S: property 'p': invalid mode 9");
}

// ---- accepts / check ------------------------------------------------------------------------

TEST(SchemaAccepts, Scalars) {
    const Schema s("S");
    EXPECT_TRUE(s.accepts("bool", Value(true)));
    EXPECT_FALSE(s.accepts("bool", Value(1)));
    EXPECT_FALSE(s.accepts("bool", Value()));
    EXPECT_TRUE(s.accepts("string", Value("")));
    EXPECT_FALSE(s.accepts("string", Value(Value::Bytes{})));
    EXPECT_TRUE(s.accepts("bytes", Value(Value::Bytes{{1}})));
    EXPECT_FALSE(s.accepts("bytes", Value("x")));
    for (const char* t : {"float", "double"}) {
        EXPECT_TRUE(s.accepts(t, Value(1.5)));
        EXPECT_TRUE(s.accepts(t, Value(-3)));
        EXPECT_TRUE(s.accepts(t, Value(u64_max)));
        EXPECT_TRUE(s.accepts(t, Value(1e300)));  // float does not range-check
        EXPECT_FALSE(s.accepts(t, Value("1")));
        EXPECT_FALSE(s.accepts(t, Value(true)));
    }
    for (const Value& v : {Value(), Value(false), Value(-1), Value("s"), Value{1, 2},
                           Value::map_of({{"a", 1}}), Value(Value::Bytes{})})
        EXPECT_TRUE(s.accepts("var", v)) << v.to_string();
}

TEST(SchemaAccepts, IntegerRangesAtTheEdges) {
    const Schema s("S");
    struct Case {
        const char* type;
        std::int64_t lo;
        std::uint64_t hi;
    };
    const Case cases[] = {
        {"int8", -128, 127},
        {"int16", -32768, 32767},
        {"int32", -2147483648LL, 2147483647},
        {"int", -2147483648LL, 2147483647},
        {"int64", i64_min, static_cast<std::uint64_t>(i64_max)},
        {"uint8", 0, 255},
        {"uint16", 0, 65535},
        {"uint32", 0, 4294967295ULL},
        {"uint", 0, 4294967295ULL},
        {"uint64", 0, u64_max},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.type);
        EXPECT_TRUE(s.accepts(c.type, Value(c.lo)));
        EXPECT_TRUE(s.accepts(c.type, Value(c.hi)));
        EXPECT_TRUE(s.accepts(c.type, Value(std::uint64_t{0})));  // how the wire sends 0
        EXPECT_TRUE(s.accepts(c.type, Value(std::int64_t{0})));
        if (c.lo > i64_min) {
            EXPECT_FALSE(s.accepts(c.type, Value(c.lo - 1)));
        }
        if (c.hi < u64_max) {
            EXPECT_FALSE(s.accepts(c.type, Value(c.hi + 1)));
        }
        if (c.hi <= static_cast<std::uint64_t>(i64_max)) {  // the same top value as an int64
            EXPECT_TRUE(s.accepts(c.type, Value(static_cast<std::int64_t>(c.hi))));
        }
        EXPECT_FALSE(s.accepts(c.type, Value(1.0)));
        EXPECT_FALSE(s.accepts(c.type, Value("1")));
        EXPECT_FALSE(s.accepts(c.type, Value(true)));
        EXPECT_FALSE(s.accepts(c.type, Value()));
    }
    EXPECT_FALSE(s.accepts("int64", Value(u64_max)));
    EXPECT_FALSE(s.accepts("uint64", Value(-1)));
}

TEST(SchemaAccepts, ListsAndMaps) {
    const Schema s("S");
    EXPECT_TRUE(s.accepts("list<int>", Value(Value::List{})));
    EXPECT_TRUE(s.accepts("list<int>", Value{1, 2u, -3}));
    EXPECT_FALSE(s.accepts("list<int>", Value{1, "2"}));
    EXPECT_FALSE(s.accepts("list<uint8>", Value{1, 256}));
    EXPECT_FALSE(s.accepts("list<int>", Value(1)));
    EXPECT_FALSE(s.accepts("list<int>", Value(Value::Map{})));
    EXPECT_TRUE(s.accepts("list<list<bool>>", Value{Value{true}, Value(Value::List{})}));
    EXPECT_FALSE(s.accepts("list<list<bool>>", Value{Value{true}, Value(true)}));
    EXPECT_TRUE(s.accepts("list<var>", Value{1, "x", Value()}));

    EXPECT_TRUE(s.accepts("map<string,int>", Value(Value::Map{})));
    EXPECT_TRUE(s.accepts("map<string,int>", Value::map_of({{"a", 1}, {"b", -2}})));
    EXPECT_FALSE(s.accepts("map<string,int>", Value::map_of({{"a", "1"}})));
    EXPECT_FALSE(s.accepts("map<string,int>", Value(Value::Map{{Value(1), Value(1)}})));
    EXPECT_TRUE(s.accepts("map<uint8,string>", Value(Value::Map{{Value(1u), Value("x")}})));
    EXPECT_FALSE(s.accepts("map<uint8,string>", Value(Value::Map{{Value(-1), Value("x")}})));
    EXPECT_FALSE(s.accepts("map<string,int>", Value{Value{"a", 1}}));  // a list of pairs is no map
    EXPECT_TRUE(s.accepts(" map < string , list < double > > ",
                          Value::map_of({{"a", Value{1, 2.5}}})));  // unnormalised spelling works
}

TEST(SchemaAccepts, EnumsTakeTheirIntegerValues) {
    Schema s("S");
    s.add_enum("Color", {{"red", 0}, {"green", 1}, {"neg", -7}, {"big", i64_max}}).add_enum("None", {});
    EXPECT_TRUE(s.accepts("Color", Value(0)));
    EXPECT_TRUE(s.accepts("Color", Value(1u)));  // as decoded from the wire
    EXPECT_TRUE(s.accepts("Color", Value(-7)));
    EXPECT_TRUE(s.accepts("Color", Value(static_cast<std::uint64_t>(i64_max))));
    EXPECT_FALSE(s.accepts("Color", Value(2)));
    EXPECT_FALSE(s.accepts("Color", Value(u64_max)));
    EXPECT_FALSE(s.accepts("Color", Value("red")));
    EXPECT_FALSE(s.accepts("Color", Value(1.0)));
    EXPECT_FALSE(s.accepts("None", Value(0)));
    EXPECT_TRUE(s.accepts("list<Color>", Value{0, 1, -7}));
    EXPECT_FALSE(s.accepts("list<Color>", Value{0, 3}));
}

TEST(SchemaAccepts, UnknownOrInvalidTypesAcceptNothing) {
    const Schema s("S");
    EXPECT_FALSE(s.accepts("Color", Value(0)));
    EXPECT_FALSE(s.accepts("list<", Value(Value::List{})));
    EXPECT_FALSE(s.accepts("", Value()));
    EXPECT_FALSE(s.accepts("list<Nope>", Value(Value::List{})));
    // "void" is what a method without a result returns: nil and nothing else.
    EXPECT_TRUE(s.accepts("void", Value()));
    EXPECT_FALSE(s.accepts("void", Value(0)));
}

TEST(SchemaCheck, MessagesNameWhatAndWhy) {
    Schema s("S");
    s.add_enum("Color", {{"red", 0}});
    EXPECT_NO_THROW(s.check("bool", Value(true), "argument 1 of server_slot"));
    EXPECT_ZRO_ERROR(s.check("bool", Value(3), "argument 1 of server_slot"), ErrorCode::bad_arguments,
                     "argument 1 of server_slot: expected bool, got int 3");
    EXPECT_ZRO_ERROR(s.check("uint8", Value(-3), "property 'level'"), ErrorCode::bad_arguments,
                     "property 'level': expected uint8, got int -3 (out of range)");
    EXPECT_ZRO_ERROR(s.check("int", Value(u64_max), "x"), ErrorCode::bad_arguments,
                     "x: expected int32, got uint 18446744073709551615 (out of range)");
    EXPECT_ZRO_ERROR(s.check("string", Value(), "x"), ErrorCode::bad_arguments,
                     "x: expected string, got nil");
    EXPECT_ZRO_ERROR(s.check("Color", Value(2), "x"), ErrorCode::bad_arguments,
                     "x: expected Color, got int 2 (not a value of enum Color)");
    EXPECT_ZRO_ERROR(s.check("Color", Value("red"), "x"), ErrorCode::bad_arguments,
                     "x: expected Color, got string \"red\"");
    EXPECT_ZRO_ERROR(s.check("Nope", Value(1), "x"), ErrorCode::invalid_schema,
                     "x: unknown type 'Nope'");
    EXPECT_ZRO_ERROR(s.check("list<Nope>", Value(Value::List{}), "x"), ErrorCode::invalid_schema,
                     "x: unknown type 'Nope' in 'list<Nope>'");
    EXPECT_ZRO_ERROR(s.check("map<string,int>", Value::map_of({{"a", 1}, {"b", true}}), "x"),
                     ErrorCode::bad_arguments,
                     "x: expected map<string,int32>, got map {\"a\": 1, \"b\": true} "
                     "(value of entry 1: expected int32, got bool true)");
    EXPECT_ZRO_ERROR(s.check("map<string,int>", Value(Value::Map{{Value(1), Value(1)}}), "x"),
                     ErrorCode::bad_arguments,
                     "x: expected map<string,int32>, got map {1: 1} "
                     "(key of entry 0: expected string, got int 1)");
    EXPECT_ZRO_ERROR(s.check("list<list<int8>>", Value{Value{1}, Value{2, 300}}, "x"),
                     ErrorCode::bad_arguments,
                     "x: expected list<list<int8>>, got list [[1], [2, 300]] (element 1: "
                     "expected list<int8>, got list [2, 300] (element 1: expected int8, got int 300 "
                     "(out of range)))");
    // A type the schema cannot even parse is the schema's fault, not the argument's.
    EXPECT_ZRO_ERROR(s.check("list<", Value(), "x"), ErrorCode::invalid_schema, "x: invalid type 'list<': expected a type name at offset 5");
}

TEST(SchemaCheck, HugeValuesDoNotFloodTheMessage) {
    const Schema s("S");
    const Value big(Value::List(100000, Value("some text")));
    const Thrown t = thrown([&] { s.check("string", big, "x"); });
    EXPECT_EQ(t.code, ErrorCode::bad_arguments);
    EXPECT_LT(t.message.size(), 150u) << t.message;
}

// ---- zero values ----------------------------------------------------------------------------

TEST(SchemaZeroValue, PerType) {
    Schema s("S");
    s.add_enum("Color", {{"red", 5}, {"green", 1}}).add_enum("None", {});
    EXPECT_EQ(s.zero_value("bool"), Value(false));
    for (const char* t : {"int8", "int16", "int32", "int64", "int"}) {
        EXPECT_EQ(s.zero_value(t).kind(), Value::Kind::int64) << t;
        EXPECT_EQ(s.zero_value(t), Value(0)) << t;
    }
    for (const char* t : {"uint8", "uint16", "uint32", "uint64", "uint"}) {
        EXPECT_EQ(s.zero_value(t).kind(), Value::Kind::uint64) << t;
        EXPECT_EQ(s.zero_value(t), Value(0u)) << t;
    }
    EXPECT_EQ(s.zero_value("float"), Value(0.0));
    EXPECT_EQ(s.zero_value("double"), Value(0.0));
    EXPECT_EQ(s.zero_value("double").kind(), Value::Kind::float64);
    EXPECT_EQ(s.zero_value("string"), Value(""));
    EXPECT_EQ(s.zero_value("bytes"), Value(Value::Bytes{}));
    EXPECT_EQ(s.zero_value("var"), Value());
    EXPECT_EQ(s.zero_value("list<int>"), Value(Value::List{}));
    EXPECT_EQ(s.zero_value("map<string,int>"), Value(Value::Map{}));
    EXPECT_EQ(s.zero_value("Color"), Value(5));  // the first enumerator, not 0
    EXPECT_EQ(s.zero_value("None"), Value(0));
    EXPECT_EQ(s.zero_value("void"), Value());
}

TEST(SchemaZeroValue, IsAcceptedByItsType) {
    Schema s("S");
    s.add_enum("Color", {{"red", -2}});
    for (const char* t : {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                          "float", "double", "string", "bytes", "var", "list<Color>",
                          "map<string,list<int>>", "Color"})
        EXPECT_TRUE(s.accepts(t, s.zero_value(t))) << t;
}

TEST(SchemaZeroValue, BadTypesThrow) {
    const Schema s("S");
    EXPECT_ZRO_ERROR(s.zero_value("list<"), ErrorCode::invalid_schema,
                     "invalid type 'list<': expected a type name at offset 5");
    EXPECT_ZRO_ERROR(s.zero_value("Color"), ErrorCode::invalid_schema, "unknown type 'Color'");
    EXPECT_ZRO_ERROR(s.zero_value("list<Color>"), ErrorCode::invalid_schema,
                     "unknown type 'Color' in 'list<Color>'");
}

// ---- canonical text and signature -----------------------------------------------------------

TEST(SchemaSignature, CanonicalTextOfSimpleSwitch) {
    EXPECT_EQ(simple_switch().canonical_text(),
              "class SimpleSwitch\n"
              "prop currState bool READPUSH\n"
              "method server_slot(bool) void\n");
}

TEST(SchemaSignature, CanonicalTextCoversEveryKindOfMember) {
    EXPECT_EQ(full_schema().canonical_text(),
              "class Robot\n"
              "enum Color red=0,green=1,blue=-7\n"
              "enum Empty \n"
              "prop speed double READWRITE\n"
              "prop count int32 READONLY\n"
              "prop color Color CONSTANT\n"
              "prop tags map<string,list<uint32>> SOURCEONLYSETTER\n"
              "prop blob bytes READPUSH\n"
              "signal moved(int32,int32)\n"
              "signal ping()\n"
              "method go(string,Color) bool\n"
              "method stop() void\n");
    EXPECT_EQ(Schema("Bare").canonical_text(), "class Bare\n");
}

TEST(SchemaSignature, IsFnv1a64OfTheCanonicalText) {
    // Golden value: the IDL compiler and other language clients must produce exactly this.
    EXPECT_EQ(simple_switch().signature(), "0e72a8443efa7f05");
    EXPECT_EQ(fnv1a64(""), "cbf29ce484222325");  // the reference itself, on a known vector
    EXPECT_EQ(fnv1a64("a"), "af63dc4c8601ec8c");
    const Schema f = full_schema();
    EXPECT_EQ(f.signature(), fnv1a64(f.canonical_text()));
    EXPECT_EQ(f.signature().size(), 16u);
    EXPECT_EQ(f.signature().find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(SchemaSignature, AddInvalidatesTheCachedSignature) {
    Schema s = simple_switch();
    const std::string before = s.signature();
    EXPECT_EQ(&s.signature(), &s.signature());  // cached: the same string each time
    s.add_signal("toggled", {{"on", "bool"}});
    EXPECT_NE(s.signature(), before);
    EXPECT_EQ(s.signature(), fnv1a64(s.canonical_text()));
    const std::string two = s.signature();
    s.add_enum("E", {});
    EXPECT_NE(s.signature(), two);
    const std::string three = s.signature();
    s.add_property("p", "bool");
    EXPECT_NE(s.signature(), three);
    const std::string four = s.signature();
    s.add_method("m");
    EXPECT_NE(s.signature(), four);
}

TEST(SchemaSignature, FailedAddKeepsTheSignature) {
    Schema s = simple_switch();
    const std::string before = s.signature();
    EXPECT_THROW(s.add_property("currState", "bool"), Error);
    EXPECT_EQ(s.signature(), before);
}

// A small schema whose every part a test can change before building it.
struct Shape {
    std::string class_name = "C";
    std::vector<std::pair<std::string, std::int64_t>> enumerators = {{"a", 0}, {"b", 1}};
    bool second_enum = false;
    std::vector<std::pair<std::string, std::string>> properties = {{"p", "int"}, {"q", "string"}};
    PropertyMode first_mode = PropertyMode::read_push;
    bool with_signal = true;
    std::vector<Parameter> signal_params = {{"x", "bool"}};
    std::vector<Parameter> method_params = {{"x", "int"}};
    std::string method_return = "bool";

    Schema build() const {
        Schema s(class_name);
        s.add_enum("E", enumerators);
        if (second_enum) s.add_enum("F", {});
        for (std::size_t i = 0; i < properties.size(); ++i)
            s.add_property(properties[i].first, properties[i].second, {},
                           i == 0 ? first_mode : PropertyMode::read_push);
        if (with_signal) s.add_signal("s", signal_params);
        s.add_method("m", method_params, method_return);
        return s;
    }
};

TEST(SchemaSignature, ChangesWithShape) {
    const std::string base = Shape{}.build().signature();
    const std::vector<std::pair<const char*, std::function<void(Shape&)>>> changes = {
        {"class renamed", [](Shape& s) { s.class_name = "D"; }},
        {"properties reordered", [](Shape& s) { std::swap(s.properties[0], s.properties[1]); }},
        {"property retyped", [](Shape& s) { s.properties[0].second = "int64"; }},
        {"property renamed", [](Shape& s) { s.properties[0].first = "pp"; }},
        {"property mode", [](Shape& s) { s.first_mode = PropertyMode::read_write; }},
        {"property removed", [](Shape& s) { s.properties.pop_back(); }},
        {"property added", [](Shape& s) { s.properties.emplace_back("r", "bool"); }},
        {"signal param added", [](Shape& s) { s.signal_params.push_back({"y", "bool"}); }},
        {"signal param retyped", [](Shape& s) { s.signal_params[0].type = "int8"; }},
        {"signal removed", [](Shape& s) { s.with_signal = false; }},
        {"method return", [](Shape& s) { s.method_return = "void"; }},
        {"method param removed", [](Shape& s) { s.method_params.clear(); }},
        {"method param retyped", [](Shape& s) { s.method_params[0].type = "uint"; }},
        {"enum value", [](Shape& s) { s.enumerators[1].second = 2; }},
        {"enum key", [](Shape& s) { s.enumerators[1].first = "c"; }},
        {"enum order", [](Shape& s) { std::swap(s.enumerators[0], s.enumerators[1]); }},
        {"enum added", [](Shape& s) { s.second_enum = true; }},
    };
    std::vector<std::string> seen{base};
    for (const auto& [what, change] : changes) {
        Shape shape;
        change(shape);
        const std::string sig = shape.build().signature();
        EXPECT_NE(sig, base) << what;
        for (const auto& other : seen) EXPECT_NE(sig, other) << what << " collides";
        seen.push_back(sig);
    }
}

TEST(SchemaSignature, StableWhenOnlyNamesOfParametersDefaultsOrCoalesceChange) {
    Schema a("C");
    a.add_property("p", "int", 0).add_signal("s", {{"x", "bool"}}).add_method("m", {{"x", "int"}}, "bool");
    Schema b("C");
    b.add_property("p", "int32", 42, PropertyMode::read_push, true)
        .add_signal("s", {{"renamed", "bool"}})
        .add_method("m", {{"", " int32 "}}, "bool");
    EXPECT_EQ(a.canonical_text(), b.canonical_text());
    EXPECT_EQ(a.signature(), b.signature());
    EXPECT_FALSE(a == b);  // but they are different schemas
}

// ---- to_value / from_value ------------------------------------------------------------------

TEST(SchemaValue, LayoutIsDocumented) {
    Schema s("S");
    s.add_enum("E", {{"a", -1}})
        .add_property("p", "int", 5, PropertyMode::constant, true)
        .add_signal("sig", {{"x", "E"}})
        .add_method("m", {{"a", "string"}, {"", "bool"}}, "double");
    const Value expected = Value::map_of({
        {"type", "S"},
        {"enums", Value{Value{"E", Value{Value{"a", -1}}}}},
        {"pods", Value::List{}},
        {"properties", Value{Value{"p", "int32", 3u, 5, true}}},
        {"signals", Value{Value{"sig", Value{Value{"x", "E"}}}}},
        {"methods", Value{Value{"m", Value{Value{"a", "string"}, Value{"", "bool"}}, "double"}}},
        {"models", Value::List{}},
    });
    const Value v = s.to_value();
    EXPECT_EQ(v, expected) << v.to_string();
    // Keys in documented order; the mode is a uint.
    const auto& m = v.as_map();
    ASSERT_EQ(m.size(), 7u);
    EXPECT_EQ(m[0].first, Value("type"));
    EXPECT_EQ(m[5].first, Value("methods"));
    EXPECT_EQ(m[6].first, Value("models"));
    EXPECT_EQ(v.at("properties").at(0).at(2).kind(), Value::Kind::uint64);
    EXPECT_TRUE(Schema("Empty").to_value().at("methods").as_list().empty());
}

TEST(SchemaValue, RoundTrips) {
    for (const Schema& s : {simple_switch(), full_schema(), Schema("Bare")}) {
        const Schema back = Schema::from_value(s.to_value());
        EXPECT_TRUE(back == s) << s.type_name();
        EXPECT_EQ(back.signature(), s.signature());
        EXPECT_EQ(back.canonical_text(), s.canonical_text());
        EXPECT_EQ(back.to_value(), s.to_value());
    }
}

TEST(SchemaValue, AcceptsWhatTheWireDecodes) {
    // The wire decodes non-negative integers as uint64 and allows any integer width; a schema
    // written by another implementation may also use the "int" alias.
    const Value v = Value::map_of({
        {"type", "W"},
        {"enums", Value{Value{"E", Value{Value{"a", std::uint64_t{3}}, Value{"b", -4}}}}},
        {"properties", Value{Value{"p", "int", std::int64_t{2}, std::uint64_t{7}, false},
                             Value{"e", "E", std::uint64_t{0}, Value(), true}}},
        {"pods", Value(Value::List{})},
        {"signals", Value(Value::List{})},
        {"methods", Value{Value{"m", Value(Value::List{}), "void"}}},
        {"future_key", "ignored"},
    });
    const Schema s = Schema::from_value(v);
    EXPECT_EQ(s.properties()[0].type, "int32");
    EXPECT_EQ(s.properties()[0].mode, PropertyMode::read_only);
    EXPECT_EQ(s.properties()[0].default_value, Value(7));
    EXPECT_TRUE(s.properties()[1].coalesce);
    EXPECT_EQ(s.find_enum("E")->values[0].second, 3);
    EXPECT_EQ(s.find_enum("E")->values[1].second, -4);
    EXPECT_EQ(s.canonical_text(),
              "class W\nenum E a=3,b=-4\nprop p int32 READONLY\nprop e E READPUSH\nmethod m() void\n");
}

TEST(SchemaValue, LargeButLegalSchemasLoad) {
    Value::List props;
    for (int i = 0; i < 65535; ++i)
        props.push_back(Value{"p" + std::to_string(i), "bool", 0u, Value(), false});
    const Value v = Value::map_of({{"type", "Big"}, {"enums", Value::List{}}, {"pods", Value::List{}}, {"properties", props},
                                   {"signals", Value::List{}}, {"methods", Value::List{}}});
    const Schema s = Schema::from_value(v);
    EXPECT_EQ(s.properties().size(), 65535u);
    EXPECT_EQ(s.property_index("p65534"), 65534u);
}

// A valid schema value with one part replaced, for the malformed-input tests.
Value with(std::string_view key, Value replacement) {
    Value v = full_schema().to_value();
    for (auto& [k, val] : v.as_map())
        if (k == Value(key)) val = std::move(replacement);
    return v;
}

Value without(std::string_view key) {
    Value v = full_schema().to_value();
    auto& m = v.as_map();
    std::erase_if(m, [&](const auto& kv) { return kv.first == Value(key); });
    return v;
}

Value one(Value entry) { return Value(Value::List{std::move(entry)}); }

TEST(SchemaValue, MalformedTopLevel) {
    EXPECT_ZRO_ERROR(Schema::from_value(Value()), ErrorCode::malformed_message,
                     "schema: expected a map, got nil");
    EXPECT_ZRO_ERROR(Schema::from_value(Value{1, 2}), ErrorCode::malformed_message,
                     "schema: expected a map, got list [1, 2]");
    for (const char* key : {"type", "enums", "pods", "properties", "signals", "methods"})
        EXPECT_ZRO_ERROR(Schema::from_value(without(key)), ErrorCode::malformed_message,
                         std::string("schema: missing key '") + key + "'");
    EXPECT_ZRO_ERROR(Schema::from_value(with("type", 5)), ErrorCode::malformed_message,
                     "schema: type: expected a string, got int 5");
    EXPECT_ZRO_ERROR(Schema::from_value(with("enums", Value::map_of({}))), ErrorCode::malformed_message,
                     "schema: enums: expected a list, got map {}");
    EXPECT_ZRO_ERROR(Schema::from_value(with("properties", "x")), ErrorCode::malformed_message,
                     "schema: properties: expected a list, got string \"x\"");
    EXPECT_ZRO_ERROR(Schema::from_value(with("signals", Value())), ErrorCode::malformed_message,
                     "schema: signals: expected a list, got nil");
    EXPECT_ZRO_ERROR(Schema::from_value(with("methods", 1.5)), ErrorCode::malformed_message,
                     "schema: methods: expected a list, got double 1.5");
}

TEST(SchemaValue, MalformedEnums) {
    EXPECT_ZRO_ERROR(Schema::from_value(with("enums", one("E"))), ErrorCode::malformed_message,
                     "schema: enums[0]: expected a list, got string \"E\"");
    EXPECT_ZRO_ERROR(Schema::from_value(with("enums", one(Value{"E"}))), ErrorCode::malformed_message,
                     "schema: enums[0]: expected 2 fields, got 1");
    EXPECT_ZRO_ERROR(Schema::from_value(with("enums", one(Value{1, Value::List{}}))),
                     ErrorCode::malformed_message, "schema: enums[0] name: expected a string, got int 1");
    EXPECT_ZRO_ERROR(Schema::from_value(with("enums", one(Value{"E", "a"}))), ErrorCode::malformed_message,
                     "schema: enums[0] values: expected a list, got string \"a\"");
    EXPECT_ZRO_ERROR(Schema::from_value(with("enums", one(Value{"E", one(Value{"a"})}))),
                     ErrorCode::malformed_message, "schema: enums[0] values[0]: expected 2 fields, got 1");
    EXPECT_ZRO_ERROR(Schema::from_value(with("enums", one(Value{"E", one(Value{1, 1})}))),
                     ErrorCode::malformed_message,
                     "schema: enums[0] values[0] key: expected a string, got int 1");
    EXPECT_ZRO_ERROR(Schema::from_value(with("enums", one(Value{"E", one(Value{"a", 1.0})}))),
                     ErrorCode::malformed_message,
                     "schema: enums[0] values[0] value: expected an int64, got double 1.0");
    EXPECT_ZRO_ERROR(Schema::from_value(with("enums", one(Value{"E", one(Value{"a", u64_max})}))),
                     ErrorCode::malformed_message,
                     "schema: enums[0] values[0] value: expected an int64, got uint 18446744073709551615");
}

TEST(SchemaValue, MalformedProperties) {
    auto prop = [](Value name, Value type, Value mode, Value def, Value coalesce) {
        return with("properties", one(Value{name, type, mode, def, coalesce}));
    };
    EXPECT_ZRO_ERROR(Schema::from_value(with("properties", one(Value{"p", "bool", 0u, Value()}))),
                     ErrorCode::malformed_message, "schema: properties[0]: expected 5 fields, got 4");
    EXPECT_ZRO_ERROR(Schema::from_value(with("properties", one(Value{"p", "bool", 0u, Value(), false, 1}))),
                     ErrorCode::malformed_message, "schema: properties[0]: expected 5 fields, got 6");
    EXPECT_ZRO_ERROR(Schema::from_value(prop(Value(), "bool", 0u, Value(), false)),
                     ErrorCode::malformed_message,
                     "schema: properties[0] name: expected a string, got nil");
    EXPECT_ZRO_ERROR(Schema::from_value(prop("p", Value(Value::Bytes{{'b'}}), 0u, Value(), false)),
                     ErrorCode::malformed_message,
                     "schema: properties[0] type: expected a string, got bytes b\"62\"");
    EXPECT_ZRO_ERROR(Schema::from_value(prop("p", "bool", 5u, Value(), false)), ErrorCode::malformed_message,
                     "schema: properties[0] mode: expected a mode 0..4, got uint 5");
    EXPECT_ZRO_ERROR(Schema::from_value(prop("p", "bool", -1, Value(), false)), ErrorCode::malformed_message,
                     "schema: properties[0] mode: expected a mode 0..4, got int -1");
    EXPECT_ZRO_ERROR(Schema::from_value(prop("p", "bool", "READPUSH", Value(), false)),
                     ErrorCode::malformed_message,
                     "schema: properties[0] mode: expected a mode 0..4, got string \"READPUSH\"");
    EXPECT_ZRO_ERROR(Schema::from_value(prop("p", "bool", 0u, Value(), 1)), ErrorCode::malformed_message,
                     "schema: properties[0] coalesce: expected a bool, got int 1");
    // Readable but invalid: validate() reports it.
    EXPECT_ZRO_ERROR(Schema::from_value(prop("p", "boo", 0u, Value(), false)), ErrorCode::invalid_schema,
                     "Robot: property 'p': unknown type 'boo'");
    EXPECT_ZRO_ERROR(Schema::from_value(prop("p", "bool", 0u, 1, false)), ErrorCode::invalid_schema,
                     "Robot: property 'p': bad default: expected bool, got int 1");
    EXPECT_ZRO_ERROR(Schema::from_value(prop("", "bool", 0u, Value(), false)), ErrorCode::invalid_schema,
                     "Robot: property '': invalid name '' (want [A-Za-z_][A-Za-z0-9_]*, at most 255 bytes)");
    EXPECT_NO_THROW(Schema::from_value(prop("p", "int", std::int64_t{4}, -1, false)));
}

TEST(SchemaValue, MalformedSignalsAndMethods) {
    EXPECT_ZRO_ERROR(Schema::from_value(with("signals", one(Value{"s"}))), ErrorCode::malformed_message,
                     "schema: signals[0]: expected 2 fields, got 1");
    EXPECT_ZRO_ERROR(Schema::from_value(with("signals", one(Value{"s", "int"}))),
                     ErrorCode::malformed_message,
                     "schema: signals[0] params: expected a list, got string \"int\"");
    EXPECT_ZRO_ERROR(Schema::from_value(with("signals", one(Value{"s", one("int")}))),
                     ErrorCode::malformed_message,
                     "schema: signals[0] params[0]: expected a list, got string \"int\"");
    EXPECT_ZRO_ERROR(Schema::from_value(with("signals", one(Value{"s", one(Value{"x", "int", 1})}))),
                     ErrorCode::malformed_message, "schema: signals[0] params[0]: expected 2 fields, got 3");
    EXPECT_ZRO_ERROR(Schema::from_value(with("signals", one(Value{"s", one(Value{Value(), "int"})}))),
                     ErrorCode::malformed_message,
                     "schema: signals[0] params[0] name: expected a string, got nil");
    EXPECT_ZRO_ERROR(Schema::from_value(with("signals", one(Value{"s", one(Value{"x", 1})}))),
                     ErrorCode::malformed_message,
                     "schema: signals[0] params[0] type: expected a string, got int 1");
    EXPECT_ZRO_ERROR(Schema::from_value(with("methods", one(Value{"m", Value::List{}}))),
                     ErrorCode::malformed_message, "schema: methods[0]: expected 3 fields, got 2");
    EXPECT_ZRO_ERROR(Schema::from_value(with("methods", one(Value{"m", Value::List{}, Value()}))),
                     ErrorCode::malformed_message,
                     "schema: methods[0] return type: expected a string, got nil");
    EXPECT_ZRO_ERROR(Schema::from_value(with("methods", one(Value{true, Value::List{}, "void"}))),
                     ErrorCode::malformed_message,
                     "schema: methods[0] name: expected a string, got bool true");
    EXPECT_ZRO_ERROR(Schema::from_value(with("methods", one(Value{"m", Value::map_of({}), "void"}))),
                     ErrorCode::malformed_message, "schema: methods[0] params: expected a list, got map {}");
}

TEST(SchemaValue, InvalidButReadableSchemasFailValidation) {
    EXPECT_ZRO_ERROR(Schema::from_value(with("type", "")), ErrorCode::invalid_schema,
                     "invalid class name '' (want [A-Za-z_][A-Za-z0-9_]*, at most 255 bytes)");
    const Value flag{"p", "bool", 0u, Value(), false};
    EXPECT_ZRO_ERROR(Schema::from_value(with("properties", Value{flag, flag})),
                     ErrorCode::invalid_schema, "Robot: property 'p': duplicate name");
    const Value empty_signal{"s", Value::List{}};
    EXPECT_ZRO_ERROR(Schema::from_value(with("signals", Value{empty_signal, empty_signal})),
                     ErrorCode::invalid_schema, "Robot: signal 's': duplicate name");
    EXPECT_ZRO_ERROR(Schema::from_value(with("methods", Value{Value{"m", Value::List{}, "void"},
                                                              Value{"m", Value::List{}, "int"}})),
                     ErrorCode::invalid_schema, "Robot: method 'm': duplicate name");
    const Value empty_enum{"Color", Value::List{}};
    EXPECT_ZRO_ERROR(Schema::from_value(with("enums", Value{empty_enum, empty_enum})),
                     ErrorCode::invalid_schema, "Robot: enum 'Color': duplicate name");
    // Dropping the enums leaves properties and methods naming a type that no longer exists.
    EXPECT_ZRO_ERROR(Schema::from_value(with("enums", Value::List{})), ErrorCode::invalid_schema,
                     "Robot: property 'color': unknown type 'Color'");
    EXPECT_ZRO_ERROR(Schema::from_value(with("methods", one(Value{"m", Value::List{}, "list<"}))),
                     ErrorCode::invalid_schema, "Robot: method 'm': return type: invalid type 'list<': expected a type name at offset 5");
    EXPECT_ZRO_ERROR(Schema::from_value(with("signals", one(Value{"s", one(Value{"x", "void"})}))),
                     ErrorCode::invalid_schema,
                     "Robot: signal 's': parameter 1: 'void' is only allowed as a method return type");
}

TEST(SchemaValue, OversizedListsAreRejectedBeforeTheirEntriesAreRead) {
    const Value huge(Value::List(65536, Value()));
    for (const char* key : {"enums", "properties", "signals", "methods"})
        EXPECT_ZRO_ERROR(Schema::from_value(with(key, huge)), ErrorCode::malformed_message,
                         std::string("schema: ") + key + ": 65536 entries (at most 65535)");
    EXPECT_ZRO_ERROR(Schema::from_value(with("signals", one(Value{"s", huge}))), ErrorCode::malformed_message,
                     "schema: signals[0] params: 65536 entries (at most 65535)");
    EXPECT_ZRO_ERROR(Schema::from_value(with("enums", one(Value{"E", huge}))), ErrorCode::malformed_message,
                     "schema: enums[0] values: 65536 entries (at most 65535)");
}

TEST(SchemaValue, ComputesTheSignatureUpFront) {
    // A schema from the wire is shared read-only between threads, so its lazily cached
    // signature must already be there; signature() then returns the same string each time.
    const Schema s = Schema::from_value(full_schema().to_value());
    EXPECT_EQ(s.signature(), full_schema().signature());
}

// Random damage to a valid schema value: from_value must answer with a zro::Error or a
// schema, never crash or throw anything else (run under ASan/UBSan in CI).
Value random_value(std::mt19937& rng, int depth) {
    switch (rng() % (depth > 2 ? 6 : 8)) {
    case 0: return Value();
    case 1: return Value(rng() % 2 == 0);
    case 2: return Value(static_cast<std::int64_t>(rng()) - (1LL << 31));
    case 3: return Value(static_cast<std::uint64_t>(rng()) << (rng() % 40));
    case 4: return Value("void");
    case 5: return Value(std::string(rng() % 4, static_cast<char>('a' + rng() % 3)));
    case 6: {
        Value::List l;
        for (unsigned i = rng() % 6; i > 0; --i) l.push_back(random_value(rng, depth + 1));
        return Value(std::move(l));
    }
    default: return Value::map_of({{"type", random_value(rng, depth + 1)}});
    }
}

void damage(Value& v, std::mt19937& rng, int depth) {
    if (v.is_list() && !v.as_list().empty() && rng() % 4 != 0) {
        auto& l = v.as_list();
        Value& child = l[rng() % l.size()];
        if (rng() % 8 == 0) l.erase(l.begin() + static_cast<std::ptrdiff_t>(rng() % l.size()));
        else damage(child, rng, depth + 1);
        return;
    }
    if (v.is_map() && !v.as_map().empty() && rng() % 4 != 0) {
        auto& m = v.as_map();
        damage(m[rng() % m.size()].second, rng, depth + 1);
        return;
    }
    v = random_value(rng, depth);
}

TEST(SchemaValue, SurvivesRandomDamage) {
    std::mt19937 rng(12345);
    int accepted = 0;
    for (int i = 0; i < 5000; ++i) {
        Value v = full_schema().to_value();
        for (unsigned n = 1 + rng() % 3; n > 0; --n) damage(v, rng, 0);
        try {
            const Schema s = Schema::from_value(v);
            ++accepted;
            EXPECT_NO_THROW(s.validate());
            EXPECT_EQ(Schema::from_value(s.to_value()), s);
        } catch (const Error& e) {
            EXPECT_TRUE(e.code() == ErrorCode::malformed_message || e.code() == ErrorCode::invalid_schema)
                << e.what();
        }
    }
    EXPECT_GT(accepted, 0);  // some damage (e.g. to a default) is harmless
}

// ---- equality -------------------------------------------------------------------------------

TEST(SchemaEquality, ComparesEverything) {
    EXPECT_TRUE(full_schema() == full_schema());
    EXPECT_TRUE(Schema() == Schema());
    auto with_prop = [](Value def, PropertyMode mode, bool coalesce) {
        Schema s("S");
        s.add_property("p", "int", std::move(def), mode, coalesce);
        return s;
    };
    const Schema base = with_prop(1, PropertyMode::read_push, false);
    EXPECT_TRUE(base == with_prop(1u, PropertyMode::read_push, false));  // same number
    EXPECT_FALSE(base == with_prop(2, PropertyMode::read_push, false));
    EXPECT_FALSE(base == with_prop(Value(), PropertyMode::read_push, false));
    EXPECT_FALSE(base == with_prop(1, PropertyMode::read_write, false));
    EXPECT_FALSE(base == with_prop(1, PropertyMode::read_push, true));
    Schema a("S"), b("S");
    a.add_method("m", {{"x", "int"}});
    b.add_method("m", {{"y", "int"}});
    EXPECT_FALSE(a == b);  // parameter names count here, though not in the signature
    EXPECT_EQ(a.signature(), b.signature());
    EXPECT_FALSE(Schema("S") == Schema("T"));
}

TEST(SchemaEquality, IgnoresTheSignatureCache) {
    Schema a = simple_switch();
    const Schema b = simple_switch();
    (void)a.signature();
    EXPECT_TRUE(a == b);
}

} // namespace

TEST(SchemaModels, RulesSignatureAndWireRoundTrip) {
    Schema s("Player");
    s.add_property("volume", "int32").add_model("tracks", {"display", "decoration"});
    EXPECT_EQ(s.models().size(), 1u);
    EXPECT_EQ(s.model_index("tracks"), std::optional<std::size_t>(0));
    EXPECT_EQ(s.canonical_text(), "class Player\nprop volume int32 READPUSH\nmodel tracks(display,decoration)\n");
    // Roles are part of the signature; their order too.
    Schema other("Player");
    other.add_property("volume", "int32").add_model("tracks", {"decoration", "display"});
    EXPECT_NE(s.signature(), other.signature());
    const Schema back = Schema::from_value(s.to_value());
    EXPECT_EQ(back, s);
    EXPECT_EQ(back.signature(), s.signature());
    // A model shares the properties' names; it needs distinct, valid roles.
    EXPECT_THROW(Schema("A").add_property("x", "int32").add_model("x", {"r"}), Error);
    EXPECT_THROW(Schema("A").add_model("m", {}), Error);
    EXPECT_THROW(Schema("A").add_model("m", {"r", "r"}), Error);
    EXPECT_THROW(Schema("A").add_model("m", {"bad role"}), Error);
    EXPECT_THROW(Schema("A").add_model("m", {"r"}).add_model("m", {"s"}), Error);
    // A schema of protocol 2 (no "models" key) still reads, with no models.
    Value v = Schema("Old").add_property("p", "bool").to_value();
    auto& m = v.as_map();
    m.pop_back();
    EXPECT_TRUE(Schema::from_value(v).models().empty());
}
