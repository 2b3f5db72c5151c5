// zro — shared live objects over ZeroMQ.
// The .rep front end: every accepted form (QtRO's parser tests and more) and every rejected one,
// with the exact compiler-style message.

#include <zro/idl/ast.hpp>
#include <zro/idl/generate.hpp>
#include <zro/dynamic_source.hpp>

#include <gtest/gtest.h>

using zro::idl::parse_string;

namespace {

zro::idl::Document parse(const std::string& text) { return parse_string(text, "t.rep"); }

std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const zro::idl::ParseError& e) {
        return e.what();
    }
    return "(no error)";
}

const zro::idl::ClassDecl& only_class(const zro::idl::Document& d) {
    EXPECT_EQ(d.classes.size(), 1u);
    return d.classes.at(0);
}

zro::idl::PropertyDecl prop(const std::string& decl) {
    auto d = parse("class TestClass\n{\n" + decl + "\n};\n");
    return only_class(d).properties.at(0);
}

std::string slot_text(const zro::idl::FunctionDecl& f) {
    std::string s = (f.return_type ? f.return_type->text() : "void") + " " + f.name + "(";
    for (std::size_t i = 0; i < f.params.size(); ++i) s += (i ? ", " : "") + f.params[i].type.text() + (f.params[i].name.empty() ? "" : " " + f.params[i].name);
    return s + ")";
}

} // namespace

// ---- accepted forms ---------------------------------------------------------------------------

TEST(RepParser, TopLevelForms) {
    for (const char* text : {"#include \"foo\"", "#  include \"foo\"", "#if 1\n#include \"foo\"\n#endif", "// only a comment",
                             "", "ENUM MyEnum {test}", "class MyClass {\n//comment\n}", "//comment\nclass MyClass {}",
                             "#include \"foo\"\n//comment\nclass MyClass {}", "/* block\n comment */ class A {};;",
                             "class A {}\nclass B {}"})
        EXPECT_NO_THROW(parse(text)) << text;
    auto d = parse("#include \"a.h\"\n#  define X 1\nclass A {}");
    ASSERT_EQ(d.directives.size(), 2u);
    EXPECT_EQ(d.directives[1].text, "#  define X 1");
}

TEST(RepParser, HeaderAndFooterLines) {
    auto d = parse("#HEADER namespace Test {\n#HEADER     namespace Inner {\nclass A {}\n#FOOTER    }\n#FOOTER }\n");
    EXPECT_EQ(d.header, (std::vector<std::string>{"namespace Test {", "    namespace Inner {"}));
    EXPECT_EQ(d.footer, (std::vector<std::string>{"   }", "}"}));
    EXPECT_TRUE(d.directives.empty());
}

TEST(RepParser, Properties) {
    using M = zro::PropertyMode;
    struct Case {
        const char* decl;
        const char* type;
        const char* name;
        const char* def;
        M mode;
        bool persisted;
    };
    const Case cases[] = {
        {"PROP(QString foo)", "QString", "foo", "", M::read_push, false},
        {"PROP(QString foo) // my property", "QString", "foo", "", M::read_push, false},
        {"// my property\nPROP(QString foo)", "QString", "foo", "", M::read_push, false},
        {"PROP(QString foo READONLY)", "QString", "foo", "", M::read_only, false},
        {"PROP(QString foo CONSTANT)", "QString", "foo", "", M::constant, false},
        {"PROP(QString foo READWRITE)", "QString", "foo", "", M::read_write, false},
        {"PROP(QString foo READPUSH)", "QString", "foo", "", M::read_push, false},
        {"PROP(QString foo SOURCEONLYSETTER)", "QString", "foo", "", M::source_only_setter, false},
        {"PROP(QString foo PERSISTED)", "QString", "foo", "", M::read_push, true},
        {"PROP(QString foo READONLY, PERSISTED)", "QString", "foo", "", M::read_only, true},
        {"PROP(QString foo READWRITE, PERSISTED)", "QString", "foo", "", M::read_write, true},
        {"PROP(QString foo CONSTANT, READONLY, PERSISTED)", "QString", "foo", "", M::constant, true},
        {"PROP(QString foo READONLY,CONSTANT, PERSISTED)", "QString", "foo", "", M::constant, true},
        {"PROP(int foo=1)", "int", "foo", "1", M::read_push, false},
        {"PROP(int foo=1 READONLY)", "int", "foo", "1", M::read_only, false},
        {"PROP(  QString   foo  )", "QString", "foo", "", M::read_push, false},
        {"PROP     (  QString   foo  )", "QString", "foo", "", M::read_push, false},
        {"PROP(  int foo = 1 CONSTANT )", "int", "foo", "1", M::constant, false},
        {"PROP(QList<int> bar)", "QList<int>", "bar", "", M::read_push, false},
        {"PROP(QMap<int, QList<int>> bar)", "QMap<int,QList<int>>", "bar", "", M::read_push, false},
        {"PROP(double foo=1.1 CONSTANT)", "double", "foo", "1.1", M::constant, false},
        {"PROP(double\tfoo)", "double", "foo", "", M::read_push, false},
        {"PROP(QString foo=\"Hello World\")", "QString", "foo", "\"Hello World\"", M::read_push, false},
        {"PROP(QString foo   =   \"Hello   World\"   READONLY  )", "QString", "foo", "\"Hello   World\"", M::read_only, false},
        {"PROP(unsigned int u = 0xFF);", "unsigned int", "u", "0xFF", M::read_push, false},
        {"PROP(qint64 n = -5 READWRITE)", "qint64", "n", "-5", M::read_write, false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.decl);
        const auto p = prop(c.decl);
        EXPECT_EQ(p.type.text(), c.type);
        EXPECT_EQ(p.name, c.name);
        EXPECT_EQ(p.default_value ? p.default_value->source : "", c.def);
        EXPECT_EQ(p.mode, c.mode);
        EXPECT_EQ(p.persisted, c.persisted);
    }
    EXPECT_EQ(prop("PROP(QString foo=\"a\\tb\")").default_value->text, "a\tb");
}

