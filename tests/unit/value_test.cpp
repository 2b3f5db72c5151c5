// zro — unit tests for zro::Value (include/zro/value.hpp) and zro::ErrorCode names.

#include <zro/error.hpp>
#include <zro/value.hpp>

#include <gtest/gtest.h>

#include "support/errors.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using zro::Error;
using zro::ErrorCode;
using zro::Value;
using Kind = zro::Value::Kind;
using zro::test::Thrown;
using zro::test::thrown;

static_assert(std::is_nothrow_move_constructible_v<Value>);
static_assert(std::is_nothrow_move_assignable_v<Value>);
static_assert(std::is_nothrow_default_constructible_v<Value>);
static_assert(std::is_copy_constructible_v<Value>);

constexpr auto i64_max = std::numeric_limits<std::int64_t>::max();
constexpr auto i64_min = std::numeric_limits<std::int64_t>::min();
constexpr auto u64_max = std::numeric_limits<std::uint64_t>::max();

Value bytes(std::initializer_list<std::uint8_t> b) { return Value(Value::Bytes{b}); }

// ---- construction and kinds -----------------------------------------------------------------

TEST(Value, DefaultAndNullptrAreNil) {
    EXPECT_TRUE(Value().is_nil());
    EXPECT_TRUE(Value(nullptr).is_nil());
    EXPECT_EQ(Value().kind(), Kind::nil);
}

TEST(Value, SignedIntegersHoldInt64AndUnsignedHoldUint64) {
    EXPECT_EQ(Value(std::int8_t{-3}).kind(), Kind::int64);
    EXPECT_EQ(Value(short{7}).kind(), Kind::int64);
    EXPECT_EQ(Value(42).kind(), Kind::int64);
    EXPECT_EQ(Value(42L).kind(), Kind::int64);
    EXPECT_EQ(Value(std::uint8_t{200}).kind(), Kind::uint64);
    EXPECT_EQ(Value(42u).kind(), Kind::uint64);
    EXPECT_EQ(Value(u64_max).kind(), Kind::uint64);
    EXPECT_EQ(std::get<std::uint64_t>(Value(u64_max).storage()), u64_max);
    EXPECT_EQ(std::get<std::int64_t>(Value(i64_min).storage()), i64_min);
}

TEST(Value, OtherConstructorsPickTheExpectedKind) {
    EXPECT_EQ(Value(true).kind(), Kind::boolean);
    EXPECT_EQ(Value(1.5).kind(), Kind::float64);
    EXPECT_EQ(Value(1.5f).kind(), Kind::float64);
    EXPECT_EQ(Value(std::string("s")).kind(), Kind::string);
    EXPECT_EQ(Value(std::string_view("s")).kind(), Kind::string);
    EXPECT_EQ(Value("s").kind(), Kind::string);  // not bool: const char* is an exact match
    EXPECT_EQ(bytes({1, 2}).kind(), Kind::bytes);
    EXPECT_EQ(Value(Value::List{}).kind(), Kind::list);
    EXPECT_EQ(Value(Value::Map{}).kind(), Kind::map);
}

TEST(Value, BraceListBuildsAList) {
    const Value v{1, "two", 3.0};
    ASSERT_TRUE(v.is_list());
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v.at(std::size_t{0}), Value(1));
    EXPECT_EQ(v.at(1), Value("two"));
    EXPECT_EQ(v.at(2), Value(3.0));
}

TEST(Value, ListOfAndMapOf) {
    const Value l = Value::list_of(std::vector<int>{1, 2, 3});
    EXPECT_EQ(l, (Value{1, 2, 3}));
    const Value m = Value::map_of({{"a", 1}, {"b", true}});
    ASSERT_TRUE(m.is_map());
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m.as_map()[0].first, Value("a"));  // insertion order is kept
    EXPECT_EQ(m.as_map()[1].first, Value("b"));
    EXPECT_EQ(m.at("b"), Value(true));
    EXPECT_TRUE(Value::map_of({}).is_map());
}

