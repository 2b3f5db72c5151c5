// zro — shared live objects over ZeroMQ.
// zro::Type: the one type grammar (every form, errors naming the text and the offset), value
// checks against parsed types of every kind (nested, enums, PODs), and schemas with PODs
// through to_value / from_value.

#include <zro/schema.hpp>

#include <gtest/gtest.h>

using zro::Error;
using zro::ErrorCode;
using zro::Schema;
using zro::Type;
using zro::Value;
using Kind = zro::Type::Kind;

namespace {

std::string parse_error(std::string_view text) {
    try {
        Type::parse(text);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_schema);
        return e.what();
    }
    return "(parsed)";
}

// A schema with an enum and two PODs, the second containing the first.
Schema weather() {
    Schema s("Weather");
    s.add_enum("Unit", {{"celsius", 0}, {"kelvin", 1}});
    s.add_pod("Reading", {{"value", "double"}, {"unit", "Unit"}});
    s.add_pod("Log", {{"readings", "list<Reading>"}, {"where", "string"}});
    s.add_property("last", "Reading");
    s.add_property("log", "Log");
    s.add_method("read", {{"unit", "Unit"}}, "Reading");
    return s;
}

} // namespace

TEST(TypeParse, EveryScalarKeyword) {
    const std::pair<const char*, Kind> all[] = {
        {"bool", Kind::boolean}, {"int8", Kind::int8},     {"int16", Kind::int16},     {"int32", Kind::int32},
        {"int64", Kind::int64},  {"uint8", Kind::uint8},   {"uint16", Kind::uint16},   {"uint32", Kind::uint32},
        {"uint64", Kind::uint64}, {"float", Kind::float32}, {"double", Kind::float64}, {"string", Kind::string},
        {"bytes", Kind::bytes},  {"var", Kind::var},       {"void", Kind::none},       {"int", Kind::int32},
        {"uint", Kind::uint32},
    };
    for (const auto& [text, kind] : all) {
        const Type t = Type::parse(text);
        EXPECT_EQ(t.kind(), kind) << text;
        EXPECT_EQ(t, Type(kind)) << text;
    }
    EXPECT_EQ(Type::parse("int").spelling(), "int32");
    EXPECT_EQ(Type::parse("uint").spelling(), "uint32");
    EXPECT_TRUE(Type::parse("uint8").is_integer());
    EXPECT_FALSE(Type::parse("double").is_integer());
}

TEST(TypeParse, CompoundFormsAndTheirParts) {
    const Type l = Type::parse("list<int>");
    EXPECT_EQ(l.kind(), Kind::list);
    EXPECT_EQ(l.element().kind(), Kind::int32);
    const Type m = Type::parse(" map < string , list < Color > > ");
    EXPECT_EQ(m.kind(), Kind::map);
    EXPECT_EQ(m.key().kind(), Kind::string);
    EXPECT_EQ(m.mapped().element().kind(), Kind::named);
    EXPECT_EQ(m.mapped().element().name(), "Color");
    EXPECT_EQ(m.spelling(), "map<string,list<Color>>");
    EXPECT_EQ(m, Type::map_of(Type(Kind::string), Type::list_of(Type::named("Color"))));
    EXPECT_NE(m, Type::map_of(Type(Kind::string), Type::list_of(Type::named("Colour"))));
    EXPECT_EQ(Type::parse("list<\tmap<int,var>>").spelling(), "list<map<int32,var>>");
}

TEST(TypeParse, ErrorsNameTheTextAndTheOffset) {
    EXPECT_EQ(parse_error(""), "invalid type '': expected a type name at offset 0");
    EXPECT_EQ(parse_error("list"), "invalid type 'list': expected '<' at offset 4");
    EXPECT_EQ(parse_error("list<int"), "invalid type 'list<int': expected '>' at offset 8");
    EXPECT_EQ(parse_error("list<int,int>"), "invalid type 'list<int,int>': expected '>', found ',' at offset 8");
    EXPECT_EQ(parse_error("map<int>"), "invalid type 'map<int>': expected ',', found '>' at offset 7");
    EXPECT_EQ(parse_error("map<,int>"), "invalid type 'map<,int>': expected a type name, found ',' at offset 4");
    EXPECT_EQ(parse_error("in t32"), "invalid type 'in t32': unexpected 't' at offset 3");
    EXPECT_EQ(parse_error("a::b"), "invalid type 'a::b': unexpected ':' at offset 1");
    EXPECT_EQ(parse_error("Color<int>"), "invalid type 'Color<int>': unexpected '<' at offset 5");
    EXPECT_EQ(parse_error("1abc"), "invalid type '1abc': expected a type name, found '1' at offset 0");
    EXPECT_EQ(parse_error("\nint"), "invalid type '?int': expected a type name, found '\n' at offset 0");
    std::string deep;
    for (int i = 0; i < 40; ++i) deep += "list<";
    EXPECT_NE(parse_error(deep + "int").find("nested deeper than 32"), std::string::npos);
    EXPECT_NE(parse_error(std::string(200, 'x') + "<").find("'xxxxxxxx"), std::string::npos);
    EXPECT_LT(parse_error(std::string(200, 'x') + "<").size(), 130u);  // a long text is cut
}