TEST(RepParser, Slots) {
    struct Case {
        const char* decl;
        const char* text;
        bool void_warning;
    };
    const Case cases[] = {
        {"SLOT(test())", "void test()", true},
        {"SLOT (test())", "void test()", true},
        {"SLOT(void test(QString value, int number))", "void test(QString value, int number)", false},
        {"SLOT(void test(QString, int))", "void test(QString, int)", false},
        {"SLOT(   void test  (QString value, int number)  )", "void test(QString value, int number)", false},
        {"SLOT(test(QMap<QString,int> foo))", "void test(QMap<QString,int> foo)", true},
        {"SLOT(test(QMap<QList<QString>,int> foo))", "void test(QMap<QList<QString>,int> foo)", true},
        {"SLOT ( test (QMap<QString , int>  foo ) )", "void test(QMap<QString,int> foo)", true},
        {"SLOT (test(const QString &val))", "void test(QString val)", true},
        {"SLOT (test(QString &val))", "void test(QString val)", true},
        {"SLOT(test(const QMap<QList<QString>,int> &foo))", "void test(QMap<QList<QString>,int> foo)", true},
        {"SLOT(bool start())", "bool start()", false},
        {"SLOT(QMap<QString, QString> complexReturnType())", "QMap<QString,QString> complexReturnType()", false},
        {"SLOT(void SetTimeZone(const int &))", "void SetTimeZone(int)", false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.decl);
        auto d = parse(std::string("class TestClass\n{\n") + c.decl + "\n};\n");
        const auto& cls = only_class(d);
        ASSERT_EQ(cls.slots.size(), 1u);
        EXPECT_EQ(slot_text(cls.slots[0]), c.text);
        EXPECT_EQ(d.warnings.size(), c.void_warning ? 1u : 0u);
    }
    auto d = parse("class A {\nSLOT(test())\n}");
    EXPECT_EQ(d.warnings.at(0).to_string(), "t.rep:2:6: warning: SLOT 'test' has no return type: assuming void");
}

TEST(RepParser, Signals) {
    const std::pair<const char*, const char*> cases[] = {
        {"SIGNAL(test())", "void test()"},
        {"SIGNAL (test())", "void test()"},
        {"SIGNAL(test(QString value, int value2))", "void test(QString value, int value2)"},
        {"SIGNAL ( test (QMap<QString , int>  foo ) )", "void test(QMap<QString,int> foo)"},
        {"SIGNAL (test(const QString &val))", "void test(QString val)"},
        {"SIGNAL(testEnumParamsInSignals(bool signalParam2, QString))", "void testEnumParamsInSignals(bool signalParam2, QString)"},
        {"SIGNAL(timeUpdated(int hour, int minute, int second=0, int millisecond=0));", "void timeUpdated(int hour, int minute, int second, int millisecond)"},
    };
    for (const auto& [decl, text] : cases) {
        SCOPED_TRACE(decl);
        auto d = parse(std::string("class TestClass\n{\n") + decl + "\n};\n");
        ASSERT_EQ(only_class(d).signals.size(), 1u);
        EXPECT_EQ(slot_text(only_class(d).signals[0]), text);
    }
}