TEST(Value, Predicates) {
    EXPECT_TRUE(Value(1).is_integer());
    EXPECT_TRUE(Value(1u).is_integer());
    EXPECT_FALSE(Value(1.0).is_integer());
    EXPECT_TRUE(Value(1.0).is_number());
    EXPECT_TRUE(Value(1u).is_number());
    EXPECT_FALSE(Value(true).is_number());
    EXPECT_FALSE(Value("1").is_number());
    EXPECT_TRUE(Value(false).is_bool());
    EXPECT_TRUE(Value("").is_string());
    EXPECT_TRUE(bytes({}).is_bytes());
    EXPECT_TRUE(Value(Value::List{}).is_list());
    EXPECT_TRUE(Value(Value::Map{}).is_map());
}

// ---- as<T>() --------------------------------------------------------------------------------

TEST(ValueAs, Bool) {
    EXPECT_TRUE(Value(true).as<bool>());
    EXPECT_FALSE(Value(false).as<bool>());
    EXPECT_ZRO_ERROR(Value(1).as<bool>(), ErrorCode::type_mismatch, "expected bool, got int 1");
    EXPECT_ZRO_ERROR(Value().as<bool>(), ErrorCode::type_mismatch, "expected bool, got nil");
}

TEST(ValueAs, IntegersConvertAcrossKindsWhenTheyFit) {
    EXPECT_EQ(Value(42u).as<int>(), 42);
    EXPECT_EQ(Value(42).as<unsigned>(), 42u);
    EXPECT_EQ(Value(-128).as<std::int8_t>(), -128);
    EXPECT_EQ(Value(127).as<std::int8_t>(), 127);
    EXPECT_EQ(Value(255u).as<std::uint8_t>(), 255);
    EXPECT_EQ(Value(i64_min).as<std::int64_t>(), i64_min);
    EXPECT_EQ(Value(static_cast<std::uint64_t>(i64_max)).as<std::int64_t>(), i64_max);
    EXPECT_EQ(Value(u64_max).as<std::uint64_t>(), u64_max);
    EXPECT_EQ(Value(0).as<std::uint64_t>(), 0u);
}

TEST(ValueAs, IntegerOutOfRangeSaysSo) {
    EXPECT_ZRO_ERROR(Value(-3).as<std::uint8_t>(), ErrorCode::type_mismatch,
                     "expected uint8, got int -3 (out of range)");
    EXPECT_ZRO_ERROR(Value(128).as<std::int8_t>(), ErrorCode::type_mismatch,
                     "expected int8, got int 128 (out of range)");
    EXPECT_ZRO_ERROR(Value(-129).as<std::int8_t>(), ErrorCode::type_mismatch,
                     "expected int8, got int -129 (out of range)");
    EXPECT_ZRO_ERROR(Value(256u).as<std::uint8_t>(), ErrorCode::type_mismatch,
                     "expected uint8, got uint 256 (out of range)");
    EXPECT_ZRO_ERROR(Value(70000).as<std::int16_t>(), ErrorCode::type_mismatch,
                     "expected int16, got int 70000 (out of range)");
    EXPECT_ZRO_ERROR(Value(4294967296u).as<std::uint32_t>(), ErrorCode::type_mismatch,
                     "expected uint32, got uint 4294967296 (out of range)");
    EXPECT_ZRO_ERROR(Value(u64_max).as<std::int64_t>(), ErrorCode::type_mismatch,
                     "expected int64, got uint 18446744073709551615 (out of range)");
    EXPECT_ZRO_ERROR(Value(-1).as<std::uint64_t>(), ErrorCode::type_mismatch,
                     "expected uint64, got int -1 (out of range)");
}

TEST(ValueAs, IntegerFromWrongKindNamesTheKind) {
    EXPECT_ZRO_ERROR(Value("abc").as<std::int32_t>(), ErrorCode::type_mismatch,
                     "expected int32, got string \"abc\"");
    // A double is never silently truncated to an integer (no "out of range" either).
    EXPECT_ZRO_ERROR(Value(1.0).as<int>(), ErrorCode::type_mismatch, "expected int32, got double 1.0");
    EXPECT_ZRO_ERROR(Value(true).as<std::uint16_t>(), ErrorCode::type_mismatch,
                     "expected uint16, got bool true");
}

TEST(ValueAs, FloatingPointFromAnyNumber) {
    EXPECT_DOUBLE_EQ(Value(1.5).as<double>(), 1.5);
    EXPECT_DOUBLE_EQ(Value(-2).as<double>(), -2.0);
    EXPECT_DOUBLE_EQ(Value(3u).as<double>(), 3.0);
    EXPECT_FLOAT_EQ(Value(0.25).as<float>(), 0.25f);
    EXPECT_ZRO_ERROR(Value("1.5").as<double>(), ErrorCode::type_mismatch,
                     "expected double, got string \"1.5\"");
    EXPECT_ZRO_ERROR(Value().as<float>(), ErrorCode::type_mismatch, "expected float, got nil");
}