TEST(TypeParse, AccessorsOfTheWrongKindThrow) {
    EXPECT_THROW(Type(Kind::boolean).element(), Error);
    EXPECT_THROW(Type::parse("list<int>").key(), Error);
    EXPECT_THROW(Type::parse("map<int,int>").name(), Error);
    EXPECT_THROW(Type(Kind::list), Error);  // a list needs its element: Type::list_of
}

TEST(TypeResolve, SchemaNamesBecomeEnumAndPodReferences) {
    const Schema s = weather();
    const Type unit = s.parse_type("Unit");
    EXPECT_EQ(unit.kind(), Kind::enumeration);
    EXPECT_EQ(unit.definition(), 0u);
    const Type logs = s.parse_type("map<Unit,list<Log>>");
    EXPECT_EQ(logs.key().kind(), Kind::enumeration);
    EXPECT_EQ(logs.mapped().element().kind(), Kind::pod);
    EXPECT_EQ(logs.mapped().element().definition(), 1u);
    EXPECT_EQ(logs.spelling(), "map<Unit,list<Log>>");
    // Stored member types are resolved once, when added.
    EXPECT_EQ(s.properties()[0].parsed_type.kind(), Kind::pod);
    EXPECT_EQ(s.pods()[1].fields[0].parsed_type.element().kind(), Kind::pod);
    EXPECT_EQ(s.methods()[0].parsed_return_type.kind(), Kind::pod);
    EXPECT_EQ(s.methods()[0].params[0].parsed_type.kind(), Kind::enumeration);
    try {
        s.parse_type("list<Nope>");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "unknown type 'Nope' in 'list<Nope>'");
    }
    EXPECT_THROW(s.parse_type("list<void>"), Error);
    EXPECT_EQ(s.parse_type("void").kind(), Kind::none);
}

TEST(TypeAccepts, EveryKindAgainstAParsedType) {
    const Schema s = weather();
    auto ok = [&](const char* t, const Value& v) { return s.accepts(s.parse_type(t), v); };
    EXPECT_TRUE(ok("bool", Value(false)));
    EXPECT_FALSE(ok("bool", Value(0)));
    EXPECT_TRUE(ok("int8", Value(-128)));
    EXPECT_FALSE(ok("int8", Value(128)));
    EXPECT_TRUE(ok("uint64", Value(std::uint64_t{18446744073709551615ULL})));
    EXPECT_FALSE(ok("uint8", Value(-1)));
    EXPECT_TRUE(ok("double", Value(1)));
    EXPECT_TRUE(ok("float", Value(1.5)));
    EXPECT_FALSE(ok("double", Value("1")));
    EXPECT_TRUE(ok("string", Value("x")));
    EXPECT_TRUE(ok("bytes", Value(Value::Bytes{})));
    EXPECT_FALSE(ok("bytes", Value("x")));
    EXPECT_TRUE(ok("var", Value()));
    EXPECT_TRUE(ok("void", Value()));
    EXPECT_FALSE(ok("void", Value(1)));
    EXPECT_TRUE(ok("list<int>", Value{1, 2}));
    EXPECT_FALSE(ok("list<int>", Value{1, "2"}));
    EXPECT_TRUE(ok("map<string,list<uint8>>", Value::map_of({{"a", Value{1, 2}}})));
    EXPECT_FALSE(ok("map<string,list<uint8>>", Value::map_of({{"a", Value{1, 256}}})));
    EXPECT_TRUE(ok("Unit", Value(1)));
    EXPECT_TRUE(ok("Unit", Value(std::uint64_t{1})));
    EXPECT_FALSE(ok("Unit", Value(2)));
    EXPECT_FALSE(ok("Unit", Value("kelvin")));
    // A POD is a list of its fields, in order, each of its field's type.
    EXPECT_TRUE(ok("Reading", Value{21.5, 0}));
    EXPECT_FALSE(ok("Reading", Value{21.5}));         // a field missing
    EXPECT_FALSE(ok("Reading", Value{21.5, 0, 1}));   // one too many
    EXPECT_FALSE(ok("Reading", Value{21.5, 7}));      // not a Unit
    EXPECT_FALSE(ok("Reading", Value::map_of({{"value", 1.0}, {"unit", 0}})));
    EXPECT_TRUE(ok("Log", Value{Value{Value{1.0, 0}, Value{2.0, 1}}, "roof"}));
    EXPECT_FALSE(ok("Log", Value{Value{Value{1.0, 0}, Value{2.0}}, "roof"}));
    EXPECT_FALSE(s.accepts(Type::named("Reading"), Value{21.5, 0}));  // not resolved: nothing fits
}