TEST(RepParser, PodsInBothForms) {
    const std::pair<const char*, const char*> cases[] = {
        {"POD preset(int presetNumber)", "int presetNumber"},
        {"POD preset(int presetNumber, double foo)", "int presetNumber, double foo"},
        {"POD preset ( int presetNumber , double foo ) ", "int presetNumber, double foo"},
        {"POD preset(\nint presetNumber,\ndouble foo\n)", "int presetNumber, double foo"},
        {"POD preset(QMap<QString,int> foo) ", "QMap<QString,int> foo"},
        {"POD preset(QMap<QString,int> foo, QMap<double,int> bla) ", "QMap<QString,int> foo, QMap<double,int> bla"},
        {"POD preset( QMap<QString  ,  int >  foo ,   QMap<  double , int > bla ) ", "QMap<QString,int> foo, QMap<double,int> bla"},
        {"POD preset{int presetNumber}", "int presetNumber"},
        {"POD preset{int presetNumber, double foo}", "int presetNumber, double foo"},
        {"POD preset { int presetNumber , double foo } ", "int presetNumber, double foo"},
        {"POD preset{\nint presetNumber,\ndouble foo\n}", "int presetNumber, double foo"},
        {"POD preset{ QMap<QString  ,  int >  foo ,   QMap<  double , int > bla } ", "QMap<QString,int> foo, QMap<double,int> bla"},
        {"POD preset{ENUM val {val1 = 1,\nval2,\nval3=12}\nval value,\ndouble foo\n}", "val value, double foo"},
    };
    for (const auto& [decl, fields] : cases) {
        SCOPED_TRACE(decl);
        auto d = parse(std::string(decl) + "\nclass TestClass\n{\n};\n");
        ASSERT_EQ(d.pods.size(), 1u);
        std::string s;
        for (const auto& f : d.pods[0].fields) s += (s.empty() ? "" : ", ") + f.type.text() + " " + f.name;
        EXPECT_EQ(s, fields);
    }
    auto d = parse("POD P{ENUM class Position : unsigned short {position1=1, position2=2, position3=4}\n"
                   "FLAG (ActivePositions Position)\nActivePositions positions, float f, QString s}");
    ASSERT_EQ(d.pods.at(0).enums.size(), 1u);
    EXPECT_TRUE(d.pods[0].enums[0].scoped);
    EXPECT_EQ(d.pods[0].enums[0].underlying->text(), "unsigned short");
    EXPECT_EQ(d.pods[0].flags.at(0).name, "ActivePositions");
    EXPECT_EQ(d.pods[0].fields.size(), 3u);
}

TEST(RepParser, Enums) {
    struct Case {
        const char* decl;
        std::vector<std::pair<std::string, std::int64_t>> values;
    };
    const Case cases[] = {
        {"ENUM preset {presetNumber}", {{"presetNumber", 0}}},
        {"ENUM preset {presetNumber, foo}", {{"presetNumber", 0}, {"foo", 1}}},
        {"ENUM preset {presetNumber, foo = -1}", {{"presetNumber", 0}, {"foo", -1}}},
        {"ENUM preset {presetNumber=-1, foo}", {{"presetNumber", -1}, {"foo", 0}}},
        {"ENUM preset {presetNumber=0xf, foo}", {{"presetNumber", 15}, {"foo", 16}}},
        {"ENUM preset {presetNumber=0xff, foo}", {{"presetNumber", 255}, {"foo", 256}}},
        {"ENUM preset { presetNumber ,  foo } ", {{"presetNumber", 0}, {"foo", 1}}},
        {"ENUM preset { val1=1 , val3=3, val5=5 } ", {{"val1", 1}, {"val3", 3}, {"val5", 5}}},
        {"ENUM preset {\nval1,\nval2,\nval3\n} ", {{"val1", 0}, {"val2", 1}, {"val3", 2}}},
        {"    ENUM preset {\n        val1,\n        val2,\n    } ", {{"val1", 0}, {"val2", 1}}},
    };
    for (bool in_class : {false, true}) {
        for (const auto& c : cases) {
            SCOPED_TRACE(std::string(c.decl) + (in_class ? " in class" : " outside class"));
            auto d = in_class ? parse(std::string("class TestClass\n{\n") + c.decl + "\n};\n")
                              : parse(std::string(c.decl) + "\nclass TestClass\n{\n};\n");
            const auto& e = in_class ? only_class(d).enums.at(0) : d.enums.at(0);
            std::vector<std::pair<std::string, std::int64_t>> got;
            for (const auto& v : e.values) got.emplace_back(v.name, v.value);
            EXPECT_EQ(got, c.values);
            EXPECT_FALSE(e.scoped);
            EXPECT_FALSE(e.underlying);
        }
    }
}