TEST(ValueAs, StringsBytesListsMaps) {
    EXPECT_EQ(Value("hi").as<std::string>(), "hi");
    EXPECT_EQ(bytes({1, 2}).as<Value::Bytes>().data, (std::vector<std::uint8_t>{1, 2}));
    EXPECT_EQ(Value({1, 2}).as<Value::List>().size(), 2u);
    EXPECT_EQ(Value::map_of({{"a", 1}}).as<Value::Map>().size(), 1u);
    EXPECT_EQ(Value(7).as<Value>(), Value(7));
    EXPECT_ZRO_ERROR(Value(1).as<std::string>(), ErrorCode::type_mismatch, "expected string, got int 1");
    EXPECT_ZRO_ERROR(Value("x").as<Value::Bytes>(), ErrorCode::type_mismatch,
                     "expected bytes, got string \"x\"");
    EXPECT_ZRO_ERROR(Value("x").as<Value::List>(), ErrorCode::type_mismatch,
                     "expected list, got string \"x\"");
    EXPECT_ZRO_ERROR(Value({1}).as<Value::Map>(), ErrorCode::type_mismatch, "expected map, got list [1]");
}

TEST(ValueAs, VectorsAndStringMaps) {
    EXPECT_EQ((Value{1, 2, 3}).as<std::vector<int>>(), (std::vector<int>{1, 2, 3}));
    EXPECT_EQ((Value{Value{1}, Value{2, 3}}).as<std::vector<std::vector<int>>>(),
              (std::vector<std::vector<int>>{{1}, {2, 3}}));
    const std::map<std::string, double> m{{"a", 1.0}, {"b", 2.5}};
    EXPECT_EQ((Value::map_of({{"a", 1}, {"b", 2.5}}).as<std::map<std::string, double>>()), m);
    // A bad element fails the whole conversion with the element's own message.
    EXPECT_ZRO_ERROR((Value{1, "x"}).as<std::vector<int>>(), ErrorCode::type_mismatch,
                     "expected int32, got string \"x\"");
    EXPECT_ZRO_ERROR((Value{1, 300}).as<std::vector<std::uint8_t>>(), ErrorCode::type_mismatch,
                     "expected uint8, got int 300 (out of range)");
    Value int_keyed(Value::Map{{Value(1), Value(2)}});
    EXPECT_ZRO_ERROR((int_keyed.as<std::map<std::string, int>>()), ErrorCode::type_mismatch,
                     "expected string, got int 1");
}

// ---- direct access --------------------------------------------------------------------------

TEST(ValueAccess, AsStringListMapBytesOnTheRightKind) {
    const Value s("abc");
    EXPECT_EQ(s.as_string(), "abc");
    Value l{1, 2};
    l.as_list().push_back(3);  // the non-const overload gives a mutable reference
    EXPECT_EQ(l, (Value{1, 2, 3}));
    Value m = Value::map_of({{"a", 1}});
    m.as_map().emplace_back(Value("b"), Value(2));
    EXPECT_EQ(m.at("b"), Value(2));
    EXPECT_EQ(bytes({0xff}).as_bytes().data.at(0), 0xff);
}

TEST(ValueAccess, AsOnTheWrongKindThrows) {
    Value n;
    const Value& cn = n;
    EXPECT_ZRO_ERROR(cn.as_string(), ErrorCode::type_mismatch, "expected string, got nil");
    EXPECT_ZRO_ERROR(cn.as_list(), ErrorCode::type_mismatch, "expected list, got nil");
    EXPECT_ZRO_ERROR(n.as_list(), ErrorCode::type_mismatch, "expected list, got nil");
    EXPECT_ZRO_ERROR(cn.as_map(), ErrorCode::type_mismatch, "expected map, got nil");
    EXPECT_ZRO_ERROR(n.as_map(), ErrorCode::type_mismatch, "expected map, got nil");
    EXPECT_ZRO_ERROR(cn.as_bytes(), ErrorCode::type_mismatch, "expected bytes, got nil");
    EXPECT_ZRO_ERROR(Value("00").as_bytes(), ErrorCode::type_mismatch, "expected bytes, got string \"00\"");
    EXPECT_ZRO_ERROR(bytes({0}).as_string(), ErrorCode::type_mismatch, "expected string, got bytes b\"00\"");
}