TEST(TypeAccepts, PodMessagesSayWhichField) {
    const Schema s = weather();
    try {
        s.check(s.properties()[1].parsed_type, Value{Value{Value{1.0, 5}}, "roof"}, "log");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::bad_arguments);
        EXPECT_STREQ(e.what(),
                     "log: expected Log, got list [[[1.0, 5]], \"roof\"] (field readings: expected list<Reading>, "
                     "got list [[1.0, 5]] (element 0: expected Reading, got list [1.0, 5] (field unit: expected "
                     "Unit, got int 5 (not a value of enum Unit))))");
    }
}

TEST(TypeZero, PodsStartWithTheirFieldsZeroValues) {
    const Schema s = weather();
    EXPECT_EQ(s.zero_value("Reading"), (Value{0.0, 0}));
    EXPECT_EQ(s.zero_value("Log"), (Value{Value::List{}, ""}));
    for (const auto& p : s.properties()) EXPECT_TRUE(s.accepts(p.parsed_type, s.zero_value(p.parsed_type))) << p.name;
}

TEST(SchemaPods, Rules) {
    Schema s("S");
    s.add_enum("E", {{"a", 1}});
    auto error = [&](auto&& f) {
        try {
            f();
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    EXPECT_EQ(error([&] { s.add_pod("E", {}); }), "S: POD 'E': duplicate name");
    EXPECT_EQ(error([&] { s.add_pod("list", {}); }), "S: POD 'list': name is a builtin type");
    EXPECT_EQ(error([&] { s.add_pod("P", {{"", "int"}}); }), "S: POD 'P': field 1: a POD field needs a name");
    EXPECT_EQ(error([&] { s.add_pod("P", {{"a", "int"}, {"a", "int"}}); }),
              "S: POD 'P': field 2: duplicate field name 'a'");
    EXPECT_EQ(error([&] { s.add_pod("P", {{"q", "Q"}}); }), "S: POD 'P': field 1: unknown type 'Q'");
    s.add_pod("P", {{"e", "E"}});
    EXPECT_EQ(error([&] { s.add_enum("P", {}); }), "S: enum 'P': duplicate name");
    EXPECT_EQ(error([&] { s.add_property("p", "P", Value{2}); }),
              "S: property 'p': bad default: expected P, got list [2] (field e: expected E, got int 2 (not a value of enum E))");
    EXPECT_EQ(s.pods()[0].fields[0].type, "E");
}

TEST(SchemaPods, SignatureAndWireRoundTrip) {
    const Schema s = weather();
    EXPECT_EQ(s.canonical_text(),
              "class Weather\nenum Unit celsius=0,kelvin=1\npod Reading(double,Unit)\npod Log(list<Reading>,string)\n"
              "prop last Reading READPUSH\nprop log Log READPUSH\nmethod read(Unit) Reading\n");
    const Value v = s.to_value();
    EXPECT_EQ(v.at("pods"), (Value{Value{"Reading", Value{Value{"value", "double"}, Value{"unit", "Unit"}}},
                                   Value{"Log", Value{Value{"readings", "list<Reading>"}, Value{"where", "string"}}}}));
    const Schema back = Schema::from_value(v);
    EXPECT_TRUE(back == s);
    EXPECT_EQ(back.signature(), s.signature());
    EXPECT_EQ(back.properties()[1].parsed_type.kind(), Kind::pod);
    EXPECT_TRUE(back.accepts(back.properties()[0].parsed_type, Value{1.0, 1}));
    // A peer's schema whose POD names a later POD (or itself) is refused.
    Value bad = v;
    for (auto& [k, section] : bad.as_map())
        if (k == Value("pods")) std::swap(section.as_list()[0], section.as_list()[1]);
    try {
        Schema::from_value(bad);
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_schema);
        EXPECT_STREQ(e.what(), "Weather: POD 'Log': field 1: POD 'Reading' is declared after it");
    }
    Value self = v;
    for (auto& [k, section] : self.as_map())
        if (k == Value("pods")) section = Value{Value{"Reading", Value{Value{"again", "Reading"}}}};
    EXPECT_THROW(Schema::from_value(self), Error);
}