TEST(RepParser, TypedScopedEnumsAndFlags) {
    for (bool in_class : {false, true})
        for (bool scoped : {false, true})
            for (const char* type : {"", "quint16", "qint64", "unsigned char"}) {
                const std::string decl = std::string("ENUM ") + (scoped ? "class " : "") + "preset" +
                                         (*type ? std::string(" : ") + type : "") + " {presetNumber}\nFLAG(MyFlags preset)\n";
                SCOPED_TRACE(decl);
                auto d = in_class ? parse("class TestClass\n{\n" + decl + "};\n") : parse(decl + "class TestClass\n{\n};\n");
                const auto& e = in_class ? only_class(d).enums.at(0) : d.enums.at(0);
                const auto& f = in_class ? only_class(d).flags.at(0) : d.flags.at(0);
                EXPECT_EQ(e.scoped, scoped);
                EXPECT_EQ(e.underlying ? e.underlying->text() : "", type);
                EXPECT_EQ(f.name, "MyFlags");
                EXPECT_EQ(f.enum_name, "preset");
            }
}

TEST(RepParser, NamesContainingKeywordsAreFine) {
    // QTBUG-117379: names containing ENUM (or PROP, CLASS...) are ordinary names
    auto d = parse("ENUM ENUM_ {Foo, Bar}\nENUM XENUMx {Foo, Bar}\nPOD Mode(XENUMxEnum::XENUMx foo)\n"
                   "POD Mode2(ENUM_Enum::ENUM_ foo)\nclass PROPS { PROP(int ENUMS) SLOT(void CLASSY()) }");
    EXPECT_EQ(d.enums.size(), 2u);
    EXPECT_EQ(d.pods.size(), 2u);
    EXPECT_EQ(d.classes.at(0).properties.at(0).name, "ENUMS");
}

TEST(RepParser, ClassAttributeUseEnumAndSubObjects) {
    auto d = parse("USE_ENUM(Qt::DayOfWeek)\nclass Q_DECL_EXPORT MyAttributeClass\n{\n    PROP(bool myProp READONLY)\n"
                   "PROP(Qt::DayOfWeek day = Qt::Monday)\n}");
    EXPECT_EQ(d.classes.at(0).attribute, "Q_DECL_EXPORT");
    EXPECT_EQ(d.classes.at(0).name, "MyAttributeClass");
    EXPECT_EQ(d.use_enums.at(0).name, "Qt::DayOfWeek");
    auto s = zro::idl::to_schema(d, "MyAttributeClass");
    EXPECT_EQ(s.properties().at(1).type, "int64");  // a USE_ENUM type travels as its integer
}

TEST(RepParser, TypeMappingToSchemaTypes) {
    auto d = parse(R"(
ENUM Test {TRUE, FALSE}
POD P(int i)
class T {
    ENUM Local { A = 3 }
    PROP(bool a) PROP(int b) PROP(qint64 c) PROP(quint32 d) PROP(double e) PROP(float f) PROP(QString g)
    PROP(QByteArray h) PROP(QVariant i) PROP(QStringList j) PROP(QVariantMap k) PROP(QList<int> l)
    PROP(QVector<QString> m) PROP(QMap<QString, QList<int>> n) PROP(QHash<int, double> o) PROP(QDateTime p)
    PROP(qint8 q) PROP(quint16 r) PROP(unsigned long long s) PROP(TestEnum::Test t) PROP(Local u) PROP(P v)
    PROP(std::string w) PROP(std::vector<std::uint8_t> x) PROP(QVariantList y) PROP(qreal z) PROP(QUrl url)
})");
    const auto s = zro::idl::to_schema(d, "T");
    std::string types;
    for (const auto& p : s.properties()) types += p.type + " ";
    EXPECT_EQ(types,
              "bool int32 int64 uint32 double float string bytes var list<string> map<string,var> list<int32> list<string> "
              "map<string,list<int32>> map<int32,double> int64 int8 uint16 uint64 Test Local P string list<uint8> list<var> "
              "double string ");
    ASSERT_EQ(s.enums().size(), 2u);
    EXPECT_EQ(s.enums()[0].name, "Local");  // own enums first, then the ones it uses
    EXPECT_EQ(s.enums()[1].name, "Test");
    // A POD keeps its name and fields in the schema (protocol 2; it was list<var> before).
    ASSERT_EQ(s.pods().size(), 1u);
    EXPECT_EQ(s.pods()[0].name, "P");
    EXPECT_EQ(s.pods()[0].fields, (std::vector<zro::Parameter>{{"i", "int32"}}));
    EXPECT_TRUE(s.accepts(s.properties()[21].parsed_type, zro::Value{zro::Value(7)}));
    EXPECT_FALSE(s.accepts(s.properties()[21].parsed_type, zro::Value{zro::Value("7")}));
}