TEST(ValueAccess, FindLooksUpStringKeysOnly) {
    Value m(Value::Map{{Value(1), Value("int key")},
                       {Value("a"), Value(1)},
                       {Value("a"), Value(2)},
                       {Value(Value::Bytes{{'b'}}), Value(3)}});
    ASSERT_NE(m.find("a"), nullptr);
    EXPECT_EQ(*m.find("a"), Value(1));  // the first of duplicate keys wins
    EXPECT_EQ(m.find("b"), nullptr);    // a bin key is not a string key
    EXPECT_EQ(m.find("1"), nullptr);
    EXPECT_EQ(Value{"a"}.find("a"), nullptr);  // not a map
    EXPECT_EQ(Value().find("a"), nullptr);
}

TEST(ValueAccess, AtByKey) {
    const Value m = Value::map_of({{"x", 1.5}});
    EXPECT_EQ(m.at("x"), Value(1.5));
    EXPECT_ZRO_ERROR(m.at("y"), ErrorCode::unknown_property, "no key \"y\" in map");
    EXPECT_ZRO_ERROR(m.at("q\"\n"), ErrorCode::unknown_property, "no key \"q\\\"\\n\" in map");
    EXPECT_ZRO_ERROR(Value(3).at("x"), ErrorCode::type_mismatch, "expected map, got int 3");
    const Thrown long_key = thrown([&] { (void)m.at(std::string(500, 'k')); });
    EXPECT_EQ(long_key.code, ErrorCode::unknown_property);
    EXPECT_LT(long_key.message.size(), 120u);
}

TEST(ValueAccess, AtByIndex) {
    const Value l{"a", "b"};
    EXPECT_EQ(l.at(1), Value("b"));
    EXPECT_ZRO_ERROR(l.at(2), ErrorCode::type_mismatch, "index 2 out of range (list of 2)");
    EXPECT_ZRO_ERROR(Value(Value::List{}).at(0), ErrorCode::type_mismatch,
                     "index 0 out of range (list of 0)");
    EXPECT_ZRO_ERROR(Value::map_of({{"a", 1}}).at(std::size_t{0}), ErrorCode::type_mismatch,
                     "expected list, got map {\"a\": 1}");
}

TEST(ValueAccess, Size) {
    EXPECT_EQ(Value().size(), 0u);
    EXPECT_EQ(Value(true).size(), 0u);
    EXPECT_EQ(Value(12345).size(), 0u);
    EXPECT_EQ(Value(1.5).size(), 0u);
    EXPECT_EQ(Value("héllo").size(), 6u);  // bytes, not code points
    EXPECT_EQ(bytes({1, 2, 3}).size(), 3u);
    EXPECT_EQ((Value{1, 2, 3, 4}).size(), 4u);
    EXPECT_EQ(Value::map_of({{"a", 1}, {"b", 2}}).size(), 2u);
}

TEST(Value, KindNames) {
    EXPECT_EQ(Value::kind_name(Kind::nil), "nil");
    EXPECT_EQ(Value::kind_name(Kind::boolean), "bool");
    EXPECT_EQ(Value::kind_name(Kind::int64), "int");
    EXPECT_EQ(Value::kind_name(Kind::uint64), "uint");
    EXPECT_EQ(Value::kind_name(Kind::float64), "double");
    EXPECT_EQ(Value::kind_name(Kind::string), "string");
    EXPECT_EQ(Value::kind_name(Kind::bytes), "bytes");
    EXPECT_EQ(Value::kind_name(Kind::list), "list");
    EXPECT_EQ(Value::kind_name(Kind::map), "map");
}

TEST(Value, IntegerTypeNames) {
    using zro::detail::integer_type_name;
    EXPECT_EQ(integer_type_name(1, true), "int8");
    EXPECT_EQ(integer_type_name(2, true), "int16");
    EXPECT_EQ(integer_type_name(4, true), "int32");
    EXPECT_EQ(integer_type_name(8, true), "int64");
    EXPECT_EQ(integer_type_name(1, false), "uint8");
    EXPECT_EQ(integer_type_name(2, false), "uint16");
    EXPECT_EQ(integer_type_name(4, false), "uint32");
    EXPECT_EQ(integer_type_name(8, false), "uint64");
}