TEST(RepParser, PodsEnterTheSchemaAfterWhatTheyContain) {
    auto d = parse(R"(
ENUM Unit {Celsius, Kelvin}
POD Reading(double celsius, Unit unit)
POD Log(QList<Reading> readings, QString where)
class T { PROP(Log log) SLOT(Reading last()) }
)");
    const auto s = zro::idl::to_schema(d, "T");
    ASSERT_EQ(s.pods().size(), 2u);
    EXPECT_EQ(s.pods()[0].name, "Reading");
    EXPECT_EQ(s.pods()[1].name, "Log");
    EXPECT_EQ(s.pods()[1].fields[0].type, "list<Reading>");
    ASSERT_EQ(s.enums().size(), 1u);  // used only inside a POD
    EXPECT_EQ(s.enums()[0].name, "Unit");
    EXPECT_EQ(s.methods()[0].return_type, "Reading");
    EXPECT_EQ(s.canonical_text(),
              "class T\nenum Unit Celsius=0,Kelvin=1\npod Reading(double,Unit)\npod Log(list<Reading>,string)\n"
              "prop log Log READPUSH\nmethod last() Reading\n");
}

TEST(RepParser, DefaultsBecomeSchemaDefaults) {
    auto d = parse("class T { ENUM E {A, B = 5} PROP(int a = -3) PROP(QString s = \"x\") PROP(E e = B) PROP(E f) "
                   "PROP(double g = 2) PROP(bool h = true) PROP(QList<int> l = {}) }");
    const auto s = zro::idl::to_schema(d, "T");
    EXPECT_EQ(s.properties()[0].default_value, zro::Value(-3));
    EXPECT_EQ(s.properties()[1].default_value, zro::Value("x"));
    EXPECT_EQ(s.properties()[2].default_value, zro::Value(5));
    EXPECT_TRUE(s.properties()[3].default_value.is_nil());  // the schema's zero value: the first enumerator
    EXPECT_EQ(s.zero_value("E"), zro::Value(0));
    EXPECT_EQ(s.properties()[4].default_value, zro::Value(2.0));
    EXPECT_EQ(s.properties()[5].default_value, zro::Value(true));
    zro::DynamicSource src(s);  // a schema from a .rep file drives a dynamic source as is
    EXPECT_EQ(src.property("e"), zro::Value(5));
}

TEST(RepParser, SignatureFollowsTheCanonicalText) {
    auto d = parse("class SimpleSwitch\n{\n    PROP(bool currState=false);\n    SLOT(server_slot(bool clientState));\n};\n");
    const auto s = zro::idl::to_schema(d, "SimpleSwitch");
    EXPECT_EQ(s.canonical_text(), "class SimpleSwitch\nprop currState bool READPUSH\nmethod server_slot(bool) void\n");
    EXPECT_EQ(zro::idl::class_signatures(d).at(0).second, s.signature());
    EXPECT_THROW(zro::idl::to_schema(d, "Nope"), zro::idl::ParseError);
}

// ---- rejected forms ---------------------------------------------------------------------------

TEST(RepParser, RejectsInvalidInputWithCompilerStyleMessages) {
    const std::pair<const char*, const char*> cases[] = {
        {"POD (int foo)", "t.rep:1:5: error: expected a POD name after POD, found '('"},
        {"POD foo(int foo", "t.rep:1:8: error: unbalanced parentheses: this '(' of POD is never closed"},
        {"class Foo\n{\nPOD foo(int)\n}", "t.rep:3:1: error: POD can only be declared outside a class"},
        {"class\n{\n}", "t.rep:2:1: error: expected a class name after 'class', found '{'"},
        {"class Foo\n{\nclass Bar\n}", "t.rep:3:1: error: classes cannot be nested (class inside class 'Foo')"},
        {"PROP(int foo)", "t.rep:1:1: error: PROP can only be used inside a class"},
        {"class Foo\n{\nPROP(int int foo)\n}",
         "t.rep:3:14: error: unknown property modifier 'foo' (expected READPUSH, READWRITE, READONLY, CONSTANT, SOURCEONLYSETTER or PERSISTED)"},
        {"class Foo\n{\nPROP(int foo READWRITE, READONLY)\n}",
         "t.rep:3:25: error: conflicting property modes READWRITE and READONLY (only CONSTANT with READONLY may be combined)"},
        {"class Foo\n{\nPROP()\n}", "t.rep:3:1: error: empty PROP(): expected PROP(type name [= default] [MODE] [, PERSISTED])"},
        {"class Foo\n{\nPROP(int foo\n}", "t.rep:3:5: error: unbalanced parentheses: this '(' of PROP is not closed before '}' at 4:1"},
        {"SIGNAL(foo())", "t.rep:1:1: error: SIGNAL can only be used inside a class"},
        {"class Foo\n{\nSIGNAL()\n}", "t.rep:3:1: error: empty SIGNAL(): expected SIGNAL(name(params))"},
        {"SLOT(void foo())", "t.rep:1:1: error: SLOT can only be used inside a class"},
        {"class Foo\n{\nSLOT()\n}", "t.rep:3:1: error: empty SLOT(): expected SLOT([type] name(params))"},
        {"MODEL foo", "t.rep:1:1: error: MODEL can only be used inside a class"},
        {"CLASS foo", "t.rep:1:1: error: CLASS can only be used inside a class"},
        {"class Foo\n{\nMODEL foo\n}", "t.rep:4:1: error: MODEL needs its roles: MODEL foo(role, ...)"},
        {"class Foo\n{\nCLASS foo\n}", "t.rep:4:1: error: CLASS needs a class: CLASS foo(ClassName)"},
        {"class Foo\n{\n#define foo\n}", "t.rep:3:1: error: '#' lines are not allowed inside a class"},
        {"class Foo\n{\nMODEL tracks(display, display)\n}", "t.rep:3:1: error: duplicate role 'display' in MODEL tracks"},
        {"class Foo\n{\nPROP(int tracks)\nMODEL tracks(display)\n}", "t.rep:4:1: error: duplicate property 'tracks' in class Foo"},
        {"class Foo\n{\nPROP(QPoint p)\n}",
         "t.rep:3:6: error: unknown type 'QPoint' (no standard mapping: declare a POD with the fields you need)"},
        {"class Foo {\nPROP(Nope p)\n}",
         "t.rep:2:6: error: unknown type 'Nope' (declare it in this file, or #include the C++ header that declares it: an enum "
         "with USE_ENUM, another type with zro::external_type<Nope>)"},
        {"class Foo\n{\nPROP(int a = \"x\")\n}", "t.rep:3:14: error: default value '\"x\"' does not fit type 'int32'"},
        {"class Foo\n{\nPROP(int a READONLY READONLY)\n}", "t.rep:3:21: error: READONLY is given twice"},
        {"ENUM E {A, A}", "t.rep:1:12: error: duplicate enumerator 'A' in enum 'E' (first at 1:9)"},
        {"ENUM E : QString {A}", "t.rep:1:10: error: the underlying type of enum 'E' must be an integer type, not 'QString'"},
        {"ENUM E : quint8 {A = 256}", "t.rep:1:18: error: value 256 of 'A' does not fit the underlying type uint8 of enum 'E'"},
        {"ENUM E {A = B}", "t.rep:1:13: error: enumerator values must be integer literals (decimal or hex), found 'B'"},
        {"ENUM E {A B}", "t.rep:1:11: error: expected ',' or '}' in ENUM E, found 'B'"},
        {"ENUM E {A", "t.rep:1:8: error: ENUM E is never closed: missing '}'"},
        {"class Foo {\nPROP(int a)\nPROP(bool a)\n}", "t.rep:3:1: error: duplicate property 'a' in class Foo"},
        {"class Foo {\nPROP(int timeZone)\nSLOT(void setTimeZone(int))\n}",
         "t.rep:3:1: error: generated name 'set_time_zone' of slot 'setTimeZone' collides with property 'timeZone'; rename one of them"},
        {"class Foo {\nENUM signature {A}\n}",
         "t.rep:2:1: error: generated name 'signature' of enum 'signature' collides with the generated member FooInterface::signature; "
         "rename one of them"},
        {"class Foo {\nPROP(int x PERSISTED)\nSLOT(void savePersisted())\n}",
         "t.rep:3:1: error: generated name 'save_persisted' of slot 'savePersisted' collides with the generated member "
         "FooReplica::save_persisted (the class has PERSISTED properties); rename one of them"},
        {"#include <QtCore>\nclass Foo {\nPROP(Widget w)\n}",
         "t.rep:3:6: error: unknown type 'Widget' (declare it in this file, or #include the C++ header that declares it: an enum "
         "with USE_ENUM, another type with zro::external_type<Widget>)"},
        {"#include \"x.h\"\nclass Foo {\nPROP(QQuaternion r)\n}",
         "t.rep:3:6: error: unknown type 'QQuaternion' (a Qt type with no zro meaning: declare a POD with the fields you need)"},
        {"#include \"x.h\"\nclass Foo {\nPROP(QMap<Ext, int> m)\n}",
         "t.rep:3:11: error: map keys must be strings, numbers, bools, enums, flags or lists of them, not 'Ext'"},
        {"class Foo {\nFLAG(F Nope)\n}", "t.rep:2:1: error: FLAG F: unknown enum 'Nope' (declare the ENUM first, in the same scope 'Foo')"},
        {"class Foo {\nSLOT(int f(int a = 1, int b))\n}",
         "t.rep:2:23: error: parameter 2 of SLOT 'f' needs a default value: it follows one that has one"},
        {"class Foo {\nPROP(QMap<QVariant,int> m)\n}", "t.rep:2:11: error: map keys must be strings, numbers, bools, enums, flags or lists of them, not 'QVariant'"},
        {"class Foo {\nPROP(QList<int,int> m)\n}", "t.rep:2:6: error: 'QList' takes 1 type argument, got 2"},
        {"class Foo {\nPROP(QList<int m)\n}", "t.rep:2:16: error: expected ',' or '>' in the type arguments of 'QList', found 'm'"},
        {"class Foo {\nPROP(int* p)\n}", "t.rep:2:9: error: pointer types are not supported ('int *')"},
        {"class Foo {\nPROP(int p)", "t.rep:1:11: error: class 'Foo' is never closed: missing '}'"},
        {"/* never closed", "t.rep:1:1: error: unterminated comment: '/*' without '*/'"},
        {"class Foo {\nPROP(QString s = \"abc)\n}", "t.rep:2:18: error: unterminated string literal"},
        {"class Foo { PROP(int a) } class Foo { PROP(int b) }", "t.rep:1:27: error: class 'Foo' conflicts with a declaration at 1:1"},
        {"class Foo {\nPROP(int class)\n}", "t.rep:2:1: error: property name 'class' is a C++ keyword"},
        {"class Foo {\nSIGNAL(void f())\n}", "t.rep:2:8: error: signals have no return type: write SIGNAL(name(params))"},
        {"USE_ENUM()", "t.rep:1:1: error: empty USE_ENUM(): expected USE_ENUM(Scope::Enum)"},
        {"class Foo {\nUSE_ENUM(Qt::X)\n}", "t.rep:2:1: error: USE_ENUM can only be used outside a class"},
        {"class Foo {\nPROP(QList<int> l = 5)\n}", "t.rep:2:21: error: default values for 'list<int32>' can only be {}"},
        {"class Foo {\nPROP(unsigned long long int x = -1)\n}", "t.rep:2:33: error: default value '-1' does not fit type 'uint64': out of range"},
        {"class Foo {\nPROP(int x = 1 + 2)\n}",
         "t.rep:2:14: error: unsupported default value '1 + 2' (use true/false, a number, a string, an enumerator or {})"},
        {"class Foo {\nENUM E {A}\nPROP(E e = B)\n}", "t.rep:3:12: error: default value 'B' does not fit type 'E': 'B' is not an enumerator of 'E'"},
        {"class Foo {\nPROP(long double x)\n}", "t.rep:2:6: error: 'long double' is not supported (no MessagePack mapping); use double"},
        {"class Foo {\nPROP(int zro_x)\n}", "t.rep:2:1: error: property name 'zro_x': names starting with zro_ are reserved for generated code"},
        {"class Foo {\nPROP(Foo f)\n}", "t.rep:2:6: error: 'Foo' is a class: declare sub-objects with CLASS f(Foo)"},
        {"POD P(int a, P b)", "t.rep:1:14: error: POD 'P' cannot contain itself"},
        {"POD P(ENUM E {A} e)", "t.rep:1:7: error: ENUM is only allowed in the brace form of POD: POD P{ ENUM ... }"},
        {"x = 1;", "t.rep:1:1: error: expected a declaration (class, POD, ENUM, FLAG, USE_ENUM or a '#' line), found 'x'"},
        {"class Foo { int x; }", "t.rep:1:13: error: unexpected 'int' in class 'Foo' (expected PROP, SLOT, SIGNAL, ENUM, FLAG, CLASS or MODEL)"},
        {"class A { PROP(int a) } #include <x>", "t.rep:1:25: error: '#' must start a line (a preprocessor line or #HEADER / #FOOTER)"},
        {"class Foo {\nCLASS c(Foo)\n}", "t.rep:2:9: error: CLASS c(Foo): class 'Foo' must be declared before class 'Foo'"},
        {"class Foo {\nCLASS c(Bar)\n}",
         "t.rep:2:9: error: unknown type 'Bar' (declare it in this file, or #include the C++ header that declares it: an enum with "
         "USE_ENUM, another type with zro::external_type<Bar>)"},
        {"POD P(int a)\nclass Foo {\nCLASS c(P)\n}", "t.rep:3:9: error: CLASS c(P): 'P' is not a class of this file"},
        {"class A {}\nclass Foo {\nSLOT(void f(A a))\n}", "t.rep:3:13: error: SLOT parameters cannot be CLASS sub-objects"},
        {"@", "t.rep:1:1: error: unexpected character '@'"},
    };
    for (const auto& [text, message] : cases) EXPECT_EQ(error_of(text), message) << text;
}