// ---- to_string ------------------------------------------------------------------------------

TEST(ValueToString, Scalars) {
    EXPECT_EQ(Value().to_string(), "nil");
    EXPECT_EQ(Value(true).to_string(), "true");
    EXPECT_EQ(Value(false).to_string(), "false");
    EXPECT_EQ(Value(42).to_string(), "42");
    EXPECT_EQ(Value(-1).to_string(), "-1");
    EXPECT_EQ(Value(i64_min).to_string(), "-9223372036854775808");
    EXPECT_EQ(Value(u64_max).to_string(), "18446744073709551615");
}

TEST(ValueToString, DoublesStayRecognisableAndRoundTrip) {
    EXPECT_EQ(Value(1.5).to_string(), "1.5");
    EXPECT_EQ(Value(1.0).to_string(), "1.0");
    EXPECT_EQ(Value(-2.0).to_string(), "-2.0");
    EXPECT_EQ(Value(0.0).to_string(), "0.0");
    EXPECT_EQ(Value(0.1).to_string(), "0.1");
    EXPECT_EQ(Value(1e20).to_string(), "1e+20");
    EXPECT_EQ(Value(std::numeric_limits<double>::infinity()).to_string(), "inf");
    EXPECT_EQ(Value(-std::numeric_limits<double>::infinity()).to_string(), "-inf");
    EXPECT_EQ(Value(std::nan("")).to_string(), "nan");
    EXPECT_EQ(std::stod(Value(0.30000000000000004).to_string()), 0.30000000000000004);
}