TEST(RepParser, UnreadableFileIsAnErrorToo) {
    try {
        zro::idl::parse_file("/nonexistent/x.rep");
        FAIL();
    } catch (const zro::idl::ParseError& e) {
        EXPECT_STREQ(e.what(), "/nonexistent/x.rep:0:0: error: cannot open file");
    }
}

TEST(RepParser, GettersMayHideInformationalReplicaMembersWithAWarning) {
    auto d = parse("class Foo {\nPROP(QString name)\nPROP(int schema)\n}");
    ASSERT_EQ(d.warnings.size(), 2u);
    EXPECT_EQ(d.warnings[0].to_string(),
              "t.rep:2:1: warning: property 'name': FooReplica::name() hides zro::Replica::name() (call "
              "replica.zro::Replica::name() for the base)");
    EXPECT_EQ(d.warnings[1].to_string(),
              "t.rep:3:1: warning: property 'schema': FooSource::schema() hides zro::Source::schema() (call "
              "source.zro::Source::schema() for the base)");
}

TEST(RepParser, NamesOfZrosMachineryAreFreeForUserMembers) {
    // Once reserved (zro's members had these names); now zro's are zro_*, and these compile.
    auto d = parse("class Foo {\nENUM state {A}\nPROP(state state)\nPROP(int acquired)\nSLOT(int handleCall(int i))\n"
                   "SIGNAL(propertyValue())\nPROP(int x)\nSLOT(int x_())\n}");
    EXPECT_EQ(d.classes.at(0).properties.size(), 3u);
}

TEST(RepParser, TypesFromAnIncludedHeaderPassThrough) {
    auto d = parse("#include \"temperature.h\"\nclass Foo {\nPROP(Temperature t = 20.5)\nSLOT(Temperature::Ptr p())\n"
                   "SIGNAL(s(const QList<ExtPOD> &pods))\n}");
    EXPECT_EQ(d.classes.at(0).properties.at(0).type.name, "Temperature");
    try {
        (void)zro::idl::to_schema(d, "Foo");
        FAIL() << "to_schema cannot know Temperature's schema type";
    } catch (const zro::idl::ParseError& e) {
        EXPECT_EQ(e.message(), "class Foo uses Temperature, a type from a C++ header: its schema type is known only to C++ "
                               "(zro::external_type); take the schema from FooInterface::static_schema()");
    }
}

TEST(RepParser, AFlagIsAMapKey) {
    auto d = parse("ENUM P {A = 1, B = 2}\nFLAG(Ps P)\nPOD V(int x)\nclass Foo {\nPROP(QMap<Ps, V> m)\n}");
    EXPECT_EQ(zro::idl::to_schema(d, "Foo").properties().at(0).type, "map<int32,V>");
}