TEST(ValueToString, StringsAreQuotedAndEscaped) {
    EXPECT_EQ(Value("str").to_string(), "\"str\"");
    EXPECT_EQ(Value("").to_string(), "\"\"");
    EXPECT_EQ(Value("a\"b\\c").to_string(), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(Value("l1\nl2\r\t").to_string(), "\"l1\\nl2\\r\\t\"");
    EXPECT_EQ(Value(std::string("\x01\x1f\x7f", 3)).to_string(), "\"\\u0001\\u001f\\u007f\"");
    EXPECT_EQ(Value(std::string("a\0b", 3)).to_string(), "\"a\\u0000b\"");
    EXPECT_EQ(Value("héllo").to_string(), "\"héllo\"");  // UTF-8 passes through
}

TEST(ValueToString, BytesAsHex) {
    EXPECT_EQ(bytes({0x00, 0xff}).to_string(), "b\"00ff\"");
    EXPECT_EQ(bytes({}).to_string(), "b\"\"");
    EXPECT_EQ(bytes({0xab, 0x01, 0x10}).to_string(), "b\"ab0110\"");
}

TEST(ValueToString, ContainersNest) {
    EXPECT_EQ((Value{1, 2}).to_string(), "[1, 2]");
    EXPECT_EQ(Value(Value::List{}).to_string(), "[]");
    EXPECT_EQ(Value::map_of({{"a", 1}}).to_string(), "{\"a\": 1}");
    EXPECT_EQ(Value(Value::Map{}).to_string(), "{}");
    EXPECT_EQ(Value(Value::Map{{Value(1), Value{true, Value()}}}).to_string(), "{1: [true, nil]}");
    EXPECT_EQ(Value::map_of({{"l", Value{1.5, "x"}}, {"m", Value::map_of({{"k", bytes({1})}})}})
                  .to_string(),
              "{\"l\": [1.5, \"x\"], \"m\": {\"k\": b\"01\"}}");
}

TEST(ValueToString, ToStringIsNotTruncated) {
    const Value big(std::string(1000, 'x'));
    EXPECT_EQ(big.to_string().size(), 1002u);
}

// ---- error message truncation ---------------------------------------------------------------

TEST(ValueErrors, LongValuesAreCutInMessages) {
    const Value big(std::string(1000, 'x'));
    const Thrown t = thrown([&] { (void)big.as<int>(); });
    EXPECT_EQ(t.code, ErrorCode::type_mismatch);
    EXPECT_EQ(t.message, "expected int32, got string \"" + std::string(76, 'x') + "...");
    const std::string shown = t.message.substr(std::string("expected int32, got string ").size());
    EXPECT_EQ(shown.size(), 80u);
}

TEST(ValueErrors, HugeListsAreCutWithoutRenderingEverything) {
    Value::List l(200000, Value(123456789));
    const Value big(std::move(l));
    const Thrown t = thrown([&] { (void)big.as_string(); });
    EXPECT_EQ(t.code, ErrorCode::type_mismatch);
    EXPECT_TRUE(t.message.starts_with("expected string, got list [123456789, 123456789"));
    EXPECT_TRUE(t.message.ends_with("...")) << t.message;
    EXPECT_LE(t.message.size(), std::string("expected string, got list ").size() + 80);
}

TEST(ValueErrors, ShortValuesAreNotCut) {
    const std::string s78(78, 'y');  // 78 + 2 quotes = exactly 80 characters
    const Thrown t = thrown([&] { (void)Value(s78).as<bool>(); });
    EXPECT_EQ(t.message, "expected bool, got string \"" + s78 + "\"");
}

TEST(ValueErrors, CuttingNeverSplitsAUtf8Sequence) {
    // "é" is two bytes; with one leading 'a' the cut at 77 bytes falls inside a sequence.
    std::string s = "a";
    for (int i = 0; i < 100; ++i) s += "é";
    const Thrown t = thrown([&] { (void)Value(s).as<bool>(); });
    ASSERT_TRUE(t.message.ends_with("..."));
    const std::string body = t.message.substr(0, t.message.size() - 3);
    // The byte before "..." must end a character: an ASCII byte or the last byte of "é".
    const auto last = static_cast<unsigned char>(body.back());
    EXPECT_TRUE(last < 0x80 || last == 0xa9) << std::hex << int(last);
    EXPECT_TRUE(body.ends_with("é"));
}

TEST(ValueErrors, Describe) {
    using zro::detail::describe;
    EXPECT_EQ(describe(Value()), "nil");
    EXPECT_EQ(describe(Value(3)), "int 3");
    EXPECT_EQ(describe(Value(3u)), "uint 3");
    EXPECT_EQ(describe(Value("abc")), "string \"abc\"");
    EXPECT_EQ(describe(Value{1, 2}), "list [1, 2]");
}

// ---- equality -------------------------------------------------------------------------------

TEST(ValueEquality, IntegersCompareByNumericValueAcrossKinds) {
    EXPECT_EQ(Value(1), Value(1u));
    EXPECT_EQ(Value(1u), Value(1));
    EXPECT_EQ(Value(0), Value(0u));
    EXPECT_EQ(Value(i64_max), Value(static_cast<std::uint64_t>(i64_max)));
    EXPECT_NE(Value(-1), Value(u64_max));  // same bits, different numbers
    EXPECT_NE(Value(u64_max), Value(-1));
    EXPECT_NE(Value(i64_min), Value(static_cast<std::uint64_t>(1) << 63));
    EXPECT_NE(Value(1), Value(2u));
    EXPECT_EQ(Value(-5), Value(-5));
}

TEST(ValueEquality, DoublesOnlyEqualDoubles) {
    // Documented choice: a double never equals an integer, even 1.0 vs 1. Types matter to a
    // schema (int32 vs double), so a change from 1 to 1.0 is a change.
    EXPECT_NE(Value(1), Value(1.0));
    EXPECT_NE(Value(1.0), Value(1u));
    EXPECT_EQ(Value(1.0), Value(1.0));
    EXPECT_EQ(Value(1.5f), Value(1.5));
    EXPECT_EQ(Value(0.0), Value(-0.0));
    EXPECT_NE(Value(0.1), Value(0.2));
}

TEST(ValueEquality, NanEqualsNanSoAValueAlwaysEqualsItself) {
    const Value nan(std::nan(""));
    EXPECT_EQ(nan, nan);
    EXPECT_EQ(nan, Value(std::nan("")));
    EXPECT_NE(nan, Value(0.0));
}

TEST(ValueEquality, KindsMustMatch) {
    EXPECT_EQ(Value(), Value(nullptr));
    EXPECT_NE(Value(), Value(false));
    EXPECT_NE(Value(true), Value(1));
    EXPECT_NE(Value(false), Value(0));
    EXPECT_NE(Value("ab"), bytes({'a', 'b'}));
    EXPECT_NE(Value(Value::List{}), Value(Value::Map{}));
    EXPECT_NE(Value(""), Value());
    EXPECT_EQ(bytes({1, 2}), bytes({1, 2}));
    EXPECT_NE(bytes({1, 2}), bytes({1, 3}));
    EXPECT_EQ(Value("x"), Value(std::string("x")));
    EXPECT_NE(Value("x"), Value("y"));
}

TEST(ValueEquality, ListsAreDeepAndOrdered) {
    EXPECT_EQ((Value{1, Value{2, "x"}}), (Value{1u, Value{2u, "x"}}));
    EXPECT_NE((Value{1, 2}), (Value{2, 1}));
    EXPECT_NE((Value{1, 2}), (Value{1, 2, 3}));
    EXPECT_NE((Value{1, Value{2, "x"}}), (Value{1, Value{2, "y"}}));
}

TEST(ValueEquality, MapsAreDeepAndOrdered) {
    const Value a = Value::map_of({{"a", 1}, {"b", Value{1, 2}}});
    EXPECT_EQ(a, Value::map_of({{"a", 1u}, {"b", Value{1u, 2u}}}));
    EXPECT_NE(a, Value::map_of({{"a", 1}, {"b", Value{1, 3}}}));
    EXPECT_NE(a, Value::map_of({{"a", 1}}));
    // Maps are ordered like on the wire: the same pairs in another order are a different map.
    EXPECT_NE(a, Value::map_of({{"b", Value{1, 2}}, {"a", 1}}));
    EXPECT_NE(Value::map_of({{"a", 1}}), Value::map_of({{"b", 1}}));
}

TEST(ValueEquality, IsReflexiveOnACopy) {
    const Value v = Value::map_of({{"k", Value{Value(), true, -1, 2u, 1.5, "s", bytes({9})}}});
    const Value copy = v;
    EXPECT_EQ(v, copy);
    EXPECT_FALSE(v != copy);
}

// ---- error codes ----------------------------------------------------------------------------

TEST(ErrorCodes, NamesAreStableSnakeCase) {
    const std::pair<ErrorCode, std::string_view> all[] = {
        {ErrorCode::ok, "ok"},
        {ErrorCode::timeout, "timeout"},
        {ErrorCode::source_gone, "source_gone"},
        {ErrorCode::source_restarted, "source_restarted"},
        {ErrorCode::unknown_object, "unknown_object"},
        {ErrorCode::unknown_method, "unknown_method"},
        {ErrorCode::unknown_property, "unknown_property"},
        {ErrorCode::bad_arguments, "bad_arguments"},
        {ErrorCode::read_only, "read_only"},
        {ErrorCode::handler_failed, "handler_failed"},
        {ErrorCode::malformed_message, "malformed_message"},
        {ErrorCode::version_mismatch, "version_mismatch"},
        {ErrorCode::signature_mismatch, "signature_mismatch"},
        {ErrorCode::too_large, "too_large"},
        {ErrorCode::cancelled, "cancelled"},
        {ErrorCode::not_connected, "not_connected"},
        {ErrorCode::would_deadlock, "would_deadlock"},
        {ErrorCode::bind_failed, "bind_failed"},
        {ErrorCode::bad_url, "bad_url"},
        {ErrorCode::type_mismatch, "type_mismatch"},
        {ErrorCode::invalid_schema, "invalid_schema"},
        {ErrorCode::invalid_state, "invalid_state"},
        {ErrorCode::already_exists, "already_exists"},
    };
    for (const auto& [code, name] : all) EXPECT_EQ(zro::to_string(code), name);
}

TEST(ErrorCodes, UnknownCodeFromANewerPeerHasAName) {
    EXPECT_EQ(zro::to_string(static_cast<ErrorCode>(999)), "unknown_error");
    EXPECT_EQ(zro::to_string(static_cast<ErrorCode>(19)), "unknown_error");
    EXPECT_EQ(zro::to_string(ErrorCode::unknown_model), "unknown_model");
}

TEST(ErrorCodes, ErrorCarriesCodeAndMessage) {
    const Error e(ErrorCode::bad_url, "bad url 'x'");
    EXPECT_EQ(e.code(), ErrorCode::bad_url);
    EXPECT_STREQ(e.what(), "bad url 'x'");
    const std::runtime_error& base = e;  // catchable as a standard exception
    EXPECT_STREQ(base.what(), "bad url 'x'");
}

} // namespace
